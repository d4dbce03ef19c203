"""Forecasts for investors: what a title, a project or a planned set of features will reach, with
prediction intervals and ROI scenarios, and the time-split backtest that says how far to trust them.

Flow: features (forecast_features, Ibis) → targets (forecast_targets) → models (forecast_model).
A forecast is made with the models of its subject's monthly vintage (``forecast_vintages``): trained on
the titles whose launch window had closed by the first day of its release month, exactly like the
backtest's folds. Every subject of a vintage shares its models, so a writer forecasts every title and
project once per publication (``title_forecasts``, ``page_payloads``) and a page reads them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from dramascope.chain import forecast_features as ff
from dramascope.chain import forecast_model as fmod
from dramascope.chain.forecast_store import forecast_inputs, stored_title_forecast
from dramascope.chain.forecast_targets import Target
from dramascope.chain.forecast_vintages import VintageModels, backtest_cutoffs, data_end, vintages_of
from dramascope.errors import NotFound, UserInputError
from dramascope.jsonsafe import json_safe
from dramascope.schema import REVENUE_SCENARIO_PERCENTILES

DEFAULT_ALPHA = 0.2  # 80% prediction intervals
ROI_QUANTILES = tuple(p / 100 for p in REVENUE_SCENARIO_PERCENTILES)


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


def run_backtest(ws, *, targets: tuple[str, ...] | None = None, alpha: float = DEFAULT_ALPHA,
                 cut_quantiles=(0.6, 0.7, 0.8), embargo_days: int = ff.LAUNCH_DAYS,
                 models: VintageModels | None = None) -> dict[str, fmod.BacktestReport]:
    """Time-split backtest of each available target against the theme-average baseline. Its cutoffs are the
    vintages of the release-date quantiles, so with the default embargo (the launch window) each fold's model
    is the vintage model the forecasts use (``models``, shared with them when given)."""
    feats, available = (models.feats, models.targets) if models is not None else forecast_inputs(ws)
    if not available:
        raise UserInputError("no outcomes in this workspace (metrics is empty): nothing to backtest")
    models = models if models is not None else VintageModels(feats, available, data_end(ws))
    theme_cols = [f"theme__{c}" for c in feats.theme_codes]
    cutoffs = backtest_cutoffs(feats.frame["release_date"], cut_quantiles, models.end)
    out = {}
    for name in targets or tuple(available):
        if name not in available:
            raise UserInputError(f"target {name!r} is not available here (available: {', '.join(available)})",
                                 field="target")
        shared = (lambda cut, name=name: models.model(name, cut)) if embargo_days == ff.LAUNCH_DAYS else None
        out[name] = fmod.time_split_backtest(
            feats.frame, models.y(name), feats.columns, theme_cols, target=name, target_source=available[name].source,
            cutoffs=cutoffs, alpha=alpha, embargo_days=embargo_days, fitted=shared)
    return out


def _natural(x: float) -> float:
    return float(np.expm1(x))


REVENUE_QUANTILE_COLUMNS = tuple(f"revenue_p{int(q * 100)}" for q in ROI_QUANTILES)
"""The revenue scenarios' quantiles as columns of :func:`forecast_rows` (and of ``title_forecasts``)."""


