"""Helpers for the archive tests. Documents are made through the services
(the numbering and binding rules live there)."""

import datetime as dt

from django.utils import timezone

from archives import filing, services
from archives.models import BoxKind, Catalogue, DocumentKind
from tests.meetings.factories import at

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def kind(code: str) -> DocumentKind:
    return DocumentKind.objects.get(code=code)


def catalogue(branch, box_kind=BoxKind.LIFE, year=2025, term=None) -> Catalogue:
    return services.catalogue_open(branch=branch, box_kind=box_kind, year=year, term=term)


def paper(cat: Catalogue, code: str, title: str = "", day: dt.date | None = None, **kwargs):
    """A paper document registered in a catalogue (no file)."""
    k = kind(code)
    return services.document_add(
        catalogue=cat, doc_kind=k, title=title or k.name, date=day or dt.date(cat.year or 2025, 3, 1), **kwargs
    )


def bind(cat: Catalogue, *, on: dt.date | None = None, actor=None) -> Catalogue:
    """Bind as of a day after the period (the service refuses early binding)."""
    return services.catalogue_bind(cat, actor=actor, today=on or dt.date(2026, 1, 10))


def bind_at(cat: Catalogue, day: dt.date) -> Catalogue:
    """Mark a catalogue bound on a given day (for deadline tests)."""
    Catalogue.objects.filter(pk=cat.pk).update(bound_at=timezone.make_aware(dt.datetime.combine(day, dt.time(10))))
    cat.refresh_from_db()
    return cat


__all__ = ["PDF", "PNG", "at", "bind", "bind_at", "catalogue", "filing", "kind", "paper"]
