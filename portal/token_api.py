"""POST /api/v1/auth/token: a token for `Authorization: Token …`; DELETE revokes it."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle

from . import tokens
from .forms import EMAIL_MAX_LENGTH
from .parsers import JSONParser

# `username` takes a username (at most 150 characters, Django's User) or an e-mail address
# (at most EMAIL_MAX_LENGTH, as the login page; portal.backends finds the account by either).
# Checked before authenticate(), so that an over-long one never reaches the login
# protection's failed-login record.
USERNAME_MAX_LENGTH = EMAIL_MAX_LENGTH
USERNAME_HELP = _("Your username or e-mail address, as on the login page.")


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=USERNAME_MAX_LENGTH, help_text=USERNAME_HELP)
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenCredentialsSerializer(AuthTokenSerializer):
    username = serializers.CharField(
        label=_("Username or e-mail address"),
        help_text=USERNAME_HELP,
        write_only=True,
        max_length=USERNAME_MAX_LENGTH,
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires = serializers.DateTimeField(help_text=_("When the token stops working."))


@extend_schema_view(
    post=extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(
                description="A missing field, or a wrong username, e-mail address or password."
            ),
        },
        tags=["auth"],
        description="A token for `Authorization: Token …`, for a `username` that is the "
        "account's username or its e-mail address (as on the login page) and its `password`: "
        "the current one while it is valid, else a new one. It expires after API_TOKEN_DAYS "
        "(30 by default), and ends on a password change or reset and with DELETE.",
    ),
    delete=extend_schema(
        request=None,
        responses={204: OpenApiResponse(description="The token is revoked.")},
        tags=["auth"],
        description="Revoke the caller's token (signed in with it, or with a session).",
    ),
)
class TokenView(ObtainAuthToken):
    """POST {username, password} → {"token", "expires"}, `username` being the username or the
    e-mail address; send the token as `Authorization: Token …`.
    DELETE revokes it (portal.tokens has the lifecycle).

    POST has its own, strict throttle (scope `token`, per client address) that slows down
    password guessing, and failures count towards the login lockout (django-axes); no
    authentication, so neither a stale token nor a session's CSRF check stands in the way."""

    serializer_class = TokenCredentialsSerializer
    unprocessable = False  # no 422: wrong credentials are a 400 (portal.openapi)
    # JSON only, as every other write: a form body too would give generated clients two
    # request bodies for one operation (openapi-python-client's would not import).
    parser_classes = [JSONParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    def _deleting(self) -> bool:
        # The schema generator asks before it has set a request.
        return getattr(getattr(self, "request", None), "method", None) == "DELETE"

    def get_authenticators(self):
        if self._deleting():
            return [auth() for auth in api_settings.DEFAULT_AUTHENTICATION_CLASSES]
        return []

    def get_permissions(self):
        if self._deleting():
            return [permissions.IsAuthenticated()]
        return [permissions.AllowAny()]

    def get_serializer_context(self):
        # authenticate() gets Django's request, so that django-axes counts the failures here
        # too and its middleware answers a locked-out username + address with a JSON 429.
        return {**super().get_serializer_context(), "request": self.request._request}

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = tokens.issue(serializer.validated_data["user"], request)
        return Response({"token": token.key, "expires": tokens.expires_at(token)})

    def delete(self, request, *args, **kwargs):
        tokens.revoke(request.user, tokens.API_DELETE, request)
        return Response(status=status.HTTP_204_NO_CONTENT)
