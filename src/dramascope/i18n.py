"""Every string the dashboard and the report show, in Chinese and English, in one table, and how numbers
are written on them.

It sits low in the layers (it imports nothing from the package) because the web app, the report and the
charts all print it.

Templates never hard-code UI text: they call ``t("key")``, so adding a language is adding a column here
and a test (tests/web/test_i18n.py) checks that every key has every language.
"""

from __future__ import annotations

from typing import Any, Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
DEFAULT_LANG: Lang = "zh"

STRINGS: dict[str, dict[str, str]] = {
    "app_name": {"zh": "DramaScope 微短剧传播评价指数", "en": "DramaScope micro-drama index"},
    "nav_overview": {"zh": "总览", "en": "Overview"},
    "nav_rankings": {"zh": "榜单", "en": "Rankings"},
    "nav_boards": {"zh": "热榜", "en": "Charts"},
    "search_title": {"zh": "搜索", "en": "Search"},
    "search_placeholder": {"zh": "剧名或公司：中文、拼音、首字母", "en": "Title or company: Chinese, pinyin, English"},
    "search_titles": {"zh": "剧目", "en": "Titles"},
    "search_companies": {"zh": "公司", "en": "Companies"},
    "search_none": {"zh": "没有找到匹配的名称。", "en": "Nothing matches this name."},
    "search_hint": {"zh": "可输入中文、全拼、拼音首字母或英文名，例如：", "en": "Type Chinese, full pinyin, pinyin initials or "
                                                                           "the English name, for example:"},
    "matched_name": {"zh": "名称", "en": "name"},
    "matched_name_en": {"zh": "英文名", "en": "English name"},
    "matched_pinyin": {"zh": "拼音", "en": "pinyin"},
    "matched_initials": {"zh": "首字母", "en": "initials"},
    "col_matched": {"zh": "匹配于", "en": "Matched on"},
    "nav_themes": {"zh": "题材版图", "en": "Themes"},
    "nav_methodology": {"zh": "方法说明", "en": "Methodology"},
    "nav_quality": {"zh": "数据质量", "en": "Data quality"},
    "nav_compare": {"zh": "对比", "en": "Compare"},
    "nav_runs": {"zh": "计算记录", "en": "Runs"},
    "switch_lang": {"zh": "English", "en": "中文"},
    "json_twin": {"zh": "本页数据 (JSON)", "en": "This page as JSON"},
    "api_docs": {"zh": "API 文档", "en": "API docs"},
    "synthetic_banner": {
        "zh": "演示数据：本工作区的数据由演示命令合成生成，并非真实市场数据。",
        "en": "Demo data: this workspace's data were synthesised by `dramascope demo`; they are not real market data.",
    },
    "save_svg": {"zh": "保存为矢量图", "en": "Save as SVG"},
    "save_png": {"zh": "保存为图片", "en": "Save as PNG"},
    "chart_unreadable": {"zh": "图表数据无法读取", "en": "chart data unreadable"},
    "offline_note": {"zh": "所有资源均本地提供，无需联网。", "en": "All assets are served locally; no internet needed."},
    # overview
    "overview_title": {"zh": "指数总览", "en": "Index overview"},
    "kpi_titles": {"zh": "剧目", "en": "Titles"},
    "kpi_ranked": {"zh": "入榜剧目", "en": "Ranked titles"},
    "kpi_platforms": {"zh": "平台", "en": "Platforms"},
    "kpi_comments": {"zh": "评论与弹幕", "en": "Comments & danmaku"},
    "kpi_plays": {"zh": "总播放量", "en": "Total plays"},
    "kpi_flagged": {"zh": "疑似刷量剧目 (C/D 级)", "en": "Suspect-traffic titles (grade C/D)"},
    "top_titles": {"zh": "综合指数前列", "en": "Top titles"},
    "rank_interval_note": {
        "zh": "横线为蒙特卡洛模拟得到的 5%–95% 排名区间：区间越短，名次越确定。",
        "en": "Bars show the 5–95% rank interval from Monte Carlo simulation: the shorter, the surer the rank.",
    },
    "latest_run": {"zh": "最新计算", "en": "Latest run"},
    "no_run": {
        "zh": "尚无指数计算结果。请先运行 `dramascope index run`。",
        "en": "No index run yet. Run `dramascope index run` first.",
    },
    "see_all": {"zh": "查看完整榜单", "en": "See the full ranking"},
    # rankings
    "rankings_title": {"zh": "榜单", "en": "Rankings"},
    "filter_period": {"zh": "周期", "en": "Period"},
    "filter_dimension": {"zh": "维度", "en": "Dimension"},
    "filter_theme": {"zh": "题材", "en": "Theme"},
    "filter_platform": {"zh": "平台", "en": "Platform"},
    "filter_market": {"zh": "市场", "en": "Market"},
    "filter_any": {"zh": "全部", "en": "All"},
    "filter_apply": {"zh": "筛选", "en": "Apply"},
    "dimension_overall": {"zh": "综合指数", "en": "Overall index"},
    "col_rank": {"zh": "名次", "en": "Rank"},
    "col_interval": {"zh": "排名区间 (5–95%)", "en": "Rank interval (5–95%)"},
    "col_title": {"zh": "剧名", "en": "Title"},
    "col_score": {"zh": "得分", "en": "Score"},
    "col_grade": {"zh": "数据质量", "en": "Data grade"},
    "col_themes": {"zh": "题材", "en": "Themes"},
    "page_of": {"zh": "第 {page} / {pages} 页，共 {total} 部", "en": "Page {page} of {pages}, {total} titles"},
    "base_companies_more": {"zh": "显示前 {shown} 家，共 {n} 家：查看该基地的全部企业排名",
                            "en": "The first {shown} of {n} companies: see them all in the company ranking"},
    "company_titles_more": {"zh": "显示贡献最大的前 {shown} 部，共 {n} 部；全部作品见下载文件",
                            "en": "The {shown} largest contributions of {n} titles; the downloads have them all"},
    "companies_page_of": {"zh": "第 {page} / {pages} 页，共 {total} 家", "en": "Page {page} of {pages}, {total} companies"},
    "projects_page_of": {"zh": "第 {page} / {pages} 页，共 {total} 个项目", "en": "Page {page} of {pages}, {total} projects"},
    "prev": {"zh": "上一页", "en": "Previous"},
    "next": {"zh": "下一页", "en": "Next"},
    "market_domestic": {"zh": "国内", "en": "Domestic"},
    "market_overseas": {"zh": "海外", "en": "Overseas"},
    "no_results": {"zh": "没有符合条件的剧目。", "en": "No titles match these filters."},
    "listed_apart_title": {"zh": "数据不足、未排名的剧目", "en": "Listed apart: not enough data to rank"},
    "listed_apart_note": {"zh": "这些剧目在指数要求的维度数中缺少数据，不参与排名；补充所缺维度的数据后即可入榜。",
                          "en": "These titles lack data in too many of the index's dimensions to be ranked; data "
                                "for the missing dimensions would bring them in."},
    "col_lacks": {"zh": "缺少的维度", "en": "Missing dimensions"},
    "tie_note": {"zh": "“=3”表示得分相同的剧目并列第 3 名（区间亦相同）。",
                 "en": "“=3”: titles with equal scores share rank 3 (and the same interval)."},
    # title
    "title_profile": {"zh": "维度画像", "en": "Dimension profile"},
    "title_contributions": {"zh": "指标贡献", "en": "Indicator contributions"},
    "contrib_note": {
        "zh": "每个指标对综合得分的贡献（加权后的标准化值）。",
        "en": "What each indicator adds to the score (weighted, normalised value).",
    },
    "strengths": {"zh": "优势", "en": "Strengths"},
    "weaknesses": {"zh": "短板", "en": "Weaknesses"},
    "emotion_curve": {"zh": "分集情绪曲线", "en": "Emotion curve over episodes"},
    "danmaku_peaks": {"zh": "弹幕高峰（视频秒）", "en": "Danmaku peaks over video seconds"},
    "reactions": {"zh": "观众反应", "en": "Audience reactions"},
    "fraud_flags": {"zh": "异常流量标记", "en": "Suspicious-traffic flags"},
    "no_flags": {"zh": "未发现异常流量。", "en": "No suspicious traffic found."},
    "quality_grade": {"zh": "数据质量等级", "en": "Data-quality grade"},
    "platform_totals": {"zh": "各平台累计", "en": "Totals per platform"},
    "recent_comments": {"zh": "热门评论", "en": "Top comments"},
    "facts": {"zh": "基本信息", "en": "Facts"},
    "episodes": {"zh": "集数", "en": "Episodes"},
    "released": {"zh": "上线", "en": "Released"},
    "producer": {"zh": "出品方", "en": "Producer"},
    "synopsis": {"zh": "简介", "en": "Synopsis"},
    "no_data": {"zh": "暂无数据。", "en": "No data yet."},
    "plays": {"zh": "播放", "en": "Plays"},
    "likes": {"zh": "点赞", "en": "Likes"},
    "shares": {"zh": "分享", "en": "Shares"},
    "comments": {"zh": "评论", "en": "Comments"},
    "platform": {"zh": "平台", "en": "Platform"},
    "date": {"zh": "日期", "en": "Date"},
    "reasons": {"zh": "原因", "en": "Reasons"},
    "suspicion": {"zh": "可疑度", "en": "Suspicion"},
    "episode": {"zh": "集", "en": "Episode"},
    "second": {"zh": "秒", "en": "Second"},
    "intensity": {"zh": "情绪强度", "en": "Intensity"},
    "valence": {"zh": "情绪倾向（正负）", "en": "Valence (positive or negative)"},
    "share": {"zh": "占比", "en": "Share"},
    "compare_this": {"zh": "加入对比", "en": "Compare"},
    # themes
    "themes_title": {"zh": "题材版图：新颖度与饱和度", "en": "Theme landscape: novelty against saturation"},
    "themes_note": {
        "zh": "右下角：新颖而尚未饱和的题材；左上角：扎堆且陈旧的题材。",
        "en": "Bottom right: novel, unsaturated themes; top left: crowded, familiar ones.",
    },
    "col_theme": {"zh": "题材", "en": "Theme"},
    "col_novelty": {"zh": "新颖度", "en": "Novelty"},
    "col_saturation": {"zh": "饱和度", "en": "Saturation"},
    "col_count": {"zh": "剧目数", "en": "Titles"},
    "col_mean_score": {"zh": "平均指数", "en": "Mean index"},
    "col_social": {"zh": "社会价值类别", "en": "Social value"},
    # methodology
    "methodology_title": {"zh": "方法说明", "en": "Methodology"},
    "spec_hash": {"zh": "方法版本（哈希）", "en": "Method version (hash)"},
    "steps": {"zh": "计算步骤", "en": "Steps"},
    "dimensions": {"zh": "维度", "en": "Dimensions"},
    "indicators": {"zh": "指标", "en": "Indicators"},
    "col_code": {"zh": "代码", "en": "Code"},
    "col_name": {"zh": "名称", "en": "Name"},
    "col_weight": {"zh": "权重", "en": "Weight"},
    "col_direction": {"zh": "方向", "en": "Direction"},
    "col_parent": {"zh": "所属维度", "en": "Dimension"},
    "col_definition": {"zh": "定义", "en": "Definition"},
    "col_setting": {"zh": "设置", "en": "Setting"},
    "col_value": {"zh": "取值", "en": "Value"},
    "positive": {"zh": "正向", "en": "positive"},
    "negative": {"zh": "负向", "en": "negative"},
    # quality
    "quality_title": {"zh": "数据质量", "en": "Data quality"},
    "grades": {"zh": "质量等级分布", "en": "Grades"},
    "quarantine": {"zh": "隔离的问题数据", "en": "Quarantined rows"},
    "quarantine_note": {
        "zh": "导入时未通过校验的行：文件、行号、字段与原因。",
        "en": "Rows that failed validation at ingest: file, line, field and reason.",
    },
    "col_file": {"zh": "文件", "en": "File"},
    "col_line": {"zh": "行", "en": "Line"},
    "col_field": {"zh": "字段", "en": "Field"},
    "col_reason": {"zh": "原因", "en": "Reason"},
    "col_table": {"zh": "表", "en": "Table"},
    "suspicious_traffic": {"zh": "疑似刷量", "en": "Suspicious traffic"},
    "ingest_log": {"zh": "导入记录", "en": "Ingest log"},
    "col_rows": {"zh": "读取行数", "en": "Rows read"},
    "col_inserted": {"zh": "新增", "en": "Inserted"},
    "col_updated": {"zh": "更新", "en": "Updated"},
    "col_quarantined": {"zh": "隔离", "en": "Quarantined"},
    # compare
    "compare_title": {"zh": "剧目对比", "en": "Compare titles"},
    "compare_hint": {
        "zh": "输入两个或更多剧目 ID，以逗号分隔。",
        "en": "Enter two or more title ids, separated by commas.",
    },
    "compare_ids_label": {"zh": "剧目 ID", "en": "Title ids"},
    "compare_go": {"zh": "对比", "en": "Compare"},
    # runs
    "runs_title": {"zh": "指数计算记录", "en": "Index runs"},
    "col_run": {"zh": "计算编号", "en": "Run"},
    "col_created": {"zh": "时间", "en": "Created"},
    "col_period": {"zh": "周期", "en": "Period"},
    "col_data_hash": {"zh": "数据指纹", "en": "Data fingerprint"},
    "col_titles": {"zh": "剧目数", "en": "Titles"},
    # errors
    "error_title": {"zh": "出错了", "en": "Something is wrong"},
    "not_found": {"zh": "找不到该页面或剧目。", "en": "No such page or title."},
    "back_home": {"zh": "返回总览", "en": "Back to the overview"},
    # what each answer status means to a reader, above the library's own (English) detail
    "error_status_400": {"zh": "请求的参数有误，请检查筛选条件或编号。", "en": "The request has a value this index cannot use."},
    "error_status_404": {"zh": "找不到该页面、剧目或对象。", "en": "No such page, title or record."},
    "error_status_413": {"zh": "上传的内容过大。", "en": "The upload is too large."},
    "error_status_415": {"zh": "不支持该文件类型。", "en": "This kind of file is not accepted."},
    "error_status_422": {"zh": "请求的参数格式不正确。", "en": "A value in the request has the wrong form."},
    "error_status_429": {"zh": "请求过于频繁，请稍后再试。", "en": "Too many requests at once; try again shortly."},
    "error_status_503": {"zh": "数据正在更新或尚未就绪，请稍后刷新。", "en": "The data is being updated or not ready yet; reload shortly."},
    "error_status_other": {"zh": "页面暂时无法显示。", "en": "The page cannot be shown right now."},
    "error_detail": {"zh": "详细信息（英文）", "en": "Details"},
    # report
    "report_title": {"zh": "微短剧传播评价指数报告", "en": "Micro-drama index report"},
    "report_period": {"zh": "报告周期", "en": "Period"},
    "report_generated": {"zh": "生成时间", "en": "Generated"},
    "report_top": {"zh": "综合榜单", "en": "Top titles"},
    "report_top_dim": {"zh": "分维度前五", "en": "Top five per dimension"},
    "report_movers": {"zh": "名次变化", "en": "Movers"},
    "report_movers_note": {
        "zh": "与上一周期相比名次上升或下降最多的剧目（仅计两期均入榜者）。",
        "en": "Biggest rank changes against the previous period (titles ranked in both).",
    },
    "report_no_previous": {"zh": "没有可比较的上一周期。", "en": "No previous period to compare with."},
    "col_prev_rank": {"zh": "上期名次", "en": "Previous rank"},
    "col_change": {"zh": "变化", "en": "Change"},
    "report_themes": {"zh": "题材趋势", "en": "Theme trends"},
    "report_resonance": {"zh": "情感共鸣亮点", "en": "Resonance highlights"},
    "report_quality": {"zh": "数据质量", "en": "Data quality"},
    "report_appendix": {"zh": "附录：方法说明", "en": "Appendix: methodology"},
    "report_cite": {
        "zh": "引用本报告时请注明计算编号、方法哈希与数据指纹，任何结果均可复现。",
        "en": "Cite the run id, method hash and data fingerprint: every figure can be reproduced.",
    },
    "dominant_reaction": {"zh": "主要反应", "en": "Dominant reaction"},
}

