"""``analyze_script``: a script in, per-episode craft metrics and a paywall recommendation out.

Pipeline: parse (script_parse) → one batched resonance call over every line (script_emotion) →
per-episode metrics (script_metrics) → script-level balance, paywall and, given a workspace, the
comparison with the best-performing titles (script_compare).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from dramascope.chain import script_metrics as sm
from dramascope.chain.script_emotion import Classifier, LineEmotion, default_classifier, score_lines
from dramascope.chain.script_parse import Episode, ParsedScript, Scene, ScriptLine, parse_script
from dramascope.errors import DramaScopeError, UserInputError

_DEFAULT = object()


@dataclass
class EpisodeAnalysis:
    number: int
    title: str
    scenes: int
    lines: int
    dialogue_lines: int
    units: int  # characters (zh) or words (en)
    screen_seconds: float
    screen_seconds_source: str  # "given" | "estimated"
    lines_per_minute: float
    units_per_minute: float
    hook: sm.HookScore
    payoffs: int
    payoffs_per_minute: float
    conflicts: int
    reversals: int
    markers: list[sm.Marker]
    arc: list[sm.ArcPoint]
    arc_shape: str | None
    mean_valence: float | None
    mean_intensity: float | None
    speakers: dict[str, float]  # share of dialogue units
    dialogue_gini: float


@dataclass
class ScriptAnalysis:
    lang: str
    episode_marker: str
    emotion_model: str
    screen_time_rule: str
    episodes: list[EpisodeAnalysis]
    speakers: dict[str, float]
    speaker_lines: dict[str, int]
    dialogue_gini: float
    paywall_episode: int | None
    paywall_rule: str
    paywall_candidates: list[sm.PaywallCandidate]
    comparison: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def scene_count(self) -> int:
        return sum(e.scenes for e in self.episodes)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (the `script analyze --format json` output and the web page data)."""
        return dataclasses.asdict(self) | {"scene_count": self.scene_count}


def _speaker_key(name: str) -> str:
    """Fountain cues are upper case (ROSS) where colon lines are not (Ross): one person, one key."""
    return name.title() if name.isupper() and name.isascii() else name


def _analyze_episode(ep: Episode, lang: str, emotions: list[LineEmotion] | None, episode_seconds: float | None
                     ) -> EpisodeAnalysis:
    lines = ep.lines
    texts = [ln.text for ln in lines]
    units = [sm.text_units(t, lang) for t in texts]
    total_units = sum(units)
    n_scenes = sum(1 for s in ep.scenes if s.index > 0) or (1 if lines else 0)
    if episode_seconds:
        seconds, source = float(episode_seconds), "given"
    else:
        seconds, source = sm.estimate_seconds(total_units, n_scenes, lang), "estimated"
    minutes = seconds / 60.0
    markers = sm.find_markers(texts, emotions)
    payoffs = len({m.line for m in markers if m.category == "payoff"})
    spk_units: Counter[str] = Counter()
    for ln, u in zip(lines, units):
        if ln.kind == "dialogue" and ln.speaker:
            spk_units[_speaker_key(ln.speaker)] += u
    spk_total = sum(spk_units.values())
    shares = {k: round(v / spk_total, 4) for k, v in spk_units.most_common()} if spk_total else {}
    arc = sm.arc_beats(emotions) if emotions is not None else []
    return EpisodeAnalysis(
        number=ep.number,
        title=ep.title,
        scenes=n_scenes,
        lines=len(lines),
        dialogue_lines=sum(1 for ln in lines if ln.kind == "dialogue"),
        units=total_units,
        screen_seconds=round(seconds, 1),
        screen_seconds_source=source,
        lines_per_minute=round(len(lines) / minutes, 2) if minutes else 0.0,
        units_per_minute=round(total_units / minutes, 2) if minutes else 0.0,
        hook=sm.hook_strength(texts, emotions, ep.end_marker),
        payoffs=payoffs,
        payoffs_per_minute=round(payoffs / minutes, 3) if minutes else 0.0,
        conflicts=sum(1 for m in markers if m.category == "conflict"),
        reversals=sum(1 for m in markers if m.category == "reversal"),
        markers=markers,
        arc=arc,
        arc_shape=sm.arc_shape([p.valence for p in arc]) if arc else None,
        mean_valence=round(sum(e.valence for e in emotions) / len(emotions), 4) if emotions else None,
        mean_intensity=round(sum(e.intensity for e in emotions) / len(emotions), 4) if emotions else None,
        speakers=shares,
        dialogue_gini=round(sm.gini(list(spk_units.values())), 4),
    )


