"""DramaScope's own emotion and reaction lexicons, loaded from ``dramascope/data/lexicons``.

The lexicons give the model what a corpus of Weibo sentences cannot: slang that appeared after the
corpus (破防, 上头, 绝绝子 …), emoji and kaomoji, and the effect of negation and degree words. They
are applied to every text whatever its language (a mixed comment gets both), and their per-label
scores become features of the supervised model (see :mod:`features`), so the model learns how far to
trust them. Every cue that fires is kept as evidence.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np
import yaml

from dramascope.resonance.labels import BASE_LABELS, REACTION_CODES
from dramascope.resonance.matcher import ContextMatcher
from dramascope.resonance.normalize import normalize_text

_LABEL_INDEX = {label: i for i, label in enumerate(BASE_LABELS)}


def _load_yaml(name: str) -> dict:
    text = resources.files("dramascope.data").joinpath(f"lexicons/{name}").read_text("utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _parse_entry(entry: str) -> tuple[str, float]:
    term, _, weight = str(entry).rpartition("|")
    if not term:
        return str(entry), 1.0
    return term, float(weight)


def _add_cue(entries: list[tuple[str, float]], label: str, weight: float) -> None:
    """Add a label to a cue; a term listed twice for one label keeps its larger weight (no double count)."""
    for i, (existing, w) in enumerate(entries):
        if existing == label:
            entries[i] = (label, max(w, weight))
            return
    entries.append((label, weight))


def _is_ascii(term: str) -> bool:
    return all(ord(c) < 128 for c in term)


@dataclass
class LexiconResult:
    """What the lexicons found in one (normalised) text."""

    scores: np.ndarray  # per base label, weighted and negation-adjusted
    n_cues: int = 0
    n_negated: int = 0
    evidence: list[str] = field(default_factory=list)
    reactions: dict[str, list[str]] = field(default_factory=dict)


class Lexicons:
    """Compiled matchers for emotion cues (zh words, Latin-script words, symbols) and reaction cues."""

    def __init__(self) -> None:
        mods = _load_yaml("modifiers.yaml")
        self.negation_flip: dict[str, dict[str, float]] = mods["negation_flip"]
        cues: dict[str, dict[str, list[tuple[str, float]]]] = {"zh": defaultdict(list), "latin": defaultdict(list),
                                                                "sym": defaultdict(list)}
        for fname in ("zh_emotion.yaml", "zh_slang.yaml", "en_emotion.yaml"):
            for label, entries in _load_yaml(fname).items():
                for entry in entries:
                    term, weight = _parse_entry(entry)
                    term = normalize_text(term)
                    kind = "latin" if _is_ascii(term) else "zh"
                    _add_cue(cues[kind][term], label, weight)
        for group in _load_yaml("symbols.yaml").values():
            for label, entries in group.items():
                for term in entries:
                    _add_cue(cues["sym"][normalize_text(term)], label, 1.0)
        zh, en = mods["zh"], mods["en"]
        reactions = _load_yaml("reactions.yaml")
        self.reaction_info = {code: {"name_zh": r["name_zh"], "name_en": r["name_en"]} for code, r in reactions.items()}
        rcues: dict[str, dict[str, set[str]]] = {"zh": defaultdict(set), "latin": defaultdict(set), "sym": defaultdict(set)}
        for code, r in reactions.items():
            if code not in REACTION_CODES:
                raise ValueError(f"reactions.yaml: unknown reaction code {code!r}")
            for term in r.get("zh", []):
                t = normalize_text(str(term))
                rcues["latin" if _is_ascii(t) else "zh"][t].add(code)
            for term in r.get("en", []):
                rcues["latin"][normalize_text(str(term))].add(code)
            for term in r.get("emoji", []):
                rcues["sym"][normalize_text(str(term))].add(code)
        self._cues, self._rcues = cues, rcues
        # One matcher per script over emotion and reaction cues together: one scan per text.
        self._matchers = {
            "zh": ContextMatcher([*cues["zh"], *rcues["zh"]], negators=zh["negators"],
                                 false_negators=zh["false_negators"], degree=zh["degree"],
                                 degree_suffix=zh.get("degree_suffix"), window=zh["window"]),
            "latin": ContextMatcher([*cues["latin"], *rcues["latin"]], negators=en["negators"],
                                    false_negators=en["false_negators"], degree=en["degree"], window=en["window"],
                                    word_boundaries=True),
            "sym": ContextMatcher([*cues["sym"], *rcues["sym"]], negators=[], false_negators=[], degree={}),
        }

    @property
    def size(self) -> dict[str, int]:
        return {kind: len(terms) for kind, terms in self._cues.items()}

    def analyze(self, text: str) -> LexiconResult:
        """Score a NORMALISED text (see :func:`normalize_text`)."""
        scores = np.zeros(len(BASE_LABELS), dtype=np.float64)
        result = LexiconResult(scores)
        if not text:
            return result
        has_ascii_letter = any("a" <= c <= "z" or "0" <= c <= "9" for c in text)
        kinds = ("zh", "latin", "sym") if has_ascii_letter else ("zh", "sym")
        for kind in kinds:
            emo, rx = self._cues[kind], self._rcues[kind]
            for hit in self._matchers[kind].find(text):
                if not hit.negated and hit.term in rx:
                    for code in rx[hit.term]:
                        result.reactions.setdefault(code, []).append(hit.term)
                if hit.term not in emo:
                    continue
                result.n_cues += 1
                for label, weight in emo[hit.term]:
                    w = weight * hit.degree
                    if hit.negated:
                        for target, share in self.negation_flip.get(label, {}).items():
                            scores[_LABEL_INDEX[target]] += w * share
                        result.evidence.append(f"not {hit.term}→{label}")
                    else:
                        scores[_LABEL_INDEX[label]] += w
                        result.evidence.append(f"{hit.term}→{label}")
                if hit.negated:
                    result.n_negated += 1
        return result


@lru_cache(maxsize=1)
def get_lexicons() -> Lexicons:
    """The shipped lexicons, compiled once per process (lazily: nothing is read at import)."""
    return Lexicons()
