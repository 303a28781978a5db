"""The SPEC §3 党费 standards as the initial rate table (editable in the admin).

In work: ≤3000 → 0.5%, 3000–5000 → 1%, 5000–10000 → 1.5%, >10000 → 2%
(upper bounds inclusive). Retired: ≤5000 → 0.5%, >5000 → 1%. Students and
others (unemployed, 低保): 0.2 元. Farmers: 0.2–1 元 fixed."""

from decimal import Decimal

from django.db import migrations

D = Decimal
DEFAULT_RATES = (
    # (category, upper bound inclusive or None, percent, fixed amount, fixed max)
    ("employed", D("3000.00"), D("0.50"), None, None),
    ("employed", D("5000.00"), D("1.00"), None, None),
    ("employed", D("10000.00"), D("1.50"), None, None),
    ("employed", None, D("2.00"), None, None),
    ("retired", D("5000.00"), D("0.50"), None, None),
    ("retired", None, D("1.00"), None, None),
    ("student", None, None, D("0.20"), None),
    ("other", None, None, D("0.20"), None),
    ("farmer", None, None, D("0.20"), D("1.00")),
)


def seed_rates(apps, schema_editor):
    DuesRate = apps.get_model("members", "DuesRate")
    if DuesRate.objects.exists():
        return
    DuesRate.objects.bulk_create(
        DuesRate(category=c, upper_bound=ub, percent=p, fixed_amount=f, fixed_max=m) for c, ub, p, f, m in DEFAULT_RATES
    )


class Migration(migrations.Migration):
    dependencies = [("members", "0002_dues_study_development_transfers")]

    operations = [migrations.RunPython(seed_rates, migrations.RunPython.noop)]
