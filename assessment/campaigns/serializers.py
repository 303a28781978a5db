"""Input and output shapes of the campaign API. Serializers check the shape of
input only; permissions and rules live in the services."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from branches.models import OrgUnit
from meetings.models import Meeting

from ..models import (
    Assessment,
    Campaign,
    Evidence,
    ItemScore,
    Objection,
    RectificationPlan,
    Reinspection,
    Scorecard,
    Transition,
)

SCORE = {"max_digits": 5, "decimal_places": 2}


# ---------------------------------------------------------------- output


class ProgressSerializer(serializers.Serializer):
    branches = serializers.IntegerField(help_text=_("党支部数"))
    submitted = serializers.IntegerField(help_text=_("已提交自评"))
    reviewed = serializers.IntegerField(help_text=_("已审核"))
    sampled = serializers.IntegerField(help_text=_("抽验对象"))
    verified = serializers.IntegerField(help_text=_("已抽验"))
    finalised = serializers.IntegerField(help_text=_("已评定"))
    by_status = serializers.DictField(child=serializers.IntegerField(), help_text=_("各状态的党支部数"))
    by_grade = serializers.DictField(child=serializers.IntegerField(), help_text=_("各等次的党支部数"))


class CampaignSerializer(serializers.ModelSerializer):
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id", "org_unit", "org_unit_name", "name", "year", "scorecard", "self_due", "review_due",
            "verification_due", "threshold_demonstration", "threshold_advanced", "threshold_pass", "sample_ratio",
            "sample_seed", "sample_drawn_at", "publicity_days", "publicity_start", "publicity_end", "score_mode",
            "self_weight", "demonstration_share", "status", "finalised_at",
        ]
        read_only_fields = fields


class CampaignDetailSerializer(CampaignSerializer):
    progress = ProgressSerializer(read_only=True)
    warnings = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta(CampaignSerializer.Meta):
        fields = [*CampaignSerializer.Meta.fields, "progress", "warnings"]
        read_only_fields = fields


class FinaliseResultSerializer(serializers.Serializer):
    campaign = CampaignSerializer()
    demonstration = serializers.ListField(child=serializers.IntegerField(), help_text=_("评为示范的党支部ID"))
    warnings = serializers.ListField(child=serializers.CharField(), help_text=_("提示（不阻止评定）"))


class StageDeductionSerializer(serializers.Serializer):
    points = serializers.DecimalField(**SCORE)
    code = serializers.CharField()
    params = serializers.DictField()
    records = serializers.ListField(child=serializers.DictField())
    text = serializers.CharField(help_text=_("扣分说明"))


class StageItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    category = serializers.CharField()
    method = serializers.CharField()
    max = serializers.DecimalField(**SCORE)
    score = serializers.DecimalField(**SCORE, allow_null=True)
    overridden = serializers.BooleanField()
    override_reason = serializers.CharField(allow_blank=True, help_text=_("改判理由"))
    deductions = StageDeductionSerializer(many=True)


class StageResultSerializer(serializers.Serializer):
    stage = serializers.CharField()
    total = serializers.DecimalField(**SCORE)
    grade = serializers.CharField()
    vetoed = serializers.BooleanField()
    vetoes = serializers.ListField(child=serializers.DictField())
    bonus = serializers.DecimalField(**SCORE)
    items = StageItemSerializer(many=True)


class ItemScoreSerializer(serializers.ModelSerializer):
    scored_by_name = serializers.SerializerMethodField()

    class Meta:
        model = ItemScore
        fields = ["id", "stage", "code", "value", "override", "reason", "scored_by", "scored_by_name", "updated_at"]

    def get_scored_by_name(self, obj) -> str:
        u = obj.scored_by
        return (u.get_full_name() or u.get_username()) if u else ""


class TransitionSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = Transition
        fields = ["id", "action", "from_status", "to_status", "comment", "actor", "actor_name", "at"]

    def get_actor_name(self, obj) -> str:
        u = obj.actor
        return (u.get_full_name() or u.get_username()) if u else ""


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["id", "item_code", "original_name", "content_type", "size", "created_at"]


class ObjectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objection
        fields = ["id", "assessment", "content", "raised_by", "handling", "created_at"]


class RectificationPlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = RectificationPlan
        fields = ["id", "assessment", "items", "owner", "due_date", "guide", "created_at"]


class ReinspectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Reinspection
        fields = ["id", "assessment", "plan", "total", "grade_before", "grade_after", "note", "created_at"]


class AssessmentSerializer(serializers.ModelSerializer):
    branch_name = serializers.CharField(source="branch.name", read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id", "campaign", "branch", "branch_name", "status", "sampled", "self_total", "review_total",
            "verify_total", "final_total", "grade", "submitted_at", "version",
        ]
        read_only_fields = fields


class DriftItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    frozen = serializers.DecimalField(**SCORE, allow_null=True, help_text=_("提交时得分"))
    fresh = serializers.DecimalField(**SCORE, allow_null=True, help_text=_("按当前记录得分"))


class DriftSerializer(serializers.Serializer):
    changed = serializers.BooleanField(help_text=_("提交后记录有变化"))
    frozen_total = serializers.DecimalField(**SCORE, allow_null=True)
    fresh_total = serializers.DecimalField(**SCORE, allow_null=True)
    items = DriftItemSerializer(many=True)


class AssessmentDetailSerializer(AssessmentSerializer):
    stages = StageResultSerializer(many=True, read_only=True)
    item_scores = ItemScoreSerializer(many=True, read_only=True)
    transitions = TransitionSerializer(many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    objections = ObjectionSerializer(many=True, read_only=True)
    rectification_plans = RectificationPlanSerializer(many=True, read_only=True)
    reinspections = ReinspectionSerializer(many=True, read_only=True)

    class Meta(AssessmentSerializer.Meta):
        fields = [
            *AssessmentSerializer.Meta.fields, "self_report", "approval_meeting", "satisfaction", "facts_hash",
            "frozen_at", "stages", "item_scores", "transitions", "evidence", "objections", "rectification_plans",
            "reinspections",
        ]
        read_only_fields = fields


# ---------------------------------------------------------------- input


class CampaignOpenSerializer(serializers.Serializer):
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    name = serializers.CharField(max_length=200)
    year = serializers.IntegerField(required=False, help_text=_("默认上一年度"))
    scorecard = serializers.PrimaryKeyRelatedField(
        queryset=Scorecard.objects.filter(published_at__isnull=False), required=False, allow_null=True,
        help_text=_("为空时按领域选用"),
    )
    self_due = serializers.DateField(required=False, help_text=_("默认次年5月31日"))
    review_due = serializers.DateField(required=False)
    verification_due = serializers.DateField(required=False)
    threshold_demonstration = serializers.DecimalField(**SCORE, required=False)
    threshold_advanced = serializers.DecimalField(**SCORE, required=False)
    threshold_pass = serializers.DecimalField(**SCORE, required=False)
    sample_ratio = serializers.DecimalField(max_digits=3, decimal_places=2, required=False)
    sample_seed = serializers.IntegerField(required=False)
    publicity_days = serializers.IntegerField(min_value=1, max_value=60, required=False)
    score_mode = serializers.ChoiceField(choices=Campaign.ScoreMode.choices, required=False)
    self_weight = serializers.DecimalField(max_digits=3, decimal_places=2, required=False)
    inspectors = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), many=True, required=False
    )


class DrawSampleSerializer(serializers.Serializer):
    seed = serializers.IntegerField(required=False, help_text=_("不填则使用已保存的种子或随机生成"))


class DateSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, help_text=_("默认今天"))


class VersionedSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text=_("读取时的版本号；他人已修改时拒绝"))
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class SubmitSerializer(VersionedSerializer):
    manual = serializers.DictField(child=serializers.DecimalField(**SCORE, allow_null=True), required=False,
                                   help_text=_("人工评分项和加分项：代码 → 分值"))
    self_report = serializers.CharField(required=False, allow_blank=True)
    approval_meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.all(), required=False)


class OverrideSerializer(serializers.Serializer):
    code = serializers.CharField()
    value = serializers.DecimalField(**SCORE)
    reason = serializers.CharField(allow_blank=True, help_text=_("改判理由（必填）"))


class VetoSerializer(serializers.Serializer):
    code = serializers.CharField()
    reason = serializers.CharField(allow_blank=True, help_text=_("事由（必填）"))


class ScoreSerializer(VersionedSerializer):
    manual = serializers.DictField(child=serializers.DecimalField(**SCORE, allow_null=True), required=False)
    overrides = OverrideSerializer(many=True, required=False)
    vetoes = VetoSerializer(many=True, required=False, help_text=_("否决项，如验收中弄虚作假"))
    satisfaction = serializers.DecimalField(max_digits=5, decimal_places=2, required=False,
                                            help_text=_("党员群众满意度测评（%）"))


class OverrideOneSerializer(OverrideSerializer):
    version = serializers.IntegerField(required=False)


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, help_text=_("退回意见（必填）"))
    version = serializers.IntegerField(required=False)


class ObjectionInputSerializer(serializers.Serializer):
    content = serializers.CharField(allow_blank=True)
    raised_by = serializers.CharField(required=False, allow_blank=True, default="")
    handling = serializers.CharField(required=False, allow_blank=True, default="")


class RectifySerializer(serializers.Serializer):
    items = serializers.ListField(child=serializers.CharField(), allow_empty=True)
    owner = serializers.CharField(max_length=100)
    due_date = serializers.DateField()
    guide = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.filter(is_active=True))


class ReinspectSerializer(serializers.Serializer):
    manual = serializers.DictField(child=serializers.DecimalField(**SCORE, allow_null=True), required=False)
    overrides = OverrideSerializer(many=True, required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    item_code = serializers.CharField(required=False, allow_blank=True, default="")
