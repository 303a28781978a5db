"""Words and links for scores, made where they are shown (in the reader's
language): the engine and the snapshots hold codes, params and record
references only; this module turns them into sentences such as
"2025年第三季度未召开支部党员大会 −1.5" and into URLs of the records behind them.

Everything here reads the JSON form of a score (`services.snapshot_values`),
so a stored snapshot and a live score are explained the same way.
"""

from __future__ import annotations

from decimal import Decimal

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

REQUIREMENTS = {
    "branch_assembly": gettext_lazy("支部党员大会"),
    "committee": gettext_lazy("支委会"),
    "group": gettext_lazy("党小组会"),
    "lecture": gettext_lazy("党课"),
    "secretary_lecture": gettext_lazy("书记讲党课"),
    "theme_day": gettext_lazy("主题党日"),
    "life_meeting": gettext_lazy("组织生活会"),
    "evaluation": gettext_lazy("民主评议党员"),
    "talk": gettext_lazy("谈心谈话"),
    "member_report": gettext_lazy("党员向支部汇报"),
}
ROLES = {
    "organization": gettext_lazy("组织委员"),
    "propaganda": gettext_lazy("宣传委员"),
    "discipline": gettext_lazy("纪检委员"),
}
BOOKS = {
    "minutes": gettext_lazy("党支部会议记录本"),
    "group_minutes": gettext_lazy("党小组会议记录本"),
    "study_notes": gettext_lazy("党员学习笔记本"),
}
BOXES = {
    "organization": gettext_lazy("组织管理档案盒"),
    "members": gettext_lazy("党员管理档案盒"),
    "life": gettext_lazy("组织生活档案盒"),
    "education": gettext_lazy("集中教育档案盒"),
    "excellence": gettext_lazy("创先争优档案盒"),
    "mass_culture": gettext_lazy("群团文化档案盒"),
}
SIX_MONTH = {"dues": gettext_lazy("未交党费"), "attendance": gettext_lazy("未参加组织生活")}
RECORD_LABELS = {
    "meeting": gettext_lazy("会议记录"),
    "member": gettext_lazy("党员"),
    "transfer": gettext_lazy("介绍信"),
    "branch": gettext_lazy("支部信息"),
    "group": gettext_lazy("党小组"),
    "catalogue": gettext_lazy("档案目录"),
}
GRADES = {
    "demonstration": gettext_lazy("示范"),
    "advanced": gettext_lazy("先进"),
    "pass": gettext_lazy("达标"),
    "fail": gettext_lazy("未达标"),
}
QUARTERS = (gettext_lazy("第一季度"), gettext_lazy("第二季度"), gettext_lazy("第三季度"), gettext_lazy("第四季度"))


def points_text(points) -> str:
    """1.50 → "1.5", 3.00 → "3"."""
    value = Decimal(str(points)).normalize()
    return format(value.quantize(Decimal(1)) if value == value.to_integral() else value, "f")


def period_label(key: str) -> str:
    """ "2025-Q3" → 2025年第三季度, "2025-07" → 2025年7月, "2025-H1" → 2025年上半年, "2025" → 2025年."""
    year, _sep, rest = str(key).partition("-")
    if not rest:
        return _("%(y)s年") % {"y": year}
    if rest.startswith("Q"):
        return _("%(y)s年%(q)s") % {"y": year, "q": QUARTERS[int(rest[1:]) - 1]}
    if rest.startswith("H"):
        return _("%(y)s年%(h)s") % {"y": year, "h": _("上半年") if rest == "H1" else _("下半年")}
    return _("%(y)s年%(m)s月") % {"y": year, "m": int(rest)}


def requirement_label(code: str) -> str:
    return str(REQUIREMENTS.get(code, code))


