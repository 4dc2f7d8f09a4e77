"""The review rubric in templates: its criteria as innovations.enums.Criterion names them."""

from django import template

from ..enums import Criterion

register = template.Library()


@register.simple_tag
def review_criteria() -> list[tuple[str, str]]:
    """[(field name, label)] of the four criteria, in the rubric's order."""
    return list(Criterion.choices)


@register.filter
def criterion_score(scores, name: str):
    """The score of criterion `name` in a review (or a dict of mean scores)."""
    if isinstance(scores, dict):
        return scores.get(name)
    return getattr(scores, name, None)
