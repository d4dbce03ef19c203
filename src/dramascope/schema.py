"""The canonical tables, declared once.

Ingest validates against these declarations, the engines create tables from them, the data-model
documentation is generated from them and the tests check every rule they state. Adding a column or
an alias here is the whole change: nothing else keeps its own copy of the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import pyarrow as pa

ColumnType = Literal["string", "int", "float", "date", "timestamp", "bool", "string_list", "json"]

ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
    "bool": pa.bool_(),
    "string_list": pa.list_(pa.string()),
    "json": pa.string(),
}


# Value rules every table shares: ingest applies them and docs/data-model.md states them.

DATE_MIN, DATE_MAX = date(1900, 1, 1), date(2100, 12, 31)
"""Dates (and the dates of timestamps) outside this range are quarantined: a year 0 or 9999 is a
typo or a placeholder, and would overflow date arithmetic on every page that shows the title."""

DEFAULT_TIMEZONE = "Asia/Shanghai"
"""The workspace ``timezone`` unless its settings say otherwise. Timestamps are stored as wall-clock
time in the workspace zone (naive): a time written without a zone is taken to be in that zone, a time
with a zone (``Z``, ``+08:00``, epoch seconds, zone-aware Parquet) is converted to it. Days, weeks and
months are then the market's own calendar periods on every engine."""

MISSING_TOKENS: tuple[str, ...] = ("", "-", "--", "—", "n/a", "na", "null", "none", "nan", "/", "无", "暂无")
"""Cell texts (compared case-insensitively after trimming) that mean "no value": stored as NULL, after
which the column's ``required`` rule applies. A binary NaN in Parquet or JSON is missing too. Infinity
(``inf``, ``1e400``, a binary ±inf) is never a measurement and is quarantined as not a finite number."""

DECIMAL_MARKS = ("point", "comma")
"""How a number column writes its decimals. Detected per file and column unless the caller says:
a column is read with a decimal comma when some value in it can only be read that way (``1,2``,
``0,45``, ``1 234,5``, ``1.234,56``) and none can only be read with a point (``1.5``, ``1,234.5``,
``1,234,567``), and with a point otherwise. When the file shows neither, a value that reads differently
with a decimal comma (a lone ``12,345`` in a decimal column) is quarantined rather than guessed; when it
shows both, every disputed value is. ``1.500`` with no comma anywhere in the column is 1.5."""

ID_PATTERN = r"^[\p{L}\p{N}][\p{L}\p{M}\p{N}_.:-]*$"
ID_MAX_LENGTH = 128  # characters; a separate rule, as a bounded repeat of Unicode classes is costly in RE2
"""The alphabet of identifiers (``title_id``, ``comment_id`` …): they appear in URLs, file names and
HTML, so ``/``, ``\\``, ``<``, quotes, spaces and control characters (NUL included) are refused."""
ID_RULE = "letters, digits and _ . : - (starting with a letter or digit, at most 128 characters)"


@dataclass(frozen=True)
class Column:
    """One field of a canonical table, with everything needed to validate and document it."""

    name: str
    type: ColumnType
    description: str
    required: bool = False
    unit: str | None = None
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    aliases: tuple[str, ...] = ()
    references: str | None = None  # "table.column" that must exist
    default: object | None = None  # value used when the column is absent from a file or a cell is empty
    # Spellings of allowed values found in exports (e.g. 竖屏 → vertical), matched case-insensitively.
    value_aliases: tuple[tuple[str, str], ...] = ()
    identifier: bool = False  # an id: must match ID_PATTERN

    @property
    def arrow_type(self) -> pa.DataType:
        return ARROW_TYPES[self.type]


@dataclass(frozen=True)
class Table:
    """A canonical table: its key (the upsert identity), columns and purpose."""

    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    description: str
    name_zh: str = ""
    derived: bool = False  # computed by the library (never ingested): every column nullable, no ingest rules

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"table {self.name!r} has no column {name!r}")

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def arrow_schema(self) -> pa.Schema:
        return pa.schema(
            [pa.field(c.name, c.arrow_type, nullable=self.derived or c.name not in self.key) for c in self.columns]
        )

    @property
    def references(self) -> list[tuple[str, str, str]]:
        """(column, referenced table, referenced column) for every foreign reference."""
        out = []
        for c in self.columns:
            if c.references:
                table, col = c.references.split(".")
                out.append((c.name, table, col))
        return out


def _title_id(required: bool = True, references: bool = True) -> Column:
    """The title key. Only the titles table itself accepts a bare ``id`` header: elsewhere ``id``
    would be ambiguous (a comment's own id, a project's id)."""
    aliases = ("剧集id", "短剧id", "作品id", "剧目id", "title id")
    return Column(
        "title_id",
        "string",
        "Stable identifier of the title (series).",
        required=required,
        aliases=aliases if references else aliases + ("id",),
        references="titles.title_id" if references else None,
        identifier=True,
    )


PLATFORM_ALIASES = ("平台", "app", "渠道", "platform_name")
MARKETS = ("domestic", "overseas")
MARKET_VALUES = (("国内", "domestic"), ("境内", "domestic"), ("海外", "overseas"), ("出海", "overseas"),
                 ("境外", "overseas"))

