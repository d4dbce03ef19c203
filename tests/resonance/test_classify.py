"""Behaviour of the shipped model on hand-written cases, bad input, and properties (Hypothesis)."""

import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dramascope.resonance.classify import classify_texts
from dramascope.resonance.labels import BASE_LABELS
from dramascope.resonance.model import shipped_model_dir


def one(text, lang="auto"):
    return classify_texts([text], lang)[0]


def test_import_does_not_load_the_model_and_loading_is_fast():
    # CPU seconds of the process, imports included: wall time on a shared machine measures its load
    code = ("import sys, time; import dramascope.resonance as r; "
            "assert 'dramascope.resonance.model' not in sys.modules; "
            "r.load_model(); r.classify_texts(['好看']); print(time.process_time())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert float(out.stdout.strip()) < 3.0  # about 1 s on an idle machine; slack for a busy CI


def test_shipped_artifact_is_small_and_pickle_free():
    files = list(shipped_model_dir().iterdir())
    size = sum(f.stat().st_size for f in files)
    assert size < 12 * 2**20
    assert not [f for f in files if f.suffix in (".pkl", ".pickle", ".joblib")]


@pytest.mark.parametrize("text,label", [
    ("太好看了，爱了爱了", "like"), ("笑死我了哈哈哈哈哈", "happiness"), ("呜呜呜太虐了，哭死", "sadness"),
    ("气死我了，这渣男太过分了", "anger"), ("好恶心，下头", "disgust"), ("吓死我了，好可怕", "fear"),
    ("卧槽，竟然是他？！没想到", "surprise"), ("This is the best show ever, I love it", "like"),
    ("I'm so scared right now", "fear"), ("That's disgusting", "disgust"), ("wow, I did not expect that", "surprise"),
])
def test_clear_cases(text, label):
    assert one(text).label == label


def test_negation_flips():
    assert one("我喜欢这部剧").scores["like"] > 0.5
    neg = one("我不喜欢这部剧")
    assert neg.label != "like" and neg.scores["like"] < one("我喜欢这部剧").scores["like"] / 2
    assert one("I don't love it").scores["like"] < one("I love it").scores["like"]


def test_slang_and_emoji_carry_meaning():
    for praise in ("yyds", "绝绝子", "awsl"):
        assert one(praise).label in ("like", "happiness") and one(praise).valence > 0.3
    assert one("破防了").label == "sadness"
    assert one("😭😭😭").label == "sadness"
    assert one("😂😂😂").label == "happiness"


def test_traditional_equals_simplified():
    a, b = one("這部劇讓我淚目了"), one("这部剧让我泪目了")
    assert a.label == b.label and a.scores == b.scores


def test_reactions_with_evidence():
    r = one("笑死我了，渣男终于被打脸，快更新！")
    assert {"xiao", "shuang", "qi", "cuigeng"} <= set(r.reactions)
    assert "渣男" in r.reaction_evidence["qi"]
    assert any(e.startswith("qi:") for e in r.evidence)


def test_bad_input_has_defined_results():
    empty, space, emoji, mixed, huge = classify_texts(["", "   \n\t", "🔥🔥", "这个 plot twist 太绝了 omg",
                                                       "好看" * 50000])
    for r in (empty, space):
        assert r.label == "neutral" and r.scores["neutral"] == 1.0 and r.lang == "und" and r.reactions == []
    assert emoji.lang == "und" and emoji.label != "neutral"
    assert mixed.lang == "zh" and mixed.label in BASE_LABELS
    assert huge.label == "like"
    assert classify_texts([None, 3])[0].label == "neutral"  # type: ignore[list-item]


def test_forced_language():
    r = one("好看", lang="en")
    assert r.lang == "en" and abs(sum(r.scores.values()) - 1) < 1e-6
    with pytest.raises(ValueError):
        one("好看", lang="fr")


def test_long_text_is_fast():
    t = time.perf_counter()
    one("好看" * 50000)
    assert time.perf_counter() - t < 2.0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(max_size=80), min_size=1, max_size=8))
def test_never_crashes_and_probabilities_sum_to_one(texts):
    results = classify_texts(texts)
    assert len(results) == len(texts)
    for r in results:
        assert r.label in BASE_LABELS
        assert abs(sum(r.scores.values()) - 1.0) < 1e-4
        assert all(0.0 <= v <= 1.0 for v in r.scores.values())
        assert -1.0 <= r.valence <= 1.0 and 0.0 <= r.intensity <= 1.0
