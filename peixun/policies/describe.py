"""A policy's rules in plain words for its page: who a rule binds, which hours it counts, its bounds.

Policy documents are Chinese content, so these descriptions are Chinese, built from the codes'
words (peixun.policies.rules.codes)."""

from peixun.lib.dates import format_date_zh, format_hours
from peixun.policies.rules import Policy, codes
from peixun.policies.rules.document import AppliesTo, Rule, Select

SECTION_WORDS = {
    "kindergarten": "幼儿园",
    "primary": "小学",
    "junior": "初中",
    "senior": "高中",
    "vocational": "中职",
}
TITLE_WORDS = {
    "professor": "正高级",
    "senior": "高级",
    "first": "一级",
    "second": "二级",
    "third": "三级",
    "none": "无职称",
}
ROLE_WORDS = {
    "head_teacher": "班主任",
    "backbone": "骨干教师",
    "subject_leader": "学科带头人",
    "master": "名师",
    "special_grade": "特级教师",
    "trainer": "培训者",
    "cadre": "教干",
    "principal": "校长",
    "tutor": "辅导教师",
}
STATUS_WORDS = {"active": "在职", "retired": "退休", "away": "离岗", "left": "离职"}
GENDER_WORDS = {"male": "男", "female": "女"}


def _words(values, table: dict) -> str:
    return "、".join(table.get(value, value) for value in values)


def period(policy: Policy) -> str:
    spec = policy.period
    if spec.kind == "cycle":
        if spec.anchor is None:  # the document requires it for cycles
            raise ValueError("a cycle needs an anchor")
        return f"每 {spec.years} 年一个周期，自 {format_date_zh(spec.anchor)} 起算"
    if spec.kind == "school_year":
        return f"每学年（{spec.start_month} 月 1 日起）"
    return "每自然年"


def applies(applies_to: AppliesTo) -> str:
    parts = []
    if applies_to.sections:
        parts.append(f"学段：{_words(applies_to.sections, SECTION_WORDS)}")
    if applies_to.titles:
        parts.append(f"职称：{_words(applies_to.titles, TITLE_WORDS)}")
    if applies_to.roles:
        parts.append(f"角色：{_words(applies_to.roles, ROLE_WORDS)}")
    if applies_to.genders:
        parts.append(f"性别：{_words(applies_to.genders, GENDER_WORDS)}")
    if applies_to.statuses:
        parts.append(f"状态：{_words(applies_to.statuses, STATUS_WORDS)}")
    if applies_to.hired_within_years:
        parts.append(f"入职未满 {applies_to.hired_within_years} 年")
    return "；".join(parts) or "全体"


def selection(select: Select) -> str:
    parts = []
    if select.categories:
        parts.append(f"类别：{_words(select.categories, codes.CATEGORIES)}")
    if select.tags:
        parts.append(f"标签：{_words(select.tags, codes.KNOWN_TAGS)}")
    if select.not_tags:
        parts.append(f"不含标签：{_words(select.not_tags, codes.KNOWN_TAGS)}")
    if select.levels:
        parts.append(f"层级：{_words(select.levels, codes.LEVELS)}")
    if select.level_at_least:
        parts.append(f"层级：{codes.LEVELS[select.level_at_least]}及以上")
    if select.modes:
        parts.append(f"形式：{_words(select.modes, codes.MODES)}")
    if select.credit_classes:
        parts.append(f"学分类别：{_words(select.credit_classes, codes.CREDIT_CLASSES)}")
    if select.sources:
        parts.append(f"来源：{_words(select.sources, codes.SOURCES)}")
    return "；".join(parts) or "全部学时"


def bounds(rule: Rule) -> str:
    parts = []
    if rule.min_hours is not None:
        parts.append(f"不少于 {format_hours(rule.min_hours)} 学时")
    if rule.min_share is not None:
        parts.append(f"不少于总学时的 {rule.min_share * 100:g}%")
    if rule.max_hours is not None:
        parts.append(f"{'每年' if rule.per == 'year' else ''}最多计 {format_hours(rule.max_hours)} 学时")
    if rule.max_share is not None:
        parts.append(f"最多计总学时的 {rule.max_share * 100:g}%")
    return "，".join(parts)


def required(policy: Policy) -> str:
    spec = policy.required
    parts = [f"{format_hours(spec.hours)} 学时"]
    for value, hours in spec.by_title.items():
        parts.append(f"职称{TITLE_WORDS.get(value, value)} {format_hours(hours)} 学时")
    for role, hours in spec.by_role.items():
        parts.append(f"{ROLE_WORDS.get(role, role)} {format_hours(hours)} 学时")
    for section, hours in spec.by_section.items():
        parts.append(f"{SECTION_WORDS.get(section, section)} {format_hours(hours)} 学时")
    return "；".join(parts)


def credits(policy: Policy) -> str:
    rounding = "向下取" if policy.credits.rounding == "down" else "四舍五入到"
    ratio = format_hours(policy.credits.hours_per_credit)
    return f"{ratio} 学时折合 1 学分，{rounding} {policy.credits.places} 位小数"


def adjustments(policy: Policy) -> str:
    """How hours an adjustment takes away count (docs/policies.md, "Adjustments")."""
    capped = any(rule.has_maximum for rule in policy.rules)
    text = (
        f"来源为“{codes.SOURCES['adjustment']}”的负学时（调减）从总学时中扣除，"
        "也从其类别、标签、层级、形式相符的各项要求中扣除"
    )
    if capped:
        text += "，先扣除再计上限"
    return text + "；均不低于零。"


def exemption(item, labels: dict[str, str] | None = None) -> str:
    """An exemption in words; `labels` ({rule id: label}) names the rules it excuses."""
    conditions = []
    if item.statuses:
        conditions.append(f"状态为{_words(item.statuses, STATUS_WORDS)}")
    if item.retiring_within_years is not None:
        conditions.append(f"{item.retiring_within_years} 年内退休")
    if item.retiring_by_period_end:
        conditions.append("本周期结束前退休")
    if item.retiring_before is not None:
        cutoff = item.retiring_before
        conditions.append(f"{cutoff.year}年{cutoff.month}月{cutoff.day}日前退休")
    names = [(labels or {}).get(rule_id, rule_id) for rule_id in item.rules]
    what = f"免修：{'、'.join(names)}" if item.rules else "免于全部学时要求"
    if item.reduce_total:
        what += "（总学时相应减少）"
    return f"{'或'.join(conditions)}：{what}"


def rules(policy: Policy) -> list[dict]:
    return [
        {
            "id": rule.id,
            "label": rule.label,
            "applies": applies(rule.applies_to),
            "selection": selection(rule.select),
            "bounds": bounds(rule),
            "source": rule.source,
        }
        for rule in policy.rules
    ]
