"""Emotion data of a title page: the resonance engine's curves, reshaped for the page and its charts.

The curves themselves (per-episode emotion, danmaku density over video seconds, peak detection,
reaction shares) are computed by :mod:`dramascope.resonance`; this module only calls them and maps
their rows onto the page models, so the dashboard never re-implements a resonance measure.
"""

from __future__ import annotations

from dramascope.publish.access import clean_record, has
from dramascope.publish.models import EmotionsData, EpisodePoint, Peak, ReactionShare, SecondPoint
from dramascope.workspace import Workspace


def _resonance():
    try:
        from dramascope import resonance
    except ImportError:  # pragma: no cover - the package always exists; its curves may not yet
        return None
    return resonance


def title_emotions(ws: Workspace, title_id: str) -> EmotionsData:
    """Emotion curve, danmaku density and peaks, and reaction shares of one title ([] where not scored)."""
    empty = EmotionsData(title_id=title_id, emotion_curve=[], danmaku_density=[], danmaku_peaks=[], reactions=[])
    res = _resonance()
    if res is None or not has(ws, "comment_emotions"):
        return empty
    curve = _call(res, "episode_curve", ws, title_id)
    density = _call(res, "danmaku_density", ws, title_id)
    peaks = _call(res, "danmaku_peaks", ws, title_id)
    reactions = _call(res, "reaction_shares", ws, title_id)
    return EmotionsData(
        title_id=title_id,
        emotion_curve=[EpisodePoint(**r) for r in curve],
        danmaku_density=[SecondPoint(**r) for r in density],
        danmaku_peaks=[Peak(**r) for r in peaks],
        reactions=[ReactionShare(**r) for r in reactions],
    )


def _call(module, name: str, ws: Workspace, title_id: str) -> list[dict]:
    fn = getattr(module, name, None)
    if fn is None:
        return []
    return [clean_record(r) for r in fn(ws, title_id)]
