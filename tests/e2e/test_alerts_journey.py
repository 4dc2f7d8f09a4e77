"""Journey: a municipal buyer saves a catalogue search and follows an innovation, hears of a
new adopter in the header and the notifications, gets a digest and unsubscribes from it
without logging in; the supplier reads the insight of their innovation. Every page is
checked with axe in English and Dutch."""

import datetime
import re

from django.core import mail
from django.utils import timezone

from alerts import collect, mails
from alerts.insight import aggregate
from alerts.models import SavedSearch
from innovations.enums import Status
from innovations.models import StatusChange
from tests.alerts.conftest import adopt, draft, publish
from tests.e2e.helpers import BROWSER, Mouse, audit, field, log_in
from tests.factories import (
    InnovationFactory,
    MunicipalityFactory,
    SupplierFactory,
    buyer_user,
    reviewer_user,
    supplier_user,
)

pytestmark = BROWSER


def seed():
    supplier = SupplierFactory(name="Zonnewijzer B.V.", slug="zonnewijzer")
    innovation = InnovationFactory(
        supplier=supplier,
        title="Slimme lantaarnpalen",
        slug="slimme-lantaarnpalen",
        domains=["energy"],
        status=Status.APPROVED,
    )
    houten = MunicipalityFactory(code="GM0321", name="Houten", slug="houten")
    buyer_user(municipality=houten, username="bram", email="bram@example.org", language="en")
    supplier_user(supplier, username="zoe", email="zoe@example.org", language="en")
    return supplier, innovation


def test_a_buyer_keeps_up_and_the_supplier_sees_the_interest(new_page):
    supplier, innovation = seed()
    reviewer = reviewer_user(username="rik")
    collect.collect()  # alerts start now: the watermark is set
    page = new_page()
    act = Mouse(page)
    main = page.get_by_role("main")
    log_in(page, "bram")

    # Save a catalogue search, with a daily digest.
    page.goto("/en/innovations/?domain=energy")
    act.follow(main.get_by_role("link", name="Save this search"))
    audit(page, "alerts-save-search")
    act.fill(field(page, "Name"), "Energy for Houten")
    act.check(page.get_by_label("Daily"))
    act.press(main.get_by_role("button", name="Save search"))
    page.wait_for_url(re.compile(r"/en/alerts/searches/$"))
    assert "Saved as “Energy for Houten”." in page.inner_text("main")
    assert main.get_by_role("row", name=re.compile("Energy for Houten")).count() == 1
    audit(page, "alerts-searches")

    # Follow the innovation from its page.
    page.goto("/en/innovations/slimme-lantaarnpalen/")
    act.press(main.get_by_role("button", name="Follow “Slimme lantaarnpalen”"))
    assert "You follow “Slimme lantaarnpalen” now." in page.inner_text("main")
    assert main.get_by_text("Following", exact=True).count() == 1
    page.goto("/en/alerts/following/")
    audit(page, "alerts-following")

    # Utrecht starts a pilot, verified: the follower hears of it.
    adopt(innovation, MunicipalityFactory(name="Utrecht", slug="utrecht"), reviewer)
    collect.collect()
    page.goto("/en/dashboard/")
    header = page.get_by_role("link", name=re.compile(r"^Notifications 1 unread$"))
    assert header.count() == 1
    act.follow(header)
    audit(page, "alerts-notifications")
    act.follow(main.get_by_role("link", name="Utrecht uses Slimme lantaarnpalen (pilot)."))
    assert page.url.endswith("/en/innovations/slimme-lantaarnpalen/")
    assert page.get_by_role("link", name=re.compile(r"^Notifications$")).count() == 1

    page.goto("/en/alerts/notifications/settings/")
    audit(page, "alerts-settings")

    # A new energy innovation: the morning's digest lists it; its link unsubscribes.
    publish(draft(supplier, title="Zonnedak", domains=["energy"]), reviewer)
    SavedSearch.objects.update(digest_until=timezone.now() - datetime.timedelta(days=1))
    StatusChange.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=10))
    assert mails.digests_make() == 1
    [digest] = [m for m in mail.outbox if m.to == ["bram@example.org"]]
    assert "- Zonnedak (Zonnewijzer B.V.)" in digest.body
    link = re.search(
        r"<https?://[^/]+(/en/alerts/unsubscribe/[^>]+)>", digest.extra_headers["List-Unsubscribe"]
    )
    stranger = new_page()  # the mail program's browser: not logged in
    stranger.goto(link.group(1))
    audit(stranger, "alerts-unsubscribe")
    Mouse(stranger).press(stranger.get_by_role("button", name="Unsubscribe"))
    assert "You get no more e-mails about the saved search “Energy for Houten”." in (
        stranger.inner_text("main")
    )
    assert SavedSearch.objects.get().frequency == "none"

    # The supplier sees the interest in their innovation.
    aggregate.insight_flush()
    supplier_page = new_page()
    log_in(supplier_page, "zoe")
    Mouse(supplier_page).follow(supplier_page.get_by_role("link", name="Insight", exact=True))
    audit(supplier_page, "alerts-insight")
    insight = supplier_page.get_by_role("main")
    Mouse(supplier_page).follow(insight.get_by_role("link", name="Slimme lantaarnpalen"))
    audit(supplier_page, "alerts-insight-detail")
    table = insight.get_by_role("table")
    this_month = table.get_by_role("row", name=re.compile(timezone.localdate().strftime("%B %Y")))
    assert this_month.count() == 1
    with supplier_page.expect_download() as download:
        insight.get_by_role("link", name=re.compile("CSV")).first.click()
    assert download.value.suggested_filename == "insight-slimme-lantaarnpalen.csv"
