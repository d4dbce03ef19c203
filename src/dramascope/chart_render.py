"""PNG/SVG renderings of Vega-Lite specs with vl-convert (no browser, no network), and the font stack every
chart uses.

Below the layers that draw charts (``publish`` and ``chain`` both render), so neither imports the other
for it. The report embeds these renderings, so a chart looks the same on screen and on paper.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Literal

__all__ = ["FONT_STACK", "fixed_width", "render", "save"]

FONT_STACK = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
_FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto", "/usr/share/fonts/noto-cjk")

Spec = dict[str, Any]


@functools.cache
def _register_fonts() -> None:
    """vl-convert draws text itself: point it at the system CJK fonts once per process."""
    import vl_convert as vlc

    for folder in _FONT_DIRS:
        if Path(folder).is_dir():
            vlc.register_font_directory(folder)


def fixed_width(spec: Spec, width: int = 640) -> Spec:
    """'container' width means nothing off-screen: give static renderings a fixed width."""
    out = dict(spec)
    if out.get("width") == "container":
        out["width"] = width
    return out


def render(spec: Spec, fmt: Literal["svg", "png"], *, scale: float = 2.0, width: int = 640) -> bytes:
    """Render a Vega-Lite spec to SVG (bytes, UTF-8) or PNG with vl-convert (no browser, no network)."""
    import vl_convert as vlc

    _register_fonts()
    spec = fixed_width(spec, width)
    if fmt == "svg":
        return vlc.vegalite_to_svg(spec).encode("utf-8")
    if fmt == "png":
        return vlc.vegalite_to_png(spec, scale=scale)
    raise ValueError(f"unknown chart format {fmt!r}: use svg or png")


def save(spec: Spec, path: Path) -> Path:
    """Write a chart to ``path``; the suffix (.svg or .png) picks the format."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("svg", "png"):
        raise ValueError(f"{path}: chart files must end in .svg or .png")
    path.write_bytes(render(spec, fmt))  # type: ignore[arg-type]
    return path
