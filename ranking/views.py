"""Public pages of the ranking: leaderboard, scorecard, map, badge and open data.

A published run never changes, so everything rendered from it is cached under a key
that contains the run's id: a new board gets new keys, and old ones simply expire."""

import csv

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition

from core import caching
from core.caching import anonymous_page_cache
from core.open_data import neutralise
from municipalities.models import Municipality

from . import graphics, maps, movement, selectors
from .forms import BoardFilterForm

PAGE_SIZE = 50
SCORECARD_ROWS = 50
CACHE_SECONDS = 24 * 60 * 60
CC0_URL = "https://creativecommons.org/publicdomain/zero/1.0/"


def _board_version(request) -> int:
    # The version of the published board (core.caching), bumped when a run is published:
    # one read from the cache that holds the page too, where the current run's id was a
    # database query on every cached page served (docs/performance.md). With the embedded
    # local-memory cache a board published by another process (`manage.py
    # ranking_recompute`) cannot bump it here: then the version is the current run's id,
    # read at most every few seconds.
    return caching.data_version(caching.RANKING, source=selectors.current_run_id)


# The whole page for anonymous visitors, under the published board: a new board makes new keys.
@anonymous_page_cache(_board_version, params=[*BoardFilterForm.base_fields, "page"])
def leaderboard(request):
    """The current board, filterable by country, province, region and size class."""
    run = selectors.current_run()
    form = BoardFilterForm(request.GET)
    if form.is_bound and not form.is_valid():
        for message in form.error_messages_for_page():
            messages.error(request, message)
    filters = form.filters()
    board_html = ""
    if run is not None:
        # Only validated values go into the key and the links: unknown parameters can
        # neither multiply cache entries nor be echoed to other visitors.
        params = {
            "country": filters["country"],
            "province": filters["province"],
            "region": filters["region"],
            "size_class": filters["size_class"],
            "ordering": filters["ordering"],
        }
        params = {name: value for name, value in params.items() if value}
        page_number = _page_number(request.GET.get("page"))
        key = (
            f"ranking:board:{run.pk}:{translation.get_language()}:{urlencode(params)}:{page_number}"
        )
        board_html = cache.get(key)
        if board_html is None:
            entries = selectors.board_entries(run, **filters)
            page = Paginator(entries, PAGE_SIZE).get_page(page_number)
            board_html = render_to_string(
                "ranking/_board.html",
                {
                    "run": run,
                    "page": page,
                    "querystring": urlencode(params),
                    "by_size_class": bool(filters["size_class"]),
                    "per_10k": filters["ordering"] == "rank_per_10k",
                },
                request=request,
            )
            cache.set(key, board_html, CACHE_SECONDS)
    return render(
        request,
        "ranking/leaderboard.html",
        {"run": run, "form": form, "board_html": board_html},
    )


def _page_number(value: str | None) -> int:
    try:
        return min(max(int(value or 1), 1), 10_000)
    except ValueError:
        return 1


def scorecard(request, slug):
    """One municipality: the adoptions behind its score, and its rank over past runs."""
    municipality = get_object_or_404(Municipality, slug=slug)
    run = selectors.current_run(with_previous=True)
    entry = moved = None
    page = Page([], 1, Paginator([], SCORECARD_ROWS))
    changed_since_run = False
    if run is not None:
        entry = selectors.current_entry(municipality, run=run)
        number = _page_number(request.GET.get("page"))
        # The most points first, in pages: a large municipality has thousands, and drawing
        # them all cost seconds (docs/performance.md).
        # The page, the count and the sum of all from one query.
        found = selectors.contributions_page(
            run, municipality, number=number, per_page=SCORECARD_ROWS
        )
        paginator = Paginator([], SCORECARD_ROWS)
        paginator.count = found.count
        page = Page(found.rows, found.number, paginator)
        points = found.points_micro
        # "Why did it move": the changes since the previous board, ordered and limited in SQL.
        moved = movement.movement(run, municipality, entry, limit=SCORECARD_ROWS)
        # The points are computed now; adoptions verified or changed after the run make
        # them differ from the published score until the next board.
        changed_since_run = points != (entry.score_micro if entry else 0)
    history = selectors.rank_history(municipality)
    return render(
        request,
        "ranking/scorecard.html",
        {
            "municipality": municipality,
            "run": run,
            "entry": entry,
            "contributions": page,
            "changed_since_run": changed_since_run,
            "history": [point for point in reversed(history)],
            "chart": graphics.rank_chart(history),
            "interval": graphics.interval_chart(entry, run.entry_count if run else 0),
            "movement": moved,
            "badge": _badge_geometry(entry),
        },
    )


def board_map(request):
    """NL and Flanders coloured by score, each municipality linking to its scorecard."""
    run = selectors.current_run()
    key = f"ranking:map:{run.pk if run else 0}:{translation.get_language()}"
    html = cache.get(key)
    if html is None:
        html = render_to_string("ranking/_map.html", _map_context(run), request=request)
        cache.set(key, html, CACHE_SECONDS)
    return render(request, "ranking/map.html", {"run": run, "map_html": html})


def _map_context(run) -> dict:
    projected = maps.projected_map()
    slugs = dict(Municipality.objects.values_list("code", "slug"))
    entries = list(selectors.board_entries(run)) if run else []
    bounds = maps.score_classes([float(entry.score) for entry in entries])
    colours = maps.colours_for(bounds)
    by_code = {}
    for entry in entries:
        index = maps.class_index(float(entry.score), bounds)
        by_code[entry.municipality.code] = (entry, colours[index])
    shapes = []
    for shape in projected.shapes:
        entry, colour = by_code.get(shape.code, (None, maps.NO_SCORE_COLOUR))
        slug = slugs.get(shape.code)
        shapes.append(
            {
                "name": shape.name,
                "path": shape.path,
                "colour": colour,
                "entry": entry,
                "url": reverse("ranking:scorecard", args=[slug]) if slug else "",
            }
        )
    legend = []
    lower = 0.0
    for bound, colour in zip(bounds, colours, strict=True):
        legend.append({"from": lower, "to": bound, "colour": colour})
        lower = bound
    return {
        "run": run,
        "map": projected,
        "shapes": shapes,
        "legend": legend,
        "no_score_colour": maps.NO_SCORE_COLOUR,
        "entries": entries,
    }


