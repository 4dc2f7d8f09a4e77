"""Reads about innovations that span models."""

from django.db.models import Avg, Count

from .models import Innovation


def rubric_summary(innovation: Innovation) -> dict:
    """Mean rubric scores over all reviews of an innovation (and its revisions' reviews
    are not counted: they belong to the revision row), and how many reviews there were."""
    return innovation.reviews.aggregate(
        count=Count("id"),
        novelty=Avg("novelty"),
        evidence=Avg("evidence"),
        public_value=Avg("public_value"),
        fit=Avg("fit"),
    )
