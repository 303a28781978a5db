"""Reads of 组织关系转接: the letters a user may see (through the scoping
selector), the state of each (开具 / 已报到 / 逾期 / 已撤销) as a filter, and
the overdue letters of many branches in one query."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from members import scoping
from members.scoping import can_issue_from, can_receive  # noqa: F401 — the pages and the API ask here

from .. import rules
from ..conf import TransferPolicy
from ..models import Transfer

OPEN = Q(received_on__isnull=True, cancelled_on__isnull=True)


def transfers_visible_to(user) -> QuerySet[Transfer]:
    """Letters from or to a branch the user may see, and a member's own letters."""
    branches = scoping.branches_visible_to(user)
    return Transfer.objects.filter(
        Q(from_branch__in=branches) | Q(to_branch__in=branches) | Q(member__in=scoping.members_visible_to(user))
    )


def state_q(state: str, on: date) -> Q:
    """SQL for a derived state, so that lists can filter on it."""
    return {
        rules.CANCELLED: Q(cancelled_on__isnull=False),
        rules.RECEIVED: Q(cancelled_on__isnull=True, received_on__isnull=False),
        rules.OVERDUE: OPEN & Q(expires_on__lt=on),
        rules.ISSUED: OPEN & Q(expires_on__gte=on),
    }[state]


@dataclass(frozen=True)
class OverdueLetter:
    """A letter past its validity without a receipt, as plain data."""

    id: int
    member_id: int | None
    name: str
    serial_no: str
    to_org: str
    expires_on: date

    @property
    def pk(self) -> int:
        return self.id


def overdue_by_branch(branch_ids, *, on: date) -> dict[int, list[OverdueLetter]]:
    """Letters issued by the branches, past validity without receipt (one query)."""
    out = defaultdict(list)
    for t in (
        Transfer.objects.filter(from_branch_id__in=list(branch_ids))
        .filter(state_q(rules.OVERDUE, on))
        .order_by("expires_on", "id")
        .values_list("from_branch_id", "id", "member_id", "name", "serial_no", "to_org", "expires_on")
    ):
        out[t[0]].append(OverdueLetter(*t[1:]))
    return dict(out)


def receipt_late_by_branch(branch_ids, *, on: date) -> dict[int, list[Transfer]]:
    """Letters whose receipt did not come back within the time allowed (one query)."""
    months = TransferPolicy.current().receipt_months
    out = defaultdict(list)
    for t in Transfer.objects.filter(from_branch_id__in=list(branch_ids), cancelled_on__isnull=True).order_by(
        "issued_on", "id"
    ):
        if rules.receipt_late(
            issued_on=t.issued_on, received_on=t.received_on, cancelled_on=t.cancelled_on, on=on, months=months
        ):
            out[t.from_branch_id].append(t)
    return dict(out)
