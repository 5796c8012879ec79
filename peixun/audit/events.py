"""Appending audit events. Every state change, reveal and security event goes through `record`."""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from peixun.audit.models import AuditEvent
from peixun.core.compiled import CompiledInsert
from peixun.lib import clientaddr

ACTIONS: dict[str, Any] = {
    "login": _("Signed in"),
    "login_failed": _("Sign-in failed"),
    "logout": _("Signed out"),
    "access_denied": _("Access denied"),
    "password_changed": _("Password changed"),
    "password_reset": _("Password reset"),
    # Second factor (peixun.accounts.twofactor)
    "second_factor_enrolled": _("Two-step verification set up"),
    "second_factor_failures": _("Wrong verification codes, sign-in paused"),
    "recovery_code_used": _("Recovery code used"),
    "recovery_codes_regenerated": _("Recovery codes generated again"),
    "second_factor_reset": _("Two-step verification reset"),
    "login_locked_out": _("Sign-in locked after failures"),
    "login_account_locked_out": _("Sign-in to an account paused after failures from several addresses"),
    "account_created": _("Account created"),
    "account_password_reset": _("Initial password reset"),
    "initial_password_expired": _("Initial password expired"),
    "password_slips_downloaded": _("Initial password slips downloaded"),
    "org_created": _("Organisation created"),
    "org_updated": _("Organisation updated"),
    "person_created": _("Person created"),
    "person_updated": _("Person updated"),
    "id_revealed": _("ID number revealed"),
    "id_keys_rotated": _("ID numbers re-encrypted"),
    "people_exported": _("People exported"),
    "grant_created": _("Role granted"),
    "grant_deleted": _("Role withdrawn"),
    "import_applied": _("Import applied"),
    "background_run_restarted": _("Background work run again"),
    "credit_posted": _("Hours granted"),
    "credit_reversed": _("Hours reversed"),
    "policy_saved": _("Policy saved"),
    "policy_adopted": _("Policy adopted"),
    "policy_exported": _("Policy exported to a file"),
    # Training (peixun.training)
    "plan_created": _("Annual plan created"),
    "plan_updated": _("Annual plan updated"),
    "project_created": _("Project created"),
    "project_updated": _("Project updated"),
    "project_transition": _("Project status changed"),
    "project_attachment_added": _("Project document added"),
    "project_tags_repaired": _("Project tags repaired"),
    "change_requested": _("Change requested"),
    "change_resubmitted": _("Change request submitted again"),
    "change_approved": _("Change approved and applied"),
    "change_returned": _("Change request returned"),
    "change_withdrawn": _("Change request withdrawn"),
    "enrolment_created": _("Enrolment created"),
    "enrolment_changed": _("Enrolment changed"),
    "enrolments_mandatory": _("Mandatory enrolment applied"),
    "mandatory_run_undone": _("Mandatory enrolment undone"),
    "exemption_requested": _("Exemption requested"),
    "exemption_decided": _("Exemption decided"),
    "quotas_set": _("School quotas set"),
    "quotas_released": _("Unused quotas released"),
    "lottery_drawn": _("Lottery drawn"),
    "cohorts_formed": _("Classes formed"),
    "cohort_changed": _("Class changed"),
    "learning_codes_generated": _("Learning codes generated"),
    "learning_code_issued": _("Learning code given out"),
    "registrations_imported": _("Platform registrations imported"),
    "api_key_created": _("API key created"),
    "api_key_revoked": _("API key revoked"),
    # Delivery (peixun.delivery)
    "delivery_settings_saved": _("Check-in and leave settings saved"),
    "lesson_scheduled": _("Lesson scheduled"),
    "lesson_changed": _("Lesson changed"),
    "lesson_closed": _("Lesson closed"),
    "attendance_marked": _("Attendance marked"),
    "attendance_register_saved": _("Register saved"),
    "leave_requested": _("Leave requested"),
    "leave_decided": _("Leave decided"),
    "assignment_saved": _("Assignment saved"),
    "work_submitted": _("Coursework submitted"),
    "work_graded": _("Coursework graded"),
    "outside_results_saved": _("Outside platform results saved"),
    # Assessment (peixun.assessment)
    "scheme_saved": _("Assessment scheme saved"),
    "scheme_exported": _("Assessment scheme exported to a file"),
    "manual_score_set": _("Score entered"),
    "manual_scores_imported": _("Scores imported"),
    "ethics_veto_recorded": _("Ethics veto recorded"),
    "ethics_veto_lifted": _("Ethics veto lifted"),
    "excellence_drafted": _("Excellent-trainee list drafted"),
    "excellence_published": _("Excellent-trainee list published for notice"),
    "objection_raised": _("Objection raised"),
    "objection_decided": _("Objection decided"),
    "excellence_finalised": _("Excellent-trainee list made final"),
    "hours_posted": _("Project hours posted"),
    # Recognition of outside training (peixun.recognition)
    "recognition_declared": _("Outside training declared"),
    "recognition_changed": _("Declaration of outside training changed"),
    "recognition_reviewed": _("Declaration of outside training reviewed"),
    "recognition_imported": _("Outside training imported as recognised"),
    "recognition_rule_saved": _("Project's rule on recognised training saved"),
    "records_qualification_saved": _("Teacher qualification certificate saved"),
    "records_qualification_checked": _("Teacher qualification certificate reviewed or registered"),
    "records_degree_added": _("Degree added"),
    "records_probation_saved": _("Probation record saved"),
    "records_head_teacher_given": _("Head-teacher role given"),
    "records_policy_saved": _("Records figures saved"),
    "records_rural_set": _("Rural school mark changed"),
    # Competitions (peixun.competitions)
    "competition_saved": _("Competition saved"),
    "competition_item_added": _("Competition item added by a school"),
    "competition_entered": _("Teacher entered in a competition"),
    "competition_withdrawn": _("Competition entry withdrawn"),
    "competition_exemption": _("Competition exemption requested or reviewed"),
    "competition_nominated": _("Competitor nominated for the next round"),
    "competition_draw_published": _("Competition draw published"),
    "competition_drawn": _("Competition draw run"),
    "competition_judge_assigned": _("Competition judge assigned"),
    "competition_scored": _("Competition score entered"),
    "competition_scores_imported": _("Competition scores imported from a judge's sheet"),
    "competition_awards": _("Competition awards drafted"),
    "competition_objection": _("Objection to a competition award"),
    "competition_disqualified": _("Competitor disqualified for falsification"),
    "competition_final": _("Competition results made final"),
    # Satisfaction surveys (peixun.surveys)
    "survey_template_saved": _("Survey template saved"),
    "survey_opened": _("Survey opened"),
    "survey_answered": _("Survey answered"),
    "survey_reminded": _("Survey reminder sent"),
    "survey_settings_saved": _("Satisfaction threshold saved"),
    "eligibility_overridden": _("Eligibility allowed despite satisfaction"),
    # Training quality (peixun.quality)
    "quality_trainer_added": _("Trainer added to the pool"),
    "quality_trainer_changed": _("Trainer in the pool changed"),
    "quality_trainer_reviewed": _("Trainer's yearly review saved"),
    "quality_summary_generated": _("Project summary generated"),
    "quality_summary_changed": _("Project summary changed"),
    "quality_archive_file_added": _("File added to a project's archive"),
    "quality_archive_file_removed": _("File removed from a project's archive"),
    "quality_archive_started": _("Project archive started"),
    # School-based training (peixun.schoolbased)
    "sb_year_published": _("School-based year published"),
    "sb_topic_added": _("Prescribed topic added"),
    "sb_plan_created": _("School-based plan created"),
    "sb_plan_line_saved": _("School-based plan line saved"),
    "sb_plan_line_deleted": _("School-based plan line removed"),
    "sb_plan_submitted": _("School-based plan submitted"),
    "sb_plan_returned": _("School-based plan returned"),
    "sb_plan_approved": _("School-based plan approved"),
    "sb_registration_started": _("Year-end registration started"),
    "sb_activity_recorded": _("School-based activity recorded"),
    "sb_manual_line_added": _("Manual line with evidence added"),
    "sb_line_answered": _("Teacher answered a line"),
    "sb_line_resolved": _("Dispute resolved"),
    "sb_registration_submitted": _("Year-end registration submitted"),
    "sb_registration_returned": _("Year-end registration returned"),
    "sb_registration_accepted": _("Year-end registration accepted and hours posted"),
    "sb_run_created": _("School activity set up"),
    "sb_participants_added": _("Participants added to a school activity"),
    "sb_checked_in": _("Checked in to a school activity"),
    "sb_attendance_marked": _("School activity register corrected"),
    "sb_task_added": _("Coursework task added to a school activity"),
    "sb_work_submitted": _("Coursework handed in for a school activity"),
    "sb_work_graded": _("School activity coursework graded"),
    "sb_run_evidence_added": _("Evidence added to a school activity"),
    "sb_follow_along_entry": _("Follow-along task recorded"),
    "sb_template_saved": _("Follow-along study template saved"),
    "sb_registration_compiled": _("Year-end registration compiled from the activities"),
    # Honours (peixun.honours)
    "honours_selection_created": _("Honours selection created"),
    "honours_quotas_saved": _("Honours quotas changed"),
    "honours_nominated": _("Nominated for an honour"),
    "honours_nomination_reviewed": _("Honour nomination reviewed"),
    "honours_notice_published": _("Honours list published for notice"),
    "honours_objection_raised": _("Objection to a nominee raised"),
    "honours_objection_decided": _("Objection to a nominee decided"),
    "honours_selection_finalised": _("Honours list made final"),
    "honours_guidance_logged": _("School-based guidance logged"),
    "honours_title_reviewed": _("Title holder reviewed"),
    "honours_title_renewed": _("Title renewed"),
    "honours_title_ended": _("Title ended"),
    "honours_kind_saved": _("Honour rules changed"),
    # Certificates (peixun.certificates)
    "certificate_template_saved": _("Certificate template saved"),
    "certificates_batch_started": _("Certificates issued"),
    "certificates_bundle_started": _("Certificates merged into one PDF"),
    "certificate_revoked": _("Certificate revoked"),
    # Training funds (peixun.finance)
    "finance_year_saved": _("Training funds rules of the year saved"),
    "finance_statement_issued": _("Fee statement issued"),
    "finance_payment_recorded": _("Fee payment recorded"),
    "finance_budget_saved": _("School budget figures saved"),
    "finance_budget_imported": _("School budget figures imported"),
    "finance_spending_recorded": _("Training spending recorded"),
    "finance_subsidies_generated": _("Book subsidy list generated"),
    "finance_subsidies_paid": _("Book subsidies marked paid"),
    # Annual training returns (peixun.returns)
    "return_confirmed": _("Annual training return confirmed"),
    "return_reopened": _("Annual training return returned to the school"),
    # Student interest groups (peixun.interest)
    "interest_term_saved": _("Interest group term saved"),
    "interest_student_added": _("Student added"),
    "interest_students_imported": _("Students imported"),
    "interest_group_created": _("Interest group created"),
    "interest_applied": _("Application to an interest group recorded"),
    "interest_scores_saved": _("Selection test scores saved"),
    "interest_members_selected": _("Interest group members selected"),
    "interest_deliverables_saved": _("Tutor's deliverables saved"),
    "interest_lesson_saved": _("Interest group session saved"),
    "interest_note_added": _("Growth file note added"),
}


