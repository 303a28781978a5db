"""API serializers of the org tree. They check the shape of the input and the
user's scope of the related objects; every rule lives in the services and
selectors they hand the data to."""

from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from . import scoping
from .models import CommitteeTerm, OrgUnit, PartyGroup, RoleTenure
from .rules import TermStatus


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key looked up only among the objects the requesting user may
    use: `scope(user)` is a selector of `branches.scoping`. Anything else reads
    as "does not exist", with a Chinese message naming the field. `queryset`
    only names the model (for the schema); lookups always go through `scope`."""

    def __init__(self, *, scope, not_found=scoping.OBJECT_NOT_FOUND, **kwargs):
        self.scope = scope
        kwargs.setdefault("error_messages", {})["does_not_exist"] = not_found
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return self.scope(request.user if request else None)


def request_user(serializer):
    request = serializer.context.get("request")
    return request.user if request else None


def enum_schema(choices) -> dict:
    """A string enum for the schema, for fields registered as their own named
    component, where drf-spectacular's automatic enum naming would see two
    choice sets called `status` (ENUM_NAME_OVERRIDES in settings is the
    alternative)."""
    return {
        "type": "string",
        "enum": [value for value, _label in choices],
        # lazy: the labels are translated when the schema is rendered, not at import
        "description": lazy(lambda: "\n".join(f"* `{value}` - {label}" for value, label in choices), str)(),
    }


@extend_schema_field(enum_schema(TermStatus.CHOICES), component_name="TermStatusEnum")
class TermStatusField(serializers.ChoiceField):
    """Only names the committee's `status` in the schema."""

    def __init__(self, **kwargs):
        super().__init__(choices=TermStatus.CHOICES, **kwargs)


# --------------------------------------------------------------------- org units




class OrgUnitSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    sector_display = serializers.CharField(source="get_sector_display", read_only=True)
    parent = ScopedPrimaryKeyRelatedField(
        scope=scoping.org_units_visible_to,
        queryset=OrgUnit.objects.all(),
        not_found=_("上级党组织不存在，或不在您的管理范围内。"),
        allow_null=True,
        required=False,
    )
    parent_name = serializers.CharField(source="parent.name", read_only=True, default=None)
    is_branch = serializers.BooleanField(read_only=True)

    class Meta:
        model = OrgUnit
        fields = [
            "id",
            "version",
            "name",
            "kind",
            "kind_display",
            "sector",
            "sector_display",
            "parent",
            "parent_name",
            "path",
            "depth",
            "is_branch",
            "founded_on",
            "unit_name",
            "contact_phone",
            "address",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["path", "depth", "created_at", "updated_at"]

    # who may set up, move, re-kind or revoke a unit is decided by
    # branches.services.org_unit_create/org_unit_update (actor=), for the page and the API alike


# --------------------------------------------------------------------- branches


class TenureSerializer(serializers.ModelSerializer):
    member_id = serializers.IntegerField(read_only=True)
    member_name = serializers.CharField(source="member.name", read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    title = serializers.CharField(read_only=True, help_text="职务（含兼任），如“组织委员兼纪检委员”")

    class Meta:
        model = RoleTenure
        fields = ["id", "member_id", "member_name", "role", "role_display", "concurrent_role", "title", "start_date",
                  "end_date"]


def held_today(term: CommitteeTerm) -> list[RoleTenure]:
    today = timezone.localdate()
    return [t for t in term.tenures.all() if t.held_on(today)]


class CommitteeSummarySerializer(serializers.Serializer):
    """The current term in a branch row. Expects the term's postponements and
    tenures prefetched (`branches.selectors.current_term_prefetch`) and the page's
    rule findings in the context."""

    id = serializers.IntegerField()
    number = serializers.IntegerField()
    start_date = serializers.DateField()
    due_end_date = serializers.DateField()
    effective_due_end = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    status_display = serializers.SerializerMethodField()
    seats = serializers.IntegerField()
    filled_seats = serializers.SerializerMethodField()
    secretary = serializers.SerializerMethodField()

    def _findings(self, term):
        return self.context.get("findings", {}).get(term.org_unit_id, [])

    @extend_schema_field(OpenApiTypes.DATE)
    def get_effective_due_end(self, term):
        return term.effective_due_end()

    @extend_schema_field(TermStatusField)
    def get_status(self, term):
        return TermStatus.from_findings(self._findings(term))

    @extend_schema_field(OpenApiTypes.STR)
    def get_status_display(self, term):
        return str(TermStatus.LABELS[self.get_status(term)])

    @extend_schema_field(OpenApiTypes.INT)
    def get_filled_seats(self, term):
        return len(held_today(term))

    @extend_schema_field(TenureSerializer(allow_null=True))
    def get_secretary(self, term):
        secretary = next((t for t in held_today(term) if t.role == RoleTenure.Role.SECRETARY), None)
        return TenureSerializer(secretary).data if secretary else None


class CommitteeSerializer(CommitteeSummarySerializer):
    """The current term on the branch page: every seat held today."""

    tenures = serializers.SerializerMethodField()

    @extend_schema_field(TenureSerializer(many=True))
    def get_tenures(self, term):
        return TenureSerializer(held_today(term), many=True).data


class FindingSerializer(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.ChoiceField(choices=["error", "warning", "info"])
    message = serializers.CharField()
    facts = serializers.DictField()


class FindingCountsSerializer(serializers.Serializer):
    error = serializers.IntegerField()
    warning = serializers.IntegerField()
    info = serializers.IntegerField()


class BranchListSerializer(serializers.ModelSerializer):
    """A branch row. The view passes `findings` ({branch id: [Finding]}) for
    the whole page in the context, computed in one batch."""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    sector_display = serializers.CharField(source="get_sector_display", read_only=True)
    parent_name = serializers.CharField(source="parent.name", read_only=True, default=None)
    party_member_count = serializers.IntegerField(read_only=True)
    committee = serializers.SerializerMethodField()
    finding_counts = serializers.SerializerMethodField()

    committee_serializer = CommitteeSummarySerializer

    class Meta:
        model = OrgUnit
        fields = [
            "id",
            "name",
            "kind",
            "kind_display",
            "sector",
            "sector_display",
            "parent",
            "parent_name",
            "path",
            "depth",
            "unit_name",
            "is_active",
            "party_member_count",
            "committee",
            "finding_counts",
        ]
        read_only_fields = fields

    def _findings(self, branch):
        return self.context.get("findings", {}).get(branch.pk, [])

    @extend_schema_field(CommitteeSummarySerializer(allow_null=True))
    def get_committee(self, branch):
        term = branch.open_terms[0] if branch.open_terms else None
        return self.committee_serializer(term, context=self.context).data if term else None

    @extend_schema_field(FindingCountsSerializer)
    def get_finding_counts(self, branch):
        counts = {"error": 0, "warning": 0, "info": 0}
        for finding in self._findings(branch):
            counts[finding.severity] += 1
        return counts


class BranchDetailSerializer(BranchListSerializer):
    findings = serializers.SerializerMethodField()

    committee_serializer = CommitteeSerializer

    class Meta(BranchListSerializer.Meta):
        fields = [
            *BranchListSerializer.Meta.fields,
            "founded_on",
            "contact_phone",
            "address",
            "findings",
        ]
        read_only_fields = fields

    @extend_schema_field(CommitteeSerializer(allow_null=True))
    def get_committee(self, branch):
        return super().get_committee(branch)

    @extend_schema_field(FindingSerializer(many=True))
    def get_findings(self, branch):
        return [
            {"code": f.code, "severity": f.severity, "message": str(f.message), "facts": f.facts}
            for f in self._findings(branch)
        ]


# --------------------------------------------------------------------- party groups


def branches_editable_by(user):
    return scoping.org_units_editable_by(user).filter(kind__in=OrgUnit.BRANCH_KINDS)


def members_of_visible_branches(user):
    """The members of the branches the user sees, through the reverse relation
    members.Member.branch declares (OrgUnit.members): branches imports no app above it."""
    member = PartyGroup.leader.field.related_model
    return member._default_manager.filter(branch__in=scoping.org_units_visible_to(user))


class PartyGroupSerializer(serializers.ModelSerializer):
    branch = ScopedPrimaryKeyRelatedField(
        scope=branches_editable_by, queryset=OrgUnit.objects.all(), not_found=_("党支部不存在，或不在您的管理范围内。")
    )
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    leader = ScopedPrimaryKeyRelatedField(
        scope=members_of_visible_branches,
        not_found=_("组长不存在，或不在您的管理范围内。"),
        allow_null=True,
        required=False,
        queryset=PartyGroup.leader.field.related_model._default_manager.all(),
    )
    leader_name = serializers.CharField(source="leader.name", read_only=True, default=None)
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = PartyGroup
        fields = [
            "id",
            "version",
            "branch",
            "branch_name",
            "name",
            "leader",
            "leader_name",
            "member_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # no generic UniqueTogetherValidator: `validate` reports a duplicate name under
        # "name", in Chinese; the service's full_clean and the constraint remain the backstop
        validators = []

    def validate_branch(self, branch):
        if self.instance is not None and branch.pk != self.instance.branch_id:
            raise serializers.ValidationError(_("党小组不能调整到其他党支部；请在新支部新建党小组。"))
        return branch

    def validate(self, attrs):
        if "name" not in attrs and "branch" not in attrs:
            return attrs
        branch = attrs.get("branch") or self.instance.branch
        name = attrs.get("name", self.instance.name if self.instance else None)
        same_name = PartyGroup.objects.filter(branch=branch, name=name)
        if self.instance is not None:
            same_name = same_name.exclude(pk=self.instance.pk)
        if same_name.exists():
            raise serializers.ValidationError({"name": _("本支部已有同名党小组。")})
        return attrs


class ApiErrorSerializer(serializers.Serializer):
    """The error envelope of `config.api.exception_handler` (for the schema)."""

    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
