"""Resident ID numbers: normalising, Excel damage, validation, masking, generation."""

from datetime import date

import pytest
from stdnum.cn import ric

from peixun.lib import idnumbers
from peixun.lib.idnumbers import (
    MSG_BIRTH_DATE,
    MSG_CHECK_DIGIT,
    MSG_EMPTY,
    MSG_EXCEL_DAMAGE,
    MSG_FORMAT,
    MSG_LEGACY_15,
    detect_excel_damage,
    make_valid_id,
    mask,
    normalize,
    validate,
)

VALID = "11010519491231002X"  # the GB 11643 example: female, born 1949-12-31
MALE = make_valid_id("320705", date(1990, 1, 1), 23, "male")
FEMALE = make_valid_id("320705", date(1985, 3, 14), 7, "female")


def with_wrong_check_digit(number: str) -> str:
    wrong = "0" if number[-1] != "0" else "1"
    return number[:-1] + wrong


def test_fixtures_are_valid_for_stdnum() -> None:
    for number in (VALID, MALE, FEMALE):
        assert ric.calc_check_digit(number) == number[-1]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("320705199001011234", "320705199001011234"),
        ("  320705199001011234\t", "320705199001011234"),
        ("3207 0519 9001 0112 34", "320705199001011234"),
        ("\u3000320705199001011234\u3000", "320705199001011234"),
        ("３２０７０５１９９００１０１１２３４", "320705199001011234"),
        ("11010519491231002x", "11010519491231002X"),
        ("11010519491231002ｘ", "11010519491231002X"),
        ("11010519491231002Ｘ", "11010519491231002X"),
        ("\u200b11010519491231002X\ufeff", "11010519491231002X"),
        ("1101\u00a005194912\u202f31002X", "11010519491231002X"),
        ("e12345678", "E12345678"),
        ("", ""),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "3.20705E+17",
        "3.20705e17",
        "3.20705E17",
        "3.20705199001011E+17",
        "３.２０７０５Ｅ＋１７",
        "320705199001011234.0",
        "320705199001011000.0",
        "320705199001011234.",
        "320705199001011000",  # 15 significant digits kept, tail zeroed, check digit fails
        "320705199001011",  # 15 digits
        "3207051990010112",  # 16 digits
        "32070519900101123",  # 17 digits
        3.20705199001011e17,
        320705199001011000,
        320705199001011234,
    ],
)
def test_detect_excel_damage(raw: object) -> None:
    message = detect_excel_damage(raw)
    assert message == MSG_EXCEL_DAMAGE
    assert "文本" in message


@pytest.mark.parametrize(
    "raw",
    [VALID, MALE, FEMALE, "", "abc", "12345", "E12345678", None, 42, 3.5, True, "11010519491231002x"],
)
def test_detect_excel_damage_leaves_other_values_alone(raw: object) -> None:
    assert detect_excel_damage(raw) is None


def test_eighteen_digits_ending_000_with_a_valid_check_digit_are_not_damage() -> None:
    body = "32070519900101100"
    number = body + ric.calc_check_digit(body + "0")
    if number.endswith("000"):
        assert detect_excel_damage(number) is None
    # Build one that certainly ends in 000 and is valid, by searching the sequence digits.
    for area in range(110101, 110200):
        candidate = f"{area}19900101" + "00"
        body = candidate + "0"
        number = body + ric.calc_check_digit(body + "0")
        if number.endswith("000"):
            assert detect_excel_damage(number) is None
            assert validate(number).ok
            break
    else:
        pytest.fail("no valid ID ending in 000 found in the search range")


def test_validate_valid_number() -> None:
    check = validate(VALID)
    assert check.ok
    assert check.error is None
    assert check.number == VALID
    assert check.birth_date == date(1949, 12, 31)
    assert check.gender == "female"


@pytest.mark.parametrize(
    ("raw", "birth", "gender"),
    [
        (MALE, date(1990, 1, 1), "male"),
        (FEMALE, date(1985, 3, 14), "female"),
        ("11010519491231002x", date(1949, 12, 31), "female"),
        (" １１０１０５ １９４９１２３１ ００２ｘ ", date(1949, 12, 31), "female"),
    ],
)
def test_validate_reads_birth_date_and_gender(raw: str, birth: date, gender: str) -> None:
    check = validate(raw)
    assert check.error is None
    assert (check.birth_date, check.gender) == (birth, gender)


def test_validate_returns_normalised_number() -> None:
    assert validate(" 11010519491231002x ").number == VALID


