"""Writes of the archive: documents uploaded (or registered on paper) into a
box, binding (合订), addenda (补充件) and the 三本. Records of other apps file
themselves through `archives.filing`.

Binding is enforced here: every write to a document locks its catalogue and
refuses when it is bound, so the pages, the API and the admin (which all call
these) cannot get round it. So is who may write: every write takes the acting
user as `actor` (None for a system caller: the demo, a command, a test
factory), refuses with PermissionDenied before changing anything when the actor
may not edit the branch's archive (`branches.services.require_edit`, the rule
every app's writes check), and records the actor as 登记人/合订人."""

from datetime import date as Date
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import OrgUnit, PartyGroup
from branches.services import require_edit
from config.concurrency import claim_version
from members import scoping
from members.models import Member

from . import filing, uploads
from .models import TERM_BOXES, Book, BoxType, Catalogue, Document, DocumentKind
from .selectors import expected_books


class _Errors:
    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message) -> None:
        self.errors.setdefault(field, []).append(str(message))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def _require_edit_branch_of(actor, record) -> None:
    """`actor` edits the archive of the branch `record` (a catalogue, document or
    book) belongs to; a system caller (None) costs no lookup of the branch."""
    if actor is not None:
        require_edit(actor, record.branch)


def _user(actor):
    """The actor as the value of an audit field (登记人, 合订人): None for a system caller."""
    return actor if getattr(actor, "pk", None) else None


def period_end(catalogue: Catalogue) -> Date:
    """The last day of the catalogue's period: 31 December, or the term's end (actual, else due)."""
    if catalogue.term_id:
        term = catalogue.term
        return term.actual_end_date or term.effective_due_end()
    return Date(catalogue.year, 12, 31)


def _validate_file(f, err: _Errors) -> str:
    try:
        _ext, ctype = uploads.validate_upload(f, allowed=uploads.archive_types(), max_bytes=uploads.archive_max_bytes())
    except ValidationError as exc:
        for m in exc.messages:
            err.add("file", m)
        return ""
    return ctype


def _check_fields(err: _Errors, *, catalogue: Catalogue, doc_kind, title: str, date, pages) -> None:
    if doc_kind is None:
        err.add("doc_kind", _("请选择文件类别。"))
    elif doc_kind.box_kind != catalogue.box_kind:
        err.add(
            "doc_kind",
            _("“%(kind)s”不属于%(box)s。") % {"kind": doc_kind.name, "box": catalogue.get_box_kind_display()},
        )
    elif not doc_kind.is_active:
        err.add("doc_kind", _("文件类别“%(kind)s”已停用。") % {"kind": doc_kind.name})
    if not (title or "").strip():
        err.add("title", _("请填写文件名称。"))
    if date is None:
        err.add("date", _("请填写文件日期。"))
    elif date > timezone.localdate():
        err.add("date", _("文件日期不能晚于今天。"))
    if pages is not None and pages < 1:
        err.add("pages", _("页数至少为1。"))


# ---------------------------------------------------------------- documents


@transaction.atomic
def document_add(
    *,
    catalogue: Catalogue,
    doc_kind: DocumentKind | None,
    title: str,
    date: Date | None,
    file=None,
    pages: int | None = None,
    note: str = "",
    addendum_reason: str = "",
    corrects: Document | None = None,
    actor=None,
) -> Document:
    """Upload a document into a box (or register a paper one: `file` is
    optional). Into a bound catalogue only as an addendum (补充件), which needs
    `addendum_reason` and may name the entry it corrects."""
    _require_edit_branch_of(actor, catalogue)
    catalogue = filing._lock(catalogue.pk)[catalogue.pk]
    err = _Errors()
    _check_fields(err, catalogue=catalogue, doc_kind=doc_kind, title=title, date=date, pages=pages)
    addendum_reason = (addendum_reason or "").strip()
    if catalogue.is_bound:
        if not addendum_reason:
            err.add(
                "addendum_reason",
                _("该目录已合订，只能添加补充件：请写明补充或更正的内容和原因。"),
            )
    elif corrects is not None:
        err.add("corrects", _("目录尚未合订，可直接修改原文件，不需要补充件。"))
    if corrects is not None and corrects.catalogue_id != catalogue.pk:
        err.add("corrects", _("被更正的文件不在该目录中。"))
    ctype = _validate_file(file, err) if file else ""
    err.raise_if_any()

    doc = Document(
        doc_kind=doc_kind,
        title=title.strip()[:200],
        date=date,
        pages=pages,
        note=(note or "").strip()[:200],
        corrects=corrects if catalogue.is_bound else None,
        created_by=_user(actor),
    )
    doc.branch_id = catalogue.branch_id
    if file:
        doc.original_name = (getattr(file, "name", "") or "")[-200:]
        doc.mime_type, doc.size = ctype, file.size
        doc.file.save(doc.original_name, file, save=False)
    try:
        return filing.append(doc, catalogue, addendum_reason=addendum_reason)
    except Exception:
        if doc.file:
            doc.file.storage.delete(doc.file.name)
        raise


