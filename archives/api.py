"""/api/v1/ endpoints of the archive (SPEC §5): boxes (catalogues) with their
numbered entries and binding, documents (upload, correct, delete, download),
the 三本, document kinds, and completeness per branch and year (F1–F3).

Every endpoint scopes through `branches.scoping` (out of scope → 404, read-only
→ 403); writes call `archives.services`, which refuse to touch a bound
catalogue."""

import django_filters
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from branches.filters import within_subtree
from branches.scoping import can_edit_org_unit, org_units_visible_to
from branches.year_api import BRANCH_ID, WITHIN, YEAR, BranchYearViewSet, paginated
from config.api import VersionedUpdateMixin

from . import selectors, services, uploads
from . import serializers as s
from .models import TERM_BOXES, BoxKind, Catalogue, Document, DocumentKind


def unit_for_write(user, unit_id):
    """Out of scope → 404; visible but read-only → 403 (the project-wide rule)."""
    unit = org_units_visible_to(user).filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    if not can_edit_org_unit(user, unit):
        raise PermissionDenied
    return unit


def _check_edit(user, unit) -> None:
    if not can_edit_org_unit(user, unit):
        raise PermissionDenied


# ---------------------------------------------------------------- boxes


class CatalogueFilter(django_filters.FilterSet):
    branch = django_filters.NumberFilter(field_name="branch_id", label=_("党支部ID"))
    within = django_filters.NumberFilter(method="filter_within", label=_("所属党组织ID（含下级）"))
    box_kind = django_filters.ChoiceFilter(choices=BoxKind.choices, label=_("档案盒"))
    year = django_filters.NumberFilter(label=_("年度"))
    term = django_filters.NumberFilter(field_name="term_id", label=_("任期ID"))
    bound = django_filters.BooleanFilter(field_name="bound_at", lookup_expr="isnull", exclude=True, label=_("已合订"))

    class Meta:
        model = Catalogue
        fields = ["branch", "within", "box_kind", "year", "term", "bound"]

    def filter_within(self, queryset, name, value):
        return within_subtree(queryset, self.request, value, path_field="branch__path")


@extend_schema_view(
    list=extend_schema(summary=_("档案盒（目录）列表")),
    retrieve=extend_schema(summary=_("档案盒（目录）详情")),
)
class CatalogueViewSet(viewsets.ReadOnlyModelViewSet):
    """The boxes of the branches the user may see: one per box and year (per
    committee term for the 组织管理档案盒), with its numbered catalogue."""

    serializer_class = s.CatalogueSerializer
    filterset_class = CatalogueFilter
    ordering_fields = ["year", "box_kind", "id"]
    ordering = ["branch_id", "box_kind", "year", "id"]

    def get_queryset(self):
        return selectors.catalogues_visible_to(self.request.user).select_related("branch", "term")

    @extend_schema(summary=_("目录条目（按序号）"), responses=s.CatalogueEntrySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def catalogue(self, request, pk=None):
        """The numbered entries (序号, 盒号, 文件名称, 类别, 日期, 页数), addenda included."""
        catalogue = self.get_object()
        entries = selectors.catalogue_entries(catalogue)
        return Response(s.CatalogueEntrySerializer(entries, many=True).data)

    @extend_schema(summary=_("合订"), request=s.BindInputSerializer, responses=s.CatalogueSerializer)
    @action(detail=True, methods=["post"])
    def bind(self, request, pk=None):
        """Bind (合订) the catalogue: its documents are frozen from now on; corrections only as addenda."""
        catalogue = self.get_object()
        _check_edit(request.user, catalogue.branch)
        data = s.BindInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        catalogue = services.catalogue_bind(catalogue, actor=request.user, note=data.validated_data["note"])
        return Response(s.CatalogueSerializer(self.get_queryset().get(pk=catalogue.pk)).data)


# ---------------------------------------------------------------- documents


class DocumentFilter(django_filters.FilterSet):
    branch = django_filters.NumberFilter(field_name="branch_id", label=_("党支部ID"))
    within = django_filters.NumberFilter(method="filter_within", label=_("所属党组织ID（含下级）"))
    catalogue = django_filters.NumberFilter(field_name="catalogue_id", label=_("目录ID"))
    box_kind = django_filters.ChoiceFilter(field_name="catalogue__box_kind", choices=BoxKind.choices, label=_("档案盒"))
    year = django_filters.NumberFilter(field_name="catalogue__year", label=_("目录年度"))
    doc_kind = django_filters.CharFilter(field_name="doc_kind__code", label=_("文件类别代码"))
    is_addendum = django_filters.BooleanFilter(label=_("补充件"))
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("日期起"))
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("日期止"))

    class Meta:
        model = Document
        fields = [
            "branch",
            "within",
            "catalogue",
            "box_kind",
            "year",
            "doc_kind",
            "is_addendum",
            "date_after",
            "date_before",
        ]

    def filter_within(self, queryset, name, value):
        return within_subtree(queryset, self.request, value, path_field="branch__path")


