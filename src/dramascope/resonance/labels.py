"""The output vocabulary of the emotion engine: base labels, reaction codes, valence signs.

Declared once so the classifier, the batch table schema, the signals and the docs agree. The base labels
and reaction codes name columns of ``comment_emotions``, so they are declared with that table in
:mod:`dramascope.schema` and read from there.
"""

from __future__ import annotations

from dramascope.schema import BASE_LABELS, REACTION_CODES  # noqa: F401 - re-exported for the engine

# Valence of each base label: used for valence balance (positive minus negative share).
VALENCE: dict[str, float] = {
    "like": 1.0, "happiness": 1.0, "sadness": -1.0, "anger": -1.0, "disgust": -1.0, "fear": -1.0,
    "surprise": 0.0, "neutral": 0.0,
}

# What readers call each base label and reaction, in Chinese and English (pages, reports, indicator names).
from dramascope.i18n import EMOTION_NAMES  # noqa: E402,F401 - display names, declared with the UI strings
