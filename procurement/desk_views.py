"""The support desk's pages: ask, my questions, the advisers' queue, one question with its
answer, and the public questions and answers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.exceptions import TransitionNotAllowed
from core.forms import form_page

from . import selectors
from .access import (
    get_question_for_viewer,
    has_conflict,
    is_adviser,
    may_answer,
    may_ask,
    may_close,
    visible_questions,
)
from .desk import question_answer, question_ask, question_close, subject_lookup
from .enums import QuestionStatus, Subject
from .forms import AnswerForm, QuestionForm
from .models import ProcurementRoute

PAGE_SIZE = 20
MAX_QUERY_LENGTH = 200


def _subject_from_query(request):
    """(kind, object) named by ?innovation=, ?challenge= or ?route=; 404 if the asker
    cannot see it; (None, None) when none is named."""
    for kind in Subject.values:
        key = request.GET.get(kind)
        if key:
            try:
                return kind, subject_lookup(user=request.user, kind=kind, key=key[:200])
            except ValidationError:
                raise Http404(
                    _("There is nothing with this address that you can ask about.")
                ) from None
    return None, None


@login_required
def ask(request):
    """A buyer's question about an innovation, a challenge or a route (chosen here when the
    page was not opened from one)."""
    if not may_ask(request.user):
        raise PermissionDenied(_("Only municipal buyers can ask the support desk."))
    kind, subject = _subject_from_query(request)
    form = QuestionForm(request.POST or None)
    if subject is None:
        routes = list(ProcurementRoute.objects.active())
        form.fields["route"] = _route_field(routes)

    def act(form):
        data = dict(form.cleaned_data)
        chosen = subject
        if chosen is None:
            chosen = ProcurementRoute.objects.active().filter(code=data.pop("route")).first()
        question = question_ask(user=request.user, subject=chosen, **data)
        messages.success(
            request, _("Your question has been sent. An adviser will answer it by mail.")
        )
        return redirect("desk:detail", question.pk)

    return form_page(
        request,
        form,
        act,
        template="procurement/desk/ask.html",
        context={"subject": subject, "kind": kind},
        invalid_message=_("Your question was not sent; please correct the errors."),
    )


def _route_field(routes):
    from django import forms

    return forms.ChoiceField(
        label=_("Which procurement route is your question about?"),
        choices=[(route.code, route.name) for route in routes],
    )


@login_required
def mine(request):
    """The signed-in user's own questions, newest first."""
    if not may_ask(request.user):
        raise PermissionDenied(_("Only municipal buyers can ask the support desk."))
    questions = visible_questions(request.user).filter(asker=request.user)
    page = Paginator(questions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "procurement/desk/mine.html", {"page": page, "querystring": ""})


@login_required
def queue(request):
    """The advisers' queue: open questions first (oldest first), then the rest."""
    if not is_adviser(request.user):
        raise PermissionDenied(_("Only advisers can see the questions of the support desk."))
    status = request.GET.get("status", QuestionStatus.OPEN)
    if status not in QuestionStatus.values:
        status = QuestionStatus.OPEN
    questions = visible_questions(request.user).filter(status=status).order_by("created_at", "id")
    page = Paginator(questions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "procurement/desk/queue.html",
        {
            "page": page,
            "status": status,
            "statuses": QuestionStatus.choices,
            "querystring": f"status={status}",
        },
    )


@login_required
def detail(request, pk):
    question = get_question_for_viewer(request.user, pk)
    return _render_detail(request, question)


def _render_detail(request, question, status=200):
    return render(
        request, "procurement/desk/detail.html", _detail_context(request, question), status=status
    )


def _detail_context(request, question, form=None) -> dict:
    user = request.user
    answering = question.status == QuestionStatus.OPEN and may_answer(user, question)
    if answering and form is None:
        form = AnswerForm(
            consent=question.publish_consent, initial={"publish": question.publish_consent}
        )
    return {
        "question": question,
        "form": form if answering else None,
        "conflict": is_adviser(user) and has_conflict(user, question),
        "may_close": question.status != QuestionStatus.CLOSED and may_close(user, question),
        "is_asker": question.asker_id == user.pk,
    }


@login_required
@require_POST
def answer(request, pk):
    question = get_question_for_viewer(request.user, pk)
    if not is_adviser(request.user):
        raise PermissionDenied(_("Only advisers can answer questions."))
    if has_conflict(request.user, question):
        raise PermissionDenied(
            _("You cannot answer a question about an innovation of your own organisation.")
        )
    form = AnswerForm(request.POST, consent=question.publish_consent)

    def act(form):
        try:
            question_answer(question=question, user=request.user, **form.cleaned_data)
        except TransitionNotAllowed:
            question.refresh_from_db()  # the page shows the state that refused (409)
            raise
        messages.success(request, _("Your answer has been sent to the asker."))
        return redirect("desk:detail", question.pk)

    return form_page(
        request,
        form,
        act,
        template="procurement/desk/detail.html",
        context=lambda: _detail_context(request, question, form),
        invalid_message=_("The answer was not sent; please correct the errors."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def close(request, pk):
    """GET asks to confirm (closing cannot be undone: an open question then gets no
    answer); POST closes."""
    question = get_question_for_viewer(request.user, pk)
    if request.method == "GET":
        if not may_close(request.user, question):
            raise PermissionDenied
        if question.status == QuestionStatus.CLOSED:
            return redirect("desk:detail", question.pk)
        return render(request, "procurement/desk/close.html", {"question": question})
    try:
        question_close(question=question, user=request.user)
    except TransitionNotAllowed as error:
        messages.error(request, error.message)
        question.refresh_from_db()
        return _render_detail(request, question, status=409)
    messages.success(request, _("The question is closed."))
    return redirect("desk:detail", question.pk)


def published(request):
    """The public, searchable questions and answers (published without names)."""
    query = request.GET.get("q", "")[:MAX_QUERY_LENGTH].strip()
    page = Paginator(selectors.published_questions(query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "procurement/desk/published.html",
        {"page": page, "query": query, "querystring": f"q={query}" if query else ""},
    )
