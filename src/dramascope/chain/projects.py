"""Projects through their stages: writing → filming → post → broadcasting → evaluated.

Why validate transitions: the stage drives what the platform shows investors (a forecast while in
writing, spend against budget while filming, forecast vs actual once evaluated), so a project must not
jump back or skip a stage silently. Going back or skipping forward needs a reason, which is kept in the
``project_events`` log beside the new state; both writes commit in one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import asdict, dataclass, field

import pyarrow as pa

from dramascope.errors import NotFound, UserInputError
from dramascope.schema import PROJECT_EVENTS, PROJECTS

STAGES = ("writing", "filming", "post", "broadcasting", "evaluated")
RELEASED_STAGES = ("broadcasting", "evaluated")
# Share of the budget a project typically has spent by the END of each stage; more is worth a warning.
STAGE_SPEND_CEILING = {"writing": 0.20, "filming": 0.85, "post": 1.0, "broadcasting": 1.0, "evaluated": 1.0}

EVENTS_SCHEMA = PROJECT_EVENTS.arrow_schema


@dataclass
class AdvanceResult:
    project_id: str
    from_stage: str
    to_stage: str
    reason: str | None
    warnings: list[str] = field(default_factory=list)
    project: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def _json_ready(rec: dict) -> dict:
    out = {}
    for k, v in rec.items():
        if hasattr(v, "tolist") and not isinstance(v, str | bytes):
            v = v.tolist()
        if isinstance(v, float) and v != v:  # NaN
            v = None
        if hasattr(v, "isoformat") and not isinstance(v, str):
            v = v.isoformat()[:10] if isinstance(v, dt.date) else v.isoformat()
        out[k] = v
    return out


def _rows(ws, expr) -> list[dict]:
    return [_json_ready(r) for r in ws.engine.to_arrow(expr).to_pylist()]


def spend_warnings(project: dict, stage: str | None = None) -> list[str]:
    """Warnings about spend against budget for a project in ``stage`` (default: its own stage)."""
    stage = stage or project.get("stage")
    budget, spent = project.get("budget_cny"), project.get("spent_cny")
    out = []
    if spent is None:
        return out
    if not budget:
        return ["no budget recorded: spend cannot be checked"] if spent else []
    ratio = spent / budget
    if ratio > 1.0:
        out.append(f"over budget: spent {spent:,.0f} of {budget:,.0f} CNY ({ratio:.0%})")
    elif stage in STAGE_SPEND_CEILING and ratio > STAGE_SPEND_CEILING[stage]:
        out.append(f"spend {ratio:.0%} of budget is above the usual {STAGE_SPEND_CEILING[stage]:.0%} "
                   f"by the end of {stage}")
    return out


def list_projects(ws, *, stage: str | None = None) -> list[dict]:
    """Every project (optionally one stage), with its spend ratio and warnings."""
    p = ws.table("projects")
    if stage is not None:
        if stage not in STAGES:
            raise UserInputError(f"unknown stage {stage!r}; stages: {', '.join(STAGES)}", field="stage")
        p = p.filter(p.stage == stage)
    rows = _rows(ws, p.order_by("project_id"))
    for r in rows:
        r["spend_ratio"] = (r["spent_cny"] / r["budget_cny"]) if r.get("budget_cny") and r.get("spent_cny") is not None else None
        r["warnings"] = spend_warnings(r)
    return rows


def get_project(ws, project_id: str) -> dict:
    p = ws.table("projects")
    rows = _rows(ws, p.filter(p.project_id == project_id))
    if not rows:
        raise NotFound(f"no project with id {project_id!r}", field="project_id")
    return rows[0]


def project_events(ws, project_id: str) -> list[dict]:
    e = ws.table("project_events")
    rows = _rows(ws, e.filter(e.project_id == project_id).order_by("at"))
    for r in rows:
        r["warnings"] = json.loads(r["warnings"]) if r.get("warnings") else []
    return rows


def show_project(ws, project_id: str) -> dict:
    """A project with its stage history, spend warnings and, once released, its title and outcomes."""
    proj = get_project(ws, project_id)
    proj["warnings"] = spend_warnings(proj)
    proj["events"] = project_events(ws, project_id)
    proj["title"] = None
    if proj.get("title_id"):
        t = ws.table("titles")
        titles = _rows(ws, t.filter(t.title_id == proj["title_id"]).select("title_id", "name", "release_date"))
        proj["title"] = titles[0] if titles else None
    return proj


def _check_transition(proj: dict, to_stage: str, reason: str | None, title_id: str | None) -> list[str]:
    if to_stage not in STAGES:
        raise UserInputError(f"unknown stage {to_stage!r}; stages: {', '.join(STAGES)}", field="stage")
    current = proj["stage"]
    if current not in STAGES:
        raise UserInputError(f"project {proj['project_id']} has an unknown stage {current!r}", field="stage")
    i, j = STAGES.index(current), STAGES.index(to_stage)
    if i == j:
        raise UserInputError(f"project {proj['project_id']} is already in {current}", field="stage")
    if j < i and not reason:
        raise UserInputError(f"moving back from {current} to {to_stage} needs a reason (--reason)", field="stage")
    if j > i + 1 and not reason:
        skipped = ", ".join(STAGES[i + 1:j])
        raise UserInputError(f"advancing from {current} to {to_stage} skips {skipped}: give a reason (--reason)",
                             field="stage")
    if to_stage in RELEASED_STAGES and not (title_id or proj.get("title_id")):
        raise UserInputError(f"{to_stage} means released: link the released title (--title-id)", field="title_id")
    return []


def advance_project(ws, project_id: str, stage: str, *, reason: str | None = None, spent_cny: float | None = None,
                    title_id: str | None = None, now: dt.datetime | None = None) -> AdvanceResult:
    """Move a project to ``stage`` (validated), optionally updating spend and linking the released title."""
    proj = get_project(ws, project_id)
    _check_transition(proj, stage, reason, title_id)
    if spent_cny is not None:
        if spent_cny < 0:
            raise UserInputError("spend cannot be negative", field="spent_cny")
        if proj.get("spent_cny") is not None and spent_cny < proj["spent_cny"] and not reason:
            raise UserInputError(f"spend goes down from {proj['spent_cny']:,.0f} to {spent_cny:,.0f}: "
                                 "give a reason (a correction)", field="spent_cny")
    if title_id:
        t = ws.table("titles")
        if not ws.engine.to_pandas(t.filter(t.title_id == title_id).count()):
            raise NotFound(f"no title with id {title_id!r} to link", field="title_id")
    new = dict(proj)
    from_stage = proj["stage"]
    new["stage"] = stage
    if spent_cny is not None:
        new["spent_cny"] = float(spent_cny)
    if title_id:
        new["title_id"] = title_id
    warnings = spend_warnings(new, from_stage) if STAGES.index(stage) > STAGES.index(from_stage) else spend_warnings(new)
    if stage == "evaluated":
        m = ws.table("metrics")
        if not int(ws.engine.to_pandas(m.filter(m.title_id == new["title_id"]).count())):
            warnings.append(f"title {new['title_id']} has no metrics yet: nothing to evaluate against")
    row = {c.name: new.get(c.name) for c in PROJECTS.columns}
    for c in ("start_date", "end_date"):
        if isinstance(row[c], str):
            row[c] = dt.date.fromisoformat(row[c])
    staged = pa.Table.from_pylist([row], schema=PROJECTS.arrow_schema)
    at = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    event = pa.Table.from_pylist([{
        "event_id": uuid.uuid4().hex, "project_id": project_id, "from_stage": from_stage, "to_stage": stage,
        "reason": reason, "spent_cny": new.get("spent_cny"), "warnings": json.dumps(warnings, ensure_ascii=False),
        "at": at}], schema=EVENTS_SCHEMA)
    with ws.engine.transaction():
        ws.engine.upsert("projects", staged, ("project_id",))
        ws.engine.append("project_events", event)
    return AdvanceResult(project_id, from_stage, stage, reason, warnings, get_project(ws, project_id))


