"""The audit log in the admin (read-only, administrators only), and the admin's own
writes — actions, inlines, the user and membership pages — going into the log."""

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse

from audit.models import AuditEntry
from audit.services import audit_record
from innovations.models import SupplierMember
from municipalities.enums import MembershipStatus, Verification
from municipalities.memberships import membership_request
from municipalities.models import BuyerMembership
from tests.factories import AdoptionFactory, MunicipalityFactory, UserFactory

from .conftest import entries, last_id

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:audit_auditentry_changelist"


@pytest.fixture
def logged(admin, buyer, member):
    audit_record(actor=buyer, action="adoption.claim", obj=buyer, changes={"x": [None, 1]})
    audit_record(actor=member, action="innovation.create", obj=member, changes={})
    return AuditEntry.objects.order_by("id")


def test_admin_lists_filters_and_searches_the_log(client, admin, logged, buyer):
    client.force_login(admin)

    everything = client.get(reverse(CHANGELIST))
    by_action = client.get(reverse(CHANGELIST), {"action": "adoption.claim"})
    by_actor = client.get(reverse(CHANGELIST), {"actor__id__exact": buyer.pk})
    by_type = client.get(reverse(CHANGELIST), {"object_type": "portal.user"})
    searched = client.get(reverse(CHANGELIST), {"q": "leverancier"})

    def shown(response):
        assert response.status_code == 200
        return sorted(entry.action for entry in response.context["cl"].result_list)

    assert shown(everything) == ["adoption.claim", "innovation.create"]
    assert shown(by_action) == ["adoption.claim"]
    assert shown(by_actor) == ["adoption.claim"]
    assert shown(by_type) == ["adoption.claim", "innovation.create"]
    assert shown(searched) == ["innovation.create"]


def test_admin_entry_page_is_read_only(client, admin, logged):
    entry = logged.first()
    client.force_login(admin)

    page = client.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))
    post = client.post(reverse("admin:audit_auditentry_change", args=[entry.pk]), {"action": "x"})
    delete = client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    add = client.get(reverse("admin:audit_auditentry_add"))
    bulk = client.post(
        reverse(CHANGELIST), {"action": "delete_selected", "_selected_action": [entry.pk]}
    )

    assert page.status_code == 200
    assert "adoption.claim" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert (post.status_code, delete.status_code, add.status_code) == (403, 403, 403)
    assert bulk.status_code == 200  # no such action: the list is shown again
    assert AuditEntry.objects.filter(pk=entry.pk, action="adoption.claim").exists()


def test_admin_log_is_refused_to_everyone_but_administrators(client, logged, buyer, reviewer):
    anonymous = client.get(reverse(CHANGELIST))
    client.force_login(buyer)
    not_staff = client.get(reverse(CHANGELIST))
    staff = UserFactory(username="medewerker", is_staff=True)
    client.force_login(staff)
    staff_without_permission = client.get(reverse(CHANGELIST))
    staff.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    staff_with_permission = client.get(reverse(CHANGELIST))

    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    assert not_staff.status_code == 302 and "/admin/login/" in not_staff["Location"]
    assert staff_without_permission.status_code == 403
    assert staff_with_permission.status_code == 200  # a deliberate grant, by an administrator


def test_an_objects_change_page_shows_its_audit_trail(client, admin, municipality, reviewer):
    adoption = AdoptionFactory(municipality=municipality, verification=Verification.CLAIMED)
    from municipalities.adoptions import adoption_verify

    adoption_verify(user=reviewer, adoption=adoption, decision="verify")
    client.force_login(admin)

    page = client.get(reverse("admin:municipalities_adoption_change", args=[adoption.pk]))

    assert page.status_code == 200
    assert "adoption.verify" in page.content.decode()
    assert "beoordelaar" in page.content.decode()


def test_admin_verify_action_is_recorded(client, admin, municipality):
    claimed = AdoptionFactory(municipality=municipality, verification=Verification.CLAIMED)
    client.force_login(admin)
    since = last_id()

    client.post(
        reverse("admin:municipalities_adoption_changelist"),
        {"action": "verify_selected", "_selected_action": [claimed.pk]},
    )

    assert [(e[0], e[1], e[3]) for e in entries(since)] == [
        ("beheerder", "adoption.verify", str(claimed.pk))
    ]


