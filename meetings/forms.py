"""Forms of the meeting pages. They parse input; the rules are in
`meetings.services`, whose errors the views put back on these forms."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import PartyGroup

from .models import Attachment, Attendance, EvaluationGrade, Meeting
from .services import AbsenceIn, MeetingIn, ObserverIn, ResolutionIn


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf,image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def _now_rounded() -> dt.time:
    now = timezone.localtime()
    return dt.time(now.hour, 0 if now.minute < 30 else 30)


class MeetingForm(forms.Form):
    """The phone-first logging form: kinds, date, topic, absentees; the rest is optional."""

    kinds = forms.MultipleChoiceField(
        label=_("会议类型"),
        choices=Meeting.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("可多选：如支部党员大会同时作为本月主题党日。"),
        error_messages={"required": _("请选择会议类型。")},
    )
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    time = forms.TimeField(
        label=_("时间"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    topic = forms.CharField(label=_("主题"), max_length=200)
    party_group = forms.ModelChoiceField(label=_("党小组"), queryset=PartyGroup.objects.none(), required=False)
    lecturer = forms.ModelChoiceField(label=_("党课主讲人"), queryset=None, required=False)
    lecturer_name = forms.CharField(label=_("支部外主讲人"), max_length=50, required=False)
    lecture_title = forms.CharField(label=_("党课题目"), max_length=200, required=False)
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    host = forms.ModelChoiceField(label=_("主持人"), queryset=None, required=False)
    recorder = forms.ModelChoiceField(label=_("记录人"), queryset=None, required=False)
    agenda = forms.CharField(label=_("议程"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    minutes = forms.CharField(
        label=_("会议记录"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("发言要点、不同意见等。"),
    )
    study_hours = forms.DecimalField(
        label=_("计入学时"),
        required=False,
        min_value=0,
        max_value=24,
        max_digits=4,
        decimal_places=1,
        help_text=_("留空：党课、主题党日、集中学习按默认学时计入。"),
    )
    observers = forms.CharField(
        label=_("列席人员"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("每行一人，如入党积极分子、上级党组织联系人。"),
    )
    attachments = MultipleFileField(
        label=_("附件"), required=False, help_text=_("照片、签到表扫描件（JPG、PNG、PDF）。")
    )
    attachment_kind = forms.ChoiceField(
        label=_("附件类型"), choices=Attachment.Kind.choices, initial=Attachment.Kind.PHOTO
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, branch, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.branch = branch
        self.fields["party_group"].queryset = PartyGroup.objects.filter(branch=branch)
        for name in ("lecturer", "host", "recorder"):
            self.fields[name].queryset = members
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "btn-check")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control")
        if not self.is_bound and "time" not in self.initial:
            self.initial["time"] = _now_rounded()

    def held_at(self) -> dt.datetime:
        data = self.cleaned_data
        return timezone.make_aware(dt.datetime.combine(data["date"], data.get("time") or dt.time(9, 0)))

    def absentees(self) -> list[AbsenceIn]:
        """Ticked absentees: `absent` = member ids, `reason_<id>`, `note_<id>`."""
        out = []
        for raw in self.data.getlist("absent"):
            if raw.isdigit():
                out.append(
                    AbsenceIn(
                        member_id=int(raw),
                        reason=self.data.get(f"reason_{raw}", ""),
                        note=self.data.get(f"note_{raw}", ""),
                    )
                )
        return out

    def observer_list(self) -> list[ObserverIn]:
        return [
            ObserverIn(name=line.strip())
            for line in self.cleaned_data.get("observers", "").splitlines()
            if line.strip()
        ]

    def to_input(self, resolutions=()) -> MeetingIn:
        """The service's typed input (the API serializer builds the same)."""
        return MeetingIn.of(**self.service_kwargs(resolutions))

    def service_kwargs(self, resolutions=()) -> dict:
        d = self.cleaned_data
        return {
            "kinds": d["kinds"],
            "held_at": self.held_at(),
            "topic": d["topic"],
            "absentees": self.absentees(),
            "observers": self.observer_list(),
            "place": d.get("place", ""),
            "host_id": d["host"].pk if d.get("host") else None,
            "recorder_id": d["recorder"].pk if d.get("recorder") else None,
            "agenda": d.get("agenda", ""),
            "minutes": d.get("minutes", ""),
            "lecturer_id": d["lecturer"].pk if d.get("lecturer") else None,
            "lecturer_name": d.get("lecturer_name", ""),
            "lecture_title": d.get("lecture_title", ""),
            "party_group_id": d["party_group"].pk if d.get("party_group") else None,
            "study_hours": d.get("study_hours"),
            "resolutions": list(resolutions),
            "attachments": d.get("attachments") or [],
            "attachment_kind": d.get("attachment_kind") or Attachment.Kind.PHOTO,
        }

    @classmethod
    def initial_from(cls, meeting: Meeting) -> dict:
        local = timezone.localtime(meeting.held_at)
        observers = [a.name for a in meeting.attendance.all() if a.status == Attendance.Status.OBSERVER]
        return {
            "kinds": [k.kind for k in meeting.kinds.all()],
            "date": local.date(),
            "time": local.time().replace(second=0, microsecond=0),
            "topic": meeting.topic,
            "party_group": meeting.party_group_id,
            "lecturer": meeting.lecturer_id,
            "lecturer_name": "" if meeting.lecturer_id else meeting.lecturer_name,
            "lecture_title": meeting.lecture_title,
            "place": meeting.place,
            "host": meeting.host_id,
            "recorder": meeting.recorder_id,
            "agenda": meeting.agenda,
            "minutes": meeting.minutes,
            "study_hours": meeting.study_hours,
            "observers": "\n".join(observers),
            "version": meeting.version,
        }


