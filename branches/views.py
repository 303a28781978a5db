"""Pages of the org tree: the tree, a unit's page and the forms
that call `branches.services`. Access is decided by `branches.scoping` only:
out-of-scope units are 404 (looked up in the scoping queryset), visible but
not editable ones are 403."""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from config import hooks

from . import forms, services
from .models import (
    CommitteeTerm,
    Election,
    ElectionCandidate,
    OrgUnit,
    PartyGroup,
    RoleTenure,
    TermAdjustment,
)
from .rule_cache import cached_fragment
from .rules import ERROR, INFO, WARNING, TermStatus
from .scoping import (
    can_create_child_unit,
    can_edit_org_unit,
    can_view_org_unit,
    org_units_visible_to,
)
from .selectors import FULL_MEMBER, PARTY_STATUSES, branch_rule_findings

PARTY_MEMBERS = Q(members__status__in=PARTY_STATUSES)


# --- the tree -----------------------------------------------------------------------------------


@dataclass
class Summary:
    """Totals of a unit and everything below it that the user can see."""

    party_members: int = 0
    branches: int = 0
    branches_with_errors: int = 0
    branches_with_warnings: int = 0
    errors: int = 0
    warnings: int = 0


def severity_counts(findings) -> dict[str, int]:
    counts = {ERROR: 0, WARNING: 0, INFO: 0}
    for f in findings:
        counts[f.severity] += 1
    return counts


def summarise(units, findings) -> dict[int, Summary]:
    """Roll member counts and findings up the materialised paths, in Python over
    rows already loaded: no query per node."""
    totals: dict[int, Summary] = defaultdict(Summary)
    for unit in units:
        counts = severity_counts(findings.get(unit.pk, ()))
        for ancestor_id in (int(part) for part in unit.path.strip("/").split("/") if part):
            s = totals[ancestor_id]
            s.party_members += unit.party_members
            if unit.is_branch:
                s.branches += 1
                s.branches_with_errors += counts[ERROR] > 0
                s.branches_with_warnings += counts[WARNING] > 0
                s.errors += counts[ERROR]
                s.warnings += counts[WARNING]
    return totals


def units_with_counts(queryset):
    """Units with their own 正式+预备 member count, in path order: one aggregate query.
    Each carries `kind_label` and `sector_label`, translated once per request
    (get_FOO_display rebuilds the choices dict on every call: on a page of 100
    units that was a fifth of the CPU time)."""
    units = list(queryset.annotate(party_members=Count("members", filter=PARTY_MEMBERS)).order_by("path"))
    kinds = {value: str(label) for value, label in OrgUnit.Kind.choices}
    sectors = {value: str(label) for value, label in OrgUnit._meta.get_field("sector").flatchoices}
    for unit in units:
        unit.kind_label = kinds.get(unit.kind, unit.kind)
        unit.sector_label = sectors.get(unit.sector, unit.sector)
    return units


@login_required
def org_tree(request):
    def table() -> str:
        units = units_with_counts(org_units_visible_to(request.user))
        findings = branch_rule_findings([u for u in units if u.is_branch])
        totals = summarise(units, findings)
        top = min((u.depth for u in units), default=0)
        for unit in units:
            unit.indent = unit.depth - top
            unit.summary = totals[unit.pk]
            unit.finding_counts = severity_counts(findings.get(unit.pk, ()))
        return render_to_string("branches/partials/org_tree_table.html", {"units": units}, request)

    # the table holds only what the rules read: cached until one of those rows changes
    return render(request, "branches/org_tree.html", {"tree_table": cached_fragment(("org_tree", request.user.pk, request.user.is_superuser), table)})


# --- a unit's page ------------------------------------------------------------------------------


ROLE_ORDER = {role: i for i, role in enumerate(RoleTenure.Role.values)}


