"""Journey 2: a reviewer works the queue — claims, scores, requests changes, approves —
and verifies an adoption that a municipality claimed. Every page is checked by axe in
English and Dutch."""

import datetime
import re

from innovations.enums import Reconfirmation, Status
from innovations.models import Innovation
from innovations.services import supplier_update
from municipalities.enums import Verification
from municipalities.models import Adoption
from tests.e2e.helpers import BROWSER, Mouse, audit, field, log_in
from tests.factories import (
    AdoptionFactory,
    InnovationFactory,
    MunicipalityFactory,
    SupplierFactory,
    buyer_user,
    reviewer_user,
    supplier_user,
)
from tests.innovations.helpers import innovation_in

pytestmark = BROWSER


def review(page, act, *, title: str, scores: list[str], decision: str, feedback: str = ""):
    main = page.get_by_role("main")
    act.follow(main.get_by_role("link", name=title))
    page.wait_for_url(re.compile(r"/en/review/\d+/$"))
    act.press(main.get_by_role("button", name="Claim this innovation"))
    assert "You have claimed this innovation" in page.get_by_role("status").inner_text()
    for criterion, score in zip(
        [
            "Novelty",
            "Evidence and maturity",
            "Public value and sustainability",
            "Fit and scalability for municipalities",
        ],
        scores,
        strict=True,
    ):
        group = main.get_by_role("group", name=re.compile(rf"^{criterion}"))
        act.check(group.get_by_role("radio", name=score, exact=True))
    act.check(main.get_by_role("radio", name=decision))
    if feedback:
        act.fill(field(page, "Feedback for the supplier"), feedback)


