"""Facts told by the app that owns adoptions: how many verified adoptions an innovation
has, and in which provinces. municipalities (adoption_facts.py there) pushes them down
here; innovations itself never reads adoptions."""

from collections.abc import Mapping, Sequence

from core import caching
from core.countries import province_mask

from .models import Innovation


def innovation_adoption_facts_set(*, facts: Mapping[int, tuple[int, Sequence[str]]]) -> int:
    """Store what municipalities knows about the use of innovations: `facts` maps an
    innovation id to (number of verified adoptions, ISO 3166-2 codes of the provinces of
    the verified adopters). Called by municipalities in the transaction that changes a
    verified adoption, so the catalogue's counts and facets change with it; innovations
    itself never reads adoptions. Returns how many innovations changed."""
    current = {
        pk: (count, provinces)
        for pk, count, provinces in Innovation.objects.filter(pk__in=list(facts)).values_list(
            "pk", "adoption_count", "adopter_provinces"
        )
    }
    changed = []
    for pk, (count, provinces) in facts.items():
        provinces = sorted(set(provinces))
        if pk in current and current[pk] != (count, provinces):
            changed.append(
                Innovation(
                    pk=pk,
                    adoption_count=count,
                    adopter_provinces=provinces,
                    adopter_province_mask=province_mask(provinces),
                )
            )
    # bulk_update: no save(), so updated_at (the supplier's edit time) and the search
    # trigger (title, summary, description) are left alone.
    Innovation.objects.bulk_update(
        changed,
        ["adoption_count", "adopter_provinces", "adopter_province_mask"],
        batch_size=500,
    )
    if changed:
        caching.bump_data_version(caching.CATALOGUE)
    return len(changed)
