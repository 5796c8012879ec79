"""The vocabulary codes a policy document and a credit entry use (DESIGN.md, "Vocabulary"), with the
Chinese words the engine's messages use. Pure data: the Django choices in peixun.ledger.models and
peixun.orgs.models carry the same codes (a test checks they agree).
"""

from collections.abc import Iterable

CATEGORIES = {
    "ethics_literacy": "师德与素养",
    "knowledge_skills": "知识与技能",
    "practice": "实践体验",
}

# Highest first: "level X or above" is every level up to and including X in this order. Training
# abroad (出国（境）培训, 002 §一.2 三) counts above national: "national or above" includes it.
LEVELS = {
    "overseas": "出国（境）",
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

# The tags: one closed list with the words people see (RULES: codes that rules read form closed
# lists with Chinese labels; a user picks from them and never types a code). Projects, courses,
# credit entries and policies' `select.tags` use these codes and no others.
TAGS = {
    "ethics": "师德教育",
    "head_teacher_topic": "班主任专题",
    "prescribed": "规定内容",
    "school_based_guidance": "校本研修指导",
    "probation": "见习期培训",
}
KNOWN_TAGS = TAGS

# Codes once written for a tag of the list, read as that tag. Credit entries are append-only, so an
# entry posted under an old code keeps it and is counted under the code here when it is read
# (docs/policies.md, "Tags").
TAG_ALIASES = {"head_teacher": "head_teacher_topic"}

# Words people typed for a tag before the list was closed, and the code each one means.
TAG_WORDS = {
    **{label: code for code, label in TAGS.items()},
    "师德": "ethics",
    "师德师风": "ethics",
    "班主任": "head_teacher_topic",
    "班主任培训": "head_teacher_topic",
    "班主任专题培训": "head_teacher_topic",
    "见习期": "probation",
    "见习": "probation",
}


def canonical_tag(tag: str) -> str:
    """The tag a stored code stands for (an old code read as its tag); any other code unchanged."""
    tag = tag.strip()
    return TAG_ALIASES.get(tag, tag)


def tag_for_word(word: str) -> str | None:
    """The tag a code or a word once typed for it means, or None."""
    word = word.strip()
    tag = TAG_WORDS.get(word) or canonical_tag(word)
    return tag if tag in TAGS else None


def canonical_tags(tags: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({canonical_tag(tag) for tag in tags if tag.strip()}))


def unknown_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """The tags (as stored) that stand for no tag of the list."""
    return tuple(tag for tag in tags if canonical_tag(tag) not in TAGS)


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