TITLES = Table(
    name="titles",
    name_zh="剧目",
    key=("title_id",),
    description="One row per micro-drama title (series): what it is, who made it, how it is sold.",
    columns=(
        _title_id(references=False),
        Column("name", "string", "Title as released (original language).", required=True,
               aliases=("标题", "剧名", "片名", "作品名", "短剧名称", "title")),
        Column("name_en", "string", "English title, where one exists.", aliases=("英文名", "英文标题", "title_en")),
        Column("origin_country", "string", "ISO 3166-1 alpha-2 country of production.",
               aliases=("出品国家", "国家", "country")),
        Column("language", "string", "Main spoken language (BCP-47, e.g. zh, en).", aliases=("语言", "lang")),
        Column("release_date", "date", "First release date.", aliases=("上线日期", "首播日期", "发布日期", "released")),
        Column("episode_count", "int", "Number of episodes.", unit="episodes", minimum=1, maximum=2000,
               aliases=("集数", "总集数", "episodes")),
        Column("avg_episode_seconds", "float", "Average episode length.", unit="seconds", minimum=1,
               maximum=7200, aliases=("单集时长", "平均时长", "episode_seconds")),
        Column("orientation", "string", "Screen orientation.", allowed=("vertical", "horizontal"),
               aliases=("画幅", "竖屏横屏"), default="vertical",
               value_aliases=(("竖屏", "vertical"), ("横屏", "horizontal"))),
        Column("app", "string", "App or platform that released the title (ReelShort, 红果短剧 …).",
               aliases=("首发平台", "平台", "platform", "渠道")),
        Column("genre", "string", "Broad genre as the source labels it (都市, 奇幻 …).",
               aliases=("genre_zh", "题材大类", "大类")),
        Column("audience", "string", "Target audience channel (女频 female-oriented, 男频 male-oriented).",
               allowed=("female", "male", "general"), aliases=("audience_zh", "频道", "受众"),
               value_aliases=(("女频", "female"), ("男频", "male"), ("全年龄", "general"), ("通用", "general"))),
        Column("themes", "string_list", "Declared themes/tropes (';'- or ','-separated in CSV).",
               aliases=("题材", "类型", "genres", "lane_terms_zh", "lane_terms", "tropes")),
        Column("synopsis", "string", "Synopsis text (any language).", aliases=("简介", "剧情简介", "summary")),
        Column("producer", "string", "Producing company (厂牌).", aliases=("出品方", "制作方", "厂牌", "承制方")),
        Column("license_no", "string", "Broadcast filing/licence number (备案号).",
               aliases=("备案号", "许可证号", "上线备案号")),
        Column("review_tier", "string", "Review tier under the NRTA grading of micro-dramas.",
               allowed=("key", "ordinary", "other"), aliases=("审核级别", "分级"),
               value_aliases=(("重点", "key"), ("普通", "ordinary"), ("其他", "other"))),
        Column("budget_cny", "float", "Production budget.", unit="CNY", minimum=0, aliases=("预算", "制作成本", "budget")),
        Column("monetization", "string", "How the title earns.", allowed=("paid_unlock", "free_ad", "hybrid"),
               aliases=("变现方式", "付费模式"),
               value_aliases=(("付费", "paid_unlock"), ("付费解锁", "paid_unlock"), ("免费", "free_ad"),
                              ("广告", "free_ad"), ("混合", "hybrid"))),
        Column("paywall_episode", "int", "First paid episode (paid_unlock/hybrid); 'E12', 'EP12', '第12集' accepted.",
               unit="episode", minimum=1, maximum=2000, aliases=("付费集", "卡点集", "付费卡点")),
        Column("tags", "string_list", "Platform or editorial tags (';'- or ','-separated in CSV).",
               aliases=("标签", "tag")),
        Column("market", "string", "Main market.", allowed=MARKETS, aliases=("市场",), value_aliases=MARKET_VALUES),
    ),
)

EPISODES = Table(
    name="episodes",
    name_zh="分集",
    key=("title_id", "episode_no"),
    description="One row per episode of a title.",
    columns=(
        _title_id(),
        Column("episode_no", "int", "Episode number, from 1.", required=True, unit="episode", minimum=1,
               maximum=2000, aliases=("集数", "集", "第几集", "episode")),
        Column("duration_seconds", "float", "Episode length.", unit="seconds", minimum=1, maximum=7200,
               aliases=("时长", "时长秒", "duration")),
        Column("is_paywalled", "bool", "Whether the episode is behind the paywall.", aliases=("是否付费", "付费")),
        Column("release_date", "date", "Release date of the episode.", aliases=("上线日期", "发布日期")),
    ),
)

METRICS = Table(
    name="metrics",
    name_zh="日指标",
    key=("title_id", "platform", "date"),
    description="Daily counters of one title on one platform (increments for that day, not cumulative).",
    columns=(
        _title_id(),
        Column("platform", "string", "Platform or app (douyin, kuaishou, reelshort, …).", required=True,
               aliases=PLATFORM_ALIASES),
        Column("date", "date", "Calendar day of the counters.", required=True,
               aliases=("日期", "统计日期", "chart_date", "day")),
        Column("plays", "int", "Plays started that day.", unit="plays", minimum=0,
               aliases=("播放量", "播放", "播放次数", "views")),
        Column("likes", "int", "Likes that day.", unit="likes", minimum=0, aliases=("点赞", "点赞量", "点赞数")),
        Column("comments", "int", "Comments that day.", unit="comments", minimum=0,
               aliases=("评论", "评论量", "评论数", "replies")),
        Column("shares", "int", "Shares that day.", unit="shares", minimum=0,
               aliases=("转发", "转发量", "分享", "分享量", "share")),
        Column("favorites", "int", "Favourites/collects that day.", unit="favorites", minimum=0,
               aliases=("收藏", "收藏量", "collects", "追剧")),
        Column("completion_rate", "float", "Share of plays watched to the end (0–1; '45%' accepted).",
               unit="ratio", minimum=0, maximum=1, aliases=("完播率",)),
        Column("followers_gained", "int", "New followers that day.", unit="followers", minimum=0,
               aliases=("涨粉", "新增粉丝", "followers")),
        Column("revenue_cny", "float", "Revenue that day (unlocks, ads).", unit="CNY", minimum=0,
               aliases=("收入", "充值", "流水", "revenue")),
        Column("ad_spend_cny", "float", "Advertising spend that day (投流).", unit="CNY", minimum=0,
               aliases=("投流", "投放", "广告消耗", "消耗", "ad_spend")),
        Column("market", "string", "Market the platform serves.", allowed=MARKETS, aliases=("市场",),
               value_aliases=MARKET_VALUES),
    ),
)

