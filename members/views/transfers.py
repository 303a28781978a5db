"""组织关系转接 pages: the letters in the user's scope, one letter, the
printable letter (存根, 介绍信, 回执), and the forms to issue, receive,
withdraw and register letters."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from branches.forms import call_service
from branches.models import PartyGroup
from members.scoping import branches_visible_to, can_reveal_id_number, party_groups_visible_to

from .. import forms, rules, selectors, services
from ..conf import TransferPolicy
from ..models import Transfer
from ..selectors.transfers import can_issue_from, can_receive, state_q
from .access import editable_branch, editable_member

PAGE_SIZE = 50


def _visible_transfer(request, pk) -> Transfer:
    qs = selectors.transfers_visible_to(request.user).select_related("member", "from_branch", "to_branch", "issued_by")
    return get_object_or_404(qs, pk=pk)


@login_required
def transfer_list(request):
    today = timezone.localdate()
    qs = selectors.transfers_visible_to(request.user).select_related("member", "from_branch", "to_branch")
    direction = request.GET.get("direction", "")
    state = request.GET.get("state", "")
    if direction in Transfer.Direction.values:
        qs = qs.filter(direction=direction)
    if state in Transfer.State.values:
        qs = qs.filter(state_q(state, today))
    try:
        branch_id = int(request.GET.get("branch") or 0)
    except ValueError:
        branch_id = 0
    branch = branches_visible_to(request.user).filter(pk=branch_id).first() if branch_id else None
    if branch is not None:
        qs = qs.filter(from_branch=branch) | qs.filter(to_branch=branch)
    page = Paginator(qs.order_by("-issued_on", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    for transfer in page.object_list:
        transfer.current_state = transfer.state_on(today)
    return render(
        request,
        "members/transfer_list.html",
        {
            "page": page,
            "direction": direction,
            "state": state,
            "branch": branch,
            "directions": Transfer.Direction.choices,
            "states": Transfer.State.choices,
        },
    )


@login_required
def transfer_detail(request, pk):
    transfer = _visible_transfer(request, pk)
    today = timezone.localdate()
    policy_months = TransferPolicy.current().receipt_months
    return render(
        request,
        "members/transfer_detail.html",
        {
            "transfer": transfer,
            "state": transfer.state_on(today),
            "receipt_due": rules.receipt_due(transfer.issued_on, policy_months),
            "receipt_late": transfer.direction == Transfer.Direction.OUT
            and rules.receipt_late(
                issued_on=transfer.issued_on,
                received_on=transfer.received_on,
                cancelled_on=transfer.cancelled_on,
                on=today,
                months=policy_months,
            ),
            "can_receive": transfer.is_open and can_receive(request.user, transfer),
            "can_cancel": transfer.is_open
            and transfer.direction == Transfer.Direction.OUT
            and can_issue_from(request.user, transfer),
            "can_print_full": bool(transfer.member_id and can_reveal_id_number(request.user, transfer.member)),
        },
    )


@login_required
def transfer_letter(request, pk):
    """The printable letter. The full 身份证号 only on POST, for those who may
    see it, and the reveal is audited like any other."""
    transfer = _visible_transfer(request, pk)
    id_number = None
    if request.method == "POST":
        if not (transfer.member_id and can_reveal_id_number(request.user, transfer.member)):
            raise PermissionDenied
        id_number = services.member_reveal_id_number(
            transfer.member, actor=request.user, channel="letter", ip_address=request.META.get("REMOTE_ADDR")
        )
    response = render(
        request,
        "members/transfer_letter.html",
        {
            "transfer": transfer,
            "id_number": id_number or transfer.id_number_masked,
        },
    )
    if id_number:
        add_never_cache_headers(response)
    return response


@login_required
def transfer_out(request, pk):
    member = editable_member(request, pk)
    branches = branches_visible_to(request.user).exclude(pk=member.branch_id).order_by("path")
    today = timezone.localdate()
    form = forms.TransferOutForm(
        request.POST or None,
        branches=branches,
        initial={"issued_on": today, "dues_paid_until": selectors.paid_through(member)},
    )
    if request.method == "POST" and form.is_valid():
        transfer = call_service(
            form, lambda: services.transfer_out_issue(member=member, actor=request.user, **form.cleaned_data)
        )
        if transfer:
            messages.success(
                request, _("已开具组织关系介绍信（%(no)s号），请打印后交本人。") % {"no": transfer.serial_no}
            )
            return redirect("transfer_detail", pk=transfer.pk)
    return render(
        request,
        "members/form_page.html",
        {
            "form": form,
            "member": member,
            "title": _("开具组织关系介绍信：%(name)s") % {"name": member.name},
            "intro": _("开具后该党员状态显示为“转出”；转往本系统内党支部的，接收支部确认报到后自动转入。"),
            "back_url": reverse("member_detail", args=[member.pk]),
        },
    )


@login_required
def transfer_receive(request, pk):
    transfer = _visible_transfer(request, pk)
    if not (transfer.is_open and can_receive(request.user, transfer)):
        raise PermissionDenied
    in_system = transfer.direction == Transfer.Direction.OUT and transfer.to_branch_id
    groups = party_groups_visible_to(request.user).filter(branch=transfer.to_branch) if in_system else None
    form = forms.TransferReceiveForm(request.POST or None, groups=groups, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        done = call_service(form, lambda: services.transfer_receive(transfer, actor=request.user, **form.cleaned_data))
        if done:
            messages.success(request, _("已办结介绍信（%(no)s号）。") % {"no": transfer.serial_no})
            return redirect("transfer_detail", pk=transfer.pk)
    title = _("确认报到：%(name)s") if in_system else _("登记回执：%(name)s")
    return render(
        request,
        "members/form_page.html",
        {
            "form": form,
            "title": title % {"name": transfer.name},
            "back_url": reverse("transfer_detail", args=[transfer.pk]),
        },
    )


@login_required
def transfer_cancel(request, pk):
    transfer = _visible_transfer(request, pk)
    if not (
        transfer.is_open and transfer.direction == Transfer.Direction.OUT and can_issue_from(request.user, transfer)
    ):
        raise PermissionDenied
    form = forms.TransferCancelForm(request.POST or None, initial={"cancelled_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        done = call_service(form, lambda: services.transfer_cancel(transfer, actor=request.user, **form.cleaned_data))
        if done:
            messages.success(
                request,
                _("已撤销介绍信（%(no)s号），%(name)s已恢复在册。") % {"no": transfer.serial_no, "name": transfer.name},
            )
            return redirect("transfer_detail", pk=transfer.pk)
    return render(
        request,
        "members/form_page.html",
        {
            "form": form,
            "title": _("撤销介绍信：%(no)s号") % {"no": transfer.serial_no},
            "back_url": reverse("transfer_detail", args=[transfer.pk]),
        },
    )


@login_required
def transfer_in(request, branch_pk):
    branch = editable_branch(request, branch_pk)
    today = timezone.localdate()
    form = forms.TransferInForm(
        request.POST or None,
        groups=PartyGroup.objects.filter(branch=branch),
        initial={"received_on": today, "party_status": "full"},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["id_number"] = (data.get("id_number") or "").strip()
        transfer = call_service(form, lambda: services.transfer_in_register(branch=branch, actor=request.user, **data))
        if transfer:
            messages.success(request, _("已登记转入：%(name)s。") % {"name": transfer.name})
            return redirect("transfer_detail", pk=transfer.pk)
    return render(
        request,
        "members/form_page.html",
        {
            "form": form,
            "branch": branch,
            "title": _("登记转入（系统外来信）"),
            "intro": _("本系统内党支部开出的介绍信，请在“组织关系转接”列表中确认报到，无需在此登记。"),
            "back_url": reverse("org_unit", args=[branch.pk]),
        },
    )
