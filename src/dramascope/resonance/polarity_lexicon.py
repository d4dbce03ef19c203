"""DramaScope's own lexicon of how audiences judge a film or drama, matched over a whole batch at once.

Why a lexicon at all: the polarity model learns from reviews of hotels, food delivery and shopping
(the polarity data we may train on), which rarely say 神作, 烂尾 or 注水. The cues here put such
film/drama words in the same two feature columns (positive judgement, negative judgement) as the
general words the reviews do contain (好, 推荐, 失望, 垃圾 …), so the weight the model learns for
those columns carries over to words it never saw (a "pivot feature" for domain transfer).

Written by this project (no DUTIR, HowNet or NRC entries). Each cue has a polarity and a strength.

How negation and degree work without a per-text loop: every cue is expanded into phrases (degree +
cue, negator + cue), and each phrase gets a *target* score (不好看 = −1, 很好看 = +1.5, 不无聊 = +0.5).
A phrase's own weight is its target minus the weights of the lexicon phrases inside it, so that
summing the weights of every lexicon n-gram found in a text gives each phrase exactly its target
(不好看 contains 好看 = +1, so 不好看 itself weighs −2). Matching then finds every occurrence of every
phrase (a trie walk from each character, :func:`kernels.phrase_sums`) and adds its weights. The phrase
columns in the 2**62 hash space of :func:`features.ngram_occurrences` are still kept with a model (its
lexicon format, version 2); scoring by the phrases themselves gives what looking the columns up gave,
without the chance of a hash collision.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from dramascope.resonance.features import ngram_occurrences
from dramascope.resonance.matcher import TermTable
from dramascope.resonance.normalize import normalize_text

LEXICON_VERSION = "2"  # 2: 62-bit phrase columns (1: 30-bit)
HASH_BITS = 62
BLOOM_SHIFT = HASH_BITS - 22  # 2**22 bloom cells: a cheap first test before the binary search

# Cues are written in simplified Chinese, normalised on load (so 經典 in a comment still meets 经典).
# strength 2: a verdict on its own (神作, 烂片); 1: a clear judgement; 0.5: mild or hedged.
POSITIVE: dict[float, tuple[str, ...]] = {
    2.0: (
        "神作", "神剧", "神片", "封神", "经典", "佳作", "杰作", "力作", "巅峰", "天花板", "满分", "五星", "5星",
        "10分", "力荐", "强推", "强烈推荐", "墙裂推荐", "必看", "年度最佳", "无可挑剔", "完美", "惊艳",
        "震撼", "绝了", "绝绝子", "yyds", "永远的神", "看哭", "哭成狗", "泪目", "值得一看", "值得一刷", "二刷",
        "三刷", "n刷", "百看不厌", "回味无穷", "良心", "宝藏", "超赞", "太赞", "大爱", "好评", "佩服", "大师",
        "must see", "must-see", "brilliant", "amazing", "loved it", "love it", "10/10",
    ),
    1.0: (
        "好看", "精彩", "感人", "动人", "有趣", "有意思", "喜欢", "推荐", "不错", "优秀", "出色", "细腻", "深刻",
        "温暖", "治愈", "过瘾", "好笑", "搞笑", "幽默", "演技好", "演技在线", "演得好", "漂亮", "好听", "值得",
        "四星", "4星", "有深度", "流畅", "紧凑", "张力", "精良", "用心", "诚意", "真诚", "可爱", "热血", "感动",
        "值回票价", "爱了", "好棒", "精致", "出彩", "上头", "高能", "爽", "赞", "棒", "美好", "真实",
        "动容", "共鸣", "难忘", "享受", "舒服", "有味道", "有韵味", "有意境", "真好", "好戏", "好片", "好剧",
        "催更", "追更", "一口气看完", "熬夜看完", "停不下来", "欲罢不能", "爽剧", "磕到了", "好磕",
        "神仙", "高级", "惊喜", "生动", "传神", "入木三分", "荡气回肠", "扣人心弦", "引人入胜", "拍案叫绝",
        "👍", "❤", "😍", "🥰", "💯",
        "great", "good", "enjoyed", "beautiful", "touching", "moving", "funny", "recommend", "wonderful",
        "excellent", "favorite", "favourite", "worth", "fantastic", "awesome", "perfect", "best",
    ),
    0.5: ("还不错", "挺好", "可以看", "看得下去", "及格", "三星半", "不俗", "亮点"),
}
NEGATIVE: dict[float, tuple[str, ...]] = {
    2.0: (
        "烂片", "烂剧", "烂作", "垃圾", "难看", "一星", "1星", "零分", "0分", "负分", "最烂", "烂透", "浪费时间",
        "浪费生命", "浪费钱", "浪费感情", "退钱", "退票", "弃剧", "弃了", "看不下去", "不忍直视", "辣眼睛", "恶心",
        "侮辱智商", "降智", "智障", "脑残", "烂尾", "糟糕", "失望", "差评", "最差", "雷剧", "雷人", "毁原著",
        "圈钱", "割韭菜", "骗钱", "骗票房", "睡着了", "看睡着", "什么玩意", "什么鬼", "稀烂", "屎", "💩", "🤮",
        "👎", "worst", "terrible", "awful", "garbage", "waste of", "boring", "trash",
    ),
    1.0: (
        "无聊", "尴尬", "注水", "拖沓", "冗长", "狗血", "老套", "俗套", "平庸", "乏味", "枯燥", "沉闷", "闷",
        "做作", "浮夸", "出戏", "生硬", "僵硬", "面瘫", "硬伤", "漏洞", "莫名其妙", "不知所云", "混乱", "空洞",
        "苍白", "矫情", "幼稚", "低幼", "廉价", "五毛", "抄袭", "强行", "硬凹", "说教", "败笔", "扣分", "减分",
        "二星", "2星", "失败", "差劲", "很差", "太差", "好差", "真差", "烂", "尬", "难受", "无语", "崩了", "毁了",
        "坑", "敷衍", "粗糙", "潦草", "拉胯", "拉垮", "下头", "离谱", "弱智", "装逼", "难以忍受", "受不了", "败坏",
        "糊弄", "不行", "不好", "缺点", "一言难尽",
        "bad", "letdown", "let down", "weak", "mess", "dull", "cringe", "overrated",
        "poor", "stupid",
    ),
    0.5: ("一般", "一般般", "还行", "凑合", "中规中矩", "平平", "三星", "3星", "可惜", "遗憾", "套路", "不过如此",
          "有点长", "太长", "看不懂"),
}
# A negator right before a cue turns it round: a negated praise is a clear criticism (不好看 = −1 × its
# strength), a negated criticism only faint praise (不无聊 = +0.5 ×).
NEGATORS = ("不", "没", "没有", "不太", "不够", "不怎么", "不是很", "不算", "并不", "并没有", "一点也不", "一点都不",
            "毫不", "算不上", "称不上", "谈不上", "绝不", "not", "not very", "not that", "never", "isn't", "wasn't")
NEGATED_PRAISE = -1.0
NEGATED_CRITICISM = 0.5
# A degree word right before a cue strengthens it by half.
DEGREES = ("很", "太", "非常", "超", "超级", "真", "真的", "好", "特别", "十分", "巨", "贼", "极其", "最", "相当", "挺",
           "so", "very", "really")
DEGREE_FACTOR = 1.5
# Generated phrases (negator/degree + cue) longer than this are dropped: each extra n-gram size costs a hashing
# pass over the batch. Cues themselves may be longer (excellent, recommend … are 9 characters).
MAX_PHRASE_CHARS = 8

FEATURE_NAMES = ("pol_pos", "pol_neg", "pol_has_pos", "pol_has_neg", "pol_net")


def _phrase_targets() -> dict[str, float]:
    """Every lexicon phrase (normalised) and the net score a text consisting of it should get."""
    cues: dict[str, float] = {}
    for sign, table in ((1.0, POSITIVE), (-1.0, NEGATIVE)):
        for strength, terms in table.items():
            for term in terms:
                key = normalize_text(term)
                if key and abs(sign * strength) > abs(cues.get(key, 0.0)):
                    cues[key] = sign * strength
    targets = dict(cues)
    negators = [normalize_text(n) for n in NEGATORS]
    degrees = [normalize_text(d) for d in DEGREES]
    for cue, score in cues.items():
        ascii_cue = cue.isascii()
        for neg in negators:
            if neg.isascii() != ascii_cue:
                continue
            phrase = f"{neg} {cue}" if ascii_cue else neg + cue
            if phrase not in cues and len(phrase) <= MAX_PHRASE_CHARS:
                targets[phrase] = abs(score) * (NEGATED_PRAISE if score > 0 else NEGATED_CRITICISM)
        for deg in degrees:
            if deg.isascii() != ascii_cue:
                continue
            phrase = f"{deg} {cue}" if ascii_cue else deg + cue
            if phrase not in cues and phrase not in targets and len(phrase) <= MAX_PHRASE_CHARS:
                targets[phrase] = score * DEGREE_FACTOR
    return targets


def _substring_counts(phrase: str, others: dict[str, float]) -> list[tuple[str, int]]:
    """Lexicon phrases occurring inside ``phrase`` (proper substrings), with their occurrence counts."""
    out = []
    n = len(phrase)
    for k in range(1, n):
        seen: dict[str, int] = {}
        for i in range(n - k + 1):
            sub = phrase[i:i + k]
            if sub in others:
                seen[sub] = seen.get(sub, 0) + 1
        out.extend(seen.items())
    return out


def _inclusion_weights(targets: dict[str, float]) -> dict[str, float]:
    """Weights such that the sum over all lexicon substrings of a phrase equals its target."""
    weights: dict[str, float] = {}
    for phrase in sorted(targets, key=len):
        inner = sum(weights[s] * c for s, c in _substring_counts(phrase, weights))
        weights[phrase] = targets[phrase] - inner
    return weights


@dataclass(frozen=True)
class PolarityLexicon:
    """Phrase columns in the hash space (sorted) and their positive / negative channel weights."""

    sizes: tuple[int, ...]
    columns: np.ndarray  # int64, sorted, unique
    bloom: np.ndarray  # bool over columns >> BLOOM_SHIFT: a cheap first test before the binary search
    w_pos: np.ndarray
    w_neg: np.ndarray
    phrases: tuple[str, ...]  # aligned with columns (for evidence and tests)
    digest: str

    @cached_property
    def _phrase_trie(self) -> tuple[TermTable, np.ndarray, np.ndarray]:
        """The phrases as a trie, with each trie term's positive and negative weight."""
        table = TermTable(list(self.phrases))
        at = {p: i for i, p in enumerate(self.phrases)}
        order = np.array([at[t] for t in table.terms], dtype=np.int64)
        return table, np.ascontiguousarray(self.w_pos[order], np.float64), np.ascontiguousarray(self.w_neg[order],
                                                                                               np.float64)

    def scores(self, norm_texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Positive and negative judgement scores per normalised text: the weights of every occurrence
        of every phrase summed (overlapping occurrences all count), which is what looking each
        character n-gram up among the phrase columns gave (the phrases are those columns' n-grams),
        found by one trie walk per position instead of hashing nine n-gram sizes."""
        from dramascope.resonance.compiled import kernels
        from dramascope.resonance.linear_kernel import _codepoints

        n = len(norm_texts)
        if n == 0:
            return np.zeros(0), np.zeros(0)
        table, w_pos, w_neg = self._phrase_trie
        cps = _codepoints(norm_texts)
        pos, neg = kernels.phrase_sums(cps, np.flatnonzero(cps == 0x01), table.trie, w_pos, w_neg)
        # inclusion weights are exact for whole phrases; partial overlaps can leave tiny negatives
        return np.maximum(pos, 0.0), np.maximum(neg, 0.0)

    def features(self, norm_texts: list[str]) -> np.ndarray:
        """(n, len(FEATURE_NAMES)) float32: log1p scores, presence flags and the net log-ratio."""
        pos, neg = self.scores(norm_texts)
        return np.stack([
            np.log1p(pos), np.log1p(neg), (pos > 0.25).astype(float), (neg > 0.25).astype(float),
            np.log1p(pos) - np.log1p(neg),
        ], axis=1).astype(np.float32)

    def matched(self, norm_text: str) -> list[str]:
        """The lexicon phrases found in one text (for evidence and tests; not used in scoring)."""
        _, cols = ngram_occurrences([norm_text], self.sizes, HASH_BITS)
        idx = np.minimum(np.searchsorted(self.columns, cols), len(self.columns) - 1)
        return sorted({self.phrases[i] for i, ok in zip(idx, self.columns[idx] == cols) if ok})


def _phrase_columns(phrases: list[str], sizes: tuple[int, ...]) -> np.ndarray:
    """The hash column of each whole phrase, found through the featuriser itself.

    hashed_ngrams also emits n-grams framed by the start or end of a text; the phrase's own column is
    the one it shares with the same phrase between marker characters (whose framed n-grams differ).
    """
    out = np.zeros(len(phrases), dtype=np.int64)
    by_len: dict[int, list[int]] = {}
    for i, p in enumerate(phrases):
        by_len.setdefault(len(p), []).append(i)
    for k, idx in by_len.items():
        texts = [phrases[i] for i in idx]
        p_doc, p_col = ngram_occurrences(texts, (k,), HASH_BITS)
        m_doc, m_col = ngram_occurrences(["\x02" + t + "\x02" for t in texts], (k,), HASH_BITS)
        p_at = np.searchsorted(p_doc, np.arange(len(idx) + 1))  # occurrences come in text order
        m_at = np.searchsorted(m_doc, np.arange(len(idx) + 1))
        for r, i in enumerate(idx):
            common = np.intersect1d(p_col[p_at[r]:p_at[r + 1]], m_col[m_at[r]:m_at[r + 1]])
            if len(common) != 1:
                raise RuntimeError(f"cannot place lexicon phrase {phrases[i]!r} in the hash space")
            out[i] = common[0]
    return out


@lru_cache(maxsize=1)
def get_polarity_lexicon() -> PolarityLexicon:
    """Build (once per process) the phrase table; a few thousand phrases, milliseconds."""
    targets = _phrase_targets()
    weights = _inclusion_weights(targets)
    pos_w = _inclusion_weights({p: max(t, 0.0) for p, t in targets.items()})
    neg_w = _inclusion_weights({p: max(-t, 0.0) for p, t in targets.items()})
    assert all(abs((pos_w[p] - neg_w[p]) - weights[p]) < 1e-9 for p in weights)
    phrases = sorted(targets)
    sizes = tuple(sorted({len(p) for p in phrases}))
    cols = _phrase_columns(phrases, sizes)
    order = np.argsort(cols, kind="stable")
    cols = cols[order]
    phrases = [phrases[i] for i in order]
    # two phrases in one hash column would be summed: keep the first (none collide)
    keep = np.concatenate([[True], cols[1:] != cols[:-1]])
    phrases = [p for p, k in zip(phrases, keep) if k]
    cols = cols[keep]
    digest = hashlib.sha256("\n".join(f"{p}\t{targets[p]}" for p in phrases).encode()).hexdigest()[:8]
    bloom = np.zeros(1 << (HASH_BITS - BLOOM_SHIFT), dtype=bool)
    bloom[cols >> BLOOM_SHIFT] = True
    return PolarityLexicon(
        sizes=sizes, columns=cols, bloom=bloom,
        w_pos=np.array([pos_w[p] for p in phrases]), w_neg=np.array([neg_w[p] for p in phrases]),
        phrases=tuple(phrases), digest=f"{LEXICON_VERSION}+{digest}",
    )


def lexicon_scores(norm_texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    return get_polarity_lexicon().scores(norm_texts)
