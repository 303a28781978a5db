"""Logging, editing and deleting a meeting (SPEC §4). Every check runs before
any write and all errors come back as one ValidationError (field → Chinese
messages), so bad input changes nothing; the writes run in one transaction.

`_prepare` is the list of named steps from a `MeetingIn` to unsaved rows:
check the header, find who was due, resolve the people referenced (in the
actor's scope), attendance, study hours, observers, officers, the lecture,
quorum, resolutions, uploads; then fill the meeting and build its rows.

Logging a meeting is a handful of queries whatever the roster size: the roster
in one query, the committee (支委会 only), the requirement table, then bulk
inserts of kinds, attendance rows and resolutions."""

from dataclasses import dataclass
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
from config import hooks
from config.concurrency import claim_version
from members import scoping
from members.models import Member

from .. import compliance, selectors
from ..models import Attachment, Attendance, Meeting, MeetingKind, Resolution
from .attachments import _save_attachment, validate_upload
from .errors import _Errors
from .inputs import AbsenceIn, MeetingIn, ObserverIn, ResolutionIn

Kind = Meeting.Kind
Status = Attendance.Status


def default_study_hours() -> Decimal:
    """Hours credited for a meeting with study content when none are given."""
    return Decimal(str(getattr(settings, "MEETINGS_DEFAULT_STUDY_HOURS", "2")))


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


# ---------------------------------------------------------------- the steps of _prepare


@dataclass(frozen=True)
class _Header:
    """The checked header of a meeting: its form (roster kind), kinds, time and topic."""

    form: str
    kinds: list[str]
    held_at: datetime
    day: date
    topic: str
    group: PartyGroup | None


@dataclass(frozen=True)
class _Roster:
    """Who was due (应到), the branch's party members that day, and everyone referenced by id."""

    expected: dict[int, Member]
    party: dict[int, Member]
    people: dict[int, Member]


@dataclass(frozen=True)
class _Quorum:
    """The quorum (法定人数) rule of the meeting's form and how it came out."""

    rule: str
    base: int
    present: int
    met: bool | None


@dataclass(frozen=True)
class _Lecture:
    """The 党课 fields as stored: empty unless the meeting counts as a 党课."""

    lecturer_id: int | None
    lecturer_name: str
    lecture_title: str


def _check_header(branch: OrgUnit, data: MeetingIn, err: _Errors) -> _Header:
    """Check the branch, kinds, date, topic and 党小组; raises at once if the roster cannot be read."""
    if not branch.is_branch:
        raise ValidationError({"branch": [_("只能为党支部登记会议。")]})
    form, kinds = normalize_kinds(data.kinds)
    held_at = _aware(data.held_at)
    day = timezone.localtime(held_at).date()
    if day > timezone.localdate():
        err.add("held_at", _("会议日期不能晚于今天。"))
    if branch.founded_on and day < branch.founded_on:
        err.add("held_at", _("会议日期不能早于党支部成立日期（%(d)s）。") % {"d": branch.founded_on.isoformat()})
    topic = (data.topic or "").strip()
    if not topic:
        err.add("topic", _("请填写会议主题。"))

    group = None
    if form == Kind.GROUP:
        if not data.party_group_id:
            err.add("party_group", _("党小组会须选择党小组。"))
        else:
            group = PartyGroup.objects.filter(pk=data.party_group_id, branch=branch).first()
            if group is None:
                err.add("party_group", _("所选党小组不属于本支部。"))
    err.raise_if_any()  # the roster below depends on a valid date and group
    return _Header(form=form, kinds=kinds, held_at=held_at, day=day, topic=topic, group=group)


def _expected_attendees(branch: OrgUnit, head: _Header, previous_rows) -> tuple[dict, dict]:
    """(due, party members): the branch's party members, the committee in office, or the group."""
    party = {m.pk: m for m in selectors.roster(branch, on=head.day)}
    if head.form == Kind.COMMITTEE:
        expected = {t.member_id: t.member for t in committee_on(branch, head.day)}
        if not expected:
            raise ValidationError(
                {
                    "kinds": [
                        _("%(d)s没有支委会委员的任职记录，无法登记支委会；请先在支部页面录入委员会。")
                        % {"d": head.day.isoformat()}
                    ]
                }
            )
    elif head.form == Kind.GROUP:
        expected = {pk: m for pk, m in party.items() if m.party_group_id == head.group.pk}
    else:
        expected = dict(party)
    # on an edit, people recorded as due stay due even if they have left since
    for row in previous_rows:
        if row.member_id and row.status != Status.OBSERVER and row.member_id not in expected:
            expected[row.member_id] = row.member
    return expected, party