def test_admin_membership_actions_and_pages_are_recorded(client, admin, municipality):
    user = UserFactory(username="aspirant")
    pending = membership_request(user=user, municipality=municipality, actor=user)
    newcomer = UserFactory(username="nieuwkomer")
    other = MunicipalityFactory(code="GM0307", slug="amersfoort")
    client.force_login(admin)
    since = last_id()

    client.post(
        reverse("admin:municipalities_buyermembership_changelist"),
        {"action": "approve_requests", "_selected_action": [pending.pk]},
    )
    client.post(
        reverse("admin:municipalities_buyermembership_change", args=[pending.pk]),
        {"user": user.pk, "municipality": other.pk, "job_title": "", "motivation": ""},
    )
    added = client.post(
        reverse("admin:municipalities_buyermembership_add"),
        {"user": newcomer.pk, "municipality": municipality.pk, "job_title": "X", "motivation": ""},
    )
    created = BuyerMembership.objects.get(user=newcomer)
    client.post(
        reverse("admin:municipalities_buyermembership_delete", args=[pending.pk]), {"post": "yes"}
    )

    assert added.status_code == 302
    assert created.status == MembershipStatus.REQUESTED
    assert [(e[0], e[1], e[3], e[4]) for e in entries(since)] == [
        (
            "beheerder",
            "buyer_membership.approve",
            str(pending.pk),
            {"status": ["requested", "approved"], "decided_by": [None, admin.pk]},
        ),
        (
            "beheerder",
            "buyer_membership.update",
            str(pending.pk),
            {"municipality": [municipality.pk, other.pk]},
        ),
        (
            "beheerder",
            "buyer_membership.request",
            str(created.pk),
            {
                "user": [None, newcomer.pk],
                "municipality": [None, municipality.pk],
                "job_title": [None, "X"],
                "status": [None, "requested"],
            },
        ),
        (
            "beheerder",
            "buyer_membership.remove",
            str(pending.pk),
            {
                "user": [user.pk, None],
                "municipality": [other.pk, None],
                "status": ["approved", None],
                "decided_by": [admin.pk, None],
            },
        ),
    ]
    assert not BuyerMembership.objects.filter(pk=pending.pk).exists()


def test_admin_supplier_member_inline_adds_and_removes_through_the_services(
    client, admin, supplier, member
):
    newcomer = UserFactory(username="nieuwkomer")
    existing = SupplierMember.objects.get(user=member)
    client.force_login(admin)
    since = last_id()
    data = {
        "name": supplier.name,
        "slug": supplier.slug,
        "registration_number": supplier.registration_number,
        "country": "NL",
        "website": "",
        "size": "sme",
        "members-TOTAL_FORMS": "2",
        "members-INITIAL_FORMS": "1",
        "members-0-id": existing.pk,
        "members-0-supplier": supplier.pk,
        "members-0-DELETE": "on",
        "members-1-supplier": supplier.pk,
        "members-1-user": newcomer.pk,
    }

    response = client.post(reverse("admin:innovations_supplier_change", args=[supplier.pk]), data)

    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    added = SupplierMember.objects.get(user=newcomer)
    assert list(SupplierMember.objects.filter(supplier=supplier)) == [added]
    assert [(e[0], e[1], e[3], e[4]) for e in entries(since)] == [
        (
            "beheerder",
            "supplier_member.remove",
            str(existing.pk),
            {"supplier": [supplier.pk, None], "user": [member.pk, None]},
        ),
        (
            "beheerder",
            "supplier_member.add",
            str(added.pk),
            {"supplier": [None, supplier.pk], "user": [None, newcomer.pk]},
        ),
    ]


def test_admin_user_page_records_role_grants(client, admin):
    user = UserFactory(username="kandidaat")
    from portal.services import reviewers_group

    group = reviewers_group()
    client.force_login(admin)
    since = last_id()

    response = client.post(
        reverse("admin:portal_user_change", args=[user.pk]),
        {
            "username": "kandidaat",
            "email": user.email,
            "first_name": "",
            "last_name": "",
            "language": "nl",
            "is_active": "on",
            "is_staff": "on",
            "groups": [group.pk],
            "date_joined_0": "2025-01-01",
            "date_joined_1": "10:00:00",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert entries(since) == [
        (
            "beheerder",
            "user.access",
            "portal.user",
            str(user.pk),
            {"is_staff": [False, True], "groups": [[], ["Reviewers"]]},
        )
    ]


def test_create_user_command_records_the_role_grants(municipality):
    call_command(
        "create_user",
        "recensent",
        "--email=r@example.org",
        "--password=Xq9!zv-lang-2031",
        "--role=reviewer",
    )
    call_command(
        "create_user",
        "inkoop",
        "--email=i@example.org",
        "--password=Xq9!zv-lang-2031",
        "--role=buyer",
        "--municipality=GM0344",
    )

    membership = BuyerMembership.objects.get(user__username="inkoop")
    assert [(e[0], e[1], e[2], e[4]) for e in entries()] == [
        ("", "user.access", "portal.user", {"groups": [[], ["Reviewers"]]}),
        (
            "",
            "buyer_membership.request",
            "municipalities.buyermembership",
            {
                "user": [None, membership.user_id],
                "municipality": [None, municipality.pk],
                "status": [None, "requested"],
            },
        ),
        (
            "",
            "buyer_membership.approve",
            "municipalities.buyermembership",
            {"status": ["requested", "approved"]},
        ),
    ]
