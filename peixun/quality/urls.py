from django.urls import path

from peixun.quality import compare_views, views

app_name = "quality"
urlpatterns = [
    path("trainers/", views.trainers, name="trainers"),
    path("trainers.xlsx", views.trainers_export, name="trainers-export"),
    path("trainers/add/", views.trainer_add, name="trainer-add"),
    path("trainers/<int:pk>/", views.trainer_detail, name="trainer-detail"),
    path("trainers/<int:pk>/edit/", views.trainer_edit, name="trainer-edit"),
    path("trainers/<int:pk>/review/", views.trainer_review, name="trainer-review"),
    path("projects/<int:pk>/summary/", views.summary, name="summary"),
    path("projects/<int:pk>/summary/refresh/", views.summary_generate, name="summary-generate"),
    path("projects/<int:pk>/summary/<str:name>", views.summary_file, name="summary-file"),
    path("projects/<int:pk>/archive/", views.archive, name="archive"),
    path(
        "projects/<int:pk>/archive/files/<int:file_pk>/remove/",
        views.archive_file_remove,
        name="archive-file-remove",
    ),
    path("projects/<int:pk>/archive/build/", views.archive_start, name="archive-start"),
    path("archives/<int:pk>/", views.archive_run, name="archive-run"),
    path("archives/<int:pk>/download/", views.archive_download, name="archive-download"),
    path("archives/<int:pk>/again/", views.archive_rerun, name="archive-rerun"),
    path("comparisons/", compare_views.index, name="comparisons"),
    path("comparisons/projects/<int:pk>/", compare_views.project, name="comparison-project"),
    path("comparisons/schools/", compare_views.schools, name="comparison-schools"),
    path("comparisons/plan/", compare_views.plan, name="comparison-plan"),
]
