"""Writes of the acceptance campaign. Each takes `actor` keyword-only, checks
permission itself (`permissions`), runs in one transaction, and records a
`Transition` (who, when, from, to, comment). Assessments are locked with
SELECT … FOR UPDATE and carry a `version`: a caller that passes the version it
read is refused if someone else changed the assessment in between."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError  # noqa: F401 — PermissionDenied re-exported for callers
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from archives.uploads import MB, validate_upload
from branches.models import OrgUnit
from meetings.models import Meeting

from .. import engine
from ..models import (
    Assessment,
    Campaign,
    Evidence,
    ItemScore,
    Objection,
    RectificationPlan,
    Reinspection,
    Scorecard,
    Transition,
)
from ..selectors import branches_to_score, scorecards_latest, scoring_facts
from ..services import facts_hash, scorecard_for
from . import rules
from .permissions import (
    can_manage,
    can_manage_unit,
    can_rectify,
    can_review,
    can_verify,
    is_branch_officer,
    require,
)
from .selectors import assessment_drift
from .stages import (
    RESULT_FIELDS,
    card_of,
    demonstration_warning,
    fresh_facts,
    frozen_facts,
    result_json,
    stage_inputs,
)

Status = Assessment.Status
Stage = ItemScore.Stage
EVIDENCE_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}
EVIDENCE_MAX_BYTES = 10 * MB


def today() -> date:
    return timezone.localdate()


# ---------------------------------------------------------------- helpers


def _transition(campaign, assessment, actor, action: str, before: str, after: str, comment: str = "") -> Transition:
    return Transition.objects.create(
        campaign=campaign,
        assessment=assessment,
        action=action,
        from_status=before,
        to_status=after,
        comment=comment,
        actor=actor if getattr(actor, "pk", None) else None,
    )


def _lock(assessment: Assessment, version: int | None = None) -> Assessment:
    locked = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("campaign", "campaign__org_unit", "branch", "scorecard")
        .get(pk=assessment.pk)
    )
    if version is not None and version != locked.version:
        raise ValidationError(
            {"version": _("该支部的验收记录已被他人修改（版本%(v)s），请刷新后再操作。") % {"v": locked.version}}
        )
    return locked


def _save(a: Assessment, *fields: str) -> None:
    a.version += 1
    a.save(update_fields=[*fields, "version", "updated_at"])


def _decimal(value, label: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("“%(label)s”的分值“%(v)s”不是数字。") % {"label": label, "v": value}) from None
    if not number.is_finite():
        raise ValidationError(_("“%(label)s”的分值“%(v)s”不是数字。") % {"label": label, "v": value})
    return number


def _check_status(a: Assessment, allowed: Iterable[str], doing: str) -> None:
    if a.status not in allowed:
        raise ValidationError(
            _("%(branch)s的验收当前为“%(status)s”，不能%(doing)s。")
            % {"branch": a.branch.name, "status": a.get_status_display(), "doing": doing}
        )


@dataclass(frozen=True)
class Override:
    value: Decimal
    reason: str


def _save_scores(
    a: Assessment,
    stage: str,
    actor,
    *,
    manual: Mapping[str, object] | None = None,
    overrides: Mapping[str, Override | tuple] | None = None,
    vetoes: Mapping[str, str] | None = None,
) -> None:
    """Store one stage's values. Manual and bonus items take points; auto items
    only an override with a written reason; manual vetoes a reason."""
    card = card_of(a)
    items = {i.code: i for i in card.items}
    bonus = {b.code: b for b in card.bonus}
    manual_vetoes = {v.code: v for v in card.vetoes if v.method == engine.MANUAL}
    errors: dict[str, list[str]] = {}
    rows: list[tuple[str, dict]] = []
    for code, raw in (manual or {}).items():
        spec = items.get(code) or bonus.get(code)
        if spec is None:
            errors.setdefault("manual", []).append(_("打分表中没有评分项“%(code)s”。") % {"code": code})
            continue
        if code in items and items[code].method == engine.AUTO:
            errors.setdefault("manual", []).append(
                _("%(code)s %(name)s是自动计分项，由系统根据记录计分，不能手工填写。")
                % {"code": code, "name": spec.name}
            )
            continue
        if raw in (None, ""):
            rows.append((code, {"value": None}))
            continue
        try:
            value = _decimal(raw, spec.name)
        except ValidationError as exc:
            errors.setdefault("manual", []).extend(exc.messages)
            continue
        if not Decimal("0") <= value <= spec.max:
            errors.setdefault("manual", []).append(
                _("%(code)s %(name)s的分值应在0至%(max)s分之间。") % {"code": code, "name": spec.name, "max": spec.max}
            )
            continue
        rows.append((code, {"value": engine.q(value)}))
    for code, given in (overrides or {}).items():
        value, reason = (given.value, given.reason) if isinstance(given, Override) else given
        spec = items.get(code)
        if spec is None or spec.method != engine.AUTO:
            errors.setdefault("overrides", []).append(_("只有自动计分项可以改判：“%(code)s”不是。") % {"code": code})
            continue
        if not (reason or "").strip():
            errors.setdefault("overrides", []).append(
                _("改判%(code)s %(name)s须写明理由。") % {"code": code, "name": spec.name}
            )
            continue
        try:
            value = _decimal(value, spec.name)
        except ValidationError as exc:
            errors.setdefault("overrides", []).extend(exc.messages)
            continue
        if not Decimal("0") <= value <= spec.max:
            errors.setdefault("overrides", []).append(
                _("%(code)s %(name)s的分值应在0至%(max)s分之间。") % {"code": code, "name": spec.name, "max": spec.max}
            )
            continue
        rows.append((code, {"override": engine.q(value), "reason": reason.strip()}))
    for code, reason in (vetoes or {}).items():
        if code not in manual_vetoes:
            errors.setdefault("vetoes", []).append(_("打分表中没有人工认定的否决项“%(code)s”。") % {"code": code})
        elif not (reason or "").strip():
            errors.setdefault("vetoes", []).append(
                _("认定“%(name)s”须写明事由。") % {"name": manual_vetoes[code].name}
            )
        else:
            rows.append((code, {"value": Decimal("1"), "reason": reason.strip()}))
    if errors:
        raise ValidationError(errors)
    existing = {r.code: r for r in ItemScore.objects.filter(assessment=a, stage=stage, code__in=[c for c, _v in rows])}
    for code, values in rows:
        row = existing.get(code) or ItemScore(assessment=a, stage=stage, code=code)
        for key, value in values.items():
            setattr(row, key, value)
        row.scored_by = actor if getattr(actor, "pk", None) else None
        row.full_clean()
        row.save()


def _score_stage(a: Assessment, stage: str, facts) -> engine.BranchScore:
    result = engine.score(card_of(a), facts, thresholds=a.campaign.thresholds(), **stage_inputs(a, stage))
    result_field, total_field = RESULT_FIELDS[stage]
    setattr(a, result_field, result_json(result))
    if total_field:
        setattr(a, total_field, result.total)
    return result


def _freeze(a: Assessment, facts) -> None:
    a.frozen_facts = rules.to_json(facts)
    a.facts_hash = facts_hash(facts, a.scorecard)
    a.frozen_at = timezone.now()


# ---------------------------------------------------------------- campaign


@transaction.atomic
def campaign_open(
    *,
    actor,
    org_unit: OrgUnit,
    name: str,
    year: int | None = None,
    scorecard: Scorecard | None = None,
    self_due: date | None = None,
    review_due: date | None = None,
    verification_due: date | None = None,
    thresholds: Mapping[str, Decimal] | None = None,
    sample_ratio: Decimal | None = None,
    publicity_days: int | None = None,
    score_mode: str | None = None,
    self_weight: Decimal | None = None,
    sample_seed: int | None = None,
    inspectors: Iterable = (),
) -> Campaign:
    """Open a campaign for the unit's subtree: one assessment per active branch
    under it, each with the scorecard for its 领域 unless one is chosen."""
    require(can_manage_unit(actor, org_unit), _("只有组织部或上级党委可以为其所辖范围发起达标验收。"))
    year = year or today().year - 1
    campaign = Campaign(
        org_unit=org_unit,
        name=name,
        year=year,
        scorecard=scorecard,
        self_due=self_due or date(year + 1, 5, 31),
        review_due=review_due or date(year + 1, 6, 30),
        verification_due=verification_due or date(year + 1, 7, 31),
        sample_seed=sample_seed,
        opened_by=actor,
    )
    for key, value in (thresholds or {}).items():
        setattr(campaign, {"demonstration": "threshold_demonstration", "advanced": "threshold_advanced",
                           "pass": "threshold_pass"}[key], Decimal(str(value)))
    if sample_ratio is not None:
        campaign.sample_ratio = Decimal(str(sample_ratio))
    if publicity_days is not None:
        campaign.publicity_days = publicity_days
    if score_mode:
        campaign.score_mode = score_mode
    if self_weight is not None:
        campaign.self_weight = Decimal(str(self_weight))
    if Campaign.objects.filter(org_unit=org_unit, year=year).exists():
        raise ValidationError(
            {"year": _("%(unit)s的%(year)s年度达标验收已经发起。") % {"unit": org_unit.name, "year": year}}
        )
    campaign.full_clean()
    campaign.save()
    if inspectors:
        campaign.inspectors.set(inspectors)
    branches = list(branches_to_score(org_unit))
    if not branches:
        raise ValidationError(_("%(unit)s下没有党支部。") % {"unit": org_unit.name})
    cards = scorecards_latest()
    Assessment.objects.bulk_create(
        [Assessment(campaign=campaign, branch=b, scorecard=scorecard or scorecard_for(b, cards)) for b in branches]
    )
    _transition(campaign, None, actor, "open", "", Campaign.Status.OPEN,
                _("共%(n)s个党支部") % {"n": len(branches)})
    return campaign


@transaction.atomic
def campaign_draw_sample(*, actor, campaign: Campaign, seed: int | None = None) -> list[Assessment]:
    """工委抽验: draw the sample among the approved assessments, reproducibly:
    the stored seed (or the one given, or a new random one) drives
    `rules.draw_sample`; every 示范 candidate (review grade 示范) is in it."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    require(can_manage(actor, campaign), _("只有组织部或发起验收的党委可以抽取抽验对象。"))
    if campaign.status != Campaign.Status.OPEN:
        raise ValidationError(_("公示开始后不能再抽样。"))
    if campaign.sample_drawn_at is not None:
        raise ValidationError(_("本次验收已经抽样，不能重抽（种子%(seed)s）。") % {"seed": campaign.sample_seed})
    approved = list(campaign.assessments.filter(status=Status.APPROVED).select_related("branch"))
    if not approved:
        raise ValidationError(_("还没有审核通过的党支部，无法抽样。"))
    if seed is not None:
        campaign.sample_seed = seed
    elif campaign.sample_seed is None:
        campaign.sample_seed = secrets.randbits(48)
    candidates = [a.branch_id for a in approved if (a.review_result or {}).get("grade") == engine.DEMONSTRATION]
    chosen = set(rules.draw_sample([a.branch_id for a in approved], candidates, campaign.sample_ratio,
                                   campaign.sample_seed))
    sample = [a for a in approved if a.branch_id in chosen]
    for a in sample:
        a.sampled = True
        _save(a, "sampled")
    campaign.sample_drawn_at = timezone.now()
    campaign.save(update_fields=["sample_seed", "sample_drawn_at", "updated_at"])
    _transition(
        campaign, None, actor, "draw_sample", campaign.status, campaign.status,
        _("种子%(seed)s，从%(n)s个审核通过的党支部中抽取%(k)s个（含示范候选%(c)s个）")
        % {"seed": campaign.sample_seed, "n": len(approved), "k": len(sample), "c": len(candidates)},
    )
    return sample


