"""What every list of the API shares: strict paging and the RFC 8288 `Link` header (REST
framework imports this module while it loads its settings, so it imports no views: the
token view is portal.token_api, the schema generator portal.openapi, the errors
portal.problems).

Lists answer `{"count", "next", "previous", "results"}` and a `Link` header with the
first, prev, next and last pages. `page` and `pageSize` (1–100, default 25) must be whole
numbers in range: anything else (`0`, `-3`, `abc`, `null`, empty) is a 400; a page past
the end is a 404."""

from django.core.paginator import InvalidPage
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.utils.urls import remove_query_param, replace_query_param

from .problems import Conflict, exception_handler, problem_response

__all__ = ["Conflict", "Pagination", "exception_handler", "not_found"]

MAX_PAGE_SIZE = 100


def _whole_number(request, name: str, public: str, maximum: int | None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= (maximum or int(raw)):
        message = (
            _("Give a whole number from 1 to %(maximum)s.") % {"maximum": maximum}
            if maximum
            else _("Give a whole number from 1.")
        )
        raise exceptions.ValidationError({public: [message]})
    return int(raw)


class Pagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        size = _whole_number(request, self.page_size_query_param, "pageSize", MAX_PAGE_SIZE)
        return size or self.page_size

    def paginate_queryset(self, queryset, request, view=None):
        number = _whole_number(request, self.page_query_param, "page", None) or 1
        page_size = self.get_page_size(request)
        paginator = self.django_paginator_class(queryset, page_size)
        try:
            self.page = paginator.page(number)
        except InvalidPage:
            raise exceptions.NotFound(self.invalid_page_message) from None
        self.request = request
        return list(self.page)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response["Link"] = self.link_header()
        return response

    def link_header(self) -> str:
        """RFC 8288: first, prev, next and last (prev and next only where they exist)."""
        url = self.request.build_absolute_uri()
        last = self.page.paginator.num_pages
        links = [("first", remove_query_param(url, self.page_query_param))]
        if self.page.has_previous():
            links.append(("prev", self.get_previous_link()))
        if self.page.has_next():
            links.append(("next", self.get_next_link()))
        links.append(
            (
                "last",
                replace_query_param(url, self.page_query_param, last)
                if last > 1
                else remove_query_param(url, self.page_query_param),
            )
        )
        return ", ".join(f'<{target}>; rel="{rel}"' for rel, target in links)

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count"]["minimum"] = 0
        # OpenAPI 3.1: null as a type (REST framework's `nullable` is OpenAPI 3.0's); the
        # links are always there, null on the first or last page.
        for link in ("next", "previous"):
            schema["properties"][link].pop("nullable", None)
            schema["properties"][link]["type"] = ["string", "null"]
            page = 4 if link == "next" else 2
            schema["properties"][link]["example"] = (
                f"https://koploper.example.nl/api/v1/innovations?page={page}"
            )
        schema["required"] = ["count", "next", "previous", "results"]
        return schema

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "A page number (default 1); past the last page: 404.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Results per page (default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any other path under /api/ (a trailing slash included): the API's 404 as a problem,
    not the site's HTML page. Exempt from the CSRF check, like the API's views: a POST to a
    wrong path is a 404 too, not the site's HTML 403 (there is nothing here to protect)."""
    return problem_response(request, 404, str(exceptions.NotFound.default_detail))