@extend_schema_view(
    list=extend_schema(summary=_("档案文件列表")),
    retrieve=extend_schema(summary=_("档案文件详情")),
    destroy=extend_schema(summary=_("从目录中删除（仅未合订、手工添加的文件）")),
)
class DocumentViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Documents of the boxes the user may see. Uploads are limited in type and
    size; a bound catalogue takes only addenda and refuses every change."""

    serializer_class = s.DocumentSerializer
    filterset_class = DocumentFilter
    search_fields = ["title"]
    ordering_fields = ["date", "number", "id"]
    ordering = ["catalogue_id", "number"]
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.documents_visible_to(self.request.user).select_related("catalogue", "doc_kind", "corrects")

    def _target(self, request, d) -> dict:
        """Where the upload goes: an existing catalogue, or the box (branch, kind,
        year, term) whose catalogue the upload opens (`services.document_upload`)."""
        if d["catalogue"] is not None:
            catalogue = (
                selectors.catalogues_visible_to(request.user).select_related("branch").filter(pk=d["catalogue"]).first()
            )
            if catalogue is None:
                raise Http404
            _check_edit(request.user, catalogue.branch)
            if catalogue.box_kind != d["doc_kind"].box_kind:
                raise serializers.ValidationError({"doc_kind": [_("文件类别与目录的档案盒不符。")]})
            return {"catalogue": catalogue}
        branch = unit_for_write(request.user, d["branch"])
        box_kind = d["doc_kind"].box_kind
        term = None
        if box_kind in TERM_BOXES:
            term = selectors.terms_of_year(branch, d["year"], d["term"])
            if d["term"] and term is None:
                raise serializers.ValidationError({"term": [_("任期不属于该党支部。")]})
        catalogue = selectors.catalogue_for_year(branch, box_kind, d["year"], term.pk if term else None)
        if catalogue is not None:
            return {"catalogue": catalogue}
        return {"branch": branch, "box_kind": box_kind, "year": d["year"], "term": term}

    @extend_schema(
        summary=_("上传或登记文件"),
        request={"multipart/form-data": s.DocumentInputSerializer, "application/json": s.DocumentInputSerializer},
        responses={201: s.DocumentSerializer},
    )
    def create(self, request):
        """Upload a document into a box (PDF, JPG, PNG, DOCX, XLSX; size limited),
        or register a paper one without a file. Into a bound catalogue only as an
        addendum: give `addendum_reason` (and optionally `corrects`)."""
        data = s.DocumentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        target = self._target(request, d)
        catalogue = target.get("catalogue")
        corrects = None
        if d["corrects"] is not None:
            corrects = Document.objects.filter(pk=d["corrects"], catalogue=catalogue).first() if catalogue else None
            if corrects is None:
                raise serializers.ValidationError({"corrects": [_("被更正的文件不在该目录中。")]})
        fields = {
            "doc_kind": d["doc_kind"],
            "title": d["title"],
            "date": d["date"],
            "file": d["file"],
            "pages": d["pages"],
            "note": d["note"],
            "addendum_reason": d["addendum_reason"],
            "actor": request.user,
        }
        if catalogue is not None:
            doc = services.document_add(catalogue=catalogue, corrects=corrects, **fields)
        else:  # the box's first upload opens its catalogue, in the same transaction
            doc = services.document_upload(**target, **fields)
        doc = self.get_queryset().get(pk=doc.pk)
        return Response(self.get_serializer(doc).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("修改文件（仅未合订的目录）"), request=s.DocumentUpdateSerializer, responses=s.DocumentSerializer
    )
    def partial_update(self, request, pk=None):
        """Correct title, date, kind, pages or note; a filed record: pages and note only."""
        doc = self.get_object()
        _check_edit(request.user, doc.branch)
        self.check_version(doc)
        data = s.DocumentUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.document_update(doc, actor=request.user, expected_version=self.expected_version, **data.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=doc.pk)).data)

    def perform_destroy(self, instance):
        _check_edit(self.request.user, instance.branch)
        services.document_delete(instance, actor=self.request.user)

    @extend_schema(summary=_("下载文件"), responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The uploaded file, to users who may see the branch (404 otherwise, or when only paper exists)."""
        doc = self.get_object()
        if not doc.file:
            raise Http404
        try:
            handle = doc.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(
            handle,
            content_type=doc.mime_type or "application/octet-stream",
            as_attachment=doc.mime_type not in uploads.INLINE_TYPES,
            filename=doc.original_name or f"document-{doc.pk}",
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class DocumentKindViewSet(viewsets.ReadOnlyModelViewSet):
    """The document kinds of each box and which of them a period needs (edited in the admin)."""

    serializer_class = s.DocumentKindSerializer
    filterset_fields = ["box_kind", "required", "is_active"]
    pagination_class = None
    lookup_field = "code"
    queryset = DocumentKind.objects.order_by("box_kind", "order", "code")


# ---------------------------------------------------------------- books


@extend_schema_view(
    list=extend_schema(summary=_("记录本列表")),
    retrieve=extend_schema(summary=_("记录本详情")),
    create=extend_schema(summary=_("登记记录本")),
    destroy=extend_schema(summary=_("删除记录本登记")),
)
class BookViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The 三本: 党支部会议记录本 (per year), 党小组会议记录本 (per group per year),
    党员学习笔记本 (per member per year)."""

    serializer_class = s.BookSerializer
    filterset_fields = ["branch", "year", "book_kind", "party_group", "member"]
    ordering = ["branch_id", "year", "book_kind", "id"]

    def get_queryset(self):
        return selectors.books_visible_to(self.request.user).select_related("party_group", "member")

    def perform_create(self, serializer):
        d = serializer.validated_data
        branch = unit_for_write(self.request.user, d["branch"].pk)
        book = services.book_register(
            branch=branch,
            book_kind=d["book_kind"],
            year=d["year"],
            party_group=d.get("party_group"),
            member=d.get("member"),
            registered_on=d.get("registered_on"),
            note=d.get("note", ""),
            actor=self.request.user,
        )
        serializer.instance = self.get_queryset().get(pk=book.pk)

    def perform_destroy(self, instance):
        _check_edit(self.request.user, instance.branch)
        services.book_delete(instance, actor=self.request.user)

    @extend_schema(
        summary=_("登记本年度全部记录本"),
        request=s.BooksRegisterInputSerializer,
        responses={201: s.BookSerializer(many=True)},
    )
    @action(detail=False, methods=["post"], url_path="register-year")
    def register_year(self, request):
        """Register every book a year still lacks: the 会议记录本, one per 党小组, one 学习笔记本 per party member."""
        data = s.BooksRegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        branch = unit_for_write(request.user, data.validated_data["branch"])
        books = services.books_register_year(branch=branch, year=data.validated_data["year"], actor=request.user)
        rows = self.get_queryset().filter(pk__in=[b.pk for b in books])
        return Response(s.BookSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------- completeness

class CompletenessViewSet(BranchYearViewSet):
    """Archive completeness per branch and year (SPEC §5; scorecard F1 三本齐全,
    F2 六盒目录完整、按期合订, F3 党费证): which required document kinds each box
    has or lacks, whether it was bound on time, which books are missing."""

    def results_for(self, branches, year):
        return selectors.archive_completeness(branches, year)

    def represent(self, result, *, detail):
        return s.archive_data(result, detail=detail)

    @extend_schema(
        summary=_("档案完整情况（多个党支部）"),
        parameters=[YEAR, WITHIN],
        responses=paginated("ArchiveCompletenessList", s.BranchArchiveSerializer),
    )
    def list(self, request):
        return super().list(request)

    @extend_schema(summary=_("档案完整情况（一个党支部）"), parameters=[YEAR, BRANCH_ID], responses=s.BranchArchiveSerializer)
    def retrieve(self, request, pk=None):
        return super().retrieve(request, pk)


def register(router):
    router.register("archive-boxes", CatalogueViewSet, basename="archive-box")
    router.register("archive-documents", DocumentViewSet, basename="archive-document")
    router.register("archive-document-kinds", DocumentKindViewSet, basename="archive-document-kind")
    router.register("archive-books", BookViewSet, basename="archive-book")
    router.register("archive-completeness", CompletenessViewSet, basename="archive-completeness")
