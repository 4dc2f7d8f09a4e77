"""Small helpers that list pages share."""

from django.http import HttpRequest


def querystring_without_page(request: HttpRequest) -> str:
    """The request's query string without `page`: what pagination links add their page to,
    so that the filters stay."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
