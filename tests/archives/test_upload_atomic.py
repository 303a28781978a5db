"""One transaction per upload: a rejected upload into a box that has no
catalogue yet leaves nothing behind, not even an empty catalogue — through
the page, the API and the service."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from archives import services
from archives.models import BoxKind, Catalogue, Document, DocumentKind
from tests.archives.factories import PDF
from tests.meetings.factories import branch_with_members

pytestmark = pytest.mark.django_db
YEAR = 2025


@pytest.fixture
def branch(db):
    return branch_with_members(full=2)[0]


def bad_files():
    return [
        SimpleUploadedFile("脚本.html", b"<script>alert(1)</script>", "text/html"),  # type not allowed
        SimpleUploadedFile("改名.pdf", b"MZ\x90\x00not a pdf", "application/pdf"),  # content is not a PDF
    ]


def test_the_service_opens_no_catalogue_for_a_rejected_upload(branch):
    kind = DocumentKind.objects.get(code="mass_visits")
    for bad in bad_files():
        with pytest.raises(ValidationError):
            services.document_upload(
                branch=branch,
                box_kind=kind.box_kind,
                year=YEAR,
                doc_kind=kind,
                title="记录",
                date=dt.date(YEAR, 1, 20),
                file=bad,
            )
    with pytest.raises(ValidationError):  # a future date
        services.document_upload(
            branch=branch,
            box_kind=kind.box_kind,
            year=YEAR,
            doc_kind=kind,
            title="记录",
            date=dt.date.today() + dt.timedelta(days=3),
        )
    assert not Catalogue.objects.filter(branch=branch).exists()
    doc = services.document_upload(
        branch=branch,
        box_kind=kind.box_kind,
        year=YEAR,
        doc_kind=kind,
        title="记录",
        date=dt.date(YEAR, 1, 20),
        file=SimpleUploadedFile("记录.pdf", PDF, "application/pdf"),
    )
    assert doc.number == 1 and Catalogue.objects.filter(branch=branch).count() == 1


def test_a_rejected_api_upload_leaves_no_empty_catalogue(api_client, secretary_of, branch):
    api_client.force_authenticate(secretary_of(branch))
    for bad in bad_files():
        response = api_client.post(
            "/api/v1/archive-documents/",
            {
                "branch": branch.pk,
                "year": YEAR,
                "doc_kind": "mass_visits",
                "title": "记录",
                "date": "2025-01-20",
                "file": bad,
            },
            format="multipart",
        )
        assert response.status_code == 400 and response.json()["errors"]["file"]
    assert not Catalogue.objects.filter(branch=branch).exists()
    response = api_client.post(
        "/api/v1/archive-documents/",
        {
            "branch": branch.pk,
            "year": YEAR,
            "doc_kind": "mass_visits",
            "title": "记录",
            "date": "2025-01-20",
            "file": SimpleUploadedFile("记录.pdf", PDF, "application/pdf"),
        },
        format="multipart",
    )
    assert response.status_code == 201
    assert Catalogue.objects.filter(branch=branch).count() == 1 and Document.objects.filter(branch=branch).count() == 1


def test_a_rejected_page_upload_leaves_no_empty_catalogue(client, secretary_of, branch):
    client.force_login(secretary_of(branch))
    kind = DocumentKind.objects.get(code="mass_visits")
    box = reverse("archive_box", args=[branch.pk, YEAR, kind.box_kind])
    for bad in bad_files():
        response = client.post(box, {"doc_kind": kind.pk, "title": "记录", "date": "2025-01-20", "file": bad})
        assert response.status_code == 400
    assert not Catalogue.objects.filter(branch=branch).exists()
    response = client.post(
        box,
        {
            "doc_kind": kind.pk,
            "title": "记录",
            "date": "2025-01-20",
            "file": SimpleUploadedFile("记录.pdf", PDF, "application/pdf"),
        },
    )
    assert response.status_code == 302
    assert Catalogue.objects.filter(branch=branch, box_kind=BoxKind.MASS_CULTURE).count() == 1
