"""drf-spectacular's settings (settings.SPECTACULAR_SETTINGS): what the OpenAPI document
of /api/v1/ says about itself, and one name per choice set."""

from .env import env_str

OPENAPI = {
    "TITLE": "Koploper API",
    "DESCRIPTION": "Open API of the Koploper portal: vetted innovations, municipalities, "
    "adoptions, challenges and the Koplopergemeenten leaderboard.",
    # Semantic versioning; every answer carries it in `API-Version` (docs/api-changelog.md).
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "CONTACT": {
        "name": env_str("API_CONTACT_NAME", "Koploper"),
        "url": env_str("API_CONTACT_URL", "https://koploper.example.nl/"),
        "email": env_str("API_CONTACT_EMAIL", "api@koploper.example.nl"),
    },
    "SERVERS": [{"url": "/api/v1", "description": "This portal"}],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SCHEMA_PATH_PREFIX_TRIM": True,
    "POSTPROCESSING_HOOKS": ["portal.openapi_postprocess.postprocess"],
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set: several serializers have a `status`, `decision` or
    # `domains` field with different choices, which would otherwise get hashed names.
    "ENUM_NAME_OVERRIDES": {
        "DomainEnum": "innovations.enums.Domain",
        "InnovationStatusEnum": "innovations.enums.Status",
        "ReviewDecisionEnum": "innovations.enums.Decision",
        "SupplierSizeEnum": "innovations.enums.SupplierSize",
        "ChallengeStatusEnum": "municipalities.enums.ChallengeStatus",
        "ResponseStatusEnum": "municipalities.enums.ResponseStatus",
        "VerificationEnum": "municipalities.enums.Verification",
        "QuestionStatusEnum": "procurement.enums.QuestionStatus",
        "ValueBandEnum": "procurement.enums.ValueBand",
        "CountryEnum": "core.countries.Country",
        "NotificationKindEnum": "alerts.enums.Kind",
        "NotificationChannelEnum": "alerts.enums.Channel",
        "DigestFrequencyEnum": "alerts.enums.Frequency",
    },
    "COMPONENT_SPLIT_REQUEST": True,
}
