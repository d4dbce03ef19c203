"""Forecasts for investors: what a title, a project or a planned set of features will reach, with
prediction intervals and ROI scenarios, and the time-split backtest that says how far to trust them.

Flow: features (forecast_features, Ibis) → targets (forecast_targets) → models (forecast_model).
A forecast for a released title is made *as of its release*: the model sees only titles whose launch
window had closed by then, exactly like the backtest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from dramascope.chain import forecast_features as ff
from dramascope.chain import forecast_model as fmod
from dramascope.chain.forecast_store import forecast_inputs
from dramascope.chain.forecast_targets import Target
from dramascope.errors import NotFound, UserInputError
from dramascope.jsonsafe import json_safe

DEFAULT_ALPHA = 0.2  # 80% prediction intervals
ROI_QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)


@dataclass
class TargetForecast:
    target: str
    source: str
    point: float
    low: float
    high: float
    scale: str  # how to read the numbers
    n_train: int
    point_natural: float | None = None  # plays / revenue where the target is a log
    low_natural: float | None = None
    high_natural: float | None = None
    actual: float | None = None


@dataclass
class RoiScenarios:
    budget_cny: float
    revenue_quantiles: dict[str, float]
    roi_quantiles: dict[str, float]
    p_break_even: float
    note: str


@dataclass
class Forecast:
    subject_kind: str  # title | project | features
    subject_id: str
    as_of: str
    alpha: float
    model_version: str
    targets: list[TargetForecast]
    roi: RoiScenarios | None
    features: dict[str, float | None]
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def _targets_aligned(frame: pd.DataFrame, targets) -> dict[str, pd.Series]:
    ids = frame["subject_id"]
    return {name: ids.map(t.values).astype(float).reset_index(drop=True) for name, t in targets.items()}


def run_backtest(ws, *, targets: tuple[str, ...] | None = None, alpha: float = DEFAULT_ALPHA,
                 cut_quantiles=(0.6, 0.7, 0.8), embargo_days: int = ff.LAUNCH_DAYS) -> dict[str, fmod.BacktestReport]:
    """Time-split backtest of each available target against the theme-average baseline."""
    feats, available = forecast_inputs(ws)
    if not available:
        raise UserInputError("no outcomes in this workspace (metrics is empty): nothing to backtest")
    ys = _targets_aligned(feats.frame, available)
    theme_cols = [f"theme__{c}" for c in feats.theme_codes]
    out = {}
    for name in targets or tuple(available):
        if name not in available:
            raise UserInputError(f"target {name!r} is not available here (available: {', '.join(available)})",
                                 field="target")
        out[name] = fmod.time_split_backtest(
            feats.frame, ys[name], feats.columns, theme_cols, target=name, target_source=available[name].source,
            cut_quantiles=cut_quantiles, alpha=alpha, embargo_days=embargo_days)
    return out


def _natural(x: float) -> float:
    return float(np.expm1(x))


def _roi(fm: fmod.FittedModel, point: float, budget: float, alpha: float) -> RoiScenarios:
    """Revenue scenarios = expm1(predicted log revenue + each calibration residual); ROI = revenue/budget − 1."""
    revenue = np.expm1(point + fm.residuals)
    roi = revenue / budget - 1.0
    return RoiScenarios(
        budget_cny=budget,
        revenue_quantiles={f"p{int(q * 100)}": float(np.quantile(revenue, q)) for q in ROI_QUANTILES},
        roi_quantiles={f"p{int(q * 100)}": float(np.quantile(roi, q)) for q in ROI_QUANTILES},
        p_break_even=float(np.mean(roi >= 0)),
        note=(f"{len(fm.residuals)} revenue scenarios from the model's calibration residuals on the latest "
              f"{fmod.CALIBRATION_SHARE:.0%} of training titles; revenue is Σ revenue_cny as recorded"),
    )


def subject_fields(subject_row: dict, budget: float | None = None) -> dict:
    """A subject's fields as the feature query reads them: the budget given (when given), the release a
    date (today when there is none)."""
    row = dict(subject_row)
    if budget is not None:
        if budget <= 0:
            raise UserInputError("budget must be positive", field="budget")
        row["budget_cny"] = float(budget)
    release = row.get("release_date") or dt.date.today()
    if isinstance(release, str):
        release = dt.date.fromisoformat(release)
    row["release_date"] = release
    return row


def forecast_subject(ws, subject_row: dict, *, kind: str, as_of: dt.date | None = None,
                     alpha: float = DEFAULT_ALPHA, budget: float | None = None, actuals: dict | None = None,
                     history: tuple[ff.FeatureFrame, dict[str, Target]] | None = None,
                     subject_features: pd.DataFrame | None = None, models: dict | None = None) -> Forecast:
    """Forecast one subject (a dict of the pre-release fields in ff.SUBJECT_COLUMNS).

    Training uses titles whose launch window closed before ``as_of`` (default: the subject's release
    date, or today when it has none). ``history``: every title's features and the targets, when the
    caller already holds them (:func:`forecast_store.forecast_inputs` otherwise). A stored title with no
    budget of the caller's is its own row of the history: the same features the subject query computes.
    ``subject_features``: the subject's row of a ``build_features`` over several subjects at once;
    ``models``: fitted models shared between calls, keyed by target and training rows (the same rows give
    the same model).
    """
    row = subject_fields(subject_row, budget)
    as_of = as_of or row["release_date"]
    hist, available = history if history is not None else forecast_inputs(ws)
    own = hist.frame[hist.frame["subject_id"] == row["subject_id"]] if kind == "title" and budget is None else None
    if own is not None and len(own) == 1:
        subj = ff.FeatureFrame(own.reset_index(drop=True), hist.columns, hist.theme_codes, hist.platform_codes)
    elif subject_features is not None and budget is None and len(subject_features) == 1:
        subj = ff.FeatureFrame(subject_features.reset_index(drop=True), hist.columns, hist.theme_codes,
                               hist.platform_codes)
    else:
        subj = ff.build_features(ws, ff.subject_table(ws, [row]), theme_codes=hist.theme_codes,
                                 platform_codes=hist.platform_codes)
    ys = _targets_aligned(hist.frame, available)
    dates = pd.to_datetime(hist.frame["release_date"])
    train_mask = (dates + pd.Timedelta(days=ff.LAUNCH_DAYS) <= pd.Timestamp(as_of)) & \
                 (hist.frame["subject_id"] != row["subject_id"]).to_numpy()
    warnings, out, fitted = [], [], {}
    for name, target in available.items():
        y = ys[name]
        mask = (train_mask & y.notna()).to_numpy()
        if mask.sum() < 20:
            warnings.append(f"{name}: only {int(mask.sum())} titles finished before {as_of}: no forecast")
            continue
        key = (name, hashlib.sha1(mask.tobytes()).hexdigest())
        if models is not None and key in models:
            fm = models[key]
        else:
            fm = fmod.fit(hist.frame.loc[mask], y.loc[mask], hist.columns, name)
            if models is not None:
                models[key] = fm
        point = float(fm.predict(subj.frame)[0])
        lo, hi = fm.interval(np.array([point]), alpha)
        fitted[name] = (fm, point)
        is_log = target.source.startswith("log")
        tf = TargetForecast(name, target.source, point, float(lo[0]), float(hi[0]),
                            "log(1 + value)" if is_log else "score", fm.n_train)
        if is_log:
            tf.point_natural, tf.low_natural, tf.high_natural = _natural(point), _natural(lo[0]), _natural(hi[0])
        if actuals and name in actuals:
            tf.actual = actuals[name]
        out.append(tf)
    roi = None
    b = row.get("budget_cny")
    if "revenue" in fitted and b and b > 0:
        roi = _roi(fitted["revenue"][0], fitted["revenue"][1], float(b), alpha)
    elif b is None or not b:
        warnings.append("no budget: ROI scenarios need --budget or a budget in the record")
    feats = {c: (None if pd.isna(v) else float(v)) for c, v in subj.frame.iloc[0][hist.columns].items()
             if not c.startswith(("theme__", "platform__", "monetization__", "market__", "orientation__", "language__"))}
    feats["themes"] = [c for c in hist.theme_codes if subj.frame.iloc[0][f"theme__{c}"] > 0.5]
    feats["platforms"] = [c for c in hist.platform_codes if subj.frame.iloc[0][f"platform__{c}"] > 0.5]
    return Forecast(kind, str(row["subject_id"]), str(as_of), alpha, fmod.MODEL_VERSION, out, roi, feats, warnings)


def _title_row(ws, title_id: str) -> dict:
    subjects = ff.title_subjects(ws)
    df = ws.engine.to_pandas(subjects.filter(subjects.subject_id == title_id))
    if df.empty:
        raise NotFound(f"no title with id {title_id!r}", field="title_id")
    return _record(df.iloc[0].to_dict())


def _record(d: dict) -> dict:
    """A pandas row as plain values: timestamps as dates, missing values as None."""
    return json_safe({k: v.date() if isinstance(v, pd.Timestamp) else v for k, v in d.items()})


def forecast_title(ws, title_id: str, *, budget: float | None = None, alpha: float = DEFAULT_ALPHA) -> Forecast:
    """As-of-release forecast for a title, with its actual outcomes beside it (forecast vs actual)."""
    row = _title_row(ws, title_id)
    history = forecast_inputs(ws)
    actuals = {n: float(t.values[title_id]) for n, t in history[1].items()
               if title_id in t.values.index and pd.notna(t.values[title_id])}
    return forecast_subject(ws, row, kind="title", budget=budget, alpha=alpha, actuals=actuals, history=history)


def project_subject_row(ws, project: dict) -> dict:
    """A project's plan as forecasting fields: themes, episodes, budget; planned release = end_date."""
    platforms = project.get("platforms") or []
    return {
        "subject_id": project["project_id"], "release_date": project.get("end_date") or dt.date.today(),
        "producer": project.get("producer"), "episode_count": project.get("episode_count"),
        "avg_episode_seconds": None, "budget_cny": project.get("budget_cny"), "monetization": None,
        "market": "overseas" if any(str(p).lower() in OVERSEAS_PLATFORMS for p in platforms) else
        ("domestic" if platforms else None),
        "language": None, "orientation": "vertical", "paywall_episode": None, "themes": list(project.get("themes") or []),
    }


