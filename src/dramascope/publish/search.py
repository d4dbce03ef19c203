"""Find titles and companies by name: Chinese, full pinyin, pinyin initials or English.

A reader types 重生, chongsheng, cs or Rebirth and finds 《重生之我在横店》. Each name gets its search
keys once (the name, its toneless pinyin and its initials from pypinyin, the English name), kept in
the publishing cache as an Arrow table; a query is then one vectorised substring match over the keys,
never a scan in Python. Matches are ordered exact first, then prefix, then anywhere, then by the
title's rank in the latest all-time run.
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, Field

from dramascope.name_keys import KINDS, key_table, keys, normalise  # noqa: F401  (keys: the public name)
from dramascope.publish import index_data as idx
from dramascope.jsonsafe import json_safe
from dramascope.publish.access import rows
from dramascope.read_state import is_fresh
from dramascope.publish.cache import PublishCache, memo
from dramascope.workspace import Workspace

MAX_HITS = 50
KEY_ORDER = {"name": 0, "name_en": 1, "initials": 2, "pinyin": 3}  # at equal quality, the name itself first


class SearchQuery(BaseModel):
    q: str = Field(default="", max_length=100, description="A name in Chinese, pinyin, pinyin initials or English")


class SearchHit(BaseModel):
    kind: str  # "title" or "company"
    id: str
    name: str | None = None
    name_en: str | None = None
    base: str | None = None
    rank: int | None = None
    score: float | None = None
    matched: str  # which key matched: name, name_en, initials or pinyin


class SearchPage(BaseModel):
    q: str = ""
    titles: list[SearchHit] = Field(default_factory=list)
    companies: list[SearchHit] = Field(default_factory=list)


def _index(ws: Workspace, table: str, id_field: str, cache: PublishCache | None) -> pa.Table:
    """The search keys of every row of ``table``: read from ``search_names`` where the writer computed them
    for this state of the workspace, else computed here (pypinyin over every name: seconds at 100k)."""
    kind = KINDS[table]

    def build() -> pa.Table:
        if ws.count("search_names") and is_fresh(ws):
            s = ws.table("search_names")
            stored = ws.engine.to_arrow(s.filter(s.kind == kind).order_by("position")
                                        .select("id", "name", "pinyin", "initials", "name_en"))
            return stored.cast(pa.schema([(c, pa.string()) for c in stored.column_names]))
        t = ws.table(table)
        return key_table(rows(ws, t.select(id_field, "name", "name_en")), id_field)

    return memo(cache, ("search-keys", table), build)


def _match(keys_table: pa.Table, query: str) -> list[tuple[int, int, str]]:
    """(row, quality, key) for each matching row: quality 0 exact, 1 prefix, 2 anywhere (best key wins)."""
    best: dict[int, tuple[int, str]] = {}
    latin = query.isascii() and query.isalnum()
    spaced = " ?".join(re.escape(ch) for ch in query)  # a pinyin query may run across syllables
    for key in ("name", "name_en", "pinyin", "initials"):
        col = keys_table.column(key)
        if key == "pinyin":
            if not latin:
                continue
            tests = ((0, pc.match_substring_regex(col, f"^{spaced}$")),
                     (1, pc.match_substring_regex(col, f"^{spaced}")),
                     (2, pc.match_substring_regex(col, f" {spaced}")))
        else:
            tests = ((0, pc.equal(col, query)), (1, pc.starts_with(col, query)), (2, pc.match_substring(col, query)))
        for quality, hit in tests:
            for i in pc.indices_nonzero(pc.fill_null(hit, False)).to_pylist():
                if i not in best or quality < best[i][0]:
                    best[i] = (quality, key)
    return [(i, q, k) for i, (q, k) in best.items()]


def search_page(ws: Workspace, sq: SearchQuery, cache: PublishCache | None = None) -> SearchPage:
    """Titles and companies whose name matches ``sq.q`` (at most 50 of each)."""
    query = normalise(sq.q)
    page = SearchPage(q=sq.q)
    if not query:
        return page
    run = memo(cache, ("latest", "life"), lambda: idx.latest_run(ws, "life")) if ws.count(idx.RUNS) else None
    title_keys = _index(ws, "titles", "title_id", cache)
    hits = _match(title_keys, query)
    ids = [title_keys.column("id")[i].as_py() for i, _, _ in hits]
    ranks: dict[str, dict] = {}
    if run is not None and ids and (scores := idx.score_table(ws, run)) is not None:
        ranks = {r["title_id"]: r for r in rows(ws, scores.filter(scores.title_id.isin(ids)))}
    names = {r["title_id"]: r for r in rows(ws, ws.table("titles").filter(ws.table("titles").title_id.isin(ids))
                                             .select("title_id", "name", "name_en"))} if ids else {}
    found = []
    for (_i, quality, key), tid in zip(hits, ids):
        rank = ranks.get(tid, {}).get("rank")
        found.append((quality, KEY_ORDER[key], rank if rank is not None else 10**12, tid, key))
    for _, _, rank, tid, key in sorted(found)[:MAX_HITS]:
        n, s = names.get(tid, {}), ranks.get(tid, {})
        page.titles.append(SearchHit(kind="title", id=tid, name=n.get("name"), name_en=n.get("name_en"),
                                     rank=None if rank == 10**12 else int(rank), score=json_safe(s.get("score")),
                                     matched=key))
    if ws.count("companies"):
        company_keys = _index(ws, "companies", "company_id", cache)
        hits = sorted(_match(company_keys, query),
                      key=lambda h: (h[1], KEY_ORDER[h[2]], company_keys.column("name")[h[0]].as_py()))
        ids = [company_keys.column("id")[i].as_py() for i, _, _ in hits[:MAX_HITS]]
        c = ws.table("companies")
        info = {r["company_id"]: r for r in rows(ws, c.filter(c.company_id.isin(ids)).select(
            "company_id", "name", "name_en", "base"))} if ids else {}
        for (_, _, key), cid in zip(hits, ids):
            r = info.get(cid, {})
            page.companies.append(SearchHit(kind="company", id=cid, name=r.get("name"), name_en=r.get("name_en"),
                                            base=r.get("base") or None, matched=key))
    return page
