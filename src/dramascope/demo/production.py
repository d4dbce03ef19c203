"""Projects through their stages, and a few episode scripts (Chinese and English).

Projects: every released title with a project record is broadcasting or evaluated; a pipeline of
unreleased projects sits in writing, filming or post (the chain forecasts them).
Scripts are short but shaped like real ones: scene headings (场次 日/夜 内/外 地点; INT./EXT. … - DAY),
speaker lines, action lines, and a hook at the end of episodes that have one. Only a handful are
written, so composing them line by line is fine.
"""

from __future__ import annotations

import numpy as np

from dramascope.demo import title_text as tt
from dramascope.demo import vocab
from dramascope.demo.catalog import OBSERVATION_END, Catalog
from dramascope.demo.sampling import padded, stage_rng

ZH_LINES = {
    "power": ["你以为我还是三年前的我吗？", "这一巴掌，是替我妈还你的。", "从今天起，{S}家的一切，我都要拿回来。",
              "跪下道歉，我可以考虑放你一马。", "你不配。", "我说过，我会回来的。"],
    "romance": ["签了这份协议，你就是我的人了。", "别动，让我抱一会儿。", "你脸红什么？", "我只对你一个人好。",
                "这是我们的秘密。", "以后有我在，谁也不能欺负你。"],
    "family": ["妈，这个家我撑了二十年。", "我不会再让着你们了。", "孩子是我的命。", "这一次，我要为自己活。"],
    "genre": ["门后面，到底是什么？", "他不是人。", "我们之中，有一个叛徒。", "别回头，快跑！"],
    "period": ["等开春了，我就去城里。", "这门手艺，不能断在我手里。", "姑娘，你是哪家的？"],
    "social": ["这门手艺，传了三代人。", "乡亲们，咱们的橙子能卖到全国去！", "法律面前，人人平等。", "来，看看咱们的古镇。"],
}
EN_LINES = {
    "power": ["You think I'm still the girl you threw away?", "Kneel. Now.", "This company was mine all along.",
              "You'll regret the day you crossed me.", "I came back for everything you took."],
    "romance": ["Sign the contract. You're my wife now.", "Don't look at me like that.", "You're mine, Luna.",
                "I never stopped loving you.", "Stay. Just for tonight."],
    "family": ["I raised three kids on my own.", "This is my house too.", "I'm done being quiet."],
    "genre": ["The moon is rising. Run.", "He's not human.", "The Don doesn't forgive.", "Someone in this room lied."],
    "period": ["The emperor must never know.", "Meet me by the old bridge."],
    "social": ["My grandmother taught me this craft.", "The whole town is counting on us."],
}
ZH_ACTIONS = ["△众人愣住，全场鸦雀无声。", "△她缓缓摘下墨镜。", "△手机屏幕亮起，一条陌生短信。", "△他攥紧拳头，转身离开。",
              "△门被猛地推开。"]
EN_ACTIONS = ["The room falls silent.", "She slowly takes off her sunglasses.", "A phone lights up: unknown number.",
              "He clenches his fist and walks away.", "The door bursts open."]
ZH_SETTINGS = ["集团会议室", "别墅客厅", "医院走廊", "老街茶馆", "宴会厅", "古镇石桥", "直播间"]
EN_SETTINGS = ["PENTHOUSE", "BOARDROOM", "HOSPITAL CORRIDOR", "BALLROOM", "FOREST CLEARING", "MANSION GATE"]
ZH_HOOKS = ["【卡点】门外传来一个熟悉的声音——“好久不见。”", "【卡点】亲子鉴定结果：不匹配。", "【卡点】她转身，竟是他。"]
EN_HOOKS = ["HOOK: A voice behind her: \"Hello, sister.\"", "HOOK: The DNA test reads: NO MATCH.",
            "HOOK: She turns. It's him."]


def _script_text(rng: np.random.Generator, zh: bool, group: str, ep: int, heroine: str, hero: str, surname: str,
                 place: str, hook: bool) -> str:
    lines = (ZH_LINES if zh else EN_LINES)[group]
    out = [f"第{ep}集" if zh else f"EPISODE {ep}", ""]
    for scene in range(1, int(rng.integers(2, 4)) + 1):
        if zh:
            setting = ZH_SETTINGS[rng.integers(len(ZH_SETTINGS))]
            out.append(f"{ep}-{scene} {'日' if rng.random() < 0.6 else '夜'} {'内' if rng.random() < 0.7 else '外'} "
                       f"{place}·{setting}")
            out.append(f"人物：{heroine}、{hero}")
            out.append(ZH_ACTIONS[rng.integers(len(ZH_ACTIONS))])
        else:
            setting = EN_SETTINGS[rng.integers(len(EN_SETTINGS))]
            inside = "INT." if rng.random() < 0.7 else "EXT."
            out.append(f"{inside} {setting} - {'DAY' if rng.random() < 0.6 else 'NIGHT'}")
            out.append(EN_ACTIONS[rng.integers(len(EN_ACTIONS))])
        order = rng.permutation(len(lines))
        for k in range(min(int(rng.integers(2, 5)), len(lines))):
            speaker = heroine if k % 2 == 0 else hero
            line = lines[order[k]].replace("{S}", surname)
            # English follows Fountain: a blank line, the cue in capitals, then the dialogue.
            out.append(f"{speaker}：{line}" if zh else f"\n{speaker.upper()}\n{line}")
        out.append("")
    if hook:
        out.append((ZH_HOOKS if zh else EN_HOOKS)[rng.integers(3)])
    return "\n".join(out).strip()