def _pending(campaign: Campaign):
    return campaign.assessments.filter(status=Status.SUBMITTED) | campaign.assessments.filter(
        status=Status.APPROVED, sampled=True
    )


def _final(campaign: Campaign, a: Assessment) -> tuple[Decimal | None, str]:
    if a.status in Assessment.EDITABLE or a.self_total is None:
        return None, engine.FAIL  # no self-assessment submitted: 未达标
    last = a.verify_result or a.review_result or a.self_result
    return rules.final_score(
        mode=campaign.score_mode,
        self_total=a.self_total,
        superior_total=a.superior_total,
        self_weight=campaign.self_weight,
        thresholds=campaign.thresholds(),
        vetoed=bool(last and last.get("vetoed")),
    )


@transaction.atomic
def campaign_publish(*, actor, campaign: Campaign, on: date | None = None) -> Campaign:
    """公示: the grade list is published for `publicity_days` working days."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    require(can_manage(actor, campaign), _("只有组织部或发起验收的党委可以发布公示。"))
    if campaign.status != Campaign.Status.OPEN:
        raise ValidationError(_("本次验收已经公示。"))
    if campaign.sample_ratio > 0 and campaign.sample_drawn_at is None:
        raise ValidationError(_("请先抽取抽验对象并完成抽验，再发布公示。"))
    pending = _pending(campaign).count()
    if pending:
        raise ValidationError(_("还有%(n)s个党支部待审核或待抽验，完成后才能公示。") % {"n": pending})
    on = on or today()
    for a in campaign.assessments.select_related("branch"):
        a.final_total, a.grade = _final(campaign, a)
        _save(a, "final_total", "grade")
    before = campaign.status
    campaign.status = Campaign.Status.PUBLICITY
    campaign.publicity_start = on
    campaign.publicity_end = rules.add_working_days(on, campaign.publicity_days)
    campaign.save(update_fields=["status", "publicity_start", "publicity_end", "updated_at"])
    _transition(
        campaign, None, actor, "publish", before, campaign.status,
        _("公示期%(start)s至%(end)s（%(n)s个工作日）")
        % {"start": on.isoformat(), "end": campaign.publicity_end.isoformat(), "n": campaign.publicity_days},
    )
    return campaign


@transaction.atomic
def objection_record(*, actor, assessment: Assessment, content: str, raised_by: str = "", handling: str = "") -> Objection:
    a = _lock(assessment)
    require(can_manage(actor, a.campaign) or can_review(actor, a), _("只有组织部或上级党委可以登记公示异议。"))
    if a.campaign.status != Campaign.Status.PUBLICITY:
        raise ValidationError(_("只有公示期间可以登记异议。"))
    if not (content or "").strip():
        raise ValidationError({"content": _("请填写异议内容。")})
    objection = Objection(assessment=a, content=content.strip(), raised_by=raised_by, handling=handling, recorded_by=actor)
    objection.full_clean()
    objection.save()
    _transition(a.campaign, a, actor, "objection", a.status, a.status, content.strip())
    return objection


@dataclass
class FinaliseResult:
    campaign: Campaign
    demonstration: list[Assessment] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@transaction.atomic
def campaign_finalise(*, actor, campaign: Campaign, on: date | None = None) -> FinaliseResult:
    """评定: final grades by the campaign's mode after the 公示 period; 示范
    named. Returns a warning (not an error) when 示范 are below the
    recommended share of the branches."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    require(can_manage(actor, campaign), _("只有组织部或发起验收的党委可以评定等次。"))
    if campaign.status != Campaign.Status.PUBLICITY:
        raise ValidationError(_("公示之后才能评定。"))
    on = on or today()
    if on <= campaign.publicity_end:
        raise ValidationError(_("公示期至%(end)s，期满后才能评定。") % {"end": campaign.publicity_end.isoformat()})
    out = FinaliseResult(campaign)
    assessments = list(campaign.assessments.select_related("branch"))
    for a in assessments:
        before = a.status
        a.final_total, a.grade = _final(campaign, a)
        a.status = Status.FINALISED
        _save(a, "final_total", "grade", "status")
        _transition(campaign, a, actor, "finalise", before, a.status, a.get_grade_display())
        if a.grade == engine.DEMONSTRATION:
            out.demonstration.append(a)
    campaign.status = Campaign.Status.FINALISED
    campaign.finalised_at = timezone.now()
    campaign.save(update_fields=["status", "finalised_at", "updated_at"])
    warning = demonstration_warning(campaign, len(out.demonstration), len(assessments))
    if warning:
        out.warnings.append(warning)
    _transition(campaign, None, actor, "finalise", Campaign.Status.PUBLICITY, campaign.status,
                "；".join([_("示范%(n)s个") % {"n": len(out.demonstration)}, *out.warnings]))
    return out


