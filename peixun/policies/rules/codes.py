"""The vocabulary codes a policy document and a credit entry use (DESIGN.md, "Vocabulary"), with the
Chinese words the engine's messages use. Pure data: the Django choices in peixun.ledger.models and
peixun.orgs.models carry the same codes (a test checks they agree).
"""

CATEGORIES = {
    "ethics_literacy": "师德与素养",
    "knowledge_skills": "知识与技能",
    "practice": "实践体验",
}

# Highest first: "level X or above" is every level up to and including X in this order.
LEVELS = {
    "national": "国家级",
    "provincial": "省级",
    "city": "市级",
    "county": "区县级",
    "school": "校级",
}

MODES = {
    "concentrated": "集中",
    "remote": "远程",
    "blended": "混合",
    "school_based": "校本",
    "outreach": "送培送教",
    "shadowing": "跟岗",
    "self_study": "自学",
}

CREDIT_CLASSES = {"A": "A类", "B": "B类"}

SOURCES = {
    "project": "培训项目",
    "school_based": "校本研修",
    "recognition": "学时认定",
    "direct": "直接登记",
    "adjustment": "调整",
}

# Tags the shipped presets use; a policy may use any tag made of lowercase letters, digits and _.
KNOWN_TAGS = {
    "ethics": "师德教育",
    "head_teacher_topic": "班主任专题",
    "prescribed": "规定内容",
    "school_based_guidance": "校本研修指导",
    "probation": "见习期培训",
}

SECTIONS = ("kindergarten", "primary", "junior", "senior", "vocational")
TITLES = ("professor", "senior", "first", "second", "third", "none")
PERSON_ROLES = (
    "head_teacher",
    "backbone",
    "subject_leader",
    "master",
    "special_grade",
    "trainer",
    "cadre",
    "principal",
    "tutor",
)
STATUSES = ("active", "retired", "away", "left")
GENDERS = ("male", "female")


def levels_at_or_above(level: str) -> tuple[str, ...]:
    order = list(LEVELS)
    return tuple(order[: order.index(level) + 1])
