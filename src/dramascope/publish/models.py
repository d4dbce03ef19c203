"""The shapes of page data: what each dashboard page shows and its JSON twin returns.

Pydantic models, so the REST API documents them in OpenAPI and validates what it sends, and the HTML
templates read the very same objects: a page and its JSON cannot disagree.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, computed_field

from dramascope.index.ties import rank_label

Market = Literal["domestic", "overseas"]


class Named(BaseModel):
    code: str
    name_zh: str
    name_en: str


class RunInfo(BaseModel):
    """An index run, enough to cite it: id, period, method hash and input-data fingerprint."""

    run_id: str
    period: str | None = None
    created_at: str | None = None
    spec_name: str | None = None
    spec_hash: str | None = None
    data_hash: str | None = None
    titles: int | None = None
    extra: dict[str, Any] = Field(default_factory=dict)


class RankRow(BaseModel):
    rank: int
    tied: bool = False  # another title of the run has the same rank (equal score)
    rank_low: float | None = None
    rank_high: float | None = None
    rank_median: float | None = None  # the median rank over the Monte Carlo replicates
    title_id: str
    name: str | None = None
    name_en: str | None = None
    score: float | None = None
    dimensions: dict[str, float | None] = Field(default_factory=dict)
    grade: str | None = None
    themes: list[str] = Field(default_factory=list)
    market: str | None = None

    @computed_field
    @property
    def rank_label(self) -> str:
        """The rank as shown: '=3' when tied."""
        return rank_label(self.rank, self.tied)


class ApartRow(BaseModel):
    """A title of the run listed apart: too little data to rank, and what it lacks."""

    title_id: str
    name: str | None = None
    name_en: str | None = None
    missing_dimensions: list[str] = Field(default_factory=list)
    flags: str = ""
    grade: str | None = None


class RankingFilters(BaseModel):
    period: str | None = None
    dimension: str | None = None
    theme: str | None = None
    platform: str | None = None
    market: Market | None = None


class RankingOptions(BaseModel):
    """What the filters can be set to (populates the page's select boxes)."""

    periods: list[str] = Field(default_factory=list)
    dimensions: list[Named] = Field(default_factory=list)
    themes: list[Named] = Field(default_factory=list)
    platforms: list[str] = Field(default_factory=list)
    markets: list[str] = Field(default_factory=lambda: ["domestic", "overseas"])
    periods_by_kind: dict[str, list[str]] = Field(default_factory=dict)  # the same periods by kind, latest first


class RankingsPage(BaseModel):
    run: RunInfo | None = None
    filters: RankingFilters
    options: RankingOptions
    total: int
    page: int
    page_size: int
    pages: int
    rows: list[RankRow]
    listed_apart: list[ApartRow] = Field(default_factory=list)


class Kpis(BaseModel):
    titles: int
    ranked: int
    platforms: int
    comments: int
    plays: int
    flagged: int


class OverviewPage(BaseModel):
    run: RunInfo | None = None
    kpis: Kpis
    top: list[RankRow]
    dimensions: list[Named] = Field(default_factory=list)
    grades: list[dict[str, Any]] = Field(default_factory=list)


class ProfileItem(BaseModel):
    dimension: str
    name_zh: str
    name_en: str
    score: float | None = None
    median: float | None = None
    rank: int | None = None


class Contribution(BaseModel):
    indicator: str
    name_zh: str
    name_en: str
    dimension: str | None = None
    contribution: float | None = None
    value: float | None = None


class EpisodePoint(BaseModel):
    episode_no: int
    comments: int
    intensity: float | None = None
    valence: float | None = None
    dominant: str | None = None
    dominant_share: float | None = None


class SecondPoint(BaseModel):
    """One 5-second bin of an episode: danmaku count, emotion density, the episode's mean density."""

    second: float
    count: int
    density: float | None = None
    baseline: float | None = None
    is_peak: bool = False


class Peak(BaseModel):
    episode_no: int | None = None
    second: float
    count: int
    density: float | None = None


class ReactionShare(BaseModel):
    reaction: str
    count: int
    share: float


class FraudFlag(BaseModel):
    platform: str | None = None
    date: str | None = None
    score: float | None = None
    reasons: str | None = None


class QualityGrade(BaseModel):
    grade: str | None = None
    suspicion: float | None = None
    reasons: str | None = None


class PlatformTotal(BaseModel):
    platform: str
    market: str | None = None
    days: int
    plays: int | None = None
    likes: int | None = None
    comments: int | None = None
    shares: int | None = None


class CommentOut(BaseModel):
    comment_id: str
    text: str
    likes: int | None = None
    platform: str | None = None
    episode_no: int | None = None
    kind: str | None = None
    label: str | None = None


class TitleScore(BaseModel):
    run_id: str
    period: str | None = None
    score: float | None = None
    rank: int | None = None
    tied: bool = False
    rank_low: float | None = None
    rank_high: float | None = None
    rank_median: float | None = None
    of: int | None = None
    missing_dimensions: list[str] = Field(default_factory=list)  # listed apart: what it lacks
    # the method choice that moves this title's rank most, and the share of its rank spread it explains
    rank_driver: str | None = None
    rank_driver_zh: str | None = None
    rank_driver_en: str | None = None
    rank_driver_share: float | None = None

    @computed_field
    @property
    def rank_label(self) -> str:
        return rank_label(self.rank, self.tied)


class TitlePage(BaseModel):
    title: dict[str, Any]
    score: TitleScore | None = None
    profile: list[ProfileItem] = Field(default_factory=list)
    contributions: list[Contribution] = Field(default_factory=list)
    strengths: dict[str, list[str]] = Field(default_factory=dict)
    weaknesses: dict[str, list[str]] = Field(default_factory=dict)
    emotion_curve: list[EpisodePoint] = Field(default_factory=list)
    danmaku_episode: int | None = None
    danmaku_density: list[SecondPoint] = Field(default_factory=list)
    danmaku_peaks: list[Peak] = Field(default_factory=list)
    reactions: list[ReactionShare] = Field(default_factory=list)
    fraud_flags: list[FraudFlag] = Field(default_factory=list)
    quality: QualityGrade | None = None
    platforms: list[PlatformTotal] = Field(default_factory=list)
    top_comments: list[CommentOut] = Field(default_factory=list)
    trend_plays: list[Any] = Field(default_factory=list)  # publish.trends.PlaysPoint: date, platform, plays
    trend_index: list[Any] = Field(default_factory=list)  # publish.trends.IndexPoint: period, kind, score, rank


class ThemeTrendPoint(BaseModel):
    """Titles of one theme released in one month."""

    theme: str
    month: str
    titles: int


class ThemePoint(BaseModel):
    theme: str
    name_zh: str
    name_en: str
    social: str | None = None
    titles: int
    novelty: float | None = None
    saturation: float | None = None
    mean_score: float | None = None


class ThemesPage(BaseModel):
    period: str | None = None
    themes: list[ThemePoint]
    trend: list[ThemeTrendPoint] = Field(default_factory=list)  # releases per month of the leading themes


class SpecIndicator(BaseModel):
    code: str
    name_zh: str
    name_en: str
    parent: str | None = None
    direction: str | None = None
    weight: float | None = None
    definition: str | None = None
    settings: dict[str, Any] = Field(default_factory=dict)


class SpecDimension(BaseModel):
    code: str
    name_zh: str
    name_en: str
    weight: float | None = None
    description_zh: str | None = None
    description_en: str | None = None


class MethodologyPage(BaseModel):
    run: RunInfo | None = None
    spec_name: str | None = None
    spec_hash: str | None = None
    settings: dict[str, Any] = Field(default_factory=dict)
    dimensions: list[SpecDimension] = Field(default_factory=list)
    indicators: list[SpecIndicator] = Field(default_factory=list)
    steps: list[dict[str, Any]] = Field(default_factory=list)


class QuarantineRow(BaseModel):
    table_name: str | None = None
    file: str | None = None
    line: int | None = None
    field: str | None = None
    value: str | None = None
    reason: str | None = None


class SuspectTitle(BaseModel):
    title_id: str
    name: str | None = None
    name_en: str | None = None
    grade: str | None = None
    suspicion: float | None = None
    reasons: str | None = None
    flags: int = 0


class IngestRow(BaseModel):
    table_name: str | None = None
    file: str | None = None
    rows_read: int | None = None
    inserted: int | None = None
    updated: int | None = None
    unchanged: int | None = None
    quarantined: int | None = None
    finished_at: str | None = None


class QualityPage(BaseModel):
    grades: list[dict[str, Any]] = Field(default_factory=list)
    quarantine_total: int = 0
    quarantine_by_reason: list[dict[str, Any]] = Field(default_factory=list)
    quarantine: list[QuarantineRow] = Field(default_factory=list)
    suspects: list[SuspectTitle] = Field(default_factory=list)
    ingests: list[IngestRow] = Field(default_factory=list)


class TitleCounters(BaseModel):
    """A title's raw counters summed over every platform and day (what the index scores are built from)."""

    plays: int | None = None
    likes: int | None = None
    comments: int | None = None
    shares: int | None = None
    platforms: int = 0


class CompareTitle(BaseModel):
    title_id: str
    name: str | None = None
    name_en: str | None = None
    score: TitleScore | None = None
    profile: list[ProfileItem] = Field(default_factory=list)
    grade: str | None = None
    counters: TitleCounters | None = None


class ComparePage(BaseModel):
    ids: list[str]
    titles: list[CompareTitle]
    max_titles: int = 8  # how many titles a comparison (and the page's compare cart) holds


class RunsPage(BaseModel):
    runs: list[RunInfo]


class EmotionsData(BaseModel):
    title_id: str
    danmaku_episode: int | None = None
    emotion_curve: list[EpisodePoint]
    danmaku_density: list[SecondPoint]
    danmaku_peaks: list[Peak]
    reactions: list[ReactionShare]


class WriteResult(BaseModel):
    ok: bool
    detail: dict[str, Any] = Field(default_factory=dict)


class BoardRow(BaseModel):
    """One title on a board: its rank on this board (restarting at 1 per board), its move against the
    same board one period earlier, the index behind it and the raw counters of the period."""

    board_rank: int
    previous_rank: int | None = None
    movement: int | None = None  # previous_rank − board_rank: positive climbed; None with is_new
    is_new: bool = False
    title_id: str
    name: str | None = None
    name_en: str | None = None
    score: float | None = None
    rank: int | None = None  # the title's rank in the whole market for the period
    rank_low: float | None = None
    rank_median: float | None = None
    rank_high: float | None = None
    grade: str | None = None
    plays_valid: int | None = None
    plays_total: int | None = None
    engagements_valid: int | None = None
    shares_valid: int | None = None


class BoardFilters(BaseModel):
    kind: str | None = None
    period: str | None = None
    theme: str | None = None
    platform: str | None = None
    market: str | None = None


class BoardPage(BaseModel):
    """A daily, weekly, monthly or all-time board over the index runs that exist for such periods."""

    kinds: list[str] = Field(default_factory=list)  # the kinds of period with index runs, finest first
    periods: list[str] = Field(default_factory=list)  # this kind's periods with runs, latest first
    filters: BoardFilters = Field(default_factory=BoardFilters)
    previous_period: str | None = None
    run: RunInfo | None = None
    previous_run: RunInfo | None = None
    total: int = 0
    rows: list[BoardRow] = Field(default_factory=list)
    risers: list[BoardRow] = Field(default_factory=list)  # the biggest climbers on the whole board
    fallers: list[BoardRow] = Field(default_factory=list)  # the biggest fallers
    options: RankingOptions | None = None
    missing_period: str | None = None  # the period asked for, when it had no run and the nearest is shown
    periods_by_kind: dict[str, list[str]] = Field(default_factory=dict)  # every kind's periods with runs
