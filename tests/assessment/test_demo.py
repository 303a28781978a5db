"""seed_demo's previous year shows every grade and a veto."""

import pytest
from django.utils import timezone

from assessment.models import Scorecard, ScoreSnapshot
from branches.management.commands.seed_demo import seed_database

pytestmark = pytest.mark.django_db


def test_the_demo_previous_year_has_all_four_grades_and_a_veto():
    today = timezone.localdate()
    seed_database(seed=2026, today=today)
    assert set(Scorecard.objects.values_list("code", flat=True)) == {"default", "village"}
    snapshots = ScoreSnapshot.objects.filter(year=today.year - 1)
    assert set(snapshots.values_list("grade", flat=True)) == {"demonstration", "advanced", "pass", "fail"}
    assert snapshots.filter(vetoed=True).exists()
    assert not snapshots.filter(unrated__gt=0).exists()
