from django.urls import path

from peixun.training.views import codes, cohorts, enrolment, my, plans, projects

app_name = "training"
urlpatterns = [
    path("", projects.project_list, name="project-list"),
    path("new/", projects.project_create, name="project-create"),
    path("<int:pk>/", projects.project_detail, name="project-detail"),
    path("<int:pk>/edit/", projects.project_edit, name="project-edit"),
    path("<int:pk>/move/<slug:action>/", projects.project_move, name="project-move"),
    path("<int:pk>/documents/<int:attachment_pk>/", projects.attachment, name="attachment"),
    path("<int:pk>/enrol/", enrolment.enrol, name="enrol"),
    path("<int:pk>/enrolments/", enrolment.project_enrolments, name="project-enrolments"),
    path("<int:pk>/enrolments.xlsx", enrolment.enrolments_export, name="enrolments-export"),
    path("<int:pk>/nominate/", enrolment.nominate, name="nominate"),
    path("<int:pk>/mandatory/", enrolment.mandatory, name="mandatory"),
    path("<int:pk>/quotas/", enrolment.quotas, name="quotas"),
    path("<int:pk>/lottery/", enrolment.lottery, name="lottery"),
    path("<int:pk>/classes/", cohorts.cohorts, name="cohorts"),
    path("<int:pk>/codes/", codes.codes, name="codes"),
    path("classes/<int:pk>/", cohorts.cohort_detail, name="cohort-detail"),
    path("classes/<int:pk>/roster.xlsx", cohorts.cohort_roster, name="cohort-roster"),
    path("codes/<int:pk>/issue/", codes.code_issue, name="code-issue"),
    path("code-imports/<int:pk>/", codes.code_import, name="code-import"),
    path("code-imports/<int:pk>/again/", codes.code_import_rerun, name="code-import-rerun"),
    path("enrolments/<int:pk>/withdraw/", enrolment.enrolment_withdraw, name="enrolment-withdraw"),
    path("enrolments/<int:pk>/confirm/", enrolment.enrolment_confirm, name="enrolment-confirm"),
    path("enrolments/<int:pk>/decide/", enrolment.enrolment_decide, name="enrolment-decide"),
    path("enrolments/<int:pk>/move/", cohorts.enrolment_move, name="enrolment-move"),
    path("enrolments/<int:pk>/exemption/", enrolment.exemption_request, name="exemption-request"),
    path("exemptions/<int:pk>/decide/", enrolment.exemption_decide, name="exemption-decide"),
    path("my/", my.my_enrolments, name="my"),
    path("inbox/", my.inbox, name="inbox"),
    path("notices/", my.notices, name="notices"),
    path("plans/", plans.plan_list, name="plan-list"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan-detail"),
    path("plan-items/<int:pk>/project/", plans.plan_item_project, name="plan-item-project"),
]
