import pytest

from dramascope.resonance.labels import BASE_LABELS, REACTION_CODES
from dramascope.resonance.lexicon import get_lexicons
from dramascope.resonance.normalize import normalize_text


def scores(text):
    r = get_lexicons().analyze(normalize_text(text))
    return dict(zip(BASE_LABELS, r.scores)), r


def test_negation_moves_weight_to_the_opposite_label():
    pos, _ = scores("幸福")
    neg, r = scores("不幸福")
    assert pos["happiness"] > 0 and neg["happiness"] == 0 and neg["sadness"] > 0
    assert r.n_negated == 1


@pytest.mark.parametrize("text,label", [
    ("破防了", "sadness"), ("太上头了", "like"), ("下头", "disgust"), ("绝绝子", "like"), ("yyds", "like"),
    ("笑死", "happiness"), ("无语", "disgust"), ("awsl", "like"), ("泪目", "sadness"), ("细思极恐", "fear"),
    ("😭😭", "sadness"), ("(╯°□°）╯︵ ┻━┻", "anger"), ("[怒]", "anger"), ("cringe", "disgust"),
    ("plot twist", "surprise"), ("lmao", "happiness"), ("這部劇太噁心了", "disgust"),
])
def test_slang_emoji_kaomoji_and_traditional_cues(text, label):
    s, _ = scores(text)
    assert max(s, key=s.get) == label, s


def test_degree_words_strengthen():
    plain, _ = scores("喜欢")
    strong, _ = scores("超级喜欢")
    suffix, _ = scores("开心死了")
    assert strong["like"] > plain["like"]
    assert suffix["happiness"] > scores("开心")[0]["happiness"]


def test_reactions_keep_their_cues_and_respect_negation():
    _, r = scores("笑死我了，渣男活该被打脸，快更新啊")
    assert set(r.reactions) >= {"xiao", "qi", "shuang", "cuigeng"}
    assert "渣男" in r.reactions["qi"]
    _, r = scores("一点都不虐")
    assert "nue" not in r.reactions
    assert set(get_lexicons().reaction_info) == set(REACTION_CODES)
