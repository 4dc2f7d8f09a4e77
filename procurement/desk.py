"""The support desk (steunpunt): a buyer asks, an adviser answers, the question is closed.

    open → answered → closed      (and open → closed: the asker withdraws it)

Every transition is one conditional UPDATE on the status it starts from, so of two
advisers answering at once exactly one changes the row; the other finds it changed and
gets TransitionNotAllowed (409). Mails go through the outbox, in the recipient's language:
advisers hear of a new question, the asker of the answer."""

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.outbox import mail_on_commit
from audit.services import audit_record, created_values
from core.exceptions import TransitionNotAllowed
from core.mail import absolute_url, recipient_language, send_templated_mail
from innovations.models import Innovation
from municipalities.access import may_view_challenge
from municipalities.models import Challenge

from .access import ADVISE_PERMISSION, has_conflict, is_adviser, may_ask, may_close
from .enums import QuestionStatus, Subject
from .models import ProcurementRoute, Question

ANSWER = "answer"
CLOSE = "close"
TRANSITIONS = {
    ANSWER: (frozenset({QuestionStatus.OPEN}), QuestionStatus.ANSWERED),
    CLOSE: (frozenset({QuestionStatus.OPEN, QuestionStatus.ANSWERED}), QuestionStatus.CLOSED),
}
TITLE_MAX, BODY_MAX, ANSWER_MAX = 200, 5000, 10000
QUESTION_FIELDS = ("asker", "innovation", "challenge", "route", "title", "publish_consent")


# --- Subjects ------------------------------------------------------------------------------


def subject_visible(user: AbstractBaseUser, subject) -> bool:
    """Can `user` see what they ask about? A published innovation, an open challenge (or
    one of their own municipality), a route that is shown."""
    if isinstance(subject, Innovation):
        return Innovation.objects.approved().filter(pk=subject.pk).exists()
    if isinstance(subject, Challenge):
        return may_view_challenge(user, subject)
    if isinstance(subject, ProcurementRoute):
        return subject.is_active
    return False


def subject_lookup(*, user: AbstractBaseUser, kind: str, key) -> object:
    """The innovation (by slug), challenge (by id) or route (by code) a question is about,
    as `user` may see it. Unknown and invisible give the same error, naming the field."""
    found = None
    try:
        if kind == Subject.INNOVATION:
            found = Innovation.objects.select_related("supplier").filter(slug=str(key)).first()
        elif kind == Subject.CHALLENGE:
            found = Challenge.objects.select_related("municipality").filter(pk=int(key)).first()
        elif kind == Subject.ROUTE:
            found = ProcurementRoute.objects.filter(code=str(key)).first()
    except (ValueError, TypeError, OverflowError):
        found = None
    if found is None or not subject_visible(user, found):
        raise ValidationError({kind: [_subject_missing(kind)]})
    return found


def _subject_missing(kind: str) -> str:
    return {
        Subject.INNOVATION: _("There is no published innovation with this address."),
        Subject.CHALLENGE: _("There is no challenge with this number that you can see."),
        Subject.ROUTE: _("There is no procurement route with this code."),
    }.get(kind, _("Choose what your question is about."))


# --- Asking ------------------------------------------------------------------------------


def _clean_text(value: str, *, field: str, required: bool, limit: int, errors: dict) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = [_("This field is required.")]
    elif len(value) > limit:
        errors[field] = [
            _("Keep this under %(limit)s characters (it has %(length)s).")
            % {"limit": limit, "length": len(value)}
        ]
    return value


@transaction.atomic
def question_ask(
    *,
    user: AbstractBaseUser,
    subject,
    title: str,
    body: str = "",
    publish_consent: bool = False,
) -> Question:
    """A buyer asks the support desk about something they can see. Advisers are told by
    mail (in their language), except those who may not answer it."""
    if not may_ask(user):
        raise PermissionDenied(_("Only municipal buyers can ask the support desk."))
    kind = _kind_of(subject)
    if kind is None or not subject_visible(user, subject):
        raise ValidationError({kind or "subject": [_subject_missing(kind or "")]})
    errors: dict = {}
    title = _clean_text(title, field="title", required=True, limit=TITLE_MAX, errors=errors)
    body = _clean_text(body, field="body", required=False, limit=BODY_MAX, errors=errors)
    if errors:
        raise ValidationError(errors)
    question = Question.objects.create(
        asker=user,
        title=title,
        body=body,
        publish_consent=bool(publish_consent),
        **{kind: subject},
    )
    audit_record(
        actor=user,
        action="question.ask",
        obj=question,
        changes=created_values(
            {
                "asker": user.pk,
                kind: subject.pk,
                "title": title,
                "publish_consent": question.publish_consent,
            }
        ),
    )
    from .tasks import send_question_mail  # tasks imports this module

    for adviser_id in advisers_to_notify(question).values_list("pk", flat=True):
        mail_on_commit(send_question_mail, question_id=question.pk, user_id=adviser_id)
    return question


