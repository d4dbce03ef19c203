"""Read a script file (clear errors for missing, binary or undecodable files) and analyse it."""

from __future__ import annotations

from pathlib import Path

from dramascope.chain.script_analysis import ScriptAnalysis, analyze_script
from dramascope.errors import UserInputError

MAX_SCRIPT_BYTES = 20_000_000


def read_script_text(path: Path) -> str:
    """UTF-8 (with or without BOM), then GB18030 — the encodings Chinese scripts come in."""
    if not path.is_file():
        raise UserInputError("file not found", file=str(path))
    data = path.read_bytes()
    if len(data) > MAX_SCRIPT_BYTES:
        raise UserInputError(f"file is larger than {MAX_SCRIPT_BYTES // 1_000_000} MB", file=str(path))
    if b"\x00" in data[:4096]:
        raise UserInputError("binary file: give the script as plain text, Markdown or Fountain", file=str(path))
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError as exc:
            err = exc
    line = data[: err.start].count(b"\n") + 1
    raise UserInputError("not UTF-8 or GB18030 text", file=str(path), line=line)


def analyze_script_file(path: Path, *, lang: str = "auto", episode_seconds: float | None = None,
                        workspace=None) -> ScriptAnalysis:
    """Analyse a script file; with a workspace path (or the default one) that exists, compare with its top
    titles. ``workspace=False`` skips the comparison; a missing workspace is reported, never created."""
    text = read_script_text(path)
    analysis = analyze_script(text, lang=lang, episode_seconds=episode_seconds)
    if workspace is False:
        return analysis
    from dramascope.workspace import Workspace, default_workspace_path

    ws_path = Path(workspace) if workspace is not None else default_workspace_path()
    if not (ws_path / "dramascope.toml").exists():
        analysis.comparison = {"available": False, "titles": [],
                               "reason": f"no workspace at {ws_path} to compare with"}
        return analysis
    from dramascope.chain.script_compare import compare_with_top_titles

    with Workspace.open_reader(ws_path) as ws:
        analysis.comparison = compare_with_top_titles(ws, analysis)
    return analysis
