"""Roster pages: list, detail (with the audited ID reveal), create, edit and
status change. Access comes from `branches.scoping` only: members out of
scope are 404, read-only roles get 403 on every change."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.forms.models import model_to_dict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from simple_history.models import DeletedObject

from branches.forms import call_service
from branches.models import OrgUnit, RoleAssignment
from config.params import filter_status
from members.scoping import (
    branches_visible_to,
    can_edit_member,
    can_edit_org_unit,
    can_reveal_id_number,
    can_view_org_unit,
    members_visible_to,
    org_units_editable_by,
    party_groups_visible_to,
    scope_of,
)

from .. import forms, pipeline, selectors, services
from ..models import Member
from ..people import deleted_account, is_user_model, person_name

PAGE_SIZE = 50


def visible_member(request, pk) -> Member:
    return get_object_or_404(members_visible_to(request.user).select_related("branch", "party_group", "user"), pk=pk)


def editable_member(request, pk) -> Member:
    member = visible_member(request, pk)
    if not can_edit_member(request.user, member):
        raise PermissionDenied
    return member


def int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- list ---------------------------------------------------------------------------------------


def filter_groups(request, branch_id):
    """Party groups offered in the filter: those of the chosen branch, or of the
    user's only branch; never a whole 党委's worth of groups in one select."""
    groups = party_groups_visible_to(request.user)
    if branch_id:
        return groups.filter(branch_id=branch_id)
    only = list(branches_visible_to(request.user).values_list("pk", flat=True)[:2])
    return groups.filter(branch_id=only[0]) if len(only) == 1 else None


@login_required
def member_list(request):
    user = request.user
    form = forms.MemberFilterForm(
        request.GET or None,
        branches=branches_visible_to(user).order_by("path"),
        groups=filter_groups(request, int_or_none(request.GET.get("branch"))),
    )
    form.is_valid()
    members = form.filter(members_visible_to(user)).select_related("branch", "party_group")
    page = Paginator(members.order_by("branch__path", "name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "members/member_list.html",
        {
            "form": form,
            "page": page,
            "can_create": org_units_editable_by(user).filter(kind__in=OrgUnit.BRANCH_KINDS).exists(),
            "can_export_full": may_see_full_id_numbers(user),
            "query": request.GET.urlencode(),
        },
        status=filter_status(form),
    )


def may_see_full_id_numbers(user) -> bool:
    """Whether to offer the export with full ID numbers (the export checks every row again)."""
    scope = scope_of(user)
    return scope.is_superuser or any(role in RoleAssignment.ID_NUMBER_ROLES for role, _u, _p in scope.grants)


# --- detail and the audited ID reveal ---------------------------------------------------------------

HISTORY_HIDDEN = ("id_number_digest", "created_at", "updated_at")
HISTORY_TYPES = {"+": gettext_lazy("建档"), "~": gettext_lazy("修改"), "-": gettext_lazy("删除")}


def display_value(field, value) -> str:
    """A field's value in the 修改记录: labels for choices, people for accounts,
    never simple-history's raw "Deleted 用户 (pk=…)"."""
    if isinstance(value, DeletedObject):
        if value.pk is None:
            return "—"
        return deleted_account() if is_user_model(value.model) else _("（已删除）")
    if value is None or value == "":
        return "—"
    if isinstance(value, models.Model) and is_user_model(type(value)):
        return person_name(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def member_changes(member: Member, limit: int = 30) -> list[dict]:
    """The audit history (django-simple-history) as rows of field changes, newest first."""
    records = list(
        member.history.select_related("history_user__member", "branch", "party_group").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    rows = []
    for new, old in zip(records[:limit], [*records[1:], None], strict=False):
        changes = []
        if old is not None:
            delta = new.diff_against(old, excluded_fields=HISTORY_HIDDEN, foreign_keys_are_objs=True)
            for change in delta.changes:
                field = Member._meta.get_field(change.field)
                changes.append(
                    {
                        "label": field.verbose_name,
                        "old": display_value(field, change.old),
                        "new": display_value(field, change.new),
                    }
                )
        rows.append({"record": new, "type": HISTORY_TYPES.get(new.history_type, new.history_type), "changes": changes})
    return rows


def member_records_context(member: Member) -> dict:
    """党费, 学时, 发展党员, transfers, six-month cases and 民主评议 of one member."""
    today = timezone.localdate()
    dues = selectors.dues_status([member.branch_id], on=today)
    party_member = member.status in Member.PARTY_STATUSES
    steps = list(member.development_steps.values_list("step", flat=True))
    findings = selectors.timeline(member, on=today)[1] if steps or member.status in Member.PIPELINE_STATUSES else []
    return {
        "today": today,
        "dues": dues.get(member.pk),
        "study": selectors.member_study_hours(member, today.year, on=today) if party_member else None,
        "development_steps": len(steps),
        "in_pipeline": member.status in (*Member.PIPELINE_STATUSES, Member.Status.PROBATIONARY),
        "development_next": pipeline.next_step(steps),
        "development_findings": findings,
        "transfers": member.transfers.select_related("from_branch", "to_branch").order_by("-issued_on", "-id"),
        "six_month": [c for c in selectors.six_month_cases([member.branch_id], on=today, dues=dues)[member.branch_id]
                      if c.member_id == member.pk] if party_member else [],
        "grades": member.evaluation_grades.select_related("meeting").order_by("-meeting__date"),
    }


def render_member_detail(request, member: Member, *, id_number: str | None = None):
    user = request.user
    context = {
        **member_records_context(member),
        "member": member,
        "party_years": member.party_years(),
        "age": member.age(),
        "branch_visible": can_view_org_unit(user, member.branch),
        "can_edit": can_edit_member(user, member),
        "can_reveal": can_reveal_id_number(user, member),
        "id_number": id_number,
        "status_changes": member.status_changes.select_related("changed_by__member").order_by("-date", "-id"),
        "tenures": member.tenures.select_related("term__org_unit").order_by("-start_date", "-pk"),
        "changes": member_changes(member),
    }
    return render(request, "members/member_detail.html", context)


@login_required
def member_detail(request, pk):
    return render_member_detail(request, visible_member(request, pk))


@login_required
@require_POST
def member_reveal_id(request, pk):
    """Show the full 身份证号 on this response only; every reveal is audited."""
    member = visible_member(request, pk)
    if not can_reveal_id_number(request.user, member):
        raise PermissionDenied
    number = services.member_reveal_id_number(
        member, actor=request.user, channel="web", ip_address=request.META.get("REMOTE_ADDR")
    )
    response = render_member_detail(request, member, id_number=number or "")
    add_never_cache_headers(response)
    return response


# --- create, edit, status -----------------------------------------------------------------------


def member_form_page(request, form, *, title, member=None, branch=None):
    return render(
        request, "members/member_form.html", {"form": form, "title": title, "member": member, "branch": branch}
    )


def split_id_number(data: dict) -> tuple[dict, str | None]:
    """Blank means 'not given' (on edit: keep the stored number)."""
    data = dict(data)
    return data, (data.pop("id_number", "") or "").strip() or None


@login_required
def member_create(request):
    user = request.user
    branches = org_units_editable_by(user).filter(kind__in=OrgUnit.BRANCH_KINDS).order_by("path")
    branch = None
    if "branch" in request.GET:
        branch = get_object_or_404(branches_visible_to(user), pk=int_or_none(request.GET["branch"]) or 0)
        if not can_edit_org_unit(user, branch):
            raise PermissionDenied
    elif not branches.exists():
        raise PermissionDenied
    group_branch = int_or_none(request.POST.get("branch")) if request.method == "POST" else None
    group_branch = group_branch or (branch.pk if branch else None)
    groups = party_groups_visible_to(user).filter(branch__in=branches)
    if group_branch:
        groups = groups.filter(branch_id=group_branch)
    form = forms.MemberCreateForm(
        request.POST or None,
        branches=branches,
        groups=groups,
        initial={"branch": branch.pk if branch else None, "status": Member.Status.FULL},
    )
    if request.method == "POST" and form.is_valid():
        data, id_number = split_id_number(form.cleaned_data)
        member = call_service(form, lambda: services.member_create(actor=user, id_number=id_number, **data))
        if member:
            messages.success(request, _("已为%(name)s建档。") % {"name": member.name})
            return redirect("member_detail", pk=member.pk)
    return member_form_page(request, form, title=_("新增党员"), branch=branch)


@login_required
def member_update(request, pk):
    member = editable_member(request, pk)
    form = forms.MemberUpdateForm(
        request.POST or None,
        groups=party_groups_visible_to(request.user).filter(branch=member.branch),
        initial=model_to_dict(member, fields=forms.MemberUpdateForm.model_fields),
        masked_id=member.id_number_masked,
        version=member.version,
    )
    if request.method == "POST" and form.is_valid():
        data, id_number = split_id_number(form.service_data())
        if call_service(form, lambda: services.member_update(member, actor=request.user, id_number=id_number, **data)):
            messages.success(request, _("已保存%(name)s的档案。") % {"name": member.name})
            return redirect("member_detail", pk=member.pk)
    return member_form_page(request, form, title=_("编辑党员档案：%(name)s") % {"name": member.name}, member=member)


@login_required
def member_change_status(request, pk):
    member = editable_member(request, pk)
    form = forms.MemberStatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        changed = call_service(
            form, lambda: services.member_change_status(member, actor=request.user, **form.cleaned_data)
        )
        if changed:
            messages.success(
                request,
                _("%(name)s的状态已变更为%(status)s。")
                % {"name": changed.name, "status": changed.get_status_display()},
            )
            return redirect("member_detail", pk=member.pk)
    title = _("变更状态：%(name)s（当前：%(status)s）") % {"name": member.name, "status": member.get_status_display()}
    return member_form_page(request, form, title=title, member=member)