# ---------------------------------------------------------------- the branch: 自评


@transaction.atomic
def assessment_self_save(
    *,
    actor,
    assessment: Assessment,
    manual: Mapping[str, object] | None = None,
    self_report: str | None = None,
    approval_meeting=None,
    version: int | None = None,
) -> Assessment:
    """The branch saves its draft: manual and bonus items, the self-report, the 支委会."""
    a = _lock(assessment, version)
    require(is_branch_officer(actor, a), _("只有本支部的书记或委员可以填写自评。"))
    _check_status(a, Assessment.EDITABLE, _("修改自评"))
    _save_scores(a, Stage.SELF, actor, manual=manual)
    fields = []
    if self_report is not None:
        a.self_report = self_report
        fields.append("self_report")
    if approval_meeting is not None:
        _check_meeting(a, approval_meeting)
        a.approval_meeting = approval_meeting
        fields.append("approval_meeting")
    _save(a, *fields)
    return a


def _check_meeting(a: Assessment, meeting) -> None:
    # a branch without a committee (fewer than 7 正式党员) approves at its 支部党员大会
    if meeting.branch_id != a.branch_id or meeting.kind not in (Meeting.Kind.COMMITTEE, Meeting.Kind.BRANCH_ASSEMBLY):
        raise ValidationError({"approval_meeting": _("请选择本支部召开的支委会（未设支委会的为支部党员大会）。")})


