from django.urls import path

from peixun.participation import views

app_name = "participation"
urlpatterns = [
    path("", views.daily, name="daily"),
    path("export.xlsx", views.daily_export, name="daily-export"),
]
