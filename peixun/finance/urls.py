from django.urls import path

from peixun.finance import views

app_name = "finance"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("schools.xlsx", views.overview_export, name="overview-export"),
    path("schools/<int:pk>/", views.school_page, name="school"),
    path("schools/<int:pk>/statements/", views.statement_new, name="statement-new"),
    path("schools/<int:pk>/budget/", views.budget_save, name="budget"),
    path("schools/<int:pk>/spending/", views.spending_add, name="spending"),
    path("statements/<int:pk>/", views.statement, name="statement"),
    path("statements/<int:pk>.xlsx", views.statement_export, name="statement-export"),
    path("statements/<int:pk>.pdf", views.statement_pdf, name="statement-pdf"),
    path("statements/<int:pk>/payments/", views.payment, name="payment"),
    path("report/", views.report, name="report"),
    path("report.xlsx", views.report_export, name="report-export"),
    path("subsidies/", views.subsidy_list, name="subsidies"),
    path("subsidies.xlsx", views.subsidy_export, name="subsidies-export"),
    path("subsidies/generate/", views.subsidy_generate, name="subsidies-generate"),
    path("subsidies/paid/", views.subsidy_paid, name="subsidies-paid"),
    path("rules/", views.year_rules, name="year"),
]
