"""Data versions for caches, and the cache of whole pages for anonymous visitors.

A cached read is stored under a key that contains the version of the data it was made
from. The services that change that data bump the version after their transaction
commits, so the next read misses and is made afresh; stale entries are never read again
and simply expire. With Redis every web and worker process shares the versions; with the
embedded local-memory cache each process has its own versions, so a change made by another
process (a management command) cannot bump them: data with a cheap database read of its
state (`source`, e.g. the published ranking run's id) then takes that state as its version,
read again at most every `SOURCE_SECONDS` (data_version()).

Writes that bypass the services (the Django admin, a shell) do not bump a version: the
cached reads therefore also expire after `PAGE_SECONDS`, which bounds how stale they can be."""

import functools
import hashlib
import time
from collections.abc import Callable, Iterable

from django.contrib import messages
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.http import urlencode

# What the public catalogue shows: approved innovations, their suppliers and domains, and
# the verified adoptions behind the adoption counts and the "in use" facets.
CATALOGUE = "catalogue"
# The published ranking board: bumped when a run is published.
RANKING = "ranking"

PAGE_SECONDS = 10 * 60
# With a cache of this process only: how long a version read from the data's `source` holds.
SOURCE_SECONDS = 5
_VERSION_KEY = "data-version:{}"
_SOURCE_KEY = "data-source-version:{}"


def shared_cache() -> bool:
    """Do all processes (web, workers, management commands) see the same cache? Not with
    the embedded local-memory cache (nor without a cache)."""
    return not isinstance(caches["default"], LocMemCache | DummyCache)


def data_version(name: str, *, source: Callable[[], object] | None = None) -> int | str:
    """The current version of the data called `name`: one cache read.

    `source`: a cheap read of the data's state in the database (the published run's id).
    With a cache that is not shared, where another process's bump never arrives, that state
    is the version instead, read again at most every SOURCE_SECONDS (bumps made in this
    process take effect at once)."""
    if source is not None and not shared_cache():
        key = _SOURCE_KEY.format(name)
        version = cache.get(key)
        if version is None:
            version = f"source-{source()}"
            cache.set(key, version, SOURCE_SECONDS)
        return version
    key = _VERSION_KEY.format(name)
    version = cache.get(key)
    if version is None:
        # Started from the clock, not from 1: if the cache evicts the version but keeps
        # entries made under it, a new version cannot collide with them.
        cache.add(key, time.time_ns(), timeout=None)
        version = cache.get(key, 0)
    return version


def bump_data_version(name: str) -> None:
    """Mark the data called `name` as changed, once the current transaction commits (so
    that no read of the old data can be cached under the new version)."""

    def bump():
        cache.delete(_SOURCE_KEY.format(name))
        key = _VERSION_KEY.format(name)
        try:
            cache.incr(key)
        except ValueError:  # not in the cache (never read, or evicted)
            cache.add(key, time.time_ns(), timeout=None)

    transaction.on_commit(bump)


class CachedCountPaginator(Paginator):
    """A Paginator that keeps the count of its (filtered) list in the cache under
    `count_key`, which must contain the data version: counting a large filtered set
    costs more than fetching one page of it."""

    def __init__(self, object_list, per_page, *, count_key: str, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_key = count_key

    @functools.cached_property
    def count(self) -> int:
        count = cache.get(self.count_key)
        if count is None:
            count = Paginator.count.func(self)
            cache.set(self.count_key, count, PAGE_SECONDS)
        return count


def _cacheable_request(request: HttpRequest) -> bool:
    # No session and no pending messages: the page cannot contain anything of this visitor.
    return (
        request.method in ("GET", "HEAD")
        and not request.COOKIES.get("sessionid")
        and not request.COOKIES.get("messages")
        and not request.user.is_authenticated
    )


def _cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not getattr(response, "streaming", False)
        and not response.cookies
        # The page used a CSRF token (a form that posts): it belongs to this visitor.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not request.META.get("CSRF_COOKIE_USED")
        # Messages added while rendering (an ignored filter value) stay uncached, so that
        # a page never shows a message that was meant for someone else.
        and len(messages.get_messages(request)) == 0
    )


def known_query(request: HttpRequest, params: Iterable[str]) -> str:
    """The request's query string with only the parameters `params`, in a fixed order: what
    a cache key may hold. Anything else (`?utm_x=…`, a typo) must neither make a new cache
    entry nor reach a cached page."""
    return urlencode(
        [(name, value) for name in sorted(set(params)) for value in request.GET.getlist(name)]
    )


def has_unknown_params(request: HttpRequest, params: Iterable[str]) -> bool:
    return not set(request.GET).issubset(params)


def anonymous_page_cache(version: Callable[[HttpRequest], object], *, params: Iterable[str]):
    """Serve a view's whole response to anonymous visitors from the cache.

    The key holds the path, the language, the values of the known query parameters
    `params` only, and `version(request)` (for example a data version, or the id of the
    published ranking run); a new version makes new keys. A request with other parameters
    is served the cached page of its known ones, and its own rendering (which may echo the
    unknown ones in links) is never stored: random parameters cannot fill the cache.
    Signed-in users, visitors with a session and responses that set cookies or carry
    messages always get a freshly rendered page."""
    params = frozenset(params)

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            query = hashlib.sha256(known_query(request, params).encode()).hexdigest()
            key = (
                f"page:{request.path}:{translation.get_language()}:{version(request)}:{query[:32]}"
            )
            cached = cache.get(key)
            if cached is not None:
                content, headers = cached
                return HttpResponse(content, headers=headers)
            response = view(request, *args, **kwargs)
            if not has_unknown_params(request, params) and _cacheable_response(request, response):
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
                cache.set(key, (response.content, dict(response.items())), PAGE_SECONDS)
            return response

        return wrapped

    return decorator
