"""Whether the benchmark database already holds the data set of a scale and seed, so that
`python -m bench --reuse` can measure it again without generating it (about 6 minutes at
SCALE=1)."""

from django.db import connection

# What `python -m bench --reuse` checks before it measures the data already there: the scale
# and seed of the last complete generation, as the comment of the innovations table (it
# travels with the database, also to a copy made with `createdb -T`, and migrations keep it).
MARK_TABLE = "innovations_innovation"
MARK_PREFIX = "koploper bench data set: "


def mark(scale: float | None, seed: int | None = None) -> None:
    """Write (or, with scale None, clear) the data set's mark."""
    text = None if scale is None else f"{MARK_PREFIX}scale={scale!r} seed={seed}"
    with connection.cursor() as cursor:
        cursor.execute(f"COMMENT ON TABLE {MARK_TABLE} IS %s", [text])  # noqa: S608 - a constant


def marked() -> tuple[float, int] | None:
    """(scale, seed) of the data set in the database, or None if it has no mark."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT obj_description(%s::regclass, 'pg_class')", [MARK_TABLE])
        text = cursor.fetchone()[0] or ""
    if not text.startswith(MARK_PREFIX):
        return None
    fields = dict(part.split("=", 1) for part in text.removeprefix(MARK_PREFIX).split())
    return float(fields["scale"]), int(fields["seed"])


def counts_for_reuse(scale: float, seed: int) -> tuple[dict | None, str]:
    """(the data set's counts, "") if the database holds the data of `scale` and `seed`,
    else (None, why not). Without a mark (a data set generated before marks existed) the
    row counts must be those of the scale; the seed cannot be checked then."""
    from innovations.models import Innovation, Supplier
    from municipalities.models import Adoption, AdoptionStageChange, Challenge, Municipality

    from .generate import Sizes

    sizes = Sizes.for_scale(scale)
    found = {
        "municipalities": Municipality.objects.count(),
        "suppliers": Supplier.objects.count(),
        "approved_innovations": Innovation.objects.approved().count(),
        "innovations": Innovation.objects.count(),
        "adoptions": Adoption.objects.count(),
        "verified_adoptions": Adoption.objects.filter(verification="verified").count(),
        "challenges": Challenge.objects.count(),
    }
    expected = {
        "suppliers": sizes.suppliers,
        "innovations": sizes.approved + sizes.unpublished,
        "adoptions": sizes.adoptions,
    }
    wrong = [
        f"{k} {found[k]:,} (scale {scale:g}: {v:,})" for k, v in expected.items() if found[k] != v
    ]
    if wrong:
        return None, "the database holds another data set: " + ", ".join(wrong)
    mark_found = marked()
    if mark_found is None:
        return found, f"no mark of its scale and seed; the row counts are those of scale {scale:g}"
    if mark_found != (float(scale), seed):
        return None, f"the data set is of scale {mark_found[0]:g}, seed {mark_found[1]}"
    if found["verified_adoptions"] and not AdoptionStageChange.objects.exists():
        # Generated before bench/history.py: its pages would be measured without the history
        # real data has (the pilots' outcomes, "why did it move").
        return None, "the data set has no stage history (generated before bench/history.py)"
    return found, ""
