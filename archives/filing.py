"""THE filing mechanism: a record made in the system files itself into the
right box of the 3本6盒1证 archive (SPEC §5). Every app calls these, inside its
own service's transaction — nothing else:

    file_record(source=..., branch=..., box_kind=BoxKind.X, doc_kind="code",
                title=..., date=..., term=None, event="", new=False)
    file_record_set(source=..., ..., entries=[(event, doc_kind, title), ...])
    assert_editable(source)     # before editing or deleting a record: refuses if it is bound
    unfile_record(source)       # when a record is deleted

Today: a meeting → 组织生活档案盒 (one document per kind it counts for); an
election, a committee term, a role tenure starting or ending, a term
adjustment → 组织管理档案盒 (catalogue per committee term). The members app
files a transfer, a dues month or a development step into the 党员管理档案盒
with one call each, e.g.

    filing.file_record(source=transfer, branch=transfer.branch, box_kind=BoxKind.MEMBERS,
                       doc_kind="mem_transfer", title=f"组织关系介绍信 {transfer.serial_no}",
                       date=transfer.issued_on, new=True)

and calls `assert_editable(record)` before changing or deleting one.

Rules:
- Idempotent per (record, event): filing again updates the entry's title,
  date and kind while its catalogue is unbound, and moves it to another
  catalogue when the date moves to another period. `new=True` (right after
  the record was created) skips the lookup of earlier entries.
- Numbers are gap-free and stable per catalogue: a new entry takes the next
  number (reserved in the catalogue row, which stays locked until commit);
  removing an entry of an unbound catalogue closes the gap.
- A bound (合订) catalogue is frozen: its entries cannot change; a record
  filed into it afterwards becomes a dated addendum (补充件).
- Who acts: filing runs inside the write service of the app that owns the
  record (meeting_record, member transfers, committee terms …), after that
  service checked its actor with its own rule; filing itself is no user's
  action and checks no permission. The `user=` it is handed (part of the
  hooks' protocol in config.hooks) is only recorded as the entry's 登记人.
  Documents a user adds, corrects, deletes or binds by hand go through
  `archives.services`, which take `actor=` and check it.
- Filing a new record costs two queries (open-or-lock the catalogue and
  reserve the numbers in one statement; insert the entries), so logging a
  meeting stays fast.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date as Date

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from branches.models import CommitteeTerm

from .models import TERM_BOXES, BoxKind, BoxType, Catalogue, Document, DocumentKind

# the catch-all kind of each box: used when a caller names a kind that is missing or inactive
OTHER_KINDS = {
    BoxKind.ORGANIZATION: "org_other",
    BoxKind.MEMBERS: "mem_other",
    BoxKind.LIFE: "life_other",
    BoxKind.EDUCATION: "edu_other",
    BoxKind.EXCELLENCE: "exc_other",
    BoxKind.MASS_CULTURE: "mass_other",
}
DEFAULT_CAPACITY = 60
# numbers are shifted through this offset when a gap is closed, so that the
# unique (catalogue, number) constraint holds after every single row update
_SHIFT = 1_000_000
_ADDENDUM_REASON = gettext_noop("合订后补充归档")

# filing a new record runs in the caller's transaction without a savepoint of its own
# (two queries, not four); an error there aborts the caller's transaction, as it should
_atomic = transaction.atomic(savepoint=False)


# ---------------------------------------------------------------- errors


def frozen_error(catalogue: Catalogue) -> ValidationError:
    bound = timezone.localtime(catalogue.bound_at).date().isoformat() if catalogue.bound_at else ""
    return ValidationError(
        _(
            "该记录已归入%(box)s（%(period)s），目录已于%(date)s合订，不能再修改或删除；"
            "如需更正，请在该档案盒中添加补充件。"
        )
        % {"box": catalogue.get_box_kind_display(), "period": catalogue.period_label, "date": bound}
    )


def catalogue_bound_error(catalogue: Catalogue) -> ValidationError:
    return ValidationError(
        _("%(box)s（%(period)s）的目录已合订，其中的文件不能修改或删除；如需更正，请添加补充件。")
        % {"box": catalogue.get_box_kind_display(), "period": catalogue.period_label}
    )


# ---------------------------------------------------------------- lookups


def source_label(source) -> str:
    """How a record is named in `Document.source_model`: "meetings.meeting"."""
    return source._meta.concrete_model._meta.label_lower


def documents_of(source):
    """The archive documents filed for a record."""
    return Document.objects.filter(source_model=source_label(source), source_id=source.pk)


def term_on(org_unit, day: Date) -> CommitteeTerm | None:
    """The committee term of `org_unit` in effect on `day` (the later one on a 换届 day)."""
    return (
        CommitteeTerm.objects.filter(org_unit=org_unit, start_date__lte=day)
        .filter(Q(actual_end_date__isnull=True) | Q(actual_end_date__gte=day))
        .order_by("-start_date")
        .first()
    )


def period_of(branch, box_kind: str, day: Date, term: CommitteeTerm | None = None) -> tuple[int | None, int | None]:
    """(year, term id) of the catalogue a document of `day` belongs in: the
    year; for the 组织管理档案盒 the committee term (the one in effect on `day`
    unless given), or the year when the branch has no term then."""
    if box_kind in TERM_BOXES:
        term = term or term_on(branch, day)
        if term is not None:
            if term.org_unit_id != branch.pk:
                raise ValidationError({"term": [_("任期不属于该党组织。")]})
            return None, term.pk
    return day.year, None


def catalogue_open(*, branch, box_kind: str, year: int | None = None, term: CommitteeTerm | None = None) -> Catalogue:
    """Get or open the catalogue of a box for a year or a committee term."""
    if (year is None) == (term is None):
        raise ValueError("a catalogue is for a year or for a committee term")
    catalogue_id, _first, _bound = _reserve(
        branch_id=branch.pk, box_kind=box_kind, year=year, term_id=getattr(term, "pk", None), n=0
    )
    return Catalogue.objects.select_related("term", "branch").get(pk=catalogue_id)


def _kind_expression(code: str, box_kind: str):
    """The id of kind `code` (active, of this box), else the box's catch-all kind — as a
    subquery evaluated by the INSERT itself, so filing costs no lookup query. (An admin
    may have edited the table: filing must not make logging a meeting fail.)"""
    wanted = DocumentKind.objects.filter(code=code, box_kind=box_kind, is_active=True).values("id")[:1]
    other = DocumentKind.objects.filter(code=OTHER_KINDS[box_kind]).values("id")[:1]
    return Coalesce(Subquery(wanted), Subquery(other))


def document_kind(code: str, box_kind: str) -> DocumentKind:
    """The kind named by `code`, else the box's catch-all kind."""
    kind = DocumentKind.objects.filter(code=code, box_kind=box_kind, is_active=True).first()
    return kind or DocumentKind.objects.get(code=OTHER_KINDS[box_kind])


