"""Request parameters of the pages, validated before any query runs.

Declared as pydantic models so FastAPI documents every constraint in OpenAPI and answers a bad value
with a 422 naming the parameter, and the CLI (report, export) validates the same way. Values that
depend on the workspace (is this dimension in the run? this theme in the taxonomy?) are checked by the
page functions, which raise :class:`~dramascope.errors.UserInputError` (HTTP 400).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from dramascope.publish.models import Market

CodeStr = Annotated[str, Field(pattern=r"^[A-Za-z0-9_\-]{1,64}$")]
PlatformStr = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{1,64}$")]
RunIdStr = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.:\-]{1,100}$")]
MAX_PAGE_SIZE = 200
MAX_COMPARE = 8


def _check_period(value: str | None) -> str | None:
    """The period labels the index engine accepts (a label, or a granularity word meaning its latest)."""
    from dramascope.index.loaders import GRANULARITY_WORDS, granularity

    if value in (None, ""):
        return None
    if value not in GRANULARITY_WORDS and granularity(value) is None:
        raise ValueError(f"period {value!r} is not one of: life, month, week, year, day, YYYY, YYYY-MM, "
                         "YYYY-Www, YYYY-MM-DD")
    return value


def _blank_to_none(value):
    return None if value == "" else value


class PeriodQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    period: str | None = Field(default=None, max_length=12, description="life, YYYY, YYYY-MM, YYYY-Www, YYYY-MM-DD, or "
                               "month/week/year/day for the latest such period; default: life")
    run_id: RunIdStr | None = Field(default=None, description="A stored index run; default: the latest")

    @field_validator("period")
    @classmethod
    def _valid_period(cls, value: str | None) -> str | None:
        return _check_period(value)

    @field_validator("run_id", mode="before")
    @classmethod
    def _blank_run(cls, value):
        return _blank_to_none(value)


class RankingQuery(PeriodQuery):
    dimension: CodeStr | None = Field(default=None, description="Rank by one dimension's score (default: the index)")
    theme: CodeStr | None = Field(default=None, description="Only titles tagged with this theme code")
    platform: PlatformStr | None = Field(default=None, description="Only titles with metrics on this platform")
    market: Market | None = Field(default=None, description="Only titles of this main market")
    page: int = Field(default=1, ge=1, le=1_000_000)
    page_size: int = Field(default=50, ge=1, le=MAX_PAGE_SIZE)

    @field_validator("dimension", "theme", "platform", "market", mode="before")
    @classmethod
    def _blank_filters(cls, value):
        """An empty select box (``?theme=``) means 'any', not an invalid code."""
        return _blank_to_none(value)


class CompareQuery(PeriodQuery):
    ids: str = Field(default="", max_length=2000, description="Comma-separated title ids (2 to 8)")

    def id_list(self) -> list[str]:
        seen: list[str] = []
        for part in self.ids.split(","):
            part = part.strip()
            if part and part not in seen:
                seen.append(part)
        return seen


BoardKind = Literal["day", "week", "month", "year", "life"]


class BoardQuery(BaseModel):
    """A board: the kind of period (日榜/周榜/月榜 …), one period of it (default: its latest with a run),
    and the slice of the market it ranks."""

    model_config = ConfigDict(extra="ignore")

    kind: BoardKind | None = Field(default=None, description="day, week, month, year or life (default: the "
                                                               "finest kind with index runs)")
    period: str | None = Field(default=None, max_length=12, description="A period of that kind with an index run "
                                                                       "(default: the latest)")
    theme: CodeStr | None = Field(default=None, description="Only titles tagged with this theme code (genre board)")
    platform: PlatformStr | None = Field(default=None, description="Only titles with metrics on this platform; "
                                                                  "counters are then this platform's")
    market: Market | None = Field(default=None, description="Only titles of this main market")
    top: int = Field(default=50, ge=1, le=MAX_PAGE_SIZE, description="How many places the board shows")

    @field_validator("period")
    @classmethod
    def _valid_period(cls, value: str | None) -> str | None:
        from dramascope.index.loaders import granularity

        if value in (None, ""):
            return None
        if granularity(value) is None:
            raise ValueError(f"period {value!r} is not one of: life, YYYY, YYYY-MM, YYYY-Www, YYYY-MM-DD")
        return value

    @field_validator("kind", "theme", "platform", "market", mode="before")
    @classmethod
    def _blank_filters(cls, value):
        return _blank_to_none(value)