def test_reviewer_journey_queue_decisions_and_verification(page):
    reviewer_user(username="ravi", first_name="Ravi", last_name="Pinas")
    supplier = SupplierFactory(name="Slimme Lantaarn B.V.")
    innovation_in(Status.SUBMITTED, title="Slimme lantaarnpalen", supplier=supplier)
    innovation_in(Status.SUBMITTED, title="Deelfietsen voor dorpen", supplier=supplier)
    utrecht = MunicipalityFactory(code="GM0344", name="Utrecht", slug="utrecht", population=361_000)
    claimed = AdoptionFactory(
        municipality=utrecht,
        innovation=InnovationFactory(title="Warmtenet in de wijk", supplier=supplier),
        verification=Verification.CLAIMED,
        evidence_reference="TN401234",
        claimed_by=buyer_user(municipality=utrecht),
    )
    InnovationFactory(
        title="Zonnedaken zonder investering",
        approved_until=datetime.date.today() - datetime.timedelta(days=3),
        reconfirmation=Reconfirmation.CONFIRMED,
    )
    # A member asks for a new name (it waits for a reviewer).
    supplier_update(
        supplier=supplier,
        user=supplier_user(supplier, username="sanne", first_name="Sanne", last_name="Jansen"),
        name="Slimme Lantaarn Nederland B.V.",
        country=supplier.country,
        size=supplier.size,
        registration_number=supplier.registration_number,
        website=supplier.website,
    )
    act = Mouse(page)
    main = page.get_by_role("main")

    log_in(page, "ravi")
    audit(page, "reviewer-dashboard")
    act.follow(
        page.get_by_role("navigation", name="Main navigation").get_by_role(
            "link", name="Review queue"
        )
    )
    page.wait_for_url(re.compile(r"/en/review/$"))
    assert main.get_by_role("status").inner_text() == "2 innovations"
    audit(page, "review-queue")

    # Request changes, with the feedback the supplier will read.
    review(
        page,
        act,
        title="Slimme lantaarnpalen",
        scores=["4", "2", "5", "4"],
        decision="Request changes",
        feedback="Show the energy savings measured in the pilot.",
    )
    audit(page, "review-detail-claimed")
    act.press(main.get_by_role("button", name="Record decision"))
    page.wait_for_url(re.compile(r"/en/review/$"))
    status = page.get_by_role("status").first.inner_text()
    assert "the supplier is asked to change the innovation" in status

    # Approve the other one; the queue filter shows what is left.
    review(
        page, act, title="Deelfietsen voor dorpen", scores=["3", "4", "4", "5"], decision="Approve"
    )
    act.press(main.get_by_role("button", name="Record decision"))
    page.wait_for_url(re.compile(r"/en/review/$"))
    status = page.get_by_role("status").first.inner_text()
    assert "the innovation is approved and published" in status
    assert main.get_by_text("Nothing to review with these filters. Well done.").is_visible()

    assert {i.title: i.status for i in Innovation.objects.filter(supplier=supplier)} == {
        "Slimme lantaarnpalen": Status.CHANGES_REQUESTED,
        "Deelfietsen voor dorpen": Status.APPROVED,
        "Warmtenet in de wijk": Status.APPROVED,
    }
    changes_requested = Innovation.objects.get(title="Slimme lantaarnpalen").reviews.get()
    assert (
        changes_requested.novelty,
        changes_requested.evidence,
        changes_requested.public_value,
        changes_requested.fit,
        changes_requested.feedback,
    ) == (4, 2, 5, 4, "Show the energy savings measured in the pilot.")

    # The approved innovation is in the public catalogue now.
    page.goto("/en/innovations/?q=Deelfietsen")
    assert main.get_by_role("link", name="Deelfietsen voor dorpen").is_visible()

    # Verify the adoption that Utrecht claimed.
    page.goto("/en/dashboard/")
    act.follow(
        page.get_by_role("navigation", name="Main navigation").get_by_role(
            "link", name="Verify adoptions"
        )
    )
    page.wait_for_url(re.compile(r"/en/municipalities/verification/$"))
    assert main.get_by_role("status").inner_text() == "1 adoption waits for verification."
    audit(page, "verify-queue")
    act.follow(main.get_by_role("link", name="Check the adoption of Utrecht"))
    page.wait_for_url(re.compile(rf"/en/municipalities/verification/{claimed.pk}/$"))
    assert "TN401234" in main.inner_text()
    audit(page, "verify-detail")
    act.check(main.get_by_role("radio", name="Verify: the evidence holds"))
    act.press(main.get_by_role("button", name="Record decision"))
    page.wait_for_url(re.compile(r"/en/municipalities/verification/$"))
    assert "Verified:" in page.get_by_role("status").first.inner_text()
    assert Adoption.objects.get(pk=claimed.pk).verification == Verification.VERIFIED

    # The other queues: approvals to reconfirm, and changes to organisations.
    page.goto("/en/review/")
    act.follow(main.get_by_role("link", name="Approvals to reconfirm"))
    page.wait_for_url(re.compile(r"/en/review/reconfirmations/$"))
    assert main.get_by_role("status").inner_text() == "1 innovation"
    assert main.get_by_role("link", name="Zonnedaken zonder investering").is_visible()
    audit(page, "reconfirm-queue")
    act.follow(
        page.get_by_role("navigation", name="Main navigation").get_by_role(
            "link", name="Review queue"
        )
    )
    act.follow(main.get_by_role("link", name="Changes to organisations"))
    page.wait_for_url(re.compile(r"/en/review/organisations/$"))
    assert main.get_by_role("status").inner_text() == "1 change waits."
    row = main.get_by_role("row", name=re.compile("Slimme Lantaarn Nederland"))
    assert "Sanne Jansen" in row.inner_text()
    audit(page, "organisation-changes")

    # Accept the new name: it replaces the old one wherever the supplier shows.
    act.press(main.get_by_role("button", name="Accept “Slimme Lantaarn Nederland B.V.”"))
    page.wait_for_url(re.compile(r"/en/review/organisations/$"))
    assert page.get_by_role("status").first.inner_text() == (
        "The change is accepted: “Slimme Lantaarn Nederland B.V.” is the organisation's name now."
    )
    assert main.get_by_text("No changes to organisations wait for a decision.").is_visible()
    audit(page, "organisation-changes-decided")
    supplier.refresh_from_db()
    assert (supplier.name, supplier.pending_name, supplier.change_requested_at) == (
        "Slimme Lantaarn Nederland B.V.",
        "",
        None,
    )
    page.goto("/en/innovations/?q=Deelfietsen")
    assert "Slimme Lantaarn Nederland B.V." in main.inner_text()