COMMENTS = Table(
    name="comments",
    name_zh="评论弹幕",
    key=("comment_id",),
    description="Comments and danmaku (bullet comments). Text is untrusted: stored as given, escaped on output.",
    columns=(
        Column("comment_id", "string", "Unique comment identifier.", required=True, identifier=True,
               aliases=("评论id", "评论ID", "弹幕id", "id")),
        _title_id(),
        Column("platform", "string", "Platform the comment was posted on.", aliases=PLATFORM_ALIASES),
        Column("episode_no", "int", "Episode commented on.", unit="episode", minimum=1, maximum=2000,
               aliases=("集数", "集", "episode")),
        Column("kind", "string", "comment or danmaku.", allowed=("comment", "danmaku"), default="comment",
               aliases=("类型", "评论类型"), value_aliases=(("评论", "comment"), ("弹幕", "danmaku"))),
        Column("posted_at", "timestamp", "When it was posted.", aliases=("发布时间", "评论时间", "时间", "comment_time")),
        Column("video_second", "float", "Position in the episode (danmaku).", unit="seconds", minimum=0,
               maximum=7200, aliases=("视频秒", "弹幕时间", "进度")),
        Column("text", "string", "The comment text.", required=True,
               aliases=("内容", "评论内容", "弹幕内容", "评论", "comment_text", "content")),
        Column("likes", "int", "Likes on the comment.", minimum=0, aliases=("点赞", "点赞数", "comment_vote")),
        Column("user_hash", "string", "Pseudonymous user id (hashed by the exporter).",
               aliases=("用户", "用户id", "comment_user")),
        Column("lang", "string", "Language code if known (zh, en).", aliases=("语言",)),
    ),
)

RATINGS = Table(
    name="ratings",
    name_zh="评分",
    key=("title_id", "source"),
    description="Audience ratings of a title from one source (Douban, app stars …), on a 0–10 scale.",
    columns=(
        _title_id(),
        Column("source", "string", "Rating source (douban, app, …).", required=True, aliases=("来源", "评分来源")),
        Column("rating", "float", "Average rating, 0–10.", required=True, minimum=0, maximum=10,
               aliases=("评分", "分数", "score")),
        Column("votes", "int", "Number of votes.", minimum=0, aliases=("评分人数", "票数", "voters")),
        Column("histogram", "json", "Vote counts per star, JSON object {\"1\": n, …, \"5\": n}.",
               aliases=("分布", "星级分布")),
    ),
)

SCRIPTS = Table(
    name="scripts",
    name_zh="剧本",
    key=("script_id", "episode_no"),
    description="Script text per episode, for a released title or a project in development.",
    columns=(
        Column("script_id", "string", "Title id or project id the script belongs to.", required=True, identifier=True,
               aliases=("剧本id", "项目id")),
        Column("title_id", "string", "Released title, if any.", references="titles.title_id", identifier=True),
        Column("project_id", "string", "Project, if any.", identifier=True),
        Column("episode_no", "int", "Episode number.", required=True, unit="episode", minimum=1, maximum=2000,
               aliases=("集数", "集")),
        Column("text", "string", "Script text of the episode.", required=True, aliases=("剧本", "内容")),
    ),
)

PROJECTS = Table(
    name="projects",
    name_zh="项目",
    key=("project_id",),
    description="Productions through their stages, from writing to evaluation.",
    columns=(
        Column("project_id", "string", "Project identifier.", required=True, identifier=True,
               aliases=("项目id", "项目ID")),
        Column("title_id", "string", "Released title, once there is one.", references="titles.title_id",
               identifier=True),
        Column("name", "string", "Working title.", aliases=("项目名", "名称")),
        Column("stage", "string", "Production stage.", required=True,
               allowed=("writing", "filming", "post", "broadcasting", "evaluated"), aliases=("阶段",),
               value_aliases=(("剧本", "writing"), ("创作", "writing"), ("拍摄", "filming"), ("后期", "post"),
                              ("播出", "broadcasting"), ("上线", "broadcasting"), ("已评估", "evaluated"))),
        Column("budget_cny", "float", "Approved budget.", unit="CNY", minimum=0, aliases=("预算",)),
        Column("spent_cny", "float", "Spent so far.", unit="CNY", minimum=0, aliases=("已花费", "支出")),
        Column("start_date", "date", "Start of production.", aliases=("开机日期", "开始日期")),
        Column("end_date", "date", "End (planned or actual).", aliases=("结束日期", "杀青日期")),
        Column("investors", "string_list", "Investors (';'-separated in CSV).", aliases=("投资方",)),
        Column("locations", "string_list", "Filming locations (';'-separated in CSV).", aliases=("取景地", "拍摄地")),
        Column("platforms", "string_list", "Target platforms (';'-separated in CSV).", aliases=("平台",)),
        Column("themes", "string_list", "Planned themes (';'-separated in CSV).", aliases=("题材",)),
        Column("episode_count", "int", "Planned episodes.", minimum=1, maximum=2000, aliases=("集数",)),
    ),
)

RECOMMENDATIONS = Table(
    name="recommendations",
    name_zh="推荐片单",
    key=("title_id", "list_name"),
    description="Membership of a title in an official recommendation list (e.g. NRTA quality lists).",
    columns=(
        _title_id(),
        Column("list_name", "string", "Name of the list.", required=True, aliases=("片单", "推荐片单")),
        Column("issuer", "string", "Body that issued it.", aliases=("发布机构",)),
        Column("listed_on", "date", "Date of listing.", aliases=("发布日期",)),
        Column("category", "string", "Theme of the list (culture, tourism, law, heritage, rural, science …).",
               aliases=("类别",)),
    ),
)

