"""The pure delivery rules (no database): rotating check-in codes and their window, attendance
counting and the absence limit, coursework files told by their bytes, the holiday calendar, the
leave chain."""

import io
import zipfile
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest

from peixun.delivery.rules import attendance as A
from peixun.delivery.rules import calendar, checkin, files, leave

SECRET = "00" * 32
T0 = datetime(2026, 9, 1, 1, 0, 0, tzinfo=UTC)  # 09:00 in Shanghai


# --- Check-in codes --------------------------------------------------------------------------


def test_a_code_is_six_digits_and_changes_with_the_step():
    codes = {checkin.code_for(SECRET, 7, step) for step in range(50)}
    assert all(len(code) == 6 and code.isdigit() for code in codes)
    assert len(codes) > 45


def test_codes_differ_between_lessons_and_secrets():
    step = checkin.step_at(T0)
    assert checkin.code_for(SECRET, 7, step) != checkin.code_for(SECRET, 8, step)
    assert checkin.code_for(SECRET, 7, step) != checkin.code_for("11" * 32, 7, step)


@pytest.mark.parametrize(
    ("seconds_later", "valid"),
    [(0, True), (29, True), (30, True), (59, True), (60, False), (-30, False), (300, False)],
)
def test_a_typed_code_holds_for_its_step_and_the_next(seconds_later, valid):
    shown = checkin.shown_at(SECRET, 7, T0)
    assert checkin.code_valid(SECRET, 7, shown.code, T0 + timedelta(seconds=seconds_later)) is valid


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", None])
def test_malformed_codes_are_refused(typed):
    assert checkin.code_valid(SECRET, 7, typed, T0) is False


def test_a_code_typed_with_spaces_or_full_width_digits_is_read():
    code = checkin.shown_at(SECRET, 7, T0).code
    wide = "".join(chr(0xFF10 + int(d)) for d in code)
    assert checkin.code_valid(SECRET, 7, f"{code[:3]} {code[3:]}", T0)
    assert checkin.code_valid(SECRET, 7, wide, T0)


@pytest.mark.parametrize(("seconds_later", "valid"), [(0, True), (119, True), (150, False)])
def test_the_qr_token_holds_a_little_longer_for_the_sign_in(seconds_later, valid):
    token = checkin.shown_at(SECRET, 7, T0).token
    assert checkin.token_valid(SECRET, 7, token, T0 + timedelta(seconds=seconds_later)) is valid


def test_a_forged_or_future_token_is_refused():
    step = checkin.step_at(T0)
    assert not checkin.token_valid(SECRET, 7, f"{step}.{'0' * 20}", T0)
    future = checkin.token_for(SECRET, 7, step + 1)
    assert not checkin.token_valid(SECRET, 7, future, T0)
    assert not checkin.token_valid(SECRET, 8, checkin.token_for(SECRET, 7, step), T0)


@pytest.mark.parametrize(
    ("minutes", "inside", "status"),
    [
        (-20, False, None),
        (-15, True, "present"),
        (0, True, "present"),
        (10, True, "present"),
        (11, True, "late"),
        (90, True, "late"),
        (91, False, None),
    ],
)
def test_the_window_opens_before_the_start_and_late_begins_after_ten_minutes(minutes, inside, status):
    starts, ends = T0, T0 + timedelta(minutes=90)
    now = T0 + timedelta(minutes=minutes)
    assert checkin.in_window(now, starts, ends, 15) is inside
    if status:
        assert checkin.status_at(now, starts, 10) == status


# --- Attendance counting ----------------------------------------------------------------------


def test_official_leave_counts_as_present_and_personal_leave_as_absence():
    tally = A.Tally.of(["present", "late", "leave_official", "leave_personal", "absent", ""], planned=6)
    assert (tally.attended, tally.marked) == (3, 5)
    assert tally.absences() == 2 and tally.absences(leave_counts=False) == 1
    assert tally.rate() == A.Tally.of(["present"] * 3 + ["absent"] * 2, 5).rate() == 60


@pytest.mark.parametrize(
    ("planned", "absences", "over", "left"),
    [
        (3, 1, False, 0),
        (3, 2, True, -1),
        (9, 3, False, 0),
        (9, 4, True, -1),
        (10, 3, False, 0),
        (12, 2, False, 2),
        (2, 1, True, -1),
    ],
)
def test_absent_from_more_than_a_third_fails(planned, absences, over, left):
    share = Fraction(1, 3)
    assert A.over_limit(absences, planned, share) is over
    tally = A.Tally.of(["absent"] * absences, planned, ahead=planned - absences)
    assert A.absences_left(tally, share) == left
    assert A.needs_warning(tally, share) is (left == 0)