@transaction.atomic
def evidence_add(*, actor, assessment: Assessment, file, item_code: str = "") -> Evidence:
    """A photo, scan or PDF for a manual item (blank: for the self-report)."""
    a = _lock(assessment)
    require(is_branch_officer(actor, a), _("只有本支部的书记或委员可以上传佐证材料。"))
    _check_status(a, Assessment.EDITABLE, _("上传佐证材料"))
    card = card_of(a)
    codes = {i.code for i in card.items if i.method == engine.MANUAL} | {b.code for b in card.bonus}
    if item_code and item_code not in codes:
        raise ValidationError({"item_code": _("佐证材料只能附在人工评分项或加分项上。")})
    _ext, ctype = validate_upload(file, allowed=EVIDENCE_TYPES, max_bytes=EVIDENCE_MAX_BYTES)
    evidence = Evidence(
        assessment=a,
        item_code=item_code,
        original_name=(getattr(file, "name", "") or "")[-200:],
        content_type=ctype,
        size=file.size,
        uploaded_by=actor,
    )
    evidence.file.save(file.name, file, save=False)
    evidence.save()
    return evidence


@transaction.atomic
def assessment_submit(
    *,
    actor,
    assessment: Assessment,
    manual: Mapping[str, object] | None = None,
    self_report: str | None = None,
    approval_meeting=None,
    comment: str = "",
    version: int | None = None,
) -> Assessment:
    """支部自评 submitted upward: the auto items are computed from the records and
    the facts behind them FROZEN with the submission; the self score = auto +
    the branch's manual items. Needs the self-report, the approving 支委会 and
    evidence for every manual item claimed."""
    a = _lock(assessment, version)
    require(is_branch_officer(actor, a), _("只有本支部的书记或委员可以提交自评。"))
    _check_status(a, Assessment.EDITABLE, _("提交自评"))
    _save_scores(a, Stage.SELF, actor, manual=manual)
    if self_report is not None:
        a.self_report = self_report
    if approval_meeting is not None:
        _check_meeting(a, approval_meeting)
        a.approval_meeting = approval_meeting
    errors: dict[str, list[str]] = {}
    if not a.self_report.strip():
        errors["self_report"] = [_("请填写自评报告。")]
    if a.approval_meeting_id is None:
        errors["approval_meeting"] = [_("请选择审议通过自评的支委会。")]
    inputs = stage_inputs(a, Stage.SELF)
    with_evidence = set(a.evidence.values_list("item_code", flat=True))
    card = card_of(a)
    names = {i.code: i.name for i in card.items} | {b.code: b.name for b in card.bonus}
    lacking = [c for c, v in {**inputs["manual"], **inputs["bonus"]}.items() if v > 0 and c not in with_evidence]
    if lacking:
        errors["evidence"] = [
            _("%(code)s %(name)s须上传佐证材料。") % {"code": c, "name": names[c]} for c in sorted(lacking)
        ]
    if errors:
        raise ValidationError(errors)
    facts = fresh_facts(a)
    _freeze(a, facts)
    _score_stage(a, Stage.SELF, facts)
    before = a.status
    a.status = Status.SUBMITTED
    a.submitted_at = timezone.now()
    a.review_result, a.review_total = None, None
    _save(a, "self_report", "approval_meeting", "frozen_facts", "facts_hash", "frozen_at", "self_result",
          "self_total", "status", "submitted_at", "review_result", "review_total")
    _transition(a.campaign, a, actor, "submit", before, a.status, comment)
    return a


