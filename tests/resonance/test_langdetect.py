"""The batch language detection must give what the per-text rule gives, text by text."""

from hypothesis import given, settings
from hypothesis import strategies as st

from dramascope.resonance.langdetect import (
    batch_stats,
    detect_language,
    detect_languages,
)
from dramascope.resonance.normalize import normalize_batch, normalize_text


def stats_of(texts):
    batch = normalize_batch(texts)
    return batch, batch_stats(batch.cp, len(texts))


def test_hand_examples():
    texts = ["yyds", "I don't like it", "这部剧 so good", "好看好看", "😂😂", "", "it's o'clock'n'roll", "nb!", "666?"]
    batch, s = stats_of(texts)
    assert s.langs == ["zh", "en", "zh", "zh", "und", "und", "en", "zh", "und"]
    assert s.langs == [detect_language(t) for t in batch.texts]
    assert s.exclaim.tolist() == [False, False, False, False, False, False, False, True, False]
    assert s.question.tolist() == [False] * 8 + [True]
    assert s.has_latin.tolist() == [True, True, True, False, False, False, True, True, True]
    assert detect_languages(batch.cp, len(texts)) == s.langs
    assert batch_stats(normalize_batch([]).cp, 0).langs == []


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from([*"abyds' 好看!?1\nAz", "nb", "yyds", "don't", "哈", "'"]),
                         max_size=12).map("".join), max_size=25))
def test_batch_matches_the_per_text_rule(texts):
    batch, s = stats_of(texts)
    norm = [normalize_text(t) for t in texts]
    assert batch.texts == norm
    assert s.langs == [detect_language(t) for t in norm]
    assert s.exclaim.tolist() == ["!" in t for t in norm]
    assert s.question.tolist() == ["?" in t for t in norm]
    assert s.has_latin.tolist() == [any("a" <= c <= "z" or "0" <= c <= "9" for c in t) for t in norm]