COMPANIES = Table(
    name="companies",
    name_zh="企业",
    key=("company_id",),
    description="Producers (厂牌), distributors and investors, with their production base or cluster.",
    columns=(
        Column("company_id", "string", "Company identifier.", required=True, identifier=True,
               aliases=("企业id", "公司id", "厂牌id")),
        Column("name", "string", "Company name.", required=True, aliases=("企业名称", "公司名称", "厂牌", "名称")),
        Column("name_en", "string", "English name.", aliases=("英文名",)),
        Column("base", "string", "Production base or industry cluster the company belongs to.",
               aliases=("基地", "产业基地", "园区", "集群", "cluster")),
        Column("founded", "date", "Founding date.", aliases=("成立日期",)),
        Column("city", "string", "City of registration.", aliases=("城市", "所在地")),
    ),
)

TITLE_COMPANIES = Table(
    name="title_companies",
    name_zh="剧目企业",
    key=("title_id", "company_id", "role"),
    description="Which companies worked on a title and in which role (several per title).",
    columns=(
        _title_id(),
        Column("company_id", "string", "Company.", required=True, references="companies.company_id",
               identifier=True, aliases=("企业id", "公司id")),
        Column("role", "string", "Role of the company on the title.", required=True,
               allowed=("producer", "distributor", "investor"), aliases=("角色", "职能"),
               value_aliases=(("出品", "producer"), ("制作", "producer"), ("发行", "distributor"),
                              ("投资", "investor"))),
        Column("share", "float", "Share of the investment or credit (0–1).", unit="ratio", minimum=0, maximum=1,
               aliases=("占比", "份额")),
    ),
)

CHART_ENTRIES = Table(
    name="chart_entries",
    name_zh="榜单",
    key=("chart_date", "app", "title_id"),
    description="A title's place on an app's daily chart, with the counters the app shows beside it "
                "(as displayed: '138.2M', '625.5K', '1.2万' are read as numbers).",
    columns=(
        Column("chart_date", "date", "Day of the chart.", required=True, aliases=("榜单日期", "日期", "date")),
        Column("app", "string", "App whose chart it is.", required=True, aliases=PLATFORM_ALIASES + ("platform",)),
        Column("rank", "int", "Position on the chart (1 = top).", required=True, minimum=1, maximum=100000,
               aliases=("排名", "名次", "榜位")),
        _title_id(),
        Column("heat", "int", "Heat/popularity figure shown by the app.", unit="heat", minimum=0,
               aliases=("热度", "热度值", "人气")),
        Column("tags", "string_list", "The app's tags for the title (','-separated in CSV).", aliases=("标签",)),
        Column("followers", "int", "Followers shown.", unit="followers", minimum=0, aliases=("粉丝", "粉丝数", "关注")),
        Column("collects", "int", "Collects/favourites shown.", unit="collects", minimum=0,
               aliases=("收藏", "收藏量", "追剧", "favorites")),
        Column("likes", "int", "Likes shown.", unit="likes", minimum=0, aliases=("点赞", "点赞量", "点赞数")),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (TITLES, EPISODES, METRICS, COMMENTS, RATINGS, SCRIPTS, PROJECTS, RECOMMENDATIONS,
              COMPANIES, TITLE_COMPANIES, CHART_ENTRIES)
}

# Order in which tables must be loaded so that references resolve.
LOAD_ORDER: tuple[str, ...] = (
    "titles", "episodes", "metrics", "comments", "ratings", "scripts", "projects", "recommendations",
    "companies", "title_companies", "chart_entries",
)


def get_table(name: str) -> Table:
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"unknown table {name!r}; known tables: {', '.join(TABLES)}") from None


# System tables that the workspace keeps beside the canonical ones.
QUARANTINE_SCHEMA = pa.schema(
    [
        ("ingest_id", pa.string()),
        ("table_name", pa.string()),
        ("file", pa.string()),
        ("line", pa.int64()),
        ("field", pa.string()),
        ("value", pa.string()),
        ("reason", pa.string()),
        ("raw", pa.string()),
        ("quarantined_at", pa.timestamp("us")),
    ]
)

INGEST_LOG_SCHEMA = pa.schema(
    [
        ("ingest_id", pa.string()),
        ("table_name", pa.string()),
        ("file", pa.string()),
        ("file_sha256", pa.string()),
        ("rows_read", pa.int64()),
        ("inserted", pa.int64()),
        ("updated", pa.int64()),
        ("unchanged", pa.int64()),
        ("quarantined", pa.int64()),
        ("started_at", pa.timestamp("us")),
        ("finished_at", pa.timestamp("us")),
    ]
)

SYSTEM_TABLES: dict[str, pa.Schema] = {"quarantine": QUARANTINE_SCHEMA, "ingest_log": INGEST_LOG_SCHEMA}


# -- derived tables ------------------------------------------------------------------------------------
# Tables the library computes from the canonical ones. Declared here, beside the canonical tables, so that
# every workspace opened for writing has all of them (empty until computed) and a reader never has to ask
# whether one exists: an empty table means "not computed yet".

BASE_LABELS: tuple[str, ...] = ("like", "happiness", "sadness", "anger", "disgust", "fear", "surprise", "neutral")
"""The emotion engine's base labels: one ``p_<label>`` column of ``comment_emotions`` each."""

REACTION_CODES: tuple[str, ...] = (
    "shuang", "tian", "nue", "ran", "xiao", "leimu", "qi", "jing", "cuigeng", "qiju", "ga",
)
"""The emotion engine's reaction codes (爽, 甜, 虐 …): one ``rx_<code>`` column of ``comment_emotions`` each."""


def _derived(name: str, name_zh: str, key: tuple[str, ...], description: str,
             *columns: tuple[str, ColumnType, str] | tuple[str, ColumnType, str, str]) -> Table:
    """A derived table from (name, type, description[, unit]) tuples."""
    return Table(name=name, name_zh=name_zh, key=key, description=description, derived=True,
                 columns=tuple(Column(c[0], c[1], c[2], unit=c[3] if len(c) > 3 else None) for c in columns))


