"""factory_boy factories for every model, shared by all test folders."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from core.countries import province_code_for
from innovations.domain_links import innovation_domains_set
from innovations.enums import Route, Status
from innovations.models import Innovation, Supplier, SupplierMember
from municipalities.adoption_facts import adoption_facts_refresh, pilot_outcome_refresh
from municipalities.enums import MembershipStatus, Stage, Verification, size_class_for
from municipalities.models import Adoption, BuyerMembership, Challenge, Municipality

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier

    name = factory.Sequence(lambda n: f"Leverancier {n} B.V.")
    slug = factory.Sequence(lambda n: f"leverancier-{n}")
    registration_number = factory.Sequence(lambda n: f"{10000000 + n}")
    website = "https://example.org"


class SupplierMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierMember

    supplier = factory.SubFactory(SupplierFactory)
    user = factory.SubFactory(UserFactory)


def supplier_user(supplier=None, **kwargs):
    """A user who is a member of `supplier` (a new one if not given)."""
    member = SupplierMemberFactory(
        supplier=supplier or SupplierFactory(), user=UserFactory(**kwargs)
    )
    return member.user


def reviewer_user(**kwargs):
    user = UserFactory(**kwargs)
    user.user_permissions.add(
        Permission.objects.get(codename="review_innovation"),
        Permission.objects.get(codename="verify_adoption"),
    )
    return get_user_model().objects.get(pk=user.pk)  # fresh, without a permission cache


def admin_user(**kwargs):
    return UserFactory(is_staff=True, is_superuser=True, **kwargs)


class InnovationFactory(factory.django.DjangoModelFactory):
    """A complete innovation; pass status=... for other states (default: approved)."""

    class Meta:
        model = Innovation
        skip_postgeneration_save = True

    supplier = factory.SubFactory(SupplierFactory)
    # Kept with the supplier by the services (innovation_supplier_size_sync).
    supplier_size = factory.LazyAttribute(lambda innovation: innovation.supplier.size)
    title = factory.Sequence(lambda n: f"Innovatie {n}")
    slug = factory.Sequence(lambda n: f"innovatie-{n}")
    summary = "Een slimme oplossing voor gemeenten."
    description = "Uitgebreide beschrijving van de oplossing, de werking en de resultaten."
    route = Route.MARKET_READY
    maturity = 7
    price_indication = "€ 10.000 per jaar"
    evidence = "Pilot in twee gemeenten met een evaluatierapport."
    references = "Gemeente Voorbeeld"
    contact_name = "Jan Jansen"
    contact_email = "jan@example.org"
    status = Status.APPROVED
    published_at = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC))

    @factory.post_generation
    def domains(obj, create, extracted, **kwargs):
        if create:
            codes = extracted if extracted is not None else ["energy"]
            # Through the service that also keeps the domain bits the catalogue filters on.
            innovation_domains_set(innovation=obj, codes=codes)


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"GM9{n:03d}")
    name = factory.Sequence(lambda n: f"Testgemeente {n}")
    slug = factory.Sequence(lambda n: f"testgemeente-{n}")
    country = "NL"
    province = "Utrecht"
    province_code = factory.LazyAttribute(lambda m: province_code_for(m.country, m.province))
    population = 45000
    size_class = factory.LazyAttribute(lambda m: size_class_for(m.population))


def buyer_user(municipality=None, **kwargs):
    """A user who is an approved buyer of `municipality` (a new one if not given)."""
    user = UserFactory(**kwargs)
    BuyerMembership.objects.create(
        user=user,
        municipality=municipality or MunicipalityFactory(),
        status=MembershipStatus.APPROVED,
    )
    return user


class AdoptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Adoption

    municipality = factory.SubFactory(MunicipalityFactory)
    innovation = factory.SubFactory(InnovationFactory)
    stage = Stage.PILOT
    started_on = datetime.date(2024, 3, 1)
    stage_since = factory.LazyAttribute(lambda a: a.started_on)
    evidence_reference = "TN123456"
    verification = Verification.VERIFIED

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        adoption = super()._create(model_class, *args, **kwargs)
        # As the services do in the same transaction: the catalogue's facts about the
        # innovation (adoption count, adopters' provinces) follow its verified adoptions.
        adoption_facts_refresh(innovation_ids=[adoption.innovation_id])
        pilot_outcome_refresh(adoption_ids=[adoption.pk])
        adoption.refresh_from_db(fields=["pilot_outcome"])
        return adoption


class ChallengeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Challenge

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"Uitdaging {n}")
    problem_statement = "Wij zoeken een manier om energie te besparen in gemeentelijk vastgoed."
    domain = "energy"
    deadline = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=60))
