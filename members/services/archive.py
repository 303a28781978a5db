"""Member records file themselves into the 党员管理档案盒 (SPEC §5) through
the archive's named hooks (`config.hooks`, registered by the archives app): a transfer letter, a branch's
month of dues (one 台账 entry per branch and month, not one per member), a
development step. A record whose entry sits in a bound (合订) catalogue can
no longer be changed."""

from datetime import date

from django.utils.translation import gettext as _

from config import hooks

from ..models import DevelopmentStep, Transfer

MEMBERS_BOX = "members"  # archives.models.BoxKind.MEMBERS, the 党员管理档案盒


def _dues_event(month: date) -> str:
    return f"dues:{month:%Y-%m}"


def dues_month_assert_editable(branch, month: date) -> None:
    hooks.check("archive.assert_editable", branch, event=_dues_event(month))


def dues_month_file(branch, month: date, *, user=None) -> None:
    hooks.send(
        "archive.file_record",
        source=branch, event=_dues_event(month), branch=branch, box_kind=MEMBERS_BOX, doc_kind="mem_dues",
        title=_("%(y)s年%(m)s月党费收缴台账") % {"y": month.year, "m": month.month}, date=month, user=user,
    )


def transfer_file(transfer: Transfer, *, incoming: bool, user=None) -> None:
    """The letter's stub at the issuing branch, the letter itself at a receiving branch here."""
    branch = transfer.to_branch if incoming else transfer.from_branch
    if branch is None:
        return
    title = (_("组织关系介绍信（转入）第%(no)s号 %(name)s") if incoming
             else _("组织关系介绍信存根（转出）第%(no)s号 %(name)s")) % {"no": transfer.serial_no, "name": transfer.name}
    hooks.send(
        "archive.file_record",
        source=transfer, event="in" if incoming else "out", branch=branch, box_kind=MEMBERS_BOX,
        doc_kind="mem_transfer", title=title, date=transfer.received_on if incoming else transfer.issued_on,
        user=user,
    )


def development_step_file(record: DevelopmentStep, *, new: bool, user=None) -> None:
    member = record.member
    hooks.send(
        "archive.file_record",
        source=record, branch=member.branch, box_kind=MEMBERS_BOX, doc_kind="mem_development",
        title=_("%(name)s 发展党员材料：%(step)s") % {"name": member.name, "step": record.get_step_display()},
        date=record.date, user=user, new=new,
    )


def development_step_assert_editable(record: DevelopmentStep) -> None:
    hooks.check("archive.assert_editable", record)
