"""Writes of the teachers' records, each audited in the transaction that makes it: qualification
certificates and their checks, degrees, 见习期, the 班主任 role (flagged without a post
certificate, A16), the bureau's figures and rural marks, and the registration reminders."""

from datetime import date

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse

from peixun.accounts.models import User
from peixun.audit import events
from peixun.lib.dates import format_date_zh
from peixun.orgs.models import Org, Person, PersonRole
from peixun.records import selectors
from peixun.records.exceptions import DuplicateNumberError
from peixun.records.models import (
    CheckKind,
    CheckResult,
    Degree,
    Probation,
    QualificationCertificate,
    QualificationCheck,
    RecordsPolicy,
)
from peixun.records.rules import qualification as rules
from peixun.training.services import notify

QUALIFICATION_FIELDS = ("number", "kind", "subject", "issuer", "issued_on", "registered_on")


def _due(certificate: QualificationCertificate, policy: RecordsPolicy | None = None) -> date:
    policy = policy or selectors.policy_for(certificate.org_path)
    return rules.due_on(certificate.issued_on, certificate.registered_on, policy.registration_years)


@transaction.atomic
def save_qualification(
    *,
    person: Person,
    data: dict,
    actor: User,
    certificate: QualificationCertificate | None = None,
    request: HttpRequest | None = None,
) -> QualificationCertificate:
    number = " ".join(str(data["number"]).split())
    clash = QualificationCertificate.objects.filter(number=number)
    if certificate is not None:
        clash = clash.exclude(pk=certificate.pk)
    other = clash.select_related("person").first()
    if other is not None:
        raise DuplicateNumberError(number=number, name=other.person.name)
    certificate = certificate or QualificationCertificate(person=person)
    for field in QUALIFICATION_FIELDS:
        setattr(certificate, field, data.get(field))
    certificate.number = number
    certificate.org_path = person.org.path
    certificate.due_on = _due(certificate)
    certificate.save()
    events.record(
        action="records_qualification_saved",
        actor=actor,
        target=certificate,
        org_path=certificate.org_path,
        request=request,
        changes={
            "person": person.name,
            "number": number,
            "kind": str(certificate.get_kind_display()),
            "due_on": format_date_zh(certificate.due_on),
        },
    )
    return certificate


@transaction.atomic
def record_check(
    *,
    certificate: QualificationCertificate,
    kind: str,
    checked_on: date,
    result: str,
    note: str,
    actor: User,
    request: HttpRequest | None = None,
) -> QualificationCheck:
    check = QualificationCheck.objects.create(
        certificate=certificate,
        kind=kind,
        checked_on=checked_on,
        result=result,
        note=note[:200],
        created_by=actor,
    )
    renewed = kind == CheckKind.REGISTRATION and result == CheckResult.PASSED
    if renewed and (certificate.registered_on is None or checked_on > certificate.registered_on):
        certificate.registered_on = max(checked_on, certificate.issued_on)
        certificate.due_on = _due(certificate)
        certificate.save(update_fields=["registered_on", "due_on", "updated_at"])
    events.record(
        action="records_qualification_checked",
        actor=actor,
        target=certificate,
        org_path=certificate.org_path,
        request=request,
        changes={
            "person": certificate.person.name,
            "kind": str(check.get_kind_display()),
            "result": str(check.get_result_display()),
            "checked_on": format_date_zh(checked_on),
            "due_on": format_date_zh(certificate.due_on),
        },
    )
    return check


@transaction.atomic
def add_degree(*, person: Person, data: dict, actor: User, request: HttpRequest | None = None) -> Degree:
    degree = Degree.objects.create(person=person, **data)
    events.record(
        action="records_degree_added",
        actor=actor,
        target=person,
        org_path=person.org.path,
        request=request,
        changes={
            "person": person.name,
            "level": str(degree.get_level_display()),
            "school": degree.school,
            "major": degree.major,
            "awarded_on": format_date_zh(degree.awarded_on),
        },
    )
    return degree


