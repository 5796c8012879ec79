from django.urls import path

from peixun.records import views

app_name = "records"
urlpatterns = [
    path("", views.teachers, name="teachers"),
    path("mine/", views.mine, name="mine"),
    path("people/<int:pk>/", views.person, name="person"),
    path("due/", views.due, name="due"),
    path("due.xlsx", views.due_export, name="due-export"),
    path("head-teachers/", views.head_teachers, name="head-teachers"),
    path("head-teachers.xlsx", views.head_teachers_export, name="head-teachers-export"),
    path("degrees/", views.degrees, name="degrees"),
    path("degrees.xlsx", views.degrees_export, name="degrees-export"),
    path("orgs/<int:pk>/rural/", views.rural, name="rural"),
    path("settings/", views.settings, name="settings"),
]
