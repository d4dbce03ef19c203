"""Emotion data of a title page: the resonance engine's curves, reshaped for the page and its charts.

The measures themselves (per-episode intensity, valence, label and reaction shares; danmaku density per
5-second bin and its peaks) are computed by :mod:`dramascope.resonance` (``emotion_curve``,
``danmaku_curve``); this module only calls them and maps their rows onto the page models, so the
dashboard never re-implements a resonance measure. Reaction shares over the whole title are the
episode shares weighted by each episode's number of texts.
"""

from __future__ import annotations

import ibis

from dramascope.publish.access import rows
from dramascope.publish.models import EmotionsData, EpisodePoint, Peak, ReactionShare, SecondPoint
from dramascope.workspace import Workspace

EMOTIONS = "comment_emotions"


def _empty(title_id: str) -> EmotionsData:
    return EmotionsData(title_id=title_id, emotion_curve=[], danmaku_density=[], danmaku_peaks=[], reactions=[])


def busiest_danmaku_episode(ws: Workspace, title_id: str) -> int | None:
    """The episode with the most danmaku: where a peak curve says the most."""
    c = ws.table("comments")
    d = c.filter((c.title_id == title_id) & (c.kind == "danmaku") & c.episode_no.notnull()
                 & c.video_second.notnull())
    top = rows(ws, d.group_by("episode_no").aggregate(n=d.count()).order_by([ibis.desc("n"), "episode_no"]).limit(1))
    return int(top[0]["episode_no"]) if top else None


def title_emotions(ws: Workspace, title_id: str, episode_no: int | None = None) -> EmotionsData:
    """Emotion curve, reactions, and one episode's danmaku curve ([] where comments are not scored yet)."""
    if not ws.count(EMOTIONS):
        return _empty(title_id)
    from dramascope.resonance import danmaku_curve, emotion_curve

    curve = rows(ws, emotion_curve(ws, title_id))
    points, totals, n_all = [], {}, 0
    for r in curve:
        shares = {k[len("share_"):]: v for k, v in r.items() if k.startswith("share_") and v is not None}
        dominant = max(shares, key=shares.get) if shares else None
        points.append(EpisodePoint(episode_no=int(r["episode_no"]), comments=int(r["n"]), intensity=r["intensity"],
                                   valence=r["valence"], dominant=dominant,
                                   dominant_share=shares.get(dominant) if dominant else None))
        n_all += int(r["n"])
        for k, v in r.items():
            if k.startswith("reaction_") and v is not None:
                totals[k[len("reaction_"):]] = totals.get(k[len("reaction_"):], 0.0) + v * int(r["n"])
    reactions = sorted(
        (ReactionShare(reaction=code, count=int(round(total)), share=total / n_all)
         for code, total in totals.items() if n_all and total > 0),
        key=lambda x: -x.share)
    episode = episode_no if episode_no is not None else busiest_danmaku_episode(ws, title_id)
    density: list[SecondPoint] = []
    if episode is not None:
        density = [SecondPoint(second=float(r["second"]), count=int(r["n"]), density=r["density"],
                               baseline=r["baseline"], is_peak=bool(r["is_peak"]))
                   for r in rows(ws, danmaku_curve(ws, title_id, episode))]
    peaks = [Peak(episode_no=episode, second=p.second, count=p.count, density=p.density)
             for p in density if p.is_peak]
    return EmotionsData(title_id=title_id, danmaku_episode=episode if density else None, emotion_curve=points,
                        danmaku_density=density, danmaku_peaks=peaks, reactions=reactions)