OVERSEAS_PLATFORMS = {"reelshort", "dramabox", "shortmax", "netshort", "dramawave", "moboreels", "flextv",
                      "goodshort", "youtube", "tiktok"}


PROJECT_FORECAST_PAGE = "project_forecast"
"""``page_payloads`` page of a project's forecast with its plan's budget and the default alpha."""


def forecast_project(ws, project_id: str, *, budget: float | None = None, alpha: float = DEFAULT_ALPHA,
                     history: tuple[ff.FeatureFrame, dict[str, Target]] | None = None) -> Forecast:
    """A project's forecast from its plan. With the plan's budget and the default alpha, the one the writer
    stored for this state of the workspace (``page_payloads``) when there is one: its models are trained
    on every title finished by the planned release, which takes seconds."""
    from dramascope.chain.projects import get_project
    from dramascope.read_state import read_payload

    project = get_project(ws, project_id)
    if budget is None and alpha == DEFAULT_ALPHA and history is None:
        stored = read_payload(ws, PROJECT_FORECAST_PAGE, project_id)
        if stored is not None:
            return forecast_from_dict(stored)
    row = project_subject_row(ws, project)
    history = history if history is not None else forecast_inputs(ws)
    actuals = None
    if project.get("title_id"):
        actuals = {n: float(t.values[project["title_id"]]) for n, t in history[1].items()
                   if project["title_id"] in t.values.index}
    return forecast_subject(ws, row, kind="project", budget=budget, alpha=alpha, actuals=actuals, history=history)


