"""List filters of the member roster endpoint (django-filter)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from branches.filters import within_subtree

from . import idnumbers
from .models import Member


class MemberFilter(django_filters.FilterSet):
    branch = django_filters.NumberFilter(field_name="branch_id", label=_("党支部ID"))
    within = django_filters.NumberFilter(method="filter_within", label=_("所属组织ID（含下级组织）"))
    status = django_filters.MultipleChoiceFilter(choices=Member.Status.choices, label=_("状态（可多选）"))
    category = django_filters.ChoiceFilter(choices=Member.Category.choices, label=_("人员类别"))
    gender = django_filters.ChoiceFilter(choices=Member.Gender.choices, label=_("性别"))
    is_mobile = django_filters.BooleanFilter(label=_("流动党员"))
    party_group = django_filters.NumberFilter(field_name="party_group_id", label=_("党小组ID"))
    id_number = django_filters.CharFilter(method="filter_id_number", label=_("身份证号（精确匹配）"))

    class Meta:
        model = Member
        fields = ["branch", "within", "status", "category", "gender", "is_mobile", "party_group", "id_number"]

    def filter_within(self, queryset, name, value):
        return within_subtree(queryset, self.request, value, path_field="branch__path")

    def filter_id_number(self, queryset, name, value):
        # exact match on the HMAC digest: the number is never decrypted to search
        return queryset.filter(id_number_digest=idnumbers.digest(value))