# ---------------------------------------------------------------- superiors: 审核, 抽验


def _superior_stage(actor, a: Assessment) -> str:
    """The stage a superior scores now: 审核 while submitted, 抽验 once sampled."""
    if a.status == Status.SUBMITTED:
        require(can_review(actor, a), _("只有上级党委可以审核该支部的自评。"))
        return Stage.REVIEW
    if a.status == Status.APPROVED and a.sampled:
        require(can_verify(actor, a), _("只有分配到本次验收的验收组成员可以抽验。"))
        return Stage.VERIFY
    require(can_review(actor, a) or can_verify(actor, a))
    raise ValidationError(
        _("%(branch)s的验收当前为“%(status)s”，不能评分。") % {"branch": a.branch.name, "status": a.get_status_display()}
    )


@transaction.atomic
def assessment_score(
    *,
    actor,
    assessment: Assessment,
    manual: Mapping[str, object] | None = None,
    overrides: Mapping[str, Override | tuple] | None = None,
    vetoes: Mapping[str, str] | None = None,
    satisfaction: Decimal | None = None,
    version: int | None = None,
) -> Assessment:
    """A reviewer (or a sampled branch's verifier) scores without deciding yet;
    every override is also a transition, its reason the comment."""
    a = _lock(assessment, version)
    stage = _superior_stage(actor, a)
    _apply_superior(a, stage, actor, manual=manual, overrides=overrides, vetoes=vetoes, satisfaction=satisfaction)
    return a


