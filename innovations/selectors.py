"""Reads about innovations that span models."""

import datetime

from django.db.models import (
    Avg,
    Count,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .access import supplier_for
from .enums import Decision, Status
from .models import Innovation, Review, StatusChange, Supplier

# What the review queue shows unless a state is chosen: the work still to be done.
QUEUE_DEFAULT_STATES = (Status.SUBMITTED, Status.IN_REVIEW)
# What a reviewer may filter the queue on; drafts are the supplier's private work.
QUEUE_STATES = (
    Status.SUBMITTED,
    Status.IN_REVIEW,
    Status.CHANGES_REQUESTED,
    Status.APPROVED,
    Status.REJECTED,
    Status.WITHDRAWN,
)


def _round_end_subquery(innovation_ref):
    """The id of the latest review that ended a round (anything but an approval)."""
    return Coalesce(
        Subquery(
            Review.objects.filter(innovation=innovation_ref)
            .exclude(decision=Decision.APPROVE)
            .order_by("-id")
            .values("id")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


EMPTY_SUMMARY = {"count": 0, "novelty": None, "evidence": None, "public_value": None, "fit": None}


def rubric_summary(innovation: Innovation) -> dict:
    """Mean rubric scores and the number of reviews behind them, for buyers:
    {"count", "novelty", "evidence", "public_value", "fit"} (means are None without reviews).

    Counts the approving reviews of the version that is published now: the final round of
    the original or, after an approved change, of the latest approved revision. Earlier
    rounds scored a text that was sent back for changes, and a rejected or pending revision
    never reached the public, so neither describes what buyers read. With
    KOPLOPER_REQUIRED_APPROVALS=2 the summary therefore rests on two reviews."""
    return rubric_summaries([innovation.pk])[innovation.pk]


def rubric_summaries(innovation_ids) -> dict[int, dict]:
    """rubric_summary for several innovations in two queries, keyed by innovation id."""
    innovation_ids = list(innovation_ids)
    source_of = {pk: pk for pk in innovation_ids}
    latest_revisions = (
        Innovation.objects.filter(revision_of_id__in=innovation_ids, status=Status.APPROVED)
        .order_by("revision_of_id", "published_at", "id")
        .values_list("revision_of_id", "id")
    )
    for original_id, revision_id in latest_revisions:
        source_of[original_id] = revision_id  # ordered: the latest one wins
    rows = (
        Review.objects.filter(
            innovation_id__in=set(source_of.values()),
            decision=Decision.APPROVE,
            id__gt=_round_end_subquery(OuterRef("innovation")),
        )
        .values("innovation_id")
        .annotate(
            count=Count("id"),
            novelty=Avg("novelty"),
            evidence=Avg("evidence"),
            public_value=Avg("public_value"),
            fit=Avg("fit"),
        )
        .order_by()
    )
    by_source = {row.pop("innovation_id"): row for row in rows}
    return {pk: by_source.get(source, dict(EMPTY_SUMMARY)) for pk, source in source_of.items()}


def with_round_approvals(queryset: QuerySet[Innovation]) -> QuerySet[Innovation]:
    """Annotate `round_approvals`: approvals given in the current review round."""
    approvals = (
        Review.objects.filter(
            innovation=OuterRef("pk"),
            decision=Decision.APPROVE,
            id__gt=_round_end_subquery(OuterRef("innovation")),
        )
        .order_by()
        .values("innovation")
        .annotate(n=Count("id"))
        .values("n")
    )
    return queryset.annotate(
        round_approvals=Coalesce(Subquery(approvals, output_field=IntegerField()), 0)
    )


def review_queue(
    *,
    user,
    states: list[str] | tuple[str, ...] | None = None,
    domain: str = "",
    older_than_days: int | None = None,
    assigned: str = "",
) -> QuerySet[Innovation]:
    """Innovations for reviewers, oldest submission first. Excludes drafts and the
    innovations of the reviewer's own supplier (they may not review those)."""
    queryset = Innovation.objects.filter(
        status__in=states or QUEUE_DEFAULT_STATES, submitted_at__isnull=False
    )
    own = supplier_for(user)
    if own is not None:
        queryset = queryset.exclude(supplier=own)
    if domain:
        queryset = queryset.filter(domains__code=domain)
    if older_than_days:
        since = timezone.now() - datetime.timedelta(days=older_than_days)
        queryset = queryset.filter(submitted_at__lte=since)
    if assigned == "me":
        queryset = queryset.filter(assigned_reviewer=user)
    elif assigned == "none":
        queryset = queryset.filter(assigned_reviewer__isnull=True)
    return (
        with_round_approvals(queryset)
        .select_related("supplier", "assigned_reviewer", "revision_of")
        .prefetch_related("domains")
        .order_by("submitted_at", "id")
    )


def supplier_innovations(*, supplier: Supplier | None, status: str = "") -> QuerySet[Innovation]:
    """A supplier's innovations for its dashboard (all suppliers' for supplier=None, the
    administrator's view), without pending revisions, which show under their original.
    Annotates `latest_feedback` (the newest review's feedback, over the innovation and its
    revisions: a change's review round is the latest one) and prefetches the domains and
    the revisions."""
    queryset = Innovation.objects.filter(revision_of__isnull=True)
    if supplier is not None:
        queryset = queryset.filter(supplier=supplier)
    if status:
        queryset = queryset.filter(status=status)
    newest_review = Review.objects.filter(
        Q(innovation_id=OuterRef("pk")) | Q(innovation__revision_of_id=OuterRef("pk"))
    ).order_by("-created_at", "-id")
    return (
        queryset.select_related("supplier")
        .annotate(latest_feedback=Subquery(newest_review.values("feedback")[:1]))
        .prefetch_related(
            "domains",
            Prefetch(
                "revisions", queryset=Innovation.objects.order_by("-id"), to_attr="revisions_newest"
            ),
        )
        .order_by("-updated_at", "-id")
    )


def status_counts(*, supplier: Supplier | None) -> dict[str, int]:
    queryset = Innovation.objects.filter(revision_of__isnull=True)
    if supplier is not None:
        queryset = queryset.filter(supplier=supplier)
    counts = dict(queryset.order_by().values_list("status").annotate(n=Count("id")))
    return {value: counts.get(value, 0) for value in Status.values}


def history(innovation: Innovation, *, for_supplier: bool = False) -> list[StatusChange]:
    """The status changes of an innovation, oldest first, each with an `actor_label`.
    Suppliers see their own colleagues by name and reviewers as the review team."""
    changes = list(
        innovation.status_changes.select_related("actor__supplier_membership").order_by(
            "created_at", "id"
        )
    )
    for change in changes:
        actor = change.actor
        if actor is None:
            # No actor: the system's own change (an approval that ended), or a user since
            # removed.
            change.actor_label = (
                _("Koploper (automatic)") if change.is_reconfirmation else _("(removed account)")
            )
            continue
        name = actor.get_full_name() or actor.get_username()
        membership = getattr(actor, "supplier_membership", None)
        own = membership is not None and membership.supplier_id == innovation.supplier_id
        change.actor_label = name if own or not for_supplier else _("Koploper review team")
    return changes


# --- Reads the workflow needs -------------------------------------------------------------

# What a complete submission has, in form order: field name → label.
REQUIRED_FOR_SUBMISSION = {
    "title": gettext_lazy("Title"),
    "summary": gettext_lazy("Summary"),
    "description": gettext_lazy("Description"),
    "domains": gettext_lazy("Domains"),
    "route": gettext_lazy("Procurement route"),
    "maturity": gettext_lazy("Maturity (TRL)"),
    "price_indication": gettext_lazy("Price indication"),
    "evidence": gettext_lazy("Evidence"),
    "contact_name": gettext_lazy("Contact name"),
    "contact_email": gettext_lazy("Contact e-mail"),
}


def current_round_reviews(innovation: Innovation) -> QuerySet[Review]:
    """The reviews of the current round: those after the last review that ended a round."""
    last_end = innovation.reviews.exclude(decision=Decision.APPROVE).aggregate(m=Max("id"))["m"]
    return innovation.reviews.filter(id__gt=last_end or 0)


def missing_for_submission(innovation: Innovation) -> dict[str, str]:
    """The fields a submission still lacks, field name → label (empty when complete)."""
    missing = {}
    for name, label in REQUIRED_FOR_SUBMISSION.items():
        if name == "domains":
            empty = not innovation.domains.all()  # uses prefetched domains when there are
        else:
            value = getattr(innovation, name)
            empty = value is None or (isinstance(value, str) and not value.strip())
        if empty:
            missing[name] = str(label)
    return missing
