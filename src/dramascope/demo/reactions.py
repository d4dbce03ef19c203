"""How audiences write: reaction phrase banks (Chinese and English) and the model of which reaction a
comment or danmaku carries.

The reactions are DESIGN.md's micro-drama layer (爽 甜 虐 燃 笑 泪目 气 惊 催更 弃剧 尬) plus praise,
paywall complaints, speechless disgust and neutral chatter. Which one a text carries depends on the
title's latent quality (good titles: 爽/甜/泪目/yyds; bad ones: 尬/无语/弃剧), its themes (甜宠 → 甜,
复仇 → 爽/气, 悬疑 → 惊), and where in the title it is posted (a cliffhanger's last seconds → 催更/惊;
the paywall episode of a weak title → 付费/弃剧). The emotion engine is *not* told any of
this; the truth file lets tests check that it recovers it.
"""

from __future__ import annotations

import numpy as np

REACTIONS = ("shuang", "sweet", "heartache", "thrill", "laugh", "moved", "villain_anger", "shock",
             "anticipation", "abandon", "cringe", "paywall", "praise", "neutral", "speechless")
R = {code: i for i, code in enumerate(REACTIONS)}
POSITIVE = ("shuang", "sweet", "thrill", "laugh", "moved", "praise", "anticipation")
NEGATIVE = ("abandon", "cringe", "paywall", "speechless")

