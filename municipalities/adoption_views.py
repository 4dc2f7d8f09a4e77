"""The adoption pages: record, show, change and evaluate an adoption (its municipality's
buyers), and the reviewers' verification queue and decision."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.exceptions import TransitionNotAllowed
from core.forms import form_page
from innovations.models import Innovation

from . import adoptions, evaluations, selectors
from .access import (
    adoption_verify_conflict,
    buyer_municipality,
    can_act_for,
    can_verify_adoptions,
    get_adoption_for_viewer,
    get_adoption_to_manage,
    require_verifier,
)
from .enums import Verification
from .forms import (
    AdoptionForm,
    AdoptionUpdateForm,
    EvaluationForm,
    VerifyForm,
)
from .models import Adoption

PAGE_SIZE = 25


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
    else:
        initial = {
            "contact_name": request.user.get_full_name(),
            "contact_email": request.user.email,
        }
        form = AdoptionForm(choose_municipality=choose, initial=initial)

    def act(form):
        data = form.cleaned_data
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
        messages.success(
            request,
            _("The adoption is recorded. A reviewer will verify it; until then only you see it."),
        )
        return redirect("municipalities:adoption_detail", adoption.pk)

    return form_page(
        request,
        form,
        act,
        template="municipalities/adoption_form.html",
        context={"innovation": innovation, "municipality": municipality},
        invalid_message=_("The adoption was not recorded; please correct the errors."),
    )


def adoption_detail(request, pk):
    adoption = get_adoption_for_viewer(request.user, pk)
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
    adoption = get_adoption_to_manage(request.user, pk)
    waiting = adoptions.adoption_waiting_change(adoption)
    form = AdoptionUpdateForm.for_adoption(adoption, request.POST or None, waiting=waiting)
    before = adoption.verification

    def act(form):
        saved = adoptions.adoption_update(user=request.user, adoption=adoption, **form.cleaned_data)
        now_waiting = adoptions.adoption_waiting_change(saved)
        if now_waiting is not None and now_waiting != waiting:
            messages.success(
                request,
                _(
                    "Saved. A reviewer will check the change; until then the adoption "
                    "stays public as it was verified."
                ),
            )
        elif now_waiting is not None:
            messages.success(request, _("Saved. The change still waits for a reviewer."))
        elif before == Verification.REJECTED and saved.verification != before:
            messages.success(request, _("Saved. A reviewer will check the adoption again."))
        else:
            messages.success(request, _("The adoption is saved."))
        return redirect("municipalities:adoption_detail", saved.pk)

    return form_page(
        request,
        form,
        act,
        template="municipalities/adoption_update.html",
        context={"adoption": adoption},
        invalid_message=_("Nothing was saved; please correct the errors."),
    )


@login_required
def adoption_evaluate(request, pk):
    adoption = get_adoption_to_manage(request.user, pk)
    form = EvaluationForm.for_adoption(adoption, request.POST or None)

    def act(form):
        evaluations.evaluation_save(user=request.user, adoption=adoption, **form.cleaned_data)
        messages.success(request, _("Thank you: your evaluation is saved."))
        return redirect("municipalities:adoption_detail", adoption.pk)

    return form_page(
        request,
        form,
        act,
        template="municipalities/evaluation_form.html",
        context={"adoption": adoption},
        invalid_message=_("Nothing was saved; please correct the errors."),
    )


@login_required
def verify_queue(request):
    """Claimed adoptions waiting for verification, oldest first."""
    require_verifier(request.user)
    page = Paginator(selectors.verification_queue(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "municipalities/verify_queue.html", {"page": page, "querystring": ""})


@login_required
def adoption_verify(request, pk):
    require_verifier(request.user)
    adoption = get_object_or_404(
        Adoption.objects.select_related("municipality", "innovation__supplier", "claimed_by"),
        pk=pk,
    )
    conflict = adoption_verify_conflict(user=request.user, adoption=adoption)
    if conflict:
        # Refused like any action not granted (DESIGN.md, roles): 403, with the reason.
        raise PermissionDenied(conflict)
    form = VerifyForm(request.POST or None)

    def act(form):
        try:
            adoptions.adoption_verify(
                user=request.user,
                adoption=adoption,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )
        except TransitionNotAllowed as error:
            messages.error(request, str(error))
            return redirect("municipalities:verify_queue")
        if form.cleaned_data["decision"] == "verify":
            messages.success(request, _("Verified: %(adoption)s.") % {"adoption": adoption})
        else:
            messages.success(request, _("Rejected: %(adoption)s.") % {"adoption": adoption})
        return redirect("municipalities:verify_queue")

    return form_page(
        request,
        form,
        act,
        template="municipalities/verify_detail.html",
        context=lambda: {
            "adoption": adoption,
            "change": adoptions.adoption_waiting_change(adoption),
            "evaluation": getattr(adoption, "evaluation", None),
            "history": adoption.stage_changes.all(),
            "other_adopters": Adoption.objects.verified()
            .filter(innovation=adoption.innovation)
            .exclude(pk=adoption.pk)
            .count(),
        },
        invalid_message=_("No decision was recorded; please correct the errors."),
    )