_TITLE = ("title_id", "string", "The title.")
_PERIOD = ("period", "string", "Period label: `life`, `YYYY-MM`, `YYYY-Www` or `YYYY-MM-DD`.")
_GRANULARITY = ("granularity", "string", "Granularity of the period: life, month, week or day.")
_RUN = ("run_id", "string", "The index run.")
_RANK_INTERVAL = (
    ("rank_low", "float", "Lower end of the rank interval."),
    ("rank_median", "float", "Median rank over the replicates."),
    ("rank_high", "float", "Upper end of the rank interval."),
)
_COUNTER_SUMS: tuple[tuple[str, ColumnType, str, str], ...] = (
    ("plays_total", "int", "Σ plays over every cell.", "plays"),
    ("plays_valid", "int", "Σ plays over the cells not flagged as fake traffic.", "plays"),
    ("flagged_cells", "int", "Platform-days flagged as fake traffic.", "cells"),
    ("cells", "int", "Active platform-days (a metrics row or comments).", "cells"),
    ("engagements_valid", "int", "Σ likes + comments + shares + favourites over unflagged cells.", "engagements"),
    ("shares_valid", "int", "Σ shares over unflagged cells.", "shares"),
    ("overseas_plays_valid", "int", "Valid plays on platforms serving the overseas market.", "plays"),
    ("market_known_plays_valid", "int", "Valid plays on platforms whose market is known.", "plays"),
    ("completion_weighted", "float", "Σ completion_rate × plays over valid days with a rate.", "plays"),
    ("completion_plays", "int", "Σ plays over those days.", "plays"),
    ("revenue_cny", "float", "Σ revenue.", "CNY"),
    ("revenue_reported_days", "int", "Cells reporting revenue.", "cells"),
    ("ad_spend_cny", "float", "Σ ad spend.", "CNY"),
    ("ad_spend_reported_days", "int", "Cells reporting ad spend.", "cells"),
)

