"""The shapes of the JSON routes whose page data are built as plain dicts: a title's explanation, health,
projects and forecasts, script analysis, companies and production bases.

Declared as pydantic models so OpenAPI documents each answer (``response_model``) and the tests can hold
every answer to its declared shape. The index pages' models live in :mod:`dramascope.publish.models`.
Fields are those the libraries return; a nested part whose keys depend on the data (feature vectors,
per-measure maps, chart specs) is typed as a mapping.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ApiModel(BaseModel):
    """Answers are built by the libraries; a key added there reaches the client (and the tests flag it)."""

    model_config = ConfigDict(extra="allow")


# -- the index: a title's explanation and the app's health ------------------------------------------
class ExplainIndicator(ApiModel):
    indicator: str
    name_zh: str
    name_en: str
    dimension: str | None = None
    value_raw: float | None = None
    value_normalised: float | None = None
    weight: float | None = None
    imputed: bool = False
    contribution: float | None = None
    vs_median: float | None = None
    vs_above: float | None = None


class ExplainDimension(ApiModel):
    score: float | None = None
    rank: float | None = None
    sub_index: bool = False
    contribution: float | None = None


class PeerTitle(ApiModel):
    title_id: str
    score: float | None = None


class TitleExplanation(ApiModel):
    """The index's explanation of a title's score (``dramascope.index.explain_title``)."""

    title_id: str
    name: str | None = None
    run_id: str
    period: str | None = None
    spec: str | None = None
    aggregation: str | None = None
    score: float | None = None
    rank: float | None = None
    rank_label: str = ""
    rank_low: float | None = None
    rank_median: float | None = None
    rank_high: float | None = None
    n_ranked: int | None = None
    data_quality: str | None = None
    flags: str = ""
    missing_dimensions: list[str] = Field(default_factory=list)
    contributions: dict[str, float | None] = Field(default_factory=dict)
    dimensions: dict[str, ExplainDimension] = Field(default_factory=dict)
    indicators: list[ExplainIndicator] = Field(default_factory=list)
    median_title: PeerTitle | None = None
    title_above: PeerTitle | None = None
    gap_to_median: float | None = None
    gap_to_above: float | None = None
    dimension_gap_to_median: dict[str, float] | None = None
    dimension_gap_to_above: dict[str, float] | None = None
    strengths_zh: list[str] = Field(default_factory=list)
    strengths_en: list[str] = Field(default_factory=list)
    weaknesses_zh: list[str] = Field(default_factory=list)
    weaknesses_en: list[str] = Field(default_factory=list)


class Health(ApiModel):
    status: str
    version: str
    synthetic: bool
    tables: dict[str, int]


# -- projects and forecasts ---------------------------------------------------------------------------
class ProjectRow(ApiModel):
    project_id: str
    title_id: str | None = None
    name: str | None = None
    stage: str
    budget_cny: float | None = None
    spent_cny: float | None = None
    start_date: str | None = None
    end_date: str | None = None
    investors: list[str] | None = None
    locations: list[str] | None = None
    platforms: list[str] | None = None
    themes: list[str] | None = None
    episode_count: int | None = None
    spend_ratio: float | None = None
    warnings: list[str] = Field(default_factory=list)


class StageCount(ApiModel):
    stage: str
    count: int


class ProjectsPageData(ApiModel):
    stages: list[StageCount]
    projects: list[ProjectRow]
    total: int | None = None  # projects of the stage asked for, on every page
    budget_total: float | None = None
    spent_total: float | None = None
    warnings: int = 0
    page: int | None = None  # the rows are page `page` of `pages`, `page_size` rows a page
    page_size: int | None = None
    pages: int | None = None


class ForecastTarget(ApiModel):
    target: str
    source: str | None = None
    point: float | None = None
    low: float | None = None
    high: float | None = None
    scale: str | None = None
    n_train: int | None = None
    point_natural: float | None = None
    low_natural: float | None = None
    high_natural: float | None = None
    actual: float | None = None


class RoiForecast(ApiModel):
    budget_cny: float | None = None
    revenue_quantiles: dict[str, float | None] = Field(default_factory=dict)
    roi_quantiles: dict[str, float | None] = Field(default_factory=dict)
    p_break_even: float | None = None
    note: str | None = None


class ForecastData(ApiModel):
    """Forecast of a title (as of its release) or a project (its plan): per target a point and interval."""

    subject_kind: str
    subject_id: str
    as_of: str | None = None
    alpha: float
    model_version: str | None = None
    targets: list[ForecastTarget]
    roi: RoiForecast | None = None
    features: dict[str, Any] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)


class ProjectDetail(ProjectRow):
    events: list[dict[str, Any]] = Field(default_factory=list)
    title: dict[str, Any] | None = None


class ProjectPageData(ApiModel):
    project: ProjectDetail
    forecast: ForecastData | None = None
    forecast_error: str | None = None


class BacktestFold(ApiModel):
    cutoff: str
    n_train: int
    n_test: int
    model_mae: float | None = None
    baseline_mae: float | None = None
    model_rmse: float | None = None
    baseline_rmse: float | None = None
    coverage: float | None = None
    mean_interval_width: float | None = None


class BacktestTarget(ApiModel):
    target: str
    target_source: str | None = None
    alpha: float
    embargo_days: int | None = None
    folds: list[BacktestFold]
    model_mae: float | None = None
    baseline_mae: float | None = None
    model_rmse: float | None = None
    baseline_rmse: float | None = None
    mae_improvement: float | None = None
    coverage: float | None = None
    n_test: int | None = None
    model_version: str | None = None
    top_features: list[Any] = Field(default_factory=list)


class BacktestSummary(ApiModel):
    target: str
    model_mae: float | None = None
    baseline_mae: float | None = None
    improvement: float | None = None
    coverage: float | None = None
    nominal_coverage: float | None = None
    n_test: int | None = None


class BacktestPageData(ApiModel):
    """Time-split backtest per target; ``error`` says why there is none (too little history)."""

    targets: dict[str, BacktestTarget]
    summary: list[BacktestSummary]
    error: str | None = None


class VsActualRow(ApiModel):
    project_id: str
    title_id: str | None = None
    name: str | None = None
    stage: str | None = None
    release_date: str | None = None
    as_of: str | None = None
    point: float | None = None
    low: float | None = None
    high: float | None = None
    actual: float | None = None
    error: float | None = None
    inside: bool | None = None
    note: str | None = None


class ForecastVsActualData(ApiModel):
    target: str
    source: str | None = None
    alpha: float | None = None
    model_version: str | None = None
    rows: list[VsActualRow]
    n_checked: int
    mae: float | None = None
    coverage: float | None = None


class ScriptPageData(ApiModel):
    """A script's analysis (episodes, hooks, arcs, paywall; see ``chain.script_analysis``) and its chart
    (a Vega-Lite spec, absent for an empty analysis)."""

    analysis: dict[str, Any]
    chart: dict[str, Any] | None = None


# -- companies and production bases -------------------------------------------------------------------
class CompanyMethod(ApiModel):
    """How the company ranking was made: the index run, the shrinkage prior and the interval."""

    index_run_id: str
    period: str
    index_spec: str | None = None
    method: str
    method_version: str | None = None
    method_hash: str
    method_source: str | None = None
    unit: str | None = None
    roles: list[str] = Field(default_factory=list)
    titles_ranked_in_market: int | None = None
    market_mean: float | None = None
    prior_titles_k: float | None = None
    within_variance: float | None = None
    between_variance: float | None = None
    shrinkage: str | None = None
    shrinkage_note: str | None = None
    replicates: int | None = None
    interval: list[float] = Field(default_factory=list)
    min_titles: int | None = None


class CompanyRow(ApiModel):
    company_id: str
    name: str | None = None
    name_en: str | None = None
    base: str | None = None
    period: str | None = None
    score: float | None = None
    rank: int | None = None
    rank_low: float | None = None
    rank_median: float | None = None
    rank_high: float | None = None
    titles_ranked: int | None = None
    raw_mean: float | None = None
    shrink_weight: float | None = None
    posterior_sd: float | None = None
    titles_active: int | None = None
    titles_released: int | None = None
    hits: int | None = None
    hit_rate: float | None = None
    median_score: float | None = None
    median_score_low: float | None = None
    median_score_high: float | None = None
    iqr_score: float | None = None
    theme_count: int | None = None
    innovation: float | None = None
    commercial_return: float | None = None
    low_grade_share: float | None = None
    flags: str = ""


class CompanyOptions(ApiModel):
    periods: list[str] = Field(default_factory=list)
    bases: list[str] = Field(default_factory=list)


class CompanyFilters(ApiModel):
    period: str | None = None
    base: str | None = None
    top: int | None = None


class CompaniesPageData(ApiModel):
    period: str
    method: CompanyMethod
    rows: list[CompanyRow]
    total: int
    market: dict[str, Any] = Field(default_factory=dict)  # the market's measures (keys as in a company row)
    options: CompanyOptions = Field(default_factory=CompanyOptions)
    filters: CompanyFilters = Field(default_factory=CompanyFilters)
    page: int | None = None  # the rows are page `page` of `pages`, `page_size` rows a page (absent: every row)
    page_size: int | None = None
    pages: int | None = None


class CompanyTitle(ApiModel):
    title_id: str
    name: str | None = None
    value: float | None = None
    score: float | None = None
    rank_low: float | None = None
    rank_median: float | None = None
    rank_high: float | None = None
    contribution: float | None = None


class CompanyDimension(ApiModel):
    name_zh: str
    name_en: str
    sub_index: bool = False
    mean_score: float | None = None
    market_mean_score: float | None = None
    difference: float | None = None
    score_gap_to_market: float | None = None


class CompanyExplanation(CompanyRow):
    """Why a company ranks where it does: its titles' contributions, the shrinkage pull, dimension gaps."""

    n_ranked_companies: int | None = None
    method: CompanyMethod
    shrinkage_pull: float | None = None
    market_mean: float | None = None
    prior_titles_k: float | None = None
    titles: list[CompanyTitle] = Field(default_factory=list)
    contributions: dict[str, float | None] = Field(default_factory=dict)
    company_above: dict[str, Any] | None = None
    dimensions: dict[str, CompanyDimension] = Field(default_factory=dict)
    mean_score_gap_to_market: float | None = None
    strengths_zh: list[str] = Field(default_factory=list)
    strengths_en: list[str] = Field(default_factory=list)
    weaknesses_zh: list[str] = Field(default_factory=list)
    weaknesses_en: list[str] = Field(default_factory=list)
    summary_zh: str | None = None
    summary_en: str | None = None


