"""差额选举 (seats to fill, seats left for another round) and SPEC §11's
calendar years and months: the postponement and vacancy limits of the rule
policies move from days to months (365 days → 12 months, 90 days → 3)."""

from django.db import migrations, models


def days_to_months(apps, schema_editor):
    RulePolicy = apps.get_model("branches", "RulePolicy")
    for policy in RulePolicy.objects.all():
        policy.max_postponement_months = max(1, round(policy.max_postponement_days * 12 / 365))
        policy.vacancy_max_months = max(1, round(policy.vacancy_max_days / 30))
        policy.save(update_fields=["max_postponement_months", "vacancy_max_months"])


def months_to_days(apps, schema_editor):
    RulePolicy = apps.get_model("branches", "RulePolicy")
    for policy in RulePolicy.objects.all():
        policy.max_postponement_days = round(policy.max_postponement_months * 365 / 12)
        policy.vacancy_max_days = policy.vacancy_max_months * 30
        policy.save(update_fields=["max_postponement_days", "vacancy_max_days"])


class Migration(migrations.Migration):

    dependencies = [
        ('branches', '0007_default_alert_rules'),
    ]

    operations = [
        migrations.AddField(
            model_name='election',
            name='runoff_seats',
            field=models.PositiveSmallIntegerField(default=0, editable=False, verbose_name='另行选举名额'),
        ),
        migrations.AddField(
            model_name='election',
            name='seats',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='应选名额'),
        ),
        migrations.AddField(
            model_name='electioncandidate',
            name='runoff',
            field=models.BooleanField(default=False, editable=False, verbose_name='需另行选举'),
        ),
        migrations.AddField(
            model_name='historicalelection',
            name='runoff_seats',
            field=models.PositiveSmallIntegerField(default=0, editable=False, verbose_name='另行选举名额'),
        ),
        migrations.AddField(
            model_name='historicalelection',
            name='seats',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='应选名额'),
        ),
        migrations.AddField(
            model_name='rulepolicy',
            name='max_postponement_months',
            field=models.PositiveSmallIntegerField(default=12, verbose_name='延期/提前换届最长月数'),
        ),
        migrations.AddField(
            model_name='rulepolicy',
            name='vacancy_max_months',
            field=models.PositiveSmallIntegerField(default=3, verbose_name='缺额须补选月数'),
        ),
        migrations.RunPython(days_to_months, months_to_days),
        migrations.RemoveField(
            model_name='rulepolicy',
            name='max_postponement_days',
        ),
        migrations.RemoveField(
            model_name='rulepolicy',
            name='vacancy_max_days',
        ),
    ]