def _resolve_people(data: MeetingIn, expected: dict, party: dict, user) -> _Roster:
    """Every member the input names, those outside the branch only among whom `user` may see."""
    referenced = (
        {a.member_id for a in data.absentees}
        | set(data.present or ())
        | {o.member_id for o in data.observers if o.member_id}
        | {pk for pk in (data.host_id, data.recorder_id, data.lecturer_id) if pk}
    )
    unknown = referenced - expected.keys() - party.keys()
    others = {m.pk: m for m in _referable_members(user).filter(pk__in=unknown)} if unknown else {}
    return _Roster(expected=expected, party=party, people={**others, **party, **expected})


def _check_due(member_id, roster: _Roster, branch: OrgUnit, head: _Header, err: _Errors) -> bool:
    """Whether `member_id` was due; if not, say why under "attendance"."""
    if member_id in roster.expected:
        return True
    member = roster.people.get(member_id)
    err.add("attendance", _not_due_message(member, branch, head.form, head.day) if member else scoping.MEMBER_NOT_FOUND)
    return False


def _absences(
    absentees: tuple[AbsenceIn, ...], roster: _Roster, branch: OrgUnit, head: _Header, err: _Errors
) -> dict[int, AbsenceIn]:
    """The absentees by member id: due, listed once, each with a known reason."""
    absent: dict[int, AbsenceIn] = {}
    reasons = set(Attendance.Reason.values)
    for a in absentees:
        if not _check_due(a.member_id, roster, branch, head, err):
            continue
        if a.member_id in absent:
            continue
        if a.reason not in reasons:
            err.add(
                "attendance",
                _("%(name)s缺席，须选择缺席原因（请假、因公、病假或其他）。")
                % {
                    "name": roster.people[a.member_id].name,
                },
            )
            continue
        absent[a.member_id] = a
    return absent


def _present_ids(
    present, absent: dict, roster: _Roster, branch: OrgUnit, head: _Header, err: _Errors
) -> list[int]:
    """Who was present: everyone due not absent, or exactly `present`, with everyone due accounted for."""
    if present is None:
        return [pk for pk in roster.expected if pk not in absent]
    present_ids = []
    for pk in dict.fromkeys(present):
        if not _check_due(pk, roster, branch, head, err):
            continue
        if pk in absent:
            err.add("attendance", _("%(name)s不能同时登记为出席和缺席。") % {"name": roster.people[pk].name})
            continue
        present_ids.append(pk)
    unrecorded = [m.name for pk, m in roster.expected.items() if pk not in absent and pk not in present_ids]
    if unrecorded:
        err.add("attendance", _("以下应到人员未登记出席情况：%(names)s。") % {"names": "、".join(unrecorded)})
    return present_ids


def _study_hours(study_hours, kinds: list[str], err: _Errors) -> Decimal:
    """学时 credited to those present (and to members of the branch who sat in)."""
    if study_hours in (None, ""):
        return default_study_hours() if any(k in Meeting.STUDY_KINDS for k in kinds) else Decimal("0")
    try:
        hours = Decimal(str(study_hours)).quantize(Decimal("0.1"))
    except InvalidOperation:
        hours = Decimal("-1")
    if hours < 0 or hours > 24:
        err.add("study_hours", _("学时应在0到24之间。"))
        hours = Decimal("0")
    return hours


