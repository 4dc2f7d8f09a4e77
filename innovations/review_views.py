"""The reviewers' pages: the review queue, an innovation under review, claiming it and
deciding on it (innovations.workflow performs both). Thin: access helpers, forms, then
the workflow."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.forms import form_page
from core.pages import querystring_without_page

from . import selectors
from .access import (
    claim_allows_decision,
    get_innovation_for_review,
    is_reviewer,
    may_review,
)
from .enums import Status
from .forms import (
    QueueFilterForm,
    ReviewForm,
)
from .models import CONTENT_FIELDS
from .selectors import current_round_reviews
from .workflow import (
    APPROVE,
    CLAIM,
    TransitionNotAllowed,
    innovation_transition,
    required_approvals,
)

PAGE_SIZE = 20
DECISION_RECORDED = {
    Status.APPROVED: gettext_lazy("Decision recorded: the innovation is approved and published."),
    Status.CHANGES_REQUESTED: gettext_lazy(
        "Decision recorded: the supplier is asked to change the innovation."
    ),
    Status.REJECTED: gettext_lazy("Decision recorded: the innovation is rejected."),
}


@login_required
def review_queue(request):
    """Submitted and in-review innovations, oldest first, filterable."""
    if not is_reviewer(request.user):
        raise PermissionDenied(_("The review queue is for reviewers."))
    filters = QueueFilterForm(request.GET)
    if filters.is_valid():
        values = filters.cleaned_data
    else:
        messages.warning(request, _("Some filters were not understood and are ignored."))
        values = {
            name: filters.cleaned_data.get(name, "")
            for name in ("status", "domain", "age", "assigned")
        }
        filters = QueueFilterForm(values)
        filters.is_valid()
    queryset = selectors.review_queue(
        user=request.user,
        states=[values["status"]] if values.get("status") else None,
        domain=values.get("domain", ""),
        older_than_days=int(values["age"]) if values.get("age") else None,
        assigned=values.get("assigned", ""),
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "innovations/review_queue.html",
        {
            "filters": filters,
            "page": page,
            "required_approvals": required_approvals(),
            "querystring": querystring_without_page(request),
        },
    )


def _review_context(request, innovation, form=None):
    user = request.user
    round_reviews = list(current_round_reviews(innovation).select_related("reviewer"))
    approvals = [r for r in round_reviews if r.decision == APPROVE]
    approved_by_me = innovation.status == Status.IN_REVIEW and any(
        r.reviewer_id == user.pk for r in approvals
    )
    original = innovation.revision_of
    changes = []
    if original is not None:
        for name in CONTENT_FIELDS:
            old, new = getattr(original, name), getattr(innovation, name)
            if old != new:
                field = innovation._meta.get_field(name)
                changes.append({"label": field.verbose_name, "old": old, "new": new})
        old_domains = {d.code for d in original.domains.all()}
        new_domains = {d.code for d in innovation.domains.all()}
        if old_domains != new_domains:
            changes.append(
                {
                    "label": _("domains"),
                    "old": ", ".join(str(d) for d in original.domains.all()),
                    "new": ", ".join(str(d) for d in innovation.domains.all()),
                }
            )
    can_review = may_review(user, innovation)
    can_claim = (
        can_review
        and not approved_by_me
        and (
            innovation.status == Status.SUBMITTED
            or (innovation.status == Status.IN_REVIEW and innovation.assigned_reviewer_id is None)
        )
    )
    can_decide = (
        can_review
        and innovation.status == Status.IN_REVIEW
        and claim_allows_decision(user, innovation)
    )
    return {
        "innovation": innovation,
        "domains": innovation.domains.all(),
        "reviews": innovation.reviews.select_related("reviewer").order_by("created_at", "id"),
        "history": selectors.history(innovation),
        "changes": changes,
        "original": original,
        "approvals": len(approvals),
        "required_approvals": required_approvals(),
        "approved_by_me": approved_by_me,
        "can_claim": can_claim,
        "can_decide": can_decide,
        "form": form if form is not None else ReviewForm(),
    }


@login_required
def review_detail(request, pk):
    innovation = get_innovation_for_review(request.user, pk)
    return render(request, "innovations/review_detail.html", _review_context(request, innovation))


@login_required
@require_POST
def review_claim(request, pk):
    innovation = get_innovation_for_review(request.user, pk)
    try:
        innovation_transition(innovation=innovation, user=request.user, action=CLAIM)
    except TransitionNotAllowed as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You have claimed this innovation. It is yours to review."))
    return redirect("review:detail", innovation.pk)


@login_required
@require_POST
def review_decide(request, pk):
    innovation = get_innovation_for_review(request.user, pk)
    form = ReviewForm(request.POST)

    def act(form):
        try:
            result = innovation_transition(
                innovation=innovation,
                user=request.user,
                action=form.cleaned_data["decision"],
                scores=form.scores(),
                feedback=form.cleaned_data["feedback"],
                internal_note=form.cleaned_data["internal_note"],
            )
        except TransitionNotAllowed:
            innovation.refresh_from_db()  # the page shows the state that refused (409)
            raise
        if result.status == Status.IN_REVIEW:
            messages.success(
                request,
                _("Your approval is recorded. Another reviewer's approval is still needed."),
            )
        else:
            messages.success(request, DECISION_RECORDED[result.status])
        return redirect("review:queue")

    return form_page(
        request,
        form,
        act,
        template="innovations/review_detail.html",
        context=lambda: _review_context(request, innovation, form),
    )
