"""The company ranking method's fields: which credits count, the unit a title contributes, how hard a small
catalogue is pulled toward the market (the shrinkage prior) and how the rank interval is simulated.

Declared in the index layer because the index spec carries the shipped method as its ``companies``
section; :mod:`dramascope.companies.spec` loads a company spec of its own from a file.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dramascope.index.hashing import canonical_hash, canonical_json

ROLES = ("producer", "distributor", "investor")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ShrinkageSpec(_Strict):
    """How far a company's mean is pulled toward the market mean: by k pseudo-titles at the market mean."""

    method: Literal["empirical_bayes", "fixed", "none"] = "empirical_bayes"
    prior_titles: float | None = Field(default=None, ge=0)
    min_between_share: float = Field(default=0.01, gt=0, le=1)

    @model_validator(mode="after")
    def _fixed_needs_k(self) -> ShrinkageSpec:
        if self.method == "fixed" and self.prior_titles is None:
            raise ValueError("shrinkage method 'fixed' needs prior_titles (k)")
        return self


class CompanyMonteCarloSpec(_Strict):
    replicates: int = Field(default=1000, ge=20, le=100_000)
    title_rank_uncertainty: bool = True
    company_sampling: Literal["posterior", "none"] = "posterior"
    interval: tuple[float, float] = (0.05, 0.95)
    median_replicates: int = Field(default=400, ge=20, le=100_000)
    seed: int = 20260102

    @model_validator(mode="after")
    def _interval_ordered(self) -> CompanyMonteCarloSpec:
        lo, hi = self.interval
        if not 0 <= lo < hi <= 1:
            raise ValueError(f"interval must be two probabilities lo < hi (got {lo}, {hi})")
        return self


class CompanySpec(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: str = "1"
    roles: list[Literal["producer", "distributor", "investor"]] = Field(default=["producer"], min_length=1)
    unit: Literal["percentile", "score"] = "percentile"
    min_titles: int = Field(default=1, ge=1)
    hit_top_share: float = Field(default=0.10, gt=0, lt=1)
    low_grades: list[str] = ["C", "D"]
    flag_low_grade_share: float = Field(default=0.25, gt=0, le=1)
    shrinkage: ShrinkageSpec = ShrinkageSpec()
    monte_carlo: CompanyMonteCarloSpec = CompanyMonteCarloSpec()

    def canonical_json(self) -> str:
        return canonical_json(self)

    @property
    def hash(self) -> str:
        return canonical_hash(self)
