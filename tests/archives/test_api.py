"""/api/v1/ of the archive: boxes with their catalogue entries, documents
(upload, download, correct, delete), the 三本, document kinds and
completeness — all scoped (out of scope 404, read-only 403)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from archives.models import BoxKind, Catalogue, Document
from branches.models import RoleAssignment
from tests.archives.factories import PDF, bind, catalogue, paper
from tests.branches.factories import CommitteeFactory, PartyGroupFactory
from tests.meetings.factories import branch_with_members, committee_for

pytestmark = pytest.mark.django_db
Role = RoleAssignment.Role


@pytest.fixture
def tree(db):
    committee = CommitteeFactory()
    a, members = branch_with_members(full=4, parent=committee)
    committee_for(a, members[:3], start=dt.date(2022, 1, 1))
    b, _ = branch_with_members(full=3, parent=committee)
    return committee, a, b


def test_boxes_and_their_numbered_catalogue(api_client, secretary_of, tree):
    _committee, a, b = tree
    cat = catalogue(a, BoxKind.EDUCATION, 2025)
    paper(cat, "edu_plan", "学习计划")
    paper(cat, "edu_summary", "学习总结")
    paper(catalogue(b, BoxKind.EDUCATION, 2025), "edu_plan")
    api_client.force_authenticate(secretary_of(a))

    boxes = api_client.get("/api/v1/archive-boxes/", {"year": 2025}).json()["results"]
    assert [(x["branch"], x["box_kind"], x["documents"], x["volumes"]) for x in boxes] == [(a.pk, "education", 2, 1)]
    entries = api_client.get(f"/api/v1/archive-boxes/{cat.pk}/catalogue/").json()
    assert [(e["number"], e["volume"], e["title"], e["doc_kind"]) for e in entries] == [
        (1, 1, "学习计划", "edu_plan"),
        (2, 1, "学习总结", "edu_summary"),
    ]
    other = Catalogue.objects.get(branch=b)
    assert api_client.get(f"/api/v1/archive-boxes/{other.pk}/").status_code == 404
    assert api_client.get(f"/api/v1/archive-boxes/{other.pk}/catalogue/").status_code == 404


def test_upload_download_correct_and_delete_a_document(api_client, secretary_of, tree):
    _committee, a, b = tree
    api_client.force_authenticate(secretary_of(a))
    response = api_client.post(
        "/api/v1/archive-documents/",
        {
            "branch": a.pk,
            "year": 2025,
            "doc_kind": "mass_visits",
            "title": "走访慰问记录",
            "date": "2025-01-20",
            "pages": 2,
            "file": SimpleUploadedFile("走访.pdf", PDF, "application/pdf"),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["box_kind"], body["number"], body["mime_type"], body["has_file"]) == (
        "mass_culture",
        1,
        "application/pdf",
        True,
    )
    download = api_client.get(body["download_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF

    doc_id = body["id"]
    assert (
        api_client.patch(
            f"/api/v1/archive-documents/{doc_id}/", {"title": "走访慰问困难党员记录", "version": 1}, format="json"
        ).json()["title"]
        == "走访慰问困难党员记录"
    )
    assert api_client.delete(f"/api/v1/archive-documents/{doc_id}/").status_code == 204
    assert not Document.objects.exists()

    # another branch: 404 for the branch, and for its documents whatever the id
    response = api_client.post(
        "/api/v1/archive-documents/",
        {"branch": b.pk, "year": 2025, "doc_kind": "mass_visits", "title": "x", "date": "2025-01-20"},
        format="json",
    )
    assert response.status_code == 404
    foreign = paper(catalogue(b, BoxKind.MASS_CULTURE, 2025), "mass_visits")
    for method, url in (
        ("get", f"/api/v1/archive-documents/{foreign.pk}/"),
        ("get", f"/api/v1/archive-documents/{foreign.pk}/download/"),
        ("patch", f"/api/v1/archive-documents/{foreign.pk}/"),
        ("delete", f"/api/v1/archive-documents/{foreign.pk}/"),
    ):
        assert getattr(api_client, method)(url).status_code == 404, url


def test_uploads_through_the_api_are_limited_in_type(api_client, secretary_of, tree):
    _committee, a, _b = tree
    api_client.force_authenticate(secretary_of(a))
    response = api_client.post(
        "/api/v1/archive-documents/",
        {
            "branch": a.pk,
            "year": 2025,
            "doc_kind": "mass_visits",
            "title": "记录",
            "date": "2025-01-20",
            "file": SimpleUploadedFile("脚本.html", b"<script>alert(1)</script>", "text/html"),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert "格式不允许" in response.json()["errors"]["file"][0]


def test_read_only_users_get_403_for_writes(api_client, user_with_role, tree):
    committee, a, _b = tree
    cat = catalogue(a, BoxKind.EDUCATION, 2024)
    doc = paper(cat, "edu_plan")
    api_client.force_authenticate(user_with_role(Role.INSPECTOR, committee))
    assert api_client.get(f"/api/v1/archive-documents/{doc.pk}/").status_code == 200
    assert api_client.patch(f"/api/v1/archive-documents/{doc.pk}/", {"note": "x"}, format="json").status_code == 403
    assert api_client.delete(f"/api/v1/archive-documents/{doc.pk}/").status_code == 403
    assert api_client.post(f"/api/v1/archive-boxes/{cat.pk}/bind/", {}, format="json").status_code == 403
    response = api_client.post(
        "/api/v1/archive-documents/",
        {"catalogue": cat.pk, "doc_kind": "edu_plan", "title": "x", "date": "2024-01-20"},
        format="json",
    )
    assert response.status_code == 403
    assert api_client.post("/api/v1/archive-books/register-year/", {"branch": a.pk, "year": 2024}).status_code == 403


def test_binding_through_the_api(api_client, secretary_of, tree):
    _committee, a, _b = tree
    cat = catalogue(a, BoxKind.EDUCATION, 2024)
    paper(cat, "edu_plan")
    api_client.force_authenticate(secretary_of(a))
    response = api_client.post(f"/api/v1/archive-boxes/{cat.pk}/bind/", {"note": "合订"}, format="json")
    assert response.status_code == 200 and response.json()["is_bound"] is True
    again = api_client.post(f"/api/v1/archive-boxes/{cat.pk}/bind/", {}, format="json")
    assert again.status_code == 400 and "已于" in str(again.json()["errors"])


def test_the_api_refuses_to_bind_a_year_that_has_not_ended(api_client, secretary_of, tree):
    _committee, a, _b = tree
    year = timezone.localdate().year
    cat = catalogue(a, BoxKind.EDUCATION, year)
    paper(cat, "edu_plan", day=dt.date(year, 1, 2))
    api_client.force_authenticate(secretary_of(a))
    response = api_client.post(f"/api/v1/archive-boxes/{cat.pk}/bind/", {}, format="json")
    assert response.status_code == 400
    assert f"{year}年度尚未结束，{year + 1}-01-01起才能合订" in str(response.json()["errors"])
    cat.refresh_from_db()
    assert not cat.is_bound


def test_books_register_the_year_and_list(api_client, secretary_of, tree):
    _committee, a, _b = tree
    PartyGroupFactory(branch=a)
    api_client.force_authenticate(secretary_of(a))
    response = api_client.post("/api/v1/archive-books/register-year/", {"branch": a.pk, "year": 2025}, format="json")
    assert response.status_code == 201
    assert sorted(b["book_kind"] for b in response.json()) == ["group_minutes", "minutes", *["study_notes"] * 4]
    dup = api_client.post(
        "/api/v1/archive-books/", {"branch": a.pk, "book_kind": "minutes", "year": 2025}, format="json"
    )
    assert dup.status_code == 400 and "已登记" in str(dup.json()["errors"])
    assert api_client.get("/api/v1/archive-books/", {"year": 2025}).json()["count"] == 6


def test_completeness_per_branch_and_for_many_in_fixed_queries(api_client, user_with_role, secretary_of, tree):
    committee, a, b = tree
    paper(catalogue(a, BoxKind.EDUCATION, 2025), "edu_plan")
    api_client.force_authenticate(secretary_of(a))
    body = api_client.get(f"/api/v1/archive-completeness/{a.pk}/", {"year": 2025}).json()
    education = next(x for x in body["boxes"] if x["box_kind"] == "education")
    assert education["missing"] == ["上级文件", "学习教育总结"] and education["kinds"]
    assert set(body["dues_cards"]) == {"expected", "present", "complete", "missing"}
    assert body["books_complete"] is False
    assert api_client.get(f"/api/v1/archive-completeness/{b.pk}/", {"year": 2025}).status_code == 404
    assert api_client.get(f"/api/v1/archive-completeness/{a.pk}/", {"year": "abc"}).status_code == 400

    def run(n):
        parent = CommitteeFactory()
        for _ in range(n):
            branch, _m = branch_with_members(full=2, parent=parent)
            paper(catalogue(branch, BoxKind.EDUCATION, 2025), "edu_plan")
        api_client.force_authenticate(user_with_role(Role.COMMITTEE_ADMIN, parent))
        with CaptureQueriesContext(connection) as ctx:
            response = api_client.get("/api/v1/archive-completeness/", {"year": 2025, "within": parent.pk})
        assert response.json()["count"] == n
        return len(ctx.captured_queries)

    assert run(3) == run(25)


def test_document_kinds_are_listed_with_their_checklist(api_client, secretary_of, tree):
    api_client.force_authenticate(secretary_of(tree[1]))
    kinds = api_client.get("/api/v1/archive-document-kinds/", {"box_kind": "life", "required": True}).json()
    assert {k["code"] for k in kinds} >= {"life_assembly", "life_theme_day", "life_secretary_report"}


def test_a_bound_catalogue_lists_addenda_after_its_entries(api_client, secretary_of, tree):
    _committee, a, _b = tree
    cat = catalogue(a, BoxKind.EDUCATION, 2024)
    first = paper(cat, "edu_plan")
    bind(cat)
    paper(cat, "edu_other", "更正", addendum_reason="日期有误", corrects=first)
    api_client.force_authenticate(secretary_of(a))
    entries = api_client.get(f"/api/v1/archive-boxes/{cat.pk}/catalogue/").json()
    assert [(e["number"], e["is_addendum"], e["corrects_number"]) for e in entries] == [(1, False, None), (2, True, 1)]