ZH = {
    "shuang": ["爽", "太爽了", "爽死了", "打脸打得好", "这巴掌扇得爽", "解气", "爽翻了", "痛快", "终于打脸了", "大快人心",
               "这波反杀绝了", "看得真解气"],
    "sweet": ["好甜", "甜死我了", "磕到了", "嗑死我了", "太甜了吧", "姨母笑", "甜度超标", "这也太宠了", "我又相信爱情了",
              "kdl", "甜"],
    "heartache": ["好虐", "虐哭了", "心疼女主", "心好痛", "太虐了吧", "虐心", "心疼死了", "看得我心碎"],
    "thrill": ["燃起来了", "太燃了", "热血沸腾", "帅炸了", "气场全开", "帅", "燃", "这段太帅了"],
    "laugh": ["哈哈哈哈", "笑死", "笑死我了", "哈哈哈哈哈哈", "笑不活了", "笑出猪叫", "蚌埠住了", "绷不住了"],
    "moved": ["泪目", "哭了", "破防了", "眼泪止不住", "看哭了", "好感动", "泪崩", "泪目了"],
    "villain_anger": ["气死我了", "渣男去死", "这婆婆太坏了", "绿茶好恶心", "拳头硬了", "太可恨了", "反派能不能下线",
                      "气得我血压飙升"],
    "shock": ["卧槽", "我靠", "惊了", "反转了", "没想到", "啊啊啊啊", "什么？！", "原来是他", "震惊", "这反转绝了"],
    "anticipation": ["催更", "快更新", "下一集呢", "求更新", "等不及了", "明天几点更", "卡在这里？！", "坐等下集", "蹲后续"],
    "abandon": ["弃剧", "弃了", "看不下去了", "不追了", "拜拜了", "劝退", "浪费时间", "到此为止"],
    "cringe": ["尬", "好尬", "尴尬死了", "脚趾抠地", "演技好尬", "台词尬出天际", "太假了", "降智"],
    "paywall": ["又要付费", "要钱了？", "付费劝退", "卡在付费集", "充值才能看", "收费太贵了", "不值这个价", "看广告都不给看"],
    "praise": ["好看", "太好看了", "yyds", "绝了", "宝藏短剧", "神剧", "演技在线", "一口气看完", "强推", "666", "质量很高"],
    "neutral": ["来了", "打卡", "第一", "前排", "几点更新", "第二遍了", "有人吗", "路过", "刚看到这里", "看到第几集了"],
    "speechless": ["无语", "离谱", "无语死了", "什么鬼", "逻辑呢", "编剧出来挨打", "槽点太多", "看得我一脸问号"],
}
EN = {
    "shuang": ["so satisfying", "the karma!!", "she ate", "ate and left no crumbs", "FINALLY payback", "that slap tho",
               "justice served", "he got what he deserved", "love the revenge arc", "power move"],
    "sweet": ["so sweet", "I'm melting", "my heart 🥺", "they're so cute together", "the chemistry!!", "I ship them",
              "adorable", "swooning", "he's so in love with her"],
    "heartache": ["this hurts", "my heart can't take it", "so painful to watch", "poor girl", "heartbreaking",
                  "she deserves better"],
    "thrill": ["let's gooo", "chills!!", "he's so powerful", "epic", "goosebumps", "what a comeback", "legendary"],
    "laugh": ["lmao", "LOL", "I'm dead 💀", "😂😂😂", "this is hilarious", "I can't stop laughing", "hahaha"],
    "moved": ["I'm crying", "crying rn", "tears!!", "so touching", "this made me cry", "not me sobbing"],
    "villain_anger": ["I hate him so much", "that mother in law!!", "slap her already", "the audacity", "he's trash",
                      "villain needs to go", "so infuriating"],
    "shock": ["WHAT", "no way!!", "plot twist!!", "OMG", "I did not see that coming", "wait what", "shook"],
    "anticipation": ["next episode pls", "update please!!", "I need part 2", "can't wait", "when is the next ep",
                     "don't leave me hanging", "need more"],
    "abandon": ["I'm done", "dropping this", "can't watch anymore", "waste of time", "bye", "not worth it"],
    "cringe": ["cringe", "so cringe", "the acting 😬", "this is so fake", "secondhand embarrassment", "cheesy"],
    "paywall": ["paywall again??", "not paying for this", "too many coins", "coins wasted", "too expensive",
                "why is it locked"],
    "praise": ["amazing", "best drama ever", "binge-watched it all", "10/10", "obsessed", "must watch",
               "great acting", "underrated", "666"],
    "neutral": ["first", "here again", "rewatching", "anyone watching in 2026?", "hi from Brazil", "watching at 3am",
                "who's here"],
    "speechless": ["what is this", "makes no sense", "the writing is terrible", "plot holes everywhere", "seriously?",
                   "ridiculous"],
}
# Endings: emoji tied to the reaction, kaomoji, danmaku memes; "" keeps many texts plain.
DECOR = {
    "shuang": ["", "", "！", "😎", "👏👏", "🔥", "(￣▽￣)ノ"],
    "sweet": ["", "", "~", "🥰", "😍", "💕", "(*/ω＼*)"],
    "heartache": ["", "", "😭", "💔", "(｡•́︿•̀｡)", "QAQ"],
    "thrill": ["", "", "！！", "🔥🔥", "💪"],
    "laugh": ["", "", "🤣", "😂", "233333"],
    "moved": ["", "", "😭", "🥺", "T_T"],
    "villain_anger": ["", "", "！", "😡", "🤬", "(╯°□°）╯︵ ┻━┻"],
    "shock": ["", "", "！！！", "😱", "Σ(っ °Д °;)っ", "(⊙_⊙)"],
    "anticipation": ["", "", "！", "🙏", "⏰", "!!!"],
    "abandon": ["", "", "👋", "🙄", "。"],
    "cringe": ["", "", "😬", "🙈", "。。。"],
    "paywall": ["", "", "💸", "🙄", "？？"],
    "praise": ["", "", "！", "👍", "❤️", "(≧▽≦)"],
    "neutral": ["", "", "", "~"],
    "speechless": ["", "", "🙄", "😑", "？"],
}
# Second clauses that make full comments longer than danmaku.
ZH_FOLLOW_POS = ["推荐给大家", "熬夜也要看完", "已经二刷了", "演员选得好", "比上一部强多了", "节奏很快", "每一集都有爽点"]
ZH_FOLLOW_NEG = ["浪费我一晚上", "差评", "不推荐", "剧情太拖了", "演员不行", "前面还行后面崩了"]
EN_FOLLOW_POS = ["highly recommend", "stayed up all night for this", "watching it again", "the leads are perfect",
                 "better than the last one"]
EN_FOLLOW_NEG = ["don't waste your time", "1 star", "the plot drags", "it fell apart at the end", "bad acting"]

