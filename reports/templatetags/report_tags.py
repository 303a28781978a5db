"""`{% report_links unit %}`: the exports an org page offers — the reports
app's named hook into the pages of the apps below it (like the score card),
so that none of them imports it. Only units the user may see reach a page,
and every export is scoped again when it is requested."""

from django import template
from django.utils import timezone

from reports.exporters import EXPORTERS

register = template.Library()

BRANCH_JOBS = ("compliance_xlsx", "roster_xlsx", "dues_xlsx")
UNIT_JOBS = ("branch_reports_zip", "recommend_xlsx", "compliance_xlsx", "roster_xlsx", "dues_xlsx")


@register.inclusion_tag("reports/partials/report_links.html", takes_context=True)
def report_links(context, unit, year=None):
    year = year or timezone.localdate().year
    kinds = BRANCH_JOBS if unit.is_branch else UNIT_JOBS
    return {
        "unit": unit,
        "year": year,
        "jobs": [(k, EXPORTERS[k].label) for k in kinds],
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }
