"""The library's own sentences (quarantine reasons, forecast and pipeline notes, spend warnings) in the
reader's language.

The ingest, forecast and company engines write these messages in English, into stored tables and page data
(the quarantine table keeps them, CLI users read them as they are). Each message form is declared once here,
as a pattern over the English text with its Chinese wording; the pieces the pattern captures (a number, a
file line, a list of allowed values, a nested message) are carried over, translated in turn where they are
themselves a known message. A message no pattern knows is returned as it is, and ``known`` says so, so a
page can mark it as English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dramascope.i18n import Lang


@dataclass(frozen=True)
class Message:
    pattern: str  # a regular expression over the whole English message; named groups are carried over
    zh: str  # the Chinese text, with {group} placeholders
    nested: tuple[str, ...] = ()  # groups that are themselves messages (translated recursively)
    codes: tuple[tuple[str, str], ...] = ()  # (group, label kind): groups that are codes, shown as their names


MESSAGES: tuple[Message, ...] = (
    # ingest: why a row was quarantined
    Message(r"required value missing", "缺少必填值"),
    Message(r"below the minimum (?P<x>\S+)", "低于最小值 {x}"),
    Message(r"above the maximum (?P<x>\S+)", "高于最大值 {x}"),
    Message(r"not one of: (?P<values>.+)", "不在允许的取值之内：{values}"),
    Message(r"not a finite number", "不是有限数值"),
    Message(r"not a number", "不是数字"),
    Message(r"not a whole number", "不是整数"),
    Message(r"number too large", "数值过大"),
    Message(r"a percentage is only accepted in ratio columns", "只有比率列可以填写百分数"),
    Message(r"not a yes/no value \(true/false, 1/0, 是/否\)", "不是“是/否”值（true/false、1/0、是/否）"),
    Message(r"not a date \(use YYYY-MM-DD\)", "不是日期（请用 YYYY-MM-DD）"),
    Message(r"not a date-time \(use YYYY-MM-DD HH:MM:SS\)", "不是日期时间（请用 YYYY-MM-DD HH:MM:SS）"),
    Message(r"no such calendar date", "日历上没有这一天"),
    Message(r"no such calendar date or time", "日历上没有这个日期或时间"),
    Message(r"outside the accepted dates (?P<low>\S+) \.\. (?P<high>\S+)", "超出可接受的日期范围 {low} 至 {high}"),
    Message(r"not valid JSON: (?P<detail>.+)", "不是有效的 JSON：{detail}"),
    Message(r"invalid JSON: (?P<detail>.+)", "不是有效的 JSON：{detail}"),
    Message(r"not a JSON object", "不是 JSON 对象"),
    Message(r"wrong number of fields", "字段个数不对"),
    Message(r"contains a NUL byte \(\\x00\)", "含有空字节 (\\x00)"),
    Message(r"not a valid identifier: use (?P<rule>.+)", "不是有效的标识符：应为 {rule}"),
    Message(r"a list or object where one value is expected", "此处应为单个值，却是列表或对象"),
    Message(r"duplicate key in the file; the row at line (?P<line>\d+) is kept", "文件内主键重复：保留第 {line} 行"),
    # forecasts, ROI and the base pipeline
    Message(r"(?P<n>\d+) revenue scenarios from the model's calibration residuals on the latest (?P<share>\d+%) of "
            r"training titles; revenue is Σ revenue_cny as recorded",
            "{n} 个收入情景，来自模型在最近 {share} 训练剧目上的校准残差；收入为记录在案的收入（元）之和"),
    Message(r"(?P<target>\w+): only (?P<n>\d+) titles finished before (?P<date>\S+): no forecast",
            "{target}：{date} 之前完播的剧目只有 {n} 部，无法预测", codes=(("target", "forecast_target"),)),
    Message(r"only (?P<n>\d+) titles had finished launching by (?P<date>\S+): no forecast",
            "{date} 之前走完上线期的剧目只有 {n} 部，无法预测"),
    Message(r"no budget: ROI scenarios need --budget or a budget in the record",
            "没有预算：投资回报情景需要 --budget 参数或记录中的预算"),
    Message(r"forecasts not requested", "未请求预测"),
    Message(r"forecasts unavailable: dramascope\.chain\.forecast is not installed", "预测不可用：未安装预测模块"),
    Message(r"projects link to companies through their investors list \(the projects table has no company column\); "
            r"a project whose investors are not base companies is not counted",
            "项目通过投资方名单关联到公司（项目表没有公司列）；投资方都不是本基地公司的项目不计入"),
    Message(r"forecasts for the (?P<limit>\d+) projects nearest release; (?P<more>\d+) more listed without "
            r"\(each forecast trains its own models\)",
            "只预测离上线最近的 {limit} 个项目；另有 {more} 个项目列出但不预测（每次预测都要单独训练模型）"),
    Message(r"(?P<project>[^:\s]+): no forecast \((?P<why>.+)\)", "{project}：无法预测（{why}）", nested=("why",)),
    Message(r"too little history for a backtest \((?P<why>.+)\)", "历史数据太少，无法回测（{why}）", nested=("why",)),
    # script analysis: the paywall advice, the comparison with the top titles, warnings
    Message(r"E(?P<ep>\d+): highest hook × payoff build-up in E(?P<a>\d+)–E(?P<b>\d+) \(hook (?P<hook>[\d.]+) × "
            r"build-up (?P<build>[\d.]+) after (?P<n>\d+) payoffs\)",
            "第 {ep} 集：第 {a}–{b} 集中钩子强度 × 爽点铺垫最高（钩子 {hook} × 铺垫 {build}，此前 {n} 个爽点）"),
    Message(r"no recommendation: the paywall needs an episode in E(?P<a>\d+)–E(?P<b>\d+) with at least one episode "
            r"after it \(this script has (?P<n>\d+)\)",
            "暂无建议：付费点须在第 {a}–{b} 集之间且其后至少还有一集（本剧本共 {n} 集）"),
    Message(r"no recommendation: no episode in range has both a hook and payoffs before it",
            "暂无建议：范围内没有一集同时具备钩子和此前的爽点"),
    Message(r"scripts of the (?P<n>\d+) best-ranked titles \(latest index run\) that have scripts",
            "与最新一次计算中排名最高、且有剧本的 {n} 部剧目的剧本相比"),
    Message(r"the index run ranks no titles", "指数计算没有给任何剧目排名"),
    Message(r"none of the (?P<n>\d+) ranked titles has a script in the workspace",
            "{n} 部上榜剧目在工作区中都没有剧本"),
    Message(r"emotion model (?P<model>\S+): arcs and model-based hook components are omitted",
            "情绪模型 {model}：省略情绪弧线和基于模型的钩子成分"),
    Message(r"episode numbers repeat: (?P<numbers>.+)", "集号重复：{numbers}"),
    # project spend
    Message(r"no budget recorded: spend cannot be checked", "没有记录预算：无法检查支出"),
    Message(r"over budget: spent (?P<spent>[\d,]+) of (?P<budget>[\d,]+) CNY \((?P<ratio>\d+%)\)",
            "超支：已支出 {spent} 元，预算 {budget} 元（{ratio}）"),
    Message(r"spend (?P<ratio>\d+%) of budget is above the usual (?P<ceiling>\d+%) by the end of (?P<stage>\w+)",
            "支出已达预算的 {ratio}，高于“{stage}”阶段结束时通常的 {ceiling}", codes=(("stage", "stage"),)),
    Message(r"title (?P<title>\S+) has no metrics yet: nothing to evaluate against",
            "剧目 {title} 还没有播放数据：无从评估"),
)
_COMPILED = tuple((re.compile(m.pattern + r"\Z"), m) for m in MESSAGES)
_SPLIT = re.compile(r"\s*;\s*")


def translate_message(text: str, lang: Lang) -> tuple[str, bool]:
    """(the message in ``lang``, whether it was a known message). English is the message itself."""
    for rx, msg in _COMPILED:
        found = rx.match(text.strip())
        if found:
            if lang == "en":
                return text, True
            groups = {k: (translate_message(v, lang)[0] if k in msg.nested else v)
                      for k, v in found.groupdict().items()}
            if msg.codes:
                from dramascope.publish.labels import label

                groups.update({g: label(kind, groups[g], lang) for g, kind in msg.codes})
            return msg.zh.format(**groups), True
    return text, False


def _parts(value: object) -> list[str]:
    """The messages in ``value``: a list's items, and text joined by ';' unless the whole text is one known
    message (several messages contain a ';' themselves)."""
    items = value if isinstance(value, (list, tuple)) else [value]
    out: list[str] = []
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        out += [text] if translate_message(text, "zh")[1] else [p for p in _SPLIT.split(text) if p]
    return out


def prose(value: object, lang: Lang) -> str:
    """One message, or several (a list, or text joined by ';'), in ``lang``; unknown ones as written."""
    if value is None or value == "":
        return ""
    sep = "；" if lang == "zh" else "; "
    return sep.join(translate_message(p, lang)[0] for p in _parts(value))


def known(value: object) -> bool:
    """Whether every message in ``value`` has a declared translation (so the page need not mark it English)."""
    if value is None or value == "":
        return True
    return all(translate_message(p, "zh")[1] for p in _parts(value))
