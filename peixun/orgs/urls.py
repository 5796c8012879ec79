from django.urls import path

from peixun.orgs import views

app_name = "orgs"
urlpatterns = [
    path("tree/", views.tree, name="tree"),
    path("tree/<int:pk>/children/", views.tree_children, name="tree-children"),
    path("people/", views.people_list, name="people"),
    path("people/export/", views.people_export, name="people-export"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("people/<int:pk>/reveal/", views.person_reveal, name="person-reveal"),
]
