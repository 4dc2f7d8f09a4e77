"""Reviewers' page of requested changes to organisations' names and registration numbers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import TransitionNotAllowed

from .access import is_reviewer
from .models import Supplier
from .organisation_changes import supplier_change_decide, supplier_changes_waiting

PAGE_SIZE = 25


@login_required
def organisation_changes(request):
    """The requested changes, oldest first, each with its current and its requested values."""
    if not is_reviewer(request.user):
        raise PermissionDenied(_("This page is for reviewers."))
    page = Paginator(supplier_changes_waiting(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "innovations/organisation_changes.html", {"page": page, "querystring": ""}
    )


@login_required
@require_POST
def organisation_change_decide(request, pk):
    if not is_reviewer(request.user):
        raise PermissionDenied(_("This page is for reviewers."))
    supplier = get_object_or_404(Supplier, pk=pk)
    decision = request.POST.get("decision")
    if decision not in ("accept", "reject"):
        messages.error(request, _("Choose to accept or to reject the change."))
        return redirect("review:organisation_changes")
    try:
        row = supplier_change_decide(
            supplier=supplier, user=request.user, accept=decision == "accept"
        )
    except TransitionNotAllowed as error:
        messages.error(request, error.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        # The name last would end the sentence in a second full stop ("… B.V..").
        if decision == "accept":
            message = _("The change is accepted: “%(name)s” is the organisation's name now.")
        else:
            message = _("The change is rejected: “%(name)s” stays the organisation's name.")
        messages.success(request, message % {"name": row.name})
    return redirect("review:organisation_changes")
