"""The schemes shipped with Peixun (no Django), one YAML file each in presets/: RULES D1–D8 as
written in the seed plans. A project starts from one and may change it.

The files are shown to users in the scheme editor, so their comments are in Chinese and name no
rule numbers. Which rules each implements: attendance-coursework D2; head-teacher D1, D2 (no grade
bands: no seed asks for them); exam-practice D6 (the practice part banded on its own, with the
tie-break of docs/decisions/0036-band-cap-tie-break.md; no exam pass mark: the seed sets none);
remote-all-or-nothing D3, A11, D8; staged-tasks D4, C8.

`outdated` tells a project whose scheme was saved from an earlier text of a preset what that text
got wrong, so the organiser can start again from the preset (a new, audited version) rather than
have a stored version changed under their results."""

from decimal import Decimal
from functools import cache
from pathlib import Path

from peixun.assessment.rules.scheme import Scheme, parse_scheme

FOLDER = Path(__file__).resolve().parent / "presets"
DEFAULT = "attendance-coursework"
ORDER = ("attendance-coursework", "head-teacher", "exam-practice", "remote-all-or-nothing", "staged-tasks")


def codes() -> tuple[str, ...]:
    return ORDER


def preset_text(code: str) -> str:
    if code not in ORDER:
        raise KeyError(code)
    return (FOLDER / f"{code}.yaml").read_text(encoding="utf-8")


@cache
def preset(code: str) -> Scheme:
    return parse_scheme(preset_text(code))


# What earlier texts of the presets had that the seed plans do not ask for (issue 13, defect 5).
EXAM_MINIMUM = "exam_minimum"
CAPPED_BAND = "capped_band"


def outdated(code: str, scheme: Scheme) -> tuple[str, ...]:
    """What a scheme saved from preset `code` still carries from the preset's earlier text:
    EXAM_MINIMUM (exam-practice once failed an exam below 60, RULES D6 sets no such mark),
    CAPPED_BAND (head-teacher once had a 优秀 band capped at 25 % per school). Empty when
    nothing, or when the scheme was not saved from that preset."""
    found: list[str] = []
    if code == "exam-practice" and scheme.hard_rules.min_exam_score == Decimal(60):
        found.append(EXAM_MINIMUM)
    if code == "head-teacher" and any(band.cap_share is not None for band in scheme.bands.levels):
        found.append(CAPPED_BAND)
    return tuple(found)
