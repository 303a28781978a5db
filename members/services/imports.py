"""Excel imports of the roster and the dues ledger: all or nothing.

Every row goes through the same code a form's service runs (`member_create`,
`dues_month_record`, whose permission check is made once for the branch)
inside one transaction, each row in its own savepoint so
that every error is found; if any row fails the whole transaction is rolled
back and nothing is written except the `ImportRun` with its error report."""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from branches.models import OrgUnit, PartyGroup

from .. import conf, excel, idnumbers
from ..models import DuesMonth, ImportRun, Member
from . import access, roster
from .dues import rate_rows, record_month
from .roster import MEMBER_FIELDS


class _Rollback(Exception):
    pass


def _service_errors(row: excel.Row, exc: ValidationError, sheet: excel.Sheet, columns) -> list[excel.CellError]:
    """A service's field errors placed on the cells of the row they are about."""
    headers = {c.key: c.header for c in columns}
    aliases = {"fixed_amount": "fixed_amount", "month": "month", "member": "name"}
    out = []
    items = exc.message_dict.items() if hasattr(exc, "error_dict") else [("__all__", exc.messages)]
    for field, messages in items:
        key = aliases.get(field, field)
        col = sheet.columns.get(key)
        for message in messages:
            out.append(excel.CellError(row.number, headers.get(key, "") if col else "", message, col))
    return out


def _duplicates(sheet: excel.Sheet, columns, key_of, column_key: str, message: str) -> list[excel.CellError]:
    """Rows repeating an earlier row's key (exact copies are reported as such)."""
    seen: dict = {}
    copies: dict = {}
    out = []
    col = sheet.columns.get(column_key)
    header = next((c.header for c in columns if c.key == column_key), "")
    for row in sheet.rows:
        raw = tuple(str(v).strip() if v is not None else "" for v in row.raw)
        if raw in copies:
            out.append(excel.CellError(row.number, "", _("与第%(n)s行完全相同。") % {"n": copies[raw]}, 1))
            continue
        copies[raw] = row.number
        key = key_of(row)
        if key is None:
            continue
        if key in seen:
            out.append(excel.CellError(row.number, header, message % {"n": seen[key]}, col))
        else:
            seen[key] = row.number
    return out


def _roster_rows(branch: OrgUnit, sheet: excel.Sheet, by, errors: list) -> int:
    groups = {g.name: g for g in PartyGroup.objects.filter(branch=branch)}
    columns = excel.ROSTER_COLUMNS
    errors += _duplicates(
        sheet, columns, lambda r: r.values.get("id_number"), "id_number", _("身份证号与第%(n)s行重复。")
    )
    bad_rows = {e.row for e in errors}
    created = 0
    for row in sheet.rows:
        values = dict(row.values)
        other_branch = values.pop("__branch__", None)
        if other_branch not in (None, "") and str(other_branch).strip() != branch.name:
            errors.append(
                excel.CellError(
                    row.number,
                    excel.BRANCH_COLUMN,
                    _("该行属于“%(b)s”，不是本支部。") % {"b": other_branch},
                    sheet.columns.get("__branch__"),
                )
            )
            continue
        group_name = values.pop("party_group", None)
        if group_name:
            values["party_group"] = groups.get(group_name)
            if values["party_group"] is None:
                errors.append(
                    excel.CellError(
                        row.number,
                        "党小组",
                        _("本支部没有名为“%(g)s”的党小组。") % {"g": group_name},
                        sheet.columns.get("party_group"),
                    )
                )
                continue
        if row.errors or row.number in bad_rows:
            continue
        status = values.pop("status")
        id_number = values.pop("id_number", None)
        data = {k: ("" if v is None and k in TEXT_KEYS else v) for k, v in values.items()}
        data["ethnicity"] = data.get("ethnicity") or "汉族"
        data["is_mobile"] = bool(data.get("is_mobile"))
        try:
            with transaction.atomic():
                roster.create(by=by, status=status, id_number=id_number, branch=branch, **data)
            created += 1
        except ValidationError as exc:
            errors += _service_errors(row, exc, sheet, columns)
    return created


TEXT_KEYS = {
    c.key
    for c in excel.ROSTER_COLUMNS
    if c.key in MEMBER_FIELDS and Member._meta.get_field(c.key).get_internal_type() in ("CharField", "TextField")
}