def _apply_superior(a, stage, actor, *, manual=None, overrides=None, vetoes=None, satisfaction=None) -> None:
    _save_scores(a, stage, actor, manual=manual, overrides=overrides, vetoes=vetoes)
    for code, given in (overrides or {}).items():
        value, reason = (given.value, given.reason) if isinstance(given, Override) else given
        _transition(a.campaign, a, actor, "override", a.status, a.status,
                    _("%(code)s改判为%(value)s分：%(reason)s") % {"code": code, "value": engine.q(value),
                                                               "reason": reason.strip()})
    fields = []
    if satisfaction is not None:
        a.satisfaction = Decimal(str(satisfaction))
        fields.append("satisfaction")
    _score_stage(a, stage, frozen_facts(a))
    result_field, total_field = RESULT_FIELDS[stage]
    a.full_clean(exclude=["approval_meeting", "branch", "campaign", "scorecard"])
    _save(a, result_field, total_field, *fields)


@transaction.atomic
def assessment_override(
    *, actor, assessment: Assessment, code: str, value, reason: str, version: int | None = None
) -> Assessment:
    """Override one auto item (审核 or 抽验) — only with a written reason, audited."""
    return assessment_score(actor=actor, assessment=assessment, overrides={code: (value, reason)}, version=version)


@transaction.atomic
def assessment_return(*, actor, assessment: Assessment, comment: str, version: int | None = None) -> Assessment:
    """党委审核 returns the self-assessment with comments; it keeps its history and can be resubmitted."""
    a = _lock(assessment, version)
    require(can_review(actor, a), _("只有上级党委可以退回该支部的自评。"))
    _check_status(a, (Status.SUBMITTED,), _("退回"))
    if not (comment or "").strip():
        raise ValidationError({"comment": _("退回须写明意见。")})
    before = a.status
    a.status = Status.RETURNED
    _save(a, "status")
    _transition(a.campaign, a, actor, "return", before, a.status, comment.strip())
    return a


