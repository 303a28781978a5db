"""Writes of the meetings app. Every service validates everything first and
raises one ValidationError (field → Chinese messages) before it writes, so bad
input changes nothing; the writes run in one transaction.

Logging a meeting is a handful of queries whatever the roster size: the roster
in one query, the committee (支委会 only), the requirement table, then bulk
inserts of kinds, attendance rows and resolutions."""

import logging
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from branches.models import OrgUnit, PartyGroup
from branches.selectors import committee_on
from branches.services import require_edit
from config import hooks, uploads
from config.concurrency import claim_version
from members import scoping
from members.models import Member

from . import compliance, selectors
from .models import Attachment, Attendance, EvaluationGrade, Meeting, MeetingKind, MemberReport, Resolution, TalkRecord

Kind = Meeting.Kind
Status = Attendance.Status

MB = uploads.MB
# magic numbers of the allowed attachment formats (shared with the archive uploads)
SIGNATURES = uploads.SIGNATURES
DEFAULT_ATTACHMENT_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}


def attachment_max_bytes() -> int:
    return int(getattr(settings, "MEETINGS_ATTACHMENT_MAX_BYTES", 10 * MB))


def attachment_types() -> dict[str, str]:
    """Allowed extensions → content type (setting MEETINGS_ATTACHMENT_TYPES)."""
    return dict(getattr(settings, "MEETINGS_ATTACHMENT_TYPES", DEFAULT_ATTACHMENT_TYPES))


def default_study_hours() -> Decimal:
    """Hours credited for a meeting with study content when none are given."""
    return Decimal(str(getattr(settings, "MEETINGS_DEFAULT_STUDY_HOURS", "2")))


def excellent_max_ratio() -> tuple[int, int]:
    """民主评议: 优秀 at most this share of those rated (default 1/3)."""
    num, den = getattr(settings, "MEETINGS_EXCELLENT_MAX_RATIO", (1, 3))
    return int(num), int(den)


@dataclass(frozen=True)
class AbsenceIn:
    member_id: int
    reason: str
    note: str = ""


@dataclass(frozen=True)
class ObserverIn:
    """A 列席 person: a member the actor may see (of this branch but not due,
    or of another branch in the actor's scope) or just a name."""

    name: str = ""
    member_id: int | None = None
    note: str = ""


@dataclass(frozen=True)
class ResolutionIn:
    text: str
    votes_for: int = 0
    votes_against: int = 0
    votes_abstain: int = 0


@dataclass(frozen=True)
class MeetingIn:
    """What logging or editing a meeting takes, as one typed object: built by
    the page form (`MeetingForm.to_input`) and the API serializer
    (`MeetingInputSerializer.to_input`) alike, so both callers hand the service
    the same shape. Everyone due is present unless listed in `absentees` (or,
    if `present` is given, exactly those)."""

    kinds: tuple[str, ...]
    held_at: datetime | date
    topic: str
    absentees: tuple[AbsenceIn, ...] = ()
    present: tuple[int, ...] | None = None
    observers: tuple[ObserverIn, ...] = ()
    place: str = ""
    host_id: int | None = None
    recorder_id: int | None = None
    agenda: str = ""
    minutes: str = ""
    lecturer_id: int | None = None
    lecturer_name: str = ""
    lecture_title: str = ""
    party_group_id: int | None = None
    study_hours: Decimal | None = None
    resolutions: tuple[ResolutionIn, ...] = ()
    attachments: tuple = ()
    attachment_kind: str = Attachment.Kind.PHOTO

    @classmethod
    def of(cls, **fields) -> "MeetingIn":
        """From loose keyword arguments (commands, tests): sequences become tuples."""
        for name in ("kinds", "absentees", "observers", "resolutions", "attachments"):
            if fields.get(name) is not None:
                fields[name] = tuple(fields[name])
        if fields.get("present") is not None:
            fields["present"] = tuple(fields["present"])
        return cls(**fields)

    def fields(self) -> dict:
        return {f.name: getattr(self, f.name) for f in dataclass_fields(self)}


class _Errors:
    """Collects field errors so that the user sees all of them at once."""

    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(str(message))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


# ---------------------------------------------------------------- meetings


