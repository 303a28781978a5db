"""API serializers: nested input for logging a meeting (the service validates
the rules), output with attendance, and the compliance result."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from config.api import PrebuiltFields

from . import compliance as c
from .models import Attachment, Attendance, EvaluationGrade, Meeting, MeetingRequirement, MemberReport, TalkRecord
from .services import AbsenceIn, MeetingIn, ObserverIn, ResolutionIn

# ---------------------------------------------------------------- input


class AbsenceInputSerializer(PrebuiltFields, serializers.Serializer):
    member = serializers.IntegerField(label=_("党员ID"))
    reason = serializers.CharField(
        label=_("缺席原因"),
        allow_blank=True,
        required=False,
        default="",
        help_text=_("leave 请假 / official 因公 / sick 病假 / other 其他"),
    )
    note = serializers.CharField(label=_("备注"), allow_blank=True, required=False, default="", max_length=200)


class ObserverInputSerializer(PrebuiltFields, serializers.Serializer):
    name = serializers.CharField(label=_("姓名"), allow_blank=True, required=False, default="", max_length=50)
    member = serializers.IntegerField(label=_("党员ID"), required=False, allow_null=True, default=None)
    note = serializers.CharField(label=_("备注"), allow_blank=True, required=False, default="", max_length=200)


class ResolutionInputSerializer(PrebuiltFields, serializers.Serializer):
    text = serializers.CharField(label=_("决议内容"))
    votes_for = serializers.IntegerField(label=_("赞成"), min_value=0, default=0)
    votes_against = serializers.IntegerField(label=_("反对"), min_value=0, default=0)
    votes_abstain = serializers.IntegerField(label=_("弃权"), min_value=0, default=0)


class MeetingInputSerializer(PrebuiltFields, serializers.Serializer):
    """Log or edit a meeting. Everyone due attends unless listed in `absentees`;
    give `present` to list attendees explicitly instead."""

    branch = serializers.IntegerField(label=_("党支部ID"))
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=Meeting.Kind.choices),
        label=_("会议类型"),
        allow_empty=True,
        help_text=_("可多选；支部党员大会、支委会、党小组会之一为会议形式。"),
    )
    held_at = serializers.DateTimeField(label=_("会议时间"))
    topic = serializers.CharField(label=_("主题"), max_length=200, allow_blank=True)
    place = serializers.CharField(label=_("地点"), max_length=100, required=False, allow_blank=True, default="")
    party_group = serializers.IntegerField(label=_("党小组ID"), required=False, allow_null=True, default=None)
    host = serializers.IntegerField(label=_("主持人ID"), required=False, allow_null=True, default=None)
    recorder = serializers.IntegerField(label=_("记录人ID"), required=False, allow_null=True, default=None)
    lecturer = serializers.IntegerField(label=_("党课主讲人ID"), required=False, allow_null=True, default=None)
    lecturer_name = serializers.CharField(
        label=_("主讲人姓名"), max_length=50, required=False, allow_blank=True, default=""
    )
    lecture_title = serializers.CharField(
        label=_("党课题目"), max_length=200, required=False, allow_blank=True, default=""
    )
    agenda = serializers.CharField(label=_("议程"), required=False, allow_blank=True, default="")
    minutes = serializers.CharField(label=_("会议记录"), required=False, allow_blank=True, default="")
    study_hours = serializers.DecimalField(
        label=_("计入学时"), max_digits=4, decimal_places=1, required=False, allow_null=True, default=None
    )
    absentees = AbsenceInputSerializer(many=True, required=False, default=list)
    present = serializers.ListField(
        child=serializers.IntegerField(), required=False, allow_null=True, default=None, label=_("出席党员ID")
    )
    observers = ObserverInputSerializer(many=True, required=False, default=list)
    resolutions = ResolutionInputSerializer(many=True, required=False, default=list)
    version = serializers.IntegerField(
        label=_("版本（编辑时必填，防止覆盖他人修改）"), required=False, allow_null=True, default=None
    )

    def to_input(self) -> MeetingIn:
        """The service's typed input (the page form builds the same)."""
        return MeetingIn.of(**self.service_kwargs())

    def service_kwargs(self) -> dict:
        d = self.validated_data
        return {
            "kinds": d["kinds"],
            "held_at": d["held_at"],
            "topic": d["topic"],
            "place": d["place"],
            "party_group_id": d["party_group"],
            "host_id": d["host"],
            "recorder_id": d["recorder"],
            "lecturer_id": d["lecturer"],
            "lecturer_name": d["lecturer_name"],
            "lecture_title": d["lecture_title"],
            "agenda": d["agenda"],
            "minutes": d["minutes"],
            "study_hours": d["study_hours"],
            "absentees": [AbsenceIn(member_id=a["member"], reason=a["reason"], note=a["note"]) for a in d["absentees"]],
            "present": d["present"],
            "observers": [ObserverIn(name=o["name"], member_id=o["member"], note=o["note"]) for o in d["observers"]],
            "resolutions": [ResolutionIn(**r) for r in d["resolutions"]],
        }


