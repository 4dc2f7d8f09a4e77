import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from municipalities.access import adoption_verify_conflict
from municipalities.enums import ChallengeStatus, Verification
from municipalities.models import (
    Adoption,
    AdoptionStageChange,
    Challenge,
    ChallengeResponse,
    Evaluation,
)
from tests.factories import (
    AdoptionFactory,
    ChallengeFactory,
    InnovationFactory,
    SupplierMemberFactory,
)


def _nl(message):
    with translation.override("nl"):
        return gettext(message)


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _adoption_form(**overrides):
    return {
        "stage": "pilot",
        "started_on": "2024-02-01",
        "evidence_reference": "TenderNed 412233",
        "evidence_description": "Gunning na meervoudig onderhandse aanbesteding.",
        "contact_name": "Anna de Vries",
        "contact_email": "a.devries@utrecht.example",
    } | overrides


# --- Recording and updating ---------------------------------------------------------------


def test_buyer_records_an_adoption_from_the_innovation_page(client, buyer, innovation):
    client.force_login(buyer)
    url = reverse("municipalities:adoption_create", args=[innovation.slug])

    response = client.post(url, _adoption_form())

    adoption = Adoption.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("municipalities:adoption_detail", args=[adoption.pk])
    assert (adoption.municipality.code, adoption.stage, adoption.verification) == (
        "GM0344",
        "pilot",
        "claimed",
    )
    page = client.get(response.url).content.decode()
    assert "TenderNed 412233" in page
    assert response.status_code == 302