def normalize_kinds(kinds) -> tuple[str, list[str]]:
    """(form, all kinds): the form is the roster kind (支部党员大会 / 支委会 / 党小组会)
    if there is one, else the first kind given; at most one roster kind."""
    valid = set(Kind.values)
    out: list[str] = []
    for k in kinds or ():
        if k not in valid:
            raise ValidationError({"kinds": [_("未知的会议类型：%(k)s。") % {"k": k}]})
        if k not in out:
            out.append(k)
    if not out:
        raise ValidationError({"kinds": [_("请选择会议类型。")]})
    roster_kinds = [k for k in out if k in Meeting.ROSTER_KINDS]
    if len(roster_kinds) > 1:
        labels = "、".join(str(Kind(k).label) for k in roster_kinds)
        raise ValidationError({"kinds": [_("%(kinds)s不能合并为一次会议，请分别登记。") % {"kinds": labels}]})
    form = roster_kinds[0] if roster_kinds else out[0]
    return form, [form] + [k for k in out if k != form]


def _aware(held_at) -> datetime:
    if isinstance(held_at, date) and not isinstance(held_at, datetime):
        held_at = datetime.combine(held_at, datetime.min.time())
    if timezone.is_naive(held_at):
        held_at = timezone.make_aware(held_at)
    return held_at


def _referable_members(user):
    """The members a write may reference: those the acting user can see (a
    system write without a user, such as the demo, sees everyone)."""
    return Member.objects.all() if user is None else scoping.members_visible_to(user)


def _not_due_message(member: Member, branch: OrgUnit, form: str, day: date) -> str:
    if member.branch_id != branch.pk:
        return _("%(name)s不是本支部党员，不能登记为出席或缺席；如到会，请作为列席人员登记。") % {"name": member.name}
    if member.status not in Member.PARTY_STATUSES:
        return _("%(name)s是%(status)s，不是党员，不能作为党员登记出席，只能列席。") % {
            "name": member.name,
            "status": member.get_status_display(),
        }
    if member.join_date and member.join_date > day:
        return _("%(name)s在会议日期尚未入党，只能列席。") % {"name": member.name}
    if form == Kind.COMMITTEE:
        return _("%(name)s在会议日期不是支委会委员，如到会，请作为列席人员登记。") % {"name": member.name}
    if form == Kind.GROUP:
        return _("%(name)s不是该党小组成员，如到会，请作为列席人员登记。") % {"name": member.name}
    return _("%(name)s不是本次会议的应到人员。") % {"name": member.name}


@dataclass
class _Prepared:
    meeting: Meeting
    kinds: list[str]
    attendance: list[Attendance]
    resolutions: list[Resolution]
    uploads: list[tuple]