# Every state change appends a row: its INSERT is compiled once (peixun.core.compiled).
APPEND = CompiledInsert(AuditEvent)


def request_address(request: HttpRequest) -> str | None:
    """The client's address: the peer's, or what X-Forwarded-For says when the peer is one of
    TRUSTED_PROXIES (peixun.lib.clientaddr)."""
    return clientaddr.client_address(
        request.META.get("REMOTE_ADDR"),
        request.META.get("HTTP_X_FORWARDED_FOR"),
        clientaddr.trusted_from(tuple(settings.TRUSTED_PROXIES)),
    )


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return getattr(request, "axes_ip_address", None) or request_address(request)


def record(
    *,
    action: str,
    actor=None,
    target: models.Model | None = None,
    changes: dict | None = None,
    org_path: str = "",
    request: HttpRequest | None = None,
    target_repr: str = "",
) -> AuditEvent:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if actor is not None and not actor.is_authenticated:
        actor = None
    return APPEND.create(
        actor=actor,
        actor_name=actor.get_username() if actor is not None else "",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=target_repr or (str(target)[:200] if target is not None else ""),
        org_path=org_path,
        changes=changes or {},
        ip_address=client_ip(request),
    )


def diff(before: dict, after: dict) -> dict:
    """{field: [before, after]} for the fields that changed."""
    return {key: [before.get(key), after.get(key)] for key in after if before.get(key) != after.get(key)}