def forecast_all_projects(ws, history: tuple[ff.FeatureFrame, dict[str, Target]]) -> dict[str, Forecast | Exception]:
    """Every project's forecast from its plan (as :func:`forecast_project` with its defaults), its features
    assembled in one query for all projects and the models shared between projects with the same training
    titles; a project that cannot be forecast maps to the error."""
    from dramascope.chain.projects import list_projects

    projects = list_projects(ws)
    if not projects:
        return {}
    hist, available = history
    rows = {p["project_id"]: subject_fields(project_subject_row(ws, p)) for p in projects}
    subjects = ff.build_features(ws, ff.subject_table(ws, list(rows.values())), theme_codes=hist.theme_codes,
                                 platform_codes=hist.platform_codes).frame
    models: dict = {}
    out: dict[str, Forecast | Exception] = {}
    for p in projects:
        pid = p["project_id"]
        actuals = None
        if p.get("title_id"):
            actuals = {n: float(t.values[p["title_id"]]) for n, t in available.items() if p["title_id"] in t.values.index}
        try:
            out[pid] = forecast_subject(ws, rows[pid], kind="project", actuals=actuals, history=history,
                                        subject_features=subjects[subjects["subject_id"] == pid], models=models)
        except Exception as exc:  # reported per project by the caller
            out[pid] = exc
    return out


def forecast_from_dict(d: dict) -> Forecast:
    """A :class:`Forecast` back from its ``to_dict()`` (as stored)."""
    roi = RoiScenarios(**d["roi"]) if d.get("roi") else None
    return Forecast(**{**d, "targets": [TargetForecast(**t) for t in d["targets"]], "roi": roi})


