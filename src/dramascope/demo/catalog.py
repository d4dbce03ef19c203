"""The title catalogue: what each title is (declared fields) and what it really is (latent truth).

Declared fields are what a user's titles file carries (name, themes, episodes, paywall, producer …).
Latent fields drive everything downstream and are written to truth.parquet so that later stages can
be scored against them: latent quality, hook strength, reach, planted fake traffic and honest viral
hits. All draws are vectorised over titles; a 100k-title catalogue takes about a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dramascope.demo import title_text as tt
from dramascope.demo import vocab
from dramascope.demo.sampling import choice_from, expand_ranges, gumbel_top_k, padded, sigmoid, stage_rng
from dramascope.themes import Taxonomy

RELEASE_START = np.datetime64("2026-03-01")
RELEASE_END = np.datetime64("2026-09-30")
OBSERVATION_END = np.datetime64("2026-10-31")  # last day with metrics
MAX_TRACKED_DAYS = 150
MAX_THEMES = 4
# Paywall positions E5–E16 (the real charts record E5, E8, E11, E13, E16); mid positions most common.
PAYWALL_EPISODES = np.arange(5, 17)
PAYWALL_WEIGHTS = np.array([4, 5, 7, 10, 12, 13, 12, 10, 8, 7, 6, 6], dtype=float)
# Themes the market leans on (the charts' most frequent trope lanes); weight multipliers.
MAINSTAY_THEMES = {"revenge": 2.2, "ceo_romance": 2.0, "rebirth": 1.6, "hidden_identity": 1.8,
                   "sweet_romance": 1.6, "underdog_rise": 1.5, "werewolf": 1.6, "chasing_wife": 1.3}
FAKE_KINDS = ("bought_plays_likes", "bought_likes", "comment_farm")


@dataclass
class Companies:
    company_id: np.ndarray
    name: np.ndarray
    name_en: np.ndarray
    role: np.ndarray  # main role: producer | distributor | investor
    base: np.ndarray  # base code or "" (independent)
    city: np.ndarray
    founded: np.ndarray  # datetime64[D]
    skill: np.ndarray  # latent: shifts the quality of the titles a producer makes


@dataclass
class Pairs:
    """Title × platform releases: where each title plays, from when, for how many tracked days."""

    title: np.ndarray  # index into the catalogue
    platform: np.ndarray  # index into vocab.PLATFORMS
    start: np.ndarray  # datetime64[D]
    days: np.ndarray  # tracked days (≥ 1)
    primary: np.ndarray  # bool


@dataclass
class Catalog:
    n: int
    title_id: np.ndarray
    market: np.ndarray
    language: np.ndarray
    origin_country: np.ndarray
    release_date: np.ndarray
    episode_count: np.ndarray
    avg_episode_seconds: np.ndarray
    orientation: np.ndarray
    theme_idx: np.ndarray  # n × MAX_THEMES, -1 padded
    theme_codes: list[str]
    monetization: np.ndarray
    paywall_episode: np.ndarray  # 0 = free
    budget_cny: np.ndarray
    review_tier: np.ndarray
    license_no: np.ndarray
    producer_idx: np.ndarray
    name: np.ndarray
    name_en: np.ndarray
    synopsis: np.ndarray
    tags: np.ndarray  # ';'-joined
    genre: np.ndarray  # broad genre label as apps show it (not a taxonomy cue)
    audience: np.ndarray  # female | male (女频/男频)
    # latent
    quality: np.ndarray
    hook_strength: np.ndarray
    reach: np.ndarray  # title-level reach z-score
    heroine: np.ndarray
    hero: np.ndarray
    pairs: Pairs
    companies: Companies
    plants: dict = field(default_factory=dict)

    def themes_joined(self, sep: str = ";") -> np.ndarray:
        codes = np.array(self.theme_codes + [""], dtype=object)
        names = codes[self.theme_idx]
        out = names[:, 0].copy()
        for j in range(1, self.theme_idx.shape[1]):
            has = self.theme_idx[:, j] >= 0
            out = np.where(has, out + sep + names[:, j], out)
        return out

    def social_category(self, taxonomy: Taxonomy) -> np.ndarray:
        """The first social-value category among a title's themes ("" if none)."""
        social = taxonomy.social_themes()
        cat = np.array([social.get(c, "") for c in self.theme_codes] + [""], dtype=object)
        per_slot = cat[self.theme_idx]
        out = np.full(self.n, "", dtype=object)
        for j in range(per_slot.shape[1] - 1, -1, -1):
            out = np.where(per_slot[:, j] != "", per_slot[:, j], out)
        return out