@transaction.atomic
def document_upload(
    *,
    branch: OrgUnit,
    box_kind: str,
    year: int,
    term=None,
    doc_kind: DocumentKind | None,
    title: str,
    date: Date | None,
    file=None,
    pages: int | None = None,
    note: str = "",
    addendum_reason: str = "",
    actor=None,
) -> Document:
    """Upload a document into the box of `branch` for `year` (or `term`),
    opening its catalogue on the first upload. The upload is checked before the
    catalogue is opened and the whole is one transaction: a rejected upload
    leaves nothing behind, not even an empty catalogue."""
    require_edit(actor, branch)
    err = _Errors()
    _check_fields(
        err,
        catalogue=Catalogue(branch=branch, box_kind=box_kind, year=year, term=term),
        doc_kind=doc_kind,
        title=title,
        date=date,
        pages=pages,
    )
    if file:
        _validate_file(file, err)
    err.raise_if_any()
    catalogue = catalogue_open(branch=branch, box_kind=box_kind, year=year, term=term, actor=actor)
    return document_add(
        catalogue=catalogue,
        doc_kind=doc_kind,
        title=title,
        date=date,
        file=file,
        pages=pages,
        note=note,
        addendum_reason=addendum_reason,
        actor=actor,
    )


def _locked_document(document: Document) -> tuple[Document, Catalogue]:
    catalogue = filing._lock(document.catalogue_id)[document.catalogue_id]
    document = Document.objects.select_related("doc_kind").get(pk=document.pk)
    filing.ensure_not_bound(catalogue)
    return document, catalogue


@transaction.atomic
def document_update(
    document: Document,
    *,
    title: str | None = None,
    date: Date | None = None,
    doc_kind: DocumentKind | None = None,
    pages: int | None = None,
    note: str | None = None,
    actor=None,
    expected_version: int | None = None,
) -> Document:
    """Correct an entry of an unbound catalogue. An entry filed from a record
    follows that record: only its page count and note can be changed here."""
    _require_edit_branch_of(actor, document)
    document, catalogue = _locked_document(document)
    claim_version(document, expected_version)
    changes = {}
    if pages is not None:
        changes["pages"] = pages
    if note is not None:
        changes["note"] = note.strip()[:200]
    wanted = {"title": title, "date": date, "doc_kind": doc_kind}
    if document.is_filed_record:
        if any(v is not None and v != getattr(document, f) for f, v in wanted.items()):
            raise ValidationError(_("该文件由系统根据记录自动归档，名称、日期和类别随原记录变化，请修改原记录。"))
    else:
        changes.update({f: v for f, v in wanted.items() if v is not None})
    err = _Errors()
    _check_fields(
        err,
        catalogue=catalogue,
        doc_kind=changes.get("doc_kind", document.doc_kind),
        title=changes.get("title", document.title),
        date=changes.get("date", document.date),
        pages=changes.get("pages", document.pages),
    )
    err.raise_if_any()
    for field, value in changes.items():
        setattr(document, field, value.strip()[:200] if field == "title" else value)
    if changes:
        document.save(update_fields=[*changes, "updated_at", "version"])
    return document


