"""API serializers of the committee records: terms, role tenures, elections
(with candidates and votes), postponement/advance approvals, vacancies and
the committee on a day. Input serializers check shape and scope; the rules
are in `branches.services`, which the views call."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from members.models import Member

from . import scoping
from .models import CommitteeTerm, Election, ElectionCandidate, OrgUnit, TermAdjustment
from .serializers import ScopedPrimaryKeyRelatedField, TenureSerializer


def branches_editable_by(user):
    return scoping.org_units_editable_by(user).filter(kind__in=OrgUnit.BRANCH_KINDS)


def terms_editable_by(user):
    return CommitteeTerm.objects.filter(org_unit__in=scoping.org_units_editable_by(user))


BRANCH_NOT_FOUND = _("党支部不存在，或不在您的管理范围内。")
TERM_NOT_FOUND = _("任期不存在，或不在您的管理范围内。")
MEMBER_NOT_FOUND = _("党员不存在，或不在您的管理范围内。")


def scoped_branch():
    return ScopedPrimaryKeyRelatedField(
        scope=branches_editable_by, queryset=OrgUnit.objects.all(), not_found=BRANCH_NOT_FOUND
    )


def scoped_member(**kwargs):
    return ScopedPrimaryKeyRelatedField(
        scope=scoping.members_visible_to, queryset=Member.objects.all(), not_found=MEMBER_NOT_FOUND, **kwargs
    )


# --------------------------------------------------------------------- terms


class TermAdjustmentSerializer(serializers.ModelSerializer):
    term = ScopedPrimaryKeyRelatedField(scope=terms_editable_by, queryset=CommitteeTerm.objects.all(),
                                        not_found=TERM_NOT_FOUND)
    org_unit = serializers.IntegerField(source="term.org_unit_id", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = TermAdjustment
        fields = ["id", "term", "org_unit", "kind", "kind_display", "approver", "approval_date", "document_no",
                  "new_due_end_date", "reason", "created_at"]
        read_only_fields = ["created_at"]


class CommitteeTermSerializer(serializers.ModelSerializer):
    org_unit = scoped_branch()
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    effective_due_end = serializers.DateField(read_only=True, help_text=_("含批准的延期/提前后的届满日期"))
    adjustments = TermAdjustmentSerializer(source="postponements", many=True, read_only=True)
    tenures = TenureSerializer(many=True, read_only=True)

    class Meta:
        model = CommitteeTerm
        fields = ["id", "org_unit", "org_unit_name", "number", "start_date", "due_end_date", "effective_due_end",
                  "actual_end_date", "seats", "election", "notes", "adjustments", "tenures", "created_at"]
        read_only_fields = ["number", "due_end_date", "actual_end_date", "election", "created_at"]


# --------------------------------------------------------------------- tenures


class RoleTenureSerializer(TenureSerializer):
    term = ScopedPrimaryKeyRelatedField(scope=terms_editable_by, queryset=CommitteeTerm.objects.all(),
                                        not_found=TERM_NOT_FOUND)
    org_unit = serializers.IntegerField(source="term.org_unit_id", read_only=True)
    member = scoped_member(write_only=True)

    class Meta(TenureSerializer.Meta):
        fields = ["id", "term", "org_unit", "member", "member_id", "member_name", "role", "role_display",
                  "concurrent_role", "title", "start_date", "end_date", "end_reason"]
        read_only_fields = ["end_date", "end_reason"]


class RoleTenureEndSerializer(serializers.Serializer):
    end_date = serializers.DateField(label=_("离任日期"))
    reason = serializers.CharField(label=_("离任原因"), max_length=100, required=False, allow_blank=True, default="")


# --------------------------------------------------------------------- elections


class CandidateSerializer(serializers.ModelSerializer):
    member = scoped_member()
    member_name = serializers.CharField(source="member.name", read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = ElectionCandidate
        fields = ["id", "member", "member_name", "votes", "role", "role_display", "elected", "runoff"]
        read_only_fields = ["elected", "runoff"]


class ElectionSerializer(serializers.ModelSerializer):
    org_unit = scoped_branch()
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    candidates = CandidateSerializer(many=True)
    resulting_term = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Election
        fields = ["id", "org_unit", "kind", "kind_display", "date", "voters_due", "voters_present", "seats",
                  "quorum_met", "runoff_seats", "candidates", "resulting_term", "notes", "created_at"]
        read_only_fields = ["quorum_met", "runoff_seats", "created_at"]
        extra_kwargs = {
            "seats": {"help_text": _("应选名额：换届为经批准的委员职数（不填沿用本届职数），补选不填为缺额数；不按当选人数确定。")},
            "voters_due": {"help_text": _("有选举权的正式党员数；预备党员没有选举权，不计入。")},
        }


# --------------------------------------------------------------------- vacancies and the committee on a day


class VacancySerializer(serializers.Serializer):
    org_unit = serializers.IntegerField()
    org_unit_name = serializers.CharField()
    term = serializers.IntegerField()
    seats = serializers.IntegerField(help_text=_("委员职数"))
    filled_seats = serializers.IntegerField()
    vacant_seats = serializers.IntegerField()
    since = serializers.DateField(help_text=_("缺额起始日期"))
    overdue = serializers.BooleanField(help_text=_("缺额超过规定月数未补选"))


class CommitteeOnDaySerializer(serializers.Serializer):
    org_unit = serializers.IntegerField()
    on = serializers.DateField()
    tenures = TenureSerializer(many=True)


class CommitteeOnQuerySerializer(serializers.Serializer):
    on = serializers.DateField(required=False, help_text=_("日期（YYYY-MM-DD），默认今天"))
