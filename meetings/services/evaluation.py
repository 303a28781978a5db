"""民主评议党员: the grades of an evaluation meeting."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from branches.services import require_edit
from config import hooks
from members import scoping
from members.models import Member

from .. import selectors
from ..models import EvaluationGrade, Meeting
from .errors import _Errors


def excellent_max_ratio() -> tuple[int, int]:
    """民主评议: 优秀 at most this share of those rated (default 1/3)."""
    num, den = getattr(settings, "MEETINGS_EXCELLENT_MAX_RATIO", (1, 3))
    return int(num), int(den)


@transaction.atomic
def evaluation_grades_set(
    meeting: Meeting, *, grades: dict[int, str], actor=None
) -> list[EvaluationGrade]:
    """Record the 民主评议 grades of a meeting: one per 正式党员; 预备党员 take
    part without a grade; 优秀 at most 1/3 (setting) of those rated."""
    meeting = Meeting.objects.select_for_update().select_related("branch").get(pk=meeting.pk)
    require_edit(actor, meeting.branch)
    if not meeting.kinds.filter(kind=Meeting.Kind.EVALUATION).exists():
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
    return bulk_create_with_history(rows, EvaluationGrade, default_user=actor)