# ---------------------------------------------------------------- the frozen check


def is_bound(source) -> bool:
    """Whether any document filed for `source` sits in a bound catalogue."""
    return documents_of(source).filter(catalogue__bound_at__isnull=False).exists()


def assert_editable(source, *, event: str | None = None) -> None:
    """Raise a Chinese ValidationError when `source` (or its document for
    `event`) was filed into a bound catalogue: a bound record can no longer be
    edited or deleted."""
    docs = documents_of(source) if event is None else documents_of(source).filter(source_event=event)
    doc = docs.filter(catalogue__bound_at__isnull=False).select_related("catalogue__term").first()
    if doc is not None:
        raise frozen_error(doc.catalogue)


def ensure_not_bound(catalogue: Catalogue) -> None:
    """Raise when the catalogue is bound (callers that write re-read it under a row lock)."""
    if catalogue.bound_at is not None:
        raise catalogue_bound_error(catalogue)


# ---------------------------------------------------------------- numbering


def _reserve(*, branch_id: int, box_kind: str, year: int | None, term_id: int | None, n: int) -> tuple[int, int, bool]:
    """Open the catalogue if it does not exist, lock its row, and reserve `n`
    numbers — in one statement (INSERT … ON CONFLICT DO UPDATE … RETURNING, on
    PostgreSQL and SQLite). Returns (catalogue id, first reserved number, bound)."""
    if connection.vendor not in ("postgresql", "sqlite"):  # pragma: no cover - the project runs on these two
        return _reserve_portable(branch_id=branch_id, box_kind=box_kind, year=year, term_id=term_id, n=n)
    qn = connection.ops.quote_name
    table, boxes = qn(Catalogue._meta.db_table), qn(BoxType._meta.db_table)
    target = (
        f"({qn('term_id')}, {qn('box_kind')}) WHERE {qn('term_id')} IS NOT NULL"
        if term_id
        else f"({qn('branch_id')}, {qn('box_kind')}, {qn('year')}) WHERE {qn('term_id')} IS NULL"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    sql = (
        f"INSERT INTO {table} ({qn('created_at')}, {qn('updated_at')}, {qn('branch_id')}, {qn('box_kind')}, "
        f"{qn('year')}, {qn('term_id')}, {qn('capacity')}, {qn('last_number')}, {qn('bind_note')}) "
        f"VALUES (%s, %s, %s, %s, %s, %s, "
        f"COALESCE((SELECT {qn('capacity')} FROM {boxes} WHERE {qn('box_kind')} = %s), %s), %s, '') "
        f"ON CONFLICT {target} DO UPDATE SET "
        f"{qn('last_number')} = {table}.{qn('last_number')} + EXCLUDED.{qn('last_number')}, "
        f"{qn('updated_at')} = EXCLUDED.{qn('updated_at')} "
        f"RETURNING {qn('id')}, {qn('last_number')}, {qn('bound_at')}"
    )
    params = [now, now, branch_id, box_kind, year, term_id, box_kind, DEFAULT_CAPACITY, n]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        catalogue_id, last, bound_at = cursor.fetchone()
    return catalogue_id, last - n + 1, bound_at is not None


def _reserve_portable(*, branch_id, box_kind, year, term_id, n):  # pragma: no cover
    capacity = BoxType.objects.filter(box_kind=box_kind).values_list("capacity", flat=True).first()
    catalogue, _created = Catalogue.objects.get_or_create(
        branch_id=branch_id,
        box_kind=box_kind,
        year=year,
        term_id=term_id,
        defaults={"capacity": capacity or DEFAULT_CAPACITY},
    )
    catalogue = Catalogue.objects.select_for_update().get(pk=catalogue.pk)
    Catalogue.objects.filter(pk=catalogue.pk).update(last_number=F("last_number") + n)
    return catalogue.pk, catalogue.last_number + 1, catalogue.bound_at is not None


def _lock(*catalogue_ids: int) -> dict[int, Catalogue]:
    """Lock catalogues (in id order, so that two writers never deadlock) and
    return them fresh: the bound state and the numbering are decided under the lock."""
    ids = sorted(set(catalogue_ids))
    return {
        c.pk: c for c in Catalogue.objects.select_for_update(of=("self",)).filter(pk__in=ids).select_related("term")
    }


def _close_gap(catalogue_id: int, number: int) -> None:
    """Renumber the entries after `number` down by one (two UPDATEs keep every
    number unique on the way) and give the number back to the catalogue."""
    later = Document.objects.filter(catalogue_id=catalogue_id, number__gt=number)
    if later.update(number=F("number") + _SHIFT):
        Document.objects.filter(catalogue_id=catalogue_id, number__gt=_SHIFT).update(number=F("number") - _SHIFT - 1)
    Catalogue.objects.filter(pk=catalogue_id).update(last_number=F("last_number") - 1)


def append(document: Document, catalogue: Catalogue, *, addendum_reason: str = "") -> Document:
    """Give `document` the next number of `catalogue` and save it. Filing into
    a bound catalogue makes the document an addendum (补充件)."""
    catalogue_id, number, bound = _reserve(
        branch_id=catalogue.branch_id, box_kind=catalogue.box_kind, year=catalogue.year, term_id=catalogue.term_id, n=1
    )
    document.catalogue_id, document.branch_id, document.number = catalogue_id, catalogue.branch_id, number
    if bound:
        document.is_addendum = True
        document.addendum_reason = (addendum_reason or _(_ADDENDUM_REASON))[:300]
    document.save()
    return document


def remove(document: Document) -> None:
    """Delete an entry of an unbound catalogue and close the gap it leaves."""
    catalogue = _lock(document.catalogue_id)[document.catalogue_id]
    ensure_not_bound(catalogue)
    number = Document.objects.filter(pk=document.pk).values_list("number", flat=True).get()  # fresh, under the lock
    storage, name = (document.file.storage, document.file.name) if document.file else (None, "")
    document.delete()
    _close_gap(catalogue.pk, number)
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def _insert(
    entries: list[tuple[str, str, str]], *, source, branch, box_kind, date, year, term_id, user
) -> list[Document]:
    """Reserve numbers for new entries and insert them: two queries."""
    catalogue_id, first, bound = _reserve(
        branch_id=branch.pk, box_kind=box_kind, year=year, term_id=term_id, n=len(entries)
    )
    creator = user.pk if getattr(user, "pk", None) else None
    docs = [
        Document(
            catalogue_id=catalogue_id,
            branch_id=branch.pk,
            number=first + i,
            doc_kind_id=_kind_expression(code, box_kind),
            title=(title or "").strip()[:200] or code,
            date=date,
            source_model=source_label(source),
            source_id=source.pk,
            source_event=event,
            is_addendum=bound,
            addendum_reason=_(_ADDENDUM_REASON) if bound else "",
            created_by_id=creator,
        )
        for i, (event, code, title) in enumerate(entries)
    ]
    Document.objects.bulk_create(docs)
    for doc in docs:  # the kind id was computed by the database: load it on first use
        doc.__dict__.pop("doc_kind_id", None)
    return docs


# ---------------------------------------------------------------- filing


def file_record_set(
    *,
    source,
    branch,
    box_kind: str,
    date: Date,
    entries: Iterable[tuple[str, str, str]],
    term: CommitteeTerm | None = None,
    user=None,
    new: bool = False,
) -> list[Document]:
    """File one document per (event, doc_kind, title) for `source`, follow
    changes of the ones filed before, and unfile those whose event is no longer
    listed (e.g. a kind removed from a meeting). `new=True` right after the
    record was created skips looking for earlier entries."""
    entries = [(event, code, title) for event, code, title in entries]
    year, term_id = period_of(branch, box_kind, date, term)
    place = {"source": source, "branch": branch, "box_kind": box_kind, "date": date, "year": year, "term_id": term_id}
    if new:
        if not entries:
            return []
        with _atomic:
            return _insert(entries, user=user, **place)
    with transaction.atomic():
        return _file_set(source, entries, user=user, place=place)


def _file_set(source, entries, *, user, place) -> list[Document]:
    existing = {d.source_event: d for d in documents_of(source).select_related("doc_kind")}
    wanted = {event for event, _code, _title in entries}
    stale = [event for event in existing if event not in wanted]
    if stale:
        unfile_record(source, events=stale)
    out, fresh = [], []
    for event, code, title in entries:
        if event in existing:
            out.append(_follow(existing[event], code=code, title=title, **place))
        else:
            fresh.append((event, code, title))
    if fresh:
        out += _insert(fresh, user=user, **place)
    return out


def file_record(
    *,
    source,
    branch,
    box_kind: str,
    doc_kind: str,
    title: str,
    date: Date,
    term: CommitteeTerm | None = None,
    event: str = "",
    user=None,
    new: bool = False,
) -> Document:
    """File `source` (any saved model instance) into `box_kind` of `branch`:
    create its document (`event` tells several documents of one record apart),
    or follow a change of title, date or kind while the catalogue is unbound.
    Other events of the same record are left alone. Returns the document."""
    year, term_id = period_of(branch, box_kind, date, term)
    place = {"source": source, "branch": branch, "box_kind": box_kind, "date": date, "year": year, "term_id": term_id}
    if not new:
        with transaction.atomic():
            doc = documents_of(source).filter(source_event=event).select_related("doc_kind").first()
            if doc is not None:
                return _follow(doc, code=doc_kind, title=title, **place)
    with _atomic:
        return _insert([(event, doc_kind, title)], user=user, **place)[0]


def _follow(doc: Document, *, source, branch, box_kind, code, title, date, year, term_id) -> Document:
    """Bring a filed entry up to date with its record: title, date, kind, and
    the catalogue when the date moved to another period."""
    catalogue = _lock(doc.catalogue_id)[doc.catalogue_id]
    doc.number = Document.objects.filter(pk=doc.pk).values_list("number", flat=True).get()  # fresh, under the lock
    title = (title or "").strip()[:200] or doc.title
    kind = doc.doc_kind if doc.doc_kind.code == code else document_kind(code, box_kind)
    same_place = (catalogue.year, catalogue.term_id, catalogue.branch_id) == (year, term_id, branch.pk)
    if catalogue.is_bound:
        if same_place and (doc.title, doc.date, doc.doc_kind_id) == (title, date, kind.pk):
            return doc  # nothing changed: filing again is a no-op
        raise frozen_error(catalogue)
    changed = (doc.title, doc.date, doc.doc_kind_id) != (title, date, kind.pk)
    doc.title, doc.date, doc.doc_kind = title, date, kind
    if same_place:
        if changed:
            doc.save(update_fields=["title", "date", "doc_kind", "updated_at"])
        return doc
    # the date moved to another period: take a number there, then close the gap left behind
    old_catalogue, old_number = doc.catalogue_id, doc.number
    catalogue_id, number, bound = _reserve(branch_id=branch.pk, box_kind=box_kind, year=year, term_id=term_id, n=1)
    doc.catalogue_id, doc.branch_id, doc.number = catalogue_id, branch.pk, number
    doc.is_addendum, doc.addendum_reason = bound, _(_ADDENDUM_REASON) if bound else ""
    doc.save()
    _close_gap(old_catalogue, old_number)
    return doc


@transaction.atomic
def unfile_record(source, *, events: Iterable[str] | None = None) -> int:
    """Remove the documents filed for `source` (all, or those of `events`),
    when the record is deleted. Refuses if any of them is bound."""
    qs = documents_of(source)
    if events is not None:
        qs = qs.filter(source_event__in=list(events))
    docs = list(qs)
    if not docs:
        return 0
    locked = _lock(*(d.catalogue_id for d in docs))
    for doc in docs:
        if locked[doc.catalogue_id].is_bound:
            raise frozen_error(locked[doc.catalogue_id])
    # highest numbers first, so each removal closes its own gap only
    for doc in sorted(docs, key=lambda d: (d.catalogue_id, -d.number)):
        remove(doc)
    return len(docs)


# ---------------------------------------------------------------- bulk filing (seeding, imports, back-filling)


@dataclass(frozen=True)
class FilingItem:
    """One record to file, as plain values (no model instance needed). A
    document without a record (registered by hand) has `source_model=""`."""

    source_model: str  # "meetings.meeting", or "" for a document without a record
    source_id: int | None
    branch_id: int
    box_kind: str
    doc_kind: str
    title: str
    date: Date
    event: str = ""
    term_id: int | None = None


def _chunks(values: list, size: int = 2000):
    for i in range(0, len(values), size):
        yield values[i : i + size]


@transaction.atomic
def file_records_bulk(items: Iterable[FilingItem], *, batch_size: int = 2000) -> int:
    """File many records at once (city-scale seeding, back-filling): a number of
    queries that depends on the number of chunks, not of records. Records
    already filed are skipped; entries of a catalogue are numbered by date.
    Returns the number of documents created."""
    items = list(items)
    if not items:
        return 0
    capacities = dict(BoxType.objects.values_list("box_kind", "capacity"))
    kinds = {k.code: k for k in DocumentKind.objects.all()}
    branch_ids = sorted({i.branch_id for i in items})

    existing = set()
    by_model = defaultdict(set)
    for it in items:
        if it.source_model:
            by_model[it.source_model].add(it.source_id)
    for label, ids in by_model.items():
        for chunk in _chunks(sorted(ids), 5000):
            existing.update(
                Document.objects.filter(source_model=label, source_id__in=chunk).values_list(
                    "source_model", "source_id", "source_event"
                )
            )
    items = [i for i in items if not i.source_model or (i.source_model, i.source_id, i.event) not in existing]
    if not items:
        return 0

    terms = defaultdict(list)
    if any(i.box_kind in TERM_BOXES and i.term_id is None for i in items):
        for chunk in _chunks(branch_ids):
            for t in CommitteeTerm.objects.filter(org_unit_id__in=chunk).values(
                "id", "org_unit_id", "start_date", "actual_end_date"
            ):
                terms[t["org_unit_id"]].append(t)

    def key_of(it: FilingItem):
        if it.box_kind in TERM_BOXES:
            term_id = it.term_id
            if term_id is None:
                covering = [
                    t
                    for t in terms[it.branch_id]
                    if t["start_date"] <= it.date and (t["actual_end_date"] is None or t["actual_end_date"] >= it.date)
                ]
                term_id = max(covering, key=lambda t: t["start_date"])["id"] if covering else None
            if term_id is not None:
                return (it.branch_id, it.box_kind, None, term_id)
        return (it.branch_id, it.box_kind, it.date.year, None)

    keyed = defaultdict(list)
    for it in items:
        keyed[key_of(it)].append(it)

    catalogues = {}
    for chunk in _chunks(branch_ids):
        for c in Catalogue.objects.select_for_update(of=("self",)).filter(branch_id__in=chunk):
            catalogues[(c.branch_id, c.box_kind, c.year, c.term_id)] = c
    missing = [
        Catalogue(
            branch_id=b,
            box_kind=box,
            year=year,
            term_id=term_id,
            capacity=capacities.get(box) or DEFAULT_CAPACITY,
        )
        for (b, box, year, term_id) in keyed
        if (b, box, year, term_id) not in catalogues
    ]
    for c in Catalogue.objects.bulk_create(missing, batch_size=batch_size):
        catalogues[(c.branch_id, c.box_kind, c.year, c.term_id)] = c

    docs, touched = [], []
    for key, group in keyed.items():
        catalogue = catalogues[key]
        n = catalogue.last_number
        for it in sorted(group, key=lambda i: (i.date, i.source_model, i.source_id or 0, i.event)):
            kind = kinds.get(it.doc_kind)
            if kind is None or kind.box_kind != it.box_kind or not kind.is_active:
                kind = kinds[OTHER_KINDS[it.box_kind]]
            n += 1
            docs.append(
                Document(
                    catalogue_id=catalogue.pk,
                    branch_id=it.branch_id,
                    number=n,
                    doc_kind_id=kind.pk,
                    title=(it.title or kind.name)[:200],
                    date=it.date,
                    source_model=it.source_model,
                    source_id=it.source_id if it.source_model else None,
                    source_event=it.event if it.source_model else "",
                    is_addendum=catalogue.is_bound,
                    addendum_reason=_(_ADDENDUM_REASON) if catalogue.is_bound else "",
                )
            )
        catalogue.last_number = n
        touched.append(catalogue)
    Catalogue.objects.bulk_update(touched, ["last_number"], batch_size=batch_size)
    Document.objects.bulk_create(docs, batch_size=batch_size)
    return len(docs)


# ---------------------------------------------------------------- the records of today's apps

# a meeting files one document per kind it counts for (a 组织生活会 that is also
# the 民主评议党员 files the 组织生活会 record and the 民主评议表)
MEETING_DOC_KINDS = {
    "branch_assembly": ("life_assembly", gettext_noop("支部党员大会记录")),
    "committee": ("life_committee", gettext_noop("支委会记录")),
    "group": ("life_group", gettext_noop("党小组会记录")),
    "lecture": ("life_lecture", gettext_noop("党课记录")),
    "theme_day": ("life_theme_day", gettext_noop("主题党日活动记录")),
    "life_meeting": ("life_life_meeting", gettext_noop("组织生活会记录")),
    "evaluation": ("life_evaluation", gettext_noop("民主评议表")),
    "study": ("life_study", gettext_noop("集中学习记录")),
}


def meeting_entries(kinds: Iterable[str], topic: str, group_name: str = "") -> list[tuple[str, str, str]]:
    """(event, doc_kind, title) of each kind a meeting counts for."""
    out = []
    for kind in kinds:
        code, label = MEETING_DOC_KINDS.get(kind, ("life_other", gettext_noop("会议记录")))
        label = _(label)
        if kind == "group" and group_name:
            label = f"{label}（{group_name}）"
        out.append((kind, code, f"{label}：{topic}"))
    return out


def file_meeting(meeting, kinds: Iterable[str], *, user=None, new: bool = False) -> list[Document]:
    """File a meeting into the 组织生活档案盒: one entry per kind it counts for."""
    group = meeting.party_group.name if meeting.party_group_id else ""
    return file_record_set(
        source=meeting,
        branch=meeting.branch,
        box_kind=BoxKind.LIFE,
        date=meeting.date,
        entries=meeting_entries(kinds, meeting.topic, group),
        user=user,
        new=new,
    )
