"""Synthetic demo data: a region's org tree and its teachers, drawn from realistic distributions.

Pure Python (no Django): `plan_tree` lays out the orgs of a scale, `generate_people` draws the
teachers of each school and training centre. Every draw comes from one seeded `random.Random`, so
the same seed gives the same region. The places are Jiangsu's real cities and counties (real
administrative codes, used as the ID-number area codes); towns, schools and people are invented.

Distributions (shares of all teachers; the sources are national statistics, rounded):
section — primary 45%, junior 30%, senior 15%, kindergarten 7%, vocational 3%; title — by age
(no title and second grade when young, first grade in mid-career, senior later, professor rare);
roles — head teacher ~30%, backbone ~10%, subject leader ~3%, cadre ~5%, one principal per school;
status — ~93% active, the rest retired (women from 55), away or left; women ~70% overall (95% in
kindergartens, ~55% in senior schools).
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from peixun.lib.idnumbers import make_valid_id

# --- Places -----------------------------------------------------------------------------------------

PROVINCE = ("320000", "江苏省")
# City code → (name, [(county code, county name), …]) — Jiangsu's 13 cities and 95 counties.
CITIES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "320100": (
        "南京市",
        [
            ("320102", "玄武区"),
            ("320104", "秦淮区"),
            ("320105", "建邺区"),
            ("320106", "鼓楼区"),
            ("320111", "浦口区"),
            ("320113", "栖霞区"),
            ("320114", "雨花台区"),
            ("320115", "江宁区"),
            ("320116", "六合区"),
            ("320117", "溧水区"),
            ("320118", "高淳区"),
        ],
    ),
    "320200": (
        "无锡市",
        [
            ("320205", "锡山区"),
            ("320206", "惠山区"),
            ("320211", "滨湖区"),
            ("320213", "梁溪区"),
            ("320214", "新吴区"),
            ("320281", "江阴市"),
            ("320282", "宜兴市"),
        ],
    ),
    "320300": (
        "徐州市",
        [
            ("320312", "铜山区"),
            ("320302", "鼓楼区"),
            ("320303", "云龙区"),
            ("320305", "贾汪区"),
            ("320311", "泉山区"),
            ("320321", "丰县"),
            ("320322", "沛县"),
            ("320324", "睢宁县"),
            ("320381", "新沂市"),
            ("320382", "邳州市"),
        ],
    ),
    "320400": (
        "常州市",
        [
            ("320402", "天宁区"),
            ("320404", "钟楼区"),
            ("320411", "新北区"),
            ("320412", "武进区"),
            ("320413", "金坛区"),
            ("320481", "溧阳市"),
        ],
    ),
    "320500": (
        "苏州市",
        [
            ("320505", "虎丘区"),
            ("320506", "吴中区"),
            ("320507", "相城区"),
            ("320508", "姑苏区"),
            ("320509", "吴江区"),
            ("320581", "常熟市"),
            ("320582", "张家港市"),
            ("320583", "昆山市"),
            ("320585", "太仓市"),
        ],
    ),
    "320600": (
        "南通市",
        [
            ("320612", "通州区"),
            ("320613", "崇川区"),
            ("320614", "海门区"),
            ("320623", "如东县"),
            ("320681", "启东市"),
            ("320682", "如皋市"),
            ("320685", "海安市"),
        ],
    ),
    "320700": (
        "连云港市",
        [
            ("320703", "连云区"),
            ("320706", "海州区"),
            ("320707", "赣榆区"),
            ("320722", "东海县"),
            ("320723", "灌云县"),
            ("320724", "灌南县"),
        ],
    ),
    "320800": (
        "淮安市",
        [
            ("320803", "淮安区"),
            ("320804", "淮阴区"),
            ("320812", "清江浦区"),
            ("320813", "洪泽区"),
            ("320826", "涟水县"),
            ("320830", "盱眙县"),
            ("320831", "金湖县"),
        ],
    ),
    "320900": (
        "盐城市",
        [
            ("320902", "亭湖区"),
            ("320903", "盐都区"),
            ("320904", "大丰区"),
            ("320921", "响水县"),
            ("320922", "滨海县"),
            ("320923", "阜宁县"),
            ("320924", "射阳县"),
            ("320925", "建湖县"),
            ("320981", "东台市"),
        ],
    ),
    "321000": (
        "扬州市",
        [
            ("321002", "广陵区"),
            ("321003", "邗江区"),
            ("321012", "江都区"),
            ("321023", "宝应县"),
            ("321081", "仪征市"),
            ("321084", "高邮市"),
        ],
    ),
    "321100": (
        "镇江市",
        [
            ("321102", "京口区"),
            ("321111", "润州区"),
            ("321112", "丹徒区"),
            ("321181", "丹阳市"),
            ("321182", "扬中市"),
            ("321183", "句容市"),
        ],
    ),
    "321200": (
        "泰州市",
        [
            ("321202", "海陵区"),
            ("321203", "高港区"),
            ("321204", "姜堰区"),
            ("321281", "兴化市"),
            ("321282", "靖江市"),
            ("321283", "泰兴市"),
        ],
    ),
    "321300": (
        "宿迁市",
        [
            ("321302", "宿城区"),
            ("321311", "宿豫区"),
            ("321322", "沭阳县"),
            ("321323", "泗阳县"),
            ("321324", "泗洪县"),
        ],
    ),
}
ALL_COUNTY_CODES = tuple(code for _name, counties in CITIES.values() for code, _county in counties)
HOME_CITY = "320300"  # 徐州市: the city of the smaller scales; its first county (铜山区) is the county.

TOWN_HEADS = "东西南北新青石柳杨李王马黄白龙凤双大高长古河湖花金银安平太永张刘徐陈郑汤吕孟"
TOWN_TAILS = "集庄湖桥山河口港圩店岗楼塘营坊泉林台堰埠城镇洼沟墩"


@dataclass(frozen=True)
class Scale:
    """How big a demo region is. `counties` None means every county of each city."""

    cities: int
    counties: int | None
    towns_per_county: int
    schools_per_county: int
    teachers_per_county: int
    description: str


SCALES: dict[str, Scale] = {
    # Hidden: for tests (two schools, thirty teachers).
    "tiny": Scale(1, 1, 1, 2, 30, "1 county, 2 schools, ~30 teachers (tests)"),
    "small": Scale(1, 1, 4, 20, 1_000, "1 county, 4 towns, 20 schools, ~1,000 teachers"),
    "district": Scale(1, 1, 12, 100, 8_000, "1 county, 12 towns, 100 schools, ~8,000 teachers"),
    "city": Scale(1, None, 8, 80, 6_000, "1 city of 10 counties, 800 schools, ~60,000 teachers"),
    "province": Scale(13, None, 8, 64, 5_600, "13 cities, 95 counties, ~6,100 schools, ~532,000 teachers"),
}


@dataclass(frozen=True, slots=True)
class OrgSpec:
    code: str
    name: str
    kind: str
    parent_code: str | None
    area_code: str = ""  # the county whose area code most of its people's ID numbers carry
    school_type: str = ""  # for schools: which SCHOOL_TYPES entry it is
    size: int = 0  # for schools and centres: how many people to generate


# --- Schools ------------------------------------------------------------------------------------------

# School type → (sections with shares, mean staff, share of women). School counts are drawn so the
# teacher shares come out at primary 45%, junior 30%, senior 15%, kindergarten 7%, vocational 3%.
SCHOOL_TYPES: dict[str, tuple[tuple[tuple[str, float], ...], int, float]] = {
    "kindergarten": ((("kindergarten", 1.0),), 25, 0.96),
    "primary": ((("primary", 1.0),), 55, 0.78),
    "nine_year": ((("primary", 0.55), ("junior", 0.45)), 90, 0.68),
    "junior": ((("junior", 1.0),), 70, 0.62),
    "senior": ((("senior", 1.0),), 130, 0.55),
    "vocational": ((("vocational", 1.0),), 110, 0.52),
}
# Share of schools of each type (derived from the teacher shares and the mean sizes above).
SCHOOL_TYPE_SHARES = {
    "kindergarten": 0.19,
    "primary": 0.43,
    "nine_year": 0.08,
    "junior": 0.21,
    "senior": 0.07,
    "vocational": 0.018,
}
TOWN_SCHOOL_NAMES = {
    "kindergarten": ["{t}中心幼儿园", "{t}第二幼儿园", "{t}幼儿园"],
    "primary": ["{t}中心小学", "{t}第二小学", "{t}第三小学", "{t}实验小学", "{t}小学"],
    "nine_year": ["{t}实验学校", "{t}九年制学校"],
    "junior": ["{t}中学", "{t}初级中学", "{t}第二中学"],
}
COUNTY_SCHOOL_NAMES = {
    "kindergarten": ["{c}实验幼儿园", "{c}机关幼儿园", "{c}第二实验幼儿园"],
    "primary": ["{c}实验小学", "{c}第二实验小学", "{c}师范附属小学"],
    "nine_year": ["{c}外国语学校", "{c}实验学校"],
    "junior": ["{c}第一初级中学", "{c}实验初级中学"],
    "senior": ["{c}高级中学", "{c}第一中学", "{c}第二中学", "{c}第三中学", "{c}实验高级中学"],
    "vocational": ["{c}中等专业学校", "{c}职业教育中心", "{c}第二职业学校"],
}

SUBJECTS: dict[str, tuple[tuple[str, float], ...]] = {
    "kindergarten": (("学前教育", 1.0),),
    "primary": (
        ("语文", 32),
        ("数学", 28),
        ("英语", 10),
        ("科学", 6),
        ("道德与法治", 4),
        ("音乐", 5),
        ("美术", 5),
        ("体育", 6),
        ("信息技术", 3),
        ("心理健康", 1),
    ),
    "junior": (
        ("语文", 16),
        ("数学", 16),
        ("英语", 15),
        ("物理", 8),
        ("化学", 6),
        ("生物", 6),
        ("历史", 6),
        ("地理", 5),
        ("道德与法治", 7),
        ("音乐", 3),
        ("美术", 3),
        ("体育", 6),
        ("信息技术", 3),
    ),
    "senior": (
        ("语文", 14),
        ("数学", 14),
        ("英语", 14),
        ("物理", 9),
        ("化学", 8),
        ("生物", 7),
        ("历史", 6),
        ("地理", 6),
        ("思想政治", 7),
        ("音乐", 2),
        ("美术", 2),
        ("体育", 5),
        ("信息技术", 3),
        ("通用技术", 2),
        ("心理健康", 1),
    ),
    "vocational": (
        ("语文", 10),
        ("数学", 10),
        ("英语", 9),
        ("思想政治", 6),
        ("体育", 5),
        ("计算机应用", 14),
        ("机械加工", 12),
        ("电子技术", 10),
        ("会计", 8),
        ("旅游服务与管理", 6),
        ("汽车运用与维修", 10),
    ),
}
CENTRE_SUBJECTS = (("语文", 3), ("数学", 3), ("英语", 2), ("教育学", 2), ("心理健康", 1), ("信息技术", 1))

# --- Names --------------------------------------------------------------------------------------------

# The commonest surnames with their shares of the population in percent (rounded census figures).
SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 7.1), ("李", 7.0), ("张", 6.7), ("刘", 5.4), ("陈", 5.3), ("杨", 3.1), ("黄", 2.2),
    ("赵", 2.2), ("吴", 2.1), ("周", 2.1), ("徐", 1.8), ("孙", 1.5), ("马", 1.4), ("朱", 1.4),
    ("胡", 1.3), ("郭", 1.2), ("何", 1.2), ("林", 1.1), ("高", 1.1), ("罗", 0.9), ("郑", 0.9),
    ("梁", 0.8), ("谢", 0.7), ("宋", 0.7), ("唐", 0.7), ("许", 0.7), ("韩", 0.6), ("邓", 0.6),
    ("冯", 0.6), ("曹", 0.6), ("彭", 0.6), ("曾", 0.5), ("肖", 0.5), ("田", 0.5), ("董", 0.5),
    ("潘", 0.5), ("袁", 0.5), ("蔡", 0.4), ("蒋", 0.4), ("余", 0.4), ("于", 0.4), ("杜", 0.4),
    ("叶", 0.4), ("程", 0.4), ("魏", 0.4), ("苏", 0.4), ("吕", 0.4), ("丁", 0.4), ("任", 0.3),
    ("卢", 0.3), ("姚", 0.3), ("沈", 0.3), ("钟", 0.3), ("姜", 0.3), ("崔", 0.3), ("谭", 0.3),
    ("陆", 0.3), ("范", 0.3), ("汪", 0.3), ("廖", 0.3), ("石", 0.3), ("金", 0.3), ("韦", 0.2),
    ("贾", 0.2), ("夏", 0.2), ("付", 0.2), ("方", 0.2), ("邹", 0.2), ("熊", 0.2), ("白", 0.2),
    ("孟", 0.2), ("秦", 0.2), ("邱", 0.2), ("侯", 0.2), ("江", 0.2), ("尹", 0.2), ("薛", 0.2),
    ("闫", 0.2), ("段", 0.2), ("雷", 0.2), ("龙", 0.1), ("黎", 0.1), ("史", 0.1), ("陶", 0.1),
    ("贺", 0.1), ("毛", 0.1), ("郝", 0.1), ("顾", 0.1), ("龚", 0.1), ("邵", 0.1), ("万", 0.1),
    ("钱", 0.1), ("严", 0.1), ("戴", 0.1), ("孔", 0.1), ("汤", 0.1), ("葛", 0.1), ("欧阳", 0.05),
    ("诸葛", 0.01), ("司马", 0.01),
)  # fmt: skip
GIVEN_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林阳建国峰亮成志文东海晨博轩然毅锋"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀燕玲丹萍红玉兰琳洁梅琴云莉倩婷雪慧颖晶璐佳欣悦怡婧蕾薇瑶琪雯"
GIVEN_ANY = "文子晓嘉思雨一家永春新明安海晨佳俊"

# --- People -------------------------------------------------------------------------------------------

TITLES_BY_AGE: tuple[tuple[int, tuple[tuple[str, float], ...]], ...] = (
    # (up to this age, title shares)
    (26, (("none", 60), ("third", 8), ("second", 32))),
    (32, (("none", 12), ("third", 3), ("second", 60), ("first", 25))),
    (40, (("none", 4), ("second", 25), ("first", 60), ("senior", 11))),
    (50, (("none", 2), ("second", 12), ("first", 52), ("senior", 33), ("professor", 1))),
    (61, (("none", 2), ("second", 8), ("first", 42), ("senior", 45), ("professor", 3))),
)
# Mobile number segments of the three carriers (11 digits: segment + 8 digits).
MOBILE_PREFIXES = tuple(
    f"1{segment}"
    for segment in (
        *(30, 31, 32, 33, 35, 36, 37, 38, 39, 50, 51, 52, 53, 55, 56, 57, 58, 59),
        *(66, 73, 76, 77, 80, 81, 82, 83, 85, 86, 87, 88, 89, 91, 98, 99),
    )
)
CERT_KIND = {"kindergarten": "1", "primary": "2", "junior": "3", "senior": "4", "vocational": "5"}


@dataclass(slots=True)
class PersonSpec:
    name: str
    gender: str
    birth_date: date
    id_number: str
    mobile: str
    org_code: str
    section: str
    subjects: list[str]
    title: str
    roles: list[str] = field(default_factory=list)
    hire_date: date | None = None
    status: str = "active"
    teacher_cert_no: str = ""


def make_rng(seed: int) -> random.Random:
    """The one source of randomness for a demo region."""
    return random.Random(seed)


def _weighted(rng: random.Random, pairs) -> str:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def _short(place: str) -> str:
    """铜山区 → 铜山, 丰县 → 丰县 (a one-character base keeps its suffix), 张家港市 → 张家港."""
    base = place[:-1] if place[-1] in "省市区县" else place
    return base if len(base) >= 2 else place


def _town_names(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        base = rng.choice(TOWN_HEADS) + rng.choice(TOWN_TAILS)
        if base in seen:
            continue
        seen.add(base)
        names.append(base + ("街道" if rng.random() < 0.3 else "镇"))
    return names


def plan_tree(scale: Scale, rng: random.Random) -> list[OrgSpec]:
    """The orgs of a demo region, parents before children: province, cities with their training
    centres, counties with theirs, towns, and schools (senior, vocational and some others directly
    under the county, the rest under towns). School sizes add up to the scale's teacher count."""
    orgs = [OrgSpec(PROVINCE[0], PROVINCE[1], "province", None)]
    city_codes = [HOME_CITY, *[code for code in CITIES if code != HOME_CITY]][: scale.cities]
    many_counties = scale.counties is None
    if scale.cities > 1:
        orgs.append(
            OrgSpec("3200009001", "江苏省教师培训中心", "institution", PROVINCE[0], "320102", size=40)
        )
    for city_code in city_codes:
        city_name, counties = CITIES[city_code]
        orgs.append(OrgSpec(city_code, city_name, "city", PROVINCE[0]))
        if many_counties:
            orgs.append(
                OrgSpec(
                    f"{city_code}9001",
                    f"{city_name}教师发展中心",
                    "institution",
                    city_code,
                    counties[0][0],
                    size=30,
                )
            )
        for county_code, county_name in counties[: scale.counties]:
            orgs.extend(_plan_county(scale, rng, city_code, county_code, county_name))
    return orgs