def _prepare(
    *,
    branch: OrgUnit,
    meeting: Meeting,
    kinds,
    held_at,
    topic: str,
    absentees=(),
    present=None,
    observers=(),
    place: str = "",
    host_id: int | None = None,
    recorder_id: int | None = None,
    agenda: str = "",
    minutes: str = "",
    lecturer_id: int | None = None,
    lecturer_name: str = "",
    lecture_title: str = "",
    party_group_id: int | None = None,
    study_hours=None,
    resolutions=(),
    attachments=(),
    attachment_kind: str = Attachment.Kind.PHOTO,
    previous_rows=(),
    user=None,
) -> _Prepared:
    """Validate everything and build the unsaved rows. Raises before any write.
    Member ids outside the branch resolve only among those `user` may see."""
    err = _Errors()
    if not branch.is_branch:
        raise ValidationError({"branch": [_("只能为党支部登记会议。")]})
    form, kinds = normalize_kinds(kinds)
    held_at = _aware(held_at)
    day = timezone.localtime(held_at).date()
    if day > timezone.localdate():
        err.add("held_at", _("会议日期不能晚于今天。"))
    if branch.founded_on and day < branch.founded_on:
        err.add("held_at", _("会议日期不能早于党支部成立日期（%(d)s）。") % {"d": branch.founded_on.isoformat()})
    topic = (topic or "").strip()
    if not topic:
        err.add("topic", _("请填写会议主题。"))

    group = None
    if form == Kind.GROUP:
        if not party_group_id:
            err.add("party_group", _("党小组会须选择党小组。"))
        else:
            group = PartyGroup.objects.filter(pk=party_group_id, branch=branch).first()
            if group is None:
                err.add("party_group", _("所选党小组不属于本支部。"))
    err.raise_if_any()  # the roster below depends on a valid date and group

    # who was due to attend (应到): the branch's party members, the committee, or the group
    party = {m.pk: m for m in selectors.roster(branch, on=day)}
    if form == Kind.COMMITTEE:
        expected = {t.member_id: t.member for t in committee_on(branch, day)}
        if not expected:
            raise ValidationError(
                {
                    "kinds": [
                        _("%(d)s没有支委会委员的任职记录，无法登记支委会；请先在支部页面录入委员会。")
                        % {"d": day.isoformat()}
                    ]
                }
            )
    elif form == Kind.GROUP:
        expected = {pk: m for pk, m in party.items() if m.party_group_id == group.pk}
    else:
        expected = dict(party)
    # on an edit, people recorded as due stay due even if they have left since
    for row in previous_rows:
        if row.member_id and row.status != Status.OBSERVER and row.member_id not in expected:
            expected[row.member_id] = row.member

    referenced = (
        {a.member_id for a in absentees}
        | set(present or ())
        | {o.member_id for o in observers if o.member_id}
        | {pk for pk in (host_id, recorder_id, lecturer_id) if pk}
    )
    unknown = referenced - expected.keys() - party.keys()
    others = {m.pk: m for m in _referable_members(user).filter(pk__in=unknown)} if unknown else {}
    people = {**others, **party, **expected}

    def check_due(member_id) -> bool:
        if member_id in expected:
            return True
        member = people.get(member_id)
        err.add("attendance", _not_due_message(member, branch, form, day) if member else scoping.MEMBER_NOT_FOUND)
        return False

    absent: dict[int, AbsenceIn] = {}
    reasons = set(Attendance.Reason.values)
    for a in absentees:
        if not check_due(a.member_id):
            continue
        if a.member_id in absent:
            continue
        if a.reason not in reasons:
            err.add(
                "attendance",
                _("%(name)s缺席，须选择缺席原因（请假、因公、病假或其他）。")
                % {
                    "name": people[a.member_id].name,
                },
            )
            continue
        absent[a.member_id] = a
    if present is None:
        present_ids = [pk for pk in expected if pk not in absent]
    else:
        present_ids = []
        for pk in dict.fromkeys(present):
            if not check_due(pk):
                continue
            if pk in absent:
                err.add("attendance", _("%(name)s不能同时登记为出席和缺席。") % {"name": people[pk].name})
                continue
            present_ids.append(pk)
        unrecorded = [m.name for pk, m in expected.items() if pk not in absent and pk not in present_ids]
        if unrecorded:
            err.add("attendance", _("以下应到人员未登记出席情况：%(names)s。") % {"names": "、".join(unrecorded)})

    # study hours credited to those present (and to members who sat in)
    if study_hours in (None, ""):
        hours = default_study_hours() if any(k in Meeting.STUDY_KINDS for k in kinds) else Decimal("0")
    else:
        try:
            hours = Decimal(str(study_hours)).quantize(Decimal("0.1"))
        except InvalidOperation:
            hours = Decimal("-1")
        if hours < 0 or hours > 24:
            err.add("study_hours", _("学时应在0到24之间。"))
            hours = Decimal("0")

    observer_rows = []
    for o in observers:
        if o.member_id:
            member = people.get(o.member_id)
            if member is None:
                err.add("observers", scoping.MEMBER_NOT_FOUND)
                continue
            if o.member_id in expected:
                err.add(
                    "observers",
                    _("%(name)s是本次会议的应到人员，请登记为出席或缺席，不要登记为列席。")
                    % {
                        "name": member.name,
                    },
                )
                continue
            name = member.name
        else:
            name = (o.name or "").strip()
            if not name:
                continue
        observer_rows.append(
            Attendance(
                member_id=o.member_id,
                name=name[:50],
                status=Status.OBSERVER,
                note=(o.note or "")[:200],
                # 学时 come from the meetings one attends as a member of the branch
                # (SPEC §3): a member of another branch sitting in earns none here
                study_hours=hours if o.member_id and member.branch_id == branch.pk else Decimal("0"),
            )
        )
    seen_observers = [r.member_id for r in observer_rows if r.member_id]
    if len(seen_observers) != len(set(seen_observers)):
        err.add("observers", _("列席人员重复。"))

    for field, pk, label in (("host", host_id, _("主持人")), ("recorder", recorder_id, _("记录人"))):
        if pk and (pk not in people or people[pk].branch_id != branch.pk):
            err.add(field, _("%(label)s须是本支部党员。") % {"label": label})
    lecturer = None
    if Kind.LECTURE in kinds:
        lecturer_name = (lecturer_name or "").strip()
        if lecturer_id:
            lecturer = people.get(lecturer_id)
            if lecturer is None or lecturer.branch_id != branch.pk:
                err.add("lecturer", _("主讲人须是本支部党员；支部以外的主讲人请直接填写姓名。"))
                lecturer = None
            else:
                lecturer_name = lecturer.name
        elif not lecturer_name:
            err.add("lecturer", _("党课须填写主讲人。"))
        lecture_title = (lecture_title or "").strip() or topic
    else:
        lecturer_id, lecturer_name, lecture_title = None, "", ""

    # quorum (法定人数): the rule comes from the requirement table for the meeting's form
    rule = compliance.quorum_rule_for(selectors.requirements_for(branch), form)
    present_set = set(present_ids)
    if rule == Meeting.Quorum.FULL_MEMBERS:
        voting = [pk for pk, m in expected.items() if selectors.is_voting_on(m, day)]
        base, quorum_present = len(voting), sum(1 for pk in voting if pk in present_set)
    elif rule == Meeting.Quorum.COMMITTEE:
        base, quorum_present = len(expected), len(present_set)
    else:
        base, quorum_present = 0, 0
    met = compliance.quorum_met(base, quorum_present) if rule != Meeting.Quorum.NONE else None

    resolution_rows = []
    vote_base = base if rule != Meeting.Quorum.NONE else len(present_ids)
    voters_present = quorum_present if rule != Meeting.Quorum.NONE else len(present_ids)
    for i, r in enumerate(resolutions, start=1):
        text = (r.text or "").strip()
        if not text:
            continue
        votes = (r.votes_for, r.votes_against, r.votes_abstain)
        if any(v is None or v < 0 for v in votes):
            err.add("resolutions", _("第%(n)s项决议的票数不能为负数。") % {"n": i})
            continue
        if sum(votes) > voters_present:
            err.add(
                "resolutions",
                _("第%(n)s项决议的表决票数（%(v)s）超过实到有表决权人数（%(p)s）。")
                % {
                    "n": i,
                    "v": sum(votes),
                    "p": voters_present,
                },
            )
            continue
        resolution_rows.append(
            Resolution(
                order=len(resolution_rows) + 1,
                text=text,
                votes_for=r.votes_for,
                votes_against=r.votes_against,
                votes_abstain=r.votes_abstain,
                adopted=met is not False and r.votes_for * 2 > vote_base,
            )
        )

    uploads = []
    for f in attachments:
        try:
            uploads.append((f, *validate_upload(f)))
        except ValidationError as exc:
            for m in exc.messages:
                err.add("attachments", m)
    if attachment_kind not in Attachment.Kind.values:
        err.add("attachments", _("未知的附件类型。"))
    err.raise_if_any()

    meeting.branch = branch
    meeting.kind = form
    meeting.held_at = held_at
    meeting.date = day
    meeting.place = (place or "").strip()
    meeting.topic = topic
    meeting.host_id, meeting.recorder_id = host_id or None, recorder_id or None
    meeting.party_group = group
    meeting.lecturer_id, meeting.lecturer_name, meeting.lecture_title = (
        lecturer_id or None,
        lecturer_name,
        lecture_title,
    )
    meeting.agenda, meeting.minutes = agenda or "", minutes or ""
    meeting.study_hours = hours
    meeting.expected_count = len(expected)
    meeting.present_count = len(present_ids)
    meeting.absent_count = len(absent)
    meeting.observer_count = len(observer_rows)
    meeting.quorum_rule, meeting.quorum_expected, meeting.quorum_present = rule, base, quorum_present
    meeting.quorum_met = met
    try:
        # field checks only: the rules behind the constraints were checked above, and the database enforces them
        meeting.full_clean(
            exclude=["branch", "host", "recorder", "lecturer", "party_group", "created_by"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None

    rows = (
        [
            Attendance(
                member_id=pk,
                name=people[pk].name,
                status=Status.PRESENT,
                is_voting=selectors.is_voting_on(people[pk], day),
                study_hours=hours,
            )
            for pk in present_ids
        ]
        + [
            Attendance(
                member_id=pk,
                name=people[pk].name,
                status=Status.ABSENT,
                absence_reason=a.reason,
                note=(a.note or "")[:200],
                is_voting=selectors.is_voting_on(people[pk], day),
            )
            for pk, a in absent.items()
        ]
        + observer_rows
    )
    return _Prepared(
        meeting=meeting,
        kinds=kinds,
        attendance=rows,
        resolutions=resolution_rows,
        uploads=[(f, ext, ctype, attachment_kind) for f, ext, ctype in uploads],
    )


def _write_children(prepared: _Prepared, *, user, kinds_before=()) -> None:
    meeting = prepared.meeting
    removed = set(kinds_before) - set(prepared.kinds)
    if removed:
        MeetingKind.objects.filter(meeting=meeting, kind__in=removed).delete()
    added = [MeetingKind(meeting=meeting, kind=k) for k in prepared.kinds if k not in kinds_before]
    if added:
        added = bulk_create_with_history(added, MeetingKind, default_user=user)
    for row in prepared.attendance:
        row.meeting = meeting
    Attendance.objects.bulk_create(prepared.attendance)
    for row in prepared.resolutions:
        row.meeting = meeting
    if prepared.resolutions:
        Resolution.objects.bulk_create(prepared.resolutions)
    saved = []
    try:
        for f, _ext, ctype, kind in prepared.uploads:
            saved.append(_save_attachment(meeting, f, ctype, kind, user))
    except Exception:
        for attachment in saved:  # the rows roll back; do not leave their files behind
            attachment.file.storage.delete(attachment.file.name)
        raise
    if not kinds_before:
        # the rows just written, ordered as `selectors.meeting_detail` orders them: a caller
        # that answers with them (the API) need not read them back (`answer_from_written`)
        meeting._written = {
            "kinds": sorted(added, key=lambda k: k.pk),
            "attendance": sorted(prepared.attendance, key=lambda a: (a.status, a.pk)),
            "resolutions": list(prepared.resolutions),
            "attachments": saved,
            "grades": [],
        }


def answer_from_written(meeting: Meeting) -> Meeting:
    """Put the rows `meeting_record` just wrote in `meeting`'s prefetch cache, as
    `selectors.meeting_detail` would have read them, so that serialising the
    meeting runs no query. For answering right away only: the cache does not
    follow later writes (a later `meeting.attachments.count()` would not see
    a new attachment), which is why `meeting_record` does not install it."""
    written = getattr(meeting, "_written", None)
    if written is None:
        raise ValueError("answer_from_written takes the meeting meeting_record returned")
    cache = meeting.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, rows in written.items():
        qs = getattr(meeting, name).all()
        qs._result_cache, qs._prefetch_done = list(rows), True
        cache[name] = qs
    return meeting


@transaction.atomic
def meeting_record(
    *, branch: OrgUnit, data: MeetingIn | None = None, user=None, actor=None, **fields
) -> Meeting:
    """Log a meeting (SPEC §4) from a `MeetingIn` (or the same fields as
    keyword arguments). A quorum failure keeps the record and marks it
    未达法定人数 (`quorum_met=False`). `actor` (None for a system caller) must
    edit the branch; `user` is recorded as who logged it. A fixed number of
    queries whatever the roster size; `answer_from_written(meeting)` then
    serves the rows just written without reading them back."""
    require_edit(actor, branch)
    data = data or MeetingIn.of(**fields)
    # references to other members resolve within what the acting user sees
    prepared = _prepare(branch=branch, meeting=Meeting(created_by=user), user=actor or user, **data.fields())
    prepared.meeting.save()
    _write_children(prepared, user=user)
    _file_in_archive(prepared.meeting, prepared.kinds, user=user, new=True)
    return prepared.meeting


@transaction.atomic
def meeting_update(
    meeting: Meeting, *, data: MeetingIn | None = None, user=None, expected_version: int | None = None, actor=None,
    **fields,
) -> Meeting:
    """Edit a meeting: same rules as logging; the old state stays in the
    history. `expected_version` (from the form) rejects a stale edit."""
    meeting = Meeting.objects.select_for_update().select_related("branch").get(pk=meeting.pk)
    require_edit(actor, meeting.branch)
    claim_version(meeting, expected_version)
    hooks.check("archive.assert_editable", meeting)  # a meeting in a bound (合订) catalogue is frozen
    previous_rows = list(meeting.attendance.select_related("member"))
    kinds_before = list(meeting.kinds.values_list("kind", flat=True))
    data = data or MeetingIn.of(**fields)
    prepared = _prepare(branch=meeting.branch, meeting=meeting, previous_rows=previous_rows, user=actor or user,
        **data.fields(),
    )
    meeting.save()
    meeting.attendance.all().delete()
    meeting.resolutions.all().delete()
    _write_children(prepared, user=user, kinds_before=kinds_before)
    _file_in_archive(meeting, prepared.kinds, user=user)
    return meeting


def _file_in_archive(meeting: Meeting, kinds: list[str], *, user=None, new: bool = False) -> None:
    """File the meeting into the 组织生活档案盒 (the archive's hook): one entry per kind it counts for."""
    hooks.send("archive.file_meeting", meeting, kinds, user=user, new=new)


@transaction.atomic
def meeting_delete(meeting: Meeting, *, actor=None) -> None:
    """Delete a meeting record and take it out of the archive; a meeting in a
    bound (合订) catalogue cannot be deleted."""
    meeting = Meeting.objects.select_for_update().select_related("branch").get(pk=meeting.pk)
    require_edit(actor, meeting.branch)
    hooks.check("archive.assert_editable", meeting)
    hooks.send("archive.unfile_record", meeting)
    files = [(a.file.storage, a.file.name) for a in meeting.attachments.all()]
    meeting.delete()
    for storage, name in files:
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))


