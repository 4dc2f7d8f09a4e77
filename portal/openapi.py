"""The API's schema generator (settings: DEFAULT_SCHEMA_CLASS). Its own module, because
REST framework imports it while it loads its settings: it must not import views."""

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions, serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in the caller's language.")


class FieldErrorsSerializer(serializers.Serializer):
    """A 400's body: each field with its messages (a nested object for nested input such
    as the review scores), `detail` for messages about no single field. Its schema is
    FieldErrorsExtension's: the fields vary with the operation."""


class FieldErrorsExtension(OpenApiSerializerExtension):
    target_class = FieldErrorsSerializer

    def get_name(self, auto_schema, direction):
        return "FieldErrors"

    def map_serializer(self, auto_schema, direction):
        return {
            "type": "object",
            "description": 'Field errors, e.g. `{"title": ["This field is required."]}`; '
            "`detail` holds messages about no single field.",
            "properties": {"detail": {"type": "string"}},
            "additionalProperties": {
                "oneOf": [
                    {"type": "array", "items": {"type": "string"}},
                    {"type": "object"},
                ]
            },
        }


_PUBLIC = (permissions.AllowAny, permissions.IsAuthenticatedOrReadOnly)
_SAFE = ("GET", "HEAD", "OPTIONS")


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, plus every error status an operation can answer, each with
    the error body (an explicit `OpenApiResponse` in a view keeps its description):

    400 invalid input or filter values, or an address or query that is not text (see
    portal.middleware; so every operation can answer it); 415 a body that is not JSON;
    401 no or a bad token (on any endpoint that takes one); 403 signed in without the
    right, or a write without a CSRF token on a session;
    404 a path that names nothing visible, or a page past the end; 429 throttled."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        statuses = self._error_statuses(operation)
        # Errors a view declares itself (409 for a transition, say) get the error body too.
        statuses.update({code: "" for code in responses if code >= "400" and code not in statuses})
        for code, description in statuses.items():
            explicit = responses.get(code)
            if explicit is not None and "content" in explicit:
                continue
            if explicit is not None:
                description = explicit["description"] or description
            body = FieldErrorsSerializer if code == "400" else ErrorSerializer
            responses[code] = self._get_response_for_code(
                OpenApiResponse(body, description=description), code
            )
        if "401" in responses and self.view.get_authenticators():
            responses["401"]["headers"] = {
                "WWW-Authenticate": {
                    "schema": {"type": "string"},
                    "description": "`Token`: how to authenticate.",
                }
            }
        responses["429"]["headers"] = {
            "Retry-After": {
                "schema": {"type": "integer"},
                "description": "Seconds to wait before the next request.",
            }
        }
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _error_statuses(self, operation) -> dict[str, str]:
        parameters = operation.get("parameters", [])
        takes_input = "requestBody" in operation or any(
            p["in"] == "query" and p["name"] not in ("page", "page_size") for p in parameters
        )
        public = all(isinstance(p, _PUBLIC) for p in self.view.get_permissions())
        statuses = {}
        if takes_input:
            statuses["400"] = "Invalid input: each field with its messages."
        else:
            statuses["400"] = "An address or query that is not text (e.g. a NUL character)."
        if "requestBody" in operation:
            statuses["415"] = "A body that is not JSON."
        if self.view.get_authenticators():
            statuses["401"] = (
                "An invalid token (anonymous callers need none)."
                if public and self.method in _SAFE
                else "Not signed in, or an invalid token."
            )
            if self.method not in _SAFE or not public:
                statuses["403"] = "Signed in, but not allowed to do this."
        if any(p["in"] == "path" for p in parameters):
            statuses["404"] = "Not found, or not visible to the caller."
        elif any(p["name"] == "page" for p in parameters):
            statuses["404"] = "A page past the end (`Invalid page.`)."
        statuses["429"] = "Too many requests; see Retry-After."
        return statuses
