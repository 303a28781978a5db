"""Pages of the archive: the branch's shelf (books and boxes by year,
completeness at a glance), a box with its catalogue, uploads and addenda,
binding, the catalogue as PDF, and documents served through the scoping
selector only.

Access is decided by `branches.scoping`: an org unit the user cannot see is
404 (also for a guessed document id), one they can see but not edit is 403."""

from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches.models import OrgUnit
from branches.scoping import branches_visible_to, can_edit_org_unit, org_units_visible_to
from config.params import page_year

from . import forms, selectors, services, uploads
from .models import TERM_BOXES, BoxKind, Catalogue, Document
from .reports import CatalogueReport

YEARS_SHOWN = 3


# ---------------------------------------------------------------- access


def _visible_unit(request, pk) -> OrgUnit:
    return get_object_or_404(org_units_visible_to(request.user), pk=pk)


def _editable_unit(request, pk) -> OrgUnit:
    unit = _visible_unit(request, pk)
    if not can_edit_org_unit(request.user, unit):
        raise PermissionDenied
    return unit


def _visible_catalogue(request, pk) -> Catalogue:
    return get_object_or_404(
        selectors.catalogues_visible_to(request.user).select_related("branch", "term", "bound_by"), pk=pk
    )


def _visible_document(request, pk) -> Document:
    return get_object_or_404(
        selectors.documents_visible_to(request.user).select_related("catalogue__term", "catalogue__branch", "doc_kind"),
        pk=pk,
    )


def _year(request) -> int:
    return page_year(request)


def _years(today_year: int) -> list[int]:
    return list(range(today_year, today_year - YEARS_SHOWN, -1))


def box_url(catalogue: Catalogue) -> str:
    """The box page of a catalogue (a term's box is shown for a year of that term)."""
    if catalogue.term_id:
        year = min(catalogue.term.actual_end_date or timezone.localdate(), timezone.localdate()).year
        year = max(year, catalogue.term.start_date.year)
        url = reverse("archive_box", args=[catalogue.branch_id, year, catalogue.box_kind])
        return f"{url}?{urlencode({'term': catalogue.term_id})}"
    return reverse("archive_box", args=[catalogue.branch_id, catalogue.year, catalogue.box_kind])


def source_url(document: Document) -> str:
    """Where the record a filed entry stands for is shown (its meeting, or the branch page)."""
    if document.source_model == "meetings.meeting":
        return reverse("meeting_detail", args=[document.source_id])
    if document.source_model.startswith("branches."):
        return reverse("org_unit", args=[document.branch_id])
    return ""


