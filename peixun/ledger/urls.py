from django.urls import path

from peixun.ledger import views

app_name = "ledger"
urlpatterns = [
    path("", views.my_hours, name="mine"),
    path("transcript.xlsx", views.my_transcript, name="mine-transcript"),
    path("people/<int:pk>/", views.person_hours, name="person"),
    path("people/<int:pk>/transcript.xlsx", views.person_transcript, name="person-transcript"),
    path("people/<int:pk>/grant/", views.grant, name="grant"),
    path("entries/<int:pk>/reverse/", views.reverse_entry, name="reverse"),
    path("compliance/", views.compliance_report, name="compliance"),
    path("compliance/export.xlsx", views.compliance_export, name="compliance-export"),
    path("compliance/recompute/", views.recompute, name="recompute"),
    path("compliance/recompute/<int:pk>/", views.recompute_run, name="recompute-run"),
    path("compliance/recompute/<int:pk>/again/", views.recompute_rerun, name="recompute-rerun"),
    path("what-if/versions/<int:pk>/", views.what_if_start, name="what-if-start"),
    path("what-if/<int:pk>/", views.what_if_run, name="what-if"),
    path("what-if/<int:pk>/again/", views.what_if_rerun, name="what-if-rerun"),
    path("what-if/<int:pk>/export/", views.what_if_export, name="what-if-export"),
]