SIGNALS = _derived(
    "signals", "指标值", ("title_id", "period", "indicator"),
    "Every indicator value, long: one row per title, period and indicator (written by `compute_signals`).",
    _TITLE, _PERIOD,
    ("indicator", "string", "Indicator code (docs/indicators.md)."),
    ("value", "float", "The value, in the indicator's unit."),
    ("quality_flag", "string", "ok, imputed, low_coverage, suspect_traffic …"),
)
SIGNAL_PARAMS = _derived(
    "signal_params", "指标参数", ("params_hash",),
    "One row: the method parameters the stored signals were computed with, and the indicator codes the "
    "computation produced (an indicator it produced may still have no value; one it did not produce makes a "
    "spec naming it an error).",
    ("params_hash", "string", "SHA-256 of the canonical parameter JSON."),
    ("params_json", "json", "The parameters (the spec's `method.signals`)."),
    ("indicators", "string", "Produced indicator codes, `;`-joined."),
)
FRAUD_FLAGS = _derived(
    "fraud_flags", "刷量标记", ("title_id", "platform", "date"),
    "Platform-days whose counters look like fake traffic (score at least the flag threshold).",
    _TITLE,
    ("platform", "string", "Platform of the counters."),
    ("date", "date", "Day of the counters."),
    ("score", "float", "Suspicion score, 0–1.", "share"),
    ("reasons", "string", "`;`-separated names of the detectors that fired."),
)
_FRAUD_RATIOS = (("likes", "点赞"), ("comments", "评论"), ("shares", "分享"), ("favorites", "收藏"))
FRAUD_PLATFORM_DAYS = _derived(
    "fraud_platform_days", "平台日度刷量基准", ("platform", "date"),
    "Each platform's statistics of one day that the fake-traffic detectors pool into the platform's norm: they "
    "depend only on that day and its look-back, so the daily job adds the new days' rows.",
    ("platform", "string", "Platform."),
    ("date", "date", "Day."),
    ("tps", "int", "The platform's title-platforms with plays that day."),
    *[(f"med_{k}", "float", f"Median log ratio of {k} to plays ({zh}/播放).") for k, zh in _FRAUD_RATIOS],
    *[(f"mad_{k}", "float", f"Median absolute deviation of the {k} log ratio from its median.") for k, _ in _FRAUD_RATIOS],
    *[(f"smad_{k}", "float", f"Median absolute deviation of the {k} log ratio from each title's own baseline.")
      for k, _ in _FRAUD_RATIOS],
    ("smad_comp", "float", "Median absolute deviation of the comment composition from each title's own baseline."),
    ("burst_mad", "float", "Median absolute burst deviation (plays against the previous 7 days' trend)."),
)
DATA_QUALITY = _derived(
    "data_quality", "数据质量", ("title_id",),
    "A title's data-quality grade from its share of flagged traffic and its days of data.",
    _TITLE,
    ("grade", "string", "A (clean) … D (mostly suspect or no data)."),
    ("suspicion", "float", "Share of suspect traffic, 0–1.", "share"),
    ("reasons", "string", "Detectors behind the grade."),
)
DAILY_TOTALS = _derived(
    "daily_totals", "日汇总", ("title_id", "date"),
    "Per title and day, the counter sums every family reads (metrics scanned once after fraud detection).",
    _TITLE,
    ("date", "date", "The day."),
    ("plays_total", "int", "Σ plays over the day's cells (NULL plays count 0).", "plays"),
    ("plays_valid", "int", "Σ plays over its unflagged cells.", "plays"),
    ("cells", "int", "Active platform-days: a metrics row or comments.", "cells"),
    ("flagged_cells", "int", "Cells flagged as fake traffic.", "cells"),
    ("metric_cells", "int", "Cells with a metrics row (0: comments only).", "cells"),
)
PLATFORM_PERIOD_TOTALS = _derived(
    "platform_period_totals", "平台期汇总", ("title_id", "granularity", "platform", "period_start"),
    "Per title, platform and period, the counter sums (rolled up into `period_totals`).",
    _TITLE, _GRANULARITY,
    ("platform", "string", "The platform."),
    ("period_start", "date", "First day of the period."),
    ("first_date", "date", "First day with data in the period."),
    ("last_date", "date", "Last day with data in the period."),
    *_COUNTER_SUMS,
)
PERIOD_TOTALS = _derived(
    "period_totals", "期汇总", ("title_id", "granularity", "period"),
    "Per title and period, the counter sums over every platform: what the period families read.",
    _TITLE, _GRANULARITY, _PERIOD,
    ("period_start", "date", "First day of the period."),
    ("first_date", "date", "First day with data in the period."),
    ("last_date", "date", "Last day with data in the period."),
    ("days", "int", "Days with data.", "days"),
    *_COUNTER_SUMS,
    ("platform_plays_sq", "float", "Σ over platforms of (valid plays on the platform)².", "plays²"),
    ("platforms", "int", "Platforms with plays.", "platforms"),
)
TITLE_THEMES = _derived(
    "title_themes", "剧目题材", ("title_id", "theme", "source"),
    "Themes of the taxonomy found for each title, with where they were found.",
    _TITLE,
    ("theme", "string", "Taxonomy code."),
    ("source", "string", "declared, tag or synopsis."),
    ("evidence", "string", "The label or cue words that matched, `; `-separated."),
)
SEMANTIC_NOVELTY = _derived(
    "semantic_novelty", "简介语义新颖度", ("title_id", "period"),
    "Synopsis novelty: distance of each title's synopsis embedding from earlier titles'.",
    _TITLE, _PERIOD,
    ("semantic_novelty", "float", "1 − cosine similarity to the nearest earlier synopses.", "1 − cosine"),
    ("method", "string", "Embedding method used."),
)
COMMENT_EMOTIONS = _derived(
    "comment_emotions", "评论情感", ("comment_id",),
    "Each comment's emotion scores, reactions and verdict from the emotion engine (`dramascope analyze`).",
    ("comment_id", "string", "The comment."),
    ("label", "string", "Most probable base label."),
    ("scores", "json", "Object base label → probability."),
    *((f"p_{label}", "float", f"P({label}).", "probability") for label in BASE_LABELS),
    ("intensity", "float", "1 − P(neutral).", "probability"),
    ("valence", "float", "Positive minus negative label probability, −1…1."),
    ("p_positive", "float", "P(the comment judges the work positively), polarity model.", "probability"),
    ("verdict", "float", "The comment's verdict from its judgement cues; NULL where it has none."),
    ("reactions", "string_list", "Reaction codes matched."),
    *((f"rx_{code}", "int", f"1 where the `{code}` reaction matched.") for code in REACTION_CODES),
    ("evidence", "json", "List of matched cues."),
    ("lang", "string", "Language the text was scored as."),
    ("model_version", "string", "Scoring version (a new one rescored the comment)."),
    ("scored_at", "timestamp", "When it was scored."),
)
COMMENT_SUMS = _derived(
    "comment_sums", "评论日汇总", ("title_id", "date", "episode_no", "danmaku", "video_second"),
    "Scored comments summed per title, day, episode and (danmaku only) video second: every comment-based "
    "indicator of a period reads the sums of its days (undated comments are summed when `life` is read).",
    _TITLE,
    ("date", "date", "The day the comments were posted."),
    ("episode_no", "int", "Episode (NULL: the comment names none)."),
    ("danmaku", "bool", "Danmaku on a known second of a known episode."),
    ("video_second", "float", "The danmaku's second in the episode (NULL for other comments).", "s"),
    ("n", "int", "Scored comments.", "comments"),
    ("intensity_sum", "float", "Σ intensity."),
    ("intensity_n", "int", "Comments with an intensity.", "comments"),
    ("valence_sum", "float", "Σ valence."),
    ("valence_n", "int", "Comments with a valence.", "comments"),
    *((f"rx_{code}_sum", "int", f"Comments where the `{code}` reaction matched.", "comments") for code in REACTION_CODES),
    *((f"rx_{code}_n", "int", f"Comments with an `rx_{code}` value.", "comments") for code in REACTION_CODES),
    *((f"label_{label}", "int", f"Comments whose most probable label is {label}.", "comments")
      for label in BASE_LABELS),
    ("verdict_sum", "float", "Σ verdict over the comments that carry one."),
    ("verdict_n", "int", "Comments that carry a verdict.", "comments"),
)
PROJECT_EVENTS = _derived(
    "project_events", "项目进度", ("event_id",),
    "Stage transitions of production projects, with the spend at the time and any warnings.",
    ("event_id", "string", "The event."),
    ("project_id", "string", "The project."),
    ("from_stage", "string", "Stage left."),
    ("to_stage", "string", "Stage entered."),
    ("reason", "string", "Reason given."),
    ("spent_cny", "float", "Spent so far.", "CNY"),
    ("warnings", "string", "Warnings raised by the transition."),
    ("at", "timestamp", "When it happened."),
)
INDEX_RUNS = _derived(
    "index_runs", "指数运行", ("run_id",),
    "One row per index run: period, the spec (YAML and hash), the data fingerprint and the step log.",
    _RUN, _PERIOD,
    ("spec_name", "string", "Name of the spec."),
    ("spec_yaml", "string", "The spec as run."),
    ("spec_hash", "string", "Hash of the spec."),
    ("data_fingerprint", "string", "Hash of the signal rows read."),
    ("method_version", "string", "Version of the index method."),
    ("created_at", "string", "ISO time of the run."),
    ("n_titles", "int", "Titles scored.", "titles"),
    ("n_ranked", "int", "Titles ranked.", "titles"),
    ("aggregation", "string", "Aggregation method."),
    ("log_json", "json", "Step log."),
)
INDEX_SCORES = _derived(
    "index_scores", "指数得分", ("run_id", "title_id"),
    "A title's composite score and rank in one run, with its Monte Carlo rank interval and data quality.",
    _RUN, _TITLE, _PERIOD,
    ("score", "float", "Composite score."),
    ("rank", "int", "Rank (1 = best)."),
    *_RANK_INTERVAL,
    ("data_quality", "string", "Data-quality grade."),
    ("flags", "string", "Flags of the score."),
    ("n_imputed", "int", "Indicators imputed."),
    ("rank_driver", "string", "The method choice (normalisation, imputation, aggregation, a dimension's weight) "
                              "that explains most of this title's rank spread over the replicates."),
    ("rank_driver_share", "float", "Share of the title's rank variance that choice explains (first-order index)."),
)
INDEX_DIMENSION_SCORES = _derived(
    "index_dimension_scores", "维度得分", ("run_id", "title_id", "dimension"),
    "A title's score and rank on each dimension of the index in one run.",
    _RUN, _TITLE,
    ("dimension", "string", "Dimension code."),
    ("score", "float", "Dimension score."),
    ("rank", "int", "Rank on the dimension."),
    ("sub_index", "bool", "Whether the dimension is a sub-index."),
)
INDEX_CONTRIBUTIONS = _derived(
    "index_contributions", "指标贡献", ("run_id", "title_id", "indicator"),
    "How much each indicator contributed to a title's score in one run.",
    _RUN, _TITLE,
    ("indicator", "string", "Indicator code."),
    ("dimension", "string", "Its dimension."),
    ("value_raw", "float", "The indicator's value."),
    ("value_normalised", "float", "After normalisation."),
    ("weight", "float", "Effective weight."),
    ("imputed", "bool", "Whether the value was imputed."),
    ("contribution", "float", "Contribution to the score."),
    ("dimension_contribution", "float", "Contribution to the dimension score."),
)

