"""Theme tagging from declared themes, tags and synopses (zh and en), with evidence."""

from dramascope.signals.theme_tags import tag_title


def test_sources_and_evidence():
    rows = tag_title("X", ["霸总", "Werewolf"], "普法;甜宠", "A billionaire CEO falls for a lawyer in a village.")
    got = {(r["theme"], r["source"]): r["evidence"] for r in rows}
    assert got[("ceo_romance", "declared")] == "霸总"
    assert got[("werewolf", "declared")] == "Werewolf"
    assert got[("law_education", "tag")] == "普法"
    assert got[("sweet_romance", "tag")] == "甜宠"
    assert ("ceo_romance", "synopsis") in got and "billionaire" in got[("ceo_romance", "synopsis")]
    assert ("rural_revival", "synopsis") in got
    assert ("law_education", "synopsis") in got


def test_empty_inputs_give_no_rows():
    assert tag_title("X", None, None, None) == []
    assert tag_title("X", [], "", "") == []
