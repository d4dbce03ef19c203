"""Regenerate ``data/lexicons/t2s.json`` (traditional → simplified characters) from OpenCC's table.

Run ``python -m dramascope.resonance.t2s_build`` with ``opencc-python-reimplemented`` installed
(a development-time tool only: the package ships the JSON and never needs OpenCC at run time).
The table keeps single-character pairs and the first simplified candidate of each.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

SOURCE_NOTE = ("Derived from OpenCC TSCharacters.txt (Apache License 2.0, https://github.com/BYVoid/OpenCC) via "
               "opencc-python-reimplemented 0.1.7: single-character traditional->simplified pairs, first candidate. "
               "Regenerate with python -m dramascope.resonance.t2s_build.")


def build_table(ts_characters: Path) -> dict[str, str]:
    table = {}
    for line in ts_characters.read_text("utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        trad, simp = parts[0], parts[1].split(" ")[0]
        if len(trad) == 1 and len(simp) == 1 and trad != simp:
            table[trad] = simp
    return table


def main() -> None:
    import opencc  # development-time only

    src = Path(os.path.dirname(opencc.__file__)) / "dictionary" / "TSCharacters.txt"
    out = Path(__file__).resolve().parents[1] / "data" / "lexicons" / "t2s.json"
    out.write_text(json.dumps({"_source": SOURCE_NOTE, "table": build_table(src)}, ensure_ascii=False,
                              separators=(",", ":")), "utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