@transaction.atomic
def save_probation(
    *, person: Person, data: dict, actor: User, request: HttpRequest | None = None
) -> Probation:
    record, _created = Probation.objects.get_or_create(
        person=person, defaults={"joined_on": data["joined_on"]}
    )
    before = {field: getattr(record, field) for field in data}
    for field, value in data.items():
        setattr(record, field, value)
    record.save()
    changed = {
        field: [str(before[field]), str(value)] for field, value in data.items() if before[field] != value
    }
    if person.hire_date is None:
        # The policy's pro-rating for those who join mid-cycle (A6) reads the hire date.
        person.hire_date = record.joined_on
        person.save(update_fields=["hire_date", "updated_at"])
        changed["hire_date"] = ["", str(record.joined_on)]
    events.record(
        action="records_probation_saved",
        actor=actor,
        target=person,
        org_path=person.org.path,
        request=request,
        changes={"person": person.name, **changed},
    )
    return record


@transaction.atomic
def give_head_teacher_role(*, person: Person, actor: User, request: HttpRequest | None = None) -> bool:
    """Make the teacher a 班主任; whether they hold a valid post certificate (A16: without one the
    caller warns, and the school's list keeps them until it is issued)."""
    certified = person.pk in selectors.with_post_certificate([person.pk])
    if PersonRole.HEAD_TEACHER not in person.roles:
        person.roles = [*person.roles, PersonRole.HEAD_TEACHER]
        person.save(update_fields=["roles", "updated_at"])
        events.record(
            action="records_head_teacher_given",
            actor=actor,
            target=person,
            org_path=person.org.path,
            request=request,
            changes={"person": person.name, "post_certificate": "有" if certified else "无"},
        )
    return certified


@transaction.atomic
def save_policy(*, org: Org, data: dict, actor: User, request: HttpRequest | None = None) -> RecordsPolicy:
    """Save the org's figures and move the due dates of the certificates they govern."""
    policy, _created = RecordsPolicy.objects.get_or_create(org=org)
    for field, value in data.items():
        setattr(policy, field, value)
    policy.updated_by = actor
    policy.save()
    moved = []
    for certificate in QualificationCertificate.objects.filter(org_path__startswith=org.path):
        due = _due(certificate)
        if due != certificate.due_on:
            certificate.due_on = due
            moved.append(certificate)
    QualificationCertificate.objects.bulk_update(moved, ["due_on"], batch_size=500)
    events.record(
        action="records_policy_saved",
        actor=actor,
        target=org,
        org_path=org.path,
        request=request,
        changes={**{field: str(value) for field, value in data.items()}, "moved": str(len(moved))},
    )
    return policy


@transaction.atomic
def set_rural(*, org: Org, rural: bool, actor: User, request: HttpRequest | None = None) -> Org:
    if org.rural != rural:
        org.rural = rural
        org.save(update_fields=["rural", "updated_at"])
        events.record(
            action="records_rural_set",
            actor=actor,
            target=org,
            org_path=org.path,
            request=request,
            changes={"rural": "是" if rural else "否"},
        )
    return org


@transaction.atomic
def send_reminders(*, today: date) -> int:
    """Tell each teacher, and their school's coordinators, of a registration due within the
    governing policy's notice (or overdue), once per due date. Returns how many certificates."""
    told = 0
    # The longest notice a policy may give (RecordsPolicy.remind_days ≤ 730) bounds the query.
    candidates = QualificationCertificate.objects.filter(
        due_on__lte=date(today.year + 2, 12, 31)
    ).select_related("person")
    policies: dict[str, RecordsPolicy] = {}
    for certificate in candidates.order_by("id"):
        policy = policies.setdefault(certificate.org_path, selectors.policy_for(certificate.org_path))
        if not rules.remind_now(certificate.due_on, today, policy.remind_days, certificate.reminded_for):
            continue
        params = {
            "name": certificate.person.name,
            "number": certificate.number,
            "due": format_date_zh(certificate.due_on),
        }
        url = reverse("records:person", args=[certificate.person_id])
        notify.send(
            notify.accounts_of([certificate.person_id]),
            "qualification_due",
            url=url,
            name=params["name"],
            number=params["number"],
            due=params["due"],
        )
        notify.send(
            notify.holders("records.edit", certificate.org_path),
            "qualification_due_school",
            url=url,
            name=params["name"],
            number=params["number"],
            due=params["due"],
        )
        certificate.reminded_for = certificate.due_on
        certificate.save(update_fields=["reminded_for"])
        told += 1
    return told
