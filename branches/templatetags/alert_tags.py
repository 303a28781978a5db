"""`{% subtree_overdue_alerts unit %}`: the overdue alerts of a 党委/党总支's
branches, on its page (templates/branches/partials/children_sections.html)."""

from django import template

from branches.alert_views import subtree_overdue_context

register = template.Library()


@register.inclusion_tag("branches/alerts/partials/subtree_overdue.html", takes_context=True)
def subtree_overdue_alerts(context, unit):
    return subtree_overdue_context(context["request"].user, unit)
