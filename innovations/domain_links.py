"""The domain links of an innovation and the bits that mirror them (a write shared by
services and workflow, which services imports)."""

from .enums import domain_mask
from .models import DomainTag, Innovation


def innovation_domains_set(*, innovation: Innovation, codes) -> None:
    """Link `innovation` to the domains `codes` (unknown codes are ignored) and keep its
    `domain_mask` in step, in the caller's transaction: every write of the domain links
    goes through here, so the catalogue's domain filter and facet (bits of the mask) always
    agree with the links."""
    tags = list(DomainTag.objects.filter(code__in=list(codes)))
    innovation.domains.set(tags)
    mask = domain_mask(tag.code for tag in tags)
    # update(): no save(), so updated_at (the supplier's edit time) stays as it is.
    Innovation.objects.filter(pk=innovation.pk).exclude(domain_mask=mask).update(domain_mask=mask)
    innovation.domain_mask = mask
