"""Pages of the campaign (Chinese, server-rendered): the campaign list and page
(progress per stage, 公示 list), the branch's self-assessment form (phone),
the reviewer's queue and screen (desktop table: self beside review beside
verification, item by item), the verifier's screen, the 整改 page. Every
write calls the same services as the API; errors come back as messages."""

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from meetings.models import Meeting

from .. import engine
from ..explain import explained
from ..models import Assessment, Campaign, Evidence, ItemScore
from . import permissions, selectors, services, stages

Status = Assessment.Status
STAGE_LABELS = dict(ItemScore.Stage.choices)
ACTION_LABELS = {
    "open": _l("发起验收"), "submit": _l("提交自评"), "return": _l("退回"), "approve": _l("审核通过"),
    "override": _l("改判"), "draw_sample": _l("抽样"), "verify": _l("抽验"), "rescore": _l("重新计分"),
    "publish": _l("发布公示"), "objection": _l("登记异议"), "finalise": _l("评定"), "rectify": _l("制定整改方案"),
    "reinspect": _l("复检"),
}
STATUS_LABELS = {**dict(Assessment.Status.choices), **dict(Campaign.Status.choices)}


def _history(transitions) -> list:
    """Transitions with their action and states in the reader's language."""
    out = list(transitions)
    for t in out:
        t.action_label = ACTION_LABELS.get(t.action, t.action)
        t.from_label = STATUS_LABELS.get(t.from_status, t.from_status)
        t.to_label = STATUS_LABELS.get(t.to_status, t.to_status)
    return out


def _assessment(request, pk) -> Assessment:
    return get_object_or_404(
        selectors.assessments_visible_to(request.user).select_related(
            "campaign", "campaign__org_unit", "branch", "scorecard", "approval_meeting"
        ),
        pk=pk,
    )


def _campaign(request, pk) -> Campaign:
    return get_object_or_404(selectors.campaigns_visible_to(request.user).select_related("org_unit"), pk=pk)


def _errors(request, exc: ValidationError) -> None:
    for m in exc.messages:
        messages.error(request, m)


def _run(request, fn, success: str, **kwargs):
    """Call a service; its refusals and field errors become messages."""
    try:
        result = fn(actor=request.user, **kwargs)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("您没有执行该操作的权限。"))
        return None
    except ValidationError as exc:
        _errors(request, exc)
        return None
    messages.success(request, success)
    return result if result is not None else True


def _values(post, prefix: str) -> dict:
    return {k[len(prefix):]: v.strip() for k, v in post.items() if k.startswith(prefix)}


def _version(post):
    value = post.get("version")
    return int(value) if value and value.isdigit() else None


# ---------------------------------------------------------------- campaigns


@login_required
def campaign_list(request):
    campaigns = selectors.campaigns_visible_to(request.user).select_related("org_unit").order_by("-year", "-id")
    return render(request, "assessment/campaigns/list.html", {
        "campaigns": campaigns,
        "review_count": selectors.review_queue(request.user).count(),
        "verify_count": selectors.verification_queue(request.user).filter(status=Status.APPROVED).count(),
    })


@login_required
def campaign_detail(request, pk):
    campaign = _campaign(request, pk)
    progress = selectors.campaign_progress(campaign)
    rows = list(selectors.publicity_list(campaign).filter(
        branch__in=selectors.assessments_visible_to(request.user).values("branch")
    ))
    stages = [
        (_("支部自评"), progress.submitted, progress.branches, campaign.self_due),
        (_("党委审核"), progress.reviewed, progress.branches, campaign.review_due),
        (_("工委抽验"), progress.verified, progress.sampled, campaign.verification_due),
        (_("公示、评定"), progress.finalised, progress.branches, campaign.publicity_end),
    ]
    return render(request, "assessment/campaigns/detail.html", {
        "campaign": campaign,
        "progress": progress,
        "stages": [{"label": lbl, "done": d, "of": of, "due": due, "percent": round(d * 100 / of) if of else 0}
                   for lbl, d, of, due in stages],
        "rows": rows,
        "warnings": selectors.campaign_warnings(campaign),
        "can_manage": permissions.can_manage(request.user, campaign),
        "grades": Assessment.Grade,
    })