def draw_companies(seed: int, n_titles: int) -> Companies:
    """Producers, distributors and investors; a base membership for most."""
    rng = stage_rng(seed, "companies")
    n = max(12, n_titles // 6)
    combos = [(a + b, f"{ae} {be}") for a, ae in vocab.COMPANY_PREFIXES for b, be in vocab.COMPANY_SUFFIXES]
    combos += [(a + a2 + b, f"{ae} {a2e} {be}") for a, ae in vocab.COMPANY_PREFIXES
               for a2, a2e in vocab.COMPANY_PREFIXES if a != a2 for b, be in vocab.COMPANY_SUFFIXES]
    order = rng.permutation(len(combos))
    idx = order[np.arange(n) % len(combos)]
    zh = np.array([c[0] for c in combos], dtype=object)[idx]
    en = np.array([c[1] for c in combos], dtype=object)[idx]
    repeat = np.arange(n) // len(combos)
    zh = np.where(repeat > 0, zh + "（" + repeat.astype(str).astype(object) + "）", zh)
    en = np.where(repeat > 0, en + " " + repeat.astype(str).astype(object), en)
    role = choice_from(rng, ("producer", "distributor", "investor"), [0.78, 0.1, 0.12], n)
    base_code = choice_from(rng, ("linping", "hengdian", ""), [0.32, 0.26, 0.42], n)
    base_city = {b["code"]: b["city"] for b in vocab.BASES}
    other_city = choice_from(rng, ("北京", "上海", "深圳", "西安", "郑州", "成都", "杭州"), [1] * 7, n)
    city = np.where(base_code == "linping", base_city["linping"],
                    np.where(base_code == "hengdian", base_city["hengdian"], other_city))
    founded = np.datetime64("2015-01-01") + rng.integers(0, 365 * 11, n).astype("timedelta64[D]")
    skill = rng.normal(0.0, 0.45, n)
    return Companies(padded("c", np.arange(1, n + 1), 5), zh, en, role, base_code, city.astype(object), founded,
                     skill)


def _pick_producers(rng: np.random.Generator, companies: Companies, n_titles: int) -> np.ndarray:
    """Zipf-like output: a few prolific producers, a long tail of one-hit studios."""
    producers = np.flatnonzero(companies.role == "producer")
    rank = rng.permutation(len(producers)) + 1
    weights = 1.0 / rank ** 1.05
    return producers[rng.choice(len(producers), size=n_titles, p=weights / weights.sum())]


def _theme_log_weights(taxonomy: Taxonomy, domestic: np.ndarray, release_frac: np.ndarray,
                       rng: np.random.Generator) -> np.ndarray:
    """Per title × theme log weights: market fit, mainstays, and a trend over the release window
    (some themes rise and others fade, which is what theme saturation and novelty measure)."""
    m = len(taxonomy.themes)
    dom_w = np.empty(m)
    ovs_w = np.empty(m)
    for j, t in enumerate(taxonomy.themes):
        boost = MAINSTAY_THEMES.get(t.code, 1.0)
        if t.social:
            dom_w[j], ovs_w[j] = 0.16, 1e-4
        elif t.market == "domestic":
            dom_w[j], ovs_w[j] = 1.2 * boost, 0.03
        elif t.market == "overseas":
            dom_w[j], ovs_w[j] = 0.02, 1.5 * boost
        else:
            dom_w[j], ovs_w[j] = 1.0 * boost, 1.0 * boost
    trend = rng.normal(0.0, 0.9, m)  # log-weight change from first to last release day
    base = np.where(domestic[:, None], np.log(dom_w)[None, :], np.log(ovs_w)[None, :])
    return base + (release_frac[:, None] - 0.5) * trend[None, :]


def draw_catalog(taxonomy: Taxonomy, n: int, seed: int, max_tracked_days: int = MAX_TRACKED_DAYS) -> Catalog:
    rng = stage_rng(seed, "catalog")
    companies = draw_companies(seed, n)
    producer_idx = _pick_producers(rng, companies, n)

    domestic = rng.random(n) < 0.62
    market = np.where(domestic, "domestic", "overseas").astype(object)
    language = np.where(domestic, "zh", "en").astype(object)
    origin = np.where(domestic, "CN", choice_from(rng, ("US", "CN", "GB", "PH"), [0.55, 0.35, 0.05, 0.05], n))
    window = int((RELEASE_END - RELEASE_START).astype(int))
    release_offset = rng.integers(0, window + 1, n)
    release_date = RELEASE_START + release_offset.astype("timedelta64[D]")

    episode_count = np.clip(np.round(np.where(domestic, rng.normal(75, 15, n), rng.normal(60, 14, n))), 20, 100
                            ).astype(np.int64)
    avg_seconds = np.round(np.clip(np.where(domestic, rng.normal(110, 25, n), rng.normal(95, 20, n)), 60, 180), 1)
    orientation = np.where(rng.random(n) < 0.93, "vertical", "horizontal").astype(object)

    k = rng.choice([2, 3, 4], size=n, p=[0.35, 0.45, 0.20])
    logw = _theme_log_weights(taxonomy, domestic, release_offset / max(window, 1), rng)
    top = gumbel_top_k(rng, logw, MAX_THEMES)
    theme_idx = np.where(np.arange(MAX_THEMES)[None, :] < k[:, None], top, -1)
    theme_codes = [t.code for t in taxonomy.themes]

    monetization = np.where(
        domestic, choice_from(rng, ("paid_unlock", "free_ad", "hybrid"), [0.45, 0.35, 0.20], n),
        choice_from(rng, ("paid_unlock", "hybrid"), [0.82, 0.18], n))
    paywall = rng.choice(PAYWALL_EPISODES, size=n, p=PAYWALL_WEIGHTS / PAYWALL_WEIGHTS.sum())
    paywall = np.where(monetization == "free_ad", 0, paywall)

    quality = 0.9 * rng.normal(0, 1, n) + companies.skill[producer_idx]
    quality = (quality - quality.mean()) / max(quality.std(), 1e-9) if n > 1 else quality
    hook = sigmoid(0.6 * quality + rng.normal(0, 0.8, n))
    reach = rng.normal(0, 1, n)

    social_first = np.array([bool(t.social) for t in taxonomy.themes] + [False])[theme_idx].any(axis=1)
    budget = np.where(domestic, 6.0e5, 1.6e6) * np.exp(rng.normal(0, 0.5, n) + 0.15 * quality + 0.25 * social_first)
    budget = np.round(budget, -3)
    review_tier = np.where(budget >= 1e6, "key", np.where(budget >= 3e5, "ordinary", "other")).astype(object)
    license_no = np.where(domestic & (review_tier != "other"),
                          "网微剧备字（2026）第" + padded("", np.arange(1, n + 1), 6) + "号", None)

    # Names and synopses.
    f_zh = tt.pick(rng, vocab.ZH_SURNAMES, n) + tt.pick(rng, vocab.ZH_FEMALE, n)
    m_sur = tt.pick(rng, vocab.ZH_SURNAMES, n)
    m_zh = m_sur + tt.pick(rng, vocab.ZH_MALE, n)
    f_en, m_en = tt.pick(rng, vocab.EN_FEMALE, n), tt.pick(rng, vocab.EN_MALE, n)
    s_en = tt.pick(rng, vocab.EN_SURNAMES, n)
    p_zh, p_en = tt.pick(rng, vocab.ZH_PLACES, n), tt.pick(rng, vocab.EN_PLACES, n)
    zh_name_of = np.array([t.zh for t in taxonomy.themes] + [""], dtype=object)
    en_name_of = np.array([t.en for t in taxonomy.themes] + [""], dtype=object)
    k1, k2 = theme_idx[:, 0], theme_idx[:, 1]
    group = np.array([tt.THEME_GROUP.get(c, "power") for c in theme_codes], dtype=object)[k1]
    zh_slots = {"F": f_zh, "M": m_zh, "S": m_sur, "P": p_zh, "K": zh_name_of[k1], "K2": zh_name_of[k2]}
    en_slots = {"F": f_en, "M": m_en, "S": s_en, "P": p_en, "K": en_name_of[k1], "K2": en_name_of[k2]}
    name_zh = tt.compose_by_group(rng, group, tt.ZH_TITLES, zh_slots)
    name_en = tt.compose_by_group(rng, group, tt.EN_TITLES, en_slots)
    syn_zh = (tt.compose_by_group(rng, group, tt.ZH_SETUPS, zh_slots)
              + tt.fill_templates(rng.integers(0, len(tt.ZH_TWISTS), n), tt.ZH_TWISTS, zh_slots)
              + tt.fill_templates(rng.integers(0, len(tt.ZH_HOOKS), n), tt.ZH_HOOKS, zh_slots))
    syn_en = (tt.compose_by_group(rng, group, tt.EN_SETUPS, en_slots) + " "
              + tt.fill_templates(rng.integers(0, len(tt.EN_TWISTS), n), tt.EN_TWISTS, en_slots) + " "
              + tt.fill_templates(rng.integers(0, len(tt.EN_HOOKS), n), tt.EN_HOOKS, en_slots))
    name = tt.disambiguate(np.where(domestic, name_zh, name_en), np.where(domestic, "之" + f_zh, ": " + f_en + "'s Story"),
                           np.where(domestic, " 第{n}部", " Part {n}"))
    synopsis = np.where(domestic, syn_zh, syn_en)

    female_lead = np.isin(group, ["romance", "family"]) | (rng.random(n) < 0.5)
    audience = np.where(domestic, np.where(female_lead, "女频", "男频"), np.where(female_lead, "Female", "Male"))
    exclusive = np.where(rng.random(n) < 0.3, np.where(domestic, ";独家", ";Exclusive"), "")
    tags = audience.astype(object) + exclusive.astype(object)
    genre_zh = {"power": "都市", "romance": "言情", "family": "家庭", "genre": "幻想", "period": "古风", "social": "正能量"}
    genre_en = {"power": "Urban", "romance": "Romance", "family": "Family", "genre": "Paranormal",
                "period": "Historical", "social": "Uplifting"}
    genre = np.where(domestic, _lookup(group, genre_zh), _lookup(group, genre_en))

    pairs = draw_pairs(seed, domestic, monetization, release_date, quality, max_tracked_days)
    name_en_out = np.where(domestic, np.where(_dubbed(pairs, n), name_en, None), name_en)
    cat = Catalog(
        n=n, title_id=padded("t", np.arange(1, n + 1), 6), market=market, language=language,
        origin_country=origin.astype(object), release_date=release_date, episode_count=episode_count,
        avg_episode_seconds=avg_seconds, orientation=orientation, theme_idx=theme_idx, theme_codes=theme_codes,
        monetization=monetization.astype(object), paywall_episode=paywall.astype(np.int64), budget_cny=budget,
        review_tier=review_tier, license_no=license_no, producer_idx=producer_idx, name=name,
        name_en=name_en_out, synopsis=synopsis, tags=tags, genre=genre,
        audience=np.where(female_lead, "female", "male").astype(object), quality=quality, hook_strength=hook,
        reach=reach,
        heroine=np.where(domestic, f_zh, f_en), hero=np.where(domestic, m_zh, m_en), pairs=pairs,
        companies=companies,
    )
    cat.plants = draw_plants(seed, cat)
    return cat


def _lookup(keys: np.ndarray, mapping: dict[str, str]) -> np.ndarray:
    """Vectorised dict lookup over a small key set."""
    out = np.empty(len(keys), dtype=object)
    for k, v in mapping.items():
        out[keys == k] = v
    return out


def _dubbed(pairs: Pairs, n: int) -> np.ndarray:
    """Domestic titles that also play overseas (they get an English name)."""
    overseas = np.array([p.market == "overseas" for p in vocab.PLATFORMS])[pairs.platform]
    out = np.zeros(n, dtype=bool)
    out[pairs.title[overseas]] = True
    return out


def draw_pairs(seed: int, domestic: np.ndarray, monetization: np.ndarray, release_date: np.ndarray,
               quality: np.ndarray, max_tracked_days: int = MAX_TRACKED_DAYS) -> Pairs:
    """Which platforms each title is released on, and when (secondary platforms and dubs come later), each
    release tracked from its start to OBSERVATION_END for at most ``max_tracked_days`` days."""
    rng = stage_rng(seed, "pairs")
    n = len(domestic)
    plats = vocab.PLATFORMS
    reach = np.log(np.array([p.reach for p in plats]))
    is_dom = np.array([p.market == "domestic" for p in plats])
    is_free = np.array([p.free for p in plats])
    logw = np.where(domestic[:, None], np.where(is_dom, reach, -np.inf)[None, :],
                    np.where(is_dom, -np.inf, reach)[None, :])
    free_title = (monetization == "free_ad")[:, None]
    logw = logw + np.where(is_free[None, :], np.where(free_title, 2.5, -1.0), 0.0)
    k = np.where(domestic, rng.choice([1, 2, 3], n, p=[0.45, 0.35, 0.20]),
                 rng.choice([1, 2, 3], n, p=[0.5, 0.35, 0.15]))
    top = gumbel_top_k(rng, logw, 3)
    title = np.repeat(np.arange(n), k)
    _, slot = expand_ranges(k)
    platform = top[title, slot]
    lag = np.where(slot == 0, 0, rng.integers(0, 22, len(title)))
    # Dubbed overseas release of some domestic titles (better ones more often), 30–120 days later.
    dub = domestic & (rng.random(n) < sigmoid(-2.2 + 0.8 * quality))
    dub_title = np.flatnonzero(dub)
    ovs = np.flatnonzero(~is_dom)
    ovs_reach = np.array([plats[i].reach for i in ovs])
    dub_platform = ovs[rng.choice(len(ovs), size=len(dub_title), p=ovs_reach / ovs_reach.sum())]
    dub_lag = rng.integers(30, 121, len(dub_title))
    title = np.concatenate([title, dub_title])
    platform = np.concatenate([platform, dub_platform])
    lag = np.concatenate([lag, dub_lag])
    primary = np.concatenate([slot == 0, np.zeros(len(dub_title), dtype=bool)])
    start = release_date[title] + lag.astype("timedelta64[D]")
    days = np.minimum(max_tracked_days, (OBSERVATION_END - start).astype(int) + 1)
    keep = days >= 1
    order = np.lexsort((platform[keep], title[keep]))
    return Pairs(title[keep][order], platform[keep][order], start[keep][order], days[keep][order],
                 primary[keep][order])


def draw_plants(seed: int, cat: Catalog) -> dict:
    """Planted fake traffic and honest viral hits (disjoint sets), with their windows.

    Fakes: one platform, a 3–10 day window of bought plays and/or likes or a comment farm. Viral hits:
    good titles whose plays surge organically on every platform with their ratios intact.
    """
    rng = stage_rng(seed, "plants")
    n = cat.n
    pairs = cat.pairs
    n_fake = max(3, int(round(0.03 * n)))
    n_viral = max(3, int(round(0.025 * n)))

    # Viral hits: good titles whose primary release is tracked for at least 60 days.
    primary_days = np.zeros(n, dtype=np.int64)
    primary_days[pairs.title[pairs.primary]] = pairs.days[pairs.primary]
    eligible_viral = np.flatnonzero((cat.quality > 0.3) & (primary_days >= 60))
    viral = np.sort(rng.choice(eligible_viral, size=min(n_viral, len(eligible_viral)), replace=False))
    viral_offset = rng.integers(10, 41, len(viral))
    viral_mult = rng.uniform(5, 15, len(viral))
    viral_halflife_factor = rng.uniform(1.5, 2.5, len(viral))

    # Fakes: any title not viral with a platform release tracked ≥ 45 days.
    long_pair = pairs.days >= 45
    candidate = np.setdiff1d(np.unique(pairs.title[long_pair]), viral)
    fake = np.sort(rng.choice(candidate, size=min(n_fake, len(candidate)), replace=False))
    # One long pair per fake title, at random: a random key per pair, the best per title.
    key = rng.random(len(pairs.title)) + long_pair * 2.0
    is_fake_pair = np.isin(pairs.title, fake) & long_pair
    idx = np.flatnonzero(is_fake_pair)
    order = np.lexsort((-key[idx], pairs.title[idx]))
    idx = idx[order]
    first = np.r_[True, pairs.title[idx][1:] != pairs.title[idx][:-1]]
    fake_pair = idx[first]
    kind = np.array(FAKE_KINDS, dtype=object)[rng.choice(3, size=len(fake), p=[0.5, 0.25, 0.25])]
    start_off = rng.integers(5, 31, len(fake))
    length = rng.integers(3, 11, len(fake))
    play_mult = np.where(kind == "bought_plays_likes", rng.uniform(4, 12, len(fake)),
                         np.where(kind == "bought_likes", rng.uniform(1.0, 1.3, len(fake)),
                                  rng.uniform(1.5, 3.0, len(fake))))
    like_mult = np.where(kind == "bought_plays_likes", rng.uniform(2, 5, len(fake)),
                         np.where(kind == "bought_likes", rng.uniform(6, 15, len(fake)),
                                  rng.uniform(1.5, 3.0, len(fake))))
    comment_mult = np.where(kind == "comment_farm", rng.uniform(4, 8, len(fake)), rng.uniform(1, 2, len(fake)))
    comment_farm = (kind == "comment_farm") | (rng.random(len(fake)) < 0.4)
    return {
        "viral_title": viral, "viral_offset": viral_offset, "viral_mult": viral_mult,
        "viral_halflife_factor": viral_halflife_factor,
        "fake_title": fake, "fake_pair": fake_pair, "fake_kind": kind, "fake_start_offset": start_off,
        "fake_length": length, "fake_play_mult": play_mult, "fake_like_mult": like_mult,
        "fake_comment_mult": comment_mult, "fake_comment_farm": comment_farm,
    }
