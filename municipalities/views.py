from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.countries import Country, Province, provinces_by_country
from core.exceptions import TransitionNotAllowed
from innovations.access import supplier_for
from innovations.models import Innovation

from . import adoptions, challenges, evaluations, pilots, selectors
from .access import (
    adoption_verify_conflict,
    buyer_municipality,
    can_act_for,
    can_verify_adoptions,
)
from .enums import Verification
from .filters import UNKNOWN_COUNTRY, UNKNOWN_PROVINCE, ChallengeFilter
from .forms import (
    AdoptionForm,
    AdoptionUpdateForm,
    ChallengeForm,
    EvaluationForm,
    ResponseForm,
    ResponseMarkForm,
    VerifyForm,
)
from .models import Adoption, Challenge, ChallengeResponse, Municipality

PAGE_SIZE = 25


def municipality_list(request):
    """All municipalities, filterable by country and province (ISO 3166-2 code), searchable
    by name. An unknown country or province is said, and left out."""
    queryset = Municipality.objects.all()
    country = request.GET.get("country", "")
    province = request.GET.get("province", "")
    query = request.GET.get("q", "").strip()[:100]
    if country in Country.values:
        queryset = queryset.filter(country=country)
    elif country:
        messages.error(request, UNKNOWN_COUNTRY % {"value": country[:40]})
        country = ""
    if province in Province.values:
        queryset = queryset.filter(province_code=province)
    elif province:
        messages.error(request, UNKNOWN_PROVINCE % {"value": province[:40]})
        province = ""
    if query:
        queryset = queryset.filter(name__icontains=query)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "municipalities/list.html",
        {
            "page": page,
            "countries": Country.choices,
            "provinces": provinces_by_country(country),
            "country": country,
            "province": province,
            "query": query,
            "querystring": params.urlencode(),
        },
    )


ADOPTIONS_PER_PAGE = 50
# Finished pilots with their outcome, the most recent first (all of them are also in the
# pages of adoptions).
FINISHED_PILOTS_SHOWN = 50


