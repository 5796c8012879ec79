from django.urls import path

from peixun.imports import views
from peixun.imports.models import ImportKind

app_name = "imports"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("new/people/", views.upload, {"kind": ImportKind.PEOPLE}, name="upload-people"),
    path("new/orgs/", views.upload, {"kind": ImportKind.ORGS}, name="upload-orgs"),
    path("template/people.xlsx", views.template, {"kind": ImportKind.PEOPLE}, name="template-people"),
    path("template/orgs.xlsx", views.template, {"kind": ImportKind.ORGS}, name="template-orgs"),
    path("new/credits/", views.upload, {"kind": ImportKind.CREDITS}, name="upload-credits"),
    path("template/credits.xlsx", views.template, {"kind": ImportKind.CREDITS}, name="template-credits"),
    path("new/outside/", views.upload, {"kind": ImportKind.OUTSIDE}, name="upload-outside"),
    path("template/outside.xlsx", views.template, {"kind": ImportKind.OUTSIDE}, name="template-outside"),
    path("new/scores/", views.upload, {"kind": ImportKind.SCORES}, name="upload-scores"),
    path("template/scores.xlsx", views.template, {"kind": ImportKind.SCORES}, name="template-scores"),
    path("new/recognition/", views.upload, {"kind": ImportKind.RECOGNITION}, name="upload-recognition"),
    path(
        "template/recognition.xlsx",
        views.template,
        {"kind": ImportKind.RECOGNITION},
        name="template-recognition",
    ),
    path("new/budgets/", views.upload, {"kind": ImportKind.BUDGETS}, name="upload-budgets"),
    path("template/budgets.xlsx", views.template, {"kind": ImportKind.BUDGETS}, name="template-budgets"),
    path("<int:pk>/", views.job_detail, name="detail"),
    path("<int:pk>/apply/", views.job_apply, name="apply"),
    path("<int:pk>/again/", views.job_rerun, name="rerun"),
    path("<int:pk>/errors/", views.job_errors, name="errors"),
    path("<int:pk>/changes/", views.job_changes, name="changes"),
]