def sentence(code: str, params: dict, names: dict | None = None) -> str:
    """The reason of a deduction or an open gap, in the reader's language
    (`names`: {(kind, id): name} of the records it mentions, when known)."""
    p = params or {}
    names = names or {}
    group = names.get(("group", p.get("group_id")), "")
    period = period_label(p["period"]) if p.get("period") else ""
    kind = requirement_label(p.get("requirement", ""))
    if code == "meeting_missing":
        if p.get("group_id"):
            return _("%(period)s党小组%(group)s未召开党小组会") % {"period": period, "group": group}
        return _("%(period)s未召开%(kind)s") % {"period": period, "kind": kind}
    if code == "meeting_due":
        if p.get("group_id"):
            return _("%(period)s党小组%(group)s尚未召开党小组会") % {"period": period, "group": group}
        return _("%(period)s尚未召开%(kind)s") % {"period": period, "kind": kind}
    if code == "secretary_lecture_missing":
        return _("%(period)s书记未讲党课") % {"period": period}
    if code == "secretary_lecture_due":
        return _("%(period)s书记尚未讲党课") % {"period": period}
    if code == "share_missing":
        return _("%(period)s%(kind)s完成%(done)s/%(required)s") % {
            "period": period,
            "kind": kind,
            "done": p.get("done"),
            "required": p.get("required"),
        }
    if code == "share_due":
        return _("%(period)s%(kind)s已完成%(done)s/%(required)s，尚未完成") % {
            "period": period,
            "kind": kind,
            "done": p.get("done"),
            "required": p.get("required"),
        }
    if code == "too_many_excellent":
        return _("民主评议优秀%(e)s名，超过参评%(r)s人的三分之一") % {"e": p.get("excellent"), "r": p.get("rated")}
    if code == "committee_missing":
        return _("正式党员%(n)s名，应设支部委员会而未设") % {"n": p.get("full_members")}
    if code == "committee_size":
        return _("支委会委员职数%(n)s名，不符合3至7名奇数的要求") % {"n": p.get("seats")}
    if code == "term_expired":
        return _("任期已于%(due)s届满，逾期%(d)s天未换届") % {"due": p.get("due_end"), "d": p.get("overdue_days")}
    if code == "vacancy":
        return _("委员缺额%(n)s名，自%(since)s起超过3个月未补选") % {"n": p.get("seats"), "since": p.get("since")}
    if code == "group_irregular":
        return _("党小组设置不规范（人数或组长不符合要求）")
    if code == "secretary_missing":
        return _("支部书记空缺")
    if code == "secretary_party_age":
        return _("书记党龄%(y)s年，不足%(min)s年") % {"y": p.get("party_years"), "min": p.get("minimum")}
    if code == "role_missing":
        return _("支委会未明确%(role)s") % {"role": ROLES.get(p.get("role"), p.get("role"))}
    if code == "study_short":
        return _("%(n)s名（共%(all)s名）学时不足") % {"n": p.get("short"), "all": p.get("members")}
    if code == "dues_unpaid":
        return _("%(m)s名党员共%(n)s个月党费未交足（应交%(all)s人·月）") % {
            "m": p.get("members"),
            "n": p.get("months"),
            "all": p.get("due_months"),
        }
    if code == "development_step":
        return _("发展党员第%(step)s步顺序错误或超过时限") % {"step": p.get("step")}
    if code == "transfer_overdue":
        return _("组织关系介绍信逾期未报到")
    if code == "transfer_receipt_late":
        return _("组织关系介绍信回执未按时退回")
    if code == "six_month_unhandled":
        return _("党员连续%(n)s个月%(rule)s，未按规定处置") % {
            "n": p.get("months"),
            "rule": SIX_MONTH.get(p.get("rule"), p.get("rule")),
        }
    if code == "book_missing":
        return _("%(book)s不全（应有%(e)s本，已登记%(p)s本）") % {
            "book": BOOKS.get(p.get("kind"), p.get("kind")),
            "e": p.get("expected"),
            "p": p.get("present"),
        }
    if code == "box_unbound":
        return _("%(box)s未在%(d)s前合订") % {
            "box": BOXES.get(p.get("box_kind"), p.get("box_kind")),
            "d": p.get("deadline"),
        }
    if code == "box_incomplete":
        return _("%(box)s目录缺少%(n)s类必备材料") % {
            "box": BOXES.get(p.get("box_kind"), p.get("box_kind")),
            "n": p.get("missing"),
        }
    if code == "dues_cards_incomplete":
        return _("%(n)s名党员的党费证不完整（共%(all)s名）") % {"n": p.get("incomplete"), "all": p.get("members")}
    if code == "term_overdue":
        return _("任期已于%(due)s届满，逾期%(d)s天（超过%(limit)s天）未换届") % {
            "due": p.get("due_end"),
            "d": p.get("overdue_days"),
            "limit": p.get("days"),
        }
    return code


