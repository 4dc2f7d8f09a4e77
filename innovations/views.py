"""Supplier pages (organisation, own innovations, drafts, submit, withdraw) and reviewer
pages (queue, review, claim, decide). Thin: access helpers, forms, then a service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import selectors
from .access import get_innovation_for_supplier, is_reviewer, supplier_for
from .enums import Status
from .forms import (
    InnovationForm,
    QueueFilterForm,
    ReviewForm,
    SupplierChoiceForm,
    SupplierForm,
    SupplierStatusFilterForm,
)
from .models import Supplier
from .services import innovation_create, innovation_update, supplier_update
from .workflow import (
    APPROVE,
    CLAIM,
    CONTENT_FIELDS,
    EDITABLE_STATES,
    OPEN_STATES,
    REQUIRED_FOR_SUBMISSION,
    SUBMIT,
    WITHDRAW,
    TransitionNotAllowed,
    claim_allows_decision,
    current_round_reviews,
    get_innovation_for_review,
    innovation_transition,
    may_review,
    missing_for_submission,
    required_approvals,
)

PAGE_SIZE = 20
# What a reviewer's decision did, said as a sentence (a status name does not fit into one).
DECISION_RECORDED = {
    Status.APPROVED: gettext_lazy("Decision recorded: the innovation is approved and published."),
    Status.CHANGES_REQUESTED: gettext_lazy(
        "Decision recorded: the supplier is asked to change the innovation."
    ),
    Status.REJECTED: gettext_lazy("Decision recorded: the innovation is rejected."),
}


def _require_supplier_role(user) -> Supplier | None:
    """The user's supplier; None for an administrator without one; 403 for anyone else."""
    supplier = supplier_for(user)
    if supplier is None and not user.is_superuser:
        raise PermissionDenied(_("This page is for suppliers."))
    return supplier


def _get_own_innovation(user, pk):
    _require_supplier_role(user)
    return get_innovation_for_supplier(user, pk)


