"""The trainer's report and slides in two languages: every label, title and narrative phrase as
{"zh": ..., "en": ...}.

Names the scenario gives (courtyards, interventions) are shown as the scenario spells them in
English and through NAMES in Chinese; a name missing from NAMES is shown as it is in both languages.

A scenario can give its own names in a second language (Scenario.labels, docs/scenario-format.md,
"Labels"); the result file carries them as /parameters/label_*. apply_labels() puts them in front of the
tables below: a scenario's label wins, the table is the fallback.
"""

LANGS = ("zh", "en")

# the package's components (engine/scenario/package.cpp), by code name
COMPONENTS = {
    "platform": ("接待站，轮流值守", "reception station, staffed in turns"),
    "assets_survey": ("摸清院落资产", "survey of the assets"),
    "demands_survey": ("摸清居民诉求", "survey of the demands"),
    "home_visits": ("逐户走访", "home visits to every household"),
    "party_members_known": ("党员亮身份", "party members make themselves known"),
    "three_level_meetings": ("三级议事：社区会议议院落诉求", "community meeting on the courtyard's demands"),
    "party_branch": ("院落党支部", "courtyard party branch"),
    "council": ("居民议事会", "residents' council"),
    "council_meetings": ("议事会议诉求", "the council's meetings on the demands"),
    "committee": ("院落自治管理小组", "residents' committee"),
    "accounts_at_gate": ("账目门口公示", "accounts posted at the gate"),
    "cleaning_campaign": ("清运建筑垃圾", "clearing rubble"),
    "hardware_works": ("楼道粉刷、车棚修缮、监控、居民之家", "stairwells painted, garages repaired, cameras, residents' home"),
    "covenant": ("居民公约", "residents' covenant"),
    "awards": ("评比奖励", "awards"),
    "activities": ("经常性活动", "regular activities"),
    "services": ("文化、健康、养老服务", "culture, health and elderly-care services"),
}

# the case's 1-2-3-4: one platform, two clears, three levels, four steps; each component's part
PART_NAMES = {
    "platform": ("一个平台", "1 platform"),
    "clears": ("两个清楚", "2 clears"),
    "levels": ("三级联动", "3 levels"),
    "organisation": ("四步·组织", "4 steps: organisation"),
    "hardware": ("四步·硬件", "4 steps: hardware"),
    "covenant": ("四步·公约", "4 steps: covenant"),
    "services": ("四步·服务", "4 steps: services"),
}
PART_OF = {
    "platform": "platform", "assets_survey": "clears", "demands_survey": "clears", "home_visits": "clears",
    "party_members_known": "levels", "three_level_meetings": "levels", "party_branch": "organisation",
    "council": "organisation", "council_meetings": "organisation", "committee": "organisation",
    "accounts_at_gate": "organisation", "cleaning_campaign": "hardware", "hardware_works": "hardware",
    "covenant": "covenant", "awards": "covenant", "activities": "covenant", "services": "services",
}


def part(full_name):
    """The 1-2-3-4 part of a package component's intervention name, in both languages, or None."""
    if full_name.endswith(")") and "(" in full_name:
        code = full_name[full_name.rindex("(") + 1:-1]
        if code in PART_OF:
            return both(PART_NAMES[PART_OF[code]])
    return None


# the four steps of the 1-2-3-4 method (package_step_names()), in order
STEPS = ["organisation", "hardware", "covenant", "services"]
STEP_NAMES = {
    "organisation": ("第1步：组织（党支部、议事会、自治小组）", "Step 1: organisation (party branch, council, committee)"),
    "hardware": ("第2步：硬件（清运、楼道、车棚、监控）", "Step 2: hardware (rubble, stairwells, garages, cameras)"),
    "covenant": ("第3步：公约（公约、评比、活动）", "Step 3: covenant (covenant, awards, activities)"),
    "services": ("第4步：服务（文化、健康、养老）", "Step 4: services (culture, health, elderly care)"),
}
STEP_SHORT = {
    "organisation": ("组织", "organisation"),
    "hardware": ("硬件", "hardware"),
    "covenant": ("公约", "covenant"),
    "services": ("服务", "services"),
}

# names the scenarios give, in Chinese (the scenarios' comments give these)
NAMES = {
    "Jiangdong Minju Zone 2": "江东民居二区",
    "龙舟路60号院新五栋": "龙舟路60号院新五栋",
    "insulation levy, asked door to door": "逐户收取屋顶隔热费",
    "courtyard meeting on the insulation": "院落会议：屋顶隔热",
}
NAMES_EN = {"龙舟路60号院新五栋": "Longzhou Road No. 60, new building 5 (龙舟路60号院新五栋)"}

