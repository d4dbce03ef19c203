"""The web dashboard and REST API (FastAPI). ``create_app(workspace_path)`` and ``serve(...)``."""

from __future__ import annotations

from pathlib import Path


def create_app(workspace_path: str | Path | None = None):
    from dramascope.web.app import create_app as _create

    return _create(workspace_path)


def serve(workspace_path: str | Path | None = None, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the dashboard on host:port until interrupted (``dramascope serve``, ``demo --serve``)."""
    from dramascope.web.app import serve as _serve

    _serve(workspace_path, host=host, port=port)


__all__ = ["create_app", "serve"]
