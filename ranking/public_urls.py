"""Language-neutral ranking URLs (the embeddable badge), outside the /nl/ and /en/ prefixes."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
