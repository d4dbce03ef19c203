"""JSONL in, JSONL out: the file side of `dramascope emotion classify`.

Each input line is a JSON object with a text field (default ``text``) or a bare JSON string. Each
output line is the input object plus ``label``, ``scores``, ``reactions``, ``evidence``,
``reaction_evidence``, ``lang``, ``intensity``, ``valence`` and ``model_version``. A line that is not
UTF-8, not JSON, or lacks the text field stops the run with an error naming the file and line — before
anything is written — unless ``skip_bad`` is set, in which case it gets an output line with ``error``
and the run goes on. Blank lines are skipped (they are no records).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from dramascope.errors import UserInputError
from dramascope.resonance.classify import classify_texts
from dramascope.resonance.model import load_model

CHUNK = 2048


@dataclass
class ClassifyReport:
    lines: int
    classified: int
    errors: int
    model_version: str


def _parse(raw: bytes, no: int, path: str, text_field: str) -> tuple[dict | None, str | None, str | None]:
    """(record, text, error) for one input line."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, None, f"not valid UTF-8 (byte {exc.start} of the line)"
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, None, f"not valid JSON ({exc.msg} at column {exc.colno})"
    if isinstance(obj, str):
        return {}, obj, None
    if not isinstance(obj, dict):
        return None, None, "expected a JSON object or string"
    if text_field not in obj:
        return obj, None, f"missing field {text_field!r}"
    text = obj[text_field]
    if text is None:
        text = ""
    if not isinstance(text, str):
        return obj, None, f"field {text_field!r} must be a string"
    return obj, text, None


def classify_jsonl(path: Path, out: IO[str], *, text_field: str = "text", lang: str = "auto",
                   skip_bad: bool = False, model_dir: Path | None = None) -> ClassifyReport:
    """Classify every line of ``path`` into ``out`` (see module doc for the contract)."""
    path = Path(path)
    if not path.is_file():
        raise UserInputError("file not found", file=str(path))
    model = load_model(model_dir)
    records: list[tuple[int, dict | None, str | None, str | None]] = []
    with open(path, "rb") as fh:
        for no, raw in enumerate(fh, 1):
            raw = raw.rstrip(b"\r\n")
            if not raw.strip():
                continue
            obj, text, error = _parse(raw, no, str(path), text_field)
            if error and not skip_bad:
                raise UserInputError(error, file=str(path), line=no, field=text_field if "field" in error else None)
            records.append((no, obj, text, error))
    n_err = 0
    for start in range(0, len(records), CHUNK):
        chunk = records[start:start + CHUNK]
        good = [(i, r) for i, r in enumerate(chunk) if r[3] is None]
        results = classify_texts([r[2] for _, r in good], lang, model=model)
        by_pos = {i: res for (i, _), res in zip(good, results)}
        for i, (no, obj, _text, error) in enumerate(chunk):
            if error:
                n_err += 1
                row = {"line": no, "error": error, "model_version": model.version}
            else:
                row = dict(obj or {})
                row.update(by_pos[i].to_dict())
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return ClassifyReport(lines=len(records), classified=len(records) - n_err, errors=n_err,
                          model_version=model.version)
