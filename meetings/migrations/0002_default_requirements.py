"""SPEC §4 defaults as data: the requirement table the compliance calendar,
the scorecard (C1–C8, D6) and the alerts are computed from. Edit or override
them (per 领域 or per org unit) in the admin; code holds no such numbers."""

from django.db import migrations

DEFAULTS = [
    # code, name, meeting kind, counting, period, min count, quorum, applies to
    ("branch_assembly", "支部党员大会", "branch_assembly", "meetings", "quarter", 1, "full_members", "all"),
    ("committee", "支委会", "committee", "meetings", "month", 1, "committee", "with_committee"),
    ("group", "党小组会", "group", "per_group", "month", 1, "none", "all"),
    ("lecture", "党课", "lecture", "meetings", "quarter", 1, "none", "all"),
    ("secretary_lecture", "书记讲党课", "lecture", "secretary_lectures", "year", 1, "none", "all"),
    ("theme_day", "主题党日", "theme_day", "meetings", "month", 1, "none", "all"),
    ("life_meeting", "组织生活会", "life_meeting", "meetings", "year", 1, "none", "all"),
    ("evaluation", "民主评议党员", "evaluation", "meetings", "year", 1, "none", "all"),
    ("talk", "谈心谈话", "", "talk_pairs", "year", 1, "none", "all"),
    ("member_report", "党员向支部汇报", "", "member_reports", "year", 1, "none", "all"),
]


def create_defaults(apps, schema_editor):
    MeetingRequirement = apps.get_model("meetings", "MeetingRequirement")
    for order, (code, name, kind, counting, period, min_count, quorum, applies_to) in enumerate(DEFAULTS, start=1):
        MeetingRequirement.objects.get_or_create(
            code=code,
            sector="",
            org_unit=None,
            defaults={
                "name": name, "meeting_kind": kind, "counting": counting, "period": period, "min_count": min_count,
                "quorum": quorum, "applies_to": applies_to, "order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
