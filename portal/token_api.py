"""POST /api/v1/auth/token: a token for `Authorization: Token …`."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import ScopedRateThrottle

from .parsers import JSONParser

# A username is at most 150 characters (Django's User); checked before authenticate(), so
# that an over-long one never reaches the login protection's failed-login record.
USERNAME_MAX_LENGTH = 150


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=USERNAME_MAX_LENGTH)
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenCredentialsSerializer(AuthTokenSerializer):
    username = serializers.CharField(
        label=_("Username"), write_only=True, max_length=USERNAME_MAX_LENGTH
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


@extend_schema(
    request=TokenRequestSerializer,
    responses={
        200: TokenResponseSerializer,
        400: OpenApiResponse(description="A missing field, or a wrong username or password."),
    },
    tags=["auth"],
)
class TokenView(ObtainAuthToken):
    """POST {username, password} → {"token": …}; send it as `Authorization: Token …`.

    Its own, strict throttle (scope `token`, per client address) slows down password
    guessing, and failures count towards the login lockout (django-axes); no
    authentication, so neither a stale token nor a session's CSRF check stands in the way."""

    authentication_classes: list = []
    serializer_class = TokenCredentialsSerializer
    # JSON only, as every other write: a form body too would give generated clients two
    # request bodies for one operation (openapi-python-client's would not import).
    parser_classes = [JSONParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    def get_serializer_context(self):
        # authenticate() gets Django's request, so that django-axes counts the failures here
        # too and its middleware answers a locked-out username + address with a JSON 429.
        return {**super().get_serializer_context(), "request": self.request._request}
