"""Duplicates of a declaration of outside training, found before its hours are posted (no Django).

Three kinds, each shown to the reviewer beside the declaration:

- SAME_CERTIFICATE: another live declaration (anyone's) carries the same certificate number;
- SAME_COURSE: the same person declared the same provider and course for dates that overlap;
- IN_LEDGER: the person's ledger already holds hours from elsewhere (a platform import, an
  outside result, a project) for the same course, earned within the declared dates.

Names are compared after normalisation (full-width to half-width, case, spaces and punctuation
dropped), so "《新课标》解读 " and "新课标解读" are the same course.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

SAME_CERTIFICATE = "same_certificate"
SAME_COURSE = "same_course"
IN_LEDGER = "in_ledger"
KINDS = (SAME_CERTIFICATE, SAME_COURSE, IN_LEDGER)

_NOISE = re.compile(r"[\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """A name as compared: NFKC, lower case, without spaces or punctuation."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text or "")).lower()


def certificate_key(number: str) -> str:
    """A certificate number as compared (empty: no number given)."""
    return normalise(number).upper()


@dataclass(frozen=True)
class Claim:
    """One declaration as the rules read it (`ref` names it to the caller: its id)."""

    ref: int
    person_id: int
    provider: str
    course: str
    starts_on: date
    ends_on: date
    certificate: str = ""


@dataclass(frozen=True)
class Entry:
    """One ledger entry of the person, as the rules read it."""

    ref: int
    person_id: int
    title: str
    earned_on: date


@dataclass(frozen=True)
class Duplicate:
    kind: str
    ref: int  # the other declaration's or the ledger entry's id


def overlaps(a_start: date, a_end: date, b_start: date, b_end: date) -> bool:
    return a_start <= b_end and b_start <= a_end


def _same_course(a: Claim, b: Claim) -> bool:
    return (
        a.person_id == b.person_id
        and normalise(a.course) == normalise(b.course)
        and normalise(a.provider) == normalise(b.provider)
        and overlaps(a.starts_on, a.ends_on, b.starts_on, b.ends_on)
    )


def find(claim: Claim, others: Iterable[Claim], entries: Iterable[Entry] = ()) -> list[Duplicate]:
    """The duplicates of `claim` among the live declarations `others` (itself skipped) and the
    person's ledger `entries` from elsewhere, certificate matches first."""
    found: list[Duplicate] = []
    number = certificate_key(claim.certificate)
    course = normalise(claim.course)
    for other in others:
        if other.ref == claim.ref:
            continue
        if number and certificate_key(other.certificate) == number:
            found.append(Duplicate(SAME_CERTIFICATE, other.ref))
        elif _same_course(claim, other):
            found.append(Duplicate(SAME_COURSE, other.ref))
    for entry in entries:
        if (
            entry.person_id == claim.person_id
            and course
            and normalise(entry.title) == course
            and claim.starts_on <= entry.earned_on <= claim.ends_on
        ):
            found.append(Duplicate(IN_LEDGER, entry.ref))
    order = {kind: index for index, kind in enumerate(KINDS)}
    return sorted(found, key=lambda duplicate: (order[duplicate.kind], duplicate.ref))


def blocking(duplicates: Iterable[Duplicate], approved_refs: Iterable[int]) -> list[Duplicate]:
    """The duplicates no override lifts: the same certificate as a declaration already approved
    (a certificate's hours are posted once)."""
    approved = set(approved_refs)
    return [d for d in duplicates if d.kind == SAME_CERTIFICATE and d.ref in approved]
