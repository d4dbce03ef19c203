from hypothesis import given, settings
from hypothesis import strategies as st

from dramascope.resonance.langdetect import detect_language
from dramascope.resonance.normalize import (
    MAX_CHARS,
    collapse_repeats,
    normalize_text,
    to_simplified,
)


def test_repeats_collapse_to_three_and_count_removed():
    assert collapse_repeats("哈哈哈哈哈哈") == ("哈哈哈", 3)
    assert collapse_repeats("666666") == ("666", 3)
    assert collapse_repeats("啊啊啊") == ("啊啊啊", 0)
    assert collapse_repeats("啊哈啊哈啊哈啊哈")[0] == "啊哈啊哈"


def test_traditional_to_simplified():
    assert to_simplified("這部劇讓我淚目了") == "这部剧让我泪目了"
    assert normalize_text("愛死了！！！！") == "爱死了!!!"


def test_fullwidth_case_and_variation_selectors():
    assert normalize_text("ＹＹＤＳ") == "yyds"
    assert normalize_text("❤️") == "❤"
    assert normalize_text("👍🏻") == "👍"


def test_long_text_is_capped():
    assert len(normalize_text("好看" * 60000)) <= MAX_CHARS


def test_language_detection():
    assert detect_language("太好看了") == "zh"
    assert detect_language("what a twist") == "en"
    assert detect_language("yyds") == "zh"  # pinyin slang is Chinese
    assert detect_language("😂😂") == "und"
    assert detect_language("") == "und"
    assert detect_language("这个 plot twist 太绝了") == "zh"
    assert detect_language("I love this show so much 好看") == "en"


def test_batch_normalisation_equals_per_text():
    from dramascope.resonance.normalize import normalize_batch, normalize_with_stats

    texts = ["哈哈哈哈哈哈", "", "  ＡＢＣ  ", "啊哈啊哈啊哈啊哈啊", "…", "ｶﾞ", "ΟΔΟΣ", "a\x00b", "好" * 12000, "\t\n"]
    batch = normalize_batch(texts)
    assert batch.texts == [normalize_with_stats(t)[0] for t in texts]
    assert batch.removed.tolist() == [normalize_with_stats(t)[1] for t in texts]
    assert (batch.lengths == [len(t) for t in batch.texts]).all()
    assert normalize_batch([]).texts == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("哈啊ab6 \t\n\u3000…①㎏ｶﾞ\u0301Σ\x00\x01😂\ufe0f")), max_size=40),
                max_size=20))
def test_batch_normalisation_equals_per_text_on_repeats_spaces_and_expansions(texts):
    from dramascope.resonance.normalize import normalize_batch, normalize_with_stats

    batch = normalize_batch(texts)
    want = [normalize_with_stats(t) for t in texts]
    assert batch.texts == [w[0] for w in want]
    assert batch.removed.tolist() == [w[1] for w in want]
    assert batch.starts.tolist() == (batch.ends - [len(w[0]) for w in want]).tolist()


def test_batch_normalisation_cuts_long_texts_as_the_per_text_rule():
    from dramascope.resonance.normalize import (
        MAX_CHARS,
        normalize_batch,
        normalize_with_stats,
    )

    texts = ["ab" * MAX_CHARS + "x", " " * (3 * MAX_CHARS) + "好", "哈" * (2 * MAX_CHARS + 7), "ｶﾞ" * MAX_CHARS + "a",
             "a b " * MAX_CHARS]
    batch = normalize_batch(texts)
    assert batch.texts == [normalize_with_stats(t)[0] for t in texts]
    assert batch.removed.tolist() == [normalize_with_stats(t)[1] for t in texts]