# ---------------------------------------------------------------- attachments


def validate_upload(f) -> tuple[str, str]:
    """(extension, content type) of an allowed upload, or a ValidationError.
    The extension, the size and the file's first bytes are all checked."""
    return uploads.validate_upload(f, allowed=attachment_types(), max_bytes=attachment_max_bytes())


def _save_attachment(meeting: Meeting, f, ctype: str, kind: str, user, *, field: str = "attachments") -> Attachment:
    attachment = Attachment(
        meeting=meeting,
        kind=kind,
        original_name=(getattr(f, "name", "") or "")[-200:],
        content_type=ctype,
        size=f.size,
        uploaded_by=user,
    )
    try:
        attachment.file.save(attachment.original_name, f, save=False)
    except OSError as exc:  # disk full, read-only or missing media directory: say so, save nothing
        logging.getLogger("meetings").error("attachment not stored for meeting %s: %s", meeting.pk, exc)
        raise ValidationError({field: [_("附件未能保存：服务器的文件存储暂时不可写，本次提交的内容没有保存。"
                                         "请稍后重试，或联系系统管理员。")]}) from exc
    try:
        attachment.save()
    except Exception:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def attachment_add(meeting: Meeting, *, file, kind: str = Attachment.Kind.PHOTO, user=None, actor=None) -> Attachment:
    require_edit(actor, meeting.branch)
    hooks.check("archive.assert_editable", meeting)
    try:
        _ext, ctype = validate_upload(file)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    if kind not in Attachment.Kind.values:
        raise ValidationError({"kind": [_("未知的附件类型。")]})
    return _save_attachment(meeting, file, ctype, kind, user, field="file")


