"""Pages of saved searches, follows, notifications and their settings. Thin: access.py
decides who, the services write."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import form_page

from . import access, follows, notifications, searches
from .forms import AlertSettingsForm, SavedSearchEditForm, SavedSearchForm

PAGE_SIZE = 25


def _role_required(check):
    """Anonymous visitors go to the login page, signed-in users without the role get 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


buyer_required = _role_required(access.may_save_searches)
follower_required = _role_required(
    lambda user: access.may_follow_innovations(user) or access.may_follow_challenges(user)
)


def _back(request, default):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


# --- Saved searches ---------------------------------------------------------------------------


@require_GET
@buyer_required
def search_list(request):
    rows = [
        (search, searches.describe(search.query))
        for search in request.user.saved_searches.order_by("name", "pk")
    ]
    return render(
        request,
        "alerts/searches.html",
        {"rows": rows, "max_searches": searches.MAX_SAVED_SEARCHES},
    )


@require_http_methods(["GET", "POST"])
@buyer_required
def search_create(request):
    """GET: the form for the catalogue search in the query string; POST: save it."""
    if request.method == "POST":
        form = SavedSearchForm(request.POST)
        query = request.POST.get("query", "")
    else:
        query = request.GET.urlencode()
        form = SavedSearchForm(initial={"query": query})
    described, problems = [], []
    try:
        canonical = searches.canonical_query(QueryDict(query))
        described = searches.describe(canonical)
    except ValidationError as error:
        canonical, problems = None, error.messages
        if request.method == "GET":
            # A search the catalogue cannot run: the page says why, with no form.
            return render(
                request,
                "alerts/search_form.html",
                {"form": form, "described": described, "problems": problems, "query": query},
                status=400,
            )
        form.add_error(None, problems)

    def act(form):
        search = searches.saved_search_create(
            user=request.user,
            query=QueryDict(canonical),
            name=form.cleaned_data["name"],
            frequency=form.cleaned_data["frequency"],
        )
        messages.success(request, _("Saved as “%(name)s”.") % {"name": search.name})
        return redirect("alerts:searches")

    return form_page(
        request,
        form,
        act,
        template="alerts/search_form.html",
        context={"described": described, "problems": problems, "query": query},
    )


@require_http_methods(["GET", "POST"])
@buyer_required
def search_edit(request, pk):
    search = access.own_saved_search(request.user, pk)
    form = SavedSearchEditForm(
        request.POST or None, initial={"name": search.name, "frequency": search.frequency}
    )

    def act(form):
        searches.saved_search_update(
            user=request.user,
            saved_search=search,
            name=form.cleaned_data["name"],
            frequency=form.cleaned_data["frequency"],
        )
        messages.success(request, _("Your saved search is changed."))
        return redirect("alerts:searches")

    return form_page(
        request,
        form,
        act,
        template="alerts/search_edit.html",
        context=lambda: {"search": search, "described": searches.describe(search.query)},
    )


@require_http_methods(["GET", "POST"])
@buyer_required
def search_delete(request, pk):
    """GET: ask before deleting (its feed goes with it); POST: delete."""
    search = access.own_saved_search(request.user, pk)
    if request.method == "GET":
        return render(
            request,
            "alerts/search_delete.html",
            {"search": search, "described": searches.describe(search.query)},
        )
    searches.saved_search_delete(user=request.user, saved_search=search)
    messages.success(request, _("“%(name)s” is deleted.") % {"name": search.name})
    return redirect("alerts:searches")


# --- Follows ----------------------------------------------------------------------------------


@require_GET
@follower_required
def follow_list(request):
    """The innovations and the challenges the user follows, newest first, each list in pages
    of its own (?innovations=2, ?challenges=3): paging one keeps the other's page."""
    mine = follows.follows_of(request.user)
    lists = {
        "innovations": mine.filter(innovation__isnull=False),
        "challenges": mine.filter(challenge__isnull=False),
    }
    pages = {
        name: Paginator(rows, PAGE_SIZE).get_page(request.GET.get(name))
        for name, rows in lists.items()
    }

    def keep(name):  # the other list's page, for the links of this one
        return f"{name}={pages[name].number}" if pages[name].number > 1 else ""

    return render(
        request,
        "alerts/follows.html",
        {
            **pages,
            "innovations_query": keep("challenges"),
            "challenges_query": keep("innovations"),
            # A supplier follows challenges only: no innovations section to tell it otherwise.
            "follows_innovations": access.may_follow_innovations(request.user),
        },
    )


def _target(request):
    """What a follow form names: an innovation (slug) or a challenge (id); 404 for
    anything the user may not see."""
    if request.POST.get("innovation"):
        return {"innovation": access.visible_innovation(request.POST["innovation"])}
    return {"challenge": access.visible_challenge(request.user, request.POST.get("challenge"))}


@require_POST
@login_required
def follow(request):
    target = _target(request)
    try:
        if "innovation" in target:
            _follow, created = follows.follow_innovation(user=request.user, **target)
        else:
            _follow, created = follows.follow_challenge(user=request.user, **target)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(request, "alerts:follows")
    name = target.get("innovation") or target.get("challenge")
    if created:
        messages.success(request, _("You follow “%(name)s” now.") % {"name": name})
    else:
        messages.info(request, _("You followed “%(name)s” already.") % {"name": name})
    return _back(request, "alerts:follows")


@require_POST
@login_required
def unfollow(request):
    target = _target(request)
    name = target.get("innovation") or target.get("challenge")
    if follows.unfollow(user=request.user, **target):
        messages.success(request, _("You no longer follow “%(name)s”.") % {"name": name})
    else:
        messages.info(request, _("You did not follow “%(name)s”.") % {"name": name})
    return _back(request, "alerts:follows")


# --- Notifications ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def notification_list(request):
    """GET: the user's notifications, newest first; POST: mark them all as read."""
    if request.method == "POST":
        count = notifications.notifications_mark_read(user=request.user)
        if count:
            messages.success(request, _("All notifications are marked as read."))
        return redirect("alerts:notifications")
    page = Paginator(notifications.notifications_of(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(n, notifications.message(n), notifications.link(n)) for n in page]
    return render(
        request,
        "alerts/notifications.html",
        {
            "page": page,
            "rows": rows,
            "querystring": "",
            "unread": notifications.unread_count(request.user),
            # What the empty page suggests: only what this user can follow or save.
            "may_save_searches": access.may_save_searches(request.user),
            "may_follow_challenges": access.may_follow_challenges(request.user),
        },
    )


@require_GET
@login_required
def notification_open(request, pk):
    """Mark one notification as read and go to what it is about (a link in the list;
    marking one's own notification read twice changes nothing)."""
    notification = access.own_notification(request.user, pk)
    notifications.notifications_mark_read(user=request.user, ids=[notification.pk])
    return redirect(notifications.link(notification))


@require_http_methods(["GET", "POST"])
@login_required
def alert_settings(request):
    kinds = access.notification_kinds(request.user)
    form = AlertSettingsForm(
        request.POST or None, kinds=kinds, channels=notifications.channels_for(request.user)
    )

    nothing_to_set = _("There are no notifications for your role.")

    def act(form):
        if not kinds:
            raise ValidationError(nothing_to_set)
        notifications.alert_settings_update(user=request.user, channels=form.cleaned_data)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("alerts:settings")

    return form_page(
        request,
        form,
        act,
        template="alerts/settings.html",
        invalid_message=None if kinds else nothing_to_set,
    )