def _put_errors(form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for field, errors in exc.message_dict.items():
        for message in errors:
            form.add_error(field if field in form.fields else None, message)


# ---------------------------------------------------------------- home and shelf


@login_required
def archive_home(request):
    """A branch user goes straight to their shelf; a 党委 sees its branches with
    completeness at a glance (one selector call for the page's branches)."""
    visible = branches_visible_to(request.user).order_by("path")
    year = _year(request)
    if visible.count() == 1:
        return redirect(f"{reverse('archive_shelf', args=[visible.get().pk])}?year={year}")
    page = Paginator(visible, 50).get_page(request.GET.get("page"))
    results = selectors.archive_completeness(page.object_list, year)
    rows = [{"branch": b, "archive": results[b.pk]} for b in page.object_list]
    return render(
        request,
        "archives/home.html",
        {"page": page, "rows": rows, "year": year, "years": _years(timezone.localdate().year)},
    )


@login_required
def archive_shelf(request, branch_pk):
    branch = _visible_unit(request, branch_pk)
    if not branch.is_branch:
        raise Http404
    year = _year(request)
    archive = selectors.branch_archive(branch, year)
    return render(
        request,
        "archives/shelf.html",
        {
            "branch": branch,
            "year": year,
            "years": _years(timezone.localdate().year),
            "archive": archive,
            "can_edit": can_edit_org_unit(request.user, branch),
        },
    )


@login_required
@require_POST
def books_register(request, branch_pk, year):
    branch = _editable_unit(request, branch_pk)
    try:
        books = services.books_register_year(branch=branch, year=year, actor=request.user)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        if books:
            messages.success(request, _("已登记%(n)s本记录本。") % {"n": len(books)})
        else:
            messages.info(request, _("本年度的记录本均已登记。"))
    return redirect(f"{reverse('archive_shelf', args=[branch.pk])}?year={year}")


# ---------------------------------------------------------------- a box


def _box_context(request, branch, year, box_kind, catalogue, form):
    archive = selectors.branch_archive(branch, year)
    status = archive.box(box_kind)
    if catalogue is None or catalogue.pk != status.catalogue_id:
        status = None  # another term's catalogue than the year's: no checklist of that year
    entries = list(selectors.catalogue_entries(catalogue)) if catalogue else []
    for d in entries:
        d.source_url = source_url(d)
    can_edit = can_edit_org_unit(request.user, branch)
    may_bind = can_edit and catalogue is not None and not catalogue.is_bound and bool(entries)
    bind_opens = services.bind_opens_on(catalogue) if may_bind else None
    bindable = may_bind and bind_opens is not None and bind_opens <= timezone.localdate()
    terms = list(branch.terms.order_by("-start_date")) if box_kind in TERM_BOXES else []
    return {
        "branch": branch,
        "year": year,
        "years": _years(timezone.localdate().year),
        "box_kind": box_kind,
        "box_name": BoxKind(box_kind).label,
        "catalogue": catalogue,
        "entries": entries,
        "volumes": sorted({catalogue.volume_of(d.number) for d in entries}) if catalogue else [],
        "status": status,
        "can_edit": can_edit,
        "form": form if can_edit else None,
        "bind_form": forms.BindForm() if bindable else None,
        # not yet: say when (or that the term must end first) instead of a button that is refused
        "bind_not_yet": may_bind and not bindable,
        "bind_opens": bind_opens,
        "terms": terms,
        "bind_deadline": services.bind_deadline(catalogue) if catalogue else None,
        "max_mb": uploads.archive_max_bytes() // uploads.MB,
    }


@login_required
def archive_box(request, branch_pk, year, box_kind):
    """A box for a year (for the 组织管理档案盒: of the term in office that year,
    or `?term=`), its numbered catalogue, checklist, upload and binding.
    POST uploads a document (an addendum once the catalogue is bound)."""
    branch = _visible_unit(request, branch_pk)
    if box_kind not in BoxKind.values or not branch.is_branch or not 2000 <= year <= timezone.localdate().year + 1:
        raise Http404
    term_id = request.GET.get("term") or None
    if term_id is not None and not str(term_id).isdigit():
        raise Http404
    term = selectors.terms_of_year(branch, year, int(term_id) if term_id else None) if box_kind in TERM_BOXES else None
    if term_id and term is None:
        raise Http404
    catalogue = selectors.catalogue_for_year(branch, box_kind, year, term.pk if term else None)
    if request.method == "POST":
        if not can_edit_org_unit(request.user, branch):
            raise PermissionDenied
        form = forms.DocumentForm(request.POST, request.FILES, catalogue=catalogue, box_kind=box_kind)
        if form.is_valid():
            d = form.cleaned_data
            fields = {
                "doc_kind": d["doc_kind"],
                "title": d["title"],
                "date": d["date"],
                "file": d.get("file"),
                "pages": d.get("pages"),
                "note": d.get("note", ""),
                "addendum_reason": d.get("addendum_reason", ""),
                "actor": request.user,
            }
            try:
                if catalogue is None:  # the box's first upload opens its catalogue, in the same transaction
                    doc = services.document_upload(branch=branch, box_kind=box_kind, year=year, term=term, **fields)
                else:
                    doc = services.document_add(catalogue=catalogue, corrects=d.get("corrects"), **fields)
                catalogue = doc.catalogue
            except ValidationError as exc:
                _put_errors(form, exc)
            else:
                if doc.is_addendum:
                    messages.success(
                        request, _("已添加补充件：第%(n)s号 %(title)s。") % {"n": doc.number, "title": doc.title}
                    )
                else:
                    messages.success(
                        request, _("已归入目录：第%(n)s号 %(title)s。") % {"n": doc.number, "title": doc.title}
                    )
                return redirect(box_url(catalogue))
        catalogue = selectors.catalogue_for_year(branch, box_kind, year, term.pk if term else None)
        context = _box_context(request, branch, year, box_kind, catalogue, form)
        return render(request, "archives/box.html", context, status=400)
    form = forms.DocumentForm(catalogue=catalogue, box_kind=box_kind)
    return render(request, "archives/box.html", _box_context(request, branch, year, box_kind, catalogue, form))


@login_required
def catalogue_detail(request, pk):
    return redirect(box_url(_visible_catalogue(request, pk)))


@login_required
@require_POST
def catalogue_bind(request, pk):
    catalogue = _visible_catalogue(request, pk)
    if not can_edit_org_unit(request.user, catalogue.branch):
        raise PermissionDenied
    form = forms.BindForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.catalogue_bind(catalogue, actor=request.user, note=note)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, _("目录已合订。此后文件不能修改或删除，更正请添加补充件。"))
    return redirect(box_url(catalogue))