@transaction.atomic
def assessment_approve(
    *,
    actor,
    assessment: Assessment,
    manual: Mapping[str, object] | None = None,
    overrides: Mapping[str, Override | tuple] | None = None,
    vetoes: Mapping[str, str] | None = None,
    satisfaction: Decimal | None = None,
    comment: str = "",
    version: int | None = None,
) -> Assessment:
    """党委审核 approves: the review score is computed from the FROZEN facts
    with the reviewer's manual values (the branch's where the reviewer gave none)."""
    a = _lock(assessment, version)
    require(can_review(actor, a), _("只有上级党委可以审核该支部的自评。"))
    _check_status(a, (Status.SUBMITTED,), _("审核"))
    _apply_superior(a, Stage.REVIEW, actor, manual=manual, overrides=overrides, vetoes=vetoes,
                    satisfaction=satisfaction)
    before = a.status
    a.status = Status.APPROVED
    _save(a, "status")
    _transition(a.campaign, a, actor, "approve", before, a.status, comment)
    return a


@transaction.atomic
def assessment_verify(
    *,
    actor,
    assessment: Assessment,
    manual: Mapping[str, object] | None = None,
    overrides: Mapping[str, Override | tuple] | None = None,
    vetoes: Mapping[str, str] | None = None,
    comment: str = "",
    version: int | None = None,
) -> Assessment:
    """工委抽验: the verifier's score replaces the review score; a 弄虚作假
    finding is a manual veto with its reason."""
    a = _lock(assessment, version)
    require(can_verify(actor, a), _("只有分配到本次验收的验收组成员可以抽验。"))
    if not (a.status == Status.APPROVED and a.sampled):
        raise ValidationError(_("该支部不是待抽验的对象。"))
    _apply_superior(a, Stage.VERIFY, actor, manual=manual, overrides=overrides, vetoes=vetoes)
    before = a.status
    a.status = Status.VERIFIED
    _save(a, "status")
    _transition(a.campaign, a, actor, "verify", before, a.status, comment)
    return a


@transaction.atomic
def assessment_rescore(*, actor, assessment: Assessment, comment: str = "", version: int | None = None) -> Assessment:
    """Re-score from the records as they stand now, with one click: the facts are
    frozen afresh, the superior stage's score is recomputed, the branch's
    submitted self score stays as submitted; recorded with the items that changed."""
    a = _lock(assessment, version)
    require(can_review(actor, a) or can_verify(actor, a) or can_manage(actor, a.campaign),
            _("只有审核、抽验人员可以重新计分。"))
    _check_status(a, (Status.SUBMITTED, Status.APPROVED, Status.VERIFIED), _("重新计分"))
    changes = assessment_drift(a)
    facts = fresh_facts(a)
    _freeze(a, facts)
    stage = Stage.VERIFY if a.verify_result is not None else Stage.REVIEW
    _score_stage(a, stage, facts)
    result_field, total_field = RESULT_FIELDS[stage]
    _save(a, "frozen_facts", "facts_hash", "frozen_at", result_field, total_field)
    summary = "；".join(f"{d.code} {d.frozen}→{d.fresh}" for d in changes.items) or _("记录无变化")
    _transition(a.campaign, a, actor, "rescore", a.status, a.status, "；".join(filter(None, [summary, comment])))
    return a


# ---------------------------------------------------------------- 整改 and 复检