@transaction.atomic
def attachment_delete(attachment: Attachment, *, actor=None) -> None:
    require_edit(actor, attachment.meeting.branch)
    hooks.check("archive.assert_editable", attachment.meeting)  # part of a bound (合订) record
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


# ---------------------------------------------------------------- 民主评议党员


@transaction.atomic
def evaluation_grades_set(
    meeting: Meeting, *, grades: dict[int, str], user=None, actor=None
) -> list[EvaluationGrade]:
    """Record the 民主评议 grades of a meeting: one per 正式党员; 预备党员 take
    part without a grade; 优秀 at most 1/3 (setting) of those rated."""
    meeting = Meeting.objects.select_for_update().select_related("branch").get(pk=meeting.pk)
    require_edit(actor, meeting.branch)
    if not meeting.kinds.filter(kind=Kind.EVALUATION).exists():
        raise ValidationError({"grades": [_("只有民主评议党员会议才能评定等次。")]})
    hooks.check("archive.assert_editable", meeting)
    err = _Errors()
    members = {m.pk: m for m in Member.objects.filter(pk__in=list(grades))}
    valid = set(EvaluationGrade.Grade.values)
    rows = []
    for pk, grade in grades.items():
        member = members.get(pk)
        if member is None or member.branch_id != meeting.branch_id:
            err.add("grades", scoping.MEMBER_NOT_FOUND)
        elif member.status == Member.Status.PROBATIONARY or (
            member.status == Member.Status.FULL and not selectors.is_voting_on(member, meeting.date)
        ):
            err.add("grades", _("%(name)s是预备党员，参加评议但不评定等次。") % {"name": member.name})
        elif member.status != Member.Status.FULL:
            err.add("grades", _("%(name)s不是正式党员，不评定等次。") % {"name": member.name})
        elif grade not in valid:
            err.add("grades", _("%(name)s的等次无效。") % {"name": member.name})
        else:
            rows.append(EvaluationGrade(meeting=meeting, member=member, grade=grade))
    num, den = excellent_max_ratio()
    excellent = sum(1 for r in rows if r.grade == EvaluationGrade.Grade.EXCELLENT)
    if excellent * den > len(rows) * num:
        err.add(
            "grades",
            _("评为优秀的有%(e)s名，超过参评正式党员（%(n)s名）的%(num)s/%(den)s（最多%(max)s名）。")
            % {
                "e": excellent,
                "n": len(rows),
                "num": num,
                "den": den,
                "max": len(rows) * num // den,
            },
        )
    err.raise_if_any()
    meeting.grades.all().delete()
    return bulk_create_with_history(rows, EvaluationGrade, default_user=user)


