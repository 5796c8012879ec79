from django.urls import path

from peixun.recognition import views

app_name = "recognition"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("mine.xlsx", views.mine_export, name="mine-export"),
    path("declare/", views.declare, name="declare"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/proof/", views.proof, name="proof"),
    path("<int:pk>/correct/", views.correct, name="correct"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/review/<str:step>/", views.review, name="review"),
    path("school/", views.school, name="school"),
    path("bureau/", views.bureau, name="bureau"),
    path("review/<str:step>.xlsx", views.inbox_export, name="inbox-export"),
    path("projects/<int:pk>/rule/", views.project_rule, name="project-rule"),
]
