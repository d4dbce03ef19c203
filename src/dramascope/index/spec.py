"""The index specification: a YAML file that declares every dimension, indicator, weight and method choice.

Why a declared spec: a published ranking is only defensible when the whole formula is written down before
the numbers are seen, versioned (the spec hash travels with every stored run) and readable by people who do
not read code (``docs/methodology.md`` is generated from it). Validation errors name the YAML line, because
the people who edit specs are analysts, not programmers.

A spec may ``extends:`` another (a shipped name such as ``default`` or a path) and override dimension
weights and method choices; the shipped audience presets (regulator, investor, creator) work that way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from dramascope.errors import UserInputError
from dramascope.index.company_spec import CompanySpec
from dramascope.index.hashing import canonical_hash, canonical_json
from dramascope.signals.params import SignalParams
from dramascope.signals.registry import indicators_by_code

CODE_PATTERN = r"^[a-z][a-z0-9_]*$"
PRESETS = ("default", "regulator", "investor", "creator")

Normalisation = Literal["minmax", "zscore", "percentile", "goalposts"]
Weighting = Literal["expert", "equal", "entropy", "critic", "pca"]
Aggregation = Literal["arithmetic", "geometric"]
Imputation = Literal["none", "dimension_mean", "indicator_mean", "indicator_median", "group_median"]
Transform = Literal["none", "log", "log1p", "winsor"]
GroupKey = Literal["market", "platform"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DimensionSpec(_Strict):
    """A pillar of the index (e.g. 传播力). ``sub_index`` dimensions are scored but not in the main index."""

    code: str = Field(pattern=CODE_PATTERN)
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    weight: float = Field(ge=0)
    sub_index: bool = False
    description_en: str = ""
    description_zh: str = ""
    data_en: str = ""  # the data that feeds it: what a title listed apart would need
    data_zh: str = ""


class IndicatorSpec(_Strict):
    """One indicator: where it sits, which way is better, and how it is scaled before aggregation.

    Names and direction come from the indicator registry (:mod:`dramascope.signals.registry`): a spec file
    may omit them, and :func:`load_spec` refuses one that states them differently.
    """

    code: str = Field(pattern=CODE_PATTERN)
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    parent: str = Field(pattern=CODE_PATTERN)
    direction: Literal["positive", "negative"] = "positive"
    weight: float = Field(default=1.0, ge=0)
    transform: Transform | None = None  # None: the method's outlier rule decides
    normalisation: Normalisation | None = None  # None: the method default
    lo: float | None = None  # goalposts, in the indicator's own units (before transform)
    hi: float | None = None
    min_coverage: float | None = Field(default=None, ge=0, le=1)

    @model_validator(mode="after")
    def _goalposts_complete(self) -> IndicatorSpec:
        if self.normalisation == "goalposts":
            if self.lo is None or self.hi is None:
                raise ValueError("goalposts normalisation needs both lo and hi")
            if not self.hi > self.lo:
                raise ValueError(f"goalposts need hi > lo (got lo={self.lo}, hi={self.hi})")
        return self


class CoverageSpec(_Strict):
    """Who enters the composite: indicators seen often enough, titles with enough indicators, and titles with
    observed data in enough of the main dimensions (``min_dimensions`` 0 turns that rule off)."""

    min_indicator_coverage: float = Field(default=0.3, ge=0, le=1)
    min_title_coverage: float = Field(default=0.5, ge=0, le=1)
    min_dimensions: int = Field(default=0, ge=0, le=50)
    min_indicators_per_dimension: int = Field(default=1, ge=1, le=50)


class OutlierSpec(_Strict):
    """COINr/JRC rule: treat when |skew| > skew_threshold AND kurtosis > kurtosis_threshold."""

    rule: Literal["auto", "none"] = "auto"
    skew_threshold: float = Field(default=2.0, gt=0)
    kurtosis_threshold: float = Field(default=3.5, gt=0)
    winsor_max_share: float = Field(default=0.05, ge=0, le=0.5)


class MonteCarloSpec(_Strict):
    enabled: bool = True
    replicates: int = Field(default=500, ge=2, le=100_000)
    weight_noise: float = Field(default=0.25, ge=0, lt=1)
    normalisations: list[Literal["spec", "minmax", "zscore", "percentile"]] = ["spec", "zscore", "percentile"]
    aggregations: list[Aggregation] = ["arithmetic", "geometric"]
    imputations: list[Literal["spec", "none", "indicator_mean", "indicator_median"]] = ["spec", "none"]
    chunk_replicates: int = Field(default=50, ge=1, le=10_000)
    sensitivity_bins: int = Field(default=10, ge=2, le=100)
    sensitivity_titles: int = Field(default=5000, ge=10, le=1_000_000)


class MethodSpec(_Strict):
    coverage: CoverageSpec = CoverageSpec()
    imputation: Imputation = "dimension_mean"
    imputation_group: GroupKey = "market"
    outliers: OutlierSpec = OutlierSpec()
    normalisation: Literal["minmax", "zscore", "percentile"] = "minmax"
    normalisation_group: GroupKey | None = None
    weighting: Weighting = "expert"
    aggregation: Aggregation = "arithmetic"
    geometric_floor: float = Field(default=1.0, gt=0, le=50)
    monte_carlo: MonteCarloSpec = MonteCarloSpec()
    seed: int = 20260101
    signals: SignalParams = SignalParams()  # applied when the signals are computed (fraud, half-life, priors)


class IndexSpec(_Strict):
    name: str = Field(pattern=CODE_PATTERN)
    version: str = "1"
    audience_en: str = ""
    audience_zh: str = ""
    method: MethodSpec = MethodSpec()
    dimensions: list[DimensionSpec] = Field(min_length=1)
    indicators: list[IndicatorSpec] = Field(min_length=1)
    companies: CompanySpec = CompanySpec(name="companies_default")  # the company ranking method

    # -- helpers ---------------------------------------------------------------------------------
    def dimension(self, code: str) -> DimensionSpec:
        for d in self.dimensions:
            if d.code == code:
                return d
        raise KeyError(code)

    def indicator(self, code: str) -> IndicatorSpec:
        for i in self.indicators:
            if i.code == code:
                return i
        raise KeyError(code)

    @property
    def indicator_codes(self) -> list[str]:
        return [i.code for i in self.indicators]

    def canonical_json(self) -> str:
        return canonical_json(self)

    @property
    def hash(self) -> str:
        return canonical_hash(self)


@dataclass(frozen=True)
class LoadedSpec:
    """A validated spec plus the text it came from (stored with each run so the run can be reproduced)."""

    spec: IndexSpec
    source: str  # file path or preset name
    yaml_text: str

    @property
    def hash(self) -> str:
        return self.spec.hash


# -- YAML with line numbers ----------------------------------------------------------------------
def _line_map(node: yaml.Node, path: tuple = (), out: dict | None = None) -> dict[tuple, int]:
    """Map every path in a YAML document to its 1-based line, using the composer's node marks."""
    out = {} if out is None else out
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            out[path + (key,)] = key_node.start_mark.line + 1
            _line_map(value_node, path + (key,), out)
            out[path + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_map(item, path + (i,), out)
    return out


def _line_for(lines: dict[tuple, int], loc: tuple) -> int | None:
    for n in range(len(loc), -1, -1):
        if tuple(loc[:n]) in lines:
            return lines[tuple(loc[:n])]
    return None


def _parse_yaml(text: str, source: str) -> tuple[Any, dict[tuple, int]]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise UserInputError(f"not valid YAML: {exc.problem}", file=source,
                             line=mark.line + 1 if mark else None) from exc
    if node is None or not isinstance(data, dict):
        raise UserInputError("an index spec must be a YAML mapping", file=source, line=1)
    return data, _line_map(node)


# -- extends / overrides -------------------------------------------------------------------------
def _merge_preset(base: dict, base_lines: dict, preset: dict, preset_lines: dict, source: str
                  ) -> tuple[dict, dict[tuple, int]]:
    """Apply a preset's ``overrides`` to its base spec; lines of overridden fields point into the preset."""
    merged = json.loads(json.dumps(base))
    lines = {k: v for k, v in base_lines.items()}
    for key in ("name", "version", "audience_en", "audience_zh"):
        if key in preset:
            merged[key] = preset[key]
            lines[(key,)] = preset_lines[(key,)]
    overrides = preset.get("overrides") or {}
    if not isinstance(overrides, dict):
        raise UserInputError("overrides must be a mapping", file=source, line=preset_lines.get(("overrides",)))
    unknown = set(preset) - {"extends", "overrides", "name", "version", "audience_en", "audience_zh"}
    if unknown:
        key = sorted(unknown)[0]
        raise UserInputError(f"unknown key {key!r} in a preset (allowed: extends, name, version, audience_en, "
                             "audience_zh, overrides)", file=source, line=preset_lines.get((key,)), field=key)
    for section, idx_key in (("dimensions", "code"), ("indicators", "code")):
        for code, fields in (overrides.get(section) or {}).items():
            positions = [i for i, item in enumerate(merged.get(section, [])) if item.get(idx_key) == code]
            where = ("overrides", section, code)
            if not positions:
                raise UserInputError(f"{section[:-1]} {code!r} is not in the base spec", file=source,
                                     line=preset_lines.get(where), field=f"{section}.{code}")
            if not isinstance(fields, dict):
                raise UserInputError("override must be a mapping of fields", file=source,
                                     line=preset_lines.get(where), field=f"{section}.{code}")
            pos = positions[0]
            for field, value in fields.items():
                merged[section][pos][field] = value
                lines[(section, pos, field)] = preset_lines.get(where + (field,), preset_lines.get(where))
    _merge_mapping(merged.setdefault("method", {}), overrides.get("method") or {}, ("method",), lines,
                   preset_lines)
    return merged, lines


def _merge_mapping(base: dict, override: dict, path: tuple, lines: dict, preset_lines: dict) -> None:
    """Override ``base`` in place, field by field at every depth (``method.signals.fraud.min_plays`` alone
    keeps the base's other fraud thresholds); each overridden line points into the preset."""
    for field, value in override.items():
        where = path + (field,)
        if isinstance(value, dict) and isinstance(base.get(field), dict):
            _merge_mapping(base[field], value, where, lines, preset_lines)
        else:
            base[field] = value
            lines[where] = preset_lines.get(("overrides",) + where)


def _resolve_source(name_or_path: str | Path | None) -> tuple[str, str, Path | None]:
    """Return (source label, yaml text, folder for relative extends)."""
    if name_or_path is None:
        name_or_path = "default"
    if isinstance(name_or_path, str) and name_or_path in PRESETS:
        text = resources.files("dramascope.data").joinpath("specs", f"{name_or_path}.yaml").read_text("utf-8")
        return f"{name_or_path}.yaml (shipped)", text, None
    path = Path(name_or_path)
    if not path.is_file():
        raise UserInputError(f"no index spec at {path} (or use a preset: {', '.join(PRESETS)})", file=str(path))
    return str(path), path.read_text(encoding="utf-8"), path.parent


def _raw_with_lines(name_or_path: str | Path | None, _depth: int = 0) -> tuple[dict, dict, str]:
    source, text, folder = _resolve_source(name_or_path)
    data, lines = _parse_yaml(text, source)
    if "extends" in data:
        if _depth > 4:
            raise UserInputError("extends chain is too deep (max 4)", file=source, line=lines.get(("extends",)))
        target = data["extends"]
        if not isinstance(target, str):
            raise UserInputError("extends must be a preset name or a path", file=source,
                                 line=lines.get(("extends",)), field="extends")
        if target not in PRESETS and folder is not None and not Path(target).is_absolute():
            target = str(folder / target)
        base, base_lines, _ = _raw_with_lines(target, _depth + 1)
        data, lines = _merge_preset(base, base_lines, data, lines, source)
    return data, lines, source


def _semantic_checks(spec: IndexSpec) -> list[tuple[tuple, str]]:
    """Cross-field rules pydantic cannot express: (path, message) for each problem."""
    problems: list[tuple[tuple, str]] = []
    dims = [d.code for d in spec.dimensions]
    for i, code in enumerate(dims):
        if code in dims[:i]:
            problems.append((("dimensions", i, "code"), f"duplicate dimension code {code!r}"))
    codes = [ind.code for ind in spec.indicators]
    for i, ind in enumerate(spec.indicators):
        if ind.code in codes[:i]:
            problems.append((("indicators", i, "code"), f"duplicate indicator code {ind.code!r}"))
        if ind.parent not in dims:
            problems.append((("indicators", i, "parent"),
                             f"parent {ind.parent!r} is not a declared dimension ({', '.join(dims)})"))
        if ind.transform in ("log",) and ind.normalisation == "goalposts" and ind.lo is not None and ind.lo <= 0:
            problems.append((("indicators", i, "lo"), "log transform needs goalposts lo > 0"))
        if ind.transform == "log1p" and ind.normalisation == "goalposts" and ind.lo is not None and ind.lo <= -1:
            problems.append((("indicators", i, "lo"), "log1p transform needs goalposts lo > -1"))
    for j, d in enumerate(spec.dimensions):
        if not any(ind.parent == d.code for ind in spec.indicators):
            problems.append((("dimensions", j, "code"), f"dimension {d.code!r} has no indicators"))
    main = [d for d in spec.dimensions if not d.sub_index]
    if not main:
        problems.append((("dimensions",), "at least one dimension must be in the main index (sub_index: false)"))
    elif sum(d.weight for d in main) <= 0 and spec.method.weighting != "equal":
        problems.append((("dimensions",), "main-index dimension weights sum to zero"))
    return problems


REGISTRY_FIELDS = ("name_zh", "name_en", "direction")


def _take_from_registry(data: dict, lines: dict[tuple, int], source: str, registry: Mapping[str, Any]) -> dict:
    """Fill each indicator's names and direction from the registry; an unknown code, or a stated name or
    direction that differs from the registry's, is an error naming the file, line and field."""
    items = data.get("indicators")
    if not isinstance(items, list):
        return data
    filled = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("code"), str):
            filled.append(item)
            continue
        code = item["code"]
        declared = registry.get(code)
        if declared is None:
            raise UserInputError(f"unknown indicator {code!r}: no family declares it (see docs/indicators.md)",
                                 file=source, line=_line_for(lines, ("indicators", i, "code")),
                                 field=f"indicators.{i}.code")
        item = dict(item)
        for field in REGISTRY_FIELDS:
            want = getattr(declared, field)
            if field in item and item[field] != want:
                raise UserInputError(f"{field} of {code!r} is {item[field]!r} but the registry declares {want!r}: "
                                     f"omit it or use the registry's", file=source,
                                     line=_line_for(lines, ("indicators", i, field)), field=f"indicators.{i}.{field}")
            item[field] = want
        filled.append(item)
    return {**data, "indicators": filled}


