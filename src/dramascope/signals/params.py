"""The method parameters of the signal families: the part of the index method applied before the index.

Fraud thresholds decide which plays are valid, the half-life cap bounds persistence, and the prior
strength shrinks a title's comment verdict toward the market's; a ranking cannot be reproduced without
them. The index spec carries them as ``method.signals`` (so they are in its hash and on the methodology
page) and ``dramascope analyze`` computes the signals with the spec's values. Each default is the constant
declared beside the code that uses it.
"""

from __future__ import annotations

import hashlib
import json

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field

from dramascope.resonance.verdict import VERDICT_PRIOR_STRENGTH
from dramascope.signals.dissemination import HALF_LIFE_CAP_DAYS
from dramascope.signals.fraud import FraudParams
from dramascope.schema import SIGNAL_PARAMS

SIGNAL_PARAMS_TABLE = SIGNAL_PARAMS.name
SIGNAL_PARAMS_SCHEMA = SIGNAL_PARAMS.arrow_schema


def signals_computed(ws) -> bool:
    """Whether ``compute_signals`` has run on this workspace. Every derived table exists from the start
    (empty), so this is asked of the rows: each run records its parameters in ``signal_params``; signals
    stored before that record existed are recognised by their rows."""
    return ws.count(SIGNAL_PARAMS_TABLE) > 0 or ws.count("signals") > 0


class SignalParams(BaseModel):
    """Every method parameter of the signal families."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fraud: FraudParams = FraudParams()
    half_life_cap_days: float = Field(default=HALF_LIFE_CAP_DAYS, gt=0)
    comment_valence_prior_strength: float = Field(default=VERDICT_PRIOR_STRENGTH, ge=0)

    def canonical_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    @property
    def hash(self) -> str:
        """SHA-256 of the canonical JSON: which parameters the stored signals were computed with."""
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()

    def as_table(self, indicators: list[str] | tuple[str, ...] = ()) -> pa.Table:
        """The one-row ``signal_params`` table ``compute_signals`` writes beside the signals."""
        return pa.table({"params_hash": [self.hash], "params_json": [self.canonical_json()],
                         "indicators": [";".join(indicators)]}, schema=SIGNAL_PARAMS_SCHEMA)
