"""The writer's numbers, each a small pure function: screen time, hooks, payoffs, balance, arc shape, paywall.

Every constant here is a documented modelling choice (docs/chain.md) rather than a fitted value, so a
writer can reproduce any figure by hand from the script.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from dramascope.chain.script_cues import find_cues, is_interrupted, is_question
from dramascope.chain.script_emotion import LineEmotion

# Screen-time model when the episode length is not given: Mandarin dialogue is delivered at about
# 240 characters a minute (4 per second), English at about 150 words a minute (2.5 per second).
# Action description is counted at the same rate (one unit of description ≈ one unit of screen time),
# and each scene adds a 2-second establishing beat.
SPEECH_RATE = {"zh": 4.0, "en": 2.5}
SCENE_OVERHEAD_SECONDS = 2.0

CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
WORD_RE = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")


def detect_lang(text: str) -> str:
    """'zh' when CJK characters are at least a fifth of the letters, else 'en'."""
    cjk = len(CJK_RE.findall(text))
    latin = len(re.findall(r"[A-Za-z]", text))
    return "zh" if cjk and cjk >= 0.2 * (cjk + latin) else "en"


def text_units(text: str, lang: str) -> int:
    """Characters (zh: CJK characters plus Latin words) or words (en) — the unit speech rates are given in."""
    if lang == "zh":
        return len(CJK_RE.findall(text)) + len(WORD_RE.findall(text))
    return len(WORD_RE.findall(text)) + len(CJK_RE.findall(text))


def estimate_seconds(units: int, scenes: int, lang: str) -> float:
    return units / SPEECH_RATE[lang] + SCENE_OVERHEAD_SECONDS * max(scenes, 1)


def gini(values: Sequence[float]) -> float:
    """Gini coefficient Σ|xi−xj| / (2 n² mean): 0 = perfectly even, → 1 = one voice has everything."""
    xs = [float(v) for v in values]
    n = len(xs)
    if n == 0 or sum(xs) == 0:
        return 0.0
    mean = sum(xs) / n
    total = sum(abs(a - b) for a in xs for b in xs)
    return total / (2 * n * n * mean)


# --- hooks ------------------------------------------------------------------------------------------
# Weights of the cliffhanger components, combined as a noisy-OR: strength = 1 − Π(1 − w·x).
HOOK_WEIGHTS = {
    "question_end": 0.30,  # the last line asks and nobody answers
    "interrupted_end": 0.20,  # the last line breaks off (……, ——)
    "reveal": 0.35,  # a truth/identity is about to land
    "threat": 0.30,  # danger left open
    "shock": 0.25,  # a shocked reaction (什么？！ 不可能)
    "continuation": 0.10,  # an explicit 未完待续 / to be continued: weak on its own, writers add it everywhere
    "model_surprise": 0.30,  # resonance: mean max(P(surprise), P(fear)) over the final window
    "model_reactions": 0.30,  # resonance: share of final-window lines with 惊 or 催更 reactions
}


def hook_window(n_lines: int) -> int:
    """The ending judged for the hook: the last 10% of lines, at least 2 and at most 4."""
    return max(1, min(n_lines, max(2, min(4, math.ceil(0.1 * n_lines)))))


@dataclass
class HookScore:
    strength: float
    components: dict[str, float]
    evidence: list[str] = field(default_factory=list)


def hook_strength(texts: list[str], emotions: list[LineEmotion] | None, end_marker: str | None) -> HookScore:
    """Cliffhanger strength of an episode ending from its last lines (see HOOK_WEIGHTS)."""
    if not texts:
        return HookScore(0.0, {k: 0.0 for k in HOOK_WEIGHTS})
    k = hook_window(len(texts))
    window = texts[-k:]
    last = texts[-1]
    x: dict[str, float] = {key: 0.0 for key in HOOK_WEIGHTS}
    evidence: list[str] = []
    if is_question(last):
        x["question_end"] = 1.0
        evidence.append(f"ends on a question: {last[-30:]}")
    if is_interrupted(last):
        x["interrupted_end"] = 1.0
        evidence.append(f"ends mid-sentence: {last[-30:]}")
    joined = "\n".join(window)
    for cat in ("reveal", "threat", "shock", "continuation"):
        hits = find_cues(joined, cat)
        if hits:
            x[cat] = 1.0
            evidence.append(f"{cat}: {', '.join(dict.fromkeys(hits))}")
    if end_marker and x["continuation"] == 0.0 and find_cues(end_marker, "continuation"):
        x["continuation"] = 1.0
        evidence.append(f"continuation: {end_marker}")
    if emotions:
        win = emotions[-k:]
        x["model_surprise"] = sum(max(e.surprise, e.fear) for e in win) / len(win)
        x["model_reactions"] = sum(1 for e in win if e.reactions & {"shock", "anticipation"}) / len(win)
        if x["model_reactions"]:
            evidence.append(f"resonance reactions 惊/催更 on {x['model_reactions']:.0%} of the ending")
    strength = 1.0
    for key, w in HOOK_WEIGHTS.items():
        strength *= 1.0 - w * x[key]
    return HookScore(round(1.0 - strength, 4), {key: round(v, 4) for key, v in x.items()}, evidence)


# --- markers --------------------------------------------------------------------------------------
@dataclass
class Marker:
    line: int  # index within the episode's lines
    category: str  # payoff | conflict | reversal
    cues: list[str]
    text: str


def find_markers(texts: list[str], emotions: list[LineEmotion] | None) -> list[Marker]:
    """Lines carrying a payoff (爽点), a conflict or a reversal; a 爽 reaction from resonance also counts as payoff."""
    out: list[Marker] = []
    for i, text in enumerate(texts):
        for cat in ("payoff", "conflict", "reversal"):
            hits = list(dict.fromkeys(find_cues(text, cat)))
            if cat == "payoff" and emotions and "catharsis" in emotions[i].reactions:
                hits.append("[resonance: 爽]")
            if hits:
                out.append(Marker(i, cat, hits, text[:80]))
    return out


# --- arcs -----------------------------------------------------------------------------------------
@dataclass
class ArcPoint:
    beat: int
    position: float  # centre of the beat, 0..1 through the episode
    valence: float
    intensity: float
    lines: int


def arc_beats(emotions: list[LineEmotion], beats: int = 8) -> list[ArcPoint]:
    """Average valence/intensity over ``beats`` contiguous, equal-count groups of lines."""
    n = len(emotions)
    if n == 0:
        return []
    b = min(beats, n)
    out = []
    for j in range(b):
        lo, hi = (j * n) // b, ((j + 1) * n) // b
        chunk = emotions[lo:hi]
        out.append(ArcPoint(
            beat=j + 1,
            position=round((lo + hi) / (2 * n), 4),
            valence=round(sum(e.valence for e in chunk) / len(chunk), 4),
            intensity=round(sum(e.intensity for e in chunk) / len(chunk), 4),
            lines=len(chunk),
        ))
    return out


ARC_FLAT_THRESHOLD = 0.1


def arc_shape(values: Sequence[float], threshold: float = ARC_FLAT_THRESHOLD) -> str:
    """Name the shape of a valence curve from its thirds (after Reagan et al. 2016's six arcs).

    rise, fall, fall-rise ("man in a hole"), rise-fall ("Icarus"), or flat when no move exceeds
    ``threshold``.
    """
    n = len(values)
    if n < 3:
        if n == 2 and abs(values[1] - values[0]) > threshold:
            return "rise" if values[1] > values[0] else "fall"
        return "flat"
    t = n / 3
    first = [v for i, v in enumerate(values) if i < t]
    middle = [v for i, v in enumerate(values) if t <= i < 2 * t] or [values[n // 2]]
    last = [v for i, v in enumerate(values) if i >= 2 * t]
    a, m, c = (sum(x) / len(x) for x in (first, middle, last))
    d1, d2 = m - a, c - m
    up1, down1 = d1 > threshold, d1 < -threshold
    up2, down2 = d2 > threshold, d2 < -threshold
    if down1 and up2:
        return "fall-rise"
    if up1 and down2:
        return "rise-fall"
    if c - a > threshold:
        return "rise"
    if a - c > threshold:
        return "fall"
    return "flat"


# --- paywall --------------------------------------------------------------------------------------
PAYWALL_RANGE = (5, 16)
PAYOFF_TRUST_SCALE = 3.0  # payoffs after which build-up reaches 1 − 1/e ≈ 63%


@dataclass
class PaywallCandidate:
    episode: int
    hook: float
    cumulative_payoffs: int
    build_up: float
    score: float


def paywall_candidates(episodes: list[int], hooks: list[float], payoffs: list[int]) -> list[PaywallCandidate]:
    """Score each episode in E5–E16 that has an episode after it: hook(e) × build_up(e).

    build_up(e) = 1 − exp(−P(e)/3), P(e) the payoffs delivered in episodes 1..e: a viewer pays to cross
    the wall when the show has already proved it pays off (build-up) and this episode's ending makes
    them need the next one (hook).
    """
    out = []
    cum = 0
    last = max(episodes) if episodes else 0
    for ep, h, p in zip(episodes, hooks, payoffs):
        cum += p
        if PAYWALL_RANGE[0] <= ep <= PAYWALL_RANGE[1] and ep < last:
            b = 1.0 - math.exp(-cum / PAYOFF_TRUST_SCALE)
            out.append(PaywallCandidate(ep, round(h, 4), cum, round(b, 4), round(h * b, 4)))
    return out


def best_paywall(cands: list[PaywallCandidate]) -> PaywallCandidate | None:
    """The highest score; ties go to the earlier episode (an earlier wall reaches more viewers)."""
    best = None
    for c in cands:
        if c.score > 0 and (best is None or c.score > best.score):
            best = c
    return best
