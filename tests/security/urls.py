"""The portal's URLs plus one view that fails, for the 500 page test."""

from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def fail(request):
    raise RuntimeError("a bug")


urlpatterns = [path("fail/", fail), *portal_urlpatterns]
