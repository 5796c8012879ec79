from django.urls import path

from peixun.policies import views

app_name = "policies"
urlpatterns = [
    path("", views.policy_list, name="list"),
    path("new/", views.policy_create, name="create"),
    path("preview/", views.preview, name="preview"),
    path("presets/<slug:code>/", views.preset_detail, name="preset"),
    path("<int:pk>/", views.policy_detail, name="detail"),
    path("<int:pk>/new-draft/", views.new_draft, name="new-draft"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("versions/<int:pk>/edit/", views.version_edit, name="version-edit"),
    path("versions/<int:pk>/adopt/", views.version_adopt, name="adopt"),
    path("versions/<int:pk>/export.yaml", views.version_export, name="export"),
]
