"""Monthly model vintages: which titles a forecast's models are trained on.

The rule, declared here once and read by every forecast (titles, projects, features files, forecast vs
actual and the backtest's cutoffs): a subject released on day ``d`` is forecast with the models of the
*vintage* ``as_of`` = the first day of ``d``'s month, trained on every title whose launch window
(``LAUNCH_DAYS``) had closed by ``as_of``. A subject released after the data's last day (a planned project,
a features file, a project with no date) uses the vintage of the data's last day, so every future subject
shares one training set.

Why monthly: a training set per release *day* meant a model set per distinct date (hundreds at 100k
titles, and a title's forecast fitted on read); per month, a market of a few years has a few dozen
vintages, fitted once per publication and shared by every subject of the month. A subject never sees its
own outcome: its launch window ends after its release, so after its vintage. The data's last day (the
latest ``metrics`` date) rather than today keeps a future subject's forecast the same from run to run.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from dramascope.chain import forecast_model as fmod
from dramascope.chain.forecast_features import FeatureFrame
from dramascope.chain.forecast_targets import LAUNCH_DAYS, Target

MIN_TRAINING_TITLES = 20  # fewer titles with a known outcome give no forecast (fmod.fit's own floor)


def data_end(ws) -> dt.date | None:
    """The data's last day: the latest ``metrics`` date, else the latest release; None in an empty workspace."""
    for table, column in (("metrics", "date"), ("titles", "release_date")):
        if ws.count(table):
            value = ws.engine.scalar(ws.table(table)[column].max())
            if value is not None and not pd.isna(value):
                return pd.Timestamp(value).date()
    return None


def vintage_of(release: dt.date | None, end: dt.date | None) -> dt.date:
    """The vintage of a subject released on ``release``: the first day of its month, the month of ``end``
    (the data's last day) when it is released after it or has no date (today's month without data)."""
    day = release if release is not None and not pd.isna(release) else (end or dt.date.today())
    if isinstance(day, pd.Timestamp):
        day = day.date()
    if end is not None and day > end:
        day = end
    return day.replace(day=1)


def vintages_of(releases: pd.Series, end: dt.date | None) -> pd.Series:
    """:func:`vintage_of` for a column of release dates (as Timestamps)."""
    cap = pd.Timestamp(end or dt.date.today())
    days = pd.to_datetime(releases).fillna(cap).clip(upper=cap)
    return days.dt.to_period("M").dt.start_time


def training_mask(release_dates: pd.Series, as_of) -> np.ndarray:
    """The titles in the training set of vintage ``as_of``: launch window closed by that day."""
    return (pd.to_datetime(release_dates) + pd.Timedelta(days=LAUNCH_DAYS) <= pd.Timestamp(as_of)).to_numpy()


class VintageModels:
    """The fitted models of each (target, vintage), fitted on first use and shared by every subject of the
    vintage: a publication fits one model set per vintage, whatever the number of subjects."""

    def __init__(self, feats: FeatureFrame, targets: dict[str, Target], end: dt.date | None):
        self.feats, self.targets, self.end = feats, targets, end
        self.frame, self.columns = feats.frame, feats.columns
        self._dates = pd.to_datetime(self.frame["release_date"])
        self._ys = {name: self.frame["subject_id"].map(t.values).astype(float).reset_index(drop=True)
                    for name, t in targets.items()}
        self._fitted: dict[tuple[str, pd.Timestamp], fmod.FittedModel | int] = {}

    def y(self, target: str) -> pd.Series:
        """The target's values aligned with the frame's rows (NaN where unknown)."""
        return self._ys[target]

    def vintage(self, release) -> dt.date:
        return vintage_of(release, self.end)

    def model(self, target: str, as_of) -> fmod.FittedModel | int:
        """The model of ``target`` for vintage ``as_of``, or the number of training titles when too few."""
        key = (target, pd.Timestamp(as_of))
        if key not in self._fitted:
            y = self._ys[target]
            mask = training_mask(self._dates, as_of) & y.notna().to_numpy()
            n = int(mask.sum())
            self._fitted[key] = (fmod.fit(self.frame.loc[mask], y.loc[mask], self.columns, target)
                                 if n >= MIN_TRAINING_TITLES else n)
        return self._fitted[key]


def backtest_cutoffs(release_dates: pd.Series, quantiles, end: dt.date | None) -> list[pd.Timestamp]:
    """The backtest's cutoffs: the vintages of the release-date quantiles, each once. A fold trained at a
    cutoff is the vintage's own model, tested on the titles that vintage forecasts and the later ones."""
    dates = pd.to_datetime(release_dates).dropna()
    if dates.empty:
        return []
    return sorted({pd.Timestamp(vintage_of(dates.quantile(q).date(), end)) for q in quantiles})
