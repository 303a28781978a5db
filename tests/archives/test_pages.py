"""The archive pages: the shelf, a box with its catalogue, uploads (types and
sizes limited), documents served only through the scoping selector, and the
catalogue as a PDF with an embedded CJK font."""

import datetime as dt
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from archives import services
from archives.models import Book, BoxKind, Catalogue, Document
from branches.models import RoleAssignment
from tests.archives.factories import PDF, PNG, bind, catalogue, kind, paper
from tests.branches.factories import CommitteeFactory
from tests.meetings.factories import branch_with_members, committee_for

pytestmark = pytest.mark.django_db
Role = RoleAssignment.Role


@pytest.fixture
def branch(db):
    branch, members = branch_with_members(full=4)
    committee_for(branch, members[:3], start=dt.date(2022, 1, 1))
    return branch


def upload(client, branch, year=2025, box=BoxKind.EDUCATION, **data):
    payload = {"doc_kind": kind("edu_plan").pk, "title": "学习教育计划", "date": f"{year}-02-01"}
    payload.update(data)
    return client.post(reverse("archive_box", args=[branch.pk, year, box]), payload)


# ---------------------------------------------------------------- shelf and box


def test_the_shelf_shows_books_boxes_and_what_is_missing(client, secretary_of, branch):
    client.force_login(secretary_of(branch))
    home = client.get(reverse("archive_home"), {"year": 2025})  # a branch user goes straight to their shelf
    assert home.status_code == 302 and home.url == f"{reverse('archive_shelf', args=[branch.pk])}?year=2025"
    response = client.get(reverse("archive_shelf", args=[branch.pk]), {"year": 2025})
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("三本", "党支部会议记录本", "党员学习笔记本", "组织生活档案盒", "群团文化档案盒", "党费证（一证）"):
        assert text in html
    assert "缺：上级文件、学习教育计划、学习教育总结" in html

    response = client.post(reverse("archive_books_register", args=[branch.pk, 2025]), follow=True)
    assert "已登记5本记录本" in response.content.decode()  # the 会议记录本 and 4 学习笔记本 (no 党小组)
    assert Book.objects.filter(branch=branch, year=2025).count() == 5
    shelf = client.get(reverse("archive_shelf", args=[branch.pk]), {"year": 2025}).content.decode()
    assert "4/4" in shelf


