"""The scale-up plan of a pilot: read it, write it (the municipality's buyers)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.exceptions import TransitionNotAllowed
from municipalities.enums import Stage

from . import scaleup
from .access import get_adoption_for_plan, may_plan
from .desk_views import _add_errors
from .forms import ScaleUpPlanForm
from .models import ProcurementRoute, ScaleUpPlan


@login_required
def plan(request, pk):
    """A pilot's scale-up plan: goal, success criteria, decision date and what scaling would
    take. Its buyers write it while the adoption is a pilot; reviewers read it."""
    adoption = get_adoption_for_plan(request.user, pk)
    existing = ScaleUpPlan.objects.select_related("route").filter(adoption=adoption).first()
    editable = may_plan(request.user, adoption) and adoption.stage == Stage.PILOT
    routes = list(ProcurementRoute.objects.active())
    initial = {}
    if existing is not None:
        initial = {
            "goal": existing.goal,
            "success_criteria": existing.success_criteria,
            "decision_on": existing.decision_on,
            "budget": existing.budget,
            "route": existing.route.code if existing.route else "",
            "partners": existing.partners,
        }
    form = ScaleUpPlanForm(
        request.POST if request.method == "POST" else None, initial=initial, routes=routes
    )
    status = 200
    if request.method == "POST":
        if not editable:
            messages.error(request, _not_editable(request.user, adoption))
            status = 409 if may_plan(request.user, adoption) else 403
        elif form.is_valid():
            try:
                scaleup.scale_up_plan_save(
                    user=request.user, adoption=adoption, **form.cleaned_data
                )
            except ValidationError as error:
                _add_errors(form, error)
            except TransitionNotAllowed as error:
                messages.error(request, str(error))
                status = 409
            else:
                messages.success(request, _("The scale-up plan has been saved."))
                return redirect("procurement:plan", adoption.pk)
        if status == 200:
            messages.error(request, _("The plan was not saved; please correct the errors."))
            status = 400
    due = scaleup.pilots_due(municipality=adoption.municipality).filter(pk=adoption.pk).first()
    return render(
        request,
        "procurement/plan.html",
        {
            "adoption": adoption,
            "plan": existing,
            "form": form,
            "editable": editable,
            "due_text": scaleup.due_text(due) if due else "",
        },
        status=status,
    )


def _not_editable(user, adoption) -> str:
    if not may_plan(user, adoption):
        return _("Only buyers of %(name)s may do this.") % {"name": adoption.municipality}
    return _("This adoption is no longer a pilot; its scale-up plan can no longer change.")
