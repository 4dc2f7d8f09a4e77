"""The Content Security Policy in a real browser (ASVS V14.4.3): the main pages and the API
docs load under it without a single violation. A control proves that the detector sees
one: an inline style attribute added to a page is refused. (Here, not in tests/security/,
for the browser fixtures: one Playwright per test process.)"""

from django.urls import reverse

from innovations.models import Innovation
from municipalities.models import Municipality
from tests.e2e.helpers import BROWSER
from tests.e2e.test_public_journey import seed_board

pytestmark = BROWSER

# Installed before any page script: records what the browser refuses under the policy.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def test_main_pages_load_without_csp_violations(page, reference_municipalities):
    seed_board(reference_municipalities)
    innovation = Innovation.objects.get(title="Zonnepanelen op gemeentelijke daken")
    utrecht = Municipality.objects.get(code="GM0344")
    pages = [
        "/nl/",
        "/nl/innovations/",
        reverse("innovations:detail", kwargs={"slug": innovation.slug}),
        "/nl/ranking/",
        reverse("ranking:scorecard", kwargs={"slug": utrecht.slug}),
        "/nl/ranking/map/",
        "/nl/accounts/login/",
        "/api/docs/",
    ]
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)

    seen = {}
    for path in pages:
        response = page.goto(path)
        page.wait_for_load_state("networkidle")
        seen[path] = (
            response.status,
            "frame-ancestors 'none'" in (response.headers.get("content-security-policy") or ""),
            page.evaluate("window.__cspViolations"),
        )
    swagger_rendered = page.locator(".swagger-ui .opblock").count()

    assert seen == {path: (200, True, []) for path in pages}
    assert swagger_rendered > 10
    assert [text for text in console if "Content Security Policy" in text] == []

    # The control: the same detector reports an inline style the policy refuses.
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    page.wait_for_timeout(200)
    assert page.evaluate("window.__cspViolations") == ["style-src-attr inline"]
