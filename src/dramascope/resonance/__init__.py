"""Emotional resonance engine: emotions and micro-drama reactions of comments and danmaku.

Public entry points (imports are light; the model loads on first use):
- :func:`classify_texts` — label, calibrated scores, reactions and evidence per text (zh/en).
- :func:`analyze_workspace` — batch scoring into the derived table ``comment_emotions``.
- :func:`resonance_signals` — resonance indicators as SIGNAL_SCHEMA rows (Ibis, DuckDB/Spark).
- :data:`RESONANCE_INDICATORS` — their declarations.
"""

from __future__ import annotations

from dramascope.resonance.labels import BASE_LABELS, REACTION_CODES

__all__ = [
    "BASE_LABELS", "REACTION_CODES", "EmotionResult", "classify_texts", "analyze_workspace", "score_batch",
    "resonance_signals", "RESONANCE_INDICATORS", "emotion_curve", "danmaku_curve", "load_model",
]


def __getattr__(name: str):
    """Lazy attributes: importing the package must not load numpy-heavy modules or the model."""
    if name in ("EmotionResult", "classify_texts"):
        from dramascope.resonance import classify
        return getattr(classify, name)
    if name in ("analyze_workspace", "score_batch", "COMMENT_EMOTIONS_SCHEMA"):
        from dramascope.resonance import batch
        return getattr(batch, name)
    if name in ("resonance_signals", "RESONANCE_INDICATORS", "emotion_curve", "danmaku_curve"):
        from dramascope.resonance import signals
        return getattr(signals, name)
    if name == "load_model":
        from dramascope.resonance.model import load_model
        return load_model
    raise AttributeError(name)
