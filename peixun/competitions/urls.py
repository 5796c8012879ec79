from django.urls import path

from peixun.competitions import views

app_name = "competitions"
urlpatterns = [
    path("", views.competition_list, name="list"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/rules/", views.rules, name="rules"),
    path("<int:pk>/enter/", views.enter, name="enter"),
    path("<int:pk>/entries.xlsx", views.entries_export, name="entries-export"),
    path("<int:pk>/items/", views.add_item, name="add-item"),
    path("<int:pk>/exempt/", views.exempt, name="exempt"),
    path("exemptions/<int:pk>/review/<str:step>/", views.exemption_review, name="exemption-review"),
    path("exemptions/<int:pk>/evidence/", views.exemption_evidence, name="exemption-evidence"),
    path("stages/<int:pk>/", views.stage, name="stage"),
    path("stages/<int:pk>/places.xlsx", views.stage_export, name="stage-export"),
    path("stages/<int:pk>/nominate/", views.nominate, name="nominate"),
    path("stages/<int:pk>/deadline/", views.set_deadline, name="set-deadline"),
    path("stages/<int:pk>/publish/", views.publish_draw, name="publish-draw"),
    path("stages/<int:pk>/draw/", views.run_draw, name="run-draw"),
    path("stages/<int:pk>/verify/", views.verify_draw, name="verify-draw"),
    path("stages/<int:pk>/judges/", views.assign_judge, name="assign-judge"),
    path("stages/<int:pk>/results/", views.results, name="results"),
    path("stages/<int:pk>/judge/", views.judge, name="judge"),
    path("stages/<int:pk>/judge/sheet.xlsx", views.judge_sheet, name="judge-sheet"),
    path("stages/<int:pk>/judge/upload/", views.judge_upload, name="judge-upload"),
    path("stages/<int:pk>/judge/apply/", views.judge_apply, name="judge-apply"),
    path("<int:pk>/awards/", views.awards, name="awards"),
    path("<int:pk>/awards.xlsx", views.awards_export, name="awards-export"),
    path("<int:pk>/awards/action/", views.awards_action, name="awards-action"),
    path("awards/<int:pk>/object/", views.object_, name="object"),
    path("objections/<int:pk>/decide/", views.decide, name="decide"),
    path("entries/<int:pk>/disqualify/", views.disqualify, name="disqualify"),
    path("awards/<int:pk>/certificate.pdf", views.award_pdf, name="award-pdf"),
    path("awards/verify/<str:code>/", views.verify_award, name="verify-award"),
]
