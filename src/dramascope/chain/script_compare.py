"""Compare a script's shape with the scripts of the workspace's best-performing titles.

Why by relative position: a 12-episode draft and an 80-episode hit cannot be compared episode by
episode, but "how strong are the hooks in the first tenth, the middle, the last tenth" can. Each
curve (hook strength, payoffs per minute, mean valence per episode) is resampled to ten points over
the script's length; the top titles' curves are averaged into a benchmark.
"""

from __future__ import annotations

import numpy as np

from dramascope.errors import DramaScopeError

GRID = np.linspace(0.05, 0.95, 10)  # ten positions through the series
TOP_TITLES = 5
_UNSET = object()


def resample(values: list[float]) -> list[float]:
    """Values at GRID from per-episode values placed at episode centres (i + 0.5) / n."""
    n = len(values)
    if n == 0:
        return []
    if n == 1:
        return [float(values[0])] * len(GRID)
    xs = (np.arange(n) + 0.5) / n
    return [float(v) for v in np.interp(GRID, xs, np.asarray(values, dtype=float))]


def profile(analysis) -> dict[str, list[float]]:
    """The three curves of an analysis, resampled (valence only where an emotion model ran)."""
    eps = analysis.episodes
    out = {"hook": resample([e.hook.strength for e in eps]),
           "payoffs_per_minute": resample([e.payoffs_per_minute for e in eps])}
    if all(e.mean_valence is not None for e in eps) and eps:
        out["valence"] = resample([e.mean_valence for e in eps])
    return out


def _top_titles(ws, top: int) -> tuple[list[dict], str | None]:
    try:
        from dramascope.index import rank_table
    except ImportError as exc:
        return [], f"the index is not available ({exc})"
    try:
        rows = rank_table(ws, period="life")
    except DramaScopeError as exc:
        return [], str(exc)
    except Exception as exc:  # an index table that does not exist yet
        return [], f"no index run in this workspace ({type(exc).__name__}); run `dramascope index run`"
    return list(rows or []), None


def _scripts_of(ws, title_ids: list[str]) -> dict[str, list[tuple[int, str]]]:
    s = ws.table("scripts")
    df = ws.engine.to_pandas(s.filter(s.title_id.isin(title_ids)).select("title_id", "episode_no", "text"))
    out: dict[str, list[tuple[int, str]]] = {}
    for tid, ep, text in df.itertuples(index=False):
        if text:
            out.setdefault(tid, []).append((int(ep), str(text)))
    return out


def _corr(a: list[float], b: list[float]) -> float | None:
    if len(a) < 3 or np.std(a) == 0 or np.std(b) == 0:
        return None
    return float(np.corrcoef(a, b)[0, 1])


def top_title_scripts(ws, top: int = TOP_TITLES) -> dict:
    """What a comparison reads from the workspace: the best-ranked titles that have scripts, with their
    scripts (``chosen`` and ``scripts``), or ``reason`` when there are none. Only this step queries the
    workspace; the analysis of the scripts (the slow part) needs no connection."""
    ranked, reason = _top_titles(ws, top)
    if not ranked:
        return {"reason": reason or "the index run ranks no titles", "chosen": [], "scripts": {}}
    ranked = [r for r in ranked if r.get("rank") is not None]
    scripts = _scripts_of(ws, [r["title_id"] for r in ranked])
    chosen = [r for r in ranked if r["title_id"] in scripts][:top]
    if not chosen:
        return {"reason": f"none of the {len(ranked)} ranked titles has a script in the workspace", "chosen": [],
                "scripts": {}}
    return {"reason": None, "chosen": chosen, "scripts": {r["title_id"]: scripts[r["title_id"]] for r in chosen}}


def compare_with_top_titles(ws, analysis, *, top: int = TOP_TITLES, classifier=_UNSET) -> dict:
    """Benchmark curves from the scripts of the best-ranked titles that have scripts, and the differences.

    ``available`` is False (with the reason) where the workspace has no index run or none of its
    ranked titles has a script. ``classifier`` as in analyze_script (default: the resonance engine;
    None: no emotions — then only hooks and payoffs are compared).
    """
    return compare_with_benchmark(top_title_scripts(ws, top), analysis, classifier=classifier)


def compare_with_benchmark(benchmark: dict, analysis, *, classifier=_UNSET) -> dict:
    """The comparison of ``analysis`` with the scripts ``top_title_scripts`` read."""
    from dramascope.chain.script_analysis import _DEFAULT, analyze_episode_texts

    if classifier is _UNSET:
        classifier = _DEFAULT
    chosen, scripts = benchmark["chosen"], benchmark["scripts"]
    if not chosen:
        return {"available": False, "reason": benchmark["reason"], "titles": []}
    titles, curves = [], []
    for r in chosen:
        a = analyze_episode_texts(scripts[r["title_id"]], classifier=classifier)
        p = profile(a)
        curves.append(p)
        titles.append({
            "title_id": r["title_id"], "name": r.get("name"), "rank": r.get("rank"), "score": r.get("score"),
            "episodes": len(a.episodes),
            "mean_hook": round(float(np.mean([e.hook.strength for e in a.episodes])), 4),
            "payoffs_per_minute": round(float(np.mean([e.payoffs_per_minute for e in a.episodes])), 4),
            "arc_shapes": [e.arc_shape for e in a.episodes],
        })
    yours = profile(analysis)
    metrics = {}
    for key in ("hook", "payoffs_per_minute", "valence"):
        bench_curves = [c[key] for c in curves if key in c]
        if key not in yours or not bench_curves:
            continue
        bench = [float(v) for v in np.mean(np.array(bench_curves), axis=0)]
        diff = [y - b for y, b in zip(yours[key], bench)]
        metrics[key] = {
            "yours": [round(v, 4) for v in yours[key]], "top_titles": [round(v, 4) for v in bench],
            "mean_difference": round(float(np.mean(diff)), 4),
            "positions_below": int(sum(d < 0 for d in diff)),
            "shape_correlation": None if (c := _corr(yours[key], bench)) is None else round(c, 4),
        }
    return {"available": True, "reason": None, "grid": [round(float(g), 2) for g in GRID], "titles": titles,
            "metrics": metrics,
            "basis": f"scripts of the {len(chosen)} best-ranked titles (latest index run) that have scripts"}
