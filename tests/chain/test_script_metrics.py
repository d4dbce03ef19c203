"""Hand-checked hooks, arcs, balance and paywall rule."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dramascope.chain import script_metrics as sm
from dramascope.chain.script_emotion import LineEmotion, to_line_emotion


def emo(valence=0.0, intensity=0.0, surprise=0.0, fear=0.0, reactions=()):
    return LineEmotion("neutral", valence, intensity, surprise, fear, frozenset(reactions))


def test_flat_ending_has_no_hook():
    h = sm.hook_strength(["他们吃完饭。", "各自回家睡觉。"], None, None)
    assert h.strength == 0.0 and h.evidence == []


def test_question_plus_reveal_hook_by_hand():
    # question_end 0.30 and reveal 0.35 → 1 − 0.70 × 0.65 = 0.545
    h = sm.hook_strength(["林晚转过身。", "你……你到底是谁？"], None, None)
    assert h.components["question_end"] == 1.0 and h.components["reveal"] == 1.0
    assert h.strength == pytest.approx(0.545)


def test_english_threat_interrupted_and_continuation():
    # threat 0.30, interrupted 0.20, continuation 0.10 → 1 − 0.7 × 0.8 × 0.9 = 0.496
    h = sm.hook_strength(["She opens the door.", "There's a gun on the table and—"], None, "To be continued")
    assert h.components["threat"] == 1.0 and h.components["interrupted_end"] == 1.0
    assert h.components["continuation"] == 1.0
    assert h.strength == pytest.approx(0.496)


def test_model_components_use_the_final_window_only():
    texts = ["a", "b", "c", "d", "e"]  # window = max(2, ceil(0.5)) = 2 lines
    emotions = [emo(surprise=1.0)] * 3 + [emo(surprise=0.5, reactions={"shock"}), emo(fear=0.9)]
    h = sm.hook_strength(texts, emotions, None)
    assert h.components["model_surprise"] == pytest.approx((0.5 + 0.9) / 2)
    assert h.components["model_reactions"] == pytest.approx(0.5)
    assert h.strength == pytest.approx(1 - (1 - 0.3 * 0.7) * (1 - 0.3 * 0.5))


def test_hook_window_bounds():
    assert [sm.hook_window(n) for n in (1, 2, 10, 25, 100)] == [1, 2, 2, 3, 4]


def test_arc_beats_average_equal_groups():
    emotions = [emo(valence=v, intensity=abs(v)) for v in (-1, -1, 0, 0, 1, 1)]
    arc = sm.arc_beats(emotions, beats=3)
    assert [(p.valence, p.intensity, p.lines) for p in arc] == [(-1, 1, 2), (0, 0, 2), (1, 1, 2)]
    assert [p.position for p in arc] == pytest.approx([1 / 6, 0.5, 5 / 6], abs=1e-4)


@pytest.mark.parametrize("values,shape", [
    ([-0.5, -0.5, 0.0, 0.0, 0.6, 0.6], "rise"),
    ([0.6, 0.5, 0.0, 0.0, -0.4, -0.5], "fall"),
    ([0.3, 0.3, -0.6, -0.6, 0.4, 0.5], "fall-rise"),
    ([-0.2, -0.2, 0.7, 0.6, -0.3, -0.2], "rise-fall"),
    ([0.05, 0.0, 0.02, -0.03, 0.04, 0.0], "flat"),
])
def test_arc_shapes_by_hand(values, shape):
    assert sm.arc_shape(values) == shape


def test_gini_hand_values():
    assert sm.gini([1, 1]) == 0.0
    assert sm.gini([1, 0]) == pytest.approx(0.5)  # Σ|xi−xj| = 2, 2·n²·mean = 2·4·0.5 = 4
    assert sm.gini([3, 1, 0]) == pytest.approx((2 + 3 + 1) * 2 / (2 * 9 * (4 / 3)))


@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=20))
def test_gini_is_bounded_and_scale_free(xs):
    g = sm.gini(xs)
    assert 0.0 <= g <= 1.0
    if sum(xs) > 1e-3:
        assert sm.gini([2.5 * x for x in xs]) == pytest.approx(g, abs=1e-9)


def test_screen_time_estimate_and_language():
    assert sm.detect_lang("林晚：你们还记得我吗？") == "zh"
    assert sm.detect_lang("ROSS: We were on a break!") == "en"
    assert sm.text_units("你好，world！", "zh") == 3
    assert sm.text_units("We were on a break!", "en") == 5
    assert sm.estimate_seconds(240, 2, "zh") == pytest.approx(60 + 4)
    assert sm.estimate_seconds(150, 1, "en") == pytest.approx(60 + 2)


def test_paywall_rule_by_hand():
    episodes = list(range(1, 11))
    hooks = [0.1] * 10
    hooks[5], hooks[7] = 0.5, 0.6  # E6 and E8
    payoffs = [1, 0, 1, 0, 1, 0, 0, 0, 1, 0]  # cumulative 3 by E6, 3 by E8
    cands = sm.paywall_candidates(episodes, hooks, payoffs)
    assert [c.episode for c in cands] == [5, 6, 7, 8, 9]  # E10 is last: nothing to sell after it
    best = sm.best_paywall(cands)
    assert best.episode == 8
    assert best.score == pytest.approx(0.6 * (1 - math.exp(-1)), abs=1e-4)


def test_paywall_tie_goes_to_earlier_episode():
    cands = sm.paywall_candidates([5, 6, 7], [0.5, 0.5, 0.5], [3, 0, 0])
    assert sm.best_paywall(cands).episode == 5


def test_line_emotion_from_contract_result():
    e = to_line_emotion({"label": "anger", "scores": {"anger": 0.6, "neutral": 0.2, "happiness": 0.2},
                         "reactions": ["惊", "催更"]})
    assert e.valence == pytest.approx(-0.4) and e.intensity == pytest.approx(0.8)
    assert e.reactions == {"shock", "anticipation"}


def test_line_emotion_from_the_resonance_result_class():
    from dramascope.resonance.classify import EmotionResult

    r = EmotionResult(label="surprise", scores={"surprise": 0.5, "fear": 0.3, "neutral": 0.2},
                               reactions=["jing", "cuigeng"], evidence=[])
    e = to_line_emotion(r)
    assert (e.surprise, e.fear) == (0.5, 0.3)
    assert e.valence == pytest.approx(-0.3) and e.intensity == pytest.approx(0.8)
    assert e.reactions == {"shock", "anticipation"}