def revenue_scenarios(residuals: np.ndarray, points: np.ndarray, budgets: np.ndarray
                      ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Revenue quantiles and P(break even) for subjects sharing one model's calibration residuals.

    The scenarios are revenue = expm1(point + residual). Their quantiles interpolate linearly between order
    statistics (numpy's default rule); expm1 is increasing, so the order statistics are those of the sorted
    residuals, and every subject's quantiles come from the same two residuals: O(1) per subject. P(break
    even) = P(revenue ≥ budget) = the share of residuals ≥ log1p(budget) − point."""
    r = np.sort(np.asarray(residuals, dtype=float))
    n = len(r)
    quantiles = {}
    for q, col in zip(ROI_QUANTILES, REVENUE_QUANTILE_COLUMNS):
        h = (n - 1) * q
        lo = int(np.floor(h))
        hi, frac = min(lo + 1, n - 1), h - lo
        below, above = np.expm1(points + r[lo]), np.expm1(points + r[hi])
        quantiles[col] = below + frac * (above - below)
    with np.errstate(invalid="ignore"):
        p_break_even = (n - np.searchsorted(r, np.log1p(budgets) - points, side="left")) / n
    return quantiles, p_break_even


def _roi_from(budget: float, revenue: dict[str, float], p_break_even: float, n_train: int) -> RoiScenarios:
    """The ROI scenarios of a row of :func:`forecast_rows`: ROI = revenue / budget − 1, quantile by quantile."""
    names = [f"p{int(q * 100)}" for q in ROI_QUANTILES]
    values = [float(revenue[c]) for c in REVENUE_QUANTILE_COLUMNS]
    return RoiScenarios(
        budget_cny=budget,
        revenue_quantiles=dict(zip(names, values)),
        roi_quantiles={k: v / budget - 1.0 for k, v in zip(names, values)},
        p_break_even=float(p_break_even),
        note=(f"{fmod.calibration_size(n_train)} revenue scenarios from the model's calibration residuals on the "
              f"latest {fmod.CALIBRATION_SHARE:.0%} of training titles; revenue is Σ revenue_cny as recorded"),
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


def forecast_rows(subjects: pd.DataFrame, as_ofs, budgets, models: VintageModels,
                  alpha: float = DEFAULT_ALPHA) -> pd.DataFrame:
    """One row per subject and available target: the vintage (``as_of``), its training size, the point
    forecast and interval, and for revenue the scenarios' quantiles and P(break even) at the subject's budget.

    ``subjects``: feature rows (as ``build_features`` gives them); ``as_ofs`` and ``budgets`` align with them.
    The subjects of a vintage are predicted together with its models: a forecast of one subject and the same
    subject among 100,000 give the same row. A target whose vintage has too few training titles gets a row
    with no point and ``n_train`` = the titles it had.
    """
    frame = subjects.reset_index(drop=True)
    as_ofs = pd.to_datetime(pd.Series(list(as_ofs), dtype="datetime64[ns]")).reset_index(drop=True)
    budgets = pd.to_numeric(pd.Series(list(budgets), dtype="float64"), errors="coerce").to_numpy()
    position = {name: i for i, name in enumerate(models.targets)}
    parts = []
    for as_of, idx in as_ofs.groupby(as_ofs).indices.items():
        part_frame = frame.iloc[idx]
        for name, target in models.targets.items():
            fm = models.model(name, as_of)
            part = pd.DataFrame({"row": idx, "position": position[name], "subject_id": part_frame["subject_id"].astype(str).to_numpy(),
                                 "target": name, "source": target.source, "as_of": as_of.date(),
                                 "budget_cny": budgets[idx]})
            if isinstance(fm, int):
                part["n_train"] = fm
                for col in ("point", "low", "high", *REVENUE_QUANTILE_COLUMNS, "p_break_even"):
                    part[col] = np.nan
            else:
                point = fm.predict(part_frame)
                low, high = fm.interval(point, alpha)
                part["n_train"], part["point"], part["low"], part["high"] = fm.n_train, point, low, high
                has_budget = (budgets[idx] > 0) & (name == "revenue")
                revenue, p_break_even = revenue_scenarios(fm.residuals, point, budgets[idx])
                for col, values in revenue.items():
                    part[col] = np.where(has_budget, values, np.nan)
                part["p_break_even"] = np.where(has_budget, p_break_even, np.nan)
            parts.append(part)
    if not parts:
        return pd.DataFrame(columns=["subject_id", "target", "source", "as_of", "n_train", "point", "low", "high",
                                     "budget_cny", *REVENUE_QUANTILE_COLUMNS, "p_break_even"])
    out = pd.concat(parts, ignore_index=True).sort_values(["row", "position"], kind="stable")
    return out.drop(columns=["row", "position"]).reset_index(drop=True)


def _missing(value) -> bool:
    return value is None or pd.isna(value)


def forecast_from_rows(kind: str, subject_id: str, rows: list[dict], features: dict, *, alpha: float,
                       actuals: dict | None = None, as_of=None) -> Forecast:
    """A :class:`Forecast` from a subject's rows of :func:`forecast_rows` (or of ``title_forecasts``)."""
    warnings, out, roi = [], [], None
    as_of = rows[0]["as_of"] if rows else as_of
    budget = None if not rows or _missing(rows[0]["budget_cny"]) else float(rows[0]["budget_cny"])
    for r in rows:
        name = r["target"]
        if _missing(r["point"]):
            warnings.append(f"{name}: only {int(r['n_train'])} titles finished before {as_of}: no forecast")
            continue
        point, low, high = float(r["point"]), float(r["low"]), float(r["high"])
        is_log = str(r["source"]).startswith("log")
        tf = TargetForecast(name, r["source"], point, low, high, "log(1 + value)" if is_log else "score",
                            int(r["n_train"]))
        if is_log:
            tf.point_natural, tf.low_natural, tf.high_natural = _natural(point), _natural(low), _natural(high)
        if actuals and name in actuals:
            tf.actual = actuals[name]
        out.append(tf)
        if name == "revenue" and budget and budget > 0:
            roi = _roi_from(budget, r, r["p_break_even"], int(r["n_train"]))
    if not budget:
        warnings.append("no budget: ROI scenarios need --budget or a budget in the record")
    return Forecast(kind, str(subject_id), str(as_of), alpha, fmod.MODEL_VERSION, out, roi, features, warnings)


def forecast_subject(ws, subject_row: dict, *, kind: str, alpha: float = DEFAULT_ALPHA, budget: float | None = None,
                     actuals: dict | None = None, history: tuple[ff.FeatureFrame, dict[str, Target]] | None = None,
                     models: VintageModels | None = None) -> Forecast:
    """Forecast one subject (a dict of the pre-release fields in ff.SUBJECT_COLUMNS) with the models of its
    vintage (``forecast_vintages``).

    ``history``: every title's features and the targets, when the caller already holds them
    (:func:`forecast_store.forecast_inputs` otherwise); ``models``: the vintage models, when shared between
    calls. A stored title with no budget of the caller's is its own row of the history: the same features
    the subject query computes.
    """
    row = subject_fields(subject_row, budget)
    if models is None:
        hist, available = history if history is not None else forecast_inputs(ws)
        models = VintageModels(hist, available, data_end(ws))
    hist = models.feats
    own = hist.frame[hist.frame["subject_id"] == row["subject_id"]] if kind == "title" and budget is None else None
    if own is not None and len(own) == 1:
        subj = own.reset_index(drop=True)
    else:
        subj = ff.build_features(ws, ff.subject_table(ws, [row]), theme_codes=hist.theme_codes,
                                 platform_codes=hist.platform_codes).frame
    as_of = models.vintage(row["release_date"])
    b = row.get("budget_cny")
    rows = forecast_rows(subj, [as_of], [np.nan if _missing(b) else float(b)], models, alpha)
    features = ff.shown_features(subj.iloc[0], hist.columns, hist.theme_codes, hist.platform_codes)
    return forecast_from_rows(kind, str(row["subject_id"]), rows.to_dict("records"), features, alpha=alpha,
                              actuals=actuals, as_of=as_of)


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
    """As-of-release forecast for a title (its release month's vintage), with its actual outcomes beside it.
    With its own budget and the default alpha, assembled from the rows the writer stored for this state of
    the workspace (``title_forecasts``) and its stored features, when there are some: the same forecast,
    without fitting a model on read."""
    if budget is None and alpha == DEFAULT_ALPHA:
        stored = stored_title_forecast(ws, title_id)
        if stored is not None:
            rows, features, actuals = stored
            return forecast_from_rows("title", title_id, rows, features, alpha=alpha, actuals=actuals)
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
    stored for this state of the workspace (``page_payloads``) when there is one."""
    from dramascope.chain.projects import get_project
    from dramascope.read_state import read_payload

    project = get_project(ws, project_id)
    if budget is None and alpha == DEFAULT_ALPHA and history is None:
        stored = read_payload(ws, PROJECT_FORECAST_PAGE, project_id)
        if stored is not None:
            return forecast_from_dict(stored)
    row = project_subject_row(ws, project)
    history = history if history is not None else forecast_inputs(ws)
    return forecast_subject(ws, row, kind="project", budget=budget, alpha=alpha,
                            actuals=_project_actuals(project, history[1]), history=history)


def _project_actuals(project: dict, targets: dict[str, Target]) -> dict | None:
    tid = project.get("title_id")
    if not tid:
        return None
    return {n: float(t.values[tid]) for n, t in targets.items() if tid in t.values.index}


def forecast_all_projects(ws, history: tuple[ff.FeatureFrame, dict[str, Target]],
                          models: VintageModels | None = None) -> dict[str, Forecast | Exception]:
    """Every project's forecast from its plan (as :func:`forecast_project` with its defaults): the features
    of all projects in one query, the projects of a vintage predicted together with its models (``models``,
    shared with the title forecasts when given)."""
    from dramascope.chain.projects import list_projects

    projects = list_projects(ws)
    if not projects:
        return {}
    hist, available = history
    models = models if models is not None else VintageModels(hist, available, data_end(ws))
    rows = {p["project_id"]: subject_fields(project_subject_row(ws, p)) for p in projects}
    subjects = ff.build_features(ws, ff.subject_table(ws, list(rows.values())), theme_codes=hist.theme_codes,
                                 platform_codes=hist.platform_codes).frame
    table = forecast_rows(subjects, [models.vintage(r) for r in subjects["release_date"]],
                          subjects["budget_cny"], models, DEFAULT_ALPHA)
    by_subject = {sid: g.to_dict("records") for sid, g in table.groupby("subject_id", sort=False)}
    features = {str(sid): ff.shown_features(v, hist.columns, hist.theme_codes, hist.platform_codes)
                for sid, v in zip(subjects["subject_id"], subjects.to_dict("records"))}
    out: dict[str, Forecast | Exception] = {}
    for p in projects:
        pid = p["project_id"]
        if pid not in features:
            out[pid] = ValueError(f"project {pid!r} has no feature row")
            continue
        out[pid] = forecast_from_rows("project", pid, by_subject.get(pid, []), features[pid], alpha=DEFAULT_ALPHA,
                                      actuals=_project_actuals(p, available),
                                      as_of=models.vintage(rows[pid]["release_date"]))
    return out


def forecast_all_titles(ws, models: VintageModels) -> pa.Table:
    """``title_forecasts``: every title's forecast at its own budget and the default alpha, the titles of a
    vintage predicted together with its models (one model set per vintage)."""
    from dramascope.chain.forecast_store import title_forecast_rows

    frame = models.frame
    t = ws.table("titles")
    budgets = ws.engine.to_pandas(t.select("title_id", "budget_cny")).set_index("title_id")["budget_cny"]
    rows = forecast_rows(frame, vintages_of(frame["release_date"], models.end),
                         frame["subject_id"].map(budgets).astype(float), models, DEFAULT_ALPHA)
    return title_forecast_rows(rows)


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


def forecast_vs_actual(ws, *, target: str = "dissemination", alpha: float = DEFAULT_ALPHA,
                       models: VintageModels | None = None) -> dict:
    """For every released project (linked to a title), the forecast its title's vintage models make (trained
    on the titles finished by the start of its release month), beside what happened.

    Reproducible from the workspace at any time, and it never sees the title's own outcome. ``models``: the
    vintage models, shared with the other forecasts when given.
    """
    from dramascope.chain.projects import RELEASED_STAGES, list_projects

    projects = [p for p in list_projects(ws) if p.get("title_id") and p["stage"] in RELEASED_STAGES]
    if models is None:
        hist, available = forecast_inputs(ws)
        models = VintageModels(hist, available, data_end(ws))
    available = models.targets
    if target not in available:
        raise UserInputError(f"target {target!r} is not available (available: {', '.join(available) or 'none'})",
                             field="target")
    y = models.y(target)
    frame = models.frame
    dates = pd.to_datetime(frame["release_date"])
    pos = {sid: i for i, sid in enumerate(frame["subject_id"])}
    rows, by_vintage = [], {}
    for p in projects:
        i = pos.get(p["title_id"])
        row = {"project_id": p["project_id"], "title_id": p["title_id"], "name": p.get("name"),
               "stage": p["stage"], "release_date": None, "as_of": None, "point": None, "low": None, "high": None,
               "actual": None, "error": None, "inside": None, "note": None}
        rows.append(row)
        if i is None or pd.isna(dates.iloc[i]):
            row["note"] = "linked title has no release date"
            continue
        release = dates.iloc[i]
        as_of = models.vintage(release.date())
        row["release_date"], row["as_of"] = str(release.date()), str(as_of)
        by_vintage.setdefault(as_of, []).append((row, i))
    for as_of, members in by_vintage.items():  # the titles of a vintage predicted together
        fm = models.model(target, as_of)
        if isinstance(fm, int):
            for row, _ in members:
                row["note"] = f"only {fm} titles had finished launching by {as_of}: no forecast"
            continue
        points = fm.predict(frame.iloc[[i for _, i in members]])
        lows, highs = fm.interval(points, alpha)
        for (row, i), point, lo, hi in zip(members, points, lows, highs):
            row.update(point=float(point), low=float(lo), high=float(hi))
            if pd.notna(y.iloc[i]):
                actual = float(y.iloc[i])
                row.update(actual=actual, error=actual - float(point), inside=bool(lo <= actual <= hi))
    checked = [r for r in rows if r["error"] is not None]
    return {
        "target": target, "source": available[target].source, "alpha": alpha, "model_version": fmod.MODEL_VERSION,
        "rows": rows, "n_checked": len(checked),
        "mae": float(np.mean([abs(r["error"]) for r in checked])) if checked else None,
        "coverage": float(np.mean([r["inside"] for r in checked])) if checked else None,
    }
