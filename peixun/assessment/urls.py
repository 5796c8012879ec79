from django.urls import path

from peixun.assessment import views

app_name = "assessment"
urlpatterns = [
    path("projects/<int:pk>/", views.results, name="results"),
    path("projects/<int:pk>/results.xlsx", views.results_export, name="results-export"),
    path("projects/<int:pk>/recompute/", views.recompute, name="recompute"),
    path("projects/<int:pk>/scheme/", views.scheme, name="scheme"),
    path("projects/<int:pk>/scheme/preview/", views.scheme_preview, name="scheme-preview"),
    path("projects/<int:pk>/scheme.yaml", views.scheme_export, name="scheme-export"),
    path("projects/<int:pk>/scheme/import/", views.scheme_import, name="scheme-import"),
    path("projects/<int:pk>/excellence/", views.excellence, name="excellence"),
    path("projects/<int:pk>/notice/", views.notice, name="notice"),
    path("projects/<int:pk>/objections/", views.objection_create, name="objection-create"),
    path("objections/<int:pk>/decide/", views.objection_decide, name="objection-decide"),
    path("enrolments/<int:pk>/score/", views.manual_score, name="manual-score"),
    path("enrolments/<int:pk>/result/", views.result_detail, name="result"),
    path("classes/<int:pk>/tutor-score/", views.tutor_score, name="tutor-score"),
    path("classes/<int:pk>/scores.xlsx", views.scores_template, name="scores-template"),
    path("ethics/", views.vetoes, name="vetoes"),
    path("ethics/<int:pk>/lift/", views.veto_lift, name="veto-lift"),
]
