"""Counts page views for supplier insight after the page is made, without a database
write: an innovation page, a comparison of innovations, a challenge page (whose
suggestions are attributed when the counts are flushed, aggregate.py).

Only successful GETs by browsers count: known bots and crawlers, link previews and
prefetches are left out. Nothing about the visitor is stored but the day's keyed hash
(counters.py); a failure of the counters costs the count, never the page."""

import re

from django.conf import settings

from .counters import count_visit

# Crawlers, link previewers and tools: their visits are not interest. A browser's
# User-Agent never contains these words; a missing User-Agent is a script too.
BOTS = re.compile(
    r"bot|crawl|spider|slurp|mediapartners|facebookexternalhit|embedly|quora link|"
    r"whatsapp|telegram|skypeuripreview|bitlybot|vkshare|w3c_validator|lighthouse|"
    r"pagespeed|headlesschrome|phantomjs|python|curl|wget|httpclient|okhttp|java/|"
    r"go-http|node-fetch|axios|scrapy|monitor|uptime|pingdom|preview",
    re.IGNORECASE,
)
PAGE = "innovations:detail"
COMPARE = "municipalities:compare"
CHALLENGE = "municipalities:challenge_detail"
COUNTED = {PAGE, COMPARE, CHALLENGE}


def is_bot(user_agent: str) -> bool:
    return not user_agent or bool(BOTS.search(user_agent))


def _prefetch(request) -> bool:
    purpose = request.headers.get("Sec-Purpose", "") or request.headers.get("Purpose", "")
    return "prefetch" in purpose or "prerender" in purpose


def client_address(request) -> str:
    """REMOTE_ADDR, or behind TRUSTED_PROXIES the address the nearest one appended (the
    portal's rule, portal.security.client_ip; this app may not import portal)."""
    proxies = settings.TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies and forwarded:
        addresses = [address.strip() for address in forwarded.split(",")]
        return addresses[-min(proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR", "")


def what_to_count(request, response) -> tuple[str, list[str]] | None:
    """(metric, keys) for a response that is a countable visit, else None."""
    match = getattr(request, "resolver_match", None)
    if (
        match is None
        or match.view_name not in COUNTED
        or request.method != "GET"
        or response.status_code != 200
    ):
        return None
    user_agent = request.headers.get("User-Agent", "")
    if is_bot(user_agent) or _prefetch(request):
        return None
    if match.view_name == PAGE:
        return "views", [str(match.kwargs.get("slug", ""))[:140]]
    if match.view_name == COMPARE:
        slugs = list(dict.fromkeys(s[:140] for s in request.GET.getlist("innovation") if s))
        return "comparisons", slugs[:4]
    return "challenge_views", [str(match.kwargs.get("pk", ""))]


class InsightMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = getattr(settings, "KOPLOPER_INSIGHT_COUNTING", True)

    def __call__(self, request):
        response = self.get_response(request)
        if self.enabled:
            counted = what_to_count(request, response)
            if counted is not None and counted[1]:
                count_visit(
                    counted[0],
                    counted[1],
                    address=client_address(request),
                    user_agent=request.headers.get("User-Agent", ""),
                )
        return response
