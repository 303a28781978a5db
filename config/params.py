"""Query parameters validated in one place (issue P12 item 7): the year every
page and endpoint reads, ids given as text, and the FilterSet base that bounds
`__year` lookups. A bad value is a 400 with a Chinese message — never a 500,
never silently ignored."""

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import BadRequest, ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as drf_filters

SMALLINT_MAX = 32767  # the largest value of a (Positive)SmallIntegerField on every supported database


def year_bounds() -> tuple[int, int]:
    """The years a query may ask for (setting QUERY_YEAR_RANGE, default 1900–2100)."""
    low, high = getattr(settings, "QUERY_YEAR_RANGE", (1900, 2100))
    return int(low), int(high)


def year_message() -> str:
    low, high = year_bounds()
    return gettext("年份应为%(low)s至%(high)s之间的整数。") % {"low": low, "high": high}


class YearField(forms.IntegerField):
    def __init__(self, **kwargs):
        low, high = year_bounds()
        kwargs.setdefault("min_value", low)
        kwargs.setdefault("max_value", high)
        message = _("年份应为%(low)s至%(high)s之间的整数。") % {"low": low, "high": high}
        kwargs.setdefault("error_messages", {"invalid": message, "min_value": message, "max_value": message})
        super().__init__(**kwargs)


class YearFilter(django_filters.NumberFilter):
    """A year filter (`field_name="date__year"` and the like) within `year_bounds`."""

    field_class = YearField


class FilterSet(drf_filters.FilterSet):
    """The base of every API FilterSet (through `config.api.FilterBackend`):
    `__year` lookups generated from `filterset_fields` are bounded years."""

    @classmethod
    def filter_for_field(cls, field, field_name, lookup_expr=None):
        generated = super().filter_for_field(field, field_name, lookup_expr)
        if lookup_expr and lookup_expr.split("__")[0] in ("year", "iso_year"):
            return YearFilter(field_name=field_name, lookup_expr=lookup_expr, label=generated.label)
        return generated


def year_param(raw, *, default: int | None = None) -> int:
    """A validated year from a query string value; empty → `default` (this
    year if None). Raises django's ValidationError with the Chinese message."""
    if raw in (None, ""):
        return default if default is not None else timezone.localdate().year
    try:
        return YearField().clean(raw)
    except ValidationError:
        raise ValidationError(year_message(), code="invalid") from None


def page_year(request, name: str = "year", *, default: int | None = None) -> int:
    """`year_param` for a page: a bad value answers 400 (`config.errors`)."""
    try:
        return year_param(request.GET.get(name), default=default)
    except ValidationError as exc:
        raise BadRequest(exc.messages[0]) from None


def page_id(raw, name: str) -> int:
    """An object id given as text on a page (?branch=…): 400 if not an id."""
    text = str(raw).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise BadRequest(gettext("参数 %(name)s 应为对象ID（正整数）。") % {"name": name})
    return int(text)


def filter_status(form) -> int:
    """The status of a list page with a filter form: 400 when a filter value
    did not validate (the page still shows, with the field's Chinese error)."""
    return 400 if form.is_bound and not form.is_valid() else 200
