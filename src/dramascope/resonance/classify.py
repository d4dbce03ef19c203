"""Classify texts: the library entry point behind `dramascope emotion classify` and batch scoring.

Every text gets a defined result: an empty or whitespace-only text is ``neutral`` with probability 1
and language ``und`` (there is nothing to read, so the model is not asked); emoji-only texts go to the
zh model, whose lexicon features cover emoji; mixed texts go to the model of the majority script,
while the lexicons of both languages apply; very long texts are cut to their first 5,000 characters.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from dramascope.resonance.features import prepare
from dramascope.resonance.labels import BASE_LABELS, VALENCE
from dramascope.resonance.model import EmotionModel, load_model

LANG_CHOICES = ("auto", "zh", "en")
_VALENCE = np.array([VALENCE[label] for label in BASE_LABELS])
_NEUTRAL = BASE_LABELS.index("neutral")


@dataclass
class EmotionResult:
    """One text's emotion: the base label, probabilities, reactions with their cues, and provenance."""

    label: str
    scores: dict[str, float]
    reactions: list[str]
    evidence: list[str]
    reaction_evidence: dict[str, list[str]] = field(default_factory=dict)
    lang: str = "und"
    intensity: float = 0.0  # 1 - P(neutral): how emotional the text is
    valence: float = 0.0  # P(positive labels) - P(negative labels), in [-1, 1]
    model_version: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def classify_texts(texts: list[str], lang: str = "auto", *, model: EmotionModel | None = None
                   ) -> list[EmotionResult]:
    """Classify each text. ``lang`` forces a model ('zh'/'en'); 'auto' detects per text."""
    if lang not in LANG_CHOICES:
        raise ValueError(f"lang must be one of {', '.join(LANG_CHOICES)}, not {lang!r}")
    model = model or load_model()
    texts = [t if isinstance(t, str) else "" for t in texts]
    prep = prepare(texts)
    proba = model.predict_proba(prep, None if lang == "auto" else lang)
    empty = np.array([not t for t in prep.texts], dtype=bool)
    if empty.any():
        proba[empty] = 0.0
        proba[empty, _NEUTRAL] = 1.0
    valence = proba @ _VALENCE
    results = []
    for i, p in enumerate(proba):
        lex = prep.lexicon[i]
        detected = prep.langs[i] if lang == "auto" or empty[i] else lang
        results.append(EmotionResult(
            label=BASE_LABELS[int(p.argmax())],
            scores={label: round(float(v), 6) for label, v in zip(BASE_LABELS, p)},
            reactions=sorted(lex.reactions),
            evidence=lex.evidence + [f"{code}:{cue}" for code in sorted(lex.reactions) for cue in lex.reactions[code]],
            reaction_evidence={code: cues for code, cues in sorted(lex.reactions.items())},
            lang=detected,
            intensity=round(float(1.0 - p[_NEUTRAL]), 6),
            valence=round(float(valence[i]), 6),
            model_version=model.version,
        ))
    return results


def classify_text(text: str, lang: str = "auto") -> EmotionResult:
    return classify_texts([text], lang)[0]
