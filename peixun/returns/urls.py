from django.urls import path

from peixun.returns import views

app_name = "returns"
urlpatterns = [
    path("", views.index, name="index"),
    path("return.xlsx", views.index_export, name="export"),
    path("schools/<int:pk>/", views.school_page, name="school"),
    path("schools/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("schools/<int:pk>/reopen/", views.reopen, name="reopen"),
]