# Comment-farm texts (bought praise): near-duplicates of a few lines, posted by a handful of accounts.
ZH_FARM = ["好看好看，强烈推荐！", "太好看了，推荐给大家", "这部剧真的很好看", "五星好评", "强烈推荐这部短剧", "剧情精彩，值得一看"]
EN_FARM = ["Great drama highly recommend", "Best drama, 5 stars", "Must watch, so good", "Highly recommended!"]
FARM_DECOR = ["", "！", "!!", "～", "👍", "👍👍", " 推荐", "。"]

# Theme → reaction propensity (added to the logits of texts on titles with that theme).
THEME_REACTIONS: dict[str, dict[str, float]] = {}
for _code in ("revenge", "underdog_rise", "war_god", "son_in_law", "hidden_identity", "female_empowerment",
              "rebirth", "superpower"):
    THEME_REACTIONS[_code] = {"shuang": 1.3, "villain_anger": 0.8, "thrill": 0.5}
for _code in ("ceo_romance", "sweet_romance", "contract_marriage", "cute_baby", "campus"):
    THEME_REACTIONS[_code] = {"sweet": 1.4, "laugh": 0.4}
for _code in ("chasing_wife", "family_ethics", "forbidden_love"):
    THEME_REACTIONS[_code] = {"heartache": 1.1, "moved": 0.5, "villain_anger": 0.6}
for _code in ("mystery", "time_travel", "scifi", "vampire", "werewolf", "fantasy"):
    THEME_REACTIONS[_code] = {"shock": 1.0, "thrill": 0.4}
for _code in ("costume", "period"):
    THEME_REACTIONS[_code] = {"heartache": 0.5, "moved": 0.5}
for _code in ("realism", "intangible_heritage", "culture_tourism", "law_education", "rural_revival", "science",
              "red_culture", "traditional_culture"):
    THEME_REACTIONS[_code] = {"moved": 1.1, "praise": 0.5}
THEME_REACTIONS["mafia"] = {"thrill": 0.7, "sweet": 0.6}
THEME_REACTIONS["sports"] = {"thrill": 1.3}

# Baseline logits and how strongly latent quality (z-score) moves each reaction.
BASE_LOGIT = {"shuang": 0.3, "sweet": 0.0, "heartache": -0.3, "thrill": -0.2, "laugh": 0.0, "moved": -0.3,
              "villain_anger": 0.0, "shock": -0.1, "anticipation": 0.2, "abandon": -0.9, "cringe": -0.7,
              "paywall": -1.6, "praise": 0.4, "neutral": 0.3, "speechless": -0.8}
QUALITY_SLOPE = {"shuang": 0.5, "sweet": 0.5, "heartache": 0.2, "thrill": 0.4, "laugh": 0.2, "moved": 0.6,
                 "villain_anger": 0.1, "shock": 0.2, "anticipation": 0.6, "abandon": -1.0, "cringe": -1.1,
                 "paywall": -0.6, "praise": 0.8, "neutral": 0.0, "speechless": -1.0}


def title_logits(theme_idx: np.ndarray, theme_codes: list[str], quality: np.ndarray) -> np.ndarray:
    """Per-title reaction logits (titles × reactions) from declared themes and latent quality.

    ``theme_idx`` is titles × slots of indices into ``theme_codes`` (-1 where a title has fewer themes).
    """
    base = np.array([BASE_LOGIT[r] for r in REACTIONS])
    slope = np.array([QUALITY_SLOPE[r] for r in REACTIONS])
    effect = np.zeros((len(theme_codes) + 1, len(REACTIONS)))  # last row: "no theme"
    for i, code in enumerate(theme_codes):
        for reaction, w in THEME_REACTIONS.get(code, {}).items():
            effect[i, R[reaction]] = w
    theme_matrix = effect[theme_idx].sum(axis=1)  # -1 picks the zero row
    n_themes = np.maximum((theme_idx >= 0).sum(axis=1), 1)
    theme_matrix /= np.sqrt(n_themes)[:, None]
    return base[None, :] + theme_matrix + quality[:, None] * slope[None, :]