def branch_page_context(unit: OrgUnit) -> dict:
    today = timezone.localdate()
    terms = list(
        CommitteeTerm.objects.filter(org_unit=unit)
        .select_related("election")
        .prefetch_related(
            Prefetch("tenures", queryset=RoleTenure.objects.select_related("member").order_by("start_date", "pk")),
            Prefetch("postponements", queryset=TermAdjustment.objects.order_by("approval_date", "pk")),
        )
        .order_by("-start_date")
    )
    for term in terms:
        term.effective_due = term.effective_due_end(term.postponements.all())
    current = next((t for t in terms if t.actual_end_date is None), None)
    committee, status = [], None
    if current:
        committee = sorted((t for t in current.tenures.all() if t.held_on(today)), key=lambda t: ROLE_ORDER[t.role])
    elections = (
        Election.objects.filter(org_unit=unit)
        .prefetch_related(
            Prefetch("candidates", queryset=ElectionCandidate.objects.select_related("member").order_by("-votes", "pk"))
        )
        .order_by("-date", "-pk")
    )
    findings = branch_rule_findings([unit])[unit.pk]
    if current:
        key = TermStatus.from_findings(findings)
        status = (TermStatus.LABELS[key], TermStatus.CSS[key])
    groups = (
        PartyGroup.objects.filter(branch=unit)
        .select_related("leader")
        .annotate(party_members=Count("members", filter=PARTY_MEMBERS), total=Count("members"))
        .order_by("name")
    )
    context = {
        "today": today,
        "terms": terms,
        "current_term": current,
        "committee": committee,
        "term_status": status,
        "elections": elections,
        "adjustments": [(term, a) for term in terms for a in term.postponements.all()],
        "findings": findings,
        "findings_by_severity": [
            (label, css, [f for f in findings if f.severity == sev]) for sev, label, css in severity_labels()
        ],
        "groups": groups,
    }
    # the sections of the apps above (the members app: roster counts, 党费, 学时,
    # six-month rule, 发展党员, transfers), registered on this hook
    for extra in hooks.send("branches.page_context", unit, on=today):
        context.update(extra)
    return context


def severity_labels():
    return ((ERROR, _("错误"), "danger"), (WARNING, _("警告"), "warning"), (INFO, _("提示"), "info"))


def parent_unit_context(user, unit: OrgUnit) -> dict:
    """A 党委/党总支: its child units with subtree counts, and the branches below
    it that need attention, in a fixed number of queries."""
    subtree = units_with_counts(org_units_visible_to(user).filter(path__startswith=unit.path).exclude(pk=unit.pk))
    branches = [u for u in subtree if u.is_branch]
    findings = branch_rule_findings(branches)
    totals = summarise(subtree, findings)
    children = [u for u in subtree if u.parent_id == unit.pk]
    for child in children:
        child.summary = totals[child.pk]
    by_id = {u.pk: u for u in subtree}
    attention = []
    for branch in branches:
        counts = severity_counts(findings[branch.pk])
        if counts[ERROR] or counts[WARNING]:
            branch.finding_counts = counts
            branch.parent_unit = by_id.get(branch.parent_id)
            attention.append(branch)
    attention.sort(key=lambda b: (-b.finding_counts[ERROR], -b.finding_counts[WARNING], b.path))
    return {
        "children": children,
        "subtree_summary": totals.get(unit.pk, Summary()),
        "attention": attention[:20],
        "attention_total": len(attention),
    }


@login_required
def org_unit_detail(request, pk):
    unit = get_object_or_404(org_units_visible_to(request.user).select_related("parent"), pk=pk)
    user = request.user
    context = {
        "unit": unit,
        "parent_visible": unit.parent is not None and can_view_org_unit(user, unit.parent),
        "can_edit": can_edit_org_unit(user, unit),
        "can_create_child": not unit.is_branch and can_create_child_unit(user, unit),
    }
    if unit.is_branch:
        context.update(branch_page_context(unit))
    else:
        def parts() -> tuple[str, str]:
            ctx = {**context, **parent_unit_context(user, unit)}
            return (render_to_string("branches/partials/children_tables.html", ctx, request),
                    render_to_string("branches/partials/children_attention.html", ctx, request))

        # only what the rules read (units, member counts, findings): cached until one of those rows changes
        context["children_html"], context["attention_html"] = cached_fragment(("unit", unit.pk, user.pk, user.is_superuser), parts)
    return render(request, "branches/org_unit_detail.html", context)


# --- forms --------------------------------------------------------------------------------------


