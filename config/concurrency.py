"""Optimistic concurrency (SPEC §10: concurrent edits never silently
overwrite each other). Every editable record carries a `version` integer:

- services call `claim_version(instance, expected)` inside their transaction
  before writing: one conditional UPDATE (… SET version = version + 1 WHERE
  pk = … AND version = expected). No row → `StaleEdit`. The row stays locked
  until the transaction ends, so of two writers holding the same version one
  wins and the other fails. A write not made from a form (`expected=None`)
  still moves the version on, so forms opened before it go stale;
- the API requires the version being edited (body `version` or `If-Match`,
  the ETag of the read) and answers 409 when it is stale
  (`config.api.VersionedUpdateMixin`);
- forms carry it as a hidden field (`VersionedForm`); the loser sees
  `STALE_MESSAGE` on the form and keeps their input."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

STALE_MESSAGE = _("该记录已被他人修改，您的修改未保存。请刷新查看最新内容后重新提交。")


class StaleEdit(ValidationError):
    """The version a write was based on is no longer the record's version."""

    def __init__(self, message=None):
        super().__init__(message or STALE_MESSAGE, code="stale")


def version_field():
    return models.PositiveIntegerField(_("版本"), default=1, editable=False)


def claim_version(instance, expected: int | None) -> int:
    """Move `instance`'s version on by one if it still is `expected` (any
    version if None), else raise StaleEdit. Call inside `transaction.atomic`
    before saving the instance; sets and returns the new version."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim_version must run inside transaction.atomic")
    rows = type(instance)._base_manager.filter(pk=instance.pk)
    if expected is not None:
        rows = rows.filter(version=expected)
    if not rows.update(version=F("version") + 1):
        raise StaleEdit()
    if expected is None:
        expected = type(instance)._base_manager.filter(pk=instance.pk).values_list("version", flat=True).get() - 1
    instance.version = expected + 1
    return instance.version


class VersionedForm(forms.Form):
    """A hidden `version` on the edit form of a versioned record: the view
    passes `version=<record's version>` (on GET and POST alike; a create form
    passes nothing and has no such field) and hands `service_data()` to the
    service, which gets the posted version as `expected_version`. Mix it in
    first: `class XForm(VersionedForm, BootstrapForm)`."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if version is None:
            self.fields.pop("version", None)
        else:
            self.fields["version"].initial = version

    def clean_version(self):
        value = self.cleaned_data.get("version")
        if value is None:  # an edit posted without the version it was based on
            raise ValidationError(STALE_MESSAGE, code="stale")
        return value

    def service_data(self) -> dict:
        """cleaned_data with `version` renamed `expected_version` (absent on a create form)."""
        data = dict(self.cleaned_data)
        if "version" in data:
            data["expected_version"] = data.pop("version")
        return data
