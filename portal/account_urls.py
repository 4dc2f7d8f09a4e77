from django.contrib.auth import views as auth_views
from django.urls import path

from . import signup_views, views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("register/", signup_views.signup, name="signup"),
    path("register/buyer/", signup_views.buyer_signup, name="buyer_signup"),
    path("register/sent/", signup_views.signup_sent, name="signup_sent"),
    path("confirm/<str:token>/", signup_views.signup_confirm_view, name="signup_confirm"),
    path("role/buyer/", views.buyer_request, name="buyer_request"),
    path("role/supplier/", views.supplier_register, name="supplier_register"),
    # Own templates: the registration/password_change_* names belong to the admin site.
    path(
        "password/",
        views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/changed/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("token/revoke/", views.token_revoke, name="token_revoke"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
