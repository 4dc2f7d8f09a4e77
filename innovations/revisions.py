"""Publishing an approved revision: its content copied onto the published original. The
workflow's approval (innovations.workflow) calls it inside its transaction."""

from django.utils.translation import gettext_noop

from audit.services import audit_changes

from .domain_links import innovation_domains_set
from .models import CONTENT_FIELDS, Innovation, StatusChange


def _domains(innovation: Innovation) -> dict[str, list[str]]:
    return {"domains": sorted(innovation.domains.values_list("code", flat=True))}


def revision_publish(*, revision: Innovation, original: Innovation, user) -> None:
    """Copy an approved revision's content and domains onto the published original; its
    slug and first publication date stay, so links to it keep working."""
    with audit_changes(
        actor=user,
        action="innovation.publish_revision",
        obj=original,
        fields=CONTENT_FIELDS,
        extra=lambda: _domains(original),
    ) as changes:
        changes["revision"] = [None, revision.pk]
        for name in CONTENT_FIELDS:
            setattr(original, name, getattr(revision, name))
        original.save(update_fields=[*CONTENT_FIELDS, "updated_at"])
        innovation_domains_set(
            innovation=original, codes=list(revision.domains.values_list("code", flat=True))
        )
    StatusChange.objects.create(
        innovation=original,
        actor=user,
        from_status=original.status,
        to_status=original.status,
        system_note=gettext_noop("Changes of revision #%(id)s published."),
        system_note_values={"id": revision.pk},
    )
