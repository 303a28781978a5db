"""Every write of the archive checks who acts itself (`actor=`), so a caller
that forgets to ask (a command, a new endpoint, the admin) cannot write into a
branch's archive the actor may not edit: refused, and nothing changed. The page
and the API, which call the same services, give the same refusal."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from archives import services
from archives.models import Book, BoxKind, Catalogue, Document
from branches.models import RoleAssignment
from members.scoping import MEMBER_NOT_FOUND
from tests.archives.factories import PDF, catalogue, kind, paper
from tests.branches.factories import CommitteeFactory
from tests.meetings.factories import branch_with_members, committee_for

pytestmark = pytest.mark.django_db
Role = RoleAssignment.Role
BIND_DAY = dt.date(2026, 1, 10)


@pytest.fixture
def world(db, user_with_role, secretary_of):
    """Branch `a` with an archive; the secretary of sibling branch `b` (out of
    scope) and an inspector of the committee above (sees `a`, edits nothing)."""
    committee = CommitteeFactory()
    a, members = branch_with_members(full=4, parent=committee)
    committee_for(a, members[:3], start=dt.date(2022, 1, 1))
    b, others = branch_with_members(full=3, parent=committee)
    cat = catalogue(a, BoxKind.EDUCATION, 2025)
    doc = paper(cat, "edu_plan", "学习教育计划")
    book = services.book_register(branch=a, book_kind=Book.BookKind.MINUTES, year=2025)
    return {
        "a": a,
        "members": members,
        "others": others,
        "cat": cat,
        "doc": doc,
        "book": book,
        "outsider": secretary_of(b),
        "inspector": user_with_role(Role.INSPECTOR, committee),
        "secretary": secretary_of(a),
    }


def _snapshot(a) -> tuple:
    """Everything the archive holds for branch `a`, and the files on disk."""
    media = Path(settings.MEDIA_ROOT)
    return (
        sorted(Catalogue.objects.filter(branch=a).values_list("id", "box_kind", "year", "last_number", "bound_at")),
        sorted(
            Document.objects.filter(branch=a).values_list("id", "catalogue_id", "number", "title", "note", "version")
        ),
        sorted(Book.objects.filter(branch=a).values_list("id", "book_kind", "year", "member_id")),
        sorted(str(p) for p in media.rglob("*") if p.is_file()) if media.exists() else [],
    )


WRITES = {
    "document_add": lambda w, actor: services.document_add(
        catalogue=w["cat"],
        doc_kind=kind("edu_summary"),
        title="学习教育总结",
        date=dt.date(2025, 12, 1),
        file=SimpleUploadedFile("总结.pdf", PDF, "application/pdf"),
        actor=actor,
    ),
    "document_upload": lambda w, actor: services.document_upload(
        branch=w["a"],
        box_kind=BoxKind.MASS_CULTURE,
        year=2025,
        doc_kind=kind("mass_visits"),
        title="走访记录",
        date=dt.date(2025, 1, 20),
        file=SimpleUploadedFile("走访.pdf", PDF, "application/pdf"),
        actor=actor,
    ),
    "document_update": lambda w, actor: services.document_update(w["doc"], title="改名", note="备注", actor=actor),
    "document_delete": lambda w, actor: services.document_delete(w["doc"], actor=actor),
    "catalogue_bind": lambda w, actor: services.catalogue_bind(w["cat"], actor=actor, today=BIND_DAY),
    "catalogue_open": lambda w, actor: services.catalogue_open(
        branch=w["a"], box_kind=BoxKind.LIFE, year=2025, actor=actor
    ),
    "book_register": lambda w, actor: services.book_register(
        branch=w["a"], book_kind=Book.BookKind.STUDY_NOTES, year=2025, member=w["members"][0], actor=actor
    ),
    "books_register_year": lambda w, actor: services.books_register_year(branch=w["a"], year=2025, actor=actor),
    "book_delete": lambda w, actor: services.book_delete(w["book"], actor=actor),
}


@pytest.mark.parametrize("who", ["outsider", "inspector"])
@pytest.mark.parametrize("write", sorted(WRITES))
def test_a_write_by_an_actor_who_may_not_edit_the_branch_is_refused_and_changes_nothing(world, write, who):
    before = _snapshot(world["a"])
    with pytest.raises(PermissionDenied):
        WRITES[write](world, world[who])
    assert _snapshot(world["a"]) == before


@pytest.mark.parametrize("write", sorted(WRITES))
def test_the_same_write_by_the_branch_secretary_goes_through(world, write):
    before = _snapshot(world["a"])
    WRITES[write](world, world["secretary"])
    assert _snapshot(world["a"]) != before


def test_the_actor_is_recorded_as_who_registered_and_who_bound(world):
    secretary = world["secretary"]
    doc = WRITES["document_upload"](world, secretary)
    book = WRITES["book_register"](world, secretary)
    cat = services.catalogue_bind(world["cat"], actor=secretary, today=BIND_DAY)
    assert (doc.created_by, book.created_by, cat.bound_by) == (secretary, secretary, secretary)
    assert world["doc"].created_by is None and world["book"].created_by is None  # system callers (actor=None)


def test_a_book_for_a_member_of_another_branch_names_nobody(world):
    stranger = world["others"][0]
    with pytest.raises(ValidationError) as refused:
        services.book_register(
            branch=world["a"],
            book_kind=Book.BookKind.STUDY_NOTES,
            year=2025,
            member=stranger,
            actor=world["secretary"],
        )
    assert refused.value.message_dict == {"member": [str(MEMBER_NOT_FOUND)]}
    assert stranger.name not in str(refused.value)


@pytest.mark.parametrize("who, status", [("inspector", 403), ("outsider", 404)])
def test_the_page_and_the_api_refuse_an_upload_into_another_branchs_archive_alike(
    client, api_client, world, who, status
):
    """Read-only (the inspector): 403 with the same Chinese words on both; out of
    scope (another branch's secretary): 404 on both, naming nothing. Either way
    no catalogue is opened and no file is left behind."""
    a, user = world["a"], world[who]
    before = _snapshot(a)

    client.force_login(user)
    page = client.post(
        reverse("archive_box", args=[a.pk, 2025, BoxKind.MASS_CULTURE]),
        {
            "doc_kind": kind("mass_visits").pk,
            "title": "走访记录",
            "date": "2025-01-20",
            "file": SimpleUploadedFile("走访.pdf", PDF, "application/pdf"),
        },
    )
    api_client.force_authenticate(user)
    api = api_client.post(
        "/api/v1/archive-documents/",
        {
            "branch": a.pk,
            "year": 2025,
            "doc_kind": "mass_visits",
            "title": "走访记录",
            "date": "2025-01-20",
            "file": SimpleUploadedFile("走访.pdf", PDF, "application/pdf"),
        },
        format="multipart",
    )

    assert (page.status_code, api.status_code) == (status, status)
    assert _snapshot(a) == before
    if status == 403:
        assert "您没有查看或修改此内容的权限" in page.content.decode()
        assert api.json()["detail"] == "您没有执行该操作的权限。"
    else:
        assert api.json()["detail"] == "未找到该记录，或您无权访问。"
    for text in (a.name, *(m.name for m in world["members"])):
        assert text not in page.content.decode() and text not in api.content.decode()