@transaction.atomic
def document_delete(document: Document, *, actor=None) -> None:
    """Delete an entry of an unbound catalogue (the later entries move up one number)."""
    _require_edit_branch_of(actor, document)
    document, _catalogue = _locked_document(document)
    if document.is_filed_record:
        raise ValidationError(_("该文件由系统根据记录自动归档，不能单独删除；删除原记录时会一并移出目录。"))
    filing.remove(document)


# ---------------------------------------------------------------- binding


def bind_opens_on(catalogue: Catalogue) -> Date | None:
    """The first day the catalogue may be bound: the day after its period ends —
    1 January after a year's box, the day after the committee term actually ended
    for the 组织管理盒. None while the term is still running (its end is not known)."""
    if catalogue.term_id:
        end = catalogue.term.actual_end_date
        return end + timedelta(days=1) if end else None
    return Date(catalogue.year + 1, 1, 1)


@transaction.atomic
def catalogue_bind(catalogue: Catalogue, *, actor=None, note: str = "", today: Date | None = None) -> Catalogue:
    """Bind (合订) a catalogue: from now on its documents are frozen; corrections
    only as dated addenda. Only once its period is over (`bind_opens_on`): a box
    bound early would turn every later record of the period into an addendum."""
    _require_edit_branch_of(actor, catalogue)
    catalogue = filing._lock(catalogue.pk)[catalogue.pk]
    today = today or timezone.localdate()
    if catalogue.is_bound:
        raise ValidationError(
            _("该目录已于%(date)s合订。") % {"date": timezone.localtime(catalogue.bound_at).strftime("%Y-%m-%d")}
        )
    if not catalogue.documents.exists():
        raise ValidationError(_("目录中还没有文件，不能合订。"))
    opens = bind_opens_on(catalogue)
    if opens is None:
        raise ValidationError(
            _("%(period)s任期尚未结束，换届后才能合订。") % {"period": catalogue.period_label}
        )
    if today < opens:
        raise ValidationError(
            _("%(period)s尚未结束，%(date)s起才能合订。") % {"period": catalogue.period_label, "date": opens.isoformat()}
        )
    catalogue.bound_at = timezone.now()
    catalogue.bound_by = _user(actor)
    catalogue.bind_note = (note or "").strip()[:200]
    catalogue.save(update_fields=["bound_at", "bound_by", "bind_note", "updated_at"])
    return catalogue


def bind_deadline(catalogue: Catalogue, box_types: dict | None = None) -> Date | None:
    """By when the catalogue should be bound (按期合订): the period's end plus
    the box's `bind_within_days`; None while a term has not ended."""
    if catalogue.term_id and catalogue.term.actual_end_date is None:
        return None
    bt = (box_types or {}).get(catalogue.box_kind) or BoxType.objects.filter(box_kind=catalogue.box_kind).first()
    return period_end(catalogue) + timedelta(days=bt.bind_within_days if bt else 90)


# ---------------------------------------------------------------- 三本


def _check_book_owner(err: _Errors, *, branch: OrgUnit, book_kind: str, party_group, member, year: int) -> None:
    K = Book.BookKind
    if book_kind not in K.values:
        err.add("book_kind", _("未知的记录本类型。"))
        return
    if book_kind == K.GROUP_MINUTES:
        if party_group is None:
            err.add("party_group", _("党小组会议记录本须选择党小组。"))
        elif party_group.branch_id != branch.pk:
            err.add("party_group", _("所选党小组不属于本支部。"))
    if book_kind == K.STUDY_NOTES:
        if member is None:
            err.add("member", _("学习笔记本须选择党员。"))
        elif member.branch_id != branch.pk:
            err.add("member", scoping.MEMBER_NOT_FOUND)
        elif member.status not in Member.PARTY_STATUSES:
            err.add("member", _("%(name)s是%(status)s，不是党员。") % {"name": member.name, "status": member.get_status_display()})
        elif member.join_date and member.join_date.year > year:
            err.add("member", _("%(name)s在%(year)s年尚未入党。") % {"name": member.name, "year": year})


