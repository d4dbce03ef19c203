"""A base's pipeline: projects not yet released that its companies are behind, and what forecasts say.

Link rule (the projects table has no company column yet): a project belongs to a base when one of its
``investors`` is a base company (by company_id or exact name), or when its released title is credited to
a base company. Forecasts come from ``dramascope.chain.forecast.forecast_project`` (gradient boosting
with split-conformal intervals, trained as of the project's planned release); each one fits models, so
only the ``limit`` projects nearest release are forecast and the rest are listed without.
"""

from __future__ import annotations

from dramascope.errors import UserInputError

PIPELINE_STAGES = ("writing", "filming", "post")
STAGE_ORDER = {"post": 0, "filming": 1, "writing": 2}


def _json(v):
    if hasattr(v, "tolist") and not isinstance(v, str | bytes):
        v = v.tolist()
    if isinstance(v, float) and v != v:
        return None
    if hasattr(v, "isoformat") and not isinstance(v, str):
        return v.isoformat()[:10]
    return v


def base_projects(ws, base_company_ids: list[str], base_company_names: list[str], roles) -> list[dict]:
    """Pipeline projects (writing, filming, post) linked to the base's companies."""
    if not base_company_ids:
        return []
    p = ws.table("projects")
    pipe = p.filter(p.stage.isin(list(PIPELINE_STAGES)))
    keys = list(dict.fromkeys(base_company_ids + [n for n in base_company_names if n]))
    inv = pipe.select("project_id", investor=pipe.investors.unnest())
    by_investor = inv.filter(inv.investor.isin(keys)).select("project_id").distinct()
    tc = ws.table("title_companies")
    credited = tc.filter(tc.company_id.isin(base_company_ids) & tc.role.isin(list(roles))).select("title_id").distinct()
    by_title = pipe.join(credited, "title_id").select("project_id").distinct()
    linked = by_investor.union(by_title).distinct()
    rows = ws.engine.to_arrow(pipe.semi_join(linked, "project_id").order_by("project_id")).to_pylist()
    out = []
    for r in rows:
        rec = {k: _json(r.get(k)) for k in ("project_id", "title_id", "name", "stage", "budget_cny", "spent_cny",
                                              "start_date", "end_date", "investors", "themes", "platforms",
                                              "episode_count")}
        rec["base_companies"] = [i for i in (rec["investors"] or []) if i in keys]
        out.append(rec)
    out.sort(key=lambda r: (STAGE_ORDER.get(r["stage"], 9), r["end_date"] or "9999", r["project_id"]))
    return out


def forecast_projects(ws, projects: list[dict], limit: int) -> tuple[list[dict], list[str]]:
    """Attach forecasts to the first ``limit`` projects; order forecast projects by predicted launch
    dissemination (best first), then the rest. Returns (projects, notes)."""
    notes: list[str] = []
    try:
        from dramascope.chain.forecast import forecast_project
    except ImportError:
        return projects, ["forecasts unavailable: dramascope.chain.forecast is not installed"]
    for i, proj in enumerate(projects):
        proj["forecast"] = None
        if i >= limit:
            continue
        try:
            f = forecast_project(ws, proj["project_id"]).to_dict()
        except UserInputError as exc:
            notes.append(f"{proj['project_id']}: no forecast ({exc})")
            continue
        proj["forecast"] = {
            "as_of": f["as_of"], "model_version": f["model_version"], "alpha": f["alpha"],
            "targets": {t["target"]: {k: t[k] for k in ("point", "low", "high", "scale", "point_natural",
                                                          "low_natural", "high_natural")} for t in f["targets"]},
            "p_break_even": f["roi"]["p_break_even"] if f.get("roi") else None,
            "roi_median": f["roi"]["roi_quantiles"].get("p50") if f.get("roi") else None,
            "warnings": f["warnings"],
        }
    if len(projects) > limit:
        notes.append(f"forecasts for the {limit} projects nearest release; {len(projects) - limit} more listed "
                     "without (each forecast trains its own models)")

    def key(p):
        t = (p.get("forecast") or {}).get("targets", {}).get("dissemination")
        return (t is None, -(t["point"]) if t else 0.0)

    projects.sort(key=key)
    return projects, notes