# Labels of the keys in an event's `changes`, for the audit and operation logs: one table in the
# lowest layer that records; apps add their own with `register_field_labels` in AppConfig.ready().
# A key not here is looked up as a field of any installed model (its verbose name), so a diff of a
# model's fields reads in Chinese without listing every field twice.
FIELD_LABELS: dict[str, Any] = {
    # Surveys (peixun.surveys)
    "items": _("Questions"),
    "project": _("Project"),
    "dates": _("Dates"),
    "reminded": _("Trainees reminded"),
    "status": _("Status"),
    "was": _("Before"),
    "reason": _("Reason"),
    "remaining": _("Recovery codes left"),
    "kind": _("Kind"),
    "year": _("Year"),
    "selected": _("Selected"),
    "role": _("Role"),
    "person": _("Person"),
    "note": _("Note"),
    "name": _("Name"),
    "enrolment": _("Enrolment"),
    "version": _("Version"),
    "trainees": _("Trainees"),
    "classes_added": _("Classes added"),
    "total": _("Total"),
    "title": _("Title"),
    "step": _("Approval step"),
    "starts_at": _("Starts"),
    "ends_at": _("Ends"),
    "source": _("Source"),
    "schools": _("Schools"),
    "rows": _("Rows"),
    "minutes": _("Minutes"),
    "lockout": _("Locked out"),
    "hours": _("Hours"),
    "file": _("File"),
    "by": _("By"),
    "winners": _("Drawn"),
    "value": _("Value"),
    "valid_until": _("Valid until"),
    "username": _("Username"),
    "user": _("Account"),
    "until": _("Until"),
    "unmasked": _("Full ID numbers"),
    "unchanged": _("Unchanged"),
    "tutors_assigned": _("Tutors assigned"),
    "tutor": _("Tutor"),
    "topic": _("Topic"),
    "to": _("To"),
    "from": _("From"),
    "template": _("Template"),
    "tags": _("Tags"),
    "size": _("Size"),
    "share": _("Share"),
    "seed": _("Random seed"),
    "seal": _("Seal"),
    "reversed": _("Reversed"),
    "request": _("Request"),
    "released": _("Released"),
    "reference": _("Reference"),
    "recompute": _("Recomputed"),
    "prefix": _("Prefix"),
    "posted": _("Posted"),
    "policy": _("Policy"),
    "perm": _("Permission"),
    "people": _("People"),
    "path": _("Position in the tree"),
    "organiser": _("Organiser"),
    "org": _("Organisation"),
    "number": _("Number"),
    "must_change_password": _("Must change password"),
    "method": _("Method"),
    "max_size": _("Class size"),
    "marked": _("Marked"),
    "marks": _("Marks"),
    "key": _("Key"),
    "item": _("Item"),
    "format": _("Format"),
    "filters": _("Filters"),
    "failures": _("Failures"),
    "enrolled": _("Enrolled"),
    "enrol_closes_at": _("Enrolment closes"),
    "codes": _("Codes"),
    "code": _("Code"),
    "classes": _("Classes"),
    "class": _("Class"),
    "bundle": _("Bundle"),
    "batch": _("Batch"),
    "approved": _("Approved"),
    "applicants": _("Applicants"),
    "already": _("Already done"),
    "addresses": _("Addresses"),
    "accounts": _("Accounts"),
    "absent": _("Absent"),
    "action": _("Action"),
    "assignment": _("Assignment"),
    "chain": _("Approval chain"),
    "chars": _("Characters"),
    "code_period": _("Check-in code valid for"),
    "created": _("Created"),
    "updated": _("Updated"),
    "filename": _("File name"),
    "files": _("Files"),
    "late": _("Late"),
    "late_after": _("Late after"),
    "opens_before": _("Opens before"),
    "score": _("Score"),
    "scores": _("Scores"),
    "what_if": _("What-if"),
}