# Projects, forecasts, scripts, companies and production bases: their own block so the
# index pages' strings above stay easy to scan.
STRINGS.update({
    "nav_companies": {"zh": "公司与基地", "en": "Companies"},
    "nav_projects": {"zh": "项目", "en": "Projects"},
    "nav_script": {"zh": "剧本分析", "en": "Script"},
    # projects
    "projects_title": {"zh": "在制项目", "en": "Projects"},
    "filter_stage": {"zh": "阶段", "en": "Stage"},
    "stage_writing": {"zh": "剧本", "en": "Writing"},
    "stage_filming": {"zh": "拍摄", "en": "Filming"},
    "stage_post": {"zh": "后期", "en": "Post-production"},
    "stage_broadcasting": {"zh": "播出中", "en": "Broadcasting"},
    "stage_evaluated": {"zh": "已评估", "en": "Evaluated"},
    "col_project": {"zh": "项目", "en": "Project"},
    "col_stage": {"zh": "阶段", "en": "Stage"},
    "col_budget": {"zh": "预算（元）", "en": "Budget (CNY)"},
    "col_spent": {"zh": "已花费（元）", "en": "Spent (CNY)"},
    "col_spend_ratio": {"zh": "花费/预算", "en": "Spent / budget"},
    "col_warnings": {"zh": "预警", "en": "Warnings"},
    "budget_total": {"zh": "预算合计", "en": "Total budget"},
    "spent_total": {"zh": "花费合计", "en": "Total spent"},
    "projects_warned": {"zh": "有预警的项目", "en": "Projects with warnings"},
    "project_plan": {"zh": "项目计划", "en": "Plan"},
    "project_history": {"zh": "阶段记录", "en": "Stage history"},
    "col_from": {"zh": "从", "en": "From"},
    "col_to": {"zh": "到", "en": "To"},
    "locations": {"zh": "拍摄地", "en": "Locations"},
    "linked_title": {"zh": "上线剧目", "en": "Released as"},
    # forecasts
    "forecast_title": {"zh": "预测", "en": "Forecast"},
    "forecast_hint": {"zh": "输入剧目 ID（按上线时可知的信息预测）或项目 ID（按计划预测）。",
                      "en": "Enter a title id (forecast as of its release) or a project id (forecast of its plan)."},
    "forecast_none": {"zh": "无法预测：", "en": "No forecast: "},
    "forecast_note": {"zh": "区间为保形预测区间：按设计覆盖 {coverage} 的真实结果。",
                      "en": "Intervals are conformal: by construction they cover {coverage} of actual outcomes."},
    "col_target": {"zh": "预测目标", "en": "Target"},
    "col_point": {"zh": "点预测", "en": "Forecast"},
    "col_low": {"zh": "下限", "en": "Low"},
    "col_high": {"zh": "上限", "en": "High"},
    "col_actual": {"zh": "实际", "en": "Actual"},
    "col_source": {"zh": "口径", "en": "Definition"},
    "natural_scale": {"zh": "原始量纲", "en": "Natural scale"},
    "roi": {"zh": "投资回报情景", "en": "Return scenarios"},
    "p_break_even": {"zh": "回本概率", "en": "Chance of breaking even"},
    "roi_quantiles": {"zh": "回报率分位数", "en": "ROI quantiles"},
    "go": {"zh": "提交", "en": "Go"},
    "backtest_title": {"zh": "预测回测", "en": "Forecast backtest"},
    "backtest_note": {"zh": "按时间切分：只用截止日前上线的剧目训练，预测之后上线的剧目，与基线（历史中位数）比较。",
                      "en": "Time split: train on titles released before each cutoff, forecast those after, "
                            "against a baseline (the historical median)."},
    "col_model_mae": {"zh": "模型 MAE", "en": "Model MAE"},
    "col_baseline_mae": {"zh": "基线 MAE", "en": "Baseline MAE"},
    "col_improvement": {"zh": "相对基线改进", "en": "Improvement on baseline"},
    "col_coverage": {"zh": "实际覆盖率", "en": "Coverage"},
    "col_nominal": {"zh": "名义覆盖率", "en": "Nominal coverage"},
    "col_n_test": {"zh": "检验样本数", "en": "Test titles"},
    "see_backtest": {"zh": "预测的回测表现", "en": "How well the forecasts backtest"},
    # script
    "script_title": {"zh": "剧本分析", "en": "Script analysis"},
    "script_hint": {"zh": "粘贴剧本文本（只分析，不保存）。用“第1集”等标记分集。",
                    "en": "Paste a script (analysed, never stored). Mark episodes with \"Episode 1\" or 第1集."},
    "script_text": {"zh": "剧本", "en": "Script"},
    "script_lang": {"zh": "语言", "en": "Language"},
    "lang_auto": {"zh": "自动识别", "en": "Detect"},
    "episode_seconds": {"zh": "每集时长（秒，可选）", "en": "Seconds per episode (optional)"},
    "script_compare": {"zh": "与头部剧目剧本比较", "en": "Compare with top titles' scripts"},
    "script_analyze": {"zh": "分析", "en": "Analyse"},
    "col_screen_seconds": {"zh": "时长（秒）", "en": "Screen seconds"},
    "col_hook": {"zh": "钩子强度", "en": "Hook strength"},
    "col_payoffs": {"zh": "爽点", "en": "Payoffs"},
    "col_conflicts": {"zh": "冲突", "en": "Conflicts"},
    "col_reversals": {"zh": "反转", "en": "Reversals"},
    "col_arc": {"zh": "情绪走向", "en": "Arc"},
    "paywall": {"zh": "付费卡点建议", "en": "Paywall suggestion"},
    "comparison": {"zh": "与头部剧目比较", "en": "Against the top titles"},
    "warnings": {"zh": "提示", "en": "Warnings"},
    # companies and bases
    "companies_title": {"zh": "公司排名", "en": "Company ranking"},
    "companies_note": {"zh": "公司得分向市场均值收缩（作品越少收缩越多）；排名区间来自蒙特卡洛模拟，区间越短名次越确定。",
                       "en": "Company scores shrink towards the market mean (more for fewer titles); rank intervals "
                             "come from Monte Carlo simulation: the shorter, the surer."},
    "col_company": {"zh": "公司", "en": "Company"},
    "col_base": {"zh": "基地", "en": "Base"},
    "col_titles_ranked": {"zh": "入榜作品", "en": "Titles ranked"},
    "col_hit_rate": {"zh": "爆款率", "en": "Hit rate"},
    "col_median_score": {"zh": "作品中位得分", "en": "Median title score"},
    "col_flags": {"zh": "说明", "en": "Flags"},
    "filter_base": {"zh": "基地", "en": "Base"},
    "method": {"zh": "方法", "en": "Method"},
    "base_title": {"zh": "制作基地：{base}", "en": "Production base: {base}"},
    "base_summary": {"zh": "要点", "en": "Summary"},
    "base_companies": {"zh": "基地公司", "en": "Companies at this base"},
    "base_vs_market": {"zh": "与市场相比（各维度）", "en": "Against the market, per dimension"},
    "base_vs_market_note": {"zh": "基地均值的 90% 自助法区间整体高于市场均值才算领先，整体低于才算落后。",
                            "en": "The base leads only when the 90% bootstrap interval of its mean lies wholly above "
                                  "the market mean, and lags only when wholly below."},
    "col_dimension": {"zh": "维度", "en": "Dimension"},
    "col_base_mean": {"zh": "基地均值", "en": "Base mean"},
    "col_market_mean": {"zh": "市场均值", "en": "Market mean"},
    "col_mean_interval": {"zh": "均值区间 (5–95%)", "en": "Interval of the mean (5–95%)"},
    "col_verdict": {"zh": "判断", "en": "Verdict"},
    "verdict_lead": {"zh": "领先", "en": "leads"},
    "verdict_lag": {"zh": "落后", "en": "lags"},
    "verdict_level": {"zh": "持平", "en": "level"},
    "base_trends": {"zh": "趋势", "en": "Trends"},
    "col_period": {"zh": "周期", "en": "Period"},
    "col_market": {"zh": "市场", "en": "Market"},
    "base_themes": {"zh": "题材分布", "en": "Themes"},
    "col_lift": {"zh": "相对市场倍数", "en": "Lift over market"},
    "saturating": {"zh": "扎堆", "en": "saturating"},
    "base_pipeline": {"zh": "在制项目与预测", "en": "Pipeline and forecasts"},
    "notes": {"zh": "说明", "en": "Notes"},
    "leads": {"zh": "领先", "en": "Leads"},
    "lags": {"zh": "落后", "en": "Lags"},
    "none": {"zh": "无", "en": "none"},
    "report_bases": {"zh": "制作基地", "en": "Production bases"},
    "report_bases_note": {"zh": "各基地的公司排名与相对市场的领先/落后维度（不含预测）。",
                          "en": "Each base's companies and the dimensions where it leads or lags the market "
                                "(without forecasts)."},
})


