from django.urls import path

from peixun.interest import views

app_name = "interest"
urlpatterns = [
    path("", views.home, name="home"),
    path("terms/new/", views.term_new, name="term-new"),
    path("terms/<int:pk>/", views.subsidy, name="subsidy"),
    path("terms/<int:pk>/subsidy.xlsx", views.subsidy_export, name="subsidy-export"),
    path("terms/<int:pk>/settings/", views.term_edit, name="term-edit"),
    path("schools/<int:pk>/", views.school_page, name="school"),
    path("schools/<int:pk>/students.xlsx", views.school_export, name="school-export"),
    path("schools/<int:pk>/students/", views.student_add, name="student-add"),
    path("schools/<int:pk>/students/import/", views.student_import, name="student-import"),
    path("schools/<int:pk>/groups/", views.group_new, name="group-new"),
    path("groups/<int:pk>/", views.group_page, name="group"),
    path("groups/<int:pk>/members.xlsx", views.group_export, name="group-export"),
    path("groups/<int:pk>/applications/", views.apply, name="apply"),
    path("groups/<int:pk>/scores/", views.scores, name="scores"),
    path("groups/<int:pk>/deliverables/", views.deliverables, name="deliverables"),
    path("groups/<int:pk>/lessons/", views.lesson_new, name="lesson-new"),
    path("groups/<int:pk>/notes/", views.note, name="note"),
    path("lessons/<int:pk>/", views.lesson, name="lesson"),
    path("files/<int:pk>/", views.file, name="file"),
]
