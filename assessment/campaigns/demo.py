"""seed_demo's campaign step: the previous year's 年度达标验收, built through the
services, so that every stage and all four grades can be seen with the demo
logins:

- 城关镇党委 (dw2): finished — 公示 done, grades 示范/先进/达标/未达标 (its 抽验 entered by
  the administrator: ysz is granted dw1 only), one
  弄虚作假 found in 抽验 awaiting its 复检, one branch rectified and lifted;
- 市国资委机关党委 (dw1): running — a draft (sj1/zw1), a submitted one waiting
  for dw1 (its records changed after submission), a returned one, a sampled
  one waiting for ysz, a verified one.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from meetings.models import Meeting
from meetings.services import meeting_record

from .. import engine
from ..models import Assessment
from . import services, stages
from .selectors import assessment_drift

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
FULL = {"E1": Decimal("4"), "E2": Decimal("2"), "E3": Decimal("2")}
PARTLY = {"E1": Decimal("3"), "E2": Decimal("1"), "E3": Decimal("1")}


def _photo(code: str):
    return SimpleUploadedFile(f"{code}.png", PNG, content_type="image/png")


def _submit(a: Assessment, actor, manual: dict, report: str) -> Assessment:
    for code, value in manual.items():
        if value:
            services.evidence_add(actor=actor, assessment=a, file=_photo(code), item_code=code)
    meeting = (
        Meeting.objects.filter(branch=a.branch, kind__in=(Meeting.Kind.COMMITTEE, Meeting.Kind.BRANCH_ASSEMBLY))
        .order_by("-date")
        .first()
    )
    return services.assessment_submit(actor=actor, assessment=a, manual=manual, self_report=report,
                                      approval_meeting=meeting)


def _secretary(ctx, a: Assessment, superuser):
    """The branch's demo 书记 where there is one (sj1, sj2), else the system administrator acting for it."""
    for login in ("sj1", "sj2"):
        if ctx.anchors.get(login) and ctx.anchors[login].pk == a.branch_id:
            return ctx.users[login]
    return superuser


def seed(ctx) -> None:
    if getattr(getattr(ctx, "scale", None), "name", "demo") != "demo":
        return
    users = ctx.users
    if not {"zzb", "dw1", "dw2", "ysz", "admin"} <= set(users) or not {"dw1", "dw2"} <= set(ctx.anchors):
        return
    year = ctx.today.year - 1
    admin = users["admin"]
    finished(ctx, year, admin)
    running(ctx, year, admin)


def finished(ctx, year: int, admin) -> None:
    users, unit = ctx.users, ctx.anchors["dw2"]
    campaign = services.campaign_open(
        actor=users["zzb"], org_unit=unit, name=f"{unit.name}{year}年度党支部标准化规范化建设达标验收", year=year,
        inspectors=[admin],
    )
    assessments = list(campaign.assessments.select_related("branch").order_by("branch__path"))
    # the branch with the best records claims full marks and a commendation; the others rate themselves partly
    previews = {a.pk: stages.fresh_facts(a) for a in assessments}
    ranked = sorted(assessments, key=lambda a: -engine.score(a.scorecard.card(), previews[a.pk]).total)
    best, worst = ranked[0], ranked[-1]
    for a in assessments:
        manual = {**FULL, "X1": Decimal("3")} if a == best else PARTLY
        _submit(a, _secretary(ctx, a, admin), manual, "本年度按《支部工作条例》开展组织生活，台账齐全。")
    lifted = ranked[-2]
    for a in campaign.assessments.all():
        vetoes = {"V1": "支委会成员受党内严重警告处分"} if a.pk == lifted.pk else None
        services.assessment_approve(actor=users["dw2"], assessment=a, vetoes=vetoes, satisfaction=Decimal("95"),
                                    comment="同意")
    services.campaign_draw_sample(actor=users["zzb"], campaign=campaign, seed=year * 1000 + 1)
    worst = Assessment.objects.get(pk=worst.pk)
    if not worst.sampled:  # the branch found out in 抽验 is in the sample in this demo
        worst.sampled = True
        worst.save(update_fields=["sampled"])
    for a in campaign.assessments.filter(sampled=True):
        vetoes = {"V2": "会议记录系验收前集中补写"} if a.pk == worst.pk else None
        # ysz is granted dw1's subtree only: last year's 抽验 here is on the record as entered by the administrator
        services.assessment_verify(actor=admin, assessment=a, vetoes=vetoes, comment="验收组抽验完成")
    start = ctx.today - timedelta(days=40)
    services.campaign_publish(actor=users["zzb"], campaign=campaign, on=start)
    services.objection_record(actor=users["dw2"], assessment=Assessment.objects.get(pk=worst.pk),
                              content="群众反映该支部部分会议记录为事后补写", raised_by="匿名来信",
                              handling="已转抽验组核实，属实")
    services.campaign_finalise(actor=users["zzb"], campaign=campaign, on=start + timedelta(days=14))
    for a in (Assessment.objects.get(pk=worst.pk), Assessment.objects.get(pk=lifted.pk)):
        services.rectification_plan_create(
            actor=users["dw2"], assessment=a, items=["重新梳理全年会议记录，如实记载", "书记向党委作出书面说明"],
            owner="支部书记", due_date=ctx.today + timedelta(days=30), guide=users["dw2"],
        )
    services.assessment_reinspect(actor=users["dw2"], assessment=Assessment.objects.get(pk=lifted.pk),
                                  note="处分影响已消除，整改到位")