def editable_unit(request, pk, *, allowed=can_edit_org_unit, branch_only=False) -> OrgUnit:
    """The unit if the user may change it: 404 out of scope, 403 read-only."""
    unit = get_object_or_404(org_units_visible_to(request.user), pk=pk)
    if branch_only and not unit.is_branch:
        raise Http404
    if not allowed(request.user, unit):
        raise PermissionDenied
    return unit


def form_page(request, form, *, unit, title, submit=None, template="branches/form_page.html", **extra):
    context = {"form": form, "unit": unit, "title": title, "submit_label": submit or _("保存"), **extra}
    return render(request, template, context)


def unit_url(unit: OrgUnit, anchor: str = "") -> str:
    return reverse("org_unit", args=[unit.pk]) + (f"#{anchor}" if anchor else "")


def open_term_or_redirect(request, unit):
    term = CommitteeTerm.objects.filter(org_unit=unit, actual_end_date__isnull=True).first()
    if term is None:
        messages.error(request, _("该支部没有进行中的任期，请先登记任期或录入换届选举。"))
    return term


@login_required
def org_unit_create(request, pk):
    parent = editable_unit(request, pk, allowed=can_create_child_unit)
    form = forms.OrgUnitCreateForm(request.POST or None, initial={"sector": parent.sector})
    if request.method == "POST" and form.is_valid():
        unit = forms.call_service(form, lambda: services.org_unit_create(actor=request.user, parent=parent, **form.cleaned_data))
        if unit:
            messages.success(request, _("已新建“%(name)s”。") % {"name": unit.name})
            return redirect(unit_url(unit))
    return form_page(request, form, unit=parent, title=_("新建下级党组织"))


@login_required
def org_unit_update(request, pk):
    unit = editable_unit(request, pk)
    initial = model_to_dict(unit, fields=forms.OrgUnitUpdateForm.model_fields)
    can_deactivate = unit.parent is not None and can_create_child_unit(request.user, unit.parent)
    form = forms.OrgUnitUpdateForm(
        request.POST or None, initial=initial, can_deactivate=can_deactivate, version=unit.version
    )
    if request.method == "POST" and form.is_valid():
        if forms.call_service(form, lambda: services.org_unit_update(unit, actor=request.user, **form.service_data())):
            messages.success(request, _("已保存组织信息。"))
            return redirect(unit_url(unit))
    response = form_page(request, form, unit=unit, title=_("编辑组织信息"))
    if request.method == "POST":
        response.status_code = 400  # refused (e.g. a 支部书记 changing the kind): as the API answers
    return response