# Readers' words for the formats module (dramascope.publish.formats): period codes and the dash.
STRINGS.update({
    "period_life": {"zh": "全周期", "en": "Lifetime"},
    "period_week": {"zh": "{year}年第{week}周", "en": "Week {week}, {year}"},
    "period_year": {"zh": "{year}年", "en": "{year}"},
    "period_kind_day": {"zh": "日榜", "en": "Daily"},
    "period_kind_week": {"zh": "周榜", "en": "Weekly"},
    "period_kind_month": {"zh": "月榜", "en": "Monthly"},
    "period_kind_year": {"zh": "年榜", "en": "Yearly"},
    "period_kind_life": {"zh": "总榜", "en": "All time"},
    "boards_title": {"zh": "热榜", "en": "Charts"},
    "boards_note": {
        "zh": "每个榜单内名次从 1 开始；变化与同一榜单上一周期相比（▲ 上升，▼ 下降，新 = 上期未上榜）。指数来自该周期的计算结果，"
              "播放与互动为该周期的原始计数（按平台筛选时为该平台的计数）。",
        "en": "Ranks restart at 1 on every board; movement is against the same board one period earlier (▲ up, "
              "▼ down, new = not on the previous board). The index is the period's run; plays and engagements "
              "are the period's raw counters (the platform's own when a platform is chosen).",
    },
    "col_board_rank": {"zh": "名次", "en": "Rank"},
    "col_median_rank": {"zh": "中位名次", "en": "Median rank"},
    "rank_plain": {
        "zh": "在合理范围内改变标准化、权重与缺失值处理重新计算时，90% 的结果把它排在第 {low} 至第 {high} 名之间，"
              "中位数为第 {median} 名。区间越窄，名次越确定。",
        "en": "Recomputed with other reasonable choices of normalisation, weights and imputation, 90% of the results "
              "place it between rank {low} and rank {high}, with a median of {median}. The narrower the interval, "
              "the surer the rank.",
    },
    "rank_driver": {
        "zh": "在这些方法选择中，最能左右它名次的是{choice}：它解释了该剧名次波动的 {share}。",
        "en": "Of these choices, {choice} moves its rank most: it explains {share} of the spread of its rank.",
    },
    "rank_driver_normalisation": {"zh": "标准化方法", "en": "the normalisation method"},
    "rank_driver_imputation": {"zh": "缺失值处理方法", "en": "the imputation of missing values"},
    "rank_driver_aggregation": {"zh": "加总方式（算术或几何平均）", "en": "the aggregation (arithmetic or geometric)"},
    "rank_driver_weight": {"zh": "“{dimension}”维度的权重", "en": "the weight of the {dimension} dimension"},
    "rank_outside_better": {
        "zh": "它的名义名次（第 {rank} 名）好于区间：当前方法恰好对它特别有利，换用其他合理方法时它通常排得更靠后。",
        "en": "Its nominal rank ({rank}) is better than the interval: the chosen method happens to favour it, and "
              "other reasonable methods usually place it lower.",
    },
    "rank_outside_worse": {
        "zh": "它的名义名次（第 {rank} 名）差于区间：当前方法恰好对它不利，换用其他合理方法时它通常排得更靠前。",
        "en": "Its nominal rank ({rank}) is worse than the interval: the chosen method happens to disfavour it, and "
              "other reasonable methods usually place it higher.",
    },
    "download": {"zh": "下载本表", "en": "Download this table"},
    "download_csv": {"zh": "CSV", "en": "CSV"},
    "download_xlsx": {"zh": "Excel", "en": "Excel"},
    "col_movement": {"zh": "变化", "en": "Move"},
    "col_market_rank": {"zh": "全市场名次", "en": "Market rank"},
    "col_plays_valid": {"zh": "有效播放", "en": "Valid plays"},
    "col_plays_total": {"zh": "总播放", "en": "All plays"},
    "col_engagements": {"zh": "互动", "en": "Engagements"},
    "col_shares": {"zh": "分享", "en": "Shares"},
    "movement_new": {"zh": "新", "en": "new"},
    "top_movers": {"zh": "名次变化最大", "en": "Top movers"},
    "trend_plays": {"zh": "各平台每日播放", "en": "Daily plays per platform"},
    "trend_rank": {"zh": "各周期名次", "en": "Rank in each period"},
    "trend_rank_none": {"zh": "只有一个周期的计算结果，暂无趋势。", "en": "Only one period has been computed: no trend yet."},
    "risers": {"zh": "上升", "en": "Climbing"},
    "fallers": {"zh": "下降", "en": "Falling"},
    "previous_period": {"zh": "上期", "en": "Previous period"},
    "board_count": {"zh": "本榜共 {total} 部", "en": "{total} titles on this board"},
    "no_board": {"zh": "尚无可生成榜单的指数计算。", "en": "No index runs to build a board from yet."},
})

