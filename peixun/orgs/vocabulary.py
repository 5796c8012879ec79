"""The Chinese words people write in roster and org files, and the codes they stand for.

A Vocabulary maps what users type (高级, 中学高级, 骨干, 在职 …) to the codes of peixun.orgs.models
and back to one canonical word per code, which the export writes so an exported file imports
again unchanged. Lookups ignore spaces (ordinary and full-width) and full-width letters, and also
accept the code itself (`senior`).

Titles follow the 2015 reform that unified primary and secondary ranks: 中学高级 is 高级;
小学高级 was equivalent to the old 中学一级, so it is 一级; 小学一级 is 二级 and 小学二级 is 三级.

Messages about unknown words are Chinese (they describe the content of a Chinese file) and list
the canonical words allowed.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

# Several roles or subjects in one cell: 、 , ， ; ； (and the ideographic comma's look-alikes).
LIST_SEPARATORS = re.compile(r"[、,，;；]+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def squeeze(text: object) -> str:
    """NFKC (full-width → ASCII), no zero-width characters, no spaces of any kind anywhere."""
    if text is None:
        return ""
    value = unicodedata.normalize("NFKC", str(text)).translate(_INVISIBLE)
    return "".join(value.split())


def tidy(text: object) -> str:
    """Free text (a name) as typed, without zero-width characters and with every run of spaces
    (full-width too) made one space. Not NFKC: names keep their full-width brackets （）."""
    if text is None:
        return ""
    return " ".join(str(text).translate(_INVISIBLE).split())


# Anything split_list must work on: separators, spaces, full-width or invisible characters.
_LIST_WORK = re.compile(r"[、,，;；\s\u3000\uff01-\uff5e\u200b-\u200d\u2060\ufeff]")


def split_list(text: object) -> list[str]:
    """The items of a cell that lists several values, spaces removed, empties and repeats dropped."""
    if isinstance(text, str) and not _LIST_WORK.search(text):
        return [text] if text else []  # fast path: one plain item
    items = (squeeze(part) for part in LIST_SEPARATORS.split(unicodedata.normalize("NFKC", str(text or ""))))
    return list(dict.fromkeys(item for item in items if item))


class UnknownWord(ValueError):
    """A value that is not in the vocabulary; `message` (Chinese) lists the allowed words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _unknown_message(label: str, value: str, allowed: Iterable[str]) -> str:
    return f"{label}“{value}”无法识别，可填写：{'、'.join(allowed)}"


@dataclass(frozen=True)
class Vocabulary:
    """One column's words: `words` maps each code to its canonical word (the order is the order
    of the allowed values in messages and templates); `aliases` adds further accepted words."""

    label: str
    words: dict[str, str]
    aliases: dict[str, str] = field(default_factory=dict)
    _lookup: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lookup: dict[str, str] = {}
        for code, word in self.words.items():
            lookup[squeeze(word)] = code
            lookup[code.lower()] = code
        for word, code in self.aliases.items():
            if code not in self.words:
                raise ValueError(f"alias {word!r} points at unknown code {code!r}")
            lookup[squeeze(word)] = code
        object.__setattr__(self, "_lookup", lookup)

    @property
    def allowed(self) -> list[str]:
        return list(self.words.values())

    def code_for(self, text: object) -> str:
        """The code for a word; raises UnknownWord (with the allowed words) for anything else."""
        if isinstance(text, str):
            code = self._lookup.get(text)  # fast path: the word exactly as the template writes it
            if code is not None:
                return code
        key = squeeze(text)
        code = self._lookup.get(key) or self._lookup.get(key.lower())
        if code is None:
            raise UnknownWord(_unknown_message(self.label, str(text).strip(), self.allowed))
        return code

    def codes_for(self, text: object) -> list[str]:
        """Codes for a cell listing several words (split_list); raises UnknownWord on the first
        unknown word."""
        return list(dict.fromkeys(self.code_for(item) for item in split_list(text)))

    def word_for(self, code: str) -> str:
        """The canonical word for a code ('' for an empty code)."""
        return self.words[code] if code else ""

    def words_for(self, codes: Iterable[str]) -> str:
        return "、".join(self.words[code] for code in codes)


ORG_KIND = Vocabulary(
    "类型",
    {
        "province": "省",
        "city": "市",
        "county": "区县",
        "town": "镇街",
        "school": "学校",
        "institution": "培训机构",
        "unit": "其他单位",
    },
    {"区": "county", "县": "county", "镇": "town", "街道": "town", "乡镇": "town", "单位": "unit"},
)

GENDER = Vocabulary("性别", {"male": "男", "female": "女"}, {"男性": "male", "女性": "female"})

ID_TYPE = Vocabulary(
    "证件类型",
    {
        "resident_id": "居民身份证",
        "passport": "护照",
        "hk_macao": "港澳居民来往内地通行证",
        "taiwan": "台湾居民来往大陆通行证",
        "other": "其他",
    },
    {
        "身份证": "resident_id",
        "港澳通行证": "hk_macao",
        "回乡证": "hk_macao",
        "台胞证": "taiwan",
        "其它": "other",
    },
)
DEFAULT_ID_TYPE = "resident_id"

SECTION = Vocabulary(
    "学段",
    {
        "kindergarten": "幼儿园",
        "primary": "小学",
        "junior": "初中",
        "senior": "高中",
        "vocational": "中职",
    },
    {
        "幼教": "kindergarten",
        "学前": "kindergarten",
        "学前教育": "kindergarten",
        "初级中学": "junior",
        "高级中学": "senior",
        "职高": "vocational",
        "中等职业学校": "vocational",
        "中等职业教育": "vocational",
    },
)

TITLE = Vocabulary(
    "职称",
    {
        "professor": "正高级",
        "senior": "高级",
        "first": "一级",
        "second": "二级",
        "third": "三级",
        "none": "无",
    },
    {
        "正高": "professor",
        "正高级教师": "professor",
        "中学高级": "senior",
        "副高级": "senior",
        "副高": "senior",
        "高级教师": "senior",
        "中学一级": "first",
        "小学高级": "first",
        "一级教师": "first",
        "中学二级": "second",
        "小学一级": "second",
        "二级教师": "second",
        "中学三级": "third",
        "小学二级": "third",
        "三级教师": "third",
        "未评": "none",
        "未定级": "none",
        "暂无": "none",
    },
)
DEFAULT_TITLE = "none"

ROLE = Vocabulary(
    "角色",
    {
        "head_teacher": "班主任",
        "backbone": "骨干教师",
        "subject_leader": "学科带头人",
        "master": "名师",
        "special_grade": "特级教师",
        "trainer": "培训者",
        "cadre": "教干",
        "principal": "校长",
        "tutor": "辅导教师",
    },
    {"骨干": "backbone", "特级": "special_grade", "教育干部": "cadre"},
)

STATUS = Vocabulary(
    "状态",
    {"active": "在职", "retired": "退休", "away": "离岗", "left": "离职"},
    {"在岗": "active", "已退休": "retired", "已离职": "left"},
)
DEFAULT_STATUS = "active"