def test_no_warning_that_one_more_absence_fails_when_no_lesson_is_left_to_miss():
    share = Fraction(1, 3)
    assert A.needs_warning(A.Tally.of(["absent", "present", "present"], 3, ahead=0), share) is False
    assert A.needs_warning(A.Tally.of(["absent", "present"], 3, ahead=1), share) is True


@pytest.mark.parametrize(
    ("status", "offset", "phase"),
    [
        ("scheduled", -10, "upcoming"),
        ("scheduled", 10, "running"),
        ("scheduled", 100, "ended"),
        ("closed", 10, "ended"),
        ("cancelled", -10, "cancelled"),
        ("cancelled", 10, "cancelled"),
    ],
)
def test_a_lessons_phase_follows_the_clock(status, offset, phase):
    starts = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    now = starts + timedelta(minutes=offset)
    assert A.lesson_phase(status, starts, starts + timedelta(minutes=90), now) == phase


@pytest.mark.parametrize(
    ("text", "value"), [("1/3", Fraction(1, 3)), ("0.25", Fraction(1, 4)), ("1", Fraction(1))]
)
def test_shares_are_read_exactly(text, value):
    assert A.parse_share(text) == value


def test_a_share_above_one_is_refused():
    with pytest.raises(ValueError):
        A.parse_share("4/3")


# --- Files ---------------------------------------------------------------------------------


def docx(text: str, extra: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        body = f'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>'
        archive.writestr("word/document.xml", body)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n...", "pdf"),
        (b"\x89PNG\r\n\x1a\n....", "png"),
        (b"\xff\xd8\xff\xe0....", "jpeg"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
        (b"MZ\x90\x00 an executable", None),
        (b"<html><script>", None),
        (b"PK\x03\x04 not really a zip", None),
    ],
)
def test_files_are_told_by_their_bytes(data, kind):
    assert files.sniff(data).kind == kind


def test_a_docx_is_accepted_and_its_characters_counted_but_one_with_macros_is_not():
    data = docx("单元整体教学 reflection")
    assert files.sniff(data).kind == "docx"
    assert files.count_chars(files.docx_text(data)) == len("单元整体教学reflection")
    assert files.sniff(docx("x", {"word/vbaProject.bin": b"macro"})).problem == "macros"


def test_a_zip_that_unpacks_too_large_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "x")
        archive.writestr("word/document.xml", b"0" * (files.MAX_ZIP_UNPACKED + 1))
    assert files.sniff(buffer.getvalue()).problem == "too_large_unpacked"


# --- Calendar ------------------------------------------------------------------------------


def test_national_day_and_its_adjusted_workday_are_marked():
    holiday = calendar.note_for(date(2026, 10, 1))
    assert holiday.holiday and holiday.name_zh == "国庆节"
    workday = calendar.note_for(date(2026, 10, 10))  # a Saturday worked for National Day
    assert workday is not None and not workday.holiday
    assert calendar.note_for(date(2026, 10, 12)) is None


def test_a_month_is_whole_weeks_from_monday_and_a_year_without_data_is_said_so():
    month = calendar.month(2026, 10)
    assert all(len(week) == 7 for week in month.weeks) and month.weeks[0][0].day.weekday() == 0
    assert month.covered
    assert not calendar.month(2099, 1).covered and calendar.note_for(date(2099, 1, 1)) is None
    assert calendar.shift(2026, 12, 1) == (2027, 1) and calendar.shift(2026, 1, -1) == (2025, 12)


# --- Leave chain ---------------------------------------------------------------------------


def test_c4_needs_both_steps_and_a_rejection_ends_it():
    chain = leave.C4_CHAIN
    assert leave.decide(chain, 0, True) == (leave.PENDING, 1)
    assert leave.decide(chain, 1, True) == (leave.APPROVED, 1)
    assert leave.decide(chain, 0, False) == (leave.REJECTED, 0)


@pytest.mark.parametrize("raw", [[], [{"approver": "nobody"}], [{"approver": "tutor"}] * 4, "tutor"])
def test_a_bad_chain_is_refused(raw):
    with pytest.raises(leave.ChainInvalid):
        leave.parse_chain(raw)
