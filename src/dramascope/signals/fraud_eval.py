"""Score the fake-traffic detector against planted ground truth (the demo market's truth.parquet).

Used by the test suite and the benchmark so both report the same figures: precision and recall per
(title, platform, day) cell and per title, and the false-alarm rate on honest viral hits (titles
whose traffic surged for real, the case a naive burst detector gets wrong).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pyarrow as pa


@dataclass(frozen=True)
class FraudScores:
    cell_precision: float
    cell_recall: float
    title_precision: float
    title_recall: float
    viral_titles: int
    viral_false_alarm_titles: int
    honest_titles: int
    honest_false_alarm_titles: int
    flagged_cells: int
    planted_cells: int

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _ratio(num: int, den: int) -> float:
    return num / den if den else float("nan")


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def score_fraud_flags(flags: pa.Table, truth: pa.Table, metric_cells: pa.Table) -> FraudScores:
    """``flags``: fraud_flags rows; ``truth``: title_id, is_fake_traffic, fake_platform, fake_start,
    fake_end, is_viral_hit; ``metric_cells``: (title_id, platform, date) of the metrics table, so that
    planted days without a metrics row do not count as misses.
    """
    t = truth.to_pylist()
    planted: set[tuple[str, str, dt.date]] = set()
    cells_by_pair: dict[tuple[str, str], list[dt.date]] = {}
    for r in metric_cells.to_pylist():
        cells_by_pair.setdefault((r["title_id"], r["platform"]), []).append(_date(r["date"]))
    fake_titles = {r["title_id"] for r in t if r["is_fake_traffic"]}
    viral_titles = {r["title_id"] for r in t if r.get("is_viral_hit")}
    for r in t:
        if not r["is_fake_traffic"]:
            continue
        lo, hi = _date(r["fake_start"]), _date(r["fake_end"])
        for d in cells_by_pair.get((r["title_id"], r["fake_platform"]), []):
            if lo <= d <= hi:
                planted.add((r["title_id"], r["fake_platform"], d))
    flagged = {(r["title_id"], r["platform"], _date(r["date"])) for r in flags.to_pylist()}
    flagged_titles = {c[0] for c in flagged}
    hit = len(flagged & planted)
    honest = {r["title_id"] for r in t} - fake_titles
    return FraudScores(
        cell_precision=_ratio(hit, len(flagged)),
        cell_recall=_ratio(hit, len(planted)),
        title_precision=_ratio(len(flagged_titles & fake_titles), len(flagged_titles)),
        title_recall=_ratio(len(flagged_titles & fake_titles), len(fake_titles)),
        viral_titles=len(viral_titles),
        viral_false_alarm_titles=len(flagged_titles & viral_titles),
        honest_titles=len(honest),
        honest_false_alarm_titles=len(flagged_titles & honest),
        flagged_cells=len(flagged),
        planted_cells=len(planted),
    )
