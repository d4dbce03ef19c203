"""Render ``docs/indicators.md`` from the Indicator declarations (never edited by hand).

``tests/signals/test_docs.py`` fails when the file drifts from the code. Regenerate with
``python -m dramascope.signals.docs > docs/indicators.md``.
"""

from __future__ import annotations

import importlib
import inspect

from dramascope.signals.registry import FAMILY_ORDER, all_indicators

METHOD_MODULES = (
    "dramascope.signals.totals", "dramascope.signals.dissemination",
    "dramascope.signals.boards", "dramascope.signals.fraud",
    "dramascope.signals.theme_tags", "dramascope.signals.innovation", "dramascope.signals.semantic",
    "dramascope.signals.reputation", "dramascope.signals.social", "dramascope.signals.commercial",
    "dramascope.signals.budget_return",
)

FAMILY_TITLES = {
    "dissemination": "Dissemination 传播力",
    "boards": "Chart boards 榜单 (dissemination evidence without plays)",
    "context": "Context (not an index input)",
    "fraud": "Fake traffic and data quality",
    "innovation": "Thematic innovation 题材创新",
    "reputation": "Reputation 口碑",
    "resonance": "Resonance 共鸣度",
    "social": "Social value 社会价值",
    "commercial": "Commercial value (separate sub-index)",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_indicators_markdown() -> str:
    inds = all_indicators()
    lines = [
        "# Indicators",
        "",
        "Generated from the `Indicator` declarations in `src/dramascope/signals/` by",
        "`python -m dramascope.signals.docs`; do not edit by hand.",
        "",
        "`dramascope.signals.compute_signals(ws)` writes them to the long table `signals`",
        "(title_id, period, indicator, value, quality_flag) for the periods `life`, `YYYY-MM`, `YYYY-Www`",
        "and `YYYY-MM-DD`. A missing row means \"not measurable\" (the index imputes it explicitly).",
        "\"Valid\" traffic excludes title/platform/days listed in `fraud_flags`; `quality_flag` is",
        "`suspect_traffic` on dissemination rows of a period that had flagged days, `censored` on a",
        "half-life capped at `half_life_cap_days` (365), `ok` otherwise. Indicators computed once per title",
        "(ratings, themes, social value) are repeated in every period in which the title has metrics.",
        "",
        "Derived tables written beside `signals`: `title_themes` (title_id, theme, source, evidence),",
        "`fraud_flags` (title_id, platform, date, score, reasons), `data_quality` (title_id, grade A–D,",
        "suspicion, reasons), `period_totals` (the sums every ratio is built from) and `semantic_novelty`",
        "(with the embedding method used).",
        "",
    ]
    families = [f for f in FAMILY_ORDER if any(i.family == f for i in inds)]
    families += sorted({i.family for i in inds} - set(families))
    for fam in families:
        lines += [f"## {FAMILY_TITLES.get(fam, fam)}", "",
                  "| code | name | 中文 | unit | direction | reads | definition | parameters |",
                  "|---|---|---|---|---|---|---|---|"]
        for i in inds:
            if i.family != fam:
                continue
            reads = ", ".join(f"`{r}`" for r in i.reads)
            params = ", ".join(f"`method.signals.{p}`" for p in i.parameters)
            lines.append(f"| `{i.code}` | {_cell(i.name_en)} | {_cell(i.name_zh)} | {_cell(i.unit)} | "
                         f"{i.direction} | {reads} | {_cell(i.definition)} | {params} |")
        lines.append("")
    lines += ["## Methods", "", "The module docstrings of each family, verbatim.", ""]
    for mod in METHOD_MODULES:
        doc = inspect.getdoc(importlib.import_module(mod)) or ""
        lines += [f"### `{mod}`", "", doc, ""]
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(render_indicators_markdown(), end="")
