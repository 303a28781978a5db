"""seed_demo's campaigns: every stage of the workflow and all four grades."""

import pytest
from django.utils import timezone

from assessment.management.commands.seed_demo import seed_database
from assessment.models import Assessment, Campaign

pytestmark = pytest.mark.django_db


def test_the_demo_campaigns_show_every_stage_and_all_four_grades():
    today = timezone.localdate()
    seed_database(seed=2026, today=today)
    finished, running = (Campaign.objects.get(status=s, year=today.year - 1)
                         for s in (Campaign.Status.FINALISED, Campaign.Status.OPEN))
    assert set(finished.assessments.values_list("grade", flat=True)) == {"demonstration", "advanced", "pass", "fail"}
    assert set(Assessment.objects.values_list("status", flat=True)) == {
        "draft", "submitted", "returned", "approved", "verified", "finalised", "rectifying", "reinspected"}
    assert finished.assessments.filter(objections__isnull=False).exists()
    assert running.assessments.filter(status="submitted").count() == 1  # dw1's to review