def load_spec(name_or_path: str | Path | None = None, *, registry: Mapping[str, Any] | None = None) -> LoadedSpec:
    """Load and validate a spec: a preset name (default, regulator, investor, creator) or a YAML path.

    Indicator names and directions are taken by code from ``registry`` (code → declaration with ``name_zh``,
    ``name_en`` and ``direction``; default: every declared indicator). Raises :class:`UserInputError`
    naming the file, the line and the field of the first problem.
    """
    data, lines, source = _raw_with_lines(name_or_path)
    data = {k: v for k, v in data.items() if k != "extends"}
    data = _take_from_registry(data, lines, source, indicators_by_code() if registry is None else registry)
    try:
        spec = IndexSpec.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        field = ".".join(str(p) for p in loc) or None
        raise UserInputError(err["msg"], file=source, line=_line_for(lines, loc), field=field) from exc
    problems = _semantic_checks(spec)
    if problems:
        loc, msg = problems[0]
        raise UserInputError(msg, file=source, line=_line_for(lines, loc),
                             field=".".join(str(p) for p in loc))
    yaml_text = yaml.safe_dump(spec.model_dump(mode="json"), allow_unicode=True, sort_keys=False)
    return LoadedSpec(spec=spec, source=source, yaml_text=yaml_text)


def spec_from_yaml_text(text: str, source: str = "<stored spec>") -> LoadedSpec:
    """Rebuild a spec from the YAML stored with a run (already fully expanded, no ``extends``)."""
    data, lines = _parse_yaml(text, source)
    try:
        spec = IndexSpec.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise UserInputError(err["msg"], file=source, line=_line_for(lines, tuple(err["loc"]))) from exc
    return LoadedSpec(spec=spec, source=source, yaml_text=text)