# The methodology page as a reader meets it: plain words first, the stored configuration as an appendix.
STRINGS.update({
    "method_what_h": {"zh": "测量什么", "en": "What is measured"},
    "method_what": {
        "zh": "指数衡量一部微短剧传播得多远、观众反应多强烈、口碑如何、题材有多新、带来多少社会价值。"
              "每个维度由若干可追溯的指标组成，商业价值单独成子指数，不计入综合得分。",
        "en": "The index measures how far a micro-drama travels, how strongly viewers react, what they think of "
              "it, how new its story is and what social value it carries. Each dimension is built from traceable "
              "indicators; commercial value is a separate sub-index, outside the overall score.",
    },
    "method_data_h": {"zh": "数据从哪里来", "en": "Where the data comes from"},
    "method_data": {
        "zh": "各平台每日的播放、点赞、评论、分享、收藏与完播数据；评论与弹幕的情感分析；评分；剧目的题材、集数与出品信息。"
              "导入时不合格的行被隔离并记录原因，从不悄悄丢弃。",
        "en": "Each platform's daily plays, likes, comments, shares, favourites and completion; the emotions of "
              "comments and danmaku; ratings; each title's themes, episodes and producers. Rows that fail "
              "validation at import are quarantined with their reason, never silently dropped.",
    },
    "method_fraud_h": {"zh": "如何扣除虚假流量", "en": "How fake traffic is discounted"},
    "method_fraud": {
        "zh": "每个剧目、平台和日期都与该剧此前 28 天的常态及平台近期的常态比较：点赞率异常偏高、分享与收藏同时偏低、"
              "播放暴涨而互动下降、评论集中于少数账号等迹象会累积成可疑度。判断只用当天及之前的数据，"
              "新数据到来不会改变已发布日期的结论。被标记的日子不计入“有效播放”，剧目的数据质量等级随之降低。",
        "en": "Every title, platform and day is compared with the title's own norm over its previous 28 days and "
              "with the platform's recent norm: likes per play far too high, shares and favourites both too low, "
              "a burst of plays while engagement falls, comments from a few accounts. Only that day and earlier "
              "ones are read, so new data never changes a published day's verdict. The evidence adds up to a "
              "suspicion score; flagged days are left out of valid plays and the title's data-quality grade "
              "goes down.",
    },
    "method_grades_h": {"zh": "数据质量等级", "en": "What the grades mean"},
    "method_grades": {
        "zh": "A：未发现异常；B：少量可疑迹象；C：相当比例的日子被标记为可疑；D：大部分流量可疑。C/D 级剧目仍会排名，但请谨慎解读。",
        "en": "A: nothing suspicious; B: a few suspicious signs; C: a sizeable share of days flagged; D: most "
              "traffic suspect. Grade C and D titles are still ranked, but read them with care.",
    },
    "method_rank_h": {"zh": "名次与排名区间", "en": "Ranks and rank intervals"},
    "method_rank": {
        "zh": "名次来自所选方法下的综合得分。排名区间来自蒙特卡洛模拟：在合理范围内改变标准化方法、权重和缺失值处理，"
              "重复计算数百次，90% 的模拟名次落在区间之内；中位名次是这些模拟的中间值。"
              "当所选方法恰好对某部剧特别有利或不利时，名义名次可能落在区间之外。",
        "en": "The rank comes from the overall score under the chosen method. The rank interval comes from Monte "
              "Carlo simulation: normalisation, weights and imputation are varied within reasonable bounds and the "
              "ranking is recomputed hundreds of times; 90% of simulated ranks fall inside the interval, and the "
              "median rank is their middle. When the chosen method happens to favour or disfavour a title, its "
              "nominal rank can fall outside the interval.",
    },
    "method_versions_h": {"zh": "版本与复现", "en": "Versions and reproducibility"},
    "method_versions": {
        "zh": "每次计算都记录方法哈希与数据指纹：方法或数据的任何改变都会得到新的哈希，已发布的榜单都可以复现。"
              "各次计算及其哈希见“计算记录”页。",
        "en": "Every run stores a method hash and a data fingerprint: any change of method or data gives a new "
              "hash, and every published ranking can be reproduced. The runs page lists every run with its hashes.",
    },
    "method_appendix": {"zh": "附录：计算配置", "en": "Appendix: run configuration"},
    "col_description": {"zh": "说明", "en": "Description"},
    "titles_released": {"zh": "上线剧目", "en": "Titles released"},
    "as_of": {"zh": "预测基准日", "en": "as of"},
    "model_version": {"zh": "模型版本", "en": "Model version"},
})