def sample_categorical(rng: np.random.Generator, logits: np.ndarray) -> np.ndarray:
    """One draw per row from softmax(logits) by the Gumbel-max trick (vectorised)."""
    g = rng.gumbel(size=logits.shape)
    return np.argmax(logits + g, axis=1)


def _bank_arrays(bank: dict[str, list[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    flat, off, size = [], [], []
    for r in REACTIONS:
        off.append(len(flat))
        size.append(len(bank[r]))
        flat.extend(bank[r])
    return np.array(flat, dtype=object), np.array(off), np.array(size)


_ZH, _EN, _DEC = _bank_arrays(ZH), _bank_arrays(EN), _bank_arrays(DECOR)


def _draw(rng: np.random.Generator, arrays, reaction: np.ndarray) -> np.ndarray:
    flat, off, size = arrays
    idx = off[reaction] + (rng.random(len(reaction)) * size[reaction]).astype(np.int64)
    return flat[idx]


def _repeat_meme(rng: np.random.Generator, base: np.ndarray, reaction: np.ndarray, is_zh: np.ndarray) -> np.ndarray:
    """Danmaku memes of varying length: 哈哈哈… for laughs, 啊啊啊… for shocks, 666… for praise."""
    out = base.copy()
    n_rep = rng.integers(3, 11, len(base))
    for code, char in (("laugh", "哈"), ("shock", "啊"), ("praise", "6")):
        rows = np.flatnonzero((reaction == R[code]) & is_zh & (rng.random(len(base)) < 0.3))
        if rows.size:
            reps = np.array([char * k for k in range(12)], dtype=object)
            out[rows] = reps[n_rep[rows]]
    return out


def render_texts(rng: np.random.Generator, reaction: np.ndarray, is_zh: np.ndarray, is_comment: np.ndarray
                 ) -> np.ndarray:
    """Compose the text of each comment/danmaku from its reaction and language (vectorised)."""
    n = len(reaction)
    core = np.where(is_zh, _draw(rng, _ZH, reaction), _draw(rng, _EN, reaction))
    core = _repeat_meme(rng, core, reaction, is_zh)
    decor = _draw(rng, _DEC, reaction)
    text = core + decor
    # Comments are longer: a second clause whose tone follows the reaction's valence.
    positive = np.isin(reaction, [R[r] for r in POSITIVE])
    negative = np.isin(reaction, [R[r] for r in NEGATIVE])
    second = np.full(n, "", dtype=object)
    zh_pos, zh_neg = np.array(ZH_FOLLOW_POS, dtype=object), np.array(ZH_FOLLOW_NEG, dtype=object)
    en_pos, en_neg = np.array(EN_FOLLOW_POS, dtype=object), np.array(EN_FOLLOW_NEG, dtype=object)
    u = rng.random(n)
    long_ = is_comment & (rng.random(n) < 0.7)
    for mask, zh_bank, en_bank in ((positive, zh_pos, en_pos), (negative, zh_neg, en_neg)):
        rows = np.flatnonzero(long_ & mask)
        zh_rows = rows[is_zh[rows]]
        en_rows = rows[~is_zh[rows]]
        second[zh_rows] = "，" + zh_bank[(u[zh_rows] * len(zh_bank)).astype(np.int64)]
        second[en_rows] = ", " + en_bank[(u[en_rows] * len(en_bank)).astype(np.int64)]
    return np.where(is_comment, core + second + decor, text)


def render_farm_texts(rng: np.random.Generator, is_zh: np.ndarray) -> np.ndarray:
    """Bought praise: a few lines with small variations (near-duplicates)."""
    n = len(is_zh)
    zh, en = np.array(ZH_FARM, dtype=object), np.array(EN_FARM, dtype=object)
    dec = np.array(FARM_DECOR, dtype=object)
    # Each farm reuses only 2 lines: the first two of a per-call rotation.
    start = rng.integers(0, 6)
    line = (start + rng.integers(0, 2, n))
    core = np.where(is_zh, zh[line % len(zh)], en[line % len(en)])
    return core + dec[rng.integers(0, len(dec), n)]
