"""Who may do what at the support desk and with the route guide. The one place these
checks live (views, API, services and templates ask it)."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet
from django.http import Http404

from innovations.access import supplier_for
from municipalities.access import buyer_municipality, can_act_for, can_verify_adoptions
from municipalities.models import Adoption

from .models import Question

ADVISE_PERMISSION = "procurement.answer_question"


def is_adviser(user: AbstractBaseUser) -> bool:
    """Regional staff with the adviser permission (directly or through the Advisers
    group; reviewers can hold it too), and administrators."""
    return user.is_authenticated and user.has_perm(ADVISE_PERMISSION)


def may_ask(user: AbstractBaseUser) -> bool:
    """Municipal buyers ask questions (DESIGN.md, roles), and administrators."""
    return user.is_authenticated and (user.is_superuser or buyer_municipality(user) is not None)


def visible_questions(user: AbstractBaseUser) -> QuerySet[Question]:
    """Advisers see every question; a buyer only their own; anyone else none."""
    queryset = Question.objects.select_related(
        "innovation__supplier", "challenge__municipality", "route", "asker", "answered_by"
    )
    if is_adviser(user):
        return queryset
    if user.is_authenticated:
        return queryset.filter(asker=user)
    return queryset.none()


def get_question_for_viewer(user: AbstractBaseUser, pk) -> Question:
    """One question as `user` may see it; 404 for anything else."""
    try:
        return visible_questions(user).get(pk=pk)
    except (Question.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def has_conflict(user: AbstractBaseUser, question: Question) -> bool:
    """An adviser does not answer about an innovation of their own organisation."""
    if question.innovation_id is None:
        return False
    supplier = supplier_for(user)
    return supplier is not None and supplier.pk == question.innovation.supplier_id


def may_answer(user: AbstractBaseUser, question: Question) -> bool:
    return is_adviser(user) and not has_conflict(user, question)


def may_close(user: AbstractBaseUser, question: Question) -> bool:
    """The asker closes their own question; an adviser (without a conflict) closes any."""
    return user.is_authenticated and (question.asker_id == user.pk or may_answer(user, question))


# --- Scale-up plans of pilots ---------------------------------------------------------------


def may_plan(user: AbstractBaseUser, adoption: Adoption) -> bool:
    """The buyers of the adoption's municipality (and administrators) write its plan."""
    return can_act_for(user, adoption.municipality)


def may_view_plan(user: AbstractBaseUser, adoption: Adoption) -> bool:
    """A plan holds budgets and intentions: its municipality's buyers, reviewers (who
    verify adoptions) and administrators read it; nobody else, and no reviewer who works
    for the innovation's supplier (a budget is what a supplier would like to know)."""
    if may_plan(user, adoption):
        return True
    if not can_verify_adoptions(user):
        return False
    supplier = supplier_for(user)
    return supplier is None or supplier.pk != adoption.innovation.supplier_id


def get_adoption_for_plan(user: AbstractBaseUser, pk) -> Adoption:
    """The adoption whose plan `user` may read; 404 for anyone else (an adoption's plan is
    not public, and neither is a claimed adoption)."""
    try:
        adoption = Adoption.objects.select_related("municipality", "innovation__supplier").get(
            pk=pk
        )
    except (Adoption.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if not may_view_plan(user, adoption):
        raise Http404
    return adoption