def _observer_rows(
    observers: tuple[ObserverIn, ...], roster: _Roster, branch: OrgUnit, hours: Decimal, err: _Errors
) -> list[Attendance]:
    """The 列席 rows: members not due (visible to the actor) or plain names, each once."""
    rows = []
    for o in observers:
        if o.member_id:
            member = roster.people.get(o.member_id)
            if member is None:
                err.add("observers", scoping.MEMBER_NOT_FOUND)
                continue
            if o.member_id in roster.expected:
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
        rows.append(
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
    seen = [r.member_id for r in rows if r.member_id]
    if len(seen) != len(set(seen)):
        err.add("observers", _("列席人员重复。"))
    return rows


def _check_officers(data: MeetingIn, roster: _Roster, branch: OrgUnit, err: _Errors) -> None:
    """The 主持人 and 记录人, if given, are members of the branch."""
    for field, pk, label in (("host", data.host_id, _("主持人")), ("recorder", data.recorder_id, _("记录人"))):
        if pk and (pk not in roster.people or roster.people[pk].branch_id != branch.pk):
            err.add(field, _("%(label)s须是本支部党员。") % {"label": label})


def _lecture(data: MeetingIn, head: _Header, roster: _Roster, branch: OrgUnit, err: _Errors) -> _Lecture:
    """The 党课's lecturer (a member of the branch, or a name) and title (the topic by default)."""
    if Kind.LECTURE not in head.kinds:
        return _Lecture(lecturer_id=None, lecturer_name="", lecture_title="")
    lecturer_id = data.lecturer_id
    lecturer_name = (data.lecturer_name or "").strip()
    if lecturer_id:
        lecturer = roster.people.get(lecturer_id)
        if lecturer is None or lecturer.branch_id != branch.pk:
            err.add("lecturer", _("主讲人须是本支部党员；支部以外的主讲人请直接填写姓名。"))
        else:
            lecturer_name = lecturer.name
    elif not lecturer_name:
        err.add("lecturer", _("党课须填写主讲人。"))
    lecture_title = (data.lecture_title or "").strip() or head.topic
    return _Lecture(lecturer_id=lecturer_id, lecturer_name=lecturer_name, lecture_title=lecture_title)


def _quorum(branch: OrgUnit, head: _Header, roster: _Roster, present_ids: list[int]) -> _Quorum:
    """The quorum (法定人数), by the rule the requirement table gives the meeting's form."""
    rule = compliance.quorum_rule_for(selectors.requirements_for(branch), head.form)
    present_set = set(present_ids)
    if rule == Meeting.Quorum.FULL_MEMBERS:
        voting = [pk for pk, m in roster.expected.items() if selectors.is_voting_on(m, head.day)]
        base, quorum_present = len(voting), sum(1 for pk in voting if pk in present_set)
    elif rule == Meeting.Quorum.COMMITTEE:
        base, quorum_present = len(roster.expected), len(present_set)
    else:
        base, quorum_present = 0, 0
    met = compliance.quorum_met(base, quorum_present) if rule != Meeting.Quorum.NONE else None
    return _Quorum(rule=rule, base=base, present=quorum_present, met=met)


def _resolution_rows(
    resolutions: tuple[ResolutionIn, ...], quorum: _Quorum, present_ids: list[int], err: _Errors
) -> list[Resolution]:
    """The 决议 rows: votes no more than the voters present, adopted by more than half the base."""
    rows = []
    vote_base = quorum.base if quorum.rule != Meeting.Quorum.NONE else len(present_ids)
    voters_present = quorum.present if quorum.rule != Meeting.Quorum.NONE else len(present_ids)
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
        rows.append(
            Resolution(
                order=len(rows) + 1,
                text=text,
                votes_for=r.votes_for,
                votes_against=r.votes_against,
                votes_abstain=r.votes_abstain,
                adopted=quorum.met is not False and r.votes_for * 2 > vote_base,
            )
        )
    return rows


def _checked_uploads(attachments, attachment_kind: str, err: _Errors) -> list[tuple]:
    """(file, extension, content type, kind) of each allowed upload."""
    checked = []
    for f in attachments:
        try:
            checked.append((f, *validate_upload(f)))
        except ValidationError as exc:
            for m in exc.messages:
                err.add("attachments", m)
    if attachment_kind not in Attachment.Kind.values:
        err.add("attachments", _("未知的附件类型。"))
    return [(f, ext, ctype, attachment_kind) for f, ext, ctype in checked]


def _fill_meeting(
    meeting: Meeting, *, branch: OrgUnit, data: MeetingIn, head: _Header, lecture: _Lecture, hours: Decimal,
    counts: tuple[int, int, int, int], quorum: _Quorum,
) -> None:
    """Set the meeting's fields (counts are expected, present, absent, observers) and check them."""
    meeting.branch = branch
    meeting.kind = head.form
    meeting.held_at = head.held_at
    meeting.date = head.day
    meeting.place = (data.place or "").strip()
    meeting.topic = head.topic
    meeting.host_id, meeting.recorder_id = data.host_id or None, data.recorder_id or None
    meeting.party_group = head.group
    meeting.lecturer_id, meeting.lecturer_name, meeting.lecture_title = (
        lecture.lecturer_id or None,
        lecture.lecturer_name,
        lecture.lecture_title,
    )
    meeting.agenda, meeting.minutes = data.agenda or "", data.minutes or ""
    meeting.study_hours = hours
    meeting.expected_count, meeting.present_count, meeting.absent_count, meeting.observer_count = counts
    meeting.quorum_rule, meeting.quorum_expected, meeting.quorum_present = quorum.rule, quorum.base, quorum.present
    meeting.quorum_met = quorum.met
    try:
        # field checks only: the rules behind the constraints were checked above, and the database enforces them
        meeting.full_clean(
            exclude=["branch", "host", "recorder", "lecturer", "party_group", "created_by"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None


def _attendance_rows(
    present_ids: list[int], absent: dict[int, AbsenceIn], observer_rows: list[Attendance], roster: _Roster,
    hours: Decimal, day: date,
) -> list[Attendance]:
    """The unsaved attendance rows: present (credited the hours), absent, then observers."""
    people = roster.people
    return (
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


# ---------------------------------------------------------------- prepare, write


@dataclass
class _Prepared:
    meeting: Meeting
    kinds: list[str]
    attendance: list[Attendance]
    resolutions: list[Resolution]
    uploads: list[tuple]


def _prepare(*, branch: OrgUnit, meeting: Meeting, data: MeetingIn, previous_rows=(), user=None) -> _Prepared:
    """Validate everything and build the unsaved rows. Raises before any write.
    Member ids outside the branch resolve only among those `user` may see."""
    err = _Errors()
    head = _check_header(branch, data, err)
    expected, party = _expected_attendees(branch, head, previous_rows)
    roster = _resolve_people(data, expected, party, user)
    absent = _absences(data.absentees, roster, branch, head, err)
    present_ids = _present_ids(data.present, absent, roster, branch, head, err)
    hours = _study_hours(data.study_hours, head.kinds, err)
    observer_rows = _observer_rows(data.observers, roster, branch, hours, err)
    _check_officers(data, roster, branch, err)
    lecture = _lecture(data, head, roster, branch, err)
    quorum = _quorum(branch, head, roster, present_ids)
    resolution_rows = _resolution_rows(data.resolutions, quorum, present_ids, err)
    uploads = _checked_uploads(data.attachments, data.attachment_kind, err)
    err.raise_if_any()

    counts = (len(roster.expected), len(present_ids), len(absent), len(observer_rows))
    _fill_meeting(
        meeting, branch=branch, data=data, head=head, lecture=lecture, hours=hours, counts=counts, quorum=quorum
    )
    return _Prepared(
        meeting=meeting,
        kinds=head.kinds,
        attendance=_attendance_rows(present_ids, absent, observer_rows, roster, hours, head.day),
        resolutions=resolution_rows,
        uploads=uploads,
    )


def _write_children(prepared: _Prepared, *, user, kinds_before=()) -> None:
    """Write the kinds (those added since `kinds_before`), attendance, resolutions and attachments."""
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
    *, branch: OrgUnit, data: MeetingIn | None = None, actor=None, **fields
) -> Meeting:
    """Log a meeting (SPEC §4) from a `MeetingIn` (or the same fields as
    keyword arguments). A quorum failure keeps the record and marks it
    未达法定人数 (`quorum_met=False`). `actor` (None for a system caller) must
    edit the branch, and is recorded as who logged it. A fixed number of
    queries whatever the roster size; `answer_from_written(meeting)` then
    serves the rows just written without reading them back."""
    require_edit(actor, branch)
    data = data or MeetingIn.of(**fields)
    # references to other members resolve within what the acting user sees
    prepared = _prepare(branch=branch, meeting=Meeting(created_by=actor), data=data, user=actor)
    prepared.meeting.save()
    _write_children(prepared, user=actor)
    _file_in_archive(prepared.meeting, prepared.kinds, user=actor, new=True)
    return prepared.meeting


@transaction.atomic
def meeting_update(
    meeting: Meeting, *, data: MeetingIn | None = None, expected_version: int | None = None, actor=None, **fields,
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
    prepared = _prepare(branch=meeting.branch, meeting=meeting, data=data, previous_rows=previous_rows, user=actor)
    meeting.save()
    meeting.attendance.all().delete()
    meeting.resolutions.all().delete()
    _write_children(prepared, user=actor, kinds_before=kinds_before)
    _file_in_archive(meeting, prepared.kinds, user=actor)
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
