from django.urls import path

from peixun.certificates import views

app_name = "certificates"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("archive/", views.my_archive, name="archive"),
    path("archive.pdf", views.my_archive_pdf, name="archive-pdf"),
    path("archive.xlsx", views.my_archive_xlsx, name="archive-xlsx"),
    path("people/<int:pk>/archive/", views.person_archive, name="person-archive"),
    path("people/<int:pk>/appraisal.xlsx", views.person_appraisal_xlsx, name="person-appraisal-xlsx"),
    path("orgs/<int:pk>/appraisal.xlsx", views.org_appraisal_xlsx, name="org-appraisal-xlsx"),
    path("people/<int:pk>/archive.pdf", views.person_archive_pdf, name="person-archive-pdf"),
    path("people/<int:pk>/archive.xlsx", views.person_archive_xlsx, name="person-archive-xlsx"),
    path("projects/<int:pk>/", views.project_certificates, name="project"),
    path("projects/<int:pk>/issue/", views.batch_start, name="batch-start"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("batches/<int:pk>/again/", views.batch_rerun, name="batch-rerun"),
    path("projects/<int:pk>/file/", views.bundle_start, name="bundle-start"),
    path("files/<int:pk>/", views.bundle_detail, name="bundle"),
    path("files/<int:pk>/certificates.pdf", views.bundle_pdf, name="bundle-pdf"),
    path("files/<int:pk>/again/", views.bundle_rerun, name="bundle-rerun"),
    path("templates/", views.templates, name="templates"),
    path("templates/new/", views.template_create, name="template-create"),
    path("templates/<int:pk>/", views.template_edit, name="template"),
    path("templates/<int:pk>/preview.pdf", views.template_preview, name="template-preview"),
    path("<int:pk>/", views.certificate_detail, name="detail"),
    path("<int:pk>/certificate.pdf", views.certificate_pdf, name="pdf"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
    path("verify/", views.lookup, name="lookup"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
