from django.urls import include, path
from django.views.i18n import set_language

from peixun.api.api import api

urlpatterns = [
    path("", include("peixun.site.urls")),
    path("accounts/", include("peixun.accounts.urls")),
    path("orgs/", include("peixun.orgs.urls")),
    path("imports/", include("peixun.imports.urls")),
    path("hours/", include("peixun.ledger.urls")),
    path("policies/", include("peixun.policies.urls")),
    path("training/", include("peixun.training.urls")),
    path("school-based/", include("peixun.schoolbased.urls")),
    path("participation/", include("peixun.participation.urls")),
    path("delivery/", include("peixun.delivery.urls")),
    path("recognition/", include("peixun.recognition.urls")),
    path("surveys/", include("peixun.surveys.urls")),
    path("assessment/", include("peixun.assessment.urls")),
    path("certificates/", include("peixun.certificates.urls")),
    path("records/", include("peixun.records.urls")),
    path("competitions/", include("peixun.competitions.urls")),
    path("honours/", include("peixun.honours.urls")),
    path("finance/", include("peixun.finance.urls")),
    path("returns/", include("peixun.returns.urls")),
    path("interest/", include("peixun.interest.urls")),
    path("quality/", include("peixun.quality.urls")),
    path("api/v1/", api.urls),
    path("api-keys/", include("peixun.api.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
]
