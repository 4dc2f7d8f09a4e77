"""The scale-up plan of a pilot: read it, write it (the municipality's buyers)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.forms import form_page
from municipalities.enums import Stage

from . import scaleup
from .access import get_adoption_for_plan, may_plan
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

    def act(form):
        scaleup.scale_up_plan_save(user=request.user, adoption=adoption, **form.cleaned_data)
        messages.success(request, _("The scale-up plan has been saved."))
        return redirect("procurement:plan", adoption.pk)

    def context():
        due = scaleup.pilots_due(municipality=adoption.municipality).filter(pk=adoption.pk).first()
        return {
            "adoption": adoption,
            "plan": existing,
            "editable": editable,
            "due_text": scaleup.due_text(due) if due else "",
        }

    if request.method == "POST" and not editable:
        # Not this user's to write (403), or no longer a pilot (409): the page says why.
        messages.error(request, _not_editable(request.user, adoption))
        status = 409 if may_plan(request.user, adoption) else 403
        return render(request, "procurement/plan.html", {"form": form, **context()}, status=status)
    return form_page(
        request,
        form,
        act,
        template="procurement/plan.html",
        context=context,
        invalid_message=_("The plan was not saved; please correct the errors."),
    )


def _not_editable(user, adoption) -> str:
    if not may_plan(user, adoption):
        return _("Only buyers of %(name)s may do this.") % {"name": adoption.municipality}
    return _("This adoption is no longer a pilot; its scale-up plan can no longer change.")
