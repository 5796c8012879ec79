from django.urls import path

from peixun.honours import views

app_name = "honours"
urlpatterns = [
    path("notice/", views.notices, name="notices"),
    path("notice/<int:pk>/", views.notice, name="notice"),
    path("", views.selections, name="selections"),
    path("selections/<int:pk>/", views.selection, name="selection"),
    path("selections/<int:pk>.xlsx", views.selection_export, name="selection-export"),
    path("selections/<int:pk>/quotas/", views.selection_quotas, name="selection-quotas"),
    path("selections/<int:pk>/notice/", views.selection_notice, name="selection-notice"),
    path("selections/<int:pk>/final/", views.selection_final, name="selection-final"),
    path("nominations/<int:pk>/", views.nomination, name="nomination"),
    path("nominations/<int:pk>/review/", views.nomination_review, name="nomination-review"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path("objections/<int:pk>/decide/", views.objection_decide, name="objection-decide"),
    path("school/", views.school, name="school"),
    path("school.xlsx", views.school_export, name="school-export"),
    path("school/<int:pk>/nominate/", views.nominate, name="nominate"),
    path("titles/", views.holders, name="holders"),
    path("titles.xlsx", views.holders_export, name="holders-export"),
    path("titles/<int:pk>/", views.holder, name="holder"),
    path("titles/<int:pk>/review/", views.holder_review, name="holder-review"),
    path("titles/<int:pk>/close/", views.holder_close, name="holder-close"),
    path("titles/due/", views.due, name="due"),
    path("titles/due.xlsx", views.due_export, name="due-export"),
    path("rules/", views.kinds, name="kinds"),
    path("rules/<int:pk>/", views.kind_edit, name="kind-edit"),
    path("mine/", views.mine, name="mine"),
    path("mine.xlsx", views.mine_export, name="mine-export"),
]
