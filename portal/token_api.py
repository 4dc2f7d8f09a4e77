"""POST /api/v1/auth/token/: a token for `Authorization: Token …`."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import parsers, serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import ScopedRateThrottle

from .parsers import JSONParser


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


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
    parser_classes = [JSONParser, parsers.FormParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    def get_serializer_context(self):
        # authenticate() gets Django's request, so that django-axes counts the failures here
        # too and its middleware answers a locked-out username + address with a JSON 429.
        return {**super().get_serializer_context(), "request": self.request._request}
