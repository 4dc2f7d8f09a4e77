"""The supplier's pages: their organisation, their innovations, writing, submitting and
withdrawing them. The reviewers' pages: review_views.py; the catalogue: catalogue_views.py.
Thin: access helpers, forms, then a service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import form_page
from core.pages import querystring_without_page

from . import selectors
from .access import (
    get_own_innovation,
    require_supplier_role,
    supplier_for,
)
from .enums import Status
from .forms import (
    InnovationForm,
    SupplierChoiceForm,
    SupplierForm,
    SupplierStatusFilterForm,
)
from .models import Supplier
from .selectors import REQUIRED_FOR_SUBMISSION, missing_for_submission
from .services import innovation_create, innovation_update, supplier_update
from .workflow import (
    EDITABLE_STATES,
    OPEN_STATES,
    SUBMIT,
    WITHDRAW,
    TransitionNotAllowed,
    innovation_transition,
)

PAGE_SIZE = 20


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

    def act(form):
        row = supplier_update(supplier=instance, user=request.user, **form.cleaned_data)
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

    return form_page(
        request,
        form,
        act,
        template="innovations/organisation.html",
        # As stored: the form may have set the new values on `instance`.
        context=lambda: {"supplier": Supplier.objects.get(pk=supplier.pk)},
    )


@login_required
def my_innovations(request):
    """The supplier's dashboard: own innovations by state, with feedback and pending changes."""
    supplier = require_supplier_role(request.user)
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
            "querystring": querystring_without_page(request),
        },
    )


@login_required
def innovation_new(request):
    supplier = require_supplier_role(request.user)
    form = InnovationForm(request.POST or None)
    # An administrator (no supplier of their own) names the supplier.
    supplier_form = SupplierChoiceForm(request.POST or None) if supplier is None else None

    def act(form):
        owner = supplier or supplier_form.cleaned_data["supplier"]
        innovation = innovation_create(supplier=owner, user=request.user, **form.changes())
        messages.success(request, _("Draft saved. Submit it for review when it is complete."))
        return redirect("innovations:manage", innovation.pk)

    return form_page(
        request,
        form,
        act,
        template="innovations/innovation_form.html",
        context={"supplier_form": supplier_form, "innovation": None},
        also=[supplier_form] if supplier_form is not None else [],
    )


@login_required
def innovation_manage(request, pk):
    """One own innovation: its content, what is missing, the reviewers' feedback, the full
    history and any pending change."""
    innovation = get_own_innovation(request.user, pk)
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
    innovation = get_own_innovation(request.user, pk)
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

    def act(form):
        try:
            row, created = innovation_update(
                innovation=innovation, user=request.user, **form.changes()
            )
        except TransitionNotAllowed as error:
            messages.error(request, error.message)
            return redirect("innovations:manage", innovation.pk)
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

    return form_page(
        request,
        form,
        act,
        template="innovations/innovation_form.html",
        context={"innovation": innovation, "supplier_form": None},
    )


@login_required
@require_POST
def innovation_submit(request, pk):
    innovation = get_own_innovation(request.user, pk)
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
    innovation = get_own_innovation(request.user, pk)
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
