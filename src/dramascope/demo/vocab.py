"""Word lists the demo market is composed from: platforms, people, places, companies and bases.

Everything here is invented for the demo (no real company, person or title is named), but shaped like
the real market: the platform set mirrors the apps in ../shared/data/charts and the big domestic apps,
the base names the two kinds of cluster the project serves (Linping's micro-drama base and a film-city
base), and the name parts follow how micro-drama studios (厂牌) name themselves.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Platform:
    """One app a title is released on; ``reach`` and the ratio factors are relative, not measured."""

    code: str
    name_zh: str
    market: str  # domestic | overseas
    reach: float  # relative audience size (douyin = 1)
    free: bool  # free, ad-supported app (红果) rather than pay-per-unlock
    like_factor: float  # multiplies the calibrated likes/plays ratio
    share_factor: float  # multiplies the calibrated shares/plays ratio
    plays_per_yuan: float  # median paid plays bought by one yuan of ad spend (投流)


# The factors are assumptions (no public per-platform micro-drama counters exist); they are balanced
# so that the pooled medians stay at the Bilibili calibration (docs/demo-market.md).
PLATFORMS: tuple[Platform, ...] = (
    Platform("douyin", "抖音", "domestic", 1.00, False, 1.35, 1.25, 6.0),
    Platform("kuaishou", "快手", "domestic", 0.70, False, 1.15, 1.10, 6.5),
    Platform("hongguo", "红果短剧", "domestic", 0.85, True, 0.80, 0.80, 9.0),
    Platform("reelshort", "ReelShort", "overseas", 0.40, False, 0.85, 0.85, 1.6),
    Platform("dramabox", "DramaBox", "overseas", 0.35, False, 0.85, 0.90, 1.7),
    Platform("netshort", "NetShort", "overseas", 0.22, False, 0.95, 0.95, 1.8),
    Platform("dramawave", "DramaWave", "overseas", 0.16, False, 0.95, 1.00, 1.9),
    Platform("shortmax", "ShortMax", "overseas", 0.15, False, 0.90, 0.95, 1.9),
    Platform("moboreels", "MoboReels", "overseas", 0.08, False, 1.00, 1.00, 2.0),
)
DOMESTIC_PLATFORMS = tuple(p for p in PLATFORMS if p.market == "domestic")
OVERSEAS_PLATFORMS = tuple(p for p in PLATFORMS if p.market == "overseas")

ZH_SURNAMES = ("林", "苏", "顾", "沈", "陆", "江", "叶", "温", "傅", "萧", "秦", "宋", "许", "姜", "陈", "夏",
               "唐", "白", "楚", "霍", "程", "季", "裴", "慕")
ZH_FEMALE = ("晚", "清欢", "念", "若溪", "知意", "听雪", "南栀", "初夏", "婉", "星禾", "语嫣", "安宁", "晚晴",
             "小满", "朝颜", "书瑶")
ZH_MALE = ("北辰", "砚", "景深", "时宴", "墨", "承泽", "寒川", "亦舟", "凛", "司珩", "云霆", "晏之", "铮", "靖远",
           "行舟", "南乔")
EN_FEMALE = ("Ava", "Chloe", "Luna", "Isla", "Harper", "Nora", "Scarlett", "Elena", "Mia", "Rosalie", "Ivy", "Hazel",
             "Aurora", "Lila", "Sienna", "Daisy")
EN_MALE = ("Damien", "Lucas", "Adrian", "Ryder", "Sebastian", "Xavier", "Killian", "Dominic", "Ethan", "Caspian",
           "Rhys", "Silas", "Theo", "Jaxon", "Zane", "Gideon")
EN_SURNAMES = ("Blackwood", "Sterling", "Hale", "Moreau", "Vance", "Knight", "Carter", "Quinn", "Reyes", "Ashford",
               "Thorne", "Langley", "Whitmore", "Cross", "Maddox", "Rowe")

ZH_PLACES = ("杭州", "临平", "西湖边", "江南古镇", "横店", "西安", "成都", "郑州", "乌镇", "大理", "景德镇", "黔东南苗寨",
             "泉州", "洛阳", "重庆", "丽江")
EN_PLACES = ("New York", "Los Angeles", "Chicago", "Seattle", "Las Vegas", "Miami", "Boston", "a small Texas town",
             "the Hamptons", "London")

# Filming locations that projects list (the social-value family rewards real places on screen).
LOCATIONS = ("杭州临平", "横店影视城", "西安大唐不夜城", "郑州", "乌镇", "景德镇", "大理", "泉州", "洛阳", "丽江",
             "Los Angeles", "Atlanta", "Manila")

# Company names: prefix + suffix, Chinese with an English rendering.
COMPANY_PREFIXES = (("星河", "Xinghe"), ("云上", "Yunshang"), ("麦芽", "Maiya"), ("听涛", "Tingtao"),
                    ("南风", "Nanfeng"), ("青禾", "Qinghe"), ("拾光", "Shiguang"), ("点金", "Dianjin"),
                    ("橙子", "Orange"), ("白鹭", "Egret"), ("北斗", "Beidou"), ("鲸落", "Whalefall"),
                    ("山海", "Shanhai"), ("长风", "Changfeng"), ("火花", "Spark"), ("栗子", "Chestnut"),
                    ("蓝莓", "Blueberry"), ("半夏", "Banxia"), ("千帆", "Qianfan"), ("归途", "Guitu"),
                    ("月半", "Yueban"), ("小熊", "Little Bear"), ("浪花", "Wave"), ("极光", "Aurora"))
COMPANY_SUFFIXES = (("影业", "Pictures"), ("文化传媒", "Media"), ("影视", "Films"), ("短剧工作室", "Shorts Studio"),
                    ("互娱", "Entertainment"), ("文化", "Culture"))

# Two production bases (the canonical companies table carries `base`).
BASES = (
    {"code": "linping", "name": "临平微短剧基地", "name_en": "Linping Micro-Drama Base", "city": "杭州"},
    {"code": "hengdian", "name": "横店微短剧基地", "name_en": "Hengdian Micro-Drama Base", "city": "金华"},
)

RECOMMENDATION_LISTS = (
    # (list name, issuer, social category or None for a general quality list)
    ("“微短剧里看中国”推荐片单", "国家广播电视总局", "tourism"),
    ("“跟着微短剧去旅行”创作计划", "国家广播电视总局", "tourism"),
    ("优秀网络微短剧推荐片单", "国家广播电视总局", None),
    ("非遗题材微短剧展播", "浙江省广播电视局", "heritage"),
    ("普法微短剧精品展播", "司法部普法办", "law"),
    ("乡村振兴主题微短剧推荐", "农业农村部", "rural"),
    ("优秀现实题材微短剧", "浙江省广播电视局", "culture"),
    ("科普微短剧推荐", "中国科协", "science"),
)
