"""DramaScope's own emotion and reaction lexicons, loaded from ``dramascope/data/lexicons``.

The lexicons give the model what a corpus of Weibo sentences cannot: slang that appeared after the
corpus (破防, 上头, 绝绝子 …), emoji and kaomoji, and the effect of negation and degree words. They
are applied to every text whatever its language (a mixed comment gets both), and their per-label
scores become features of the supervised model (see :mod:`features`), so the model learns how far to
trust them. Every cue that fires is kept as evidence. `Lexicons.analyze` reads one text;
`Lexicons.analyze_batch` a normalised batch at once, returning columns (`LexiconBatch`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np
import yaml

from dramascope.resonance.labels import BASE_LABELS, REACTION_CODES
from dramascope.resonance.matcher import BatchContextMatcher
from dramascope.resonance.normalize import CodeBatch, normalize_text

_LABEL_INDEX = {label: i for i, label in enumerate(BASE_LABELS)}
_REACTION_INDEX = {code: i for i, code in enumerate(REACTION_CODES)}


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


class _CueTables:
    """What each cue of one matcher means, as arrays indexed by the matcher's term id: its emotion
    entries (label, weight, evidence strings) and its reaction codes."""

    def __init__(self, terms: list[str], emo: dict, rx: dict, flip: dict[str, dict[str, float]]):
        labels, weights, evidence, ent_off = [], [], [], [0]
        codes, rx_off = [], [0]
        for term in terms:
            for label, weight in emo.get(term, []):
                labels.append(_LABEL_INDEX[label])
                weights.append(weight)
                evidence += [f"{term}→{label}", f"not {term}→{label}"]
            ent_off.append(len(labels))
            codes += [_REACTION_INDEX[c] for c in rx.get(term, ())]  # the set's own order
            rx_off.append(len(codes))
        self.terms = np.array(terms, dtype=object)
        self.ent_off, self.rx_off = np.array(ent_off), np.array(rx_off)
        self.label, self.weight = np.array(labels, dtype=np.int64), np.array(weights, dtype=np.float64)
        self.evidence = np.array(evidence, dtype=object)
        self.rx_code = np.array(codes, dtype=np.int64)
        f_off, f_target, f_share = [0], [], []
        for label in BASE_LABELS:
            for target, share in flip.get(label, {}).items():
                f_target.append(_LABEL_INDEX[target])
                f_share.append(share)
            f_off.append(len(f_target))
        self.flip_off = np.array(f_off)
        self.flip_target, self.flip_share = np.array(f_target, dtype=np.int64), np.array(f_share, dtype=np.float64)


NO_EVIDENCE: list[str] = []
_NO_REACTIONS: dict[str, list[str]] = {}


@dataclass(frozen=True)
class FindingTables:
    """The strings a batch's findings point into: evidence strings (two per cue entry: plain and
    negated), cue terms, and each (cue, reaction) pair's code; with their JSON encodings (UTF-8), so
    the evidence column of a batch can be written without per-text Python."""

    evidence: np.ndarray  # object: "cue→label" / "not cue→label" per entry
    strings: np.ndarray  # object: the evidence strings, then "code:cue" per (cue, reaction) entry
    terms: list[str]  # per cue (global id)
    rx_tid: np.ndarray  # per (cue, reaction) entry: the cue
    rx_code: np.ndarray  # per (cue, reaction) entry: the reaction code index
    json_bytes: np.ndarray  # uint8: JSON strings of the evidence strings, then of "code:cue" per rx entry
    json_off: np.ndarray  # int64 offsets into json_bytes (len = pieces + 1)
    alpha_rank: np.ndarray  # per reaction code index: its rank in alphabetical order of the codes
    term_json: np.ndarray  # uint8: JSON strings of the cue terms
    term_json_off: np.ndarray  # int64 offsets into term_json (len = terms + 1)


@dataclass
class LexiconBatch:
    """What the lexicons found in a batch, as columns (one row per text).

    Evidence and reactions are kept as columns too: ``ev_idx`` (ids into ``tables.evidence``) with
    their texts ``ev_doc`` (ascending), and the reaction hits ``rx_doc``/``rx_entry`` (ids of (cue,
    reaction) entries) in the order the per-text loop finds them. ``evidence`` and ``reactions`` build
    the per-text lists and dicts from them when first read (one list per text; texts without
    findings share one empty list / dict, read-only: consumers copy before changing)."""

    scores: np.ndarray  # (n, labels) float64
    n_cues: np.ndarray
    n_negated: np.ndarray
    reaction_flags: np.ndarray  # (n, reaction codes) float32, 1 where a reaction fired
    ev_idx: np.ndarray
    ev_doc: np.ndarray
    rx_doc: np.ndarray
    rx_entry: np.ndarray
    tables: FindingTables
    _evidence: list | None = field(default=None, repr=False)
    _reactions: list | None = field(default=None, repr=False)

    @property
    def evidence(self) -> list[list[str]]:
        if self._evidence is None:
            n = len(self.scores)
            evidence: list[list[str]] = [NO_EVIDENCE] * n
            if len(self.ev_idx):
                strs = self.tables.evidence[self.ev_idx].tolist()
                bounds = np.searchsorted(self.ev_doc, np.arange(n + 1))
                docs = np.flatnonzero(np.diff(bounds))
                for d, part in zip(docs.tolist(), map(strs.__getitem__, map(slice, bounds[docs].tolist(),
                                                                            bounds[docs + 1].tolist()))):
                    evidence[d] = part
            self._evidence = evidence
        return self._evidence

    def result_evidence(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids into ``tables.strings``, offsets per text) of each text's evidence list as a result
        carries it: its evidence strings, then "code:cue" for its reactions by code in alphabetical
        order, each code's cues in the order found."""
        from dramascope.resonance.compiled import kernels

        t = self.tables
        return kernels.finding_ids(len(self.scores), self.ev_idx, self.ev_doc, self.rx_doc, self.rx_entry,
                                   len(t.evidence), t.rx_code, t.alpha_rank, len(REACTION_CODES))

    @property
    def reactions(self) -> list[dict[str, list[str]]]:
        if self._reactions is None:
            reactions: list[dict[str, list[str]]] = [_NO_REACTIONS] * len(self.scores)
            t = self.tables
            for d, q in zip(self.rx_doc.tolist(), self.rx_entry.tolist()):
                if reactions[d] is _NO_REACTIONS:
                    reactions[d] = {}
                reactions[d].setdefault(REACTION_CODES[t.rx_code[q]], []).append(t.terms[t.rx_tid[q]])
            self._reactions = reactions
        return self._reactions


