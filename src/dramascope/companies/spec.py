"""Loading the company ranking method, declared in YAML like the title index.

Why a spec: a ranking of companies is as contestable as a ranking of titles. Which credits count, the
unit a title contributes, how hard a small catalogue is pulled toward the market, and how the rank
interval is simulated are all written down before the numbers are seen, hashed, and returned with
every ranking so that a published table can be recomputed (same index run + same spec hash = same
table). The shipped method is the ``companies`` section of the default index spec (so it is in that spec's
hash and on the methodology page); ``--spec FILE`` takes a company spec of its own. Errors name the YAML
line, as for index specs (the line-mapping helpers are the index's own).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from dramascope.errors import UserInputError
from dramascope.index.company_spec import ROLES, CompanyMonteCarloSpec, CompanySpec, ShrinkageSpec
from dramascope.index.spec import _line_for, _parse_yaml, load_spec

__all__ = ["ROLES", "CompanyMonteCarloSpec", "CompanySpec", "LoadedCompanySpec", "ShrinkageSpec",
           "load_company_spec", "spec_yaml"]


@dataclass(frozen=True)
class LoadedCompanySpec:
    spec: CompanySpec
    source: str

    @property
    def hash(self) -> str:
        return self.spec.hash


def _read(path: str | Path) -> tuple[str, str]:
    p = Path(path)
    if not p.is_file():
        raise UserInputError(f"no company ranking spec at {p}", file=str(p))
    return str(p), p.read_text(encoding="utf-8")


def load_company_spec(path: str | Path | None = None) -> LoadedCompanySpec:
    """The shipped method (``None``: the ``companies`` section of the default index spec) or a YAML file;
    errors name the file, line and field."""
    if isinstance(path, CompanySpec):
        return LoadedCompanySpec(path, "<given>")
    if path is None:
        default = load_spec("default")
        return LoadedCompanySpec(default.spec.companies, f"{default.source}: companies")
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