# -- read tables: what the pages read, computed by the writer session before it publishes -----------------
# (``dramascope.precompute``). Each is a function of the tables above; ``read_tables_stamp`` says which state
# of them the read tables were computed from, so a reader uses them only when they match the state it sees.

SEARCH_NAMES = _derived(
    "search_names", "名称检索键", ("kind", "id"),
    "Every title and company name with its search keys: the normalised name, toneless pinyin with syllables "
    "separated by spaces, pinyin initials and the normalised English name.",
    ("kind", "string", "title or company."),
    ("id", "string", "The title_id or company_id."),
    ("position", "int", "Order of the row in its source table (ties between equal names keep it)."),
    ("name", "string", "The name, lower case without spaces or punctuation."),
    ("pinyin", "string", "Toneless pinyin of the name, syllables separated by single spaces."),
    ("initials", "string", "Pinyin initials of the name."),
    ("name_en", "string", "The English name, normalised like `name`."),
)
FORECAST_NUMERIC_FEATURES: tuple[str, ...] = (
    "episode_count", "avg_episode_seconds", "log_budget", "paywall_episode", "release_month",
    "producer_prior_titles", "producer_prior_mean", "producer_prior_max", "recent_releases", "n_themes",
    "theme_saturation_mean", "theme_saturation_max", "theme_novelty", "theme_prior_mean", "n_platforms",
    "monetization__paid_unlock", "monetization__free_ad", "monetization__hybrid", "market__domestic",
    "market__overseas", "orientation__vertical", "orientation__horizontal", "language__zh", "language__en",
    "script_hook_mean", "script_payoffs_per_minute", "script_reversals_per_episode",
)
"""The forecast's pre-release features that are not one-hot columns of a theme or platform code."""
FORECAST_FEATURES = _derived(
    "forecast_features", "预测特征", ("subject_id",),
    "Every title's pre-release forecasting features (history finished before its release only), as the "
    "forecast models read them; the theme and platform one-hot columns are stored as the lists of codes set.",
    ("subject_id", "string", "The title."),
    ("release_date", "date", "Its release date (the as-of date of its forecast)."),
    *((c, "float", "A pre-release feature (chain/forecast_features.py).") for c in FORECAST_NUMERIC_FEATURES),
    ("theme_hits", "string_list", "Theme codes among the one-hot columns that the title has."),
    ("platform_hits", "string_list", "Launch platforms among the one-hot columns that the title launched on."),
)
FORECAST_FEATURE_CODES = _derived(
    "forecast_feature_codes", "预测特征列", ("kind", "position"),
    "The forecast models' columns in order, and the theme and platform codes that have one-hot columns.",
    ("kind", "string", "column, theme or platform."),
    ("position", "int", "Order within its kind."),
    ("code", "string", "The column name or code."),
)
FORECAST_TARGETS = _derived(
    "forecast_targets", "预测目标", ("target", "title_id"),
    "What the forecasts predict, per title with a known outcome: launch dissemination, revenue, resonance.",
    ("target", "string", "dissemination, revenue or resonance."),
    _TITLE,
    ("value", "float", "The outcome, on the target's scale (see source)."),
    ("source", "string", "How the value is defined."),
)
REVENUE_SCENARIO_PERCENTILES: tuple[int, ...] = (10, 25, 50, 75, 90)
"""The percentiles of a forecast's revenue (and ROI) scenarios that its page shows."""
TITLE_FORECASTS = _derived(
    "title_forecasts", "剧目预测", ("title_id", "target"),
    "Every title's forecast per target with the models of its release month's vintage (trained on the titles "
    "whose launch window had closed by the first day of that month), at the default 80% interval and the "
    "title's own budget: what its forecast page shows.",
    _TITLE,
    ("target", "string", "dissemination, revenue or resonance."),
    ("source", "string", "How the target is defined (its scale)."),
    ("as_of", "date", "The vintage: the first day of the release month (of the data's last day for a later one)."),
    ("n_train", "int", "Training titles of the vintage with a known outcome (too few: no point)."),
    ("point", "float", "The point forecast, on the target's scale; empty when the vintage had too few titles."),
    ("low", "float", "Lower bound of the 80% prediction interval."),
    ("high", "float", "Upper bound of the 80% prediction interval."),
    ("budget_cny", "float", "The title's budget (empty: none declared).", "CNY"),
    *((f"revenue_p{q}", "float", f"Revenue target only: the {q}th percentile of the revenue scenarios.", "CNY")
      for q in REVENUE_SCENARIO_PERCENTILES),
    ("p_break_even", "float", "Revenue target only: share of revenue scenarios at or above the budget."),
)
PAGE_PAYLOADS = _derived(
    "page_payloads", "页面预计算", ("page", "key"),
    "Page data that takes seconds to compute (forecast backtest, forecast vs actual, project forecasts, base "
    "reports), computed once per publication for the page's default parameters.",
    ("page", "string", "Which page data."),
    ("key", "string", "Its parameters (a project id, a base, a target)."),
    ("payload", "json", "The page data as the page reads it."),
)
COMPANY_ROWS = _derived(
    "company_rows", "企业排名行", ("company_id",),
    "The company ranking at its defaults (the latest `life` run, the shipped company method): one row per "
    "company credited in the period, in the ranking's order, as the ranking page and each company's page show it.",
    ("company_id", "string", "The company."),
    ("position", "int", "Order of the row in the ranking (ranked companies first, by rank)."),
    ("name", "string", "Its name."),
    ("name_en", "string", "Its English name."),
    ("base", "string", "Its production base (NULL where none)."),
    _PERIOD,
    ("score", "float", "Shrunk mean title value."),
    ("rank", "int", "Rank (1 = best; NULL below the minimum number of titles)."),
    *_RANK_INTERVAL,
    ("titles_ranked", "int", "Ranked titles.", "titles"),
    ("raw_mean", "float", "Mean title value before shrinkage."),
    ("shrink_weight", "float", "Weight of its own titles, n/(n + k).", "share"),
    ("posterior_sd", "float", "Posterior spread of its level."),
    ("titles_active", "int", "Titles in the index run.", "titles"),
    ("titles_released", "int", "Titles released in the period.", "titles"),
    ("hits", "int", "Top-decile titles.", "titles"),
    ("hit_rate", "float", "Share of ranked titles in the top decile.", "share"),
    ("median_score", "float", "Median index score of its titles."),
    ("median_score_low", "float", "Lower end of the median's interval."),
    ("median_score_high", "float", "Upper end of the median's interval."),
    ("iqr_score", "float", "Interquartile range of its titles' scores."),
    ("theme_count", "int", "Distinct themes.", "themes"),
    ("innovation", "float", "Mean theme novelty."),
    ("commercial_return", "float", "Revenue per CNY of ad spend."),
    ("low_grade_share", "float", "Share of titles graded C/D.", "share"),
    ("flags", "string", "Flags, separated by `;`."),
)
COMPANY_TITLES = _derived(
    "company_titles", "企业作品贡献", ("company_id", "title_id"),
    "Each ranked title of a company in the stored ranking (`company_rows`) and what it contributes to the "
    "company's score, (value − market mean)/(n + k), in the order its page lists them.",
    ("company_id", "string", "The company."),
    _TITLE,
    ("position", "int", "Order on the company's page (largest contribution first)."),
    ("name", "string", "The title's name."),
    ("value", "float", "The title's value in the method's unit."),
    ("score", "float", "Its index score."),
    *_RANK_INTERVAL,
    ("contribution", "float", "Points it adds to the company's score above the market mean."),
)
COMPANY_DIMENSIONS = _derived(
    "company_dimensions", "企业维度", ("company_id", "dimension"),
    "Each company of the stored ranking (`company_rows`) on each dimension of the index run: its titles' mean "
    "dimension score and the gap of their mean contribution to the market's.",
    ("company_id", "string", "The company."),
    ("dimension", "string", "Dimension code."),
    ("mean_score", "float", "Mean dimension score of its titles."),
    ("score_gap", "float", "Mean contribution of its scored titles minus the market's (index points; NULL where "
                           "none of its titles has one)."),
)
READ_TABLES_STAMP = _derived(
    "read_tables_stamp", "预计算标记", ("fingerprint",),
    "One row: the state of the workspace the read tables were computed from, and when.",
    ("fingerprint", "string", "Hash of the row counts of every other table and of the logs of writes."),
    ("computed_at", "timestamp", "When the read tables were computed (UTC)."),
    ("seconds", "float", "How long computing them took.", "seconds"),
)
READ_TABLES: tuple[str, ...] = ("search_names", "forecast_features", "forecast_feature_codes", "forecast_targets",
                                "title_forecasts", "page_payloads", "company_rows", "company_titles",
                                "company_dimensions", "read_tables_stamp")
