"""谈心谈话 and 党员汇报: records of a branch that are not meetings."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import OrgUnit
from branches.services import require_edit
from members import scoping
from members.models import Member

from ..models import MemberReport, TalkRecord
from .errors import _Errors


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
    *, branch: OrgUnit, date: date, talker_id: int, talkee_id: int, place: str = "", summary: str = "",
    actor=None
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
        created_by=actor,
    )
    talk.full_clean()
    talk.save()
    return talk


@transaction.atomic
def member_report_record(
    *, branch: OrgUnit, member_id: int, date: date, topic: str, content: str = "", actor=None
) -> MemberReport:
    require_edit(actor, branch)
    err = _Errors()
    _check_day(date, "date", err)
    member = _branch_party_member(branch, member_id, "member", err)
    if not (topic or "").strip():
        err.add("topic", _("请填写汇报主题。"))
    err.raise_if_any()
    report = MemberReport(
        branch=branch, member=member, date=date, topic=topic.strip(), content=content.strip(), created_by=actor
    )
    report.full_clean()
    report.save()
    return report