# metrics shown: (zh, en, unit zh, unit en)
METRICS = {
    "collection_rate": ("物业费收缴率", "fee collection rate", "%", "%"),
    "disorder": ("脏乱程度", "disorder", "0–1", "0–1"),
    "trust_mean": ("居民信任", "trust among residents", "0–1", "0–1"),
    "condition_index": ("设施完好程度", "condition of the facilities", "0–1", "0–1"),
    "move_outs": ("累计搬出户数", "households moved out (total)", "户", "households"),
    "cost": ("总花费", "cost in all", "元", "yuan"),
    "fund_balance": ("院落基金", "courtyard fund", "元", "yuan"),
    "star_rating": ("星级评定", "star rating", "星", "stars"),
}

ARMS = {
    "full": ("完整方案", "full package"),
    "baseline": ("基线（不干预）", "baseline (no intervention)"),
    "combo": ("所选组合", "this combination"),
    "persuasion": ("有劝说的会议", "meeting with persuasion"),
    "no_persuasion": ("无劝说的会议", "meeting without persuasion"),
}

TENURE = {0: ("业主自住", "owner-occupier"), 1: ("租户", "renter"), 2: ("空置", "vacant")}

UI = {
    "title": ("院落自治培训报告", "The trainer's report"),
    "subtitle_jiangdong": ("“1-2-3-4”工作法试点：{courtyard}", "The 1-2-3-4 pilot in {courtyard}"),
    "subtitle_roof": ("屋顶隔热集资：{courtyard}", "The roof-insulation levy in {courtyard}"),
    "without_note": ("本次演示去掉了：{what}", "This demo leaves out: {what}"),
    "seeds_note": ("{n} 个随机种子；每个种子的各方案共享随机数", "{n} seeds; each seed's arms share their random draws"),
    "story": ("逐月经过", "Month by month"),
    "story_intro": ("拖动滑块，逐月查看院落：每格一户（颜色：业主/租户/空置；圆点：当月已交物业费）。右侧是到该月为止发生的事（种子 {seed}）。",
                    "Move the slider to step through the months: each cell is a flat (colour: owner, renter, vacant; dot: paid the month's fee). On the right, what had happened by that month (seed {seed})."),
    "month": ("第 {m} 月", "month {m}"),
    "week": ("第 {w} 周", "week {w}"),
    "story_weeks": ("逐周经过", "Week by week"),
    "month_axis": ("月（自试点开始）", "month (since the start)"),
    "week_axis": ("周", "week"),
    "x_months": ("横轴：自开始的月数", "across: months since the start"),
    "x_weeks": ("横轴：自开始的周数", "across: weeks since the start"),
    "play": ("播放", "Play"),
    "pause": ("暂停", "Pause"),
    "stairwell": ("{n} 单元", "stairwell {n}"),
    "floor": ("{n} 楼", "floor {n}"),
    "paid": ("已交物业费", "paid the fee"),
    "repairs": ("本月维修：{n} 次", "repairs this month: {n}"),
    "at_month": ("第 {m} 月时", "At month {m}"),
    "key_panels": ("关键结果", "Key results"),
    "key_intro": ("线：各种子均值；阴影：最低到最高的种子。", "Lines: mean over the seeds; shading: lowest to highest seed."),
    "explorer": ("假如……：四个步骤的组合", "What if: the four steps combined"),
    "explorer_intro": ("勾选要保留的步骤。所有 16 种组合都已在生成报告时用相同的种子算好，页面只是查表。第 {m} 月的结果：均值（最低–最高种子）。",
                       "Tick the steps to keep. All 16 combinations were run when the report was made, on the same seeds; the page only looks them up. Results at month {m}: mean (lowest–highest seed)."),
    "measure": ("指标", "measure"),
    "cost_note": ("花费：整个试点期间街道、社区和院落基金支出之和（元）。", "Cost: what the subdistrict, the community and the courtyard fund spent over the whole run (yuan)."),
    "roof": ("屋顶隔热：一栋楼的集资", "Roof insulation: one building's levy"),
    "roof_intro": ("六层楼，三个单元，42 户。先逐户收钱，再开院落会议，然后再收一次。",
                   "A six-storey building, three stairwells, 42 flats. First the money is asked door to door, then a courtyard meeting is held, then it is asked again."),
    "roof_building": ("这栋楼（第 {w} 周）", "The building (week {w})"),
    "roof_arms": ("两种会议：有劝说（党员和楼长逐户劝说、提起当年一起修下水道的事）与无劝说。",
                  "Two meetings: with persuasion (party members and stairwell leads talk to their neighbours and recall paying together for the drains) and without."),
    "roof_not_recorded": ("柱状图按事件记录的户数（各种子均值）；左图是这栋楼最后一周的物业费情况。逐层的集资情况见下。",
                          "The bars count households as the events record them (mean over the seeds); the building on the left shows the monthly fee in the last week. The levy floor by floor is below."),
    "roof_floors": ("逐层看：谁被问到、谁拒绝、谁到会、谁被说服、谁交了钱", "Floor by floor: asked, refused, came, persuaded, paid"),
    "roof_floors_intro": ("每格一户（种子 {seed}）。颜色：上门时就交了；上门时拒绝，会后交了；拒绝且始终没交；没被问到（空置）。圆点：被说服。表中为该种子的户数，括号内为各种子的均值。",
                          "Each cell is a flat (seed {seed}). Colour: paid at the door; refused at the door, paid after the meeting; refused and never paid; not asked (vacant). Dot: persuaded. The table gives this seed's households, in brackets the mean over the seeds."),
    "roof_floors_note": ("依据结果文件里每户的会议与集资标记（/households/civic）：上门收费后那一周的记录给出谁被问到、谁拒绝；最后一次集资结束后的记录给出谁被说服、谁交了钱。",
                         "From each flat's meeting and levy flags in the result files (/households/civic): the record after the door-to-door levy gives who was asked and who refused; the record after the last levy closed gives who was persuaded and who paid."),
    "col_floor": ("楼层", "floor"),
    "col_asked": ("上门问到", "asked at the door"),
    "col_refused": ("上门拒绝", "refused at the door"),
    "col_attended": ("到会", "came to the meeting"),
    "col_persuaded": ("被说服", "persuaded"),
    "col_paid": ("会后交钱", "paid after the meeting"),
    "levy_door_paid": ("上门时就交了", "paid at the door"),
    "levy_later_paid": ("上门拒绝，会后交了", "refused at the door, paid after the meeting"),
    "levy_never": ("拒绝且始终没交", "refused, never paid"),
    "levy_not_asked": ("没被问到", "not asked"),
    "all_floors": ("合计", "all floors"),
    "assumes": ("这个模型假设了什么", "What this model assumes"),
    "assumes_text": ("这是一个基于主体的模型：每户按简单规则决定是否交费、是否参会、是否搬走；院落设施会老化。各步骤的月份和强度是我们的假设，案例只给出了顺序和两年的时长。数字用于讨论“如果……会怎样”，不是预测。",
                     "This is an agent-based model: each household follows simple rules on paying, attending and moving out; the courtyard's facilities wear. The months and strengths of the steps are our assumptions: the case gives only their order and the two years. The numbers are for discussing what-ifs, not forecasts."),
    "assumes_link": ("完整说明：docs/ODD.md", "Full description: docs/ODD.md"),
    "sources": ("数字来源", "Where the numbers come from"),
    "sources_text": ("案例：成都市双桂路街道江东民居二区“1-2-3-4”工作法试点（86 户，2015–2017），龙舟路60号院新五栋屋顶隔热集资（42 户）。起始收缴率、花费（硬件 34,400 元）和楼层来自案例；其余是模型假设，见 docs/ODD.md 的参数表。",
                     "The case: the 1-2-3-4 pilot in Jiangdong Minju Zone 2, Shuangguilu subdistrict, Chengdu (86 flats, 2015–2017), and the roof-insulation levy of Longzhou Road No. 60, new building 5 (42 flats). The starting collection, the costs (hardware 34,400 yuan) and the floors come from the case; the rest are the model's assumptions, listed in docs/ODD.md's parameter tables."),
    "made_by": ("由 courtyard {version}（提交 {commit}）生成：{command}", "Made by courtyard {version} (commit {commit}): {command}"),
    "month_rule": ("月份规则：第 m 月从第 round(52m/12) 周开始；第 w 周属于第 round(12w/52) 月。",
                   "Month rule: month m starts at week round(52m/12); week w is month round(12w/52)."),
    "narrative_none": ("（到这个月为止还没有事件）", "(nothing yet by this month)"),
    "over_seeds": ("在 {n} 个种子中", "Over the {n} seeds"),
    "lang_button": ("English", "中文"),
    "nav_story": ("逐月", "Story"),
    "nav_key": ("结果", "Results"),
    "nav_explorer": ("假如", "What if"),
    "nav_roof": ("屋顶隔热", "Roof"),
}

