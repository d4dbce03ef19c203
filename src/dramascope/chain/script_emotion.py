"""Read each script line with the resonance engine: valence, intensity and micro-drama reactions.

Why reuse ``dramascope.resonance``: the same model that reads audience comments reads the script, so a
writer sees the arc in the units the index later measures (惊 shock, 催更 anticipation, 爽 catharsis).
The classifier is injectable (any callable with the ``classify_texts`` contract) so arithmetic can be
checked by hand in tests, and so a missing resonance module degrades to "no arc" instead of failing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

Classifier = Callable[[list[str], str], Sequence[Any]]

POSITIVE = ("like", "happiness")
NEGATIVE = ("sadness", "anger", "disgust", "fear")

# Reaction names as the resonance engine may spell them (Chinese label or English code) → our code.
REACTION_CODES = {
    # pinyin codes of dramascope.resonance.labels.REACTION_CODES
    "shuang": "catharsis", "tian": "sweetness", "nue": "heartache", "ran": "thrill", "xiao": "amusement",
    "leimu": "moved", "qi": "villain_anger", "jing": "shock", "cuigeng": "anticipation", "qiju": "abandonment",
    "ga": "cringe",
    "爽": "catharsis", "catharsis": "catharsis",
    "惊": "shock", "shock": "shock", "twist_shock": "shock", "twist": "shock",
    "催更": "anticipation", "anticipation": "anticipation",
    "甜": "sweetness", "sweetness": "sweetness", "sweet": "sweetness",
    "虐": "heartache", "heartache": "heartache",
    "燃": "thrill", "thrill": "thrill",
    "笑": "amusement", "amusement": "amusement",
    "泪目": "moved", "moved": "moved",
    "气": "villain_anger", "villain_anger": "villain_anger", "anger_at_villain": "villain_anger",
    "弃剧": "abandonment", "abandonment": "abandonment",
    "尬": "cringe", "cringe": "cringe",
}


@dataclass(frozen=True)
class LineEmotion:
    label: str
    valence: float  # P(positive labels) − P(negative labels), in [−1, 1]
    intensity: float  # 1 − P(neutral), in [0, 1]
    surprise: float  # P(surprise)
    fear: float  # P(fear)
    reactions: frozenset[str]


def default_classifier() -> tuple[Classifier, str]:
    """The resonance engine's ``classify_texts`` and a provisional model name (the analysis names the
    model's version once it has scored: loading the model is what scoring does first)."""
    from dramascope.resonance import classify_texts

    return classify_texts, "dramascope.resonance"


def _get(obj: Any, name: str, default=None):
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def to_line_emotion(result: Any) -> LineEmotion:
    scores = _get(result, "scores") or {}
    if isinstance(scores, str):
        import json

        scores = json.loads(scores)
    p = {k: float(v) for k, v in scores.items()}
    label = str(_get(result, "label", "neutral"))
    if not p:
        p = {label: 1.0}
    valence = sum(p.get(k, 0.0) for k in POSITIVE) - sum(p.get(k, 0.0) for k in NEGATIVE)
    reactions = frozenset(
        REACTION_CODES.get(str(r), str(r)) for r in (_get(result, "reactions") or ())
    )
    return LineEmotion(
        label=label,
        valence=max(-1.0, min(1.0, valence)),
        intensity=max(0.0, min(1.0, 1.0 - p.get("neutral", 0.0))),
        surprise=p.get("surprise", 0.0),
        fear=p.get("fear", 0.0),
        reactions=reactions,
    )


def score_lines(texts: list[str], lang: str, classifier: Classifier | None) -> list[LineEmotion] | None:
    """One :class:`LineEmotion` per text (one batched call), or None when no classifier is available."""
    if classifier is None:
        return None
    if not texts:
        return []
    results = list(classifier(list(texts), lang))
    if len(results) != len(texts):
        raise RuntimeError(f"classifier returned {len(results)} results for {len(texts)} texts")
    return [to_line_emotion(r) for r in results]
