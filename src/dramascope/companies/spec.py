"""The company ranking method, declared in YAML like the title index.

Why a spec: a ranking of companies is as contestable as a ranking of titles. Which credits count, the
unit a title contributes, how hard a small catalogue is pulled toward the market, and how the rank
interval is simulated are all written down before the numbers are seen, hashed, and returned with
every ranking so that a published table can be recomputed (same index run + same spec hash = same
table). Errors name the YAML line, as for index specs (the line-mapping helpers are the index's own).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from dramascope.errors import UserInputError
from dramascope.index.spec import _line_for, _parse_yaml, canonical_hash, canonical_json

ROLES = ("producer", "distributor", "investor")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ShrinkageSpec(_Strict):
    """How far a company's mean is pulled toward the market mean: by k pseudo-titles at the market mean."""

    method: Literal["empirical_bayes", "fixed", "none"] = "empirical_bayes"
    prior_titles: float | None = Field(default=None, ge=0)
    min_between_share: float = Field(default=0.01, gt=0, le=1)

    @model_validator(mode="after")
    def _fixed_needs_k(self) -> "ShrinkageSpec":
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
    def _interval_ordered(self) -> "CompanyMonteCarloSpec":
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


@dataclass(frozen=True)
class LoadedCompanySpec:
    spec: CompanySpec
    source: str

    @property
    def hash(self) -> str:
        return self.spec.hash


def _read(path: str | Path | None) -> tuple[str, str]:
    if path is None:
        return "companies/spec.yaml (shipped)", resources.files("dramascope.companies").joinpath(
            "spec.yaml").read_text("utf-8")
    p = Path(path)
    if not p.is_file():
        raise UserInputError(f"no company ranking spec at {p}", file=str(p))
    return str(p), p.read_text(encoding="utf-8")


def load_company_spec(path: str | Path | None = None) -> LoadedCompanySpec:
    """The shipped method (``None``) or a YAML file; errors name the file, line and field."""
    if isinstance(path, CompanySpec):
        return LoadedCompanySpec(path, "<given>")
    source, text = _read(path)
    data, lines = _parse_yaml(text, source)
    try:
        spec = CompanySpec.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        raise UserInputError(err["msg"], file=source, line=_line_for(lines, loc),
                             field=".".join(str(p) for p in loc) or None) from exc
    return LoadedCompanySpec(spec, source)


def spec_yaml(spec: CompanySpec) -> str:
    """The fully expanded spec (every default filled in), as published beside a ranking."""
    return yaml.safe_dump(spec.model_dump(mode="json"), allow_unicode=True, sort_keys=False)