class ResolutionForm(forms.Form):
    text = forms.CharField(label=_("决议内容"), required=False, widget=forms.TextInput(attrs={"class": "form-control"}))
    votes_for = forms.IntegerField(
        label=_("赞成"),
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )
    votes_against = forms.IntegerField(
        label=_("反对"),
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )
    votes_abstain = forms.IntegerField(
        label=_("弃权"),
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )

    def to_input(self) -> ResolutionIn | None:
        d = getattr(self, "cleaned_data", {})
        if not (d.get("text") or "").strip():
            return None
        return ResolutionIn(
            text=d["text"],
            votes_for=d.get("votes_for") or 0,
            votes_against=d.get("votes_against") or 0,
            votes_abstain=d.get("votes_abstain") or 0,
        )


ResolutionFormSet = forms.formset_factory(ResolutionForm, extra=2, max_num=20)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("文件"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".jpg,.jpeg,.png,.pdf,image/*"}),
    )
    kind = forms.ChoiceField(
        label=_("附件类型"), choices=Attachment.Kind.choices, widget=forms.Select(attrs={"class": "form-select"})
    )


class TalkForm(forms.Form):
    date = forms.DateField(
        label=_("谈话日期"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")
    )
    talker = forms.ModelChoiceField(
        label=_("谈话人"), queryset=None, widget=forms.Select(attrs={"class": "form-select"})
    )
    talkee = forms.ModelChoiceField(
        label=_("谈话对象"), queryset=None, widget=forms.Select(attrs={"class": "form-select"})
    )
    place = forms.CharField(
        label=_("地点"), max_length=100, required=False, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    summary = forms.CharField(
        label=_("谈话要点"), required=False, widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"})
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["talker"].queryset = members
        self.fields["talkee"].queryset = members


class MemberReportForm(forms.Form):
    date = forms.DateField(
        label=_("汇报日期"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")
    )
    member = forms.ModelChoiceField(label=_("党员"), queryset=None, widget=forms.Select(attrs={"class": "form-select"}))
    topic = forms.CharField(
        label=_("汇报主题"), max_length=200, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    content = forms.CharField(
        label=_("汇报内容"), required=False, widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"})
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class MeetingFilterForm(forms.Form):
    branch = forms.ModelChoiceField(
        label=_("党支部"),
        queryset=None,
        required=False,
        empty_label=_("全部党支部"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    kind = forms.ChoiceField(
        label=_("类型"),
        required=False,
        choices=[("", _("全部"))] + list(Meeting.Kind.choices),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    date_from = forms.DateField(
        label=_("从"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("到"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches


GRADE_CHOICES = [("", _("—"))] + list(EvaluationGrade.Grade.choices)