@login_required
@require_POST
def campaign_action(request, pk, action):
    campaign = _campaign(request, pk)
    if action == "draw-sample":
        _run(request, services.campaign_draw_sample, _("已抽取抽验对象。"), campaign=campaign)
    elif action == "publish":
        _run(request, services.campaign_publish, _("已发布公示。"), campaign=campaign)
    elif action == "finalise":
        result = _run(request, services.campaign_finalise, _("已评定等次。"), campaign=campaign)
        if result:
            for w in result.warnings:
                messages.warning(request, w)
    else:
        raise Http404
    return redirect("campaign_detail", campaign.pk)


@login_required
def review_queue(request):
    return render(request, "assessment/campaigns/queue.html", {
        "reviews": selectors.review_queue(request.user),
        "verifications": selectors.verification_queue(request.user),
    })


# ---------------------------------------------------------------- one branch


def _preview(a: Assessment) -> dict:
    """The branch's score as it would be submitted now (auto items from today's records)."""
    facts = stages.fresh_facts(a)
    result = engine.score(a.scorecard.card(), facts, thresholds=a.campaign.thresholds(),
                          **stages.stage_inputs(a, ItemScore.Stage.SELF))
    return stages.result_json(result)


@login_required
def assessment_detail(request, pk):
    a = _assessment(request, pk)
    user = request.user
    rows = list(a.item_scores.select_related("scored_by"))
    is_branch = permissions.is_branch_officer(user, a)
    editing = is_branch and a.is_editable
    card = a.scorecard.card()
    self_values = {r.code: r.value for r in rows if r.stage == "self"}
    context = {"a": a, "campaign": a.campaign, "card": card, "rows": rows, "editing": editing,
               "transitions": _history(a.transitions.select_related("actor")),
               "evidence": list(a.evidence.all()), "stage_labels": STAGE_LABELS}
    if editing:
        preview = explained(_preview(a), branch_id=a.branch_id, year=a.campaign.year)
        manual_specs = [i for i in card.items if i.method == engine.MANUAL] + list(card.bonus)
        context.update({
            "preview": preview,
            "auto_items": [i for i in preview["items"] if i["method"] == engine.AUTO],
            "manual_items": [{"spec": s, "value": self_values.get(s.code),
                              "evidence": [e for e in context["evidence"] if e.item_code == s.code]}
                             for s in manual_specs],
            "meetings": Meeting.objects.filter(
                branch=a.branch, kind__in=(Meeting.Kind.COMMITTEE, Meeting.Kind.BRANCH_ASSEMBLY)
            ).order_by("-date")[:30],
        })
        return render(request, "assessment/campaigns/self_form.html", context)

    stage = None
    if a.status == Status.SUBMITTED and permissions.can_review(user, a):
        stage = "review"
    elif a.status == Status.APPROVED and a.sampled and permissions.can_verify(user, a):
        stage = "verify"
    stages = selectors.assessment_stages(a, rows=rows)
    table = selectors.items_side_by_side(stages)
    mine = {r.code: r for r in rows if r.stage == stage} if stage else {}
    codes = [st["stage"] for st in stages]
    for row in table:
        row["mine"] = mine.get(row["code"])
        row["cells"] = [row["scores"].get(c) for c in codes]
        row["latest"] = row["items"][codes[-1]] if codes and codes[-1] in row["items"] else None
        row["self_score"] = row["scores"].get("self")
    context.update({
        "stages": stages,
        "stage_headers": [STAGE_LABELS[s["stage"]] for s in stages],
        "table": table,
        "scoring_stage": stage,
        "manual_vetoes": [v for v in card.vetoes if v.method == engine.MANUAL],
        "bonus_codes": {b.code for b in card.bonus},
        "drift": selectors.assessment_drift(a) if a.status in (Status.SUBMITTED, Status.APPROVED, Status.VERIFIED)
        else selectors.NO_DRIFT,
        "can_rescore": permissions.can_review(user, a) or permissions.can_verify(user, a)
        or permissions.can_manage(user, a.campaign),
        "can_rectify": permissions.can_rectify(user, a),
        "can_object": a.campaign.status == Campaign.Status.PUBLICITY
        and (permissions.can_review(user, a) or permissions.can_manage(user, a.campaign)),
        "plans": a.rectification_plans.select_related("guide"),
        "reinspections": a.reinspections.all(),
        "objections": a.objections.all(),
        "guides": get_user_model().objects.filter(is_active=True, role_assignments__isnull=False).distinct()
        .order_by("username")[:200],
    })
    return render(request, "assessment/campaigns/assessment.html", context)