# Analyst tools on every page: sortable columns, the compare cart, period pickers, per-table downloads,
# the company page and the charts that replaced trend tables.
STRINGS.update({
    "sort_hint": {"zh": "点击排序（再次点击反向）", "en": "Sort by this column (again to reverse)"},
    "cart_add": {"zh": "＋对比", "en": "+ Compare"},
    "cart_added": {"zh": "✓ 已加入", "en": "✓ Added"},
    "cart_add_hint": {"zh": "加入对比清单", "en": "Add to the compare cart"},
    "cart_remove_hint": {"zh": "从对比清单移除", "en": "Remove from the compare cart"},
    "cart_full": {"zh": "对比清单最多 {max} 部剧目，请先移除一部。", "en": "The compare cart holds at most {max} titles: "
                                                                     "remove one first."},
    "cart_count": {"zh": "对比清单中有 {n} 部剧目", "en": "{n} titles in the compare cart"},
    "cart_clear": {"zh": "清空对比清单", "en": "Empty the cart"},
    "cart_take": {"zh": "把本页剧目设为对比清单", "en": "Make these titles my cart"},
    "compare_empty": {"zh": "对比清单是空的：在榜单、热榜、搜索或公司页点击“＋对比”加入剧目，最多 {max} 部。",
                      "en": "The compare cart is empty: press “+ Compare” beside titles on the rankings, charts, "
                            "search or company pages (at most {max})."},
    "compare_counters": {"zh": "播放、点赞、评论、分享为各平台全部日期的合计。",
                         "en": "Plays, likes, comments and shares are summed over every platform and day."},
    "compare_dimensions": {"zh": "各维度得分", "en": "Dimension scores"},
    "compare_measure": {"zh": "指标", "en": "Measure"},
    "compare_group_index": {"zh": "综合指数", "en": "Index"},
    "compare_group_counters": {"zh": "累计计数", "en": "Totals"},
    "col_platforms": {"zh": "平台数", "en": "Platforms"},
    "pick_period": {"zh": "选择日期", "en": "Pick a date"},
    "pick_day": {"zh": "日期", "en": "Day"},
    "pick_week": {"zh": "周", "en": "Week"},
    "pick_month": {"zh": "月份", "en": "Month"},
    "pick_range": {"zh": "可选：{first} 至 {last}，共 {n} 期", "en": "Available: {first} to {last}, {n} periods"},
    "period_missing": {"zh": "{requested} 没有{kind}；已改为显示最近的一期 {shown}。",
                       "en": "There is no {kind} board for {requested}; showing the nearest one, {shown}."},
    "period_kind_any": {"zh": "周期类型", "en": "Kind of period"},
    "theme_trend": {"zh": "题材趋势：每月上线剧目数", "en": "Theme trend: titles released per month"},
    "theme_trend_none": {"zh": "剧目没有上线日期或题材标签，暂无趋势。", "en": "No release dates or theme tags: no trend yet."},
    "trend_hit_rate": {"zh": "爆款率：基地与全市场", "en": "Hit rate: base against the market"},
    "trend_median_score": {"zh": "得分中位数：基地与全市场", "en": "Median score: base against the market"},
    "trend_released": {"zh": "每期上线剧目数", "en": "Titles released per period"},
    "series_base": {"zh": "本基地", "en": "This base"},
    "series_market": {"zh": "全市场", "en": "Market"},
    "company_title": {"zh": "公司：{name}", "en": "Company: {name}"},
    "company_titles": {"zh": "作品及其贡献", "en": "Titles and their contributions"},
    "company_dimensions": {"zh": "各维度：公司与全市场", "en": "Dimensions: company against the market"},
    "col_contribution": {"zh": "贡献", "en": "Contribution"},
    "col_company_mean": {"zh": "公司均值", "en": "Company mean"},
    "col_difference": {"zh": "差值", "en": "Difference"},
    "shrinkage_pull": {"zh": "向市场均值收缩", "en": "Pull toward the market mean"},
    "company_above": {"zh": "前一名", "en": "Ranked just above"},
    "gap": {"zh": "差距", "en": "gap"},
    "download_table": {"zh": "下载本表：", "en": "Download this table:"},
    "col_days": {"zh": "天数", "en": "Days"},
    "col_kind": {"zh": "类型", "en": "Kind"},
    "col_market_median": {"zh": "全市场得分中位数", "en": "Market median score"},
    "col_market_hit_rate": {"zh": "全市场爆款率", "en": "Market hit rate"},
    "col_forecast_plays": {"zh": "预测有效播放", "en": "Forecast valid plays"},
    "col_scale": {"zh": "模型尺度", "en": "Model scale"},
})