@login_required
def catalogue_pdf(request, pk):
    catalogue = _visible_catalogue(request, pk)
    filename, content_type, content = CatalogueReport().render({"catalogue": catalogue})
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = _content_disposition(
        filename, ascii_name=CatalogueReport.ascii_filename(catalogue), inline=True
    )
    return response


def _content_disposition(filename: str, *, ascii_name: str, inline: bool) -> str:
    """The Chinese name in filename* (RFC 6266); a meaningful ASCII one for old clients,
    not the Chinese name with its letters stripped ("--2026-.pdf")."""
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


# ---------------------------------------------------------------- documents


@login_required
def document_file(request, pk):
    """Documents are never served from a public media URL: only through here,
    to users who may see the branch."""
    document = _visible_document(request, pk)
    if not document.file:
        raise Http404(_("该文件只有纸质件，没有上传电子文件。"))
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("文件不存在。")) from None
    response = FileResponse(
        handle,
        content_type=document.mime_type or "application/octet-stream",
        as_attachment=document.mime_type not in uploads.INLINE_TYPES,
        filename=document.original_name or f"document-{document.pk}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def document_edit(request, pk):
    document = _visible_document(request, pk)
    catalogue = document.catalogue
    if not can_edit_org_unit(request.user, catalogue.branch):
        raise PermissionDenied
    if catalogue.is_bound:
        messages.error(request, _("目录已合订，文件不能修改；如需更正，请添加补充件。"))
        return redirect(box_url(catalogue))
    if request.method == "POST":
        form = forms.DocumentEditForm(request.POST, document=document, version=document.version)
        if form.is_valid():
            try:
                services.document_update(document, actor=request.user, **form.service_data())
            except ValidationError as exc:
                _put_errors(form, exc)
            else:
                messages.success(request, _("已保存修改。"))
                return redirect(box_url(catalogue))
        status = 400
    else:
        initial = {f: getattr(document, f) for f in ("title", "date", "doc_kind", "pages", "note")}
        form = forms.DocumentEditForm(initial=initial, document=document, version=document.version)
        status = 200
    return render(
        request,
        "archives/document_form.html",
        {"form": form, "document": document, "catalogue": catalogue},
        status=status,
    )


@login_required
@require_POST
def document_delete(request, pk):
    document = _visible_document(request, pk)
    catalogue = document.catalogue
    if not can_edit_org_unit(request.user, catalogue.branch):
        raise PermissionDenied
    try:
        services.document_delete(document, actor=request.user)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, _("已从目录中删除，后面的文件序号依次前移。"))
    return redirect(box_url(catalogue))