@login_required
@require_POST
def assessment_self(request, pk):
    """The branch saves or submits its self-assessment (and uploads evidence)."""
    a = _assessment(request, pk)
    manual = {k: v for k, v in _values(request.POST, "manual-").items()}
    meeting = None
    if request.POST.get("approval_meeting"):
        meeting = Meeting.objects.filter(pk=request.POST["approval_meeting"], branch=a.branch).first()
    for key in request.FILES:
        if key.startswith("evidence-"):
            for upload in request.FILES.getlist(key):
                if not _run(request, services.evidence_add, _("佐证材料已上传。"), assessment=a, file=upload,
                            item_code=key[len("evidence-"):]):
                    return redirect("campaign_assessment", a.pk)
    kwargs = {"assessment": a, "manual": manual, "self_report": request.POST.get("self_report", ""),
              "approval_meeting": meeting}
    if request.POST.get("do") == "submit":
        _run(request, services.assessment_submit, _("自评已提交，等待上级党委审核。"), **kwargs)
    else:
        _run(request, services.assessment_self_save, _("自评已保存。"), **kwargs)
    return redirect("campaign_assessment", a.pk)


@login_required
@require_POST
def assessment_action(request, pk, action):
    a = _assessment(request, pk)
    post = request.POST
    version = _version(post)
    if action in ("score", "approve", "verify"):
        overrides = {code: (value, post.get(f"reason-{code}", "")) for code, value in _values(post, "override-").items()
                     if value != ""}
        vetoes = {code: reason for code, reason in _values(post, "veto-").items() if reason}
        kwargs = {"assessment": a, "manual": _values(post, "manual-"), "overrides": overrides, "vetoes": vetoes,
                  "version": version}
        if action != "verify" and post.get("satisfaction"):
            kwargs["satisfaction"] = Decimal(post["satisfaction"])
        fn, done = {"score": (services.assessment_score, _("评分已保存。")),
                    "approve": (services.assessment_approve, _("已审核通过。")),
                    "verify": (services.assessment_verify, _("抽验评分已提交。"))}[action]
        if action != "score":
            kwargs["comment"] = post.get("comment", "")
        _run(request, fn, done, **kwargs)
    elif action == "override":
        _run(request, services.assessment_override, _("已改判。"), assessment=a, code=post.get("code", ""),
             value=post.get("value", ""), reason=post.get("reason", ""), version=version)
    elif action == "return":
        _run(request, services.assessment_return, _("已退回支部。"), assessment=a, comment=post.get("comment", ""),
             version=version)
    elif action == "rescore":
        _run(request, services.assessment_rescore, _("已按当前记录重新计分。"), assessment=a, version=version)
    elif action == "objection":
        _run(request, services.objection_record, _("异议已登记。"), assessment=a, content=post.get("content", ""),
             raised_by=post.get("raised_by", ""), handling=post.get("handling", ""))
    elif action == "rectify":
        guide = get_user_model().objects.filter(pk=post.get("guide") or 0).first()
        try:
            due = date.fromisoformat(post.get("due_date", ""))
        except ValueError:
            messages.error(request, _("请填写整改期限。"))
            return redirect("campaign_assessment", a.pk)
        if guide is None:
            messages.error(request, _("请选择指导员。"))
            return redirect("campaign_assessment", a.pk)
        _run(request, services.rectification_plan_create, _("整改方案已制定。"), assessment=a,
             items=post.get("items", "").splitlines(), owner=post.get("owner", ""), due_date=due, guide=guide)
    elif action == "reinspect":
        _run(request, services.assessment_reinspect, _("复检结果已记录。"), assessment=a, note=post.get("note", ""))
    else:
        raise Http404
    return redirect(reverse("campaign_assessment", args=[a.pk]) + "#top")


@login_required
def evidence_download(request, pk):
    """Evidence is never served from a public media URL: only here, to users who may see the branch."""
    ev = get_object_or_404(Evidence.objects.filter(assessment__in=selectors.assessments_visible_to(request.user)),
                           pk=pk)
    try:
        handle = ev.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("文件不存在。")) from None
    response = FileResponse(handle, content_type=ev.content_type, filename=ev.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def rectification(request, pk):
    campaign = _campaign(request, pk)
    rows = (selectors.assessments_visible_to(request.user).filter(campaign=campaign)
            .filter(grade=engine.FAIL) | selectors.assessments_visible_to(request.user).filter(
                campaign=campaign, reinspections__isnull=False))
    rows = rows.distinct().select_related("branch").prefetch_related("rectification_plans__guide", "reinspections")
    return render(request, "assessment/campaigns/rectification.html", {"campaign": campaign, "rows": rows})