class CompanyDimensionRow(CompanyDimension):
    dimension: str


class CompanyPageOptions(ApiModel):
    periods: list[str] = Field(default_factory=list)
    bases: list[str] = Field(default_factory=list)


class CompanyPageData(CompanyExplanation):
    """A company's page: its explanation, its dimensions as table rows and the periods and bases to choose."""

    dimension_rows: list[CompanyDimensionRow] = Field(default_factory=list)
    options: CompanyPageOptions


class BaseDimension(ApiModel):
    dimension: str
    name_zh: str
    name_en: str
    sub_index: bool = False
    titles: int | None = None
    base_mean: float | None = None
    base_low: float | None = None
    base_high: float | None = None
    market_mean: float | None = None
    difference: float | None = None
    verdict: str | None = None


class BaseTheme(ApiModel):
    theme: str
    name_zh: str | None = None
    name_en: str | None = None
    titles: int | None = None
    share: float | None = None
    market_titles: int | None = None
    market_share: float | None = None
    lift: float | None = None
    p_value: float | None = None
    share_of_market_titles: float | None = None
    saturating: bool = False


class BasePageData(ApiModel):
    """A production base: its companies, measures against the market, trends, leads and lags, themes and
    pipeline (with forecasts when asked)."""

    base: str
    period: str
    method: CompanyMethod
    companies: list[CompanyRow]
    companies_without_titles: list[Any] = Field(default_factory=list)
    company_count: int
    measures: dict[str, dict[str, Any]] = Field(default_factory=dict)  # measure → value, market, comparison
    market: dict[str, Any] = Field(default_factory=dict)
    trends: list[dict[str, Any]] = Field(default_factory=list)
    dimensions: list[BaseDimension] = Field(default_factory=list)
    leads: list[str] = Field(default_factory=list)
    lags: list[str] = Field(default_factory=list)
    themes: list[BaseTheme] = Field(default_factory=list)
    saturating_themes: list[Any] = Field(default_factory=list)
    pipeline: list[dict[str, Any]] = Field(default_factory=list)
    summary_zh: list[str] = Field(default_factory=list)
    summary_en: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    options: CompanyOptions = Field(default_factory=CompanyOptions)
