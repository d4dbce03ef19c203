"""The output vocabulary of the emotion engine: base labels, reaction codes, valence signs.

Declared once so the classifier, the batch table schema, the signals and the docs agree.
"""

from __future__ import annotations

BASE_LABELS: tuple[str, ...] = ("like", "happiness", "sadness", "anger", "disgust", "fear", "surprise", "neutral")

# Valence of each base label: used for valence balance (positive minus negative share).
VALENCE: dict[str, float] = {
    "like": 1.0, "happiness": 1.0, "sadness": -1.0, "anger": -1.0, "disgust": -1.0, "fear": -1.0,
    "surprise": 0.0, "neutral": 0.0,
}

REACTION_CODES: tuple[str, ...] = (
    "shuang", "tian", "nue", "ran", "xiao", "leimu", "qi", "jing", "cuigeng", "qiju", "ga",
)

# What readers call each base label and reaction, in Chinese and English (pages, reports, indicator names).
from dramascope.i18n import EMOTION_NAMES  # noqa: E402,F401 - display names, declared with the UI strings