def _dues_rows(branch: OrgUnit, sheet: excel.Sheet, by, errors: list) -> int:
    columns = excel.DUES_COLUMNS
    members = list(Member.objects.filter(branch=branch).select_related("branch"))
    by_digest = {m.id_number_digest: m for m in members if m.id_number_digest}
    by_name = defaultdict(list)
    for m in members:
        by_name[m.name].append(m)
    matched: dict[int, Member] = {}
    for row in sheet.rows:
        name, number = row.values.get("name"), row.values.get("id_number")
        if number:
            member = by_digest.get(idnumbers.digest(number))
            if member is None:
                errors.append(
                    excel.CellError(
                        row.number, "身份证号", _("本支部没有该身份证号的党员。"), sheet.columns.get("id_number")
                    )
                )
            elif name and member.name != name:
                errors.append(
                    excel.CellError(
                        row.number,
                        "姓名",
                        _("姓名与身份证号不符（名册中为%(n)s）。") % {"n": member.name},
                        sheet.columns.get("name"),
                    )
                )
            else:
                matched[row.number] = member
        elif name:
            found = by_name.get(name, [])
            if not found:
                errors.append(
                    excel.CellError(
                        row.number, "姓名", _("本支部没有名为%(n)s的党员。") % {"n": name}, sheet.columns.get("name")
                    )
                )
            elif len(found) > 1:
                errors.append(
                    excel.CellError(
                        row.number, "姓名", _("本支部有同名党员，请填写身份证号。"), sheet.columns.get("name")
                    )
                )
            else:
                matched[row.number] = found[0]
    errors += _duplicates(
        sheet,
        columns,
        lambda r: (
            (matched[r.number].pk, r.values.get("month")) if r.number in matched and r.values.get("month") else None
        ),
        "month",
        _("与第%(n)s行重复（同一党员同一月份）。"),
    )
    months = {r.values.get("month") for r in sheet.rows if r.values.get("month")}
    existing = set(
        DuesMonth.objects.filter(member__in=[m.pk for m in matched.values()], month__in=months).values_list(
            "member_id", "month"
        )
    )
    bad_rows = {e.row for e in errors}
    rates = rate_rows()
    created = 0
    for row in sheet.rows:
        member = matched.get(row.number)
        if member is None or row.errors or row.number in bad_rows:
            continue
        v = row.values
        if (member.pk, v["month"]) in existing:
            errors.append(
                excel.CellError(
                    row.number,
                    "月份",
                    _("%(n)s该月党费已登记，如需更正请在党费台账中修改。") % {"n": member.name},
                    sheet.columns.get("month"),
                )
            )
            continue
        try:
            with transaction.atomic():
                record_month(
                    member=member,
                    month=v["month"],
                    base_pay=v.get("base_pay"),
                    fixed_amount=v.get("fixed_amount"),
                    amount_paid=v.get("amount_paid"),
                    extra=v.get("extra"),
                    exempt=bool(v.get("exempt")),
                    paid_on=v.get("paid_on"),
                    receipt_no=v.get("receipt_no") or "",
                    note=v.get("note") or "",
                    by=by,
                    rates=rates,
                )
            created += 1
        except ValidationError as exc:
            errors += _service_errors(row, exc, sheet, columns)
    return created


ROW_WRITERS = {ImportRun.Dataset.ROSTER: _roster_rows, ImportRun.Dataset.DUES: _dues_rows}


def members_import(*, branch: OrgUnit, dataset: str, upload, actor=None) -> ImportRun:
    """Import a roster or dues workbook into one branch, all or nothing. Returns
    the ImportRun: outcome, counts, every error, and the error report when it failed.
    `actor` (None for a system caller) edits the branch; every row is then
    written by the same code as `member_create` / `dues_month_record`, as them."""
    access.require_edit(actor, branch)
    if dataset not in ROW_WRITERS:
        raise ValidationError({"dataset": _("未知的数据类型。")})
    if not branch.is_branch:
        raise ValidationError({"branch": _("只能导入到党支部。")})
    filename = (getattr(upload, "name", "") or "upload.xlsx")[-200:]
    run = ImportRun(
        dataset=dataset,
        branch=branch,
        filename=filename,
        user=actor if getattr(actor, "is_authenticated", False) else None,
    )
    try:
        sheet = excel.read(
            upload,
            dataset,
            limits=conf.import_limits(),
            max_bytes=int(conf.get("MEMBERS_IMPORT_MAX_BYTES")),
        )
    except excel.FileRejected as exc:
        return _finish(run, exc.sheet, exc.errors, dataset, created=0)
    errors: list[excel.CellError] = [e for row in sheet.rows for e in row.errors]
    created = 0
    try:
        with transaction.atomic():
            created = ROW_WRITERS[dataset](branch, sheet, actor, errors)
            if errors:
                raise _Rollback
    except _Rollback:
        created = 0
    return _finish(run, sheet, errors, dataset, created=created, rows=len(sheet.rows))


def _finish(run: ImportRun, sheet, errors: list, dataset: str, *, created: int, rows: int = 0) -> ImportRun:
    errors = sorted(errors, key=lambda e: (e.row, e.col or 0))
    run.row_count = rows
    run.created_count = created if not errors else 0
    run.outcome = ImportRun.Outcome.FAILED if errors else ImportRun.Outcome.COMMITTED
    run.errors = [{**e.as_dict(), "column": excel.redact(e.column), "message": excel.redact(e.message)} for e in errors]
    if errors:
        run.report.save(f"{dataset}-errors.xlsx", ContentFile(excel.error_report(sheet, errors, dataset)), save=False)
    run.save()
    return run
