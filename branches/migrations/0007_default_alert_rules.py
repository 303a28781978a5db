"""SPEC §7 defaults as data: one rule per alert kind (stages, look-back,
recipients, e-mail). Edit them in the admin; code holds no such numbers.
验收截止 is seeded switched off: the acceptance campaign registers its
function and switches the row on."""

from django.db import migrations

DEFAULTS = [
    # kind, stages, stage unit, look-back days, season start, 书记, superior, 组织部, e-mail, active
    ("meeting_due", [7], "days", 0, "", True, False, False, True, True),
    ("meeting_overdue", [], "days", 31, "", True, True, False, True, True),
    ("term_expiring", [180, 90, 30], "days", 0, "", True, True, False, True, True),
    ("term_overdue", [], "days", 0, "", True, True, False, True, True),
    ("probation_ending", [30], "days", 0, "", True, False, False, True, True),
    ("dues_arrears", [3, 6], "months", 0, "", True, False, False, True, True),
    ("no_org_life", [6], "months", 0, "", True, False, False, True, True),
    ("study_shortfall", [], "days", 0, "11-01", True, False, False, True, True),
    ("acceptance_due", [14, 3], "days", 0, "", True, True, False, True, False),
    ("transfer_overdue", [], "days", 0, "", True, False, False, True, True),
]


def create_rules(apps, schema_editor):
    AlertRule = apps.get_model("branches", "AlertRule")
    for kind, stages, unit, lookback, season, secretary, superior, org_dept, email, active in DEFAULTS:
        AlertRule.objects.get_or_create(
            kind=kind,
            defaults={
                "stages": stages, "stage_unit": unit, "lookback_days": lookback, "season_start": season,
                "notify_secretary": secretary, "notify_superior": superior, "notify_org_department": org_dept,
                "send_email": email, "is_active": active,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("branches", "0006_alerts")]

    operations = [migrations.RunPython(create_rules, migrations.RunPython.noop)]