# Labels of the coded values of a key in one action's `changes` (a status, an option): the log keeps
# the code, the reader sees the words. Apps add theirs with `register_value_labels` in ready().
VALUE_LABELS: dict[tuple[str, str], dict[str, Any]] = {}


def register_value_labels(action: str, key: str, labels: Mapping[str, Any]) -> None:
    """Words for the codes `key` takes in the `changes` of `action` events (e.g. a model's choices)."""
    VALUE_LABELS.setdefault((action, key), {}).update(labels)


def value_label(action: str, key: str, value: object) -> object:
    """The words for a coded value of `key` in an `action` event, or the value itself."""
    labels = VALUE_LABELS.get((action, key))
    if labels is None or not isinstance(value, str) or value not in labels:
        return value
    return str(labels[value])


# A key that means something else in one action (`title`: a teacher's 职称, but a project's name in
# project_created): its label there.
ACTION_FIELD_LABELS: dict[tuple[str, str], Any] = {}


def register_field_labels(labels: dict[str, Any], *, action: str = "") -> None:
    """Add labels for `changes` keys (an app's own words), for every action or for one; an existing
    key keeps its label."""
    for key, label in labels.items():
        if action:
            ACTION_FIELD_LABELS.setdefault((action, key), label)
        else:
            FIELD_LABELS.setdefault(key, label)


def field_label(key: str, action: str = "") -> str:
    """The Chinese label of a `changes` key: the action's own, else the table, else a model field's
    verbose name, else the key with underscores as spaces (never met in the shipped events:
    test_audit_labels checks)."""
    if (action, key) in ACTION_FIELD_LABELS:
        return str(ACTION_FIELD_LABELS[(action, key)])
    if key in FIELD_LABELS:
        return str(FIELD_LABELS[key])
    from django.apps import apps

    for model in apps.get_models():
        try:
            field = model._meta.get_field(key)
        except Exception:  # noqa: S112 - FieldDoesNotExist; the next model may have it
            continue
        verbose = getattr(field, "verbose_name", None)
        if verbose:
            return str(verbose)
    return key.replace("_", " ")
