"""List filters of the org-tree endpoints (django-filter)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from . import scoping
from .models import OrgUnit, PartyGroup, Sector


def within_subtree(queryset, request, unit_id, *, path_field="path"):
    """Rows in the subtree of `unit_id`, if that unit is visible to the user
    (else nothing): one indexed `path LIKE '/1/7/%'` filter."""
    path = scoping.org_units_visible_to(request.user).filter(pk=unit_id).values_list("path", flat=True).first()
    if path is None:
        return queryset.none()
    return queryset.filter(**{f"{path_field}__startswith": path})


class OrgUnitFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrgUnit.Kind.choices, label=_("类型"))
    sector = django_filters.ChoiceFilter(choices=Sector.choices, label=_("领域"))
    parent = django_filters.NumberFilter(field_name="parent_id", label=_("上级组织ID"))
    within = django_filters.NumberFilter(method="filter_within", label=_("下级组织（含本级）所属组织ID"))
    is_active = django_filters.BooleanFilter(label=_("有效"))

    class Meta:
        model = OrgUnit
        fields = ["kind", "sector", "parent", "within", "is_active"]

    def filter_within(self, queryset, name, value):
        return within_subtree(queryset, self.request, value)


class BranchFilter(OrgUnitFilter):
    kind = django_filters.ChoiceFilter(choices=[(k.value, k.label) for k in OrgUnit.BRANCH_KINDS], label=_("类型"))


class PartyGroupFilter(django_filters.FilterSet):
    branch = django_filters.NumberFilter(field_name="branch_id", label=_("党支部ID"))

    class Meta:
        model = PartyGroup
        fields = ["branch"]
