"""Titles and synopses composed from trope templates, Chinese for domestic titles, English for overseas ones.

Why templates keyed by theme: theme tagging must be able to recover a title's themes from its
synopsis, so every synopsis names its themes with the taxonomy's own words ({K}, {K2}); titles read like
the market's (「离婚后她杀疯了」, "They Broke Me, Now They Beg") without naming any real title.
Filling is vectorised: one pass per template, never one per title.
"""

from __future__ import annotations

import re

import numpy as np

# Theme code → template group (titles' tone follows the first declared theme).
THEME_GROUP = {
    "revenge": "power", "underdog_rise": "power", "war_god": "power", "son_in_law": "power",
    "hidden_identity": "power", "female_empowerment": "power", "rebirth": "power", "chasing_wife": "power",
    "superpower": "power", "sports": "power",
    "ceo_romance": "romance", "sweet_romance": "romance", "contract_marriage": "romance", "cute_baby": "romance",
    "campus": "romance", "forbidden_love": "romance",
    "family_ethics": "family", "realism": "family",
    "mystery": "genre", "scifi": "genre", "fantasy": "genre", "vampire": "genre", "werewolf": "genre",
    "mafia": "genre", "time_travel": "genre",
    "costume": "period", "period": "period",
    "intangible_heritage": "social", "culture_tourism": "social", "law_education": "social",
    "rural_revival": "social", "science": "social", "red_culture": "social", "traditional_culture": "social",
}
GROUPS = ("power", "romance", "family", "genre", "period", "social")

# Slots: {F} heroine, {M} hero, {S} hero's surname, {P} place, {K} first theme, {K2} second theme.
ZH_TITLES = {
    "power": ["{F}杀疯了", "离婚后她杀疯了", "{F}归来，全城震动", "{S}总，夫人她又赢了", "别惹{F}", "{M}：我回来了",
              "三年之期已到", "她一开口，全场安静", "{F}不再忍了", "今天起我不装了"],
    "romance": ["闪婚后，{S}总天天想宠我", "{M}的掌心娇", "心动{F}", "偏偏宠爱{F}", "{S}先生请签收", "{F}的小确幸",
                "原来你也在这里", "婚后心动{M}", "和{M}的一百天", "{S}总的小娇妻"],
    "family": ["{F}的新生", "婆婆，这次我不让了", "回家的路", "{F}不再沉默", "我的后半生", "这一次，为自己活",
               "{F}和她的三个孩子", "屋檐下"],
    "genre": ["{P}迷案", "第十三个{F}", "{M}之谜", "午夜{P}", "消失的{F}", "{P}的秘密", "无人生还的{P}",
              "{F}与禁区"],
    "period": ["{F}的七十年代", "宫墙柳", "{M}传", "那年{P}", "{F}在{P}的日子", "凤起{P}", "长街{F}", "山河故人"],
    "social": ["我在{P}守手艺", "{F}回乡记", "{P}的春天", "{F}的法庭", "{P}有片好山水", "{F}的直播间",
               "星辰{F}", "{P}故事"],
}
EN_TITLES = {
    "power": ["They Broke Me, Now They Beg", "The Return of {F}", "{F} Strikes Back", "Don't Mess With {F} {S}",
              "{M}: The Day I Came Back", "Too Late to Say Sorry, {M}", "She Took It All Back",
              "Queen {F} Rises", "Divorced, Then Unstoppable", "The Heir Nobody Saw Coming"],
    "romance": ["My Secret Husband Is {M} {S}", "Married by Mistake to {M}", "Falling for Mr. {S}",
                "{F} and the Billion-Dollar Deal", "Sweet Little Lies", "Say Yes, {F}", "One Night With {M}",
                "The Boss Who Loved Me", "Hearts on {P} Avenue", "Mr. {S}'s Only Girl"],
    "family": ["{F}'s Second Chance", "The House on {P} Street", "Mother of Three", "Not My Daughter",
               "The Last Thanksgiving", "{F} Stands Up"],
    "genre": ["Blood Moon Over {P}", "The Alpha's Rejected Mate", "{M}, King of the Night", "Deadly Vows",
              "The Vanishing of {F}", "Crown of Storms", "Midnight in {P}", "The Don's Promise"],
    "period": ["The Emperor's Secret", "Song of the Palace", "{F} of the Old Town", "Return to 1985"],
    "social": ["Hometown {F}", "The Craftsman's Daughter", "Justice for {F}", "Stars Over {P}"],
}
ZH_SETUPS = {
    "power": ["{F}隐忍三年，一朝{K}，让看不起她的人付出代价。", "被{S}家赶出门的那天，{F}决定{K}。",
              "{M}隐藏身手回到{P}，这一次，他要{K}。", "众叛亲离之后，{F}开启{K}之路。"],
    "romance": ["{F}误打误撞嫁给了{M}，一段{K}就此展开。", "在{P}，{F}和{M}因一纸约定走到一起，{K}甜到心里。",
                "{F}带着秘密回到{P}，再遇{M}，{K}一发不可收拾。", "{M}对所有人冷漠，唯独对{F}{K}。"],
    "family": ["{F}在婚姻里受尽委屈，这部{K}讲她如何重新站起来。", "{P}的一个普通家庭，{K}的风波一触即发。",
               "{F}为家人付出半生，{K}让她看清了身边的人。"],
    "genre": ["{P}接连发生怪事，{F}卷入一场{K}。", "{M}身负秘密，在{P}展开{K}。", "一封匿名信把{F}带进{K}的漩涡。"],
    "period": ["{F}穿行在{P}的街巷，一段{K}的往事缓缓展开。", "{M}与{F}在{P}相遇，{K}里见人心。"],
    "social": ["{F}回到{P}，用{K}的方式改变家乡。", "{P}的{F}守着老手艺，{K}让更多人看见这片土地。",
               "年轻律师{F}在{P}接下一桩案子，{K}从身边小事讲起。", "{F}在{P}开直播，一场{K}的故事温暖人心。"],
}
EN_SETUPS = {
    "power": ["After three years of humiliation, {F} returns to {P} for {K}.",
              "Thrown out by the {S} family, {F} swears {K} on everyone who laughed.",
              "{M} hid his power for years; in {P}, his {K} begins."],
    "romance": ["{F} wakes up married to {M} {S}, and a {K} story begins.",
                "In {P}, {F} signs a deal with {M} that turns into {K}.",
                "{M} is cold to everyone except {F}: pure {K}."],
    "family": ["{F} gave her family everything; this {K} story follows her standing up at last.",
               "In {P}, one ordinary family breaks apart in a {K} storm."],
    "genre": ["Strange things happen in {P}, and {F} is pulled into a {K} she never chose.",
              "{M} carries a secret into {P}: a {K} tale of loyalty and blood."],
    "period": ["In old {P}, {F} and {M} meet in a {K} tale of hidden hearts."],
    "social": ["{F} returns to {P} to change her hometown through {K}.",
               "A young lawyer, {F}, takes a case in {P}: {K} told through small lives."],
}
ZH_TWISTS = ["没想到，{K2}的真相就藏在身边。", "与此同时，一段{K2}悄然展开。", "而{K2}，才是这场戏真正的开始。",
             "谁也没想到，故事会走向{K2}。", "当{K2}的秘密被揭开，一切都变了。"]