@login_required
def committee_term_open(request, pk):
    unit = editable_unit(request, pk, branch_only=True)
    form = forms.CommitteeTermForm(request.POST or None, initial={"start_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        term = forms.call_service(form, lambda: services.committee_term_open(org_unit=unit, actor=request.user, **form.cleaned_data))
        if term:
            messages.success(request, _("已登记第%(n)s届任期。") % {"n": term.number})
            return redirect(unit_url(unit, "committee"))
    return form_page(
        request,
        form,
        unit=unit,
        title=_("登记新一届任期"),
        intro=_("登记后，进行中的上一届任期在新任期开始前一天结束，其委员同时离任。"),
    )


@login_required
def role_tenure_start(request, pk):
    unit = editable_unit(request, pk, branch_only=True)
    term = open_term_or_redirect(request, unit)
    if term is None:
        return redirect(unit_url(unit, "committee"))
    form = forms.RoleTenureStartForm(request.POST or None, branch=unit, initial={"start_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        tenure = forms.call_service(form, lambda: services.role_tenure_start(term=term, actor=request.user, **form.cleaned_data))
        if tenure:
            messages.success(
                request,
                _("已登记%(member)s任%(role)s。") % {"member": tenure.member.name, "role": tenure.get_role_display()},
            )
            return redirect(unit_url(unit, "committee"))
    return form_page(request, form, unit=unit, title=_("委员任职（第%(n)s届）") % {"n": term.number})


@login_required
def role_tenure_end(request, pk, tenure_pk):
    unit = editable_unit(request, pk, branch_only=True)
    tenure = get_object_or_404(RoleTenure.objects.select_related("member", "term"), pk=tenure_pk, term__org_unit=unit)
    form = forms.RoleTenureEndForm(request.POST or None, initial={"end_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        done = forms.call_service(
            form,
            lambda: services.role_tenure_end(
                actor=request.user,
                tenure=tenure, end_date=form.cleaned_data["end_date"], reason=form.cleaned_data["end_reason"]
            ),
        )
        if done:
            messages.success(request, _("已办理%(member)s离任。") % {"member": tenure.member.name})
            return redirect(unit_url(unit, "committee"))
    title = _("办理离任：%(member)s（%(role)s）") % {"member": tenure.member.name, "role": tenure.get_role_display()}
    return form_page(request, form, unit=unit, title=title)


def candidate_rows(request) -> int:
    try:
        return min(max(int(request.GET.get("rows", 5)), 1), 30)
    except ValueError:
        return 5


@login_required
def election_record(request, pk):
    unit = editable_unit(request, pk, branch_only=True)
    formset_class = forms.candidate_formset(candidate_rows(request))
    data = request.POST if request.method == "POST" else None
    voters = unit.members.filter(status=FULL_MEMBER).count()  # 预备党员 do not vote (members.Member.branch reverse)
    form = forms.ElectionForm(data, initial={"date": timezone.localdate(), "voters_due": voters or None})
    formset = formset_class(data, prefix="candidates", form_kwargs={"branch": unit})
    if data is not None and form.is_valid() and formset.is_valid():
        election = forms.call_service(
            form, lambda: services.election_record(
                org_unit=unit, candidates=formset.candidates(), actor=request.user, **form.cleaned_data
            )
        )
        if election:
            if election.quorum_met:
                elected = sum(1 for c in election.candidates.all() if c.elected)
                messages.success(request, _("选举有效，%(n)s人当选。") % {"n": elected})
                if election.runoff_seats:
                    messages.warning(
                        request,
                        _("%(n)s个名额候选人得票相同，该名额空缺，需另行选举。") % {"n": election.runoff_seats},
                    )
            else:
                messages.warning(request, _("实到人数未超过应到人数的五分之四，选举无效；记录已存档。"))
            return redirect(unit_url(unit, "elections"))
    return form_page(
        request,
        form,
        unit=unit,
        title=_("录入选举结果"),
        template="branches/election_form.html",
        formset=formset,
        more_rows=min(formset.total_form_count() + 3, 30),
    )


@login_required
def term_adjustment_record(request, pk):
    unit = editable_unit(request, pk, branch_only=True)
    term = open_term_or_redirect(request, unit)
    if term is None:
        return redirect(unit_url(unit, "committee"))
    form = forms.TermAdjustmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if forms.call_service(form, lambda: services.term_adjustment_record(term=term, actor=request.user, **form.cleaned_data)):
            messages.success(request, _("已登记延期/提前换届批复。"))
            return redirect(unit_url(unit, "adjustments"))
    return form_page(
        request,
        form,
        unit=unit,
        title=_("登记延期/提前换届批复（第%(n)s届）") % {"n": term.number},
        intro=_("原应届满日期：%(due)s。延期或提前一般不超过1年。") % {"due": term.due_end_date.isoformat()},
    )


@login_required
def party_group_edit(request, pk, group_pk=None):
    unit = editable_unit(request, pk, branch_only=True)
    group = get_object_or_404(PartyGroup, pk=group_pk, branch=unit) if group_pk else None
    initial = {"name": group.name, "leader": group.leader_id} if group else {}
    form = forms.PartyGroupForm(
        request.POST or None, branch=unit, initial=initial, version=group.version if group else None
    )
    if request.method == "POST" and form.is_valid():
        saved = forms.call_service(
            form, lambda: services.party_group_save(group=group, branch=unit, actor=request.user, **form.service_data())
        )
        if saved:
            messages.success(request, _("已保存党小组“%(name)s”。") % {"name": saved.name})
            return redirect(unit_url(unit, "groups"))
    return form_page(request, form, unit=unit, title=_("编辑党小组") if group else _("新建党小组"))
