// Renders every chart spec on the page with the vendored vega-embed (no CDN, no inline scripts:
// specs travel as <script type="application/json">, which the browser never executes).
(function () {
  "use strict";
  function embedAll() {
    var blocks = document.querySelectorAll('script[type="application/json"][data-chart]');
    blocks.forEach(function (block) {
      var target = document.getElementById(block.getAttribute("data-chart"));
      if (!target || typeof vegaEmbed === "undefined") { return; }
      var spec;
      try { spec = JSON.parse(block.textContent); } catch (e) { target.textContent = document.body.getAttribute("data-chart-unreadable") || "chart data unreadable"; return; }
      vegaEmbed(target, spec, {
        renderer: "svg",
        actions: { export: true, source: false, compiled: false, editor: false },
        tooltip: { theme: "light" },
        i18n: { SVG_ACTION: document.body.getAttribute("data-save-svg") || "SVG",
                PNG_ACTION: document.body.getAttribute("data-save-png") || "PNG" }
      }).then(function () { target.setAttribute("data-rendered", "1"); })
        .catch(function (err) { target.setAttribute("data-error", String(err)); target.textContent = String(err); });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", embedAll); }
  else { embedAll(); }
})();