def test_uploading_into_a_box_numbers_the_catalogue_and_overflows_into_box_two(client, secretary_of, branch):
    client.force_login(secretary_of(branch))
    Catalogue.objects.all().delete()
    cat = catalogue(branch, BoxKind.EDUCATION, 2025)
    Catalogue.objects.filter(pk=cat.pk).update(capacity=2)

    for i in range(3):
        response = upload(client, branch, title=f"计划{i}")
        assert response.status_code == 302, response.content.decode()[:2000]
    response = upload(client, branch, title="扫描件", file=SimpleUploadedFile("计划.pdf", PDF, "application/pdf"))
    assert response.status_code == 302

    page = client.get(reverse("archive_box", args=[branch.pk, 2025, BoxKind.EDUCATION])).content.decode()
    assert 'data-number="4"' in page and "共2盒" in page
    assert list(Document.objects.order_by("number").values_list("number", "title")) == [
        (1, "计划0"),
        (2, "计划1"),
        (3, "计划2"),
        (4, "扫描件"),
    ]
    assert [d.volume for d in Document.objects.select_related("catalogue").order_by("number")] == [1, 1, 2, 2]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("病毒.exe", b"MZ\x90\x00", "格式不允许"),
        ("假的.pdf", b"GIF89a....", "内容与其格式不符"),
        ("大文件.pdf", b"%PDF-" + b"0" * 3000, "超过"),
    ],
)
def test_uploads_are_limited_in_type_and_size(client, secretary_of, branch, settings, name, content, message):
    settings.ARCHIVES_UPLOAD_MAX_BYTES = 2048
    client.force_login(secretary_of(branch))
    response = upload(client, branch, file=SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Document.objects.exists()


def test_deleting_an_unbound_upload_closes_the_gap(client, secretary_of, branch):
    client.force_login(secretary_of(branch))
    cat = catalogue(branch, BoxKind.EDUCATION, 2025)
    first = paper(cat, "edu_plan", "一")
    paper(cat, "edu_plan", "二")
    response = client.post(reverse("archive_document_delete", args=[first.pk]), follow=True)
    assert "序号依次前移" in response.content.decode()
    assert list(cat.documents.values_list("number", "title")) == [(1, "二")]


def test_a_filed_record_cannot_be_deleted_from_the_catalogue_by_hand(client, secretary_of, branch):
    from meetings import services as meeting_services
    from tests.meetings.factories import at

    client.force_login(secretary_of(branch))
    meeting = meeting_services.meeting_record(
        branch=branch, kinds=["theme_day"], held_at=at(dt.date(2025, 5, 1)), topic="主题"
    )
    doc = Document.objects.get(source_id=meeting.pk)
    response = client.post(reverse("archive_document_delete", args=[doc.pk]), follow=True)
    assert "自动归档" in response.content.decode() and Document.objects.filter(pk=doc.pk).exists()
    box = client.get(reverse("archive_box", args=[branch.pk, 2025, BoxKind.LIFE])).content.decode()
    assert reverse("meeting_detail", args=[meeting.pk]) in box
    assert client.get(reverse("archive_box", args=[branch.pk, 1999, BoxKind.LIFE])).status_code == 404
    response = client.post(reverse("archive_document_edit", args=[doc.pk]), {"pages": 3, "note": "含签到表", "version": doc.version})
    assert response.status_code == 302
    doc.refresh_from_db()
    assert (doc.pages, doc.note, doc.title) == (3, "含签到表", "主题党日活动记录：主题")


def test_the_box_page_offers_binding_only_once_the_year_is_over(client, secretary_of, branch):
    client.force_login(secretary_of(branch))
    year = timezone.localdate().year
    cat = catalogue(branch, BoxKind.EDUCATION, year)
    paper(cat, "edu_plan", day=dt.date(year, 1, 2))
    page = client.get(reverse("archive_box", args=[branch.pk, year, BoxKind.EDUCATION])).content.decode()
    assert f"{year + 1}-01-01起可合订" in page and reverse("archive_catalogue_bind", args=[cat.pk]) not in page
    response = client.post(reverse("archive_catalogue_bind", args=[cat.pk]), follow=True)
    assert "尚未结束" in response.content.decode()
    cat.refresh_from_db()
    assert not cat.is_bound


def test_binding_from_the_box_page(client, secretary_of, branch):
    client.force_login(secretary_of(branch))
    cat = catalogue(branch, BoxKind.EDUCATION, 2024)
    paper(cat, "edu_plan")
    response = client.post(reverse("archive_catalogue_bind", args=[cat.pk]), {"note": "年度合订"}, follow=True)
    assert "目录已合订" in response.content.decode()
    cat.refresh_from_db()
    assert cat.is_bound and cat.bind_note == "年度合订"
    assert "添加补充件" in response.content.decode()


# ---------------------------------------------------------------- scoping


def test_documents_of_another_branch_are_404_whatever_the_guessed_url(client, secretary_of, branch):
    cat = catalogue(branch, BoxKind.EDUCATION, 2025)
    doc = services.document_add(
        catalogue=cat,
        doc_kind=kind("edu_plan"),
        title="计划",
        date=dt.date(2025, 2, 1),
        file=SimpleUploadedFile("计划.png", PNG, "image/png"),
    )
    other, _ = branch_with_members(full=3)
    client.force_login(secretary_of(other))
    for url in (
        reverse("archive_document_file", args=[doc.pk]),
        reverse("archive_document_edit", args=[doc.pk]),
        reverse("archive_catalogue_pdf", args=[cat.pk]),
        reverse("archive_catalogue", args=[cat.pk]),
        reverse("archive_shelf", args=[branch.pk]),
        reverse("archive_box", args=[branch.pk, 2025, BoxKind.EDUCATION]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("archive_document_delete", args=[doc.pk])).status_code == 404
    assert client.post(reverse("archive_catalogue_bind", args=[cat.pk])).status_code == 404
    # the file is not under a public URL either
    assert client.get(f"/media/{doc.file.name}").status_code == 404

    client.force_login(secretary_of(branch))
    response = client.get(reverse("archive_document_file", args=[doc.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_read_only_inspector_sees_the_archive_but_cannot_change_it(client, user_with_role, branch):
    cat = catalogue(branch, BoxKind.EDUCATION, 2024)
    doc = paper(cat, "edu_plan")
    client.force_login(user_with_role(Role.INSPECTOR, branch.parent))
    assert client.get(reverse("archive_shelf", args=[branch.pk])).status_code == 200
    page = client.get(reverse("archive_box", args=[branch.pk, 2024, BoxKind.EDUCATION])).content.decode()
    assert "学习教育计划" in page and "归入目录" not in page
    assert upload(client, branch, year=2024).status_code == 403
    assert client.post(reverse("archive_catalogue_bind", args=[cat.pk])).status_code == 403
    assert client.post(reverse("archive_document_delete", args=[doc.pk])).status_code == 403
    assert client.post(reverse("archive_books_register", args=[branch.pk, 2024])).status_code == 403


def test_anonymous_users_are_sent_to_login(client, branch):
    doc = paper(catalogue(branch, BoxKind.EDUCATION, 2025), "edu_plan")
    response = client.get(reverse("archive_document_file", args=[doc.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_overview_of_many_branches_takes_a_fixed_number_of_queries(client, user_with_role):
    def queries(n):
        committee = CommitteeFactory()
        for _ in range(n):
            b, _m = branch_with_members(full=2, parent=committee)
            paper(catalogue(b, BoxKind.EDUCATION, 2025), "edu_plan")
        client.force_login(user_with_role(Role.COMMITTEE_ADMIN, committee))
        url = reverse("archive_home")
        client.get(url, {"year": 2025})  # warm up
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"year": 2025})
        assert response.content.decode().count("<tr data-branch=") == n
        return len(ctx.captured_queries)

    assert queries(3) == queries(30)


# ---------------------------------------------------------------- the catalogue PDF


def test_the_catalogue_pdf_embeds_a_cjk_font(client, secretary_of, branch, tmp_path):
    assert shutil.which("pdffonts"), "pdffonts (poppler-utils) is missing: run `make test`, which installs it"
    cat = catalogue(branch, BoxKind.LIFE, 2024)
    paper(cat, "life_plan", "2024年度三会一课及主题党日计划")
    paper(cat, "life_secretary_report", "书记抓党建工作述职报告", pages=6)
    bind(cat)
    paper(cat, "life_other", "关于述职报告的更正说明", addendum_reason="补入遗漏页")
    client.force_login(secretary_of(branch))

    response = client.get(reverse("archive_catalogue_pdf", args=[cat.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert f'filename="catalogue-2024-branch-{branch.pk}-life.pdf"' in response["Content-Disposition"]
    content = response.content
    assert content.startswith(b"%PDF-")
    path = tmp_path / "catalogue.pdf"
    path.write_bytes(content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    cjk = [r for r in rows if any(name in r[0] for name in ("WenQuanYi", "WenQuanYiMicroHei", "NotoSansCJK", "Noto"))]
    assert cjk, fonts
    # pdffonts columns: name type encoding emb sub uni object ID — embedded must be "yes"
    assert all("yes" in r[-5:-2] for r in cjk), fonts
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "组织生活档案盒目录" in text and "补充件" in text and "书记抓党建工作述职报告" in text
