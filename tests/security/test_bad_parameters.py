"""Bad query parameters and bodies answer 400/413 with a Chinese message in
the API's JSON format (pages: a 400 page) — never a 500, never silently
ignored (issue P12, item 7). The schemathesis run covers the rest."""

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

BAD_YEARS = ["-1", "0", "10000", "99999999999999999999", "2025.5", "abc"]
YEAR_READERS = [
    "/api/v1/meetings/?year={}",
    "/api/v1/dues/?year={}",
    "/api/v1/trainings/?year={}",
    "/api/v1/study-hours/?year={}",
    "/api/v1/compliance/?year={}",
    "/api/v1/talks/?date__year={}",
    "/api/v1/member-reports/?date__year={}",
]


@pytest.fixture
def secretary_client(client, secretary_of, tree):  # noqa: F811
    client.force_login(secretary_of(tree.a))
    return client


def assert_chinese_400(response, field=None, status=400):
    assert response.status_code == status, (response.status_code, response.content[:300])
    body = response.json()
    assert set(body) == {"detail", "errors"}
    text = json.dumps(body, ensure_ascii=False)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text
    if field:
        assert field in body["errors"], body


@pytest.mark.parametrize("url", YEAR_READERS)
def test_year_parameters_are_validated(secretary_client, url):
    for year in BAD_YEARS:
        response = secretary_client.get(url.format(year))
        field = url.split("?")[1].split("=")[0]
        assert_chinese_400(response, field)
        assert "年份应为1900至2100之间的整数" in response.json()["errors"][field][0]
    assert secretary_client.get(url.format("2025")).status_code == 200


def test_a_bad_date_filter_is_a_400_not_ignored(secretary_client):
    assert_chinese_400(secretary_client.get("/api/v1/meetings/?date_after=notadate"), "date_after")
    page = secretary_client.get("/meetings/?date_from=notadate")
    assert page.status_code == 400 and "有效的日期" in page.content.decode()


@pytest.mark.parametrize("url", ["/meetings/talks/", "/meetings/reports/"])
def test_pages_answer_bad_ids_and_years_with_400(secretary_client, url):
    for query in ("branch=abc", "branch=1e5", "year=-1", "year=99999999999999999999"):
        response = secretary_client.get(f"{url}?{query}")
        assert response.status_code == 400, (query, response.status_code)
        assert "请求有误" in response.content.decode()


def test_archive_document_pages_are_bounded(secretary_client, tree):  # noqa: F811
    body = {"branch": tree.a.pk, "year": 2025, "doc_kind": "minutes", "title": "会议记录", "date": "2025-03-01"}
    response = secretary_client.post("/api/v1/archive-documents/", {**body, "pages": 39732}, content_type="application/json")
    assert_chinese_400(response, "pages")


def test_an_oversized_body_gets_the_json_error_format(secretary_of, tree, settings):  # noqa: F811
    # the CSRF check of a session login reads a form body before any view: the 400 handler answers
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretary_of(tree.a))
    client.cookies["csrftoken"] = "x" * 32
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 100_000)
    response = client.post("/api/v1/party-groups/", f"name={big}", content_type="application/x-www-form-urlencoded")
    assert_chinese_400(response, status=413)
    page = client.post("/members/new/", f"name={big}", content_type="application/x-www-form-urlencoded")
    assert page.status_code == 413 and "提交的数据过大" in page.content.decode()