def _kind_of(subject) -> str | None:
    if isinstance(subject, Innovation):
        return Subject.INNOVATION
    if isinstance(subject, Challenge):
        return Subject.CHALLENGE
    if isinstance(subject, ProcurementRoute):
        return Subject.ROUTE
    return None


# --- Answering and closing ---------------------------------------------------------------


def question_answer(
    *,
    question: Question,
    user: AbstractBaseUser,
    answer: str,
    publish: bool = False,
    public_title: str = "",
    public_body: str = "",
) -> Question:
    """An adviser answers an open question. With the asker's consent the adviser may
    publish it in the public questions and answers, worded without names (the published
    question defaults to the asker's own). Raises PermissionDenied (not an adviser, or
    an innovation of the adviser's own organisation), ValidationError (input) or
    TransitionNotAllowed (answered or closed meanwhile: 409)."""
    if not is_adviser(user):
        raise PermissionDenied(_("Only advisers can answer questions."))
    if has_conflict(user, question):
        raise PermissionDenied(
            _("You cannot answer a question about an innovation of your own organisation.")
        )
    errors: dict = {}
    answer = _clean_text(answer, field="answer", required=True, limit=ANSWER_MAX, errors=errors)
    public_title = _clean_text(
        public_title, field="public_title", required=False, limit=TITLE_MAX, errors=errors
    )
    public_body = _clean_text(
        public_body, field="public_body", required=False, limit=BODY_MAX, errors=errors
    )
    if publish and not question.publish_consent:
        errors["publish"] = [_("The asker did not agree to publication.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    values = {
        "status": QuestionStatus.ANSWERED,
        "answer": answer,
        "answered_by": user,
        "answered_at": now,
        "is_published": bool(publish),
        "public_title": (public_title or question.title) if publish else "",
        "public_body": (public_body or question.body) if publish else "",
        "updated_at": now,
    }
    with transaction.atomic():
        _transition(question, ANSWER, values)
        audit_record(
            actor=user,
            action="question.answer",
            obj=question,
            changes={
                "status": [QuestionStatus.OPEN, QuestionStatus.ANSWERED],
                "answered_by": [None, user.pk],
                "is_published": [False, bool(publish)],
            },
        )
        from .tasks import send_question_mail

        mail_on_commit(send_question_mail, question_id=question.pk, user_id=question.asker_id)
    question.refresh_from_db()
    return question


def question_close(*, question: Question, user: AbstractBaseUser) -> Question:
    """The asker (or an adviser) closes a question, answered or not."""
    if not may_close(user, question):
        raise PermissionDenied(_("Only the asker or an adviser can close this question."))
    now = timezone.now()
    with transaction.atomic():
        before = _transition(
            question, CLOSE, {"status": QuestionStatus.CLOSED, "closed_at": now, "updated_at": now}
        )
        audit_record(
            actor=user,
            action="question.close",
            obj=question,
            changes={"status": [before, QuestionStatus.CLOSED]},
        )
    question.refresh_from_db()
    return question


def _transition(question: Question, action: str, values: dict) -> str:
    """Apply `values` if the question is still in a state `action` starts from; the row
    count tells whether this call won. Returns the state it left."""
    allowed_from, _to = TRANSITIONS[action]
    current = Question.objects.filter(pk=question.pk).values_list("status", flat=True).first()
    updated = 0
    if current in allowed_from:
        updated = Question.objects.filter(pk=question.pk, status=current).update(**values)
    if not updated:
        current = Question.objects.filter(pk=question.pk).values_list("status", flat=True).first()
        raise TransitionNotAllowed(_not_allowed_message(action, current))
    return current


def _not_allowed_message(action: str, status: str | None) -> str:
    if status == QuestionStatus.ANSWERED and action == ANSWER:
        return _("This question has just been answered by another adviser. Reload the page.")
    if status == QuestionStatus.CLOSED:
        return _("This question is closed; it cannot be changed any more.")
    return _("This question cannot be changed in its current state. Reload the page.")


# --- Mail ----------------------------------------------------------------------------------


def advisers_to_notify(question: Question) -> QuerySet:
    """Active advisers with an e-mail address who may answer the question."""
    users = (
        get_user_model()
        .objects.with_perm(
            ADVISE_PERMISSION,
            is_active=True,
            include_superusers=False,
            backend="django.contrib.auth.backends.ModelBackend",
        )
        .exclude(email="")
    )
    if question.innovation_id:
        users = users.exclude(supplier_membership__supplier_id=question.innovation.supplier_id)
    return users


def question_notify(*, question: Question, user: AbstractBaseUser) -> None:
    """Mail one recipient about a question, in the recipient's language: a new question to
    an adviser, the answer to the asker."""
    to_asker = user.pk == question.asker_id
    template = "emails/question_answered" if to_asker else "emails/question_asked"
    with translation.override(recipient_language(user)):
        url = absolute_url(reverse("desk:detail", args=[question.pk]))
        send_templated_mail(
            user=user, template=template, context={"question": question, "url": url}
        )
