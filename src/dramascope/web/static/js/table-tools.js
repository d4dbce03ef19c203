// Table tools for every page: sortable columns and the compare cart. Plain JS, no inline handlers (the
// CSP allows scripts from this server only); every text it shows comes from data-* attributes that the
// server wrote in the reader's language.
(function () {
  "use strict";
  var body = document.body;
  var text = function (key, fallback) { return body.getAttribute("data-" + key) || fallback; };

  // -- sortable columns -------------------------------------------------------------------------------
  // A cell sorts by its data-sort attribute (the raw value behind "109.3亿" or "25%") when it has one,
  // else by the number its text starts with, else by its text in the page's language.
  var NUMBER = /^([▲▼]?)\s*([-+−]?\d[\d,]*(?:\.\d+)?)\s*(?:%|×|=|\s*[–\/].*)?$/;
  function sortKey(cell) {
    if (!cell) { return null; }
    if (cell.hasAttribute("data-sort")) {
      var raw = cell.getAttribute("data-sort");
      if (raw === "") { return null; }
      var v = parseFloat(raw);
      return isNaN(v) ? raw : v;
    }
    var shown = cell.textContent.trim();
    if (shown === "" || shown === "–" || shown === "-") { return null; }
    var m = NUMBER.exec(shown);  // "1,234", "25%", "3=", "12–30" (an interval sorts by its low end), "▼3"
    if (m) {
      var n = parseFloat(m[2].replace(/,/g, "").replace("−", "-"));
      return m[1] === "▼" ? -n : n;
    }
    return shown;
  }

  function sortable(table) {
    if (table.classList.contains("no-sort") || !table.tHead || !table.tBodies.length) { return false; }
    var rows = table.tBodies[0].rows;
    if (rows.length < 2) { return false; }
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].cells.length === 1 && rows[i].cells[0].colSpan > 1) { return false; }
    }
    return true;
  }

  function sortBy(table, th, column) {
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    table.tHead.querySelectorAll("th[aria-sort]").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows).map(function (row, index) {
      return { row: row, key: sortKey(row.cells[column]), index: index };
    });
    var numeric = rows.every(function (r) { return r.key === null || typeof r.key === "number"; });
    var collator = new Intl.Collator(body.getAttribute("data-lang") === "zh" ? "zh-Hans-CN" : "en", { numeric: true });
    rows.sort(function (a, b) {
      if (a.key === null || b.key === null) {  // empty cells last, whichever the direction
        return (a.key === null) - (b.key === null) || a.index - b.index;
      }
      var c = numeric ? a.key - b.key : collator.compare(String(a.key), String(b.key));
      return (ascending ? c : -c) || a.index - b.index;
    });
    rows.forEach(function (r) { tbody.appendChild(r.row); });
  }

  function makeSortable(table) {
    if (!sortable(table)) { return; }
    var headRow = table.tHead.rows[table.tHead.rows.length - 1];
    Array.prototype.forEach.call(headRow.cells, function (th, column) {
      var label = th.textContent.trim();
      if (!label || th.colSpan > 1) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = label;
      button.title = text("sort-hint", "Sort");
      while (th.firstChild) { th.removeChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, th, column); });
    });
    table.classList.add("sortable");
  }

  // -- the compare cart ---------------------------------------------------------------------------------
  var CART_KEY = "dramascope-compare";
  var MAX = parseInt(text("cart-max", "8"), 10);

  function readCart() {
    try {
      var items = JSON.parse(window.localStorage.getItem(CART_KEY) || "[]");
      return Array.isArray(items) ? items.filter(function (x) { return typeof x === "string"; }).slice(0, MAX) : [];
    } catch (e) { return []; }
  }
  function writeCart(items) {
    try { window.localStorage.setItem(CART_KEY, JSON.stringify(items.slice(0, MAX))); } catch (e) { /* private mode */ }
    refreshCart();
  }
  function compareUrl(items) { return "/compare" + (items.length ? "?ids=" + items.map(encodeURIComponent).join(",") : ""); }

  function refreshCart() {
    var items = readCart();
    var link = document.querySelector('header.top nav a[data-nav="compare"]');
    if (link) {
      link.href = compareUrl(items);
      var badge = link.querySelector(".cart-count");
      if (!badge) { badge = document.createElement("span"); badge.className = "cart-count"; link.appendChild(badge); }
      badge.textContent = items.length ? String(items.length) : "";
      badge.hidden = !items.length;
    }
    document.querySelectorAll("button.cart-add").forEach(function (b) {
      var inCart = items.indexOf(b.getAttribute("data-title-id")) >= 0;
      b.setAttribute("aria-pressed", inCart ? "true" : "false");
      b.textContent = inCart ? text("cart-added", "✓") : text("cart-add", "+");
      b.title = inCart ? text("cart-remove-hint", "") : text("cart-add-hint", "");
    });
    var status = document.getElementById("cart-status");
    if (status) { status.textContent = text("cart-count", "{n}").replace("{n}", String(items.length)); }
  }

  function toggle(id) {
    var items = readCart();
    var at = items.indexOf(id);
    if (at >= 0) { items.splice(at, 1); }
    else if (items.length >= MAX) { window.alert(text("cart-full", "The compare cart is full")); return; }
    else { items.push(id); }
    writeCart(items);
  }

  function bindCartButton(button) {
    if (button.getAttribute("data-bound")) { return; }
    button.setAttribute("data-bound", "1");
    button.addEventListener("click", function () { toggle(button.getAttribute("data-title-id")); });
  }

  function addCartButtons() {
    document.querySelectorAll("button.cart-add[data-title-id]").forEach(bindCartButton);
    document.querySelectorAll("table tr[data-title-id], ol.movers li[data-title-id]").forEach(function (row) {
      var link = row.querySelector("a.title-link");
      if (!link || row.querySelector("button.cart-add")) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "cart-add";
      button.setAttribute("data-title-id", row.getAttribute("data-title-id"));
      bindCartButton(button);
      link.parentNode.insertBefore(button, link.nextSibling);
    });
  }

  function comparePage() {
    if (body.getAttribute("data-page") !== "compare") { return; }
    var params = new URLSearchParams(window.location.search);
    var items = readCart();
    if (!params.get("ids") && items.length) { window.location.replace(compareUrl(items) + (params.get("lang") ? "&lang=" + encodeURIComponent(params.get("lang")) : "")); return; }
    var clear = document.getElementById("cart-clear");
    if (clear) { clear.addEventListener("click", function () { writeCart([]); }); }
    var take = document.getElementById("cart-take");
    if (take) {  // the titles on this page become the cart (a shared link fills a reader's own cart)
      take.addEventListener("click", function () {
        writeCart(Array.prototype.map.call(document.querySelectorAll("#compare-table thead th[data-title-id]"),
          function (r) { return r.getAttribute("data-title-id"); }));
      });
    }
  }

  function start() {
    document.querySelectorAll("main table").forEach(makeSortable);
    addCartButtons();
    refreshCart();
    comparePage();
    window.addEventListener("storage", function (e) { if (e.key === CART_KEY) { refreshCart(); } });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
