from django.urls import path

from peixun.schoolbased import views

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
    path("mine/", views.mine, name="mine"),
    path("mine/<int:pk>/answer/", views.mine_answer, name="mine-answer"),
]