# The printed report's cover and one-page summary.
STRINGS.update({
    "report_cover_sub": {"zh": "DramaScope 微短剧传播与评价指数", "en": "DramaScope micro-drama dissemination and evaluation index"},
    "report_summary": {"zh": "摘要", "en": "Summary"},
    "report_market": {"zh": "市场总览", "en": "The market"},
    "report_span": {"zh": "数据区间", "en": "Data from"},
    "report_titles_active": {"zh": "有播放数据的剧目", "en": "Titles with plays"},
    "report_valid_plays": {"zh": "有效播放量", "en": "Valid plays"},
    "report_valid_note": {"zh": "有效播放 = 总播放扣除被判定为虚假流量的日子", "en": "valid plays = plays less the days flagged as fake traffic"},
    "report_top_short": {"zh": "榜单前列", "en": "Top titles"},
    "report_movers_short": {"zh": "名次变化最大", "en": "Biggest movers"},
    "report_contents": {"zh": "本报告内容", "en": "In this report"},
    "report_config": {"zh": "计算配置（原始参数）", "en": "Run configuration (raw parameters)"},
    "report_identity": {"zh": "引用信息", "en": "To cite this report"},
})

# Codes that have no declaration of their own elsewhere in the package, by kind. Kinds whose codes are
# declared beside the code that uses them (themes in data/themes.yaml, indicators in the signal
# registry, dimensions in the index spec, tables in schema.py, emotions below) are read from there by
# dramascope.publish.labels; only the rest is named here.
CODE_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "platform": {
        "douyin": {"zh": "抖音", "en": "Douyin"}, "kuaishou": {"zh": "快手", "en": "Kuaishou"},
        "hongguo": {"zh": "红果短剧", "en": "Hongguo"}, "weixin": {"zh": "微信视频号", "en": "WeChat Channels"},
        "bilibili": {"zh": "哔哩哔哩", "en": "Bilibili"}, "iqiyi": {"zh": "爱奇艺", "en": "iQIYI"},
        "youku": {"zh": "优酷", "en": "Youku"}, "tencent": {"zh": "腾讯视频", "en": "Tencent Video"},
        "mgtv": {"zh": "芒果TV", "en": "Mango TV"},
        "reelshort": {"zh": "ReelShort", "en": "ReelShort"}, "dramabox": {"zh": "DramaBox", "en": "DramaBox"},
        "netshort": {"zh": "NetShort", "en": "NetShort"}, "dramawave": {"zh": "DramaWave", "en": "DramaWave"},
        "shortmax": {"zh": "ShortMax", "en": "ShortMax"}, "moboreels": {"zh": "MoboReels", "en": "MoboReels"},
        "goodshort": {"zh": "GoodShort", "en": "GoodShort"}, "flextv": {"zh": "FlexTV", "en": "FlexTV"},
    },
    "base": {
        "linping": {"zh": "临平", "en": "Linping"}, "hengdian": {"zh": "横店", "en": "Hengdian"},
        "xiangshan": {"zh": "象山", "en": "Xiangshan"}, "zhengzhou": {"zh": "郑州", "en": "Zhengzhou"},
        "xian": {"zh": "西安", "en": "Xi'an"},
    },
    "company_flag": {
        "low_grade_record": {"zh": "作品数据质量偏低", "en": "many low-grade titles"},
        "below_min_titles": {"zh": "作品数不足", "en": "too few titles"},
        "single_title": {"zh": "仅一部作品", "en": "one title only"},
    },
    "fraud_reason": {
        "inflated_counter": {"zh": "点赞或评论率异常偏高", "en": "likes or comments per play too high"},
        "diluted_engagement": {"zh": "分享与收藏率同时偏低", "en": "shares and favourites per play both too low"},
        "ratio_inconsistent": {"zh": "互动比例彼此背离", "en": "engagement ratios move apart"},
        "ratio_outlier": {"zh": "比例远离平台常态", "en": "a ratio far from the platform's norm"},
        "completion_drop": {"zh": "完播率骤降", "en": "completion drop"},
        "burst_without_engagement": {"zh": "播放暴涨而互动下降", "en": "play burst without engagement"},
        "duplicate_comments": {"zh": "重复评论", "en": "duplicate comments"},
        "concentrated_users": {"zh": "评论集中于少数用户", "en": "comments from few users"},
        "danmaku_sync": {"zh": "弹幕同步刷屏", "en": "synchronised danmaku"},
    },
    "forecast_target": {
        "dissemination": {"zh": "传播（有效播放）", "en": "Reach (valid plays)"},
        "revenue": {"zh": "收入（元）", "en": "Revenue (CNY)"},
        "resonance": {"zh": "共鸣度得分", "en": "Resonance score"},
    },
    "social": {
        "culture": {"zh": "文化", "en": "culture"}, "tourism": {"zh": "文旅", "en": "tourism"},
        "law": {"zh": "普法", "en": "law"}, "heritage": {"zh": "非遗", "en": "heritage"},
        "rural": {"zh": "乡村振兴", "en": "rural revival"}, "science": {"zh": "科普", "en": "science"},
    },
    "arc": {
        "rise": {"zh": "上扬", "en": "rise"}, "fall": {"zh": "下行", "en": "fall"},
        "fall-rise": {"zh": "先抑后扬", "en": "fall then rise"}, "rise-fall": {"zh": "先扬后抑", "en": "rise then fall"},
        "flat": {"zh": "平稳", "en": "flat"},
    },
    "script_metric": {
        "hook": {"zh": "钩子强度", "en": "Hook strength"},
        "payoffs_per_minute": {"zh": "每分钟爽点", "en": "Payoffs per minute"},
        "valence": {"zh": "情绪倾向", "en": "Valence"},
        "mean_difference": {"zh": "与头部平均差", "en": "Mean difference from the top"},
        "positions_below": {"zh": "低于头部的位置数", "en": "Positions below the top"},
        "shape_correlation": {"zh": "曲线形状相关", "en": "Shape correlation"},
    },
}