def running(ctx, year: int, admin) -> None:
    users, unit = ctx.users, ctx.anchors["dw1"]
    campaign = services.campaign_open(
        actor=users["zzb"], org_unit=unit, name=f"{unit.name}{year}年度党支部标准化规范化建设达标验收", year=year,
        inspectors=[users["ysz"]], self_due=ctx.today + timedelta(days=14), review_due=ctx.today + timedelta(days=30),
        verification_due=ctx.today + timedelta(days=45),
    )
    assessments = list(campaign.assessments.select_related("branch").order_by("branch__path"))
    sj1_branch = ctx.anchors.get("sj1")
    draft = next((a for a in assessments if sj1_branch and a.branch_id == sj1_branch.pk), assessments[0])
    others = [a for a in assessments if a.pk != draft.pk]
    services.assessment_self_save(actor=users["sj1"] if sj1_branch else admin, assessment=draft,
                                  manual={"E1": Decimal("4")}, self_report="（草稿）")
    if len(others) < 4:
        return
    submitted, returned, verify_waiting, verified = others[:4]
    for a in (submitted, returned, verify_waiting, verified):
        _submit(a, admin, FULL, "全年组织生活正常开展，阵地建设达标。")
    services.assessment_return(actor=users["dw1"], assessment=returned, comment="E1活动室照片不清晰，请补充后重新提交。")
    for a in (verify_waiting, verified):
        services.assessment_approve(actor=users["dw1"], assessment=a, satisfaction=Decimal("97.5"), comment="同意")
    services.campaign_draw_sample(actor=users["zzb"], campaign=campaign, seed=year * 1000 + 2)
    for a in (verify_waiting, verified):
        a.refresh_from_db()
        if not a.sampled:
            a.sampled = True
            a.save(update_fields=["sampled"])
    services.assessment_verify(actor=users["ysz"], assessment=verified, manual={"E2": Decimal("1")},
                               comment="宣传栏内容未及时更新")
    # a record of the year added after the submission: dw1 sees the difference and can re-score
    backfill(submitted, admin)


def backfill(assessment, user, *, tries: int = 5) -> None:
    """Log meetings the branch had missed in the year (as a branch tidying its 台账
    after submitting), one at a time, until its records differ from the frozen ones."""
    cells = [c for c in stages.fresh_facts(assessment).cells
             if c.status == "missing" and c.requirement in ("committee", "theme_day", "branch_assembly")]
    for cell in cells[:tries]:
        day = cell.end - timedelta(days=3)
        meeting_record(branch=assessment.branch, kinds=[cell.requirement],
                       held_at=timezone.make_aware(datetime.combine(day, time(15))),
                       topic="（提交自评后补录）会议记录", actor=user)
        if assessment_drift(assessment).changed:
            return