def read_features_file(path: Path) -> dict:
    """A JSON object (or one-line JSONL / a one-row CSV) with the subject fields; themes as list or ';' text."""
    try:
        if path.suffix.lower() == ".csv":
            df = pd.read_csv(path)
            if len(df) != 1:
                raise UserInputError(f"expected exactly one row, found {len(df)}", file=str(path))
            rec = _record(df.iloc[0].to_dict())
        else:
            text = path.read_text(encoding="utf-8").strip()
            rec = json.loads(text.splitlines()[0] if path.suffix.lower() == ".jsonl" else text)
    except FileNotFoundError:
        raise UserInputError("file not found", file=str(path)) from None
    except json.JSONDecodeError as exc:
        raise UserInputError(f"invalid JSON: {exc.msg}", file=str(path), line=exc.lineno) from None
    if not isinstance(rec, dict):
        raise UserInputError("expected a JSON object of features", file=str(path), line=1)
    unknown = set(rec) - set(ff.SUBJECT_COLUMNS) - {"title_id", "project_id", "name"}
    if unknown:
        raise UserInputError(f"unknown feature(s): {', '.join(sorted(unknown))}; known: {', '.join(ff.SUBJECT_COLUMNS)}",
                             file=str(path), field=sorted(unknown)[0])
    themes = rec.get("themes") or []
    if isinstance(themes, str):
        themes = [s.strip() for s in themes.replace("，", ";").replace(",", ";").split(";") if s.strip()]
    rec["themes"] = themes
    rec.setdefault("subject_id", rec.get("project_id") or rec.get("title_id") or path.stem)
    for num in ("episode_count", "avg_episode_seconds", "budget_cny", "paywall_episode"):
        if rec.get(num) is not None:
            try:
                rec[num] = float(rec[num])
            except (TypeError, ValueError):
                raise UserInputError(f"not a number: {rec[num]!r}", file=str(path), field=num) from None
    if rec.get("release_date"):
        try:
            rec["release_date"] = dt.date.fromisoformat(str(rec["release_date"])[:10])
        except ValueError:
            raise UserInputError(f"not a date (YYYY-MM-DD): {rec['release_date']!r}", file=str(path),
                                 field="release_date") from None
    return rec


def forecast_features_file(ws, path: Path, *, budget: float | None = None, alpha: float = DEFAULT_ALPHA) -> Forecast:
    return forecast_subject(ws, read_features_file(path), kind="features", budget=budget, alpha=alpha)


def forecast_vs_actual(ws, *, target: str = "dissemination", alpha: float = DEFAULT_ALPHA) -> dict:
    """For every released project (linked to a title), the forecast the model would have made with the
    data of the start of its release month, beside what happened.

    One model per release month (titles whose launch window closed before that month start), so the
    check is reproducible from the workspace at any time and never sees the title's own outcome.
    """
    from dramascope.chain.projects import RELEASED_STAGES, list_projects

    projects = [p for p in list_projects(ws) if p.get("title_id") and p["stage"] in RELEASED_STAGES]
    hist, available = forecast_inputs(ws)
    if target not in available:
        raise UserInputError(f"target {target!r} is not available (available: {', '.join(available) or 'none'})",
                             field="target")
    y = _targets_aligned(hist.frame, available)[target]
    frame = hist.frame
    dates = pd.to_datetime(frame["release_date"])
    pos = {sid: i for i, sid in enumerate(frame["subject_id"])}
    rows, models = [], {}
    for p in projects:
        i = pos.get(p["title_id"])
        row = {"project_id": p["project_id"], "title_id": p["title_id"], "name": p.get("name"),
               "stage": p["stage"], "release_date": None, "as_of": None, "point": None, "low": None, "high": None,
               "actual": None, "error": None, "inside": None, "note": None}
        if i is None or pd.isna(dates.iloc[i]):
            row["note"] = "linked title has no release date"
            rows.append(row)
            continue
        release = dates.iloc[i]
        as_of = release.replace(day=1)
        row["release_date"], row["as_of"] = str(release.date()), str(as_of.date())
        if as_of not in models:
            mask = ((dates + pd.Timedelta(days=ff.LAUNCH_DAYS) <= as_of) & y.notna()).to_numpy()
            models[as_of] = (fmod.fit(frame.loc[mask], y.loc[mask], hist.columns, target)
                             if mask.sum() >= 20 else int(mask.sum()))
        fm = models[as_of]
        if isinstance(fm, int):
            row["note"] = f"only {fm} titles had finished launching by {as_of.date()}: no forecast"
        else:
            point = float(fm.predict(frame.iloc[[i]])[0])
            lo, hi = fm.interval(np.array([point]), alpha)
            row.update(point=point, low=float(lo[0]), high=float(hi[0]))
            if pd.notna(y.iloc[i]):
                actual = float(y.iloc[i])
                row.update(actual=actual, error=actual - point, inside=bool(lo[0] <= actual <= hi[0]))
        rows.append(row)
    checked = [r for r in rows if r["error"] is not None]
    return {
        "target": target, "source": available[target].source, "alpha": alpha, "model_version": fmod.MODEL_VERSION,
        "rows": rows, "n_checked": len(checked),
        "mae": float(np.mean([abs(r["error"]) for r in checked])) if checked else None,
        "coverage": float(np.mean([r["inside"] for r in checked])) if checked else None,
    }