def analyze_parsed(parsed: ParsedScript, *, lang: str = "auto", episode_seconds: float | None = None,
                   classifier: Classifier | None | object = _DEFAULT, model_name: str | None = None
                   ) -> ScriptAnalysis:
    """Analyse an already parsed script (see :func:`analyze_script`)."""
    all_lines = parsed.lines
    if not all_lines:
        raise UserInputError("the script has no dialogue or action lines", field="text")
    if lang == "auto":
        lang = sm.detect_lang("\n".join(ln.text for ln in all_lines[:400]))
    if lang not in sm.SPEECH_RATE:
        raise UserInputError(f"unsupported language {lang!r}: use auto, zh or en", field="lang")
    warnings: list[str] = []
    using_default = classifier is _DEFAULT
    if using_default:
        classifier, model_name = default_classifier()
    model_name = model_name or ("custom classifier" if classifier else "none")
    try:
        emotions = score_lines([ln.text for ln in all_lines], lang, classifier)  # type: ignore[arg-type]
    except DramaScopeError as exc:  # the default engine is installed but has no model: degrade, say so
        if not using_default:
            raise
        emotions, model_name = None, f"unavailable ({exc})"
    if emotions is None:
        warnings.append(f"emotion model {model_name}: arcs and model-based hook components are omitted")
    elif using_default and emotions:
        from dramascope.resonance.model import load_model

        model_name = load_model().version  # what each result's model_version names (cached, no re-scoring)
    episodes = []
    offset = 0
    for ep in parsed.episodes:
        n = len(ep.lines)
        ep_emotions = emotions[offset:offset + n] if emotions is not None else None
        offset += n
        if n:
            episodes.append(_analyze_episode(ep, lang, ep_emotions, episode_seconds))
    numbers = [e.number for e in episodes]
    if len(set(numbers)) != len(numbers):
        warnings.append("episode numbers repeat: " + ", ".join(str(n) for n, c in Counter(numbers).items() if c > 1))
    spk_units: Counter[str] = Counter()
    spk_lines: Counter[str] = Counter()
    for ln in all_lines:
        if ln.kind == "dialogue" and ln.speaker:
            key = _speaker_key(ln.speaker)
            spk_units[key] += sm.text_units(ln.text, lang)
            spk_lines[key] += 1
    total = sum(spk_units.values())
    cands = sm.paywall_candidates(numbers, [e.hook.strength for e in episodes], [e.payoffs for e in episodes])
    best = sm.best_paywall(cands)
    if best is not None:
        rule = (f"E{best.episode}: highest hook × payoff build-up in E{sm.PAYWALL_RANGE[0]}–E{sm.PAYWALL_RANGE[1]} "
                f"(hook {best.hook:.2f} × build-up {best.build_up:.2f} after {best.cumulative_payoffs} payoffs)")
    elif not cands:
        rule = (f"no recommendation: the paywall needs an episode in E{sm.PAYWALL_RANGE[0]}–E{sm.PAYWALL_RANGE[1]} "
                f"with at least one episode after it (this script has {len(episodes)})")
    else:
        rule = "no recommendation: no episode in range has both a hook and payoffs before it"
    rates = ", ".join(f"{k} {v:g}/s" for k, v in sm.SPEECH_RATE.items())
    return ScriptAnalysis(
        lang=lang,
        episode_marker=parsed.episode_marker,
        emotion_model=model_name,
        screen_time_rule=(f"given: {episode_seconds:g} s per episode" if episode_seconds else
                          f"estimated from text: units / speech rate ({rates}; zh units are characters, en words)"
                          f" + {sm.SCENE_OVERHEAD_SECONDS:g} s per scene"),
        episodes=episodes,
        speakers={k: round(v / total, 4) for k, v in spk_units.most_common()} if total else {},
        speaker_lines=dict(spk_lines.most_common()),
        dialogue_gini=round(sm.gini(list(spk_units.values())), 4),
        paywall_episode=best.episode if best else None,
        paywall_rule=rule,
        paywall_candidates=cands,
        warnings=warnings,
    )


def analyze_script(text: str, *, lang: str = "auto", episode_seconds: float | None = None,
                   classifier: Classifier | None | object = _DEFAULT) -> ScriptAnalysis:
    """Analyse a script given as one text (plain, Markdown or Fountain-like; zh or en).

    ``classifier`` defaults to the resonance engine; pass None to skip emotions or any callable with
    the ``classify_texts(texts, lang)`` contract. The comparison with a workspace's best-performing
    titles is :func:`dramascope.chain.script_compare.compare_with_top_titles`.
    """
    if not text or not text.strip():
        raise UserInputError("the script is empty", field="text")
    if episode_seconds is not None and episode_seconds <= 0:
        raise UserInputError("episode_seconds must be positive", field="episode_seconds")
    return analyze_parsed(parse_script(text), lang=lang, episode_seconds=episode_seconds, classifier=classifier)


def parsed_from_episode_texts(rows: list[tuple[int, str]]) -> ParsedScript:
    """Build a ParsedScript from (episode_no, text) rows as stored in the ``scripts`` table."""
    episodes = []
    for number, text in sorted(rows):
        inner = parse_script(text)
        ep = Episode(number=int(number), title="")
        for sub in inner.episodes:
            for sc in sub.scenes:
                idx = len(ep.scenes) + 1 if sc.index > 0 or sc.lines else 0
                ep.scenes.append(Scene(index=idx, heading=sc.heading, lines=[
                    dataclasses.replace(ln, episode=int(number), scene=idx) for ln in sc.lines]))
            ep.end_marker = sub.end_marker or ep.end_marker
        episodes.append(ep)
    return ParsedScript(episodes=episodes, episode_marker="table")


def analyze_episode_texts(rows: list[tuple[int, str]], *, lang: str = "auto", episode_seconds: float | None = None,
                          classifier: Classifier | None | object = _DEFAULT) -> ScriptAnalysis:
    """Analyse a script stored one row per episode (the ``scripts`` table)."""
    return analyze_parsed(parsed_from_episode_texts(rows), lang=lang, episode_seconds=episode_seconds,
                          classifier=classifier)


__all__ = ["EpisodeAnalysis", "ScriptAnalysis", "ScriptLine", "analyze_episode_texts", "analyze_parsed",
           "analyze_script", "parsed_from_episode_texts"]
