"""Generate ``docs/methodology.md`` from the shipped specs and the indicator registry, so the published method
and the code never drift.

Regenerate with ``python -m dramascope.index.methodology_doc > docs/methodology.md``; a test fails when the
committed file differs from what this module renders.
"""

from __future__ import annotations

from dramascope.index.runs import METHOD_VERSION
from dramascope.index.spec import PRESETS, IndexSpec, load_spec
from dramascope.signals.registry import all_indicators, indicators_by_code

STEPS = [
    ("Coverage", "coverage.py",
     "Indicators observed for fewer titles than their minimum coverage are left out; titles with fewer "
     "than the minimum share of indicators are kept in the outputs unscored and flagged `below_title_coverage`; "
     "titles with observed data (at least `min_indicators_per_dimension` indicators) in fewer than "
     "`min_dimensions` main dimensions are listed apart the same way, flagged `below_dimension_coverage` "
     "with `missing_dimensions=…`."),
    ("Imputation", "impute.py",
     "`none` (aggregation re-weights over the indicators a title has), `indicator_mean`/`indicator_median`, "
     "`group_median` (within market or main platform), or `dimension_mean` (the title's own mean over the other "
     "normalised indicators of the dimension). Every imputed cell is stored with `imputed = true`."),
    ("Outliers and transforms", "outliers.py",
     "COINr/JRC rule: an indicator with absolute skewness ≥ 2 and kurtosis ≥ 3.5 (Excel/e1071 type-2 definitions) is "
     "winsorised one extreme at a time (ties together) until the rule passes, at most `winsor_max_share` of its "
     "values; if that cap is reached the original values are log-transformed instead "
     "(ln(x − min + 0.01·(max − min))). Declared transforms (`log`, `log1p`) replace the rule; goalposts follow them."),
    ("Direction", "normalise.py",
     "Negative indicators are multiplied by −1 before scaling (goalposts become (−hi, −lo)), so scaling only "
     "ever sees 'higher is better'."),
    ("Normalisation", "normalise.py",
     "Onto 0–100: min-max; z-score as 50 + 10·z; percentile rank 100·(rank − 1)/(n − 1); goalposts "
     "100·clip((x − lo)/(hi − lo), 0, 1). Optionally within market or main platform."),
    ("Weighting", "weights.py",
     "Indicator weights within each dimension: expert (declared), equal, entropy, CRITIC or PCA (Handbook: "
     "components with eigenvalue > 1, varimax, squared loadings). Dimension weights are the declared ones "
     "(equal under `equal`)."),
    ("Aggregation", "aggregate.py",
     "Indicator → dimension → index, arithmetic or geometric (both levels). Zero rule: in geometric means "
     "values below `geometric_floor` count as the floor. Sub-index dimensions are scored but not aggregated."),
    ("Uncertainty", "uncertainty.py",
     "Monte Carlo over normalisation, imputation and aggregation choices and ±`weight_noise` perturbation of "
     "every weight: median rank and 5–95% interval per title; first-order sensitivity index per choice "
     "(binned Var(E[rank given the choice]) / Var(rank), pooled over titles, bias-corrected)."),
    ("Explanation", "aggregate.py, explain.py",
     "Exact additive contributions (arithmetic) or log-decomposition (geometric) of every indicator to the "
     "score, to the gap from the median title and from the title ranked just above."),
    ("Runs", "runs.py",
     "Each run stores the expanded spec, its SHA-256 hash, the SHA-256 fingerprint of the sorted input signal "
     "rows and the method version; `reproduce_run` recomputes and compares; `recompute_history` re-runs every "
     "period after a method change. Titles graded C or D for data quality are flagged, never dropped."),
]


def _method_table(spec: IndexSpec) -> list[str]:
    m = spec.method
    mc = m.monte_carlo
    rows = [
        ("Minimum indicator coverage", m.coverage.min_indicator_coverage),
        ("Minimum title coverage", m.coverage.min_title_coverage),
        ("Minimum main dimensions with data", f"{m.coverage.min_dimensions} (each with ≥ "
                                              f"{m.coverage.min_indicators_per_dimension} observed indicators)"),
        ("Ties", "equal scores share the best rank (1, =2, =2, 4) in the displayed rank, every Monte Carlo "
                 "replicate and so in the median rank and the interval"),
        ("Imputation", m.imputation + (f" (group: {m.imputation_group})" if m.imputation == "group_median" else "")),
        ("Outlier rule", f"{m.outliers.rule} (absolute skew ≥ {m.outliers.skew_threshold} and kurtosis ≥ "
                         f"{m.outliers.kurtosis_threshold}; winsorise ≤ {m.outliers.winsor_max_share:.0%})"),
        ("Default normalisation", m.normalisation + (f" within {m.normalisation_group}" if m.normalisation_group else "")),
        ("Weighting", m.weighting),
        ("Aggregation", f"{m.aggregation} (geometric floor {m.geometric_floor} on 0–100)"),
        ("Monte Carlo", f"{mc.replicates} replicates, weights ×U(1 ± {mc.weight_noise}), normalisations "
                        f"{', '.join(mc.normalisations)}, aggregations {', '.join(mc.aggregations)}, imputations "
                        f"{', '.join(mc.imputations)}" if mc.enabled else "off"),
        ("Seed", m.seed),
    ]
    return ["| choice | value |", "|---|---|"] + [f"| {a} | {b} |" for a, b in rows]