# Display names of the resonance engine's codes (base labels and reactions); the codes themselves are
# declared in dramascope.resonance.labels, which reads these names from here.
EMOTION_NAMES: dict[str, dict[str, str]] = {
    "like": {"zh": "喜爱", "en": "like"}, "happiness": {"zh": "快乐", "en": "happiness"},
    "sadness": {"zh": "悲伤", "en": "sadness"}, "anger": {"zh": "愤怒", "en": "anger"},
    "disgust": {"zh": "厌恶", "en": "disgust"}, "fear": {"zh": "恐惧", "en": "fear"},
    "surprise": {"zh": "惊讶", "en": "surprise"}, "neutral": {"zh": "中性", "en": "neutral"},
    "shuang": {"zh": "爽", "en": "catharsis"}, "tian": {"zh": "甜", "en": "sweetness"},
    "nue": {"zh": "虐", "en": "heartache"}, "ran": {"zh": "燃", "en": "thrill"}, "xiao": {"zh": "笑", "en": "amusement"},
    "leimu": {"zh": "泪目", "en": "moved to tears"}, "qi": {"zh": "气", "en": "anger at a villain"},
    "jing": {"zh": "惊", "en": "twist shock"}, "cuigeng": {"zh": "催更", "en": "anticipation"},
    "qiju": {"zh": "弃剧", "en": "abandonment"}, "ga": {"zh": "尬", "en": "cringe"},
}
LABEL_NAMES = EMOTION_NAMES