class AttachmentInputSerializer(serializers.Serializer):
    file = serializers.FileField(label=_("文件"))
    kind = serializers.ChoiceField(label=_("附件类型"), choices=Attachment.Kind.choices, default=Attachment.Kind.PHOTO)


class GradeInputSerializer(serializers.Serializer):
    member = serializers.IntegerField(label=_("党员ID"))
    grade = serializers.ChoiceField(label=_("等次"), choices=EvaluationGrade.Grade.choices)


class GradesInputSerializer(serializers.Serializer):
    grades = GradeInputSerializer(many=True)


class TalkInputSerializer(serializers.Serializer):
    branch = serializers.IntegerField(label=_("党支部ID"))
    date = serializers.DateField(label=_("谈话日期"))
    talker = serializers.IntegerField(label=_("谈话人ID"))
    talkee = serializers.IntegerField(label=_("谈话对象ID"))
    place = serializers.CharField(label=_("地点"), max_length=100, required=False, allow_blank=True, default="")
    summary = serializers.CharField(label=_("谈话要点"), required=False, allow_blank=True, default="")


class MemberReportInputSerializer(serializers.Serializer):
    branch = serializers.IntegerField(label=_("党支部ID"))
    member = serializers.IntegerField(label=_("党员ID"))
    date = serializers.DateField(label=_("汇报日期"))
    topic = serializers.CharField(label=_("汇报主题"), max_length=200, allow_blank=True)
    content = serializers.CharField(label=_("汇报内容"), required=False, allow_blank=True, default="")


# ---------------------------------------------------------------- output


class AttendanceSerializer(PrebuiltFields, serializers.ModelSerializer):
    class Meta:
        model = Attendance
        fields = ["member", "name", "status", "absence_reason", "note", "is_voting", "study_hours"]


