"""A web app served on a loopback port, for tests that need real HTTP (browsers, concurrent clients), and
browser pages that record what went wrong on them (page errors, console errors, and optionally dialogs and
requests leaving the server)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(app, *, start_timeout: float = 30.0, stop_timeout: float = 20.0) -> Iterator[str]:
    """Run ``app`` under uvicorn in a daemon thread and yield its base URL; stop it on exit."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    if not server.started:
        raise RuntimeError(f"uvicorn did not start within {start_timeout} s")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=stop_timeout)


@contextmanager
def headless_chromium(executable: str, args: list[str]):
    """Debian's chromium, headless, driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=args, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def watched_page(browser, *, width: int, height: int = 900, only_from: str | None = None,
                 record_dialogs: bool = False):
    """A fresh zh-CN browser context and page whose ``problems`` list collects page errors and console
    errors; with ``only_from``, any request outside that origin (or ``data:``); with ``record_dialogs``,
    every dialog (dismissed)."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    pg = context.new_page()
    pg.problems = []
    pg.on("pageerror", lambda e: pg.problems.append(f"page error: {e}"))
    pg.on("console", lambda m: m.type == "error" and pg.problems.append(f"console: {m.text}"))
    if only_from is not None:
        pg.on("request", lambda r: r.url.startswith(only_from) or r.url.startswith("data:")
              or pg.problems.append(f"external request: {r.url}"))
    if record_dialogs:
        pg.on("dialog", lambda d: (pg.problems.append(f"dialog: {d.message}"), d.dismiss()))
    try:
        yield pg
    finally:
        context.close()
