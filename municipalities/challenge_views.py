"""The challenge pages: the public list and page, posting and closing (buyers), answering
(suppliers) and marking the answers (buyers)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import TransitionNotAllowed
from core.forms import form_page
from core.pages import querystring_without_page
from innovations.access import supplier_for

from . import challenges, matchmaking, selectors
from .access import (
    buyer_municipality,
    can_act_for,
    challenge_is_open,
    get_challenge_for_viewer,
)
from .filters import ChallengeFilter, page_filterset
from .forms import (
    ChallengeForm,
    ResponseForm,
    ResponseMarkForm,
)
from .models import ChallengeResponse

PAGE_SIZE = 25


def challenge_list(request):
    """Open challenges, filterable by domain, country and province."""
    filterset = page_filterset(request, ChallengeFilter, selectors.open_challenges())
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "municipalities/challenge_list.html",
        {
            "filter": filterset,
            "page": page,
            "querystring": querystring_without_page(request),
            "may_post": buyer_municipality(request.user) is not None,
        },
    )


def challenge_detail(request, pk):
    challenge = get_challenge_for_viewer(request.user, pk)
    return render(
        request, "municipalities/challenge_detail.html", _challenge_context(request, challenge)
    )


def _challenge_context(request, challenge) -> dict:
    is_owner = can_act_for(request.user, challenge.municipality)
    supplier = supplier_for(request.user)
    responses = challenge.responses.select_related("innovation__supplier")
    own_responses = []
    if supplier is not None:
        own_responses = [r for r in responses if r.innovation.supplier_id == supplier.pk]
    return {
        "challenge": challenge,
        "is_open": challenge_is_open(challenge),
        "is_owner": is_owner,
        "responses": list(responses) if is_owner else [],
        "response_count": len(responses),
        "own_responses": own_responses,
        "may_respond": supplier is not None,
        "suggestions": matchmaking.challenge_suggestions(challenge),
    }


@login_required
def challenge_create(request):
    municipality = buyer_municipality(request.user)
    if municipality is None and not request.user.is_superuser:
        raise PermissionDenied(_("Only municipal buyers can post challenges."))
    form = ChallengeForm(request.POST or None, choose_municipality=municipality is None)

    def act(form):
        data = dict(form.cleaned_data)
        challenge = challenges.challenge_post(
            user=request.user, municipality=data.pop("municipality", None) or municipality, **data
        )
        messages.success(request, _("Your challenge is published."))
        return redirect("municipalities:challenge_detail", challenge.pk)

    return form_page(
        request,
        form,
        act,
        template="municipalities/challenge_form.html",
        context={"municipality": municipality},
        invalid_message=_("The challenge was not published; please correct the errors."),
    )


@login_required
def challenge_respond(request, pk):
    challenge = get_challenge_for_viewer(request.user, pk)
    supplier = supplier_for(request.user)
    if supplier is None:
        raise PermissionDenied(_("Only suppliers can answer challenges."))
    if not challenge_is_open(challenge):
        messages.error(request, _("This challenge no longer takes answers."))
        return redirect("municipalities:challenge_detail", challenge.pk)
    form = ResponseForm(request.POST or None, supplier=supplier)

    def act(form):
        try:
            challenges.challenge_respond(
                user=request.user,
                challenge=challenge,
                innovation=form.cleaned_data["innovation"],
                pitch=form.cleaned_data["pitch"],
            )
        except TransitionNotAllowed as error:
            messages.error(request, str(error))
            return redirect("municipalities:challenge_detail", challenge.pk)
        message = _("Your answer is sent to %(name)s.")
        messages.success(request, message % {"name": challenge.municipality})
        return redirect("municipalities:challenge_detail", challenge.pk)

    return form_page(
        request,
        form,
        act,
        template="municipalities/challenge_respond.html",
        context=lambda: {
            "challenge": challenge,
            "has_innovations": form.fields["innovation"].queryset.exists(),
        },
        invalid_message=_("Your answer was not sent; please correct the errors."),
    )


@login_required
def challenge_close(request, pk):
    """Ask for confirmation (GET), then close the challenge (POST)."""
    challenge = get_challenge_for_viewer(request.user, pk)
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

    def act(form):
        challenges.challenge_response_mark(
            user=request.user, response=response, status=form.cleaned_data["status"]
        )
        messages.success(request, _("The answer is marked."))
        url = reverse("municipalities:challenge_detail", args=[response.challenge_id])
        return redirect(f"{url}#response-{response.pk}")

    return form_page(
        request,
        form,
        act,
        template="municipalities/challenge_detail.html",
        context=lambda: _challenge_context(request, response.challenge),
        invalid_message=_("Choose interesting or declined."),
    )
