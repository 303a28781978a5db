"""SPEC §2 defaults as data: a default policy (3-year terms) and 5-year terms
for 村 and 社区 branches. Edit them in the admin; code holds no such numbers."""

from django.db import migrations


def create_policies(apps, schema_editor):
    RulePolicy = apps.get_model("branches", "RulePolicy")
    RulePolicy.objects.get_or_create(sector="", defaults={"term_years": 3})
    for sector in ("village", "community"):
        RulePolicy.objects.get_or_create(sector=sector, defaults={"term_years": 5})


class Migration(migrations.Migration):
    dependencies = [("branches", "0002_initial")]

    operations = [migrations.RunPython(create_policies, migrations.RunPython.noop)]