@transaction.atomic
def rectification_plan_create(
    *, actor, assessment: Assessment, items: list[str], owner: str, due_date: date, guide
) -> RectificationPlan:
    a = _lock(assessment)
    require(can_rectify(actor, a), _("只有上级党委或组织部可以制定整改方案。"))
    if a.grade != engine.FAIL or a.status not in (Status.FINALISED, Status.RECTIFYING):
        raise ValidationError(_("只有评定为未达标的党支部需要整改。"))
    items = [i.strip() for i in items or () if i and i.strip()]
    if not items:
        raise ValidationError({"items": _("请至少列出一项整改事项。")})
    plan = RectificationPlan(assessment=a, items=items, owner=owner, due_date=due_date, guide=guide, created_by=actor)
    plan.full_clean()
    plan.save()
    before = a.status
    a.status = Status.RECTIFYING
    _save(a, "status")
    _transition(a.campaign, a, actor, "rectify", before, a.status,
                _("整改期限%(due)s，指导员%(guide)s") % {"due": due_date.isoformat(), "guide": guide.get_full_name()
                                                          or guide.get_username()})
    return plan


@transaction.atomic
def assessment_reinspect(
    *,
    actor,
    assessment: Assessment,
    manual: Mapping[str, object] | None = None,
    overrides: Mapping[str, Override | tuple] | None = None,
    vetoes: Mapping[str, str] | None = None,
    note: str = "",
) -> Reinspection:
    """复检: re-score the branch from its records as they stand now (after the
    整改). A passing 复检 lifts 未达标 to 达标 — a rectified branch is rated
    达标, not higher; a failing one stays 未达标. Recorded either way."""
    a = _lock(assessment)
    require(can_rectify(actor, a), _("只有上级党委或组织部可以复检。"))
    _check_status(a, (Status.RECTIFYING,), _("复检"))
    _save_scores(a, Stage.REINSPECT, actor, manual=manual, overrides=overrides, vetoes=vetoes)
    result = _score_stage(a, Stage.REINSPECT, fresh_facts(a))
    before_grade = a.grade
    after = engine.FAIL if result.grade == engine.FAIL else engine.PASS
    reinspection = Reinspection.objects.create(
        assessment=a,
        plan=a.rectification_plans.first(),
        total=result.total,
        grade_before=before_grade,
        grade_after=after,
        note=note,
        inspected_by=actor,
    )
    before = a.status
    a.grade = after
    a.status = Status.REINSPECTED
    _save(a, "reinspect_result", "grade", "status")
    _transition(a.campaign, a, actor, "reinspect", before, a.status,
                _("复检%(total)s分，%(before)s→%(after)s") % {
                    "total": result.total,
                    "before": Assessment.Grade(before_grade).label,
                    "after": Assessment.Grade(after).label,
                })
    return reinspection


# ---------------------------------------------------------------- batch re-scoring


def campaign_rescore_drafts(*, campaign: Campaign, batch: int = 500, progress=None) -> int:
    """Re-score the auto items of every assessment not yet submitted (自评中, 已退回)
    from today's records, as the preview the branch's form shows. Submitted
    assessments are never touched: their facts are frozen. Per batch the
    queries are fixed: the facts (`scoring_facts`), the stored values, one
    bulk update. Returns how many were scored. A system task (the command),
    not a user's action: no actor, no transition."""
    drafts = list(
        campaign.assessments.filter(status__in=Assessment.EDITABLE)
        .select_related("branch", "scorecard", "campaign")
        .order_by("branch__path")
    )
    cards: dict[int, engine.Card] = {}
    thresholds = campaign.thresholds()
    done = 0
    for start in range(0, len(drafts), batch):
        chunk = drafts[start : start + batch]
        facts = scoring_facts([a.branch for a in chunk], campaign.year)
        rows: dict[int, list[ItemScore]] = {}
        for row in ItemScore.objects.filter(assessment__in=chunk, stage=Stage.SELF):
            rows.setdefault(row.assessment_id, []).append(row)
        for a in chunk:
            if a.scorecard_id not in cards:  # parsed once per template, not once per branch
                cards[a.scorecard_id] = a.scorecard.card()
            card = cards[a.scorecard_id]
            result = engine.score(card, facts[a.branch_id], thresholds=thresholds,
                                  **stage_inputs(a, Stage.SELF, rows.get(a.pk, []), card=card))
            a.self_result, a.self_total = result_json(result), result.total
            a.version += 1
        with transaction.atomic():
            Assessment.objects.bulk_update(chunk, ["self_result", "self_total", "version"])
        done += len(chunk)
        if progress:
            progress(len(chunk))
    return done

