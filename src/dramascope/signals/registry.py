"""Every indicator DramaScope computes, in one list: the source of docs/indicators.md and the index spec."""

from __future__ import annotations

import logging

from dramascope.signals import boards, commercial, dissemination, innovation, reputation, social
from dramascope.signals.base import Indicator
from dramascope.signals.fraud import FRAUD_INDICATORS

log = logging.getLogger(__name__)

FAMILY_ORDER = ("dissemination", "boards", "context", "fraud", "innovation", "reputation", "resonance", "social",
                "commercial")


def resonance_family():
    """(resonance_signals, RESONANCE_INDICATORS) from the resonance engine, or None where it is not built."""
    try:
        from dramascope.resonance import RESONANCE_INDICATORS, resonance_signals  # noqa: PLC0415
    except ImportError as exc:
        log.info("resonance family unavailable: %s", exc)
        return None
    return resonance_signals, list(RESONANCE_INDICATORS)


def all_indicators() -> list[Indicator]:
    own = [*dissemination.INDICATORS, *boards.INDICATORS, *FRAUD_INDICATORS, *innovation.INDICATORS,
           *reputation.INDICATORS, *social.INDICATORS, *commercial.INDICATORS]
    res = resonance_family()
    if res is not None:
        own.extend(res[1])
    seen: set[str] = set()
    out = []
    for ind in sorted(own, key=lambda i: FAMILY_ORDER.index(i.family) if i.family in FAMILY_ORDER else 99):
        if ind.code in seen:
            raise ValueError(f"indicator code {ind.code!r} declared twice")
        seen.add(ind.code)
        out.append(ind)
    return out