def _plan_county(scale: Scale, rng: random.Random, city_code: str, code: str, name: str) -> list[OrgSpec]:
    orgs = [
        OrgSpec(code, name, "county", city_code, code),
        OrgSpec(
            f"{code}9001",
            f"{name}教师发展中心",
            "institution",
            code,
            code,
            size=max(4, scale.schools_per_county // 4),
        ),
    ]
    towns = [
        OrgSpec(f"{code}{100 + index + 1}", town, "town", code, code)
        for index, town in enumerate(_town_names(rng, scale.towns_per_county))
    ]
    orgs.extend(towns)
    types = _school_types(scale.schools_per_county, rng)
    county_base = _short(name)
    used: set[str] = set()
    schools: list[OrgSpec] = []
    for index, school_type in enumerate(types):
        at_county = school_type in ("senior", "vocational") or (
            rng.random() < 0.15 and index < len(types) // 2
        )
        if at_county or not towns:
            patterns, base, parent = COUNTY_SCHOOL_NAMES[school_type], county_base, code
        else:
            town = towns[index % len(towns)]
            patterns, base, parent = (
                TOWN_SCHOOL_NAMES[school_type],
                _short(town.name.removesuffix("街道")),
                town.code,
            )
        school_name = _unique_name(patterns, base, used)
        _sections, mean_size, _women = SCHOOL_TYPES[school_type]
        size = max(6, round(rng.gauss(mean_size, mean_size * 0.3)))
        schools.append(
            OrgSpec(f"{code}{index + 1:04d}", school_name, "school", parent, code, school_type, size)
        )
    # Scale the sizes so the county's teachers add up to the scale's count.
    total = sum(school.size for school in schools)
    factor = scale.teachers_per_county / total
    orgs.extend(
        OrgSpec(
            s.code, s.name, s.kind, s.parent_code, s.area_code, s.school_type, max(3, round(s.size * factor))
        )
        for s in schools
    )
    return orgs


def _school_types(count: int, rng: random.Random) -> list[str]:
    """School types in the shares of SCHOOL_TYPE_SHARES (largest remainders), shuffled; a county
    always has at least one primary school, which comes first (the demo school)."""
    shares = SCHOOL_TYPE_SHARES
    exact = {kind: share * count for kind, share in shares.items()}
    counts = {kind: int(value) for kind, value in exact.items()}
    for kind in sorted(exact, key=lambda k: exact[k] - counts[k], reverse=True)[
        : count - sum(counts.values())
    ]:
        counts[kind] += 1
    if counts["primary"] == 0:
        largest = max(counts, key=lambda k: counts[k])
        counts[largest] -= 1
        counts["primary"] = 1
    types = [kind for kind, n in counts.items() for _ in range(n)]
    types.remove("primary")
    rng.shuffle(types)
    return ["primary", *types]


def _unique_name(patterns: list[str], base: str, used: set[str]) -> str:
    for pattern in patterns:
        name = pattern.format(t=base, c=base)
        if name not in used:
            used.add(name)
            return name
    number = 2
    while True:
        name = patterns[0].format(t=base, c=base).replace("中心", "") + f"（{number}）"
        if name not in used:
            used.add(name)
            return name
        number += 1


class PeopleGenerator:
    """Draws people with unique ID numbers and unique mobile phones. `taken_ids` and
    `taken_mobiles` let a caller avoid numbers that are already in the database."""

    def __init__(
        self,
        rng: random.Random,
        *,
        today: date,
        taken_ids: set[str] | None = None,
        taken_mobiles: set[str] | None = None,
    ) -> None:
        self.rng = rng
        self.today = today
        self.ids: set[str] = set(taken_ids or ())
        self.mobiles: set[str] = set(taken_mobiles or ())
        surnames, weights = zip(*SURNAMES, strict=True)
        self._surnames = surnames
        self._surname_cum = list(_cumulative(weights))

    # Names ------------------------------------------------------------------------------------------
    def name(self, gender: str, age: int) -> str:
        rng = self.rng
        surname = rng.choices(self._surnames, cum_weights=self._surname_cum)[0]
        pool = GIVEN_MALE if gender == "male" else GIVEN_FEMALE
        # Older people more often have one-character given names.
        if rng.random() < (0.45 if age >= 45 else 0.22):
            return surname + rng.choice(pool)
        first = rng.choice(pool + GIVEN_ANY)
        second = rng.choice(pool)
        if second == first:
            second = rng.choice(pool)
        return surname + first + second

    # Numbers ----------------------------------------------------------------------------------------
    def id_number(self, area_code: str, birth: date, gender: str) -> tuple[str, date]:
        """A new ID number and the birth date it carries: `birth`, or a day later in the rare case
        that every sequence number of that day is taken."""
        rng = self.rng
        while True:
            for _attempt in range(20):
                number = make_valid_id(area_code, birth, rng.randrange(100), gender)
                if number not in self.ids:
                    self.ids.add(number)
                    return number, birth
            birth += timedelta(days=1)

    def mobile(self) -> str:
        rng = self.rng
        while True:
            number = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"
            if number not in self.mobiles:
                self.mobiles.add(number)
                return number

    def birth_for_age(self, age: int) -> date:
        """A birth date of someone `age` years old today."""
        return self.today - timedelta(days=round(365.25 * age) + 1 + self.rng.randrange(364))

    # People -----------------------------------------------------------------------------------------
    def person(
        self, org: OrgSpec, *, section: str, women_share: float, area_pool: tuple[str, ...], min_age: int = 22
    ) -> PersonSpec:
        rng = self.rng
        gender = "female" if rng.random() < women_share else "male"
        if section == "kindergarten":
            age = round(rng.triangular(min_age, 58, max(min_age, 27)))
        else:
            age = round(rng.triangular(min_age, 60, max(min_age, 38)))
        birth = self.birth_for_age(age)
        # Most people were born in the county they teach in; some elsewhere in the province.
        area = org.area_code if rng.random() < 0.75 else rng.choice(area_pool)
        years_teaching = max(0, age - 21 - (rng.randrange(4) if age > 25 else 0))
        hire = self.today - timedelta(days=365 * years_teaching + rng.randrange(1, 300))
        if rng.random() < 0.7:
            hire = date(hire.year, 9, 1)  # most start with the school year
        hire = min(max(hire, birth + timedelta(days=365 * 21 + 6)), self.today)  # hired after 21
        subjects = self._subjects(org, section)
        title = _weighted(rng, next(shares for limit, shares in TITLES_BY_AGE if age < limit))
        status = "active"
        roll = rng.random()
        if gender == "female" and age >= 55 and roll < 0.5:
            status = "retired"
        elif roll < 0.02:
            status = "away"
        elif roll < 0.03:
            status = "left"
        id_number, birth = self.id_number(area, birth, gender)
        return PersonSpec(
            name=self.name(gender, age),
            gender=gender,
            birth_date=birth,
            id_number=id_number,
            mobile=self.mobile(),
            org_code=org.code,
            section=section,
            subjects=subjects,
            title=title,
            roles=self._roles(age, title, org),
            hire_date=hire,
            status=status,
            teacher_cert_no=self._certificate(hire, section),
        )

    def _subjects(self, org: OrgSpec, section: str) -> list[str]:
        rng = self.rng
        pairs = CENTRE_SUBJECTS if org.kind == "institution" else SUBJECTS[section]
        first = _weighted(rng, pairs)
        if rng.random() < 0.08 and len(pairs) > 1:
            second = _weighted(rng, pairs)
            if second != first:
                return [first, second]
        return [first]

    def _roles(self, age: int, title: str, org: OrgSpec) -> list[str]:
        rng = self.rng
        roles: list[str] = []
        if org.kind == "institution":
            roles.append("trainer")
            if rng.random() < 0.3:
                roles.append("tutor")
            return roles
        if 23 <= age <= 52 and rng.random() < 0.34:
            roles.append("head_teacher")
        if title in ("first", "senior", "professor") and rng.random() < 0.16:
            roles.append("backbone")
        if title in ("senior", "professor") and rng.random() < 0.09:
            roles.append("subject_leader")
        if title in ("senior", "professor") and rng.random() < 0.04:
            roles.append("master")
        if title == "professor" and rng.random() < 0.3:
            roles.append("special_grade")
        if age >= 32 and rng.random() < 0.05:
            roles.append("cadre")
        if "backbone" in roles and rng.random() < 0.15:
            roles.append("tutor")
        return roles

    def _certificate(self, hire: date, section: str) -> str:
        rng = self.rng
        if rng.random() < 0.04:
            return ""  # not every record carries its certificate number
        year = max(1990, hire.year - rng.randrange(2))
        return f"{year}{PROVINCE[0][:2]}{CERT_KIND.get(section, '2')}{rng.randrange(10**10):010d}"


def _cumulative(weights) -> Iterator[float]:
    total = 0.0
    for weight in weights:
        total += weight
        yield total


def generate_people(
    orgs: list[OrgSpec], generator: PeopleGenerator, *, area_pool: tuple[str, ...] = ALL_COUNTY_CODES
) -> Iterator[PersonSpec]:
    """Everyone on the roster of every school and training centre in `orgs` (`size` each). Each
    school gets one principal (the first person drawn there)."""
    rng = generator.rng
    for org in orgs:
        if org.kind == "school":
            sections, _mean, women = SCHOOL_TYPES[org.school_type]
        elif org.kind == "institution":
            sections, women = (("", 1.0),), 0.6
        else:
            continue
        for index in range(org.size):
            section = _weighted(rng, sections) if len(sections) > 1 else sections[0][0]
            principal = index == 0 and org.kind == "school"
            person = generator.person(
                org,
                section=section or "primary",
                women_share=women,
                area_pool=area_pool,
                min_age=38 if principal else 22,
            )
            if org.kind == "institution":
                person.section = section
            if principal:
                person.roles = ["principal", "cadre"]
                person.status = "active"
                if person.title in ("none", "third", "second"):
                    person.title = "first"
            yield person