def projects(cat: Catalog, seed: int) -> tuple[dict, np.ndarray, dict]:
    """Projects (released and pipeline); also returns the scripted titles and pipeline project themes."""
    rng = stage_rng(seed, "projects")
    n = cat.n
    comp = cat.companies
    n_released = max(5, n // 10)
    released = np.sort(rng.choice(n, size=min(n_released, n), replace=False))
    n_pipe = max(6, n // 20)
    stage_pipe = np.array(["writing", "filming", "post"], dtype=object)[rng.choice(3, n_pipe, p=[0.4, 0.35, 0.25])]
    recent = OBSERVATION_END - cat.release_date[released] < np.timedelta64(60, "D")
    stage = np.concatenate([np.where(recent, "broadcasting", "evaluated").astype(object), stage_pipe])
    # Pipeline projects borrow theme mixes of recent titles (what the market is making now).
    late = np.argsort(cat.release_date, kind="stable")[-max(n // 4, 1):]
    template = late[rng.integers(0, len(late), n_pipe)]
    src = np.concatenate([released, template])
    budget = np.round(cat.budget_cny[src] * np.exp(rng.normal(0, 0.15, len(src))), -3)
    spent_frac = np.select([stage == "writing", stage == "filming", stage == "post"],
                           [rng.uniform(0.05, 0.15, len(src)), rng.uniform(0.3, 0.7, len(src)),
                            rng.uniform(0.75, 0.95, len(src))], rng.uniform(0.9, 1.1, len(src)))
    is_rel = np.arange(len(src)) < len(released)
    start = np.where(is_rel, cat.release_date[src] - rng.integers(60, 121, len(src)).astype("timedelta64[D]"),
                     np.datetime64("2026-09-01") + rng.integers(0, 80, len(src)).astype("timedelta64[D]"))
    end = np.where(is_rel, cat.release_date[src] - rng.integers(10, 41, len(src)).astype("timedelta64[D]"),
                   start + rng.integers(20, 60, len(src)).astype("timedelta64[D]"))
    investors = comp.name[comp.role == "investor"]
    n_inv = rng.integers(0, 3, len(src))
    inv_lists = [";".join(investors[rng.integers(0, len(investors), k)]) if len(investors) else "" for k in n_inv]
    locs = np.array(vocab.LOCATIONS, dtype=object)
    loc_lists = [";".join(sorted(set(locs[rng.integers(0, len(locs), k)]))) for k in rng.integers(1, 3, len(src))]
    codes = np.array([p.code for p in vocab.PLATFORMS], dtype=object)
    plat_of: dict[int, list[str]] = {}
    mine = np.isin(cat.pairs.title, src)
    for t, p in zip(cat.pairs.title[mine].tolist(), cat.pairs.platform[mine].tolist()):
        plat_of.setdefault(t, []).append(codes[p])
    platforms = [";".join(plat_of.get(int(t), [])) for t in src]
    themes = cat.themes_joined()[src]
    name = np.where(is_rel, cat.name[src], "《" + cat.name[src] + "》新篇")
    project_id = padded("p", np.arange(1, len(src) + 1), 5)
    table = {"project_id": project_id, "title_id": np.where(is_rel, cat.title_id[src], None), "name": name,
             "stage": stage, "budget_cny": budget, "spent_cny": np.round(budget * spent_frac, -2),
             "start_date": start, "end_date": end, "investors": np.array(inv_lists, dtype=object),
             "locations": np.array(loc_lists, dtype=object), "platforms": np.array(platforms, dtype=object),
             "themes": themes, "episode_count": cat.episode_count[src]}
    pipeline = {"project_id": project_id[~is_rel], "src": src[~is_rel], "stage": stage[~is_rel]}
    return table, released, pipeline


def scripts(cat: Catalog, seed: int, released: np.ndarray, pipeline: dict, cliff_lookup) -> dict:
    """A few scripts: up to 8 released titles (zh and en) and up to 4 projects still in writing."""
    rng = stage_rng(seed, "scripts")
    scripted = released[:8]
    writing = np.flatnonzero(pipeline["stage"] == "writing")[:4]
    rows = {"script_id": [], "title_id": [], "project_id": [], "episode_no": [], "text": []}
    group_of = np.array([tt.THEME_GROUP.get(c, "power") for c in cat.theme_codes], dtype=object)
    items = [(int(t), cat.title_id[t], cat.title_id[t], None) for t in scripted]
    items += [(int(pipeline["src"][i]), pipeline["project_id"][i], None, pipeline["project_id"][i]) for i in writing]
    for src, script_id, title_id, project_id in items:
        zh = cat.market[src] == "domestic"
        group = group_of[cat.theme_idx[src, 0]]
        hero = str(cat.hero[src])
        surname = hero[0] if zh else str(vocab.EN_SURNAMES[src % len(vocab.EN_SURNAMES)])
        place = str(vocab.ZH_PLACES[src % len(vocab.ZH_PLACES)]) if zh else ""
        for ep in range(1, int(rng.integers(3, 6)) + 1):
            hook = cliff_lookup(src, ep) if title_id else bool(rng.random() < 0.7)
            rows["script_id"].append(script_id)
            rows["title_id"].append(title_id)
            rows["project_id"].append(project_id)
            rows["episode_no"].append(ep)
            rows["text"].append(_script_text(rng, zh, group, ep, str(cat.heroine[src]), hero, surname, place, hook))
    return rows
