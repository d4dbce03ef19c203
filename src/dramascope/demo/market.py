"""``generate_demo_market``: write a whole synthetic micro-drama market as input files plus its truth.

Stages run chunk by chunk over titles (CHUNK_TITLES at a time, a constant so that output depends only
on ``titles`` and ``seed``): metrics, episodes, comments and ratings of a chunk are generated together
and streamed to disk. See docs/demo-market.md for the model and its calibration.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from dramascope.demo import links, production
from dramascope.demo import reactions as rx
from dramascope.demo import vocab
from dramascope.demo.boards import BoardCollector
from dramascope.demo.catalog import MAX_TRACKED_DAYS, Catalog, draw_catalog
from dramascope.demo.chatter import generate_texts
from dramascope.demo.episodes import generate_episodes
from dramascope.demo.lifecycle import generate_chunk
from dramascope.demo.ratings import generate_ratings
from dramascope.demo.writers import (ChunkedCsv, ChunkedJsonl, ChunkedParquet, export_table, to_arrow, write_csv,
                                     write_parquet)
from dramascope.themes import load_taxonomy

CHUNK_TITLES = 1000
EXPORT_PLATFORM = "hongguo"  # its rows are written as a Chinese back-office export
JSONL_COMMENTS_MAX_TITLES = 5000  # above this, comments go to Parquet (JSONL of millions of rows is slow to read)
TEXT_BUDGET = 2_000_000  # total sampled texts at most, roughly (texts_per_title shrinks for huge markets)


@dataclass
class DemoFiles:
    """What the generator wrote: files per canonical table (in load order), the truth and extras."""

    out_dir: Path
    tables: dict[str, list[Path]]
    truth: Path
    truth_episodes: Path
    truth_releases: Path
    extras: dict[str, Path]
    rows: dict[str, int]
    titles: int
    seed: int
    seconds: float
    stage_seconds: dict[str, float] = field(default_factory=dict)


def default_texts_per_title(titles: int) -> int:
    return int(max(20, min(240, TEXT_BUDGET // max(titles, 1))))


def generate_demo_market(out_dir: Path | str, *, titles: int = 300, seed: int = 7,
                         texts_per_title: int | None = None, realistic_exports: bool = True,
                         max_tracked_days: int = MAX_TRACKED_DAYS) -> DemoFiles:
    """Generate a deterministic demo market into ``out_dir`` (same titles and seed → same bytes).

    ``realistic_exports`` writes the ``hongguo`` platform's daily metrics as a Chinese-header CSV with
    万-style numbers (as a back office exports them) instead of inside metrics.parquet.
    ``max_tracked_days`` caps the days of metrics per platform release (fewer rows for very large markets;
    the planted fakes and viral hits need releases tracked for 45 and 60 days).
    """
    if titles < 10:
        raise ValueError("the demo market needs at least 10 titles")
    t_start = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    texts_per_title = texts_per_title or default_texts_per_title(titles)
    taxonomy = load_taxonomy()
    timer: dict[str, float] = {}

    t0 = time.perf_counter()
    cat = draw_catalog(taxonomy, titles, seed, max_tracked_days)
    timer["catalog"] = time.perf_counter() - t0

    paths = {
        "metrics": out / "metrics.parquet",
        "metrics_export": out / f"metrics_{EXPORT_PLATFORM}_export.csv",
        "episodes": out / "episodes.csv",
        "comments": out / ("comments.jsonl" if titles <= JSONL_COMMENTS_MAX_TITLES else "comments.parquet"),
        "ratings": out / "ratings.csv",
        "truth_episodes": out / "truth_episodes.parquet",
        "truth_releases": out / "truth_releases.parquet",
    }
    metrics_w = ChunkedParquet(paths["metrics"])
    export_w = ChunkedCsv(paths["metrics_export"], bom=True) if realistic_exports else None
    episodes_w = ChunkedCsv(paths["episodes"])
    comments_w = ChunkedJsonl(paths["comments"]) if paths["comments"].suffix == ".jsonl" \
        else ChunkedParquet(paths["comments"])
    ratings_w = ChunkedCsv(paths["ratings"])
    truth_ep_w = ChunkedParquet(paths["truth_episodes"])
    truth_rel_w = ChunkedParquet(paths["truth_releases"])
    codes = np.array([p.code for p in vocab.PLATFORMS], dtype=object)

    totals = {k: np.zeros(titles) for k in ("plays", "likes", "comments", "shares", "favorites", "revenue_cny",
                                            "ad_spend_cny")}
    text_rows = np.zeros(titles, dtype=np.int64)
    farm_rows = np.zeros(titles, dtype=np.int64)
    cliff_share = np.zeros(titles)
    danmaku_ratio = np.zeros(titles)
    scripted_cliffs: dict[tuple[int, int], bool] = {}
    project_table, released, pipeline = production.projects(cat, seed)
    scripted = set(released[:8].tolist())
    comment_id = 1
    boards = BoardCollector()
    for k in ("metrics", "episodes", "texts", "ratings", "write"):
        timer[k] = 0.0
    try:
        for chunk, lo in enumerate(range(0, titles, CHUNK_TITLES)):
            hi = min(lo + CHUNK_TITLES, titles)
            t0 = time.perf_counter()
            logits = rx.title_logits(cat.theme_idx[lo:hi], cat.theme_codes, cat.quality[lo:hi])
            m = generate_chunk(cat, seed, chunk, lo, hi)
            t1 = time.perf_counter()
            eps = generate_episodes(cat, seed, chunk, lo, hi, logits)
            t2 = time.perf_counter()
            texts = generate_texts(cat, m, eps, logits, seed, chunk, texts_per_title, comment_id)
            t3 = time.perf_counter()
            ratings = generate_ratings(cat, seed, chunk, lo, m.title_plays)
            t4 = time.perf_counter()
            timer["metrics"] += t1 - t0
            timer["episodes"] += t2 - t1
            timer["texts"] += t3 - t2
            timer["ratings"] += t4 - t3

            comment_id += len(texts["comment_id"])
            cols = m.columns
            t_local = m.pair_title[m.row_pair] - lo
            for key in totals:
                totals[key][lo:hi] = np.bincount(t_local, weights=cols[key], minlength=hi - lo)
            tt_local = np.searchsorted(cat.title_id[lo:hi], texts["title_id"])
            text_rows[lo:hi] = np.bincount(tt_local, minlength=hi - lo)
            farm_rows[lo:hi] = np.bincount(tt_local, weights=texts["_farm"], minlength=hi - lo).astype(np.int64)
            ep_local = eps.title - lo
            cliff_share[lo:hi] = (np.bincount(ep_local, weights=eps.is_cliffhanger, minlength=hi - lo)
                                  / np.maximum(eps.lengths, 1))
            danmaku_ratio[lo:hi] = m.title_ratio["danmaku"]
            for t in scripted & set(range(lo, hi)):
                sel = eps.title == t
                for e, c in zip(eps.episode_no[sel].tolist(), eps.is_cliffhanger[sel].tolist()):
                    scripted_cliffs[(t, e)] = bool(c)

            export_mask = (cols["platform"] == EXPORT_PLATFORM) if realistic_exports else np.zeros(len(cols["plays"]),
                                                                                                  dtype=bool)
            metrics_w.write(to_arrow({k: v[~export_mask] for k, v in cols.items()}))
            boards.add(cols)
            if export_w is not None and export_mask.any():
                export_w.write(export_table({k: v[export_mask] for k, v in cols.items()}))
            episodes_w.write(to_arrow({"title_id": cat.title_id[eps.title], "episode_no": eps.episode_no,
                                       "duration_seconds": eps.duration, "is_paywalled": eps.is_paywalled,
                                       "release_date": eps.release_date}))
            truth_ep_w.write(to_arrow({
                "title_id": cat.title_id[eps.title], "episode_no": eps.episode_no,
                "is_cliffhanger": eps.is_cliffhanger, "peak_a_second": eps.peak_a,
                "peak_a_reaction": np.array(rx.REACTIONS, dtype=object)[eps.reaction_a],
                "peak_b_second": eps.peak_b,
                "peak_b_reaction": np.array(rx.REACTIONS, dtype=object)[eps.reaction_b]}))
            truth_rel_w.write(to_arrow({"title_id": cat.title_id[m.pair_title], "platform": codes[m.pair_platform],
                                        "start_date": m.pair_start, "tracked_days": m.pair_days,
                                        **m.release_truth}))
            comments_w.write(to_arrow({k: v for k, v in texts.items() if not k.startswith("_")}))
            ratings_w.write(to_arrow(ratings))
            timer["write"] += time.perf_counter() - t4
    finally:
        for w in (metrics_w, export_w, episodes_w, comments_w, ratings_w, truth_ep_w, truth_rel_w):
            if w is not None:
                w.close()

    t0 = time.perf_counter()
    rows: dict[str, int] = {
        "metrics": metrics_w.rows + (export_w.rows if export_w else 0), "episodes": episodes_w.rows,
        "comments": comments_w.rows, "ratings": ratings_w.rows,
    }
    comp = cat.companies
    rows["titles"] = write_csv(out / "titles.csv", {
        "title_id": cat.title_id, "name": cat.name, "name_en": cat.name_en, "origin_country": cat.origin_country,
        "language": cat.language, "release_date": cat.release_date, "episode_count": cat.episode_count,
        "avg_episode_seconds": cat.avg_episode_seconds, "orientation": cat.orientation,
        "app": _primary_app(cat), "genre": cat.genre, "audience": cat.audience, "themes": cat.themes_joined(),
        "synopsis": cat.synopsis, "producer": comp.name[cat.producer_idx],
        "license_no": cat.license_no, "review_tier": cat.review_tier, "budget_cny": cat.budget_cny,
        "monetization": cat.monetization,
        "paywall_episode": np.where(cat.paywall_episode > 0, cat.paywall_episode.astype(float), np.nan),
        "tags": cat.tags, "market": cat.market})
    board_paths, rows["chart_entries"] = boards.write(out)
    rows["projects"] = write_csv(out / "projects.csv", project_table)
    script_rows = production.scripts(cat, seed, released, pipeline, lambda t, e: scripted_cliffs.get((t, e), False))
    rows["scripts"] = _write_jsonl_rows(out / "scripts.jsonl", script_rows)
    recs = links.recommendations(cat, taxonomy, seed)
    rows["recommendations"] = write_csv(out / "recommendations.csv", recs)
    rows["companies"] = write_csv(out / "companies.csv", {
        "company_id": comp.company_id, "name": comp.name, "name_en": comp.name_en,
        "base": np.where(comp.base == "", None, comp.base),
        "founded": comp.founded, "city": comp.city})
    rows["title_companies"] = write_csv(out / "title_companies.csv", links.title_companies(cat, seed))
    write_csv(out / "bases.csv", {k: np.array([b[k] for b in vocab.BASES], dtype=object)
                                  for k in ("code", "name", "name_en", "city")})
    rows["truth"] = write_parquet(out / "truth.parquet", _truth(cat, taxonomy, totals, text_rows, farm_rows,
                                                               cliff_share, danmaku_ratio, recs))
    timer["tables"] = time.perf_counter() - t0

    tables = {
        "titles": [out / "titles.csv"], "episodes": [paths["episodes"]],
        "metrics": [paths["metrics"]] + ([paths["metrics_export"]] if export_w is not None else []),
        "comments": [paths["comments"]], "ratings": [paths["ratings"]], "scripts": [out / "scripts.jsonl"],
        "projects": [out / "projects.csv"], "recommendations": [out / "recommendations.csv"],
        "companies": [out / "companies.csv"], "title_companies": [out / "title_companies.csv"],
        "chart_entries": board_paths,
    }
    return DemoFiles(out_dir=out, tables=tables, truth=out / "truth.parquet", truth_episodes=paths["truth_episodes"],
                     truth_releases=paths["truth_releases"],
                     extras={"bases": out / "bases.csv"}, rows=rows, titles=titles, seed=seed,
                     seconds=time.perf_counter() - t_start, stage_seconds=timer)


def _primary_app(cat: Catalog) -> np.ndarray:
    """The platform each title was first released on."""
    codes = np.array([p.code for p in vocab.PLATFORMS], dtype=object)
    out = np.full(cat.n, None, dtype=object)
    primary = cat.pairs.primary
    out[cat.pairs.title[primary]] = codes[cat.pairs.platform[primary]]
    return out


def _write_jsonl_rows(path: Path, rows: dict) -> int:
    w = ChunkedJsonl(path)
    try:
        w.write(to_arrow({k: np.array(v, dtype=object) if k != "episode_no" else np.array(v, dtype=np.int64)
                          for k, v in rows.items()}))
    finally:
        w.close()
    return w.rows


def _truth(cat: Catalog, taxonomy, totals: dict, text_rows, farm_rows, cliff_share, danmaku_ratio, recs) -> dict:
    n = cat.n
    pl = cat.plants
    codes = np.array([p.code for p in vocab.PLATFORMS], dtype=object)
    is_fake = np.zeros(n, dtype=bool)
    is_fake[pl["fake_title"]] = True
    fake_platform = np.full(n, None, dtype=object)
    fake_start = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    fake_end = fake_start.copy()
    fake_kind = np.full(n, None, dtype=object)
    fpm, flm, fcm = (np.full(n, np.nan) for _ in range(3))
    farm = np.zeros(n, dtype=bool)
    ft, fp = pl["fake_title"], pl["fake_pair"]
    fake_platform[ft] = codes[cat.pairs.platform[fp]]
    fake_start[ft] = cat.pairs.start[fp] + pl["fake_start_offset"].astype("timedelta64[D]")
    fake_end[ft] = fake_start[ft] + (pl["fake_length"] - 1).astype("timedelta64[D]")
    fake_kind[ft] = pl["fake_kind"]
    fpm[ft], flm[ft], fcm[ft] = pl["fake_play_mult"], pl["fake_like_mult"], pl["fake_comment_mult"]
    farm[ft] = pl["fake_comment_farm"]
    is_viral = np.zeros(n, dtype=bool)
    is_viral[pl["viral_title"]] = True
    viral_start = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    viral_start[pl["viral_title"]] = (cat.release_date[pl["viral_title"]]
                                      + pl["viral_offset"].astype("timedelta64[D]"))
    viral_mult = np.full(n, np.nan)
    viral_mult[pl["viral_title"]] = pl["viral_mult"]
    recommended = np.isin(cat.title_id, recs["title_id"])
    return {
        "title_id": cat.title_id, "market": cat.market, "latent_quality": np.round(cat.quality, 6),
        "hook_strength": np.round(cat.hook_strength, 6), "reach_z": np.round(cat.reach, 6),
        "producer_id": cat.companies.company_id[cat.producer_idx], "themes": cat.themes_joined(),
        "social_category": cat.social_category(taxonomy), "recommended": recommended,
        "is_fake_traffic": is_fake, "fake_platform": fake_platform, "fake_start": fake_start, "fake_end": fake_end,
        "fake_kind": fake_kind, "fake_play_multiplier": np.round(fpm, 4), "fake_like_multiplier": np.round(flm, 4),
        "fake_comment_multiplier": np.round(fcm, 4), "has_comment_farm": farm, "rating_padded": farm,
        "is_viral_hit": is_viral, "viral_start": viral_start, "viral_multiplier": np.round(viral_mult, 4),
        "plays_total": totals["plays"].astype(np.int64), "likes_total": totals["likes"].astype(np.int64),
        "comments_total": totals["comments"].astype(np.int64), "shares_total": totals["shares"].astype(np.int64),
        "favorites_total": totals["favorites"].astype(np.int64),
        "revenue_total_cny": np.round(totals["revenue_cny"], 2),
        "ad_spend_total_cny": np.round(totals["ad_spend_cny"], 2), "danmaku_per_play": danmaku_ratio,
        "text_rows": text_rows, "farm_text_rows": farm_rows, "cliffhanger_share": np.round(cliff_share, 6),
    }
