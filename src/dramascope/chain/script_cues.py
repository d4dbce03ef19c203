"""Cue lexicons for the writer's craft markers: cliffhangers, payoffs (爽点), conflict and reversal.

Why lexicons: these are the genre's own stock phrases (打脸, 跪下, 真相大白, "you're fired"), so a
transparent cue list is both accurate enough and explainable — every count in a script report can be
traced to the words that triggered it. The emotion model (dramascope.resonance) adds the audience-side
reading (惊, 催更, 爽 reactions) on top. Extend the lists with evidence; keep zh and en together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CUES: dict[str, tuple[str, ...]] = {
    # An ending that withholds: a reveal about to land, an open threat, an explicit continuation.
    "reveal": (
        "真相", "原来是", "原来你", "竟然是", "居然是", "竟是", "你到底是谁", "身份", "亲生", "秘密", "其实我", "其实你",
        "DNA", "亲子鉴定", "我才是", "就是你", "是你干的", "the truth", "it was you", "you're the one",
        "i'm your", "i am your", "real identity", "secret", "who are you", "paternity", "the real heir",
        "turns out", "revealed",
    ),
    "threat": (
        "你等着", "不会放过", "走着瞧", "杀了", "去死", "小心", "危险", "枪", "刀", "绑架", "失踪", "晕倒", "昏迷",
        "倒在血泊", "出事了", "车祸", "救命", "来不及了", "you'll pay", "you will pay", "watch your back",
        "kill", "gun", "knife", "kidnapped", "missing", "dead", "dying", "accident", "help!", "blood",
        "too late", "run!", "trap",
    ),
    "shock": (
        "什么？", "什么?", "怎么会", "不可能", "怎么可能", "竟然", "居然", "突然", "猛地", "愣住", "震惊", "尖叫",
        "砰", "一声巨响", "what?!", "what?", "no way", "impossible", "suddenly", "gasps", "screams", "bang",
        "freezes", "shocked", "can't be",
    ),
    # An explicit continuation, or the writer's own hook annotation (【卡点】, HOOK:).
    "continuation": ("未完待续", "待续", "下集", "卡点", "to be continued", "next episode", "stay tuned", "hook:"),
    # 爽点: the payoffs the audience waits for — humiliation of the villain, status reversal, vindication.
    "payoff": (
        "打脸", "反转", "跪下", "跪了", "跪在", "真相大白", "道歉", "后悔", "身份曝光", "曝光", "原来您是", "有眼不识泰山",
        "扇了", "一巴掌", "耳光", "开除", "你被解雇", "恭迎", "董事长", "认错", "求饶", "傻眼", "当众",
        "全场哗然", "狠狠", "报应", "活该", "没想到你是", "解气", "逆袭", "夺回",
        "slap", "slaps", "exposed", "kneel", "kneels", "on your knees", "apologize", "apologise", "you're fired",
        "you are fired", "regret", "begs", "beg for", "humiliated", "payback", "karma", "owner of this",
        "bow down", "stunned silence", "serves you right", "revealed as",
    ),
    "conflict": (
        "吵", "骂", "打", "滚", "闭嘴", "凭什么", "威胁", "逼", "抢", "陷害", "背叛", "离婚", "退婚", "赶出", "羞辱",
        "嘲笑", "看不起", "废物", "穷鬼", "贱人", "你敢", "how dare", "shut up", "get out", "divorce", "betray",
        "betrayed", "threaten", "loser", "trash", "fight", "argue", "hate you", "framed", "humiliate",
    ),
    "reversal": (
        "没想到", "竟然", "居然", "原来", "其实", "反转", "却", "谁知", "不料", "结果", "恰恰相反", "万万没想到",
        "turns out", "actually", "in fact", "but then", "little did", "plot twist", "it was all", "instead",
        "unexpectedly",
    ),
}


@dataclass(frozen=True)
class CueHit:
    category: str
    cue: str


def _compile(cues: tuple[str, ...]) -> re.Pattern:
    parts = []
    for c in sorted(cues, key=len, reverse=True):
        esc = re.escape(c)
        if re.fullmatch(r"[A-Za-z' ]+", c):  # whole words only for Latin cues
            esc = r"\b" + esc + r"\b"
        parts.append(esc)
    return re.compile("|".join(parts), re.IGNORECASE)


_PATTERNS = {cat: _compile(cues) for cat, cues in CUES.items()}


def find_cues(text: str, category: str) -> list[str]:
    """Every cue of ``category`` in ``text`` (lower-cased), in order of appearance."""
    return [m.group(0).lower() for m in _PATTERNS[category].finditer(text)]


QUESTION_END_RE = re.compile(r"[?？][!！?？”\"」』)）…]*\s*$|(?:吗|呢|么|谁|哪)[!！。…”\"]*\s*$")
INTERRUPTED_END_RE = re.compile(r"(?:—{1,2}|-{2,}|…{1,2}|\.{3,})[”\"」』]?\s*$")
EXCLAIM_END_RE = re.compile(r"[!！]{1,}[”\"」』]?\s*$")


def is_question(text: str) -> bool:
    return bool(QUESTION_END_RE.search(text))


def is_interrupted(text: str) -> bool:
    return bool(INTERRUPTED_END_RE.search(text))


def is_exclamation(text: str) -> bool:
    return bool(EXCLAIM_END_RE.search(text))
