"""What works without logging in: the one-click unsubscribe of a mail and the Atom feed
of a saved search."""

from django.contrib.syndication.views import Feed
from django.db.models import F
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from innovations import catalogue

from . import notifications, searches, unsubscribe
from .models import SavedSearch

FEED_SIZE = 20


@csrf_exempt  # RFC 8058: the mail program POSTs without a session; the signature is the key
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request, token):
    """GET: what the link stops, with a button; POST (the button, or the mail program's
    one-click "List-Unsubscribe=One-Click"): stop it. A link that is damaged, forged or
    expired gets a page that says so, with status 400, and changes nothing."""
    try:
        what, target = unsubscribe.read(token)
    except unsubscribe.InvalidLink as error:
        return render(
            request, "alerts/unsubscribe_invalid.html", {"expired": error.expired}, status=400
        )
    done = None
    if request.method == "POST":
        if what == unsubscribe.SEARCH:
            searches.saved_search_unsubscribe(saved_search=target)
        else:
            notifications.mails_off(user_id=target)
        done = True
    return render(
        request,
        "alerts/unsubscribe.html",
        {
            "what": what,
            "search": target if what == unsubscribe.SEARCH else None,
            "described": searches.describe(target.query) if what == unsubscribe.SEARCH else [],
            "done": done,
        },
    )


class SavedSearchFeed(Feed):
    """The newest innovations a saved search finds, as Atom. Its address is its only
    key; it names the filters, never the person who saved them."""

    feed_type = Atom1Feed

    def get_object(self, request, feed_id):
        search = SavedSearch.objects.filter(feed_id=str(feed_id)[:32]).first()
        if search is None:
            raise Http404
        return search

    def title(self, search):
        described = "; ".join(
            f"{label}: {value}" for label, value in searches.describe(search.query)
        )
        return _("Koploper: new innovations for %(search)s") % {
            "search": described or _("all innovations")
        }

    def link(self, search):
        url = reverse("innovations:catalogue")
        return f"{url}?{search.query}" if search.query else url

    def subtitle(self, search):
        return _(
            "Vetted innovations in the Koploper catalogue that this search finds, newest first."
        )

    def feed_url(self, search):
        return reverse("alerts:feed", args=[search.feed_id])

    def items(self, search):
        return catalogue.for_display(searches.matching(search)).order_by(
            F("published_at").desc(nulls_last=True), "-pk"
        )[:FEED_SIZE]

    def item_title(self, innovation):
        return innovation.title

    def item_description(self, innovation):
        return innovation.summary

    def item_link(self, innovation):
        return reverse("innovations:detail", args=[innovation.slug])

    def item_pubdate(self, innovation):
        return innovation.published_at

    def item_updateddate(self, innovation):
        return innovation.updated_at

    def item_author_name(self, innovation):
        return innovation.supplier.name  # an organisation, not a person

    def item_categories(self, innovation):
        return [domain.code for domain in innovation.domains.all()]
