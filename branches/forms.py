"""Forms of the org pages. They parse and check input, then the view calls a
service; business rules live in the services and models, whose
ValidationErrors are put back on the form by `add_service_errors`."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.forms.boundfield import BoundField
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from members.models import Member

from .models import CommitteeTerm, Election, ElectionCandidate, OrgUnit, PartyGroup, RoleTenure, TermAdjustment


class DateInput(forms.DateInput):
    """The browser's date picker (good on phones); ISO values are what it sends."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs=attrs, format=format)


class BootstrapBoundField(BoundField):
    """Adds Bootstrap's classes to every widget, and `is-invalid` on errors."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        if self.errors:
            css += " is-invalid"
        attrs["class"] = " ".join(c for c in (widget.attrs.get("class"), attrs.get("class"), css) if c)
        return attrs


class BootstrapForm(forms.Form):
    """A plain form styled for Bootstrap. `model` + `model_fields` copy field
    definitions (labels, choices, lengths) from a model without tying the form
    to saving it: saving is the service's job."""

    bound_field_class = BootstrapBoundField
    template_name = "branches/partials/form_fields.html"
    model = None
    model_fields: tuple = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.model and self.model_fields:
            declared = dict(self.fields)
            self.fields = model_form_fields(self.model, self.model_fields)
            self.fields.update(declared)
            self.order_fields(self.field_order)


def model_form_fields(model, names) -> dict:
    widgets = {}
    for name in names:
        field = model._meta.get_field(name)
        if isinstance(field, models.DateField):
            widgets[name] = DateInput()
        elif isinstance(field, models.TextField):
            widgets[name] = forms.Textarea(attrs={"rows": 3})
    return dict(fields_for_model(model, fields=names, widgets=widgets))


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: messages keyed by a field the
    form has go under that field, all others at the top of the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        target = field if field in form.fields and field != NON_FIELD_ERRORS else None
        form.add_error(target, ValidationError(errors))


def call_service(form: forms.BaseForm, call):
    """Run `call()`; on a ValidationError put it on the form and return None."""
    try:
        return call()
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


ORG_UNIT_FIELDS = ("name", "kind", "sector", "founded_on", "unit_name", "contact_phone", "address")


class OrgUnitCreateForm(BootstrapForm):
    model = OrgUnit
    model_fields = ORG_UNIT_FIELDS


class OrgUnitUpdateForm(BootstrapForm):
    model = OrgUnit
    model_fields = (*ORG_UNIT_FIELDS, "is_active")

    def __init__(self, *args, can_deactivate: bool, **kwargs):
        """Revoking (撤销) a unit is for those who may set up units under its
        parent; a branch secretary must not lock their own branch away."""
        super().__init__(*args, **kwargs)
        if not can_deactivate:
            del self.fields["is_active"]


class CommitteeTermForm(BootstrapForm):
    model = CommitteeTerm
    model_fields = ("start_date", "seats", "notes")


def branch_party_members(branch: OrgUnit):
    """Members who may lead a group (the rule engine flags a 预备党员 leader)."""
    return Member.objects.filter(branch=branch, status__in=Member.PARTY_STATUSES).order_by("name", "pk")


def branch_full_members(branch: OrgUnit):
    """Members who may stand for election or sit on the committee: 正式党员 only,
    预备党员 have no right to be elected (党章 第七条)."""
    return Member.objects.filter(branch=branch, status=Member.Status.FULL).order_by("name", "pk")


class RoleTenureStartForm(BootstrapForm):
    model = RoleTenure
    model_fields = ("member", "role", "concurrent_role", "start_date")

    def __init__(self, *args, branch: OrgUnit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = branch_full_members(branch)


class RoleTenureEndForm(BootstrapForm):
    model = RoleTenure
    model_fields = ("end_date", "end_reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end_date"].required = True


class ElectionForm(BootstrapForm):
    model = Election
    model_fields = ("kind", "date", "voters_due", "voters_present", "notes")

    seats = forms.IntegerField(
        label=_("应选名额"),
        min_value=1,
        required=False,
        help_text=_("换届选举：经批准的新一届委员职数，不填则沿用本届职数；补选：不填则为本届缺额数。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["voters_due"].help_text = _("有选举权的正式党员数；预备党员没有选举权，不计入。")


class CandidateForm(BootstrapForm):
    model = ElectionCandidate
    model_fields = ("member", "votes", "role")

    def __init__(self, *args, branch: OrgUnit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = branch_full_members(branch)


class BaseCandidateFormSet(forms.BaseFormSet):
    def candidates(self) -> list[dict]:
        """Filled rows in the shape `election_record` takes."""
        return [
            {"member": f.cleaned_data["member"], "votes": f.cleaned_data["votes"], "role": f.cleaned_data["role"]}
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


def candidate_formset(rows: int):
    """A candidates formset class offering `rows` empty rows (at most 30)."""
    return forms.formset_factory(CandidateForm, formset=BaseCandidateFormSet, extra=rows, max_num=30)


class TermAdjustmentForm(BootstrapForm):
    model = TermAdjustment
    model_fields = ("kind", "approver", "approval_date", "document_no", "new_due_end_date", "reason")


class PartyGroupForm(BootstrapForm):
    model = PartyGroup
    model_fields = ("name", "leader")

    def __init__(self, *args, branch: OrgUnit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = branch_party_members(branch)