class LexiconResults(Sequence):
    """``LexiconBatch`` seen as one :class:`LexiconResult` per text (built when read)."""

    def __init__(self, batch: LexiconBatch):
        self.batch = batch

    def __len__(self) -> int:
        return len(self.batch.scores)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        b = self.batch
        return LexiconResult(b.scores[i].copy(), int(b.n_cues[i]), int(b.n_negated[i]), list(b.evidence[i]),
                             {code: list(cues) for code, cues in b.reactions[i].items()})


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
        # One matcher per script over emotion and reaction cues together: one scan per text (or batch).
        self._batch = {
            "zh": BatchContextMatcher([*cues["zh"], *rcues["zh"]], negators=zh["negators"],
                                      false_negators=zh["false_negators"], degree=zh["degree"],
                                      degree_suffix=zh.get("degree_suffix"), window=zh["window"]),
            "latin": BatchContextMatcher([*cues["latin"], *rcues["latin"]], negators=en["negators"],
                                         false_negators=en["false_negators"], degree=en["degree"],
                                         window=en["window"], word_boundaries=True),
            "sym": BatchContextMatcher([*cues["sym"], *rcues["sym"]], negators=[], false_negators=[], degree={}),
        }
        self._matchers = {kind: m.per_text for kind, m in self._batch.items()}
        self._tables = {kind: _CueTables(m.terms, cues[kind], rcues[kind], self.negation_flip)
                        for kind, m in self._batch.items()}
        self._build_global_tables()

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

    def analyze_batch(self, batch: CodeBatch, has_latin: np.ndarray) -> LexiconBatch:
        """:meth:`analyze` for every text of a normalised batch at once (same scores, same order of
        evidence and reactions). ``has_latin`` marks the texts holding an [a-z0-9] character: Latin
        cues are only looked for there, as :meth:`analyze` does."""
        n = len(batch.texts)
        parts = []
        for kind in _KINDS:
            only = has_latin if kind == "latin" else None
            if only is not None and not only.any():
                continue
            _pos, _end, tid, neg, deg, hdoc = self._batch[kind].find_batch(batch.cp, batch.starts, batch.texts,
                                                                          only_docs=only)
            parts.append((hdoc, tid + self._tid_base[kind], neg, deg))
        return self._assemble(n, parts)

    def _build_global_tables(self) -> None:
        """The three matchers' cue tables as one (term ids offset per matcher), for `_assemble`."""
        base, ent_off, rx_off = 0, [np.zeros(1, np.int64)], [np.zeros(1, np.int64)]
        self._tid_base: dict[str, int] = {}
        labels, weights, evidence, codes, terms, rx_tid = [], [], [], [], [], []
        for kind in _KINDS:
            t = self._tables[kind]
            self._tid_base[kind] = base
            ent_off.append(t.ent_off[1:] + sum(len(x) for x in labels))
            rx_off.append(t.rx_off[1:] + sum(len(x) for x in codes))
            rx_tid.append(np.repeat(np.arange(len(t.terms)) + base, np.diff(t.rx_off)))
            base += len(t.terms)
            labels.append(t.label)
            weights.append(t.weight)
            evidence.append(t.evidence)
            codes.append(t.rx_code)
            terms.append(t.terms)
        zh = self._tables["zh"]  # the negation flip is the same for every matcher
        self._global = (np.concatenate(ent_off), np.concatenate(labels), np.concatenate(weights), zh.flip_off,
                        zh.flip_target, zh.flip_share, np.concatenate(rx_off), np.concatenate(codes))
        ev = np.concatenate(evidence)
        all_terms = np.concatenate(terms).tolist()
        rx_tid_all = np.concatenate(rx_tid).astype(np.int64)
        rx_code_all = np.concatenate(codes).astype(np.int64)
        pieces = [json.dumps(x, ensure_ascii=False).encode("utf-8") for x in ev.tolist()]
        pieces += [json.dumps(f"{REACTION_CODES[c]}:{all_terms[t]}", ensure_ascii=False).encode("utf-8")
                   for t, c in zip(rx_tid_all.tolist(), rx_code_all.tolist())]
        off = np.zeros(len(pieces) + 1, dtype=np.int64)
        np.cumsum([len(x) for x in pieces], out=off[1:])
        alpha = sorted(range(len(REACTION_CODES)), key=lambda c: REACTION_CODES[c])
        alpha_rank = np.empty(len(REACTION_CODES), dtype=np.int64)
        alpha_rank[alpha] = np.arange(len(REACTION_CODES))
        strings = np.array(ev.tolist() + [f"{REACTION_CODES[c]}:{all_terms[t]}" for t, c in
                                          zip(rx_tid_all.tolist(), rx_code_all.tolist())], dtype=object)
        term_pieces = [json.dumps(t, ensure_ascii=False).encode("utf-8") for t in all_terms]
        term_off = np.zeros(len(term_pieces) + 1, dtype=np.int64)
        np.cumsum([len(x) for x in term_pieces], out=term_off[1:])
        self._findings = FindingTables(ev, strings, all_terms, rx_tid_all, rx_code_all,
                                       np.frombuffer(b"".join(pieces), dtype=np.uint8), off, alpha_rank,
                                       np.frombuffer(b"".join(term_pieces), dtype=np.uint8), term_off)

    def _assemble(self, n: int, parts: list) -> LexiconBatch:
        """Scores, counts, evidence and reactions per text from the hits of the three matchers, in the
        order the per-text loop visits them (by text, then matcher, then position): the scores are
        float64 sums in that order (:func:`kernels.assemble_hits`)."""
        from dramascope.resonance.compiled import kernels

        hdoc, tid, neg, deg = (np.concatenate(x) for x in zip(*parts)) if parts else (
            np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, bool), np.zeros(0))
        if len(parts) > 1:
            order = np.argsort(hdoc, kind="stable")  # by text; matcher, then position within a text
            hdoc, tid, neg, deg = hdoc[order], tid[order], neg[order], deg[order]
        scores, flags, n_cues, n_neg, ev_idx, ev_doc, rx_doc, rx_entry = kernels.assemble_hits(
            n, len(BASE_LABELS), len(REACTION_CODES), hdoc.astype(np.int64), tid.astype(np.int64),
            neg.astype(np.bool_), deg.astype(np.float64), *self._global)
        return LexiconBatch(scores, n_cues, n_neg, flags, ev_idx, ev_doc, rx_doc, rx_entry, self._findings)


_KINDS = ("zh", "latin", "sym")


@lru_cache(maxsize=1)
def get_lexicons() -> Lexicons:
    """The shipped lexicons, compiled once per process (lazily: nothing is read at import)."""
    return Lexicons()
