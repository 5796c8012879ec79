"""Roster exports: people as an .xlsx (or .csv) in exactly the import template's columns, with
the canonical Chinese words, so a revealed export imports back unchanged.

ID numbers are masked unless `reveal` is true; the caller checks `people.reveal_id` and audits
the export. No cell can become a live formula: the workbook writes every value as a text cell
(peixun.lib.xlsx) and the CSV neutralises leading = + - @ (csv_safe).
"""

import csv
import io
from collections.abc import Iterable, Iterator

from peixun.lib.xlsx import Sheet, csv_safe, write_workbook
from peixun.orgs import vocabulary as vocab
from peixun.orgs.imports.people import TEMPLATE_COLUMNS
from peixun.orgs.models import Org, Person

SHEET_NAME = "人员名单"
# Excel character units per template column.
COLUMN_WIDTHS = (10, 6, 12, 22, 14, 12, 8, 16, 8, 22, 12, 8)


def _org_codes(people: list[Person]) -> dict[int, str]:
    """Org codes for the people's orgs: from the loaded org when there is one, else one query."""
    cache = Person._meta.get_field("org")
    codes = {person.org_id: person.org.code for person in people if cache.is_cached(person)}
    missing = {person.org_id for person in people} - codes.keys()
    for start in range(0, len(missing), 900):
        chunk = sorted(missing)[start : start + 900]
        codes.update(Org.objects.filter(pk__in=chunk).values_list("pk", "code"))
    return codes


def people_rows(people: Iterable[Person], *, reveal: bool) -> Iterator[list[str]]:
    """One row of text per person, in TEMPLATE_COLUMNS order."""
    people = list(people)
    codes = _org_codes(people)
    for person in people:
        yield [
            person.name,
            vocab.GENDER.word_for(person.gender),
            vocab.ID_TYPE.word_for(person.id_type),
            person.reveal_id_number() if reveal else person.id_masked,
            person.mobile,
            codes.get(person.org_id, ""),
            vocab.SECTION.word_for(person.section),
            "、".join(person.subjects),
            vocab.TITLE.word_for(person.title),
            vocab.ROLE.words_for(person.roles),
            person.hire_date.isoformat() if person.hire_date else "",
            vocab.STATUS.word_for(person.status),
        ]


def people_workbook(people: Iterable[Person], *, reveal: bool) -> bytes:
    """The .xlsx of the people, in the import template's columns. The caller checks the reveal
    permission and records the export in the audit log."""
    rows = list(people_rows(people, reveal=reveal))
    return write_workbook([Sheet(SHEET_NAME, TEMPLATE_COLUMNS, rows, column_widths=COLUMN_WIDTHS)])


def people_csv(people: Iterable[Person], *, reveal: bool) -> bytes:
    """The same rows as CSV (UTF-8 with a BOM, which Excel needs to read Chinese), every cell
    passed through csv_safe."""
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow(TEMPLATE_COLUMNS)
    for row in people_rows(people, reveal=reveal):
        writer.writerow([csv_safe(value) for value in row])
    return ("\ufeff" + output.getvalue()).encode("utf-8")
