"""The roster import: a table of people (xlsx or csv, one person a row) checked, then applied all
or nothing.

A row is matched to an existing Person by the keyed hash of its document type and number
(Person.id_hash): a match is updated, or counted unchanged when every value the file gives is
already stored; anything else is created. Columns a file leaves out are not touched; a column
that is present but blank is a value (no phone, no subjects …), so an exported file imports back
unchanged. Values are normalised rather than refused (full-width characters, stray spaces, a
lowercase x, Excel date serials); what cannot be read is an error naming the row, the column and
the reason.

Built for 50,000 rows in a few seconds: the file is read once (calamine), orgs and existing
people are fetched in a handful of IN queries, and rows are written with bulk_create/bulk_update
— no query and no model validation per row.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from peixun.audit import events
from peixun.audit.models import AuditEvent
from peixun.core.fields import join_codes
from peixun.core.vault import vault
from peixun.lib import idnumbers
from peixun.lib.dates import format_date_zh, parse_date
from peixun.lib.names import starts_like_formula
from peixun.lib.pinyin import pinyin_keys
from peixun.lib.tabular import cell_text
from peixun.orgs import hooks
from peixun.orgs import vocabulary as vocab
from peixun.orgs.imports.common import (
    BLANK,
    LOOKUP_CHUNK,
    PROGRESS_EVERY,
    WRITE_BATCH,
    Column,
    ImportRejected,
    ImportSummary,
    Progress,
    RowChange,
    RowError,
    chunked,
    common_path,
    map_header,
    masked_ids,
    read,
    sha256,
)
from peixun.orgs.models import Org, Person

NAME = "姓名"
GENDER = "性别"
ID_TYPE = "证件类型"
ID_NUMBER = "证件号码"
MOBILE = "手机号"
ORG_CODE = "单位代码"
SECTION = "学段"
SUBJECTS = "任教学科"
TITLE = "职称"
ROLES = "角色"
HIRE_DATE = "入职日期"
STATUS = "状态"
BIRTH_DATE = "出生日期"

# The template's columns, in order; the export writes exactly these.
TEMPLATE_COLUMNS = (
    NAME,
    GENDER,
    ID_TYPE,
    ID_NUMBER,
    MOBILE,
    ORG_CODE,
    SECTION,
    SUBJECTS,
    TITLE,
    ROLES,
    HIRE_DATE,
    STATUS,
)

COLUMNS = (
    Column(NAME, required=True),
    Column(GENDER),
    Column(ID_TYPE),
    Column(ID_NUMBER, ("身份证号", "身份证号码", "证件号"), required=True),
    Column(MOBILE, ("手机号码", "手机")),
    Column(ORG_CODE, ("学校代码",)),
    Column(SECTION),
    Column(SUBJECTS, ("学科",)),
    Column(TITLE),
    Column(ROLES),
    Column(HIRE_DATE),
    Column(STATUS),
    # Not in the template: when given, it is checked against a resident ID and stored for others.
    Column(BIRTH_DATE),
)

# CharFields: their max_length is always set.
MAX_NAME = cast(int, Person._meta.get_field("name").max_length)
MAX_LIST = cast(int, Person._meta.get_field("subjects").max_length)

# The template's example row; left in an upload by mistake it is refused, not imported.
EXAMPLE_ID = idnumbers.make_valid_id("999999", date(1990, 1, 1), 0, "female")
MSG_EXAMPLE_ROW = "这是导入模板中的示例行，请删除后再上传"

MSG_NAME_EMPTY = "姓名不能为空"
MSG_NAME_FORMULA = "姓名不能以 =、+、- 或 @ 开头，请删去这个符号"
MSG_ID_EMPTY = "证件号码不能为空"
MSG_OTHER_ID_FORMAT = "证件号码只能包含字母、数字、括号和短横线，且不超过 30 位"
MSG_GENDER_NEEDED = "请填写性别（此类证件的号码不含性别）"
MSG_ORG_EMPTY = "单位代码不能为空"
MSG_SUBJECTS_TOO_LONG = "任教学科太多，请精简"
MSG_OUT_OF_SCOPE_PERSON = "持此证件的人员属于您管理范围以外的单位，不能在此修改，请联系上级管理员办理调动"
_GENDER_WORDS = {"male": "男", "female": "女"}


def _name_too_long_message() -> str:
    return f"姓名不能超过 {MAX_NAME} 个字"


def _gender_mismatch_message(given: str, derived: str) -> str:
    return f"性别“{_GENDER_WORDS[given]}”与身份证号码不符（号码显示为{_GENDER_WORDS[derived]}）"


def _birth_mismatch_message(derived: date) -> str:
    return f"出生日期与身份证号码不符（号码显示为 {derived.isoformat()}）"


def _duplicate_message(first: int, second: int) -> str:
    return f"证件号码重复：第 {first} 行和第 {second} 行是同一个证件号码"


def _mobile_message(text: str) -> str:
    return f"手机号“{text}”无效，应为 11 位数字并以 1 开头"


def _unknown_org_message(code: str) -> str:
    return f"单位代码“{code}”不存在，或不在您可以导入的范围内"


_MOBILE = re.compile(r"1[0-9]{10}")
_OTHER_ID = re.compile(r"[0-9A-Z()\-]{1,30}")


_PLAIN_NAME = re.compile(r"[\u4e00-\u9fff·]+")


def clean_name(value: object) -> str:
    """姓名 without stray spaces: none between Chinese characters, single ones between Latin words."""
    if isinstance(value, str) and _PLAIN_NAME.fullmatch(value):
        return value  # fast path: Chinese characters only
    text = vocab.tidy(cell_text(value))
    if text.isascii() or any("a" <= ch.lower() <= "z" for ch in text):
        return " ".join(text.split())
    return "".join(text.split())


def clean_mobile(value: object) -> str:
    """手机号 as 11 digits: spaces, dashes and a +86 prefix dropped. May return invalid text."""
    text = cell_text(value)
    if len(text) == 11 and text.isascii() and text.isdigit():
        return text  # fast path; full-width digits (１３８…) are folded by squeeze below
    text = vocab.squeeze(text).replace("-", "")
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    return text


def clean_code(value: object) -> str:
    return vocab.squeeze(cell_text(value))


@dataclass(slots=True)
class _Row:
    """One valid row, normalised: the values the person will hold."""

    row: int
    name: str
    gender: str
    birth_date: date | None
    id_type: str
    number: str
    org_code: str
    mobile: str = ""
    section: str = ""
    subjects: list[str] = field(default_factory=list)
    title: str = vocab.DEFAULT_TITLE
    roles: list[str] = field(default_factory=list)
    hire_date: date | None = None
    status: str = vocab.DEFAULT_STATUS
    id_hash: str = ""
    org_id: int = 0
    org_path: str = ""


@dataclass
class _Plan:
    summary: ImportSummary
    creates: list[_Row] = field(default_factory=list)
    updates: list[tuple[Person, dict]] = field(default_factory=list)
    update_fields: set[str] = field(default_factory=set)
    touched_paths: set[str] = field(default_factory=set)
    unchanged_ids: list[int] = field(default_factory=list)


_ROLE_ORDER = {code: index for index, code in enumerate(vocab.ROLE.words)}


def _roles(raw: object) -> tuple[list[str], str]:
    """(role codes in vocabulary order, '') or ([], the error message)."""
    try:
        codes = vocab.ROLE.codes_for(cell_text(raw))
    except vocab.UnknownWord as error:
        return [], error.message
    return sorted(codes, key=_ROLE_ORDER.__getitem__), ""


def _date(raw: object) -> tuple[date | None, str]:
    """(date or None for a blank cell, '') or (None, the error message)."""
    if not cell_text(raw):
        return None, ""
    try:
        return parse_date(raw), ""
    except ValueError as error:
        return None, str(error)


def _failer(row: int, sink: list[RowError]):
    def fail(column: str, message: str) -> None:
        sink.append(RowError(row, column, message))

    return fail


def _parse_rows(table, positions: dict[str, int], default_org: Org | None, progress: Progress | None):
    """First pass, no queries: every row normalised and checked on its own, duplicates found.
    Returns (rows, errors, org code per row number)."""
    index = positions.get
    i_name, i_gender, i_type, i_id = index(NAME), index(GENDER), index(ID_TYPE), index(ID_NUMBER)
    i_mobile, i_org, i_section, i_subjects = index(MOBILE), index(ORG_CODE), index(SECTION), index(SUBJECTS)
    i_title, i_roles, i_hire, i_status, i_birth = (
        index(TITLE),
        index(ROLES),
        index(HIRE_DATE),
        index(STATUS),
        index(BIRTH_DATE),
    )
    default_code = default_org.code if default_org is not None else ""
    rows: list[_Row] = []
    errors: list[RowError] = []
    org_codes: dict[int, str] = {}
    seen: dict[tuple[str, str], int] = {}
    # Cells repeat (the same subjects, roles, hire dates on many rows): each distinct one is read once.
    subjects_memo: dict[object, list[str]] = {}
    roles_memo: dict[object, tuple[list[str], str]] = {}
    dates_memo: dict[tuple[type, object], tuple[date | None, str]] = {}
    total = len(table.rows)
    validate_id, normalize_id, resident = idnumbers.validate, idnumbers.normalize, vocab.DEFAULT_ID_TYPE

    for count, (number, cells) in enumerate(table.rows):
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count, total)
        row_errors: list[RowError] = []
        fail = _failer(number, row_errors)

        name = clean_name(cells[i_name])
        if not name:
            fail(NAME, MSG_NAME_EMPTY)
        elif len(name) > MAX_NAME:
            fail(NAME, _name_too_long_message())
        elif starts_like_formula(name):
            fail(NAME, MSG_NAME_FORMULA)

        id_type = resident
        if i_type is not None and cell_text(cells[i_type]):
            try:
                id_type = vocab.ID_TYPE.code_for(cells[i_type])
            except vocab.UnknownWord as error:
                fail(ID_TYPE, error.message)
                id_type = ""
        raw_id = cells[i_id]
        id_number = ""
        birth: date | None = None
        gender = ""
        if id_type == resident:
            check = validate_id(raw_id)
            if check.error:
                fail(ID_NUMBER, check.error)
            else:
                id_number, birth, gender = check.number, check.birth_date, check.gender or ""
        elif id_type:
            id_number = normalize_id(cell_text(raw_id))
            if not id_number:
                fail(ID_NUMBER, MSG_ID_EMPTY)
                id_number = ""
            elif not _OTHER_ID.fullmatch(id_number):
                fail(ID_NUMBER, MSG_OTHER_ID_FORMAT)
                id_number = ""
        if id_number == EXAMPLE_ID:
            fail(ID_NUMBER, MSG_EXAMPLE_ROW)
        elif id_number:
            seen_key = (id_type, id_number)
            first = seen.get(seen_key)
            if first is not None:
                fail(ID_NUMBER, _duplicate_message(first, number))
            else:
                seen[seen_key] = number

        if i_gender is not None and cell_text(cells[i_gender]):
            try:
                given = vocab.GENDER.code_for(cells[i_gender])
            except vocab.UnknownWord as error:
                fail(GENDER, error.message)
            else:
                if gender and given != gender:
                    fail(GENDER, _gender_mismatch_message(given, gender))
                gender = given
        elif id_type and id_type != resident:
            fail(GENDER, MSG_GENDER_NEEDED)

        if i_birth is not None:
            raw = cells[i_birth]
            key = (type(raw), raw)
            given_birth, message = dates_memo.get(key) or dates_memo.setdefault(key, _date(raw))
            if message:
                fail(BIRTH_DATE, message)
            elif given_birth is not None:
                if birth is not None and given_birth != birth:
                    fail(BIRTH_DATE, _birth_mismatch_message(birth))
                birth = given_birth

        code = clean_code(cells[i_org]) if i_org is not None else ""
        code = code or default_code
        if not code:
            fail(ORG_CODE, MSG_ORG_EMPTY)
        else:
            org_codes[number] = code

        record = _Row(
            row=number,
            name=name,
            gender=gender,
            birth_date=birth,
            id_type=id_type,
            number=id_number,
            org_code=code,
        )
        if i_mobile is not None:
            mobile = clean_mobile(cells[i_mobile])
            if mobile and not _MOBILE.fullmatch(mobile):
                fail(MOBILE, _mobile_message(cell_text(cells[i_mobile])))
            record.mobile = mobile
        if i_section is not None and cell_text(cells[i_section]):
            try:
                record.section = vocab.SECTION.code_for(cells[i_section])
            except vocab.UnknownWord as error:
                fail(SECTION, error.message)
        if i_subjects is not None:
            raw = cells[i_subjects]
            subjects = subjects_memo.get(raw)
            if subjects is None:
                subjects = subjects_memo[raw] = vocab.split_list(cell_text(raw))
            if sum(len(subject) + 1 for subject in subjects) + 1 > MAX_LIST:
                fail(SUBJECTS, MSG_SUBJECTS_TOO_LONG)
            record.subjects = subjects
        if i_title is not None and cell_text(cells[i_title]):
            try:
                record.title = vocab.TITLE.code_for(cells[i_title])
            except vocab.UnknownWord as error:
                fail(TITLE, error.message)
        if i_roles is not None:
            raw = cells[i_roles]
            roles, message = roles_memo.get(raw) or roles_memo.setdefault(raw, _roles(raw))
            if message:
                fail(ROLES, message)
            record.roles = roles
        if i_hire is not None:
            raw = cells[i_hire]
            key = (type(raw), raw)
            record.hire_date, message = dates_memo.get(key) or dates_memo.setdefault(key, _date(raw))
            if message:
                fail(HIRE_DATE, message)
        if i_status is not None and cell_text(cells[i_status]):
            try:
                record.status = vocab.STATUS.code_for(cells[i_status])
            except vocab.UnknownWord as error:
                fail(STATUS, error.message)

        if row_errors:
            errors.extend(row_errors)
        else:
            rows.append(record)
    if progress is not None:
        progress(total, total)
    return rows, errors, org_codes


def _resolve_orgs(codes: set[str], scope_orgs: QuerySet[Org] | None) -> dict[str, tuple[int, str]]:
    """{code: (pk, path)} for the codes that exist within the scope."""
    base = Org.objects.all() if scope_orgs is None else scope_orgs
    found: dict[str, tuple[int, str]] = {}
    for chunk in chunked(sorted(codes)):
        for code, pk, path in base.filter(code__in=chunk).values_list("code", "pk", "path"):
            found[code] = (pk, path)
    return found


# What an update compares, in the order the stored values are read.
_COMPARED_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "org_id",
    "mobile",
    "section",
    "subjects",
    "title",
    "roles",
    "hire_date",
    "status",
)


def _lookup_chunk() -> int:
    """Hashes per query: SQLite builds may cap a statement at 999 variables; PostgreSQL takes them
    all as one array (peixun.core.lookups)."""
    return LOOKUP_CHUNK if connection.vendor == "sqlite" else 100_000


def _file_fields(positions: dict[str, int]) -> tuple[str, ...]:
    """The Person fields a file sets: the columns it has, plus what the ID always gives."""
    fields = ["name", "gender", "birth_date", "org_id"]
    for title, name in (
        (MOBILE, "mobile"),
        (SECTION, "section"),
        (SUBJECTS, "subjects"),
        (TITLE, "title"),
        (ROLES, "roles"),
        (HIRE_DATE, "hire_date"),
        (STATUS, "status"),
    ):
        if title in positions:
            fields.append(name)
    return tuple(fields)


def _audit_value(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    return value


# The Chinese label of each field a change names, as the template's column titles say it.
_FIELD_LABELS = {
    "name": NAME,
    "gender": GENDER,
    "birth_date": BIRTH_DATE,
    "org": "单位",
    "mobile": MOBILE,
    "section": SECTION,
    "subjects": SUBJECTS,
    "title": TITLE,
    "roles": ROLES,
    "hire_date": HIRE_DATE,
    "status": STATUS,
}
# A code (or, for roles, a list of codes) → its word.
_WORDS: dict[str, Callable[[Any], str]] = {
    "gender": vocab.GENDER.word_for,
    "section": vocab.SECTION.word_for,
    "title": vocab.TITLE.word_for,
    "status": vocab.STATUS.word_for,
    "roles": vocab.ROLE.words_for,
}


def _shown(name: str, value: object, org_names: dict[int, str]) -> str:
    """A stored or imported value as the preview shows it: words, not codes; dates in Chinese."""
    if name == "org_id":
        return org_names.get(value, "") if isinstance(value, int) else ""
    if value in (None, "", []):
        return BLANK
    if isinstance(value, date):
        return format_date_zh(value)
    if name == "subjects":
        return "、".join(value)  # type: ignore[arg-type]  # a list of subjects
    words = _WORDS.get(name)
    return str(words(value) if words is not None else value) or BLANK


def _org_names(org_ids: set[int]) -> dict[int, str]:
    names: dict[int, str] = {}
    for chunk in chunked(sorted(org_ids)):
        names.update(Org.objects.filter(pk__in=chunk).values_list("pk", "name"))
    return names


def _plan(
    data: bytes,
    filename: str,
    *,
    scope_orgs: QuerySet[Org] | None,
    default_org: Org | None,
    progress: Progress | None,
    describe: bool = False,
) -> _Plan:
    """What the file would do. With `describe`, summary.changes says it row by row (the check's
    preview); the apply leaves that out."""
    table, failed = read(data, filename)
    if failed is not None:
        return _Plan(summary=failed)
    positions, header_errors = map_header(table.header, COLUMNS, required=() if default_org else (ORG_CODE,))  # type: ignore[union-attr]  # read() gives a table whenever it gives no failure
    if header_errors:
        return _Plan(summary=ImportSummary(errors=header_errors))
    masked = masked_ids(table, positions[ID_NUMBER])  # type: ignore[arg-type]  # as above
    if masked is not None:
        return _Plan(summary=ImportSummary(errors=[masked]))
    rows, errors, org_codes = _parse_rows(table, positions, default_org, progress)

    # Orgs: one IN query per 900 distinct codes; a code outside the scope is as good as unknown.
    orgs = _resolve_orgs(set(org_codes.values()), scope_orgs)
    for row_number, code in org_codes.items():
        if code not in orgs:
            errors.append(RowError(row_number, ORG_CODE, _unknown_org_message(code)))
    bad_rows = {error.row for error in errors}
    box = vault()
    valid: list[_Row] = []
    for record in rows:
        if record.row in bad_rows:
            continue
        record.org_id, record.org_path = orgs[record.org_code]
        record.id_hash = box.lookup_hash(record.id_type, record.number)
        valid.append(record)

    # Existing people, by the keyed hash: plain tuples, so 50,000 unchanged rows build no models.
    fields = _file_fields(positions)
    stored_fields = ("pk", *_COMPARED_FIELDS)
    existing: dict[str, tuple] = {}
    hashes = [record.id_hash for record in valid]
    for chunk in chunked(hashes, _lookup_chunk()):
        for values in Person.objects.filter(id_hash__any_of=chunk).values_list("id_hash", *stored_fields):
            existing[values[0]] = values[1:]
    org_slot = stored_fields.index("org_id")
    org_codes_by_id = {pk: code for code, (pk, _path) in orgs.items()}
    missing_org_ids = {values[org_slot] for values in existing.values()} - org_codes_by_id.keys()
    outside_scope: set[int] = set()
    if missing_org_ids:
        for chunk in chunked(sorted(missing_org_ids)):
            for pk, code in Org.objects.filter(pk__in=chunk).values_list("pk", "code"):
                org_codes_by_id[pk] = code
        if scope_orgs is not None:
            inside: set[int] = set()
            for chunk in chunked(sorted(missing_org_ids)):
                inside.update(scope_orgs.filter(pk__in=chunk).values_list("pk", flat=True))
            outside_scope = missing_org_ids - inside

    plan = _Plan(summary=ImportSummary())
    slots = [(name, stored_fields.index(name)) for name in fields]
    now = timezone.now()
    described = plan.summary.changes
    org_names = _org_names(set(org_codes_by_id)) if describe else {}
    for record in valid:
        stored = existing.get(record.id_hash)
        if stored is None:
            plan.creates.append(record)
            plan.touched_paths.add(record.org_path)
            if describe:
                described.append(RowChange(record.row, record.name, idnumbers.mask(record.number), True))
            continue
        if stored[org_slot] in outside_scope:
            errors.append(RowError(record.row, ID_NUMBER, MSG_OUT_OF_SCOPE_PERSON))
            continue
        changes: dict[str, list] = {}
        after: dict[str, object] = {}
        for name, slot in slots:
            old = stored[slot]
            new = getattr(record, name)
            if name == "birth_date" and new is None and record.id_type != vocab.DEFAULT_ID_TYPE:
                new = old  # no 出生日期 given: an other-document person keeps the stored date
            elif name == "roles":  # the order of roles is not a change
                old = sorted(old, key=lambda code: _ROLE_ORDER.get(code, len(_ROLE_ORDER)))
            after[name] = new
            if old != new:
                if name == "org_id":
                    changes["org"] = [org_codes_by_id.get(old), record.org_code]
                else:
                    changes[name] = [_audit_value(old), _audit_value(new)]
                plan.update_fields.add(name)
        if not changes:
            plan.summary.unchanged += 1
            plan.unchanged_ids.append(stored[0])
            continue
        if describe:
            described.append(
                RowChange(
                    record.row,
                    record.name,
                    idnumbers.mask(record.number),
                    False,
                    tuple(
                        (
                            _FIELD_LABELS["org" if name == "org_id" else name],
                            _shown(name, stored[slot], org_names),
                            _shown(name, after[name], org_names),
                        )
                        for name, slot in slots
                        if ("org" if name == "org_id" else name) in changes
                    ),
                )
            )
        # A partial instance: bulk_update writes only update_fields, and every one of those is set
        # here (each person's own final values), whichever fields changed for this person.
        person = Person(pk=stored[0], updated_at=now, **after)
        if "name" in changes:
            plan.update_fields.update(("name_pinyin", "name_initials"))
        person.name_pinyin, person.name_initials = pinyin_keys(record.name)
        plan.updates.append((person, changes))
        plan.touched_paths.add(record.org_path)

    plan.summary.created = len(plan.creates)
    plan.summary.updated = len(plan.updates)
    order = {title: index for index, title in enumerate((*TEMPLATE_COLUMNS, BIRTH_DATE))}
    plan.summary.errors = sorted(errors, key=lambda error: (error.row, order.get(error.column, 99)))
    return plan


def check_people_file(
    data: bytes,
    filename: str,
    *,
    scope_orgs: QuerySet[Org] | None,
    progress: Progress | None = None,
    default_org: Org | None = None,
) -> ImportSummary:
    """Check a roster file without writing: counts of new, changed and identical rows, and every
    error. `scope_orgs` limits the orgs rows may name (None: any, for the shell); `default_org`
    fills a blank or missing 单位代码."""
    return _plan(
        data, filename, scope_orgs=scope_orgs, default_org=default_org, progress=progress, describe=True
    ).summary


# The columns _create fills, in the order of the tuples it builds.
_CREATED_FIELDS = (
    "name",
    "name_pinyin",
    "name_initials",
    "gender",
    "birth_date",
    "id_type",
    "id_number_encrypted",
    "id_hash",
    "id_masked",
    "id_tail",
    "mobile",
    "org_id",
    "section",
    "subjects",
    "title",
    "roles",
    "hire_date",
    "status",
    "created_at",
    "updated_at",
)


def _insert(records: Sequence[_Row]) -> None:
    """Insert new people. The rows are built as database values directly and sent with COPY
    (PostgreSQL) or one prepared INSERT run many times (SQLite): bulk_create spends most of its
    time preparing each of a million values one by one, and on SQLite it is held to 47 rows per
    statement by the 999-variable limit. Columns this import does not set get their model default."""
    ops = connection.ops
    box = vault()
    encrypt, mask, date_value = box.encrypt, idnumbers.mask, ops.adapt_datefield_value
    now = ops.adapt_datetimefield_value(timezone.now())
    fields = [field for field in Person._meta.concrete_fields if not field.primary_key]
    known = {name: index for index, name in enumerate(_CREATED_FIELDS)}
    # (index into the built tuple, or -1 and the default's database value)
    layout = [
        (known[field.attname], None)
        if field.attname in known
        else (-1, field.get_db_prep_save(field.get_default(), connection))
        for field in fields
    ]
    simple = all(index == position for position, (index, _default) in enumerate(layout))

    def values(record: _Row) -> tuple:
        full, initials = pinyin_keys(record.name)
        number = record.number
        row = (
            record.name,
            full,
            initials,
            record.gender,
            date_value(record.birth_date),
            record.id_type,
            encrypt(number),
            record.id_hash,
            mask(number),
            number[-4:],
            record.mobile,
            record.org_id,
            record.section,
            join_codes(record.subjects),
            record.title,
            join_codes(record.roles),
            date_value(record.hire_date),
            record.status,
            now,
            now,
        )
        if simple:
            return row
        return tuple(row[index] if index >= 0 else default for index, default in layout)

    table = connection.ops.quote_name(Person._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for record in records:
                    copy.write_row(values(record))
        else:
            # A page cache big enough for the indexes being filled: the default 2 MB spills dirty
            # pages mid-transaction and costs a third of the insert time at 50,000 rows.
            cursor.execute("PRAGMA cache_size = -65536")
            placeholders = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names from the model
            try:
                for batch in chunked(records, WRITE_BATCH):
                    cursor.executemany(sql, [values(record) for record in batch])
            finally:
                cursor.execute("PRAGMA cache_size = -2000")


def _created_ids(records: Sequence[_Row]) -> list[int]:
    """The primary keys of the people just inserted (the insert does not return them), by their
    ID-number hashes."""
    found: list[int] = []
    for chunk in chunked([record.id_hash for record in records], _lookup_chunk()):
        found += Person.objects.filter(id_hash__any_of=chunk).values_list("pk", flat=True)
    return found


def _update(plan: _Plan, actor) -> None:
    people = [person for person, _changes in plan.updates]
    Person.objects.bulk_update(people, sorted({*plan.update_fields, "updated_at"}), batch_size=500)
    actor = actor if actor is not None and actor.is_authenticated else None
    actor_name = actor.get_username() if actor is not None else ""
    paths: dict[int, str] = {}
    for chunk in chunked(sorted({person.org_id for person in people})):
        paths.update(Org.objects.filter(pk__in=chunk).values_list("pk", "path"))
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=actor,
                actor_name=actor_name,
                action="person_updated",
                target_type=Person._meta.label_lower,
                target_id=str(person.pk),
                target_repr=person.name[:200],
                org_path=paths.get(person.org_id, ""),
                changes=changes,
            )
            for person, changes in plan.updates
        ],
        batch_size=WRITE_BATCH,
    )


def apply_people_file(
    data: bytes,
    filename: str,
    *,
    scope_orgs: QuerySet[Org] | None,
    actor,
    progress: Progress | None = None,
    default_org: Org | None = None,
) -> ImportSummary:
    """Check the file and, when it has no error, write it in one transaction: new people
    created, changed people updated (one person_updated audit event each, with before → after),
    and one import_applied event for the file. Raises ImportRejected, writing nothing, when any
    row has an error."""
    with transaction.atomic():
        plan = _plan(data, filename, scope_orgs=scope_orgs, default_org=default_org, progress=progress)
        if plan.summary.errors:
            raise ImportRejected(plan.summary)
        changed: list[int] = []
        if plan.creates:
            _insert(plan.creates)
            changed += _created_ids(plan.creates)
        if plan.updates:
            _update(plan, actor)
            changed += [person.pk for person, _changes in plan.updates]
        if changed:
            # New people too: until evaluated they have no compliance result at all.
            hooks.people_changed.run(person_ids=changed)
        summary = plan.summary
        summary.people = changed + plan.unchanged_ids
        events.record(
            action="import_applied",
            actor=actor,
            org_path=default_org.path if default_org is not None else common_path(plan.touched_paths),
            target_repr=filename[:200],
            changes={
                "kind": "people",
                "filename": filename,
                "sha256": sha256(data),
                "created": summary.created,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
            },
        )
    return summary
