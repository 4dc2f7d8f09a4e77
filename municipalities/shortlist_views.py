"""Pages of a buyer's shortlist: the list, add and remove, and compare."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from innovations.models import Innovation

from . import shortlists

PAGE_SIZE = 25


def buyer_required(view):
    """Anonymous visitors go to the login page; signed-in users who are not an approved
    buyer get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not shortlists.may_shortlist(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _back(request, default: str = "municipalities:shortlist"):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def _posted_innovation(request) -> Innovation:
    # Any innovation that exists; shortlist_add refuses unpublished ones with a message.
    return get_object_or_404(Innovation, slug=request.POST.get("innovation", ""))


@require_GET
@buyer_required
def shortlist_page(request):
    """The buyer's private shortlist, with the choice of innovations to compare."""
    page = Paginator(shortlists.shortlist_innovations(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "municipalities/shortlist.html",
        {"page": page, "querystring": "", "max_compare": shortlists.MAX_COMPARE},
    )


@require_POST
@buyer_required
def shortlist_add(request):
    innovation = _posted_innovation(request)
    try:
        added = shortlists.shortlist_add(user=request.user, innovation=innovation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(request)
    if added:
        messages.success(
            request, _("“%(title)s” is on your shortlist now.") % {"title": innovation.title}
        )
    else:
        messages.info(
            request, _("“%(title)s” was on your shortlist already.") % {"title": innovation.title}
        )
    return _back(request)


@require_POST
@buyer_required
def shortlist_remove(request):
    innovation = _posted_innovation(request)
    if shortlists.shortlist_remove(user=request.user, innovation=innovation):
        messages.success(
            request,
            _("“%(title)s” is no longer on your shortlist.") % {"title": innovation.title},
        )
    else:
        messages.info(
            request, _("“%(title)s” was not on your shortlist.") % {"title": innovation.title}
        )
    return _back(request)


@require_GET
@buyer_required
def compare_page(request):
    """Two to four shortlisted innovations side by side (?innovation=slug, repeated)."""
    try:
        innovations = shortlists.compare_innovations(
            request.user, request.GET.getlist("innovation")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("municipalities:shortlist")
    return render(request, "municipalities/shortlist_compare.html", {"innovations": innovations})