# narrative phrases
NARR = {
    "start": ("{what}开始", "{what} starts"),
    "start_cost": ("{what}开始（{yuan} 元）", "{what} starts ({yuan} yuan)"),
    "deferred": ("{what}推迟：预算不足 {yuan} 元", "{what} waits: the budget cannot pay {yuan} yuan"),
    "meeting": ("院落会议（{on}）：{present}/{households} 户到会，{result}，赞成 {yes}，反对 {no}，弃权 {abstain}",
                "a courtyard meeting ({on}): {present} of {households} households present, {result} {yes} to {no} ({abstain} abstained)"),
    "adopted": ("通过", "adopted"),
    "rejected": ("未通过", "rejected"),
    "levy_ok": ("集资成功：{yes}/{n} 户交钱（{pct}%）", "the levy goes ahead: {yes} of {n} households paid ({pct}%)"),
    "levy_fail": ("集资失败：{yes}/{n} 户交钱（{pct}%），钱退回", "the levy fails: {yes} of {n} households paid ({pct}%), money returned"),
    "summary_start": ("{what}：{k}/{n} 个种子中开始，{months}", "{what}: started in {k} of {n} seeds, {months}"),
    "summary_meeting": ("会议（{on}）：{k}/{n} 个种子中召开，{months}，{ok} 次通过", "meeting ({on}): in {k} of {n} seeds, {months}, adopted in {ok}"),
    "summary_levy": ("集资：{k}/{n} 个种子中，{months}，{ok} 次成功，交钱比例 {lo}–{hi}%", "levy: in {k} of {n} seeds, {months}, went ahead in {ok}, {lo}–{hi}% paid"),
    "months_one": ("第 {a} 月", "month {a}"),
    "months_range": ("第 {a}–{b} 月", "months {a}–{b}"),
    "meeting_on": ("议题：{what}", "on {what}"),
    "meeting_generic": ("院落事务", "the courtyard's business"),
}


