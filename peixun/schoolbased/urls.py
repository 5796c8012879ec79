from django.urls import path

from peixun.schoolbased import views, views_activities

app_name = "schoolbased"
urlpatterns = [
    path("topics/", views.topics, name="topics"),
    path("plans/", views.plans, name="plans"),
    path("inbox/", views.inbox, name="inbox"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/submit/", views.plan_submit, name="plan-submit"),
    path("plans/<int:pk>/decide/", views.plan_decide, name="plan-decide"),
    path("plans/<int:pk>/versions/", views.plan_versions, name="plan-versions"),
    path("plans/<int:pk>/registration/", views.registration_start, name="registration-start"),
    path("plan-lines/<int:pk>/delete/", views.plan_line_delete, name="plan-line-delete"),
    path("registrations/<int:pk>/", views.registration, name="registration"),
    path("registrations/<int:pk>/activities/", views.activity_add, name="activity-add"),
    path("registrations/<int:pk>/manual/", views.manual_line, name="manual-line"),
    path("registrations/<int:pk>/submit/", views.registration_submit, name="registration-submit"),
    path("registrations/<int:pk>/decide/", views.registration_decide, name="registration-decide"),
    path("registrations/<int:pk>/export.xlsx", views.registration_export, name="registration-export"),
    path(
        "registrations/<int:pk>/teachers/<int:person_pk>/",
        views.registration_teacher,
        name="registration-teacher",
    ),
    path("lines/<int:pk>/resolve/", views.line_resolve, name="line-resolve"),
    path("lines/<int:pk>/evidence/", views.evidence, name="evidence"),
    path("registrations/<int:pk>/compile/", views.registration_compile, name="registration-compile"),
    path("activities/", views_activities.activities, name="activities"),
    path("activities/export.xlsx", views_activities.activities_export, name="activities-export"),
    path("activities/<int:pk>/", views_activities.activity, name="activity"),
    path(
        "activities/<int:pk>/participants/",
        views_activities.activity_participants,
        name="activity-participants",
    ),
    path("activities/<int:pk>/register/", views_activities.activity_register, name="activity-register"),
    path("activities/<int:pk>/tasks/", views_activities.activity_task, name="activity-task"),
    path(
        "activities/<int:pk>/evidence/", views_activities.activity_evidence_add, name="activity-evidence-add"
    ),
    path("activities/<int:pk>/export.xlsx", views_activities.activity_export, name="activity-export"),
    path("activity-evidence/<int:pk>/", views_activities.activity_evidence, name="activity-evidence"),
    path("submissions/<int:pk>/", views_activities.submission_file, name="submission-file"),
    path("submissions/<int:pk>/grade/", views_activities.submission_grade, name="submission-grade"),
    path("follow-along/", views_activities.follow_along_template, name="follow-along"),
    path("my-activities/", views_activities.activities_mine, name="activities-mine"),
    path("my-activities/check-in/", views_activities.activity_checkin, name="activity-checkin"),
    path("my-activities/<int:pk>/", views_activities.mine_activity, name="mine-activity"),
    path("my-activities/<int:pk>/entries/", views_activities.mine_entry, name="mine-entry"),
    path("my-tasks/<int:pk>/", views_activities.mine_work, name="mine-work"),
    path("mine/", views.mine, name="mine"),
    path("mine/<int:pk>/answer/", views.mine_answer, name="mine-answer"),
]