def _parameter_rows(values: dict, prefix: str = "") -> list[str]:
    """One table row per leaf of a nested parameter mapping, in declaration order."""
    rows = []
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows += _parameter_rows(value, f"{name}.")
        else:
            shown = ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value) \
                if isinstance(value, (list, tuple)) else value
            rows.append(f"| `{name}` | {shown} |")
    return rows


def _signal_parameters(spec: IndexSpec) -> list[str]:
    used_by: dict[str, list[str]] = {}
    for ind in all_indicators():
        for param in ind.parameters:
            used_by.setdefault(param, []).append(f"`{ind.code}`")
    lines = ["Applied when the signals are computed (`dramascope analyze --spec SPEC`); they decide which plays",
             "are valid, where a half-life is capped and how far a small sample is shrunk. An index run refuses",
             "signals computed with other values than its spec's.", "",
             "| parameter | used by |", "|---|---|"]
    lines += [f"| `{param}` | {', '.join(codes)} |" for param, codes in used_by.items()]
    lines += ["", "| `method.signals.` | value |", "|---|---|"]
    return lines + _parameter_rows(spec.method.signals.model_dump(mode="json"))


def render_methodology() -> str:
    default = load_spec("default")
    spec = default.spec
    lines = [
        "# DramaScope index methodology",
        "",
        "<!-- generated by `python -m dramascope.index.methodology_doc`; do not edit by hand -->",
        "",
        f"Method version **{METHOD_VERSION}**. Default spec `{spec.name}` version {spec.version}, "
        f"hash `{default.hash[:16]}`.",
        f"Audience: {spec.audience_en} / {spec.audience_zh}.",
        "",
        "References: OECD/JRC *Handbook on Constructing Composite Indicators* (2008); JRC COINr (R).",
        "",
        "## Steps",
        "",
        "| # | step | module (`dramascope.index`) | what it does |",
        "|---|---|---|---|",
    ]
    for i, (name, module, text) in enumerate(STEPS, 1):
        lines.append(f"| {i} | {name} | `{module}` | {text} |")
    lines += ["", "## Method choices (default spec)", ""] + _method_table(spec)
    lines += ["", "## Dimensions", "", "| code | 名称 | name | weight | in index | description |", "|---|---|---|---|---|---|"]
    main_total = sum(d.weight for d in spec.dimensions if not d.sub_index)
    for d in spec.dimensions:
        share = "sub-index" if d.sub_index else f"yes ({d.weight / main_total:.0%})"
        lines.append(f"| `{d.code}` | {d.name_zh} | {d.name_en} | {d.weight} | {share} | {d.description_en} |")
    declared = indicators_by_code()
    lines += ["", "## Indicators", "",
              "Names, units and directions come from the indicator registry (definitions: `docs/indicators.md`).",
              "",
              "| code | 名称 | name | unit | dimension | direction | weight (share in dimension) | transform | "
              "normalisation | min coverage |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for ind in spec.indicators:
        total = sum(i.weight for i in spec.indicators if i.parent == ind.parent)
        norm = ind.normalisation or spec.method.normalisation
        if norm == "goalposts":
            norm = f"goalposts [{ind.lo:g}, {ind.hi:g}]"
        cov = ind.min_coverage if ind.min_coverage is not None else spec.method.coverage.min_indicator_coverage
        lines.append(f"| `{ind.code}` | {ind.name_zh} | {ind.name_en} | {declared[ind.code].unit} | {ind.parent} | "
                     f"{ind.direction} | "
                     f"{ind.weight:g} ({ind.weight / total:.0%}) | {ind.transform or 'outlier rule'} | {norm} | {cov:g} |")
    lines += ["", "## Signal parameters (default spec)", ""] + _signal_parameters(spec)
    lines += ["", "## Company ranking (default spec, `companies`)", "",
              f"Company spec hash `{spec.companies.hash[:16]}`; see `docs/companies.md`.", "",
              "| field | value |", "|---|---|"] + _parameter_rows(spec.companies.model_dump(mode="json"))
    lines += ["", "## Audience presets", "",
              "Presets extend the default spec and change only the dimension weights listed.", "",
              "| preset | audience | " + " | ".join(d.code for d in spec.dimensions) + " | hash |",
              "|---|---|" + "---|" * len(spec.dimensions) + "---|"]
    for name in PRESETS:
        loaded = load_spec(name)
        p = loaded.spec
        cells = []
        for d in spec.dimensions:
            pd_ = p.dimension(d.code)
            cells.append("sub-index" if pd_.sub_index else f"{pd_.weight:g}")
        lines.append(f"| `{name}` | {p.audience_en} | " + " | ".join(cells) + f" | `{loaded.hash[:12]}` |")
    lines += ["", "## Reproducing a published ranking", "",
              "```", "dramascope index run --spec default --period life", "dramascope rank --format json",
              "dramascope explain TITLE_ID --format json", "```", "",
              "`dramascope.index.reproduce_run(ws, run_id)` recomputes a stored run from its stored spec and reports "
              "whether the data fingerprint and every score and rank match.", ""]
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(render_methodology(), end="")
