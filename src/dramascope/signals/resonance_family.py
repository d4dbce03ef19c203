"""The resonance family: the emotion engine's indicators (``dramascope.resonance.signals``) behind the
family interface. It lives here because the resonance package sits below ``signals`` and cannot import
the interface; the indicators stay declared beside their expressions there."""

from __future__ import annotations

import ibis.expr.types as ir

from dramascope.resonance.signals import RESONANCE_INDICATORS, resonance_signals
from dramascope.signals.family import FamilyContext, SignalFamily


def _family_rows(ctx: FamilyContext) -> ir.Table:
    return resonance_signals(ctx.ws, ctx.granularity, ctx.periods, sums=ctx.comment_sums)


FAMILY = SignalFamily("resonance", tuple(i.code for i in RESONANCE_INDICATORS), _family_rows, needs_emotions=True)