"""The read tables (``dramascope.precompute``): left out of the state they are stamped with."""

DERIVED_TABLES: dict[str, Table] = {
    t.name: t
    for t in (SIGNALS, SIGNAL_PARAMS, FRAUD_FLAGS, FRAUD_PLATFORM_DAYS, DATA_QUALITY, DAILY_TOTALS, PLATFORM_PERIOD_TOTALS, PERIOD_TOTALS,
              TITLE_THEMES, SEMANTIC_NOVELTY, COMMENT_EMOTIONS, COMMENT_SUMS, PROJECT_EVENTS, INDEX_RUNS, INDEX_SCORES,
              INDEX_DIMENSION_SCORES, INDEX_CONTRIBUTIONS, SEARCH_NAMES, FORECAST_FEATURES, FORECAST_FEATURE_CODES,
              FORECAST_TARGETS, TITLE_FORECASTS, PAGE_PAYLOADS, COMPANY_ROWS, COMPANY_TITLES, COMPANY_DIMENSIONS,
              READ_TABLES_STAMP)
}
"""Every table the library computes, created empty with the workspace (``Workspace.ensure_schema``)."""


def declared_tables() -> dict[str, pa.Schema]:
    """Every table a workspace holds, canonical, system and derived, as name → Arrow schema."""
    return {**{t.name: t.arrow_schema for t in TABLES.values()}, **SYSTEM_TABLES,
            **{t.name: t.arrow_schema for t in DERIVED_TABLES.values()}}
