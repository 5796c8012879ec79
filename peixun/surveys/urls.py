from django.urls import path

from peixun.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("surveys.xlsx", views.list_export, name="list-export"),
    path("mine/", views.mine, name="mine"),
    path("templates/", views.templates, name="templates"),
    path("templates/new/", views.template_new, name="template-new"),
    path("templates/<int:pk>/", views.template_edit, name="template-edit"),
    path("projects/<int:pk>/open/", views.open_survey, name="open"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/results.xlsx", views.export, name="export"),
    path("<int:pk>/remind/", views.remind, name="remind"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("eligibility/", views.eligibility, name="eligibility"),
]