def _add_service_errors(form, error: ValidationError) -> None:
    """Attach a service's ValidationError to the form's fields (or the form as a whole)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, field_messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, field_messages)


def _querystring(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --- Supplier -------------------------------------------------------------------------------


@login_required
def organisation(request):
    """The supplier's organisation profile."""
    supplier = supplier_for(request.user)
    if supplier is None:
        raise PermissionDenied(_("This page is for members of a supplier organisation."))
    instance = Supplier.objects.get(pk=supplier.pk)
    waiting = instance.change_requested_at is not None
    # A requested name or number is what the member last asked for: the form shows it.
    initial = (
        {"name": instance.pending_name, "registration_number": instance.pending_registration_number}
        if waiting
        else None
    )
    form = SupplierForm(request.POST or None, instance=instance, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                row = supplier_update(supplier=instance, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                if row.change_requested_at is not None:
                    messages.success(
                        request,
                        _(
                            "Your organisation's details have been saved. The new name or "
                            "number shows next to your innovations once a reviewer has "
                            "checked it."
                        ),
                    )
                else:
                    messages.success(request, _("Your organisation's details have been saved."))
                return redirect("innovations:organisation")
        messages.error(request, _("Please correct the errors below."))
        status = 400
    return render(
        request,
        "innovations/organisation.html",
        {"form": form, "supplier": Supplier.objects.get(pk=supplier.pk)},
        status=status,
    )


@login_required
def my_innovations(request):
    """The supplier's dashboard: own innovations by state, with feedback and pending changes."""
    supplier = _require_supplier_role(request.user)
    filters = SupplierStatusFilterForm(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    if request.GET.get("status") and not status:
        messages.warning(request, _("Unknown state; showing all innovations."))
    queryset = selectors.supplier_innovations(supplier=supplier, status=status)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.status_counts(supplier=supplier)
    return render(
        request,
        "innovations/my_innovations.html",
        {
            "supplier": supplier,
            "filters": filters,
            "status": status,
            "page": page,
            "counts": [(value, label, counts[value]) for value, label in Status.choices],
            "total": sum(counts.values()),
            "querystring": _querystring(request),
        },
    )


@login_required
def innovation_new(request):
    supplier = _require_supplier_role(request.user)
    form = InnovationForm(request.POST or None)
    supplier_form = SupplierChoiceForm(request.POST or None) if supplier is None else None
    status = 200
    if request.method == "POST":
        valid = form.is_valid() and (supplier_form is None or supplier_form.is_valid())
        if valid:
            owner = supplier or supplier_form.cleaned_data["supplier"]
            try:
                innovation = innovation_create(supplier=owner, user=request.user, **form.changes())
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Draft saved. Submit it for review when it is complete."),
                )
                return redirect("innovations:manage", innovation.pk)
        messages.error(request, _("Please correct the errors below."))
        status = 400
    return render(
        request,
        "innovations/innovation_form.html",
        {"form": form, "supplier_form": supplier_form, "innovation": None},
        status=status,
    )


@login_required
def innovation_manage(request, pk):
    """One own innovation: its content, what is missing, the reviewers' feedback, the full
    history and any pending change."""
    innovation = _get_own_innovation(request.user, pk)
    reviews = list(innovation.reviews.order_by("created_at", "id"))
    revisions = innovation.revisions.order_by("-id")
    pending = next((r for r in revisions if r.status in OPEN_STATES), None)
    return render(
        request,
        "innovations/manage.html",
        {
            "innovation": innovation,
            "domains": innovation.domains.all(),
            "missing": missing_for_submission(innovation)
            if innovation.status in EDITABLE_STATES
            else {},
            "reviews": reviews,
            "history": selectors.history(innovation, for_supplier=True),
            "revisions": revisions,
            "pending": pending,
            "can_edit": innovation.status in EDITABLE_STATES
            or (innovation.status == Status.APPROVED and not innovation.revision_of_id),
            "can_submit": innovation.status in EDITABLE_STATES,
            "can_withdraw": innovation.status == Status.APPROVED
            or (innovation.revision_of_id and innovation.status in OPEN_STATES),
            "own_supplier_id": innovation.supplier_id,
        },
    )


@login_required
def innovation_edit(request, pk):
    innovation = _get_own_innovation(request.user, pk)
    target = innovation
    if innovation.status == Status.APPROVED and not innovation.revision_of_id:
        pending = innovation.revisions.filter(status__in=OPEN_STATES).first()
        if pending is not None:
            if pending.status not in EDITABLE_STATES:
                messages.error(
                    request,
                    _(
                        "Your earlier change to this innovation is being reviewed; you can "
                        "edit again once it has been decided."
                    ),
                )
                return redirect("innovations:manage", pending.pk)
            return redirect("innovations:edit", pending.pk)
    elif innovation.status not in EDITABLE_STATES:
        messages.error(
            request,
            _("This innovation cannot be edited while its status is “%(status)s”.")
            % {"status": innovation.get_status_display()},
        )
        return redirect("innovations:manage", innovation.pk)
    form = InnovationForm(request.POST or None, instance=target)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                row, created = innovation_update(
                    innovation=innovation, user=request.user, **form.changes()
                )
            except ValidationError as error:
                _add_service_errors(form, error)
            except TransitionNotAllowed as error:
                messages.error(request, error.message)
                return redirect("innovations:manage", innovation.pk)
            else:
                if created:
                    messages.success(
                        request,
                        _(
                            "Your change is saved as a draft revision. The published version "
                            "stays visible until the change is submitted and approved."
                        ),
                    )
                else:
                    messages.success(request, _("Your changes have been saved."))
                return redirect("innovations:manage", row.pk)
        messages.error(request, _("Please correct the errors below."))
        status = 400
    return render(
        request,
        "innovations/innovation_form.html",
        {"form": form, "innovation": innovation, "supplier_form": None},
        status=status,
    )


@login_required
@require_POST
def innovation_submit(request, pk):
    innovation = _get_own_innovation(request.user, pk)
    try:
        innovation_transition(innovation=innovation, user=request.user, action=SUBMIT)
    except ValidationError as error:
        labels = [str(REQUIRED_FOR_SUBMISSION.get(name, name)) for name in error.message_dict]
        messages.error(
            request,
            _("Not submitted yet. Complete these first: %(fields)s.")
            % {"fields": ", ".join(labels)},
        )
    except TransitionNotAllowed as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Submitted for review. You will get an e-mail when a reviewer has decided."),
        )
    return redirect("innovations:manage", innovation.pk)


@login_required
def innovation_withdraw(request, pk):
    """Ask for confirmation (GET), then withdraw (POST)."""
    innovation = _get_own_innovation(request.user, pk)
    if request.method == "POST":
        try:
            innovation_transition(innovation=innovation, user=request.user, action=WITHDRAW)
        except TransitionNotAllowed as error:
            messages.error(request, error.message)
        else:
            if innovation.revision_of_id:
                messages.success(request, _("Your proposed change has been withdrawn."))
            else:
                messages.success(
                    request, _("The innovation has been withdrawn from the catalogue.")
                )
        return redirect("innovations:manage", innovation.pk)
    return render(request, "innovations/withdraw.html", {"innovation": innovation})


# --- Reviewer -------------------------------------------------------------------------------


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
            "querystring": _querystring(request),
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
    status = 400
    if form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            result = innovation_transition(
                innovation=innovation,
                user=request.user,
                action=decision,
                scores=form.scores(),
                feedback=form.cleaned_data["feedback"],
                internal_note=form.cleaned_data["internal_note"],
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        except TransitionNotAllowed as error:
            messages.error(request, error.message)
            innovation.refresh_from_db()
            status = 409
        else:
            if result.status == Status.IN_REVIEW:
                messages.success(
                    request,
                    _("Your approval is recorded. Another reviewer's approval is still needed."),
                )
            else:
                messages.success(request, DECISION_RECORDED[result.status])
            return redirect("review:queue")
    if status == 400:
        messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        "innovations/review_detail.html",
        _review_context(request, innovation, form),
        status=status,
    )
