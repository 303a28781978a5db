"""seed_demo's archive step: two years of books and boxes, the meetings and
committee records filed in bulk, some catalogues bound, some kinds missing."""

import datetime as dt
from collections import defaultdict

import pytest
from django.db.models import Count, Max

from archives import selectors
from archives.models import Book, BoxKind, Catalogue, Document
from assessment.management.commands.seed_demo import SEED_STEPS, seed_database
from branches.models import OrgUnit
from meetings.models import MeetingKind

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 15)
STEPS = [s for s in SEED_STEPS if not s[0].startswith("assessment")]


@pytest.fixture
def demo():
    return seed_database(seed=2026, today=TODAY, steps=STEPS)


def test_every_meeting_is_filed_once_per_kind_and_numbers_are_gap_free(demo):
    kinds = MeetingKind.objects.count()
    assert Document.objects.filter(source_model="meetings.meeting").count() == kinds > 500
    assert Document.objects.filter(source_model="branches.election").exists()
    numbers = defaultdict(list)
    for cat_id, number in Document.objects.values_list("catalogue_id", "number"):
        numbers[cat_id].append(number)
    last = dict(Catalogue.objects.values_list("id", "last_number"))
    for cat_id, ns in numbers.items():
        assert sorted(ns) == list(range(1, len(ns) + 1)) and last[cat_id] == len(ns)
    per_box = Catalogue.objects.values("box_kind").annotate(n=Count("id"), docs=Max("last_number"))
    assert {row["box_kind"] for row in per_box} == set(BoxKind.values)


def test_last_years_boxes_are_mostly_bound_and_some_kinds_are_missing(demo):
    branches = list(OrgUnit.objects.filter(kind__in=OrgUnit.BRANCH_KINDS))
    results = selectors.archive_completeness(branches, 2025, today=TODAY)
    boxes = [box for r in results.values() for box in r.boxes if box.binding_period == "year"]
    bound = [b for b in boxes if b.bound]
    assert len(bound) > len(boxes) / 2
    assert any(b.bound_on_time is False for b in boxes)  # late or never bound
    assert any(b.missing for b in boxes) and any(b.complete for b in boxes)
    assert any(r.books_complete for r in results.values()) and not all(r.books_complete for r in results.values())
    assert Document.objects.filter(is_addendum=True, catalogue__branch=demo.anchors["sj1"]).exists()
    # this year's boxes are open
    assert not Catalogue.objects.filter(year=2026, bound_at__isnull=False).exists()


def test_the_showcase_branch_keeps_its_books(demo):
    sj1 = demo.anchors["sj1"]
    assert Book.objects.filter(branch=sj1, year=2025, book_kind=Book.BookKind.MINUTES).exists()
    archive = selectors.branch_archive(sj1, 2025, today=TODAY)
    assert archive.boxes_ok >= 3