# ---------------------------------------------------------------- 谈心谈话, 党员汇报


def _branch_party_member(branch: OrgUnit, member_id, field: str, err: _Errors) -> Member | None:
    """The member `member_id` among the branch's own (the caller has checked the
    branch is the actor's); any other id gets the uniform not-found message."""
    if not member_id:
        err.add(field, _("请选择党员。"))
        return None
    member = Member.objects.filter(pk=member_id, branch=branch).first()
    if member is None:
        err.add(field, scoping.MEMBER_NOT_FOUND)
    elif member.status not in Member.PARTY_STATUSES:
        err.add(field, _("%(name)s是%(status)s，不是党员。") % {"name": member.name, "status": member.get_status_display()})
        member = None
    return member


def _check_day(day: date | None, field: str, err: _Errors) -> None:
    if day is None:
        err.add(field, _("请填写日期。"))
    elif day > timezone.localdate():
        err.add(field, _("日期不能晚于今天。"))


@transaction.atomic
def talk_record(
    *, branch: OrgUnit, date: date, talker_id: int, talkee_id: int, place: str = "", summary: str = "", user=None,
    actor=None,
) -> TalkRecord:
    require_edit(actor, branch)
    err = _Errors()
    _check_day(date, "date", err)
    talker = _branch_party_member(branch, talker_id, "talker", err)
    talkee = _branch_party_member(branch, talkee_id, "talkee", err)
    if talker and talkee and talker.pk == talkee.pk:
        err.add("talkee", _("谈话人和谈话对象不能是同一人。"))
    err.raise_if_any()
    talk = TalkRecord(
        branch=branch,
        date=date,
        talker=talker,
        talkee=talkee,
        place=place.strip(),
        summary=summary.strip(),
        created_by=user,
    )
    talk.full_clean()
    talk.save()
    return talk


@transaction.atomic
def member_report_record(
    *, branch: OrgUnit, member_id: int, date: date, topic: str, content: str = "", user=None, actor=None
) -> MemberReport:
    require_edit(actor, branch)
    err = _Errors()
    _check_day(date, "date", err)
    member = _branch_party_member(branch, member_id, "member", err)
    if not (topic or "").strip():
        err.add("topic", _("请填写汇报主题。"))
    err.raise_if_any()
    report = MemberReport(
        branch=branch, member=member, date=date, topic=topic.strip(), content=content.strip(), created_by=user
    )
    report.full_clean()
    report.save()
    return report
