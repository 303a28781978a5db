"""API serializers of the archive: boxes (catalogues), their numbered
entries, documents (upload input, output), the 三本 and completeness."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from branches.models import OrgUnit, PartyGroup
from branches.serializers import ScopedPrimaryKeyRelatedField
from config.params import SMALLINT_MAX, year_bounds
from members import scoping
from members.models import Member

from . import completeness as c
from .models import Book, BoxKind, Catalogue, Document, DocumentKind

# ---------------------------------------------------------------- boxes and entries


class CatalogueSerializer(serializers.ModelSerializer):
    """A box of a branch for a year (or a committee term: 组织管理档案盒)."""

    branch_name = serializers.CharField(source="branch.name", read_only=True)
    box_name = serializers.CharField(source="get_box_kind_display", read_only=True)
    period_label = serializers.CharField(read_only=True)
    documents = serializers.IntegerField(source="last_number", read_only=True, help_text=_("目录中的文件件数"))
    volumes = serializers.SerializerMethodField(help_text=_("分装的盒数（第1盒、第2盒……）"))
    is_bound = serializers.BooleanField(read_only=True)

    class Meta:
        model = Catalogue
        fields = [
            "id",
            "branch",
            "branch_name",
            "box_kind",
            "box_name",
            "year",
            "term",
            "period_label",
            "capacity",
            "documents",
            "volumes",
            "is_bound",
            "bound_at",
            "bound_by",
            "bind_note",
        ]
        read_only_fields = fields

    def get_volumes(self, obj) -> int:
        return obj.volume_of(obj.last_number) if obj.last_number else 0


class BindInputSerializer(serializers.Serializer):
    note = serializers.CharField(label=_("合订说明"), max_length=200, required=False, allow_blank=True, default="")


class CatalogueEntrySerializer(serializers.ModelSerializer):
    """One numbered line of a catalogue (目录)."""

    volume = serializers.IntegerField(read_only=True, help_text=_("盒号"))
    doc_kind = serializers.CharField(source="doc_kind.code", read_only=True)
    doc_kind_name = serializers.CharField(source="doc_kind.name", read_only=True)
    corrects_number = serializers.IntegerField(source="corrects.number", read_only=True, default=None)
    has_file = serializers.BooleanField(read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "number",
            "volume",
            "title",
            "doc_kind",
            "doc_kind_name",
            "date",
            "pages",
            "note",
            "is_addendum",
            "addendum_reason",
            "corrects",
            "corrects_number",
            "source_model",
            "source_id",
            "has_file",
            "created_at",
        ]
        read_only_fields = fields


class DocumentSerializer(CatalogueEntrySerializer):
    """A document with its box and, when a file was uploaded, its download link."""

    catalogue = serializers.PrimaryKeyRelatedField(read_only=True)
    branch = serializers.PrimaryKeyRelatedField(read_only=True)
    box_kind = serializers.ChoiceField(source="catalogue.box_kind", choices=BoxKind.choices, read_only=True)
    original_name = serializers.CharField(read_only=True)
    mime_type = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta(CatalogueEntrySerializer.Meta):
        fields = [
            *CatalogueEntrySerializer.Meta.fields,
            "catalogue",
            "branch",
            "box_kind",
            "original_name",
            "mime_type",
            "size",
            "download_url",
            "version",
        ]
        read_only_fields = fields

    def get_download_url(self, obj) -> str | None:
        if not obj.file:
            return None
        url = reverse("archive-document-download", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class DocumentInputSerializer(serializers.Serializer):
    """Upload (multipart) or register a paper document. Name the catalogue, or
    the branch and year (the box follows from the kind; 组织管理档案盒: the term
    in office, or `term`)."""

    catalogue = serializers.IntegerField(label=_("目录ID"), required=False, allow_null=True, default=None)
    branch = serializers.IntegerField(label=_("党支部ID"), required=False, allow_null=True, default=None)
    year = serializers.IntegerField(
        label=_("年度"), required=False, allow_null=True, default=None, min_value=2000, max_value=year_bounds()[1]
    )
    term = serializers.IntegerField(label=_("任期ID"), required=False, allow_null=True, default=None)
    doc_kind = serializers.SlugRelatedField(
        label=_("文件类别代码"), slug_field="code", queryset=DocumentKind.objects.filter(is_active=True)
    )
    title = serializers.CharField(label=_("文件名称"), max_length=200)
    date = serializers.DateField(label=_("文件日期"))
    pages = serializers.IntegerField(
        label=_("页数"), required=False, allow_null=True, default=None, min_value=1, max_value=SMALLINT_MAX
    )
    note = serializers.CharField(label=_("备注"), max_length=200, required=False, allow_blank=True, default="")
    file = serializers.FileField(label=_("文件"), required=False, allow_null=True, default=None)
    addendum_reason = serializers.CharField(
        label=_("补充说明"),
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("目录已合订时必填：以补充件形式添加"),
    )
    corrects = serializers.IntegerField(label=_("更正的文件ID"), required=False, allow_null=True, default=None)

    def validate(self, attrs):
        if attrs["catalogue"] is None and (attrs["branch"] is None or attrs["year"] is None):
            raise serializers.ValidationError({"catalogue": [_("请指定目录，或指定党支部和年度。")]})
        return attrs


class DocumentUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(label=_("文件名称"), max_length=200, required=False)
    date = serializers.DateField(label=_("文件日期"), required=False)
    doc_kind = serializers.SlugRelatedField(
        label=_("文件类别代码"), slug_field="code", queryset=DocumentKind.objects.filter(is_active=True), required=False
    )
    pages = serializers.IntegerField(label=_("页数"), required=False, min_value=1, max_value=SMALLINT_MAX)
    note = serializers.CharField(label=_("备注"), max_length=200, required=False, allow_blank=True)


class DocumentKindSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentKind
        fields = ["code", "box_kind", "name", "required", "required_for", "min_count", "auto", "is_active", "hint"]
        read_only_fields = fields


# ---------------------------------------------------------------- books


class BookSerializer(serializers.ModelSerializer):
    # references resolve only among what the user may see (one not-found answer otherwise)
    branch = ScopedPrimaryKeyRelatedField(scope=scoping.branches_visible_to, queryset=OrgUnit.objects.all())
    party_group = ScopedPrimaryKeyRelatedField(
        scope=scoping.party_groups_visible_to, queryset=PartyGroup.objects.all(), required=False, allow_null=True
    )
    member = ScopedPrimaryKeyRelatedField(
        scope=scoping.members_visible_to,
        queryset=Member.objects.all(),
        required=False,
        allow_null=True,
        not_found=scoping.MEMBER_NOT_FOUND,
    )
    book_name = serializers.CharField(source="get_book_kind_display", read_only=True)
    owner_name = serializers.SerializerMethodField()

    class Meta:
        model = Book
        fields = [
            "id",
            "branch",
            "book_kind",
            "book_name",
            "year",
            "party_group",
            "member",
            "owner_name",
            "registered_on",
            "note",
        ]
        read_only_fields = ["id", "book_name", "owner_name"]
        # the service checks the combinations and duplicates (with Chinese messages)
        validators = []

    def get_owner_name(self, obj) -> str:
        if obj.party_group_id:
            return obj.party_group.name
        if obj.member_id:
            return obj.member.name
        return ""


class BooksRegisterInputSerializer(serializers.Serializer):
    branch = serializers.IntegerField(label=_("党支部ID"))
    year = serializers.IntegerField(label=_("年度"), min_value=2000)


# ---------------------------------------------------------------- completeness


class KindStatusSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    required = serializers.BooleanField()
    min_count = serializers.IntegerField()
    count = serializers.IntegerField()
    present = serializers.BooleanField()


class BoxStatusSerializer(serializers.Serializer):
    box_kind = serializers.ChoiceField(choices=BoxKind.choices)
    name = serializers.CharField()
    catalogue = serializers.IntegerField(allow_null=True)
    period_label = serializers.CharField()
    documents = serializers.IntegerField()
    addenda = serializers.IntegerField()
    volumes = serializers.IntegerField()
    complete = serializers.BooleanField()
    missing = serializers.ListField(child=serializers.CharField())
    bound = serializers.BooleanField()
    bound_on = serializers.DateField(allow_null=True)
    deadline = serializers.DateField(allow_null=True)
    bound_on_time = serializers.BooleanField(allow_null=True, help_text=_("null：尚未到合订期限"))
    ok = serializers.BooleanField(help_text=_("F2：目录完整且按期合订"))
    kinds = KindStatusSerializer(many=True)


class BookStatusSerializer(serializers.Serializer):
    book_kind = serializers.ChoiceField(choices=Book.BookKind.choices)
    name = serializers.CharField()
    expected = serializers.IntegerField()
    present = serializers.IntegerField()
    complete = serializers.BooleanField()
    missing = serializers.ListField(child=serializers.CharField())


class DuesCardsSerializer(serializers.Serializer):
    expected = serializers.IntegerField(help_text=_("本年度应交党费的党员数"))
    present = serializers.IntegerField(help_text=_("党费证完整（应交月份均已交清）的人数"))
    complete = serializers.BooleanField()
    missing = serializers.ListField(child=serializers.CharField(), help_text=_("党费证不完整的党员"))


class BranchArchiveSerializer(serializers.Serializer):
    branch = serializers.IntegerField()
    branch_name = serializers.CharField()
    year = serializers.IntegerField()
    books_complete = serializers.BooleanField(help_text=_("F1：三本齐全"))
    missing_books = serializers.IntegerField()
    boxes_ok = serializers.IntegerField()
    boxes_not_ok = serializers.IntegerField(help_text=_("F2：不完整或未按期合订的档案盒数"))
    books = BookStatusSerializer(many=True)
    boxes = BoxStatusSerializer(many=True)
    dues_cards = DuesCardsSerializer(help_text=_("F3：党费证"))
    problems = serializers.ListField(child=serializers.CharField())


def archive_data(a: c.BranchArchive, *, detail: bool = True) -> dict:
    boxes = []
    for b in a.boxes:
        item = {
            "box_kind": b.box_kind,
            "name": b.name,
            "catalogue": b.catalogue_id,
            "period_label": b.period_label,
            "documents": b.documents,
            "addenda": b.addenda,
            "volumes": b.volumes,
            "complete": b.complete,
            "missing": list(b.missing),
            "bound": b.bound,
            "bound_on": b.bound_on,
            "deadline": b.deadline,
            "bound_on_time": b.bound_on_time,
            "ok": b.ok,
            "kinds": [
                {
                    "code": k.code,
                    "name": k.name,
                    "required": k.required,
                    "min_count": k.min_count,
                    "count": k.count,
                    "present": k.present,
                }
                for k in b.kinds
            ]
            if detail
            else [],
        }
        boxes.append(item)
    d = a.dues_cards
    return {
        "branch": a.branch_id,
        "branch_name": a.name,
        "year": a.year,
        "books_complete": a.books_complete,
        "missing_books": a.missing_books,
        "boxes_ok": a.boxes_ok,
        "boxes_not_ok": a.boxes_not_ok,
        "books": [
            {
                "book_kind": b.book_kind,
                "name": b.name,
                "expected": b.expected,
                "present": b.present,
                "complete": b.complete,
                "missing": list(b.missing),
            }
            for b in a.books
        ],
        "boxes": boxes,
        "dues_cards": {
            "expected": d.expected,
            "present": d.present,
            "complete": d.complete,
            "missing": list(d.missing),
        },
        "problems": list(a.problems),
    }