# keys whose names came from the scenario's labels (apply_labels), for tests and provenance
FROM_SCENARIO = set()


def apply_labels(labels):
    """Puts a scenario's labels ({key: (zh, en)}, empty where not given) in front of the tables: names of
    courtyards and interventions (NAMES, NAMES_EN), package components (COMPONENTS), steps (STEP_SHORT,
    STEP_NAMES' Chinese) and metrics (METRICS' titles)."""
    for key, (zh, en) in labels.items():
        FROM_SCENARIO.add(key)
        if zh:
            NAMES[key] = zh
        if en:
            NAMES_EN[key] = en
        if key in COMPONENTS:
            old = COMPONENTS[key]
            COMPONENTS[key] = (zh or old[0], en or old[1])
        if key in STEP_SHORT:
            old = STEP_SHORT[key]
            STEP_SHORT[key] = (zh or old[0], en or old[1])
            if zh:
                detail = STEP_NAMES[key][0][STEP_NAMES[key][0].index("（"):] if "（" in STEP_NAMES[key][0] else ""
                STEP_NAMES[key] = (f"第{STEPS.index(key) + 1}步：{zh}{detail}", STEP_NAMES[key][1])
        if key in METRICS:
            old = METRICS[key]
            METRICS[key] = (zh or old[0], en or old[1]) + old[2:]


def both(pair):
    """{"zh": pair[0], "en": pair[1]}."""
    return {"zh": pair[0], "en": pair[1]}


def fmt(pair, **kw):
    return {"zh": pair[0].format(**kw), "en": pair[1].format(**kw)}


def name(text):
    """A name from the scenario in both languages."""
    return {"zh": NAMES.get(text, text), "en": NAMES_EN.get(text, text)}


def intervention(full_name):
    """An intervention's name ("1-2-3-4: survey of the assets (assets_survey)") in both languages."""
    if full_name.endswith(")") and "(" in full_name:
        code = full_name[full_name.rindex("(") + 1:-1]
        if code in COMPONENTS:
            zh, en = COMPONENTS[code]
            return {"zh": zh, "en": en}
    return name(full_name)


def join(parts, lang):
    return ("、" if lang == "zh" else ", ").join(parts)
