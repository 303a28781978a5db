"""Admin of the archive: the box settings and document kinds are data a
系统管理员 edits; catalogues and documents are read-mostly, and once bound
they can be neither changed nor deleted here either (binding is enforced in
`archives.services`, which the admin calls).

The records that file themselves into the archive (meetings, elections,
committee terms, role tenures, term adjustments) get the same guard in their
own admin: a bound record is read-only there and cannot be deleted; deleting
an unbound one takes it out of the catalogue."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from branches.models import CommitteeTerm, Election, RoleTenure, TermAdjustment
from meetings.models import Meeting

from . import filing, services
from .models import Book, BoxType, Catalogue, Document, DocumentKind


@admin.register(BoxType)
class BoxTypeAdmin(admin.ModelAdmin):
    list_display = ("box_kind", "capacity", "bind_within_days", "order")
    ordering = ("order",)

    def has_delete_permission(self, request, obj=None):
        return False  # the six boxes are fixed; their settings are edited


@admin.register(DocumentKind)
class DocumentKindAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "box_kind", "required", "required_for", "min_count", "auto", "is_active", "order")
    list_filter = ("box_kind", "required", "auto", "is_active")
    search_fields = ("name", "code")
    ordering = ("box_kind", "order", "code")


class DocumentInline(admin.TabularInline):
    model = Document
    extra = 0
    fields = ("number", "title", "doc_kind", "date", "is_addendum", "source_model", "source_id")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Catalogue)
class CatalogueAdmin(admin.ModelAdmin):
    """Catalogues are opened by filing and uploads; binding happens on the box
    page or through the API. A bound catalogue is read-only and permanent."""

    list_display = ("branch", "box_kind", "year", "term", "last_number", "bound_at")
    list_filter = ("box_kind", "year")
    search_fields = ("branch__name",)
    raw_id_fields = ("branch", "term", "bound_by")
    readonly_fields = ("branch", "box_kind", "year", "term", "capacity", "last_number", "bound_at", "bound_by")
    inlines = [DocumentInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_bound:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.is_bound or obj.last_number):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # bulk deletes would bypass the checks above
        return actions


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    """For lookups and small corrections of unbound entries (through the
    service); bound entries are read-only and cannot be deleted."""

    list_display = ("number", "title", "doc_kind", "date", "catalogue", "is_addendum")
    list_filter = ("catalogue__box_kind", "is_addendum", "doc_kind")
    search_fields = ("title", "branch__name")
    list_select_related = ("catalogue__branch", "catalogue__term", "doc_kind")
    fields = (
        "catalogue",
        "number",
        "title",
        "doc_kind",
        "date",
        "pages",
        "note",
        "is_addendum",
        "addendum_reason",
        "corrects",
        "source_model",
        "source_id",
        "source_event",
        "file",
        "original_name",
        "mime_type",
        "size",
        "created_by",
    )
    readonly_fields = (
        "catalogue",
        "number",
        "is_addendum",
        "addendum_reason",
        "corrects",
        "source_model",
        "source_id",
        "source_event",
        "file",
        "original_name",
        "mime_type",
        "size",
        "created_by",
    )

    def get_readonly_fields(self, request, obj=None):
        ro = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_filed_record:
            ro += ["title", "doc_kind", "date"]  # they follow the record
        return ro

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.catalogue.is_bound:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.catalogue.is_bound or obj.is_filed_record):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        data = {
            f: form.cleaned_data[f] for f in ("title", "date", "doc_kind", "pages", "note") if f in form.cleaned_data
        }
        try:
            services.document_update(obj, actor=request.user, **data)
        except ValidationError as exc:
            raise PermissionDenied("; ".join(exc.messages)) from None

    def delete_model(self, request, obj):
        try:
            services.document_delete(obj, actor=request.user)
        except ValidationError as exc:
            raise PermissionDenied("; ".join(exc.messages)) from None


@admin.register(Book)
class BookAdmin(admin.ModelAdmin):
    list_display = ("year", "book_kind", "branch", "party_group", "member", "registered_on")
    list_filter = ("book_kind", "year")
    search_fields = ("branch__name", "member__name", "party_group__name")
    raw_id_fields = ("branch", "party_group", "member", "created_by")


# ---------------------------------------------------------------- records that file themselves


class FiledRecordAdminMixin:
    """For the admin of a model whose records file themselves into the archive:
    a record in a bound catalogue is read-only and cannot be deleted (also not
    by reverting its history); deleting an unbound one unfiles it."""

    def has_change_permission(self, request, obj=None):
        if obj is not None and filing.is_bound(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and filing.is_bound(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # bulk deletes would skip the per-record check
        return actions

    def delete_model(self, request, obj):
        with transaction.atomic():
            filing.assert_editable(obj)
            filing.unfile_record(obj)
            super().delete_model(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history saves a revert on POST without asking has_change_permission
        if request.method == "POST":
            obj = self.get_object(request, object_id)
            if obj is not None and filing.is_bound(obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


def guard_filed_record_admin(model) -> None:
    """Re-register `model`'s admin with FiledRecordAdminMixin (the usual way to
    extend another app's ModelAdmin, as for User)."""
    if not admin.site.is_registered(model):
        return
    current = admin.site.get_model_admin(model)
    cls = type(current)
    if issubclass(cls, FiledRecordAdminMixin):
        return
    admin.site.unregister(model)
    admin.site.register(model, type(f"Archived{cls.__name__}", (FiledRecordAdminMixin, cls), {}))


def _guard_sources() -> None:
    for model in (Meeting, Election, CommitteeTerm, RoleTenure, TermAdjustment):
        guard_filed_record_admin(model)


_guard_sources()
