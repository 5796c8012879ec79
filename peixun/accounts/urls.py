from django.urls import path

from peixun.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("security/", views.security, name="security"),
    path("security/verify/", views.two_factor, name="two-factor"),
    path("security/setup/", views.two_factor_setup, name="two-factor-setup"),
    path("security/recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("security/recovery-codes/download/", views.recovery_codes_download, name="recovery-codes-download"),
    path("users/", views.account_list, name="list"),
    path("users/<int:pk>/", views.account_detail, name="detail"),
    path("users/<int:pk>/grants/", views.account_grant, name="grant"),
    path("users/<int:pk>/grants/<int:grant_pk>/withdraw/", views.account_withdraw, name="withdraw"),
    path("users/<int:pk>/password-reset/", views.account_reset_password, name="password-reset"),
    path("users/<int:pk>/two-factor-reset/", views.account_reset_second_factor, name="two-factor-reset"),
    path("provision/", views.provision, name="provision"),
    path("teachers/", views.teachers, name="teachers"),
    path("teachers/create/", views.teachers_create, name="teachers-create"),
    path("teachers/<int:pk>/reset/", views.teachers_reset, name="teachers-reset"),
    path("activation/", views.inactive, name="inactive"),
    path("activation/reset/", views.reset_initial, name="reset-initial"),
    path("slips/<uuid:pk>/", views.slips_page, name="slips"),
    path("slips/<uuid:pk>/download/", views.slips_download, name="slips-download"),
]
