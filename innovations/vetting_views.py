"""Pages of the reconfirmation of an approval that ended (innovations/vetting.py): the
supplier confirms the text is current; a reviewer reconfirms or asks for changes."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.exceptions import TransitionNotAllowed
from core.forms import form_page
from core.validators import GuardedTextFieldsMixin

from . import selectors, vetting
from .access import get_innovation_for_review, get_own_innovation, is_reviewer, may_review
from .enums import Reconfirmation
from .models import Innovation
from .workflow import innovation_transition

PAGE_SIZE = 20


class ReconfirmForm(GuardedTextFieldsMixin, forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            (vetting.RECONFIRM, gettext_lazy("Reconfirm: the approval holds for a new period")),
            (vetting.RECONFIRM_CHANGES, gettext_lazy("Ask the supplier for changes")),
        ],
        widget=forms.RadioSelect,
    )
    feedback = forms.CharField(
        label=gettext_lazy("Feedback for the supplier"),
        max_length=vetting.FEEDBACK_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Needed when you ask for changes: say what is out of date."),
    )


@login_required
@require_POST
def confirm_current(request, pk):
    """The supplier confirms that the text of an innovation to be reconfirmed is current."""
    innovation = get_own_innovation(request.user, pk)
    try:
        innovation_transition(
            innovation=innovation, user=request.user, action=vetting.CONFIRM_CURRENT
        )
    except TransitionNotAllowed as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Thank you. A reviewer will reconfirm the approval; you will get an e-mail.")
        )
    return redirect("innovations:manage", innovation.pk)


@login_required
def reconfirm_queue(request):
    """Approvals to reconfirm: confirmed by their supplier first (ready for a reviewer),
    then those still waiting for the supplier."""
    if not is_reviewer(request.user):
        raise PermissionDenied(_("The review queue is for reviewers."))
    queryset = (
        Innovation.objects.approved()
        .exclude(reconfirmation=Reconfirmation.CURRENT)
        .select_related("supplier")
        # "confirmed" sorts before "due": ready for a reviewer first.
        .order_by("reconfirmation", "approved_until", "id")
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "innovations/reconfirm_queue.html", {"page": page, "querystring": ""})


@login_required
def reconfirm(request, pk):
    """A reviewer's light review: the published text, its history, and the decision."""
    innovation = get_innovation_for_review(request.user, pk)
    form = ReconfirmForm(request.POST or None)

    def act(form):
        innovation_transition(
            innovation=innovation,
            user=request.user,
            action=form.cleaned_data["decision"],
            feedback=form.cleaned_data["feedback"],
        )
        messages.success(request, _("Your decision on the reconfirmation is recorded."))
        return redirect("review:reconfirm_queue")

    def context():
        innovation.refresh_from_db()  # as stored: a refused decision changed nothing
        return {
            "innovation": innovation,
            "domains": innovation.domains.all(),
            "may_decide": may_review(request.user, innovation)
            and innovation.reconfirmation == Reconfirmation.CONFIRMED,
            "history": selectors.history(innovation),
            "heading_id": "history-heading",
        }

    return form_page(request, form, act, template="innovations/reconfirm.html", context=context)