def _url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def record_url(kind: str, pk: int, *, branch_id: int) -> str | None:
    """The page of a record a deduction names."""
    return {
        "meeting": lambda: _url("meeting_detail", pk),
        "member": lambda: _url("member_detail", pk),
        "transfer": lambda: _url("transfer_detail", pk),
        "branch": lambda: _url("org_unit", pk),
        "group": lambda: _url("org_unit", branch_id),
        "catalogue": lambda: _url("archive_catalogue", pk),
    }.get(kind, lambda: None)()


def calendar_cell_url(branch_id: int, year: int, params: dict) -> str | None:
    base = _url("meeting_calendar", branch_id, year)
    if base is None:
        return None
    subject = f"-{params['group_id']}" if params.get("group_id") else ""
    return f"{base}#cell-{params.get('requirement')}{subject}-{params.get('period')}"


def page_url(code: str, params: dict, *, branch_id: int, year: int) -> str | None:
    """The page where the thing behind a deduction is kept (the calendar cell, the
    dues grid, the shelf …)."""
    p = params or {}
    if p.get("requirement") and p.get("period"):
        return calendar_cell_url(branch_id, year, p)
    return {
        "study_short": lambda: _url("study_hours", branch_id, year),
        "dues_unpaid": lambda: _url("dues_grid", branch_id, year),
        "dues_cards_incomplete": lambda: _url("dues_grid", branch_id, year),
        "six_month_unhandled": lambda: _url("six_month", branch_id),
        "development_step": lambda: _url("development_branch", branch_id),
        "book_missing": lambda: _url("archive_books_register", branch_id, year),
        "box_incomplete": lambda: _url("archive_box", branch_id, year, p.get("box_kind")),
        "box_unbound": lambda: _url("archive_box", branch_id, year, p.get("box_kind")),
    }.get(code, lambda: None)()


MAX_RECORD_LINKS = 8


def links(entry: dict, *, branch_id: int, year: int, names: dict | None = None) -> list[dict]:
    """[{label, url}] for a deduction or gap: the page behind it, then each record
    (the first few; the page shows them all)."""
    names = names or {}
    out = []
    page = page_url(entry["code"], entry.get("params") or {}, branch_id=branch_id, year=year)
    if page:
        out.append({"label": _("查看"), "url": page})
    for r in list(entry.get("records") or ())[:MAX_RECORD_LINKS]:
        url = record_url(r["kind"], r["id"], branch_id=branch_id)
        if url and url != page:
            label = names.get((r["kind"], r["id"])) or str(RECORD_LABELS.get(r["kind"], r["kind"]))
            out.append({"label": label, "url": url})
    return out


def explained(values: dict, *, branch_id: int, year: int, names: dict | None = None) -> dict:
    """A score in its JSON form with every deduction, gap and veto given its
    sentence (`reason`) and links (`links`), for the page and the API."""
    items = []
    for item in values["items"]:
        deductions = [
            {
                **d,
                "reason": sentence(d["code"], d.get("params") or {}, names),
                "links": links(d, branch_id=branch_id, year=year, names=names),
            }
            for d in item["deductions"]
        ]
        items.append({**item, "deductions": deductions})
    gaps = [
        {
            **g,
            "reason": sentence(g["code"], g.get("params") or {}, names),
            "links": links(g, branch_id=branch_id, year=year, names=names),
        }
        for g in values["open_gaps"]
    ]
    vetoes = [
        {
            **v,
            "reason": sentence(v["reason_code"], v.get("params") or {}) if v.get("reason_code") else v["name"],
            "links": links({**v, "code": v.get("reason_code", "")}, branch_id=branch_id, year=year),
        }
        for v in values.get("vetoes", ())
    ]
    return {
        **values,
        "items": items,
        "open_gaps": gaps,
        "vetoes": vetoes,
        "grade_label": str(GRADES.get(values["grade"], values["grade"])),
    }
