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
EMOTION_NAMES: dict[str, dict[str, str]] = {
    "like": {"zh": "喜爱", "en": "like"}, "happiness": {"zh": "快乐", "en": "happiness"},
    "sadness": {"zh": "悲伤", "en": "sadness"}, "anger": {"zh": "愤怒", "en": "anger"},
    "disgust": {"zh": "厌恶", "en": "disgust"}, "fear": {"zh": "恐惧", "en": "fear"},
    "surprise": {"zh": "惊讶", "en": "surprise"}, "neutral": {"zh": "中性", "en": "neutral"},
    "shuang": {"zh": "爽", "en": "catharsis"}, "tian": {"zh": "甜", "en": "sweetness"},
    "nue": {"zh": "虐", "en": "heartache"}, "ran": {"zh": "燃", "en": "thrill"}, "xiao": {"zh": "笑", "en": "amusement"},
    "leimu": {"zh": "泪目", "en": "moved to tears"}, "qi": {"zh": "气", "en": "anger at a villain"},
    "jing": {"zh": "惊", "en": "twist shock"}, "cuigeng": {"zh": "催更", "en": "anticipation"},
    "qiju": {"zh": "弃剧", "en": "abandonment"}, "ga": {"zh": "尬", "en": "cringe"},
}
