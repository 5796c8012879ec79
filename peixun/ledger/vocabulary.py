"""The Chinese words people write for kinds of hours in training-record files, and their codes
(the same Vocabulary mechanism as the roster: canonical word per code, accepted aliases, the code
itself). Tags are a closed list too (codes.TAGS)."""

from peixun.orgs.vocabulary import Vocabulary
from peixun.policies.rules import codes

CATEGORY = Vocabulary(
    "类别", dict(codes.CATEGORIES), {"师德": "ethics_literacy", "师德素养": "ethics_literacy"}
)

LEVEL = Vocabulary(
    "层级",
    dict(codes.LEVELS),
    {
        "出国": "overseas",
        "出境": "overseas",
        "出国（境）培训": "overseas",
        "境外": "overseas",
        "国家": "national",
        "国培": "national",
        "省": "provincial",
        "省培": "provincial",
        "市": "city",
        "县级": "county",
        "区级": "county",
        "县": "county",
        "区": "county",
        "区县": "county",
        "校本": "school",
        "学校": "school",
        "校": "school",
    },
)

MODE = Vocabulary(
    "形式",
    dict(codes.MODES),
    {
        "集中培训": "concentrated",
        "面授": "concentrated",
        "远程培训": "remote",
        "网络研修": "remote",
        "线上": "remote",
        "混合式": "blended",
        "线上线下混合": "blended",
        "校本研修": "school_based",
        "送教下乡": "outreach",
        "跟岗研修": "shadowing",
        "跟岗学习": "shadowing",
    },
)

CREDIT_CLASS = Vocabulary("学分类别", dict(codes.CREDIT_CLASSES), {"A类学分": "A", "B类学分": "B"})

SOURCE = Vocabulary(
    "来源",
    dict(codes.SOURCES),
    {"项目": "project", "培训": "project", "校本": "school_based", "认定": "recognition", "登记": "direct"},
)

TAG = Vocabulary(
    "标签",
    dict(codes.TAGS),
    {
        **{word: code for word, code in codes.TAG_WORDS.items() if word not in codes.TAGS.values()},
        **codes.TAG_ALIASES,
    },
)
