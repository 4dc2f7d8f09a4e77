"""Document counts of the search vocabulary (innovations/vocabulary.py): on PostgreSQL kept
by triggers in the writing transaction (migration 0016), on SQLite by FTS5's own
vocabulary. Made-up words, so that what other tests left in the vocabulary (a flush
empties the innovations, not the vocabulary) cannot change the counts compared."""

import pytest

from innovations.models import Innovation
from innovations.vocabulary import document_counts
from tests.factories import InnovationFactory, SupplierFactory

WORDS = ["zwurkelpaal", "blonterhek", "quix"]


def _counts():
    return document_counts(WORDS, prefix_from=5)


@pytest.mark.django_db
def test_document_counts_follow_new_changed_and_deleted_innovations():
    before = _counts()

    first = InnovationFactory(title="Zwurkelpaal voor de wijk")
    second = InnovationFactory(
        summary="Zwurkelpalen langs de weg.",
        description="Met een blonterhek en een quix.",
        status="draft",  # counted whatever the status: the count says how common a word is
    )
    added = _counts()
    first.title = "Iets heel anders"
    first.save()
    changed = _counts()
    Innovation.objects.filter(pk=second.pk).delete()
    deleted = _counts()

    # "zwurkelpaal" also matches "zwurkelpalen" (the same stem, as a prefix); "quix" has
    # fewer than five letters and matches only itself.
    assert {w: added[w] - before[w] for w in WORDS} == {
        "zwurkelpaal": 2,
        "blonterhek": 1,
        "quix": 1,
    }
    assert {w: changed[w] - before[w] for w in WORDS} == {
        "zwurkelpaal": 1,
        "blonterhek": 1,
        "quix": 1,
    }
    assert deleted == before


@pytest.mark.django_db
def test_document_counts_follow_a_supplier_rename():
    supplier = SupplierFactory(name="Blonterhek B.V.")
    before = _counts()["blonterhek"]
    InnovationFactory(supplier=supplier, title="Een hek")
    InnovationFactory(supplier=supplier, title="Een ander hek")
    with_name = _counts()["blonterhek"]

    supplier.name = "Heklevering B.V."
    supplier.save()

    assert with_name - before == 2
    assert _counts()["blonterhek"] == before


@pytest.mark.django_db
def test_document_counts_of_words_the_catalogue_does_not_hold_are_zero():
    assert document_counts(["onvindbaarwoord", "het"], prefix_from=5) == {
        "onvindbaarwoord": 0,
        "het": 0,
    }
    assert document_counts([], prefix_from=5) == {}