def test_double_submit_records_one_adoption_with_a_clear_message(client, buyer, innovation):
    client.force_login(buyer)
    url = reverse("municipalities:adoption_create", args=[innovation.slug])
    client.post(url, _adoption_form())

    response = client.post(url, _adoption_form(stage="scaled"))

    assert Adoption.objects.count() == 1
    assert response.status_code == 302
    assert response.url == reverse(
        "municipalities:adoption_detail", args=[Adoption.objects.get().pk]
    )
    assert _messages(response)[-1] == _nl(
        "Your municipality has already recorded this adoption; update it here."
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"started_on": "1999-06-01"}, "started_on"),
        ({"started_on": "2999-01-01"}, "started_on"),
        ({"stage": "finished"}, "stage"),
        ({"started_on": "gisteren"}, "started_on"),
        ({"contact_email": "geen-adres"}, "contact_email"),
    ],
)
def test_record_form_shows_field_errors_and_stores_nothing(
    client, buyer, innovation, overrides, field
):
    client.force_login(buyer)

    response = client.post(
        reverse("municipalities:adoption_create", args=[innovation.slug]),
        _adoption_form(**overrides),
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert (Adoption.objects.count(), AdoptionStageChange.objects.count()) == (0, 0)


def test_date_errors_from_the_service_land_on_their_field(client, buyer, innovation):
    client.force_login(buyer)

    response = client.post(
        reverse("municipalities:adoption_create", args=[innovation.slug]),
        _adoption_form(started_on="1999-06-01"),
    )

    assert list(response.context["form"].errors) == ["started_on"]


def test_record_page_for_an_unpublished_innovation_is_404(client, buyer, supplier):
    draft = InnovationFactory(supplier=supplier, status="draft")
    client.force_login(buyer)

    response = client.get(reverse("municipalities:adoption_create", args=[draft.slug]))

    assert response.status_code == 404


def test_admin_records_an_adoption_naming_the_municipality(client, admin, municipality, innovation):
    client.force_login(admin)

    client.post(
        reverse("municipalities:adoption_create", args=[innovation.slug]),
        _adoption_form(municipality="gm0344"),
    )

    assert list(Adoption.objects.values_list("municipality__code", "claimed_by")) == [
        ("GM0344", admin.pk)
    ]


def test_buyer_updates_the_stage_and_the_change_waits_for_a_reviewer(
    client, buyer, municipality, innovation
):
    adoption = AdoptionFactory(municipality=municipality, innovation=innovation)
    client.force_login(buyer)

    response = client.post(
        reverse("municipalities:adoption_update", args=[adoption.pk]),
        {
            "stage": "implemented",
            "stage_since": "",
            "started_on": "2024-03-01",
            "evidence_reference": "TN123456",
            "evidence_description": "",
            "contact_name": "",
            "contact_email": "",
        },
    )

    adoption.refresh_from_db()
    waiting = adoption.changes.get()
    page = client.get(reverse("municipalities:adoption_detail", args=[adoption.pk]))
    assert response.status_code == 302
    assert (adoption.stage, adoption.stage_since, adoption.verification) == (
        "pilot",
        datetime.date(2024, 3, 1),
        "verified",
    )
    assert (waiting.stage, waiting.stage_since, waiting.status) == (
        "implemented",
        timezone.localdate(),
        "claimed",
    )
    assert "A change waits for verification:" in page.content.decode()


def test_buyer_adds_an_evaluation(client, buyer, municipality, innovation):
    adoption = AdoptionFactory(municipality=municipality, innovation=innovation)
    client.force_login(buyer)

    client.post(
        reverse("municipalities:adoption_evaluate", args=[adoption.pk]),
        {
            "goals_met": "partly",
            "lessons_learned": "Betrek de wijkteams eerder.",
            "would_recommend": "yes",
        },
    )

    adoption.refresh_from_db()
    assert (
        adoption.evaluation.goals_met,
        adoption.evaluation.lessons_learned,
        adoption.evaluation.would_recommend,
    ) == ("partly", "Betrek de wijkteams eerder.", True)


def test_claimed_adoption_is_not_visible_to_others(client, other_buyer, municipality, innovation):
    adoption = AdoptionFactory(
        municipality=municipality, innovation=innovation, verification=Verification.CLAIMED
    )
    url = reverse("municipalities:adoption_detail", args=[adoption.pk])

    anonymous = client.get(url).status_code
    client.force_login(other_buyer)
    other = client.get(url).status_code

    assert (anonymous, other) == (404, 404)


# --- Verification -------------------------------------------------------------------------


def test_reviewer_verifies_from_the_queue_and_it_shows_publicly(
    client, reviewer, municipality, innovation
):
    adoption = AdoptionFactory(
        municipality=municipality, innovation=innovation, verification=Verification.CLAIMED
    )
    client.force_login(reviewer)
    queue = client.get(reverse("municipalities:verify_queue"))
    assert [a.pk for a in queue.context["page"].object_list] == [adoption.pk]

    response = client.post(
        reverse("municipalities:adoption_verify", args=[adoption.pk]),
        {"decision": "verify", "note": ""},
    )

    assert response.status_code == 302
    adoption.refresh_from_db()
    assert adoption.verification == "verified"
    client.logout()
    page = client.get(reverse("municipalities:detail", args=["utrecht"])).content.decode()
    assert "Slimme lantaarnpalen" in page


def test_verification_queue_is_oldest_first_and_paginated(client, reviewer, municipality):
    adoptions = [
        AdoptionFactory(municipality=municipality, verification=Verification.CLAIMED)
        for _ in range(27)
    ]
    Adoption.objects.filter(pk=adoptions[-1].pk).update(
        created_at=timezone.now() - datetime.timedelta(days=10)
    )
    client.force_login(reviewer)

    first = client.get(reverse("municipalities:verify_queue")).context["page"]
    second = client.get(reverse("municipalities:verify_queue") + "?page=2").context["page"]

    assert [a.pk for a in first.object_list][:2] == [adoptions[-1].pk, adoptions[0].pk]
    assert (len(first.object_list), len(second.object_list)) == (25, 2)


def test_verification_queue_leaves_out_what_the_reviewer_may_not_verify(
    client, reviewer, municipality
):
    # A reviewer who also works for a supplier, and who recorded one claim themselves.
    own_supplier = SupplierMemberFactory(user=reviewer).supplier
    open_claim = AdoptionFactory(municipality=municipality, verification=Verification.CLAIMED)
    AdoptionFactory(
        municipality=municipality,
        innovation=InnovationFactory(supplier=own_supplier),
        verification=Verification.CLAIMED,
    )
    AdoptionFactory(
        municipality=municipality, verification=Verification.CLAIMED, claimed_by=reviewer
    )
    client.force_login(reviewer)

    page = client.get(reverse("municipalities:verify_queue")).context["page"]
    api = client.get("/api/v1/review/adoptions").json()

    assert [adoption.pk for adoption in page.object_list] == [open_claim.pk]
    assert [adoption["id"] for adoption in api["results"]] == [open_claim.pk]
    for adoption in Adoption.objects.filter(verification=Verification.CLAIMED):
        shown = adoption.pk == open_claim.pk
        conflict = adoption_verify_conflict(user=reviewer, adoption=adoption)
        assert shown == (conflict == ""), adoption


def test_rejection_without_a_note_is_refused_with_a_message(
    client, reviewer, municipality, innovation
):
    adoption = AdoptionFactory(
        municipality=municipality, innovation=innovation, verification=Verification.CLAIMED
    )
    client.force_login(reviewer)

    response = client.post(
        reverse("municipalities:adoption_verify", args=[adoption.pk]),
        {"decision": "reject", "note": ""},
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["note"]
    adoption.refresh_from_db()
    assert adoption.verification == "claimed"


def test_second_decision_on_a_verified_adoption_gets_a_message(
    client, reviewer, municipality, innovation
):
    adoption = AdoptionFactory(municipality=municipality, innovation=innovation)
    client.force_login(reviewer)

    response = client.post(
        reverse("municipalities:adoption_verify", args=[adoption.pk]),
        {"decision": "reject", "note": "Toch niet"},
    )

    assert response.status_code == 302
    assert len(_messages(response)) == 1
    adoption.refresh_from_db()
    assert adoption.verification == "verified"


# --- Challenges ---------------------------------------------------------------------------


def test_buyer_posts_a_challenge_and_the_public_sees_it(client, buyer):
    client.force_login(buyer)
    deadline = timezone.localdate() + datetime.timedelta(days=45)

    response = client.post(
        reverse("municipalities:challenge_create"),
        {
            "title": "Eenzaamheid onder ouderen",
            "problem_statement": "Steeds meer ouderen in onze wijken zijn eenzaam.",
            "domain": "care",
            "deadline": deadline.isoformat(),
        },
    )

    challenge = Challenge.objects.get()
    assert response.url == reverse("municipalities:challenge_detail", args=[challenge.pk])
    client.logout()
    listing = client.get(reverse("municipalities:challenge_list"))
    assert [c.pk for c in listing.context["page"].object_list] == [challenge.pk]


def test_challenge_list_shows_open_ones_only(client, municipality):
    open_one = ChallengeFactory(municipality=municipality)
    ChallengeFactory(municipality=municipality, status=ChallengeStatus.CLOSED)
    ChallengeFactory(
        municipality=municipality, deadline=timezone.localdate() - datetime.timedelta(days=1)
    )

    response = client.get(reverse("municipalities:challenge_list"))

    assert [c.pk for c in response.context["page"].object_list] == [open_one.pk]


def test_challenge_list_ignores_unknown_filter_values_with_a_message(client, municipality):
    care = ChallengeFactory(municipality=municipality, domain="care")
    energy = ChallengeFactory(municipality=municipality, domain="energy")

    response = client.get(reverse("municipalities:challenge_list") + "?domain=space&country=NL")

    assert sorted(c.pk for c in response.context["page"].object_list) == [care.pk, energy.pk]
    assert _messages(response) == [
        _nl("Some filter values do not exist and were ignored: %(fields)s.")
        % {"fields": _nl("Domain")}
    ]


def test_closed_challenge_is_404_for_the_public_but_not_for_its_buyer(client, buyer, municipality):
    challenge = ChallengeFactory(municipality=municipality, status=ChallengeStatus.CLOSED)
    url = reverse("municipalities:challenge_detail", args=[challenge.pk])

    public = client.get(url).status_code
    client.force_login(buyer)
    own = client.get(url).status_code

    assert (public, own) == (404, 200)


def test_supplier_answers_and_buyer_marks_the_answer(
    client, buyer, supplier_member, municipality, innovation
):
    challenge = ChallengeFactory(municipality=municipality)
    client.force_login(supplier_member)
    client.post(
        reverse("municipalities:challenge_respond", args=[challenge.pk]),
        {"innovation": innovation.slug, "pitch": "Onze palen dimmen als niemand er is."},
    )
    answer = ChallengeResponse.objects.get()

    client.force_login(buyer)
    page = client.get(reverse("municipalities:challenge_detail", args=[challenge.pk]))
    client.post(reverse("municipalities:response_mark", args=[answer.pk]), {"status": "declined"})

    assert [r.pk for r in page.context["responses"]] == [answer.pk]
    answer.refresh_from_db()
    assert answer.status == "declined"


def test_respond_form_says_why_an_innovation_to_reconfirm_is_missing(
    client, supplier, supplier_member, municipality, innovation
):
    challenge = ChallengeFactory(municipality=municipality)
    url = reverse("municipalities:challenge_respond", args=[challenge.pk])
    note = "An innovation whose approval is to be reconfirmed is not in this list"
    client.force_login(supplier_member)

    before = client.get(url)
    waiting = InnovationFactory(supplier=supplier, title="Wacht op herbevestiging")
    waiting.reconfirmation = "due"
    waiting.save(update_fields=["reconfirmation"])
    after = client.get(url)

    assert note not in before.content.decode()
    assert note in after.content.decode()
    assert list(after.context["form"].fields["innovation"].queryset) == [innovation]


def test_the_public_sees_no_answers_only_their_number(client, municipality, innovation):
    challenge = ChallengeFactory(municipality=municipality)
    ChallengeResponse.objects.create(challenge=challenge, innovation=innovation, pitch="Geheim")

    response = client.get(reverse("municipalities:challenge_detail", args=[challenge.pk]))

    assert (response.context["responses"], response.context["response_count"]) == ([], 1)
    assert "Geheim" not in response.content.decode()


def test_closing_asks_for_confirmation_first(client, buyer, municipality):
    challenge = ChallengeFactory(municipality=municipality)
    client.force_login(buyer)
    url = reverse("municipalities:challenge_close", args=[challenge.pk])

    confirm = client.get(url)
    challenge.refresh_from_db()
    status_after_get = challenge.status
    client.post(url)
    challenge.refresh_from_db()

    assert (confirm.status_code, status_after_get, challenge.status) == (200, "open", "closed")


def test_challenge_page_shows_suggestions_with_reasons(client, municipality, innovation):
    challenge = ChallengeFactory(
        municipality=municipality,
        title="Slimme verlichting",
        problem_statement="Wij zoeken lantaarnpalen die energie besparen.",
        domain="energy",
    )

    response = client.get(reverse("municipalities:challenge_detail", args=[challenge.pk]))

    suggestions = response.context["suggestions"]
    assert [(s.innovation.slug, [r.code for r in s.reasons]) for s in suggestions] == [
        ("slimme-lantaarnpalen", ["text", "domain", "maturity"])
    ]


# --- Municipality page and innovation panel -----------------------------------------------


def test_municipality_page_lists_verified_adoptions_and_open_challenges(
    client, municipality, supplier
):
    scaled = AdoptionFactory(
        municipality=municipality, innovation=InnovationFactory(supplier=supplier), stage="scaled"
    )
    pilot = AdoptionFactory(
        municipality=municipality, innovation=InnovationFactory(supplier=supplier)
    )
    AdoptionFactory(
        municipality=municipality,
        innovation=InnovationFactory(supplier=supplier),
        verification=Verification.CLAIMED,
    )
    challenge = ChallengeFactory(municipality=municipality)
    ChallengeFactory(municipality=municipality, status=ChallengeStatus.CLOSED)

    response = client.get(reverse("municipalities:detail", args=[municipality.slug]))

    assert [a.pk for a in response.context["adoptions"]] == [scaled.pk, pilot.pk]
    assert [c.pk for c in response.context["challenges"]] == [challenge.pk]


def _panel(client, innovation):
    return client.get(reverse("innovations:detail", args=[innovation.slug])).content.decode()


def test_innovation_panel_shows_adopters_path_evaluations_and_contacts_for_buyers(
    client, buyer, municipality, other_municipality, innovation
):
    adoption = AdoptionFactory(
        municipality=other_municipality,
        innovation=innovation,
        stage="scaled",
        contact_name="Piet Pieters",
        contact_email="p.pieters@amersfoort.example",
    )
    Evaluation.objects.create(
        adoption=adoption,
        goals_met="met",
        lessons_learned="Werkt uitstekend.",
        would_recommend=True,
    )
    AdoptionFactory(innovation=innovation, verification=Verification.CLAIMED)

    anonymous = _panel(client, innovation)
    client.force_login(buyer)
    signed_in = _panel(client, innovation)

    assert "Amersfoort" in anonymous
    assert "Werkt uitstekend." in anonymous
    assert "p.pieters@amersfoort.example" not in anonymous
    assert "p.pieters@amersfoort.example" in signed_in
    assert reverse("municipalities:adoption_create", args=[innovation.slug]) in signed_in
    assert reverse("municipalities:adoption_create", args=[innovation.slug]) not in anonymous
