"""The product's URLs plus the benchmark's floor: a minimal view that reads one row from
the same database. Used only by the benchmark's gunicorn (bench/settings.py)."""

from django.http import JsonResponse
from django.urls import path

from municipalities.models import Municipality
from portal.urls import urlpatterns as portal_urlpatterns


def minimal(request):
    """One row from the database, through the same middleware as every page."""
    row = Municipality.objects.order_by("pk").values("code", "name").first()
    return JsonResponse(row or {})


urlpatterns = [path("bench/minimal/", minimal, name="bench-minimal"), *portal_urlpatterns]