def label_name(code: str | None, lang: Lang) -> str:
    """Display name of an emotion label or reaction code; unknown codes are shown as they are."""
    if not code:
        return ""
    return LABEL_NAMES.get(code, {}).get(lang, code)


def normalise_lang(value: str | None) -> Lang | None:
    """Accept 'zh', 'en', 'zh-CN', 'en_US' …; anything else is None (the caller falls back)."""
    if not value:
        return None
    head = value.strip().lower().replace("_", "-").split("-")[0]
    return head if head in LANGS else None  # type: ignore[return-value]


def translate(key: str, lang: Lang, **fmt: object) -> str:
    """The string for ``key`` in ``lang``; a missing key is a programming error and raises KeyError."""
    text = STRINGS[key][lang]
    return text.format(**fmt) if fmt else text


def status_meaning_key(status: int) -> str:
    """The key of the sentence that tells a reader what an answer status means (a generic one if none)."""
    key = f"error_status_{status}"
    return key if key in STRINGS else "error_status_other"


def pick(zh: str | None, en: str | None, lang: Lang) -> str:
    """Show the name in the chosen language, falling back to the other one when it is missing."""
    first, second = (zh, en) if lang == "zh" else (en, zh)
    return first or second or ""


def fmt(value: Any, digits: int = 3) -> str:
    """A number as pages print it: ``digits`` decimals for floats, an en dash for a missing value."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def fmt_int(value: Any) -> str:
    """A count with thousands separators, an en dash for a missing value."""
    if value is None:
        return "–"
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)
