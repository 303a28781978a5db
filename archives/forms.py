"""Forms of the archive pages. They only collect input; the rules (binding,
kinds of a box, file types and sizes) are checked by `archives.services`."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.concurrency import VersionedForm

from . import uploads
from .models import Catalogue, Document, DocumentKind


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _styled(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-control")


class DocumentForm(forms.Form):
    """Upload a document into a box (or register a paper one); into a bound
    catalogue as an addendum (补充件) with its reason."""

    doc_kind = forms.ModelChoiceField(label=_("文件类别"), queryset=DocumentKind.objects.none())
    title = forms.CharField(label=_("文件名称"), max_length=200)
    date = forms.DateField(label=_("文件日期"), widget=_DateInput(), initial=timezone.localdate)
    pages = forms.IntegerField(label=_("页数"), min_value=1, max_value=9999, required=False)
    file = forms.FileField(
        label=_("扫描件或电子文件"),
        required=False,
        help_text=_("可不上传：纸质文件放入档案盒，此处只登记目录。"),
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
    addendum_reason = forms.CharField(
        label=_("补充说明"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("目录已合订：写明补充或更正的内容和原因。"),
    )
    corrects = forms.ModelChoiceField(label=_("更正的文件"), queryset=Document.objects.none(), required=False)

    def __init__(self, *args, catalogue: Catalogue | None, box_kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doc_kind"].queryset = DocumentKind.objects.filter(box_kind=box_kind, is_active=True).order_by(
            "order", "code"
        )
        bound = catalogue is not None and catalogue.is_bound
        if bound:
            self.fields["corrects"].queryset = catalogue.documents.order_by("number")
            self.fields["corrects"].label_from_instance = lambda d: f"{d.number}. {d.title}"
            self.fields["addendum_reason"].required = True
        else:
            del self.fields["addendum_reason"]
            del self.fields["corrects"]
        types = "、".join(sorted({e.upper() for e in uploads.archive_types()}))
        self.fields["file"].widget.attrs["accept"] = ",".join(f".{e}" for e in sorted(uploads.archive_types()))
        self.fields["file"].help_text = _(
            "%(types)s，不超过%(mb)s MB。可不上传：纸质文件放入档案盒，此处只登记目录。"
        ) % {
            "types": types,
            "mb": uploads.archive_max_bytes() // uploads.MB,
        }
        _styled(self)


class DocumentEditForm(VersionedForm):
    """Correct an entry of an unbound catalogue (a filed record: pages and note only)."""

    title = forms.CharField(label=_("文件名称"), max_length=200)
    date = forms.DateField(label=_("文件日期"), widget=_DateInput())
    doc_kind = forms.ModelChoiceField(label=_("文件类别"), queryset=DocumentKind.objects.none())
    pages = forms.IntegerField(label=_("页数"), min_value=1, max_value=9999, required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, document: Document, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doc_kind"].queryset = DocumentKind.objects.filter(
            box_kind=document.catalogue.box_kind, is_active=True
        ).order_by("order", "code")
        if document.is_filed_record:
            for name in ("title", "date", "doc_kind"):
                del self.fields[name]
        _styled(self)


class BindForm(forms.Form):
    note = forms.CharField(label=_("合订说明"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)
