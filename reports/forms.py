"""Forms of the 下载中心: which report, for which org unit and year, and the
summary's 存在问题 / 下步打算 the user writes before export. Shape only: the
scope is checked by the exporter's `clean` inside the service."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .exporters import EXPORTERS, TEXT_LIMIT


def year_choices():
    this = timezone.localdate().year
    return [(y, _("%(y)s年") % {"y": y}) for y in range(this, this - 6, -1)]


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("报表"))
    unit = forms.ModelChoiceField(label=_("党组织"), queryset=None)
    year = forms.TypedChoiceField(label=_("年度"), coerce=int)

    def __init__(self, *args, units, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = kinds or [k for k, e in EXPORTERS.items() if not e.with_texts]
        self.fields["kind"].choices = [(k, EXPORTERS[k].label) for k in kinds]
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda u: f"{'　' * max(u.depth, 0)}{u.name}"
        self.fields["year"].choices = year_choices()
        self.fields["year"].initial = timezone.localdate().year
        for name in ("unit", "year"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def params(self) -> dict:
        d = self.cleaned_data
        exporter = EXPORTERS[d["kind"]]
        key = "branch" if exporter.target == "branch" else "unit"
        return {key: d["unit"].pk, "year": d["year"]}


class SummaryForm(forms.Form):
    FORMATS = (("summary_pdf", _("PDF（打印、盖章）")), ("summary_xlsx", _("Excel")))

    kind = forms.ChoiceField(label=_("格式"), choices=FORMATS, widget=forms.RadioSelect, initial="summary_pdf")
    year = forms.TypedChoiceField(label=_("年度"), coerce=int)
    problems = forms.CharField(
        label=_("存在问题"), required=False, max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 6})
    )
    plans = forms.CharField(
        label=_("下步打算"), required=False, max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()
        self.fields["year"].initial = timezone.localdate().year
        self.fields["year"].widget.attrs["class"] = "form-select"
        for name in ("problems", "plans"):
            self.fields[name].widget.attrs["class"] = "form-control"