def test_unknown_area_code_is_accepted() -> None:
    # 990000 is no county; the area code is deliberately not checked.
    number = make_valid_id("990000", date(2000, 2, 29), 1, "male")
    assert validate(number).ok
    assert not ric.is_valid(number)  # stdnum's validate would have refused it


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", MSG_EMPTY),
        ("   ", MSG_EMPTY),
        ("\u3000", MSG_EMPTY),
        (None, MSG_EMPTY),
        ("110105491231002", MSG_LEGACY_15),
        ("3.20705E+17", MSG_EXCEL_DAMAGE),
        ("320705199001011000", MSG_EXCEL_DAMAGE),
        ("320705199001011234.0", MSG_EXCEL_DAMAGE),
        (3.20705199001011e17, MSG_EXCEL_DAMAGE),
        ("3207051990010112", MSG_EXCEL_DAMAGE),
        ("11010519491231002XX", "身份证号码应为 18 位，当前为 19 位"),
        ("1234", "身份证号码应为 18 位，当前为 4 位"),
        ("11010519491231X02X", MSG_FORMAT),
        ("11010519491231002A", MSG_FORMAT),
        ("1101051949123100-X", MSG_FORMAT),
        ("11010519491331002X", MSG_BIRTH_DATE),  # month 13
        ("110105194902300027", MSG_BIRTH_DATE),  # 30 February
        ("110105180001010020", MSG_BIRTH_DATE),  # before 1900
        ("110105299901010020", MSG_BIRTH_DATE),  # in the future
        ("110105194912310021", MSG_CHECK_DIGIT),
        (with_wrong_check_digit(MALE), MSG_CHECK_DIGIT),
    ],
)
def test_validate_errors(raw: object, message: str) -> None:
    check = validate(raw)
    assert check.error == message
    assert not check.ok
    assert check.birth_date is None
    assert check.gender is None


def test_check_digit_message_says_so() -> None:
    assert "校验位错误" in MSG_CHECK_DIGIT
    assert "18 位" in MSG_LEGACY_15


def test_validate_result_is_frozen() -> None:
    check = validate(VALID)
    with pytest.raises(AttributeError):
        check.number = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("320705199001011234", "3207**********1234"),
        ("11010519491231002X", "1101**********002X"),
        ("E12345678", "E******78"),  # passport: 3 of 9 visible
        ("G1234567890", "G********90"),
        ("123456", "1****6"),
        ("12345", "***45"),
        ("1234", "**34"),
        ("123", "**3"),
        ("12", "*2"),
        ("1", "*"),
        ("", ""),
    ],
)
def test_mask(number: str, masked: str) -> None:
    assert mask(number) == masked
    assert len(mask(number)) == len(number)


@pytest.mark.parametrize("length", range(2, 40))
def test_mask_keeps_at_most_a_third_visible_except_resident_ids(length: int) -> None:
    masked = mask("A" * length)
    visible = length - masked.count("*")
    assert visible >= 1
    if length != 18:
        assert visible <= max(length // 3, 2 if length >= 4 else 1)


@pytest.mark.parametrize("gender", ["male", "female"])
@pytest.mark.parametrize("sequence", [0, 1, 9, 50, 99])
def test_make_valid_id(gender: str, sequence: int) -> None:
    birth = date(1978, 11, 30)
    number = make_valid_id("440305", birth, sequence, gender)
    check = validate(number)
    assert check.ok, check.error
    assert check.birth_date == birth
    assert check.gender == gender
    assert number[:6] == "440305"
    assert number[14:16] == f"{sequence:02d}"


def test_make_valid_id_is_unique_per_sequence() -> None:
    numbers = {make_valid_id("320705", date(1985, 3, 14), seq, "female") for seq in range(100)}
    assert len(numbers) == 100


def test_make_valid_id_can_produce_check_digit_x() -> None:
    found = {
        make_valid_id("320705", date(1980, 1, day), seq, "male")[-1]
        for day in range(1, 29)
        for seq in range(100)
    }
    assert "X" in found


@pytest.mark.parametrize(
    ("area", "sequence", "gender"),
    [
        ("32070", 1, "male"),
        ("32070a", 1, "male"),
        ("320705", 100, "male"),
        ("320705", -1, "male"),
        ("320705", 1, "M"),
    ],
)
def test_make_valid_id_rejects_bad_input(area: str, sequence: int, gender: str) -> None:
    with pytest.raises(ValueError):
        make_valid_id(area, date(1990, 1, 1), sequence, gender)


def test_module_exposes_messages_as_constants() -> None:
    messages = [value for name, value in vars(idnumbers).items() if name.startswith("MSG_")]
    assert len(messages) >= 6
    assert all(isinstance(message, str) and message for message in messages)