EN_TWISTS = ["But the truth is pure {K2}.", "Meanwhile, a {K2} twist waits in the shadows.",
             "Then {K2} turns everything upside down.", "Nobody expected the {K2} secret behind it all."]
ZH_HOOKS = ["她能否守住一切？", "真相揭开的那一刻，所有人都沉默了。", "这一次，她不会再退。", "最后一集，反转再反转。",
            "他们的结局，会是什么？"]
EN_HOOKS = ["Can she keep it all?", "When the truth comes out, no one is ready.", "This time, she won't back down.",
            "The final twist changes everything.", "How far will he go for her?"]

_SLOT = re.compile(r"\{([A-Z0-9]+)\}")


def fill_templates(choice: np.ndarray, templates: list[str], slots: dict[str, np.ndarray]) -> np.ndarray:
    """Fill ``templates[choice[i]]`` with ``slots[name][i]`` for every row, one pass per template.

    Object-array concatenation runs in numpy's C loop, so a million rows cost well under a second.
    """
    n = len(choice)
    out = np.empty(n, dtype=object)
    for k, template in enumerate(templates):
        rows = np.flatnonzero(choice == k)
        if rows.size == 0:
            continue
        pieces = _SLOT.split(template)  # literal, slot, literal, slot, ...
        acc = np.full(rows.size, pieces[0], dtype=object)
        for j in range(1, len(pieces), 2):
            acc = acc + slots[pieces[j]][rows] + pieces[j + 1]
        out[rows] = acc
    return out


def compose_by_group(rng: np.random.Generator, group: np.ndarray, banks: dict[str, list[str]],
                     slots: dict[str, np.ndarray]) -> np.ndarray:
    """Pick a template of each row's group at random and fill it."""
    flat: list[str] = []
    offsets, sizes = {}, {}
    for g in GROUPS:
        offsets[g], sizes[g] = len(flat), len(banks[g])
        flat.extend(banks[g])
    off = np.array([offsets[g] for g in GROUPS])
    size = np.array([sizes[g] for g in GROUPS])
    gi = _group_index(group)
    choice = off[gi] + (rng.random(len(group)) * size[gi]).astype(np.int64)
    return fill_templates(choice, flat, slots)


def _group_index(group: np.ndarray) -> np.ndarray:
    """Position of each row's group in GROUPS (vectorised lookup through a sorted key array)."""
    names = np.array(GROUPS)
    order = np.argsort(names)
    return order[np.searchsorted(names[order], group.astype(str))]


def pick(rng: np.random.Generator, words: tuple[str, ...] | list[str], n: int) -> np.ndarray:
    arr = np.array(words, dtype=object)
    return arr[rng.integers(0, len(arr), n)]



def disambiguate(names: np.ndarray, subtitles: np.ndarray, sequel_suffix: np.ndarray) -> np.ndarray:
    """Make names unique the way a real catalogue does: the first title with a name keeps it, later ones
    get a subtitle naming their lead (``今天起我不装了之林晚``), and a name still taken after that is
    numbered as a sequel (``… 第2部`` / ``… Part 2``; ``sequel_suffix`` holds a ``{n}`` slot).
    Why: a demo ranking where one name fills ten rows reads as a bug, and users search titles by name.
    Arrays are per row, in the row's language; vectorised through pandas' ``cumcount`` (the occurrence
    number of each name in row order).
    """
    import pandas as pd

    def occurrence(values: np.ndarray) -> np.ndarray:
        return pd.Series(values).groupby(values, sort=False).cumcount().to_numpy()

    names = np.asarray(names, dtype=object)
    out = np.where(occurrence(names) > 0, names + subtitles, names).astype(object)
    taken = occurrence(out)
    while (taken > 0).any():  # rare: two leads of one name under one title; one round settles it
        rows = np.flatnonzero(taken > 0)
        out[rows] = out[rows] + np.char.replace(sequel_suffix[rows].astype(str), "{n}",
                                                (taken[rows] + 1).astype(str)).astype(object)
        taken = occurrence(out)
    return out
