from datetime import date

import pytest

from peixun.recognition.rules import dedup, proof, states


def claim(
    ref, person=1, provider="国家中小学智慧教育平台", course="新课标解读", start=(3, 1), end=(3, 31), cert=""
):
    return dedup.Claim(ref, person, provider, course, date(2026, *start), date(2026, *end), cert)


def test_the_same_certificate_is_a_duplicate_whoever_declared_it_and_however_it_is_written():
    found = dedup.find(
        claim(1, cert="zh2026-0001"), [claim(2, person=9, course="别的课", cert="ＺＨ2026 0001")]
    )
    assert found == [dedup.Duplicate(dedup.SAME_CERTIFICATE, 2)]


def test_same_person_provider_and_course_duplicate_only_when_the_dates_overlap():
    mine = claim(1, course="《新课标》解读 ")
    assert dedup.find(mine, [claim(2, start=(3, 31), end=(4, 10))]) == [dedup.Duplicate(dedup.SAME_COURSE, 2)]
    assert dedup.find(mine, [claim(3, start=(4, 1), end=(4, 10))]) == []
    assert dedup.find(mine, [claim(4, person=2)]) == []
    assert dedup.find(mine, [claim(5, provider="省平台")]) == []
    assert dedup.find(mine, [claim(1)]) == []  # itself


def test_hours_already_in_the_ledger_for_the_course_in_the_period():
    entries = [
        dedup.Entry(10, 1, "新课标解读", date(2026, 3, 15)),
        dedup.Entry(11, 1, "新课标解读", date(2026, 5, 1)),
        dedup.Entry(12, 2, "新课标解读", date(2026, 3, 15)),
        dedup.Entry(13, 1, "别的培训", date(2026, 3, 15)),
    ]
    assert dedup.find(claim(1), [], entries) == [dedup.Duplicate(dedup.IN_LEDGER, 10)]


def test_only_a_certificate_already_approved_blocks():
    found = [dedup.Duplicate(dedup.SAME_CERTIFICATE, 2), dedup.Duplicate(dedup.SAME_COURSE, 3)]
    assert dedup.blocking(found, approved_refs=[2, 3]) == [found[0]]
    assert dedup.blocking(found, approved_refs=[3]) == []


def test_the_review_goes_school_then_bureau_and_a_return_comes_back_to_the_school():
    state = states.next_state("", states.SUBMIT)
    assert state == states.PENDING_SCHOOL
    state = states.next_state(state, states.SCHOOL_APPROVE)
    state = states.next_state(state, states.BUREAU_RETURN)
    assert state == states.RETURNED
    assert states.next_state(state, states.RESUBMIT) == states.PENDING_SCHOOL
    assert states.allowed(states.APPROVED) == set()
    for frm, action in ((states.PENDING_BUREAU, states.WITHDRAW), (states.APPROVED, states.BUREAU_APPROVE)):
        with pytest.raises(states.NotAllowed):
            states.next_state(frm, action)


def test_a_proof_is_told_by_its_bytes():
    assert proof.sniff(b"%PDF-1.7 ...") == proof.PDF
    assert proof.sniff(b"\xff\xd8\xff\xe0....") == proof.JPEG
    assert proof.sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == proof.WEBP
    assert proof.sniff(b"MZ\x90\x00 an executable renamed .pdf") is None