@transaction.atomic
def book_register(
    *,
    branch: OrgUnit,
    book_kind: str,
    year: int,
    party_group: PartyGroup | None = None,
    member: Member | None = None,
    registered_on: Date | None = None,
    note: str = "",
    actor=None,
) -> Book:
    """Register one of the 三本 for a year."""
    require_edit(actor, branch)
    err = _Errors()
    if not branch.is_branch:
        raise ValidationError({"branch": [_("只能为党支部登记记录本。")]})
    this_year = timezone.localdate().year
    if not (2000 <= year <= this_year + 1):
        err.add("year", _("年度应在2000年到%(y)s年之间。") % {"y": this_year + 1})
    K = Book.BookKind
    _check_book_owner(err, branch=branch, book_kind=book_kind, party_group=party_group, member=member, year=year)
    err.raise_if_any()
    book = Book(
        branch=branch,
        book_kind=book_kind,
        year=year,
        party_group=party_group if book_kind == K.GROUP_MINUTES else None,
        member=member if book_kind == K.STUDY_NOTES else None,
        registered_on=registered_on or timezone.localdate(),
        note=(note or "").strip()[:200],
        created_by=_user(actor),
    )
    try:
        with transaction.atomic():
            book.save()
    except IntegrityError:
        raise ValidationError(_("%(year)s年的该记录本已登记。") % {"year": year}) from None
    return book


@transaction.atomic
def books_register_year(*, branch: OrgUnit, year: int, actor=None) -> list[Book]:
    """Register every book the year still lacks: the branch's 会议记录本, one
    per 党小组 and one 学习笔记本 per party member. Returns the new books."""
    require_edit(actor, branch)
    if not branch.is_branch:
        raise ValidationError({"branch": [_("只能为党支部登记记录本。")]})
    this_year = timezone.localdate().year
    if not (2000 <= year <= this_year + 1):
        raise ValidationError({"year": [_("年度应在2000年到%(y)s年之间。") % {"y": this_year + 1}]})
    expected = expected_books([branch.pk], year)[branch.pk]
    have = set(Book.objects.filter(branch=branch, year=year).values_list("book_kind", "party_group_id", "member_id"))
    K = Book.BookKind
    wanted = [(K.MINUTES, None, None)]
    wanted += [(K.GROUP_MINUTES, pk, None) for pk, _name in expected.groups]
    wanted += [(K.STUDY_NOTES, None, pk) for pk, _name in expected.members]
    today = timezone.localdate()
    creator = _user(actor)
    rows = [
        Book(
            branch=branch,
            book_kind=kind,
            year=year,
            party_group_id=group_id,
            member_id=member_id,
            registered_on=Date(year, 1, 1) if year < today.year else today,
            created_by=creator,
        )
        for kind, group_id, member_id in wanted
        if (kind, group_id, member_id) not in have
    ]
    return Book.objects.bulk_create(rows)


@transaction.atomic
def book_delete(book: Book, *, actor=None) -> None:
    """Delete a book's registration."""
    _require_edit_branch_of(actor, book)
    book.delete()


def box_types_by_kind() -> dict[str, BoxType]:
    return {b.box_kind: b for b in BoxType.objects.all()}


def catalogue_open(*, branch: OrgUnit, box_kind: str, year: int, term=None, actor=None) -> Catalogue:
    """Get or open a box's catalogue: for the 组织管理档案盒 the term's (when the
    branch has one), else the year's."""
    require_edit(actor, branch)
    if not branch.is_branch:
        raise ValidationError({"branch": [_("只能为党支部建立档案。")]})
    if box_kind in TERM_BOXES and term is not None:
        if term.org_unit_id != branch.pk:
            raise ValidationError({"term": [_("任期不属于该党组织。")]})
        return filing.catalogue_open(branch=branch, box_kind=box_kind, term=term)
    return filing.catalogue_open(branch=branch, box_kind=box_kind, year=year)