def municipality_detail(request, slug):
    """A municipality's profile: its verified adoptions and its open challenges."""
    municipality = get_object_or_404(Municipality, slug=slug)
    # The most advanced first, in pages: a large municipality has thousands, and drawing
    # them all cost seconds (docs/performance.md).
    paginator = Paginator(selectors.municipality_adoptions(municipality), ADOPTIONS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    public_pilots = Adoption.objects.public().filter(municipality=municipality)
    return render(
        request,
        "municipalities/detail.html",
        {
            "municipality": municipality,
            "adoptions": page,
            "adoption_count": paginator.count,
            "challenges": list(selectors.open_challenges().filter(municipality=municipality)),
            "is_own": can_act_for(request.user, municipality) and not request.user.is_superuser,
            # How its pilots ended (verified adoptions of published innovations).
            "pilots": pilots.pilot_outcomes(public_pilots),
            "finished_pilots": pilots.finished_pilots(public_pilots, limit=FINISHED_PILOTS_SHOWN),
        },
    )


def _querystring(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _own_municipality(request) -> Municipality:
    municipality = buyer_municipality(request.user)
    if municipality is None:
        raise PermissionDenied(_("Only municipal buyers can do this."))
    return municipality


def _adoption_for_viewer(user, pk) -> Adoption:
    """A verified public adoption for anyone; any adoption for its municipality's buyers,
    reviewers and administrators; 404 otherwise."""
    adoption = get_object_or_404(
        Adoption.objects.select_related("municipality", "innovation__supplier", "verified_by"),
        pk=pk,
    )
    public = adoption.verification == Verification.VERIFIED and (
        Innovation.objects.approved().filter(pk=adoption.innovation_id).exists()
    )
    if public or can_act_for(user, adoption.municipality) or can_verify_adoptions(user):
        return adoption
    raise Http404


def _adoption_to_manage(user, pk) -> Adoption:
    adoption = _adoption_for_viewer(user, pk)
    if not can_act_for(user, adoption.municipality):
        raise PermissionDenied(_("Only buyers of this municipality can change its adoptions."))
    return adoption


# --- The buyer's municipality -------------------------------------------------------------


@login_required
def my_municipality(request):
    """The buyer's overview: every adoption of their municipality in any verification
    state, and its challenges."""
    municipality = _own_municipality(request)
    page = Paginator(selectors.own_adoptions(municipality), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "municipalities/mine.html",
        {
            "municipality": municipality,
            "page": page,
            "querystring": "",
            "challenges": list(selectors.own_challenges(municipality)[:50]),
            "suggestions": list(selectors.used_by_similar_municipalities(municipality)),
        },
    )


# --- Adoptions ----------------------------------------------------------------------------


@login_required
def adoption_create(request, innovation_slug):
    """Record that the buyer's municipality uses an approved innovation."""
    innovation = get_object_or_404(
        Innovation.objects.approved().select_related("supplier"), slug=innovation_slug
    )
    municipality = buyer_municipality(request.user)
    if municipality is None and not request.user.is_superuser:
        raise PermissionDenied(_("Only municipal buyers can record adoptions."))
    if municipality is not None:
        existing = Adoption.objects.filter(municipality=municipality, innovation=innovation).first()
        if existing is not None:
            messages.info(
                request, _("Your municipality has already recorded this adoption; update it here.")
            )
            return redirect("municipalities:adoption_detail", existing.pk)
    choose = municipality is None  # an administrator names the municipality
    if request.method == "POST":
        form = AdoptionForm(request.POST, choose_municipality=choose)
        if form.is_valid():
            data = form.cleaned_data
            try:
                adoption = adoptions.adoption_record(
                    user=request.user,
                    municipality=data.get("municipality") or municipality,
                    innovation=innovation,
                    stage=data["stage"],
                    started_on=data["started_on"],
                    evidence_reference=data["evidence_reference"],
                    evidence_description=data["evidence_description"],
                    contact_name=data["contact_name"],
                    contact_email=data["contact_email"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _(
                        "The adoption is recorded. A reviewer will verify it; "
                        "until then only you see it."
                    ),
                )
                return redirect("municipalities:adoption_detail", adoption.pk)
        messages.error(request, _("The adoption was not recorded; please correct the errors."))
        status = 400
    else:
        status = 200
        form = AdoptionForm(
            choose_municipality=choose,
            initial={
                "contact_name": request.user.get_full_name(),
                "contact_email": request.user.email,
            },
        )
    return render(
        request,
        "municipalities/adoption_form.html",
        {"form": form, "innovation": innovation, "municipality": municipality},
        status=status,
    )


def adoption_detail(request, pk):
    adoption = _adoption_for_viewer(request.user, pk)
    may_manage = can_act_for(request.user, adoption.municipality)
    may_see_internal = may_manage or can_verify_adoptions(request.user)
    latest_change = adoption.changes.order_by("-created_at", "-id").first()
    if latest_change is not None and latest_change.status == Verification.VERIFIED:
        latest_change = None  # it is the verified state now
    return render(
        request,
        "municipalities/adoption_detail.html",
        {
            "adoption": adoption,
            "evaluation": getattr(adoption, "evaluation", None),
            "history": adoption.stage_changes.select_related("changed_by"),
            # The buyer's latest claimed change: waiting, or the rejected one with its note.
            "change": latest_change
            if latest_change and latest_change.status != "verified"
            else None,
            "may_manage": may_manage,
            "may_see_internal": may_see_internal,
            "show_contact": may_see_internal or buyer_municipality(request.user) is not None,
        },
    )


@login_required
def adoption_update(request, pk):
    """Change the stage (with its date), the dates, the evidence or the contact."""
    adoption = _adoption_to_manage(request.user, pk)
    waiting = adoptions.adoption_waiting_change(adoption)
    form = AdoptionUpdateForm.for_adoption(adoption, request.POST or None, waiting=waiting)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            before = adoption.verification
            try:
                adoption = adoptions.adoption_update(user=request.user, adoption=adoption, **data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                now_waiting = adoptions.adoption_waiting_change(adoption)
                if now_waiting is not None and now_waiting != waiting:
                    messages.success(
                        request,
                        _(
                            "Saved. A reviewer will check the change; until then the adoption "
                            "stays public as it was verified."
                        ),
                    )
                elif now_waiting is not None:
                    messages.success(
                        request,
                        _("Saved. The change still waits for a reviewer."),
                    )
                elif before == Verification.REJECTED and adoption.verification != before:
                    messages.success(request, _("Saved. A reviewer will check the adoption again."))
                else:
                    messages.success(request, _("The adoption is saved."))
                return redirect("municipalities:adoption_detail", adoption.pk)
        messages.error(request, _("Nothing was saved; please correct the errors."))
        status = 400
    return render(
        request,
        "municipalities/adoption_update.html",
        {"form": form, "adoption": adoption},
        status=status,
    )


@login_required
def adoption_evaluate(request, pk):
    adoption = _adoption_to_manage(request.user, pk)
    form = EvaluationForm.for_adoption(adoption, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                evaluations.evaluation_save(
                    user=request.user, adoption=adoption, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Thank you: your evaluation is saved."))
                return redirect("municipalities:adoption_detail", adoption.pk)
        messages.error(request, _("Nothing was saved; please correct the errors."))
        status = 400
    return render(
        request,
        "municipalities/evaluation_form.html",
        {"form": form, "adoption": adoption},
        status=status,
    )


# --- Verification -------------------------------------------------------------------------


def _require_verifier(user) -> None:
    if not can_verify_adoptions(user):
        raise PermissionDenied(_("Only reviewers can verify adoptions."))


@login_required
def verify_queue(request):
    """Claimed adoptions waiting for verification, oldest first."""
    _require_verifier(request.user)
    page = Paginator(selectors.verification_queue(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "municipalities/verify_queue.html", {"page": page, "querystring": ""})


@login_required
def adoption_verify(request, pk):
    _require_verifier(request.user)
    adoption = get_object_or_404(
        Adoption.objects.select_related("municipality", "innovation__supplier", "claimed_by"),
        pk=pk,
    )
    conflict = adoption_verify_conflict(user=request.user, adoption=adoption)
    if conflict:
        # Refused like any action not granted (DESIGN.md, roles): 403, with the reason.
        raise PermissionDenied(conflict)
    form = VerifyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                adoptions.adoption_verify(
                    user=request.user,
                    adoption=adoption,
                    decision=form.cleaned_data["decision"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            except TransitionNotAllowed as error:
                messages.error(request, str(error))
                return redirect("municipalities:verify_queue")
            else:
                if form.cleaned_data["decision"] == "verify":
                    messages.success(request, _("Verified: %(adoption)s.") % {"adoption": adoption})
                else:
                    messages.success(request, _("Rejected: %(adoption)s.") % {"adoption": adoption})
                return redirect("municipalities:verify_queue")
        messages.error(request, _("No decision was recorded; please correct the errors."))
        status = 400
    return render(
        request,
        "municipalities/verify_detail.html",
        {
            "adoption": adoption,
            "change": adoptions.adoption_waiting_change(adoption),
            "form": form,
            "evaluation": getattr(adoption, "evaluation", None),
            "history": adoption.stage_changes.all(),
            "other_adopters": Adoption.objects.verified()
            .filter(innovation=adoption.innovation)
            .exclude(pk=adoption.pk)
            .count(),
        },
        status=status,
    )


# --- Challenges ---------------------------------------------------------------------------


def challenge_list(request):
    """Open challenges, filterable by domain, country and province."""
    filterset = ChallengeFilter(request.GET, queryset=selectors.open_challenges())
    if not filterset.is_valid():
        # A shared link with a value that no longer exists: drop it, say so, show the rest.
        messages.warning(
            request,
            _("Some filter values do not exist and were ignored: %(fields)s.")
            % {
                "fields": ", ".join(
                    str(filterset.form.fields[name].label) for name in sorted(filterset.errors)
                )
            },
        )
        params = QueryDict(mutable=True)
        for key, values in request.GET.lists():
            if key not in filterset.errors:
                params.setlist(key, values)
        filterset = ChallengeFilter(params, queryset=selectors.open_challenges())
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "municipalities/challenge_list.html",
        {
            "filter": filterset,
            "page": page,
            "querystring": _querystring(request),
            "may_post": buyer_municipality(request.user) is not None,
        },
    )


def _challenge_for_viewer(user, pk) -> Challenge:
    """Open challenges for anyone; closed or expired ones only for their municipality."""
    challenge = get_object_or_404(Challenge.objects.select_related("municipality"), pk=pk)
    if challenges.challenge_is_open(challenge) or can_act_for(user, challenge.municipality):
        return challenge
    raise Http404


def challenge_detail(request, pk):
    challenge = _challenge_for_viewer(request.user, pk)
    return _render_challenge(request, challenge)


def _render_challenge(request, challenge, status: int = 200):
    is_owner = can_act_for(request.user, challenge.municipality)
    supplier = supplier_for(request.user)
    responses = challenge.responses.select_related("innovation__supplier")
    own_responses = []
    if supplier is not None:
        own_responses = [r for r in responses if r.innovation.supplier_id == supplier.pk]
    return render(
        request,
        "municipalities/challenge_detail.html",
        {
            "challenge": challenge,
            "is_open": challenges.challenge_is_open(challenge),
            "is_owner": is_owner,
            "responses": list(responses) if is_owner else [],
            "response_count": len(responses),
            "own_responses": own_responses,
            "may_respond": supplier is not None,
            "suggestions": selectors.challenge_suggestions(challenge),
        },
        status=status,
    )


@login_required
def challenge_create(request):
    municipality = buyer_municipality(request.user)
    if municipality is None and not request.user.is_superuser:
        raise PermissionDenied(_("Only municipal buyers can post challenges."))
    form = ChallengeForm(request.POST or None, choose_municipality=municipality is None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                challenge = challenges.challenge_post(
                    user=request.user,
                    municipality=data.pop("municipality", None) or municipality,
                    **data,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your challenge is published."))
                return redirect("municipalities:challenge_detail", challenge.pk)
        messages.error(request, _("The challenge was not published; please correct the errors."))
        status = 400
    return render(
        request,
        "municipalities/challenge_form.html",
        {"form": form, "municipality": municipality},
        status=status,
    )


@login_required
def challenge_respond(request, pk):
    challenge = _challenge_for_viewer(request.user, pk)
    supplier = supplier_for(request.user)
    if supplier is None:
        raise PermissionDenied(_("Only suppliers can answer challenges."))
    if not challenges.challenge_is_open(challenge):
        messages.error(request, _("This challenge no longer takes answers."))
        return redirect("municipalities:challenge_detail", challenge.pk)
    form = ResponseForm(request.POST or None, supplier=supplier)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                challenges.challenge_respond(
                    user=request.user,
                    challenge=challenge,
                    innovation=form.cleaned_data["innovation"],
                    pitch=form.cleaned_data["pitch"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            except TransitionNotAllowed as error:
                messages.error(request, str(error))
                return redirect("municipalities:challenge_detail", challenge.pk)
            else:
                message = _("Your answer is sent to %(name)s.")
                messages.success(request, message % {"name": challenge.municipality})
                return redirect("municipalities:challenge_detail", challenge.pk)
        messages.error(request, _("Your answer was not sent; please correct the errors."))
        status = 400
    return render(
        request,
        "municipalities/challenge_respond.html",
        {
            "form": form,
            "challenge": challenge,
            "has_innovations": form.fields["innovation"].queryset.exists(),
        },
        status=status,
    )


@login_required
def challenge_close(request, pk):
    """Ask for confirmation (GET), then close the challenge (POST)."""
    challenge = _challenge_for_viewer(request.user, pk)
    if not can_act_for(request.user, challenge.municipality):
        raise PermissionDenied(_("Only buyers of this municipality can close its challenges."))
    if request.method == "POST":
        try:
            challenges.challenge_close(user=request.user, challenge=challenge)
        except TransitionNotAllowed as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The challenge is closed."))
        return redirect("municipalities:challenge_detail", challenge.pk)
    return render(request, "municipalities/challenge_close.html", {"challenge": challenge})


@login_required
@require_POST
def response_mark(request, pk):
    response = get_object_or_404(
        ChallengeResponse.objects.select_related("challenge__municipality"), pk=pk
    )
    if not can_act_for(request.user, response.challenge.municipality):
        raise PermissionDenied(_("Only buyers of this municipality can mark its answers."))
    form = ResponseMarkForm(request.POST)
    if form.is_valid():
        challenges.challenge_response_mark(
            user=request.user, response=response, status=form.cleaned_data["status"]
        )
        messages.success(request, _("The answer is marked."))
    else:
        messages.error(request, _("Choose interesting or declined."))
        return _render_challenge(request, response.challenge, status=400)
    url = reverse("municipalities:challenge_detail", args=[response.challenge_id])
    return redirect(f"{url}#response-{response.pk}")