class AttachmentSerializer(PrebuiltFields, serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "kind", "original_name", "content_type", "size", "url", "created_at"]

    def get_url(self, obj) -> str:
        url = reverse("meeting_attachment", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ResolutionSerializer(PrebuiltFields, serializers.Serializer):
    order = serializers.IntegerField()
    text = serializers.CharField()
    votes_for = serializers.IntegerField()
    votes_against = serializers.IntegerField()
    votes_abstain = serializers.IntegerField()
    adopted = serializers.BooleanField()


class GradeSerializer(PrebuiltFields, serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = EvaluationGrade
        fields = ["member", "member_name", "grade"]


class MeetingListSerializer(PrebuiltFields, serializers.ModelSerializer):
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    kinds = serializers.SerializerMethodField()
    party_group_name = serializers.CharField(source="party_group.name", read_only=True, default=None)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "branch",
            "branch_name",
            "kind",
            "kinds",
            "held_at",
            "date",
            "topic",
            "place",
            "party_group",
            "party_group_name",
            "expected_count",
            "present_count",
            "absent_count",
            "observer_count",
            "quorum_rule",
            "quorum_met",
            "study_hours",
            "version",
        ]

    def get_kinds(self, obj) -> list[str]:
        return [k.kind for k in obj.kinds.all()]


class MeetingDetailSerializer(MeetingListSerializer):
    attendance = AttendanceSerializer(many=True, read_only=True)
    resolutions = ResolutionSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    grades = GradeSerializer(many=True, read_only=True)

    class Meta(MeetingListSerializer.Meta):
        fields = MeetingListSerializer.Meta.fields + [
            "host",
            "recorder",
            "lecturer",
            "lecturer_name",
            "lecture_title",
            "agenda",
            "minutes",
            "quorum_expected",
            "quorum_present",
            "attendance",
            "resolutions",
            "attachments",
            "grades",
            "created_at",
            "updated_at",
        ]


class TalkRecordSerializer(serializers.ModelSerializer):
    talker_name = serializers.CharField(source="talker.name", read_only=True)
    talkee_name = serializers.CharField(source="talkee.name", read_only=True)

    class Meta:
        model = TalkRecord
        fields = ["id", "branch", "date", "talker", "talker_name", "talkee", "talkee_name", "place", "summary"]


class MemberReportSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = MemberReport
        fields = ["id", "branch", "member", "member_name", "date", "topic", "content"]


class MeetingRequirementSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeetingRequirement
        fields = [
            "id",
            "code",
            "name",
            "meeting_kind",
            "counting",
            "period",
            "min_count",
            "quorum",
            "applies_to",
            "sector",
            "org_unit",
            "is_active",
            "order",
            "notes",
        ]


# ---------------------------------------------------------------- compliance


class ComplianceCellSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="2025-03 / 2025-Q1 / 2025-H1 / 2025")
    label = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    status = serializers.ChoiceField(choices=c.STATUSES)
    count = serializers.IntegerField()
    required = serializers.IntegerField()
    meetings = serializers.ListField(child=serializers.IntegerField())
    excluded_meetings = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("未达法定人数、不计入的会议")
    )
    missing = serializers.ListField(child=serializers.CharField())
    note = serializers.CharField()


class ComplianceRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    label = serializers.CharField()
    period = serializers.CharField()
    min_count = serializers.IntegerField()
    subject = serializers.IntegerField(allow_null=True, help_text=_("按党小组计算时的党小组ID"))
    held = serializers.IntegerField()
    missing = serializers.IntegerField()
    upcoming = serializers.IntegerField()
    periods = ComplianceCellSerializer(many=True)


class ComplianceSummarySerializer(serializers.Serializer):
    held = serializers.IntegerField()
    missing = serializers.IntegerField()
    upcoming = serializers.IntegerField()
    not_applicable = serializers.IntegerField()


class BranchComplianceSerializer(serializers.Serializer):
    branch = serializers.IntegerField()
    branch_name = serializers.CharField()
    year = serializers.IntegerField()
    today = serializers.DateField()
    summary = ComplianceSummarySerializer()
    requirements = ComplianceRowSerializer(many=True)


def compliance_data(result: c.BranchCompliance, *, detail: bool = True) -> dict:
    rows = []
    for row in result.rows:
        item = {
            "code": row.requirement.code,
            "name": row.requirement.name,
            "label": row.label,
            "period": row.requirement.period,
            "min_count": row.requirement.min_count,
            "subject": row.subject_id,
            "held": row.held,
            "missing": row.missing,
            "upcoming": row.upcoming,
        }
        if detail:
            item["periods"] = [
                {
                    "key": cell.period.key,
                    "label": cell.period.label,
                    "start": cell.period.start,
                    "end": cell.period.end,
                    "status": cell.status,
                    "count": cell.count,
                    "required": cell.required,
                    "meetings": list(cell.meeting_ids),
                    "excluded_meetings": list(cell.excluded_ids),
                    "missing": list(cell.missing),
                    "note": cell.note,
                }
                for cell in row.cells
            ]
        rows.append(item)
    return {
        "branch": result.branch_id,
        "branch_name": result.branch_name,
        "year": result.year,
        "today": result.today,
        "summary": result.summary,
        "requirements": rows,
    }