def _run_etag(request, *args, **kwargs) -> str:
    run = selectors.current_run()
    return f"run-{run.pk if run else 0}-{translation.get_language()}-{request.GET.urlencode()}"


def _badge_etag(request, code) -> str:
    run = selectors.current_run()
    return f"badge-{run.pk if run else 0}-{code}-{request.GET.get('lang', 'nl')}"


@cache_control(public=True, max_age=60 * 60)
@condition(etag_func=_badge_etag)
def badge(request, code):
    """An embeddable SVG with the municipality's current rank (Dutch; ?lang=en for English)."""
    municipality = Municipality.objects.filter(code=code).first()
    if municipality is None:
        raise Http404
    language = request.GET.get("lang", "nl")
    if language not in ("nl", "en"):
        language = "nl"
    entry = selectors.current_entry(municipality)
    with translation.override(language):
        content = render_to_string(
            "ranking/badge.svg",
            {
                "badge": _badge_geometry(entry),
                "municipality": municipality,
                "entry": entry,
                "language": language,
            },
        )
    return HttpResponse(content, content_type="image/svg+xml; charset=utf-8")


def _badge_geometry(entry) -> graphics.Badge:
    """The badge's text and size for the current entry, in the active language (the
    scorecard gives its <img> the same width and height)."""
    if entry is None:
        value = _("not ranked")
    elif entry.has_interval and (entry.rank_low, entry.rank_high) != (entry.rank, entry.rank):
        # How sure the rank is travels with it, as on the board: "#7 (5–11) of 293".
        value = _("#%(rank)s (%(low)s–%(high)s) of %(total)s") % {
            "rank": entry.rank,
            "low": entry.rank_low,
            "high": entry.rank_high,
            "total": entry.run.entry_count,
        }
    else:
        value = _("#%(rank)s of %(total)s") % {
            "rank": entry.rank,
            "total": entry.run.entry_count,
        }
    return graphics.badge("Koploper", value)


OPEN_DATA_FIELDS = [
    "rank",
    "municipality_code",
    "municipality_name",
    "country",
    "province_code",
    "province",
    "size_class",
    "population",
    "score",
    "score_per_10k",
    "size_class_rank",
    "adoptions",
    "innovations",
    "launching_customer_count",
    "koploper",
    "movement",
    "rank_low",
    "rank_median",
    "rank_high",
    "size_class_rank_low",
    "size_class_rank_median",
    "size_class_rank_high",
    "performance_group",
    "rank_per_10k",
]


def _open_data_rows(run) -> list[dict]:
    rows = []
    for entry in selectors.board_entries(run):
        m = entry.municipality
        rows.append(
            {
                "rank": entry.rank,
                "municipality_code": m.code,
                "municipality_name": m.name,
                "country": m.country,
                "province_code": m.province_code,
                "province": m.province,
                "size_class": entry.size_class,
                "population": entry.population,
                "score": round(float(entry.score), 6),
                "score_per_10k": round(entry.score_per_10k, 6)
                if entry.score_per_10k is not None
                else None,
                "size_class_rank": entry.size_class_rank,
                "adoptions": entry.adoption_count,
                "innovations": entry.innovation_count,
                "launching_customer_count": entry.launching_customer_count,
                "koploper": entry.is_koploper,
                "movement": entry.movement,
                "rank_low": entry.rank_low,
                "rank_median": entry.rank_median,
                "rank_high": entry.rank_high,
                "size_class_rank_low": entry.size_class_rank_low,
                "size_class_rank_median": entry.size_class_rank_median,
                "size_class_rank_high": entry.size_class_rank_high,
                "performance_group": entry.performance_group,
                "rank_per_10k": entry.rank_per_10k,
            }
        )
    return rows


def _open_data():
    run = selectors.current_run()
    if run is None:
        raise Http404("No leaderboard has been published yet.")
    return run


@cache_control(public=True, max_age=5 * 60)
@condition(etag_func=_run_etag)
def open_data_csv(request):
    """The current board as CSV (CC0)."""
    run = _open_data()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="koploper-leaderboard-{run.reference_date.isoformat()}.csv"'
    )
    response["Link"] = f'<{CC0_URL}>; rel="license"'
    writer = csv.DictWriter(response, fieldnames=OPEN_DATA_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in _open_data_rows(run):
        writer.writerow({key: neutralise(value) for key, value in row.items()})
    return response


@cache_control(public=True, max_age=5 * 60)
@condition(etag_func=_run_etag)
def open_data_json(request):
    """The current board as JSON (CC0), with the run it comes from."""
    run = _open_data()
    data = {
        "license": "CC0-1.0",
        "license_url": CC0_URL,
        "publisher": "Koploper",
        "run": {
            "id": run.pk,
            "reference_date": run.reference_date,
            "published_at": run.finished_at,
            "formula_version": run.formula_version,
            "parameters": run.parameters,
            # The draws' settings and seed, and the analysis's results (methodology page).
            "sensitivity": run.sensitivity,
        },
        "entries": _open_data_rows(run),
    }
    response = JsonResponse(data, encoder=DjangoJSONEncoder, json_dumps_params={"indent": 1})
    response["Link"] = f'<{CC0_URL}>; rel="license"'
    return response
