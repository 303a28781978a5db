"""The database connection drops in the middle of a request (PostgreSQL restarted,
a failover, a network cut): the request fails cleanly — the page shows the
Chinese error page, the API answers JSON 503 — nothing of it is written, and
the next request succeeds on a new connection.

The connection is cut for real: a second connection ends the request's
backend with pg_terminate_backend. (PostgreSQL only: an SQLite file has no
connection to lose; tests/faults/conftest.py leaves this module out there.)
"""

import psycopg
import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.authtoken.models import Token

from meetings.models import Attendance, Meeting
from meetings.services import meeting as meeting_services

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def cut(conn) -> None:
    """Cut `conn`'s connection from outside, as a server restart does."""
    pid = conn.connection.info.backend_pid
    db = conn.settings_dict
    params = {"dbname": db["NAME"], "user": db["USER"], "password": db["PASSWORD"], "host": db["HOST"],
              "port": db["PORT"]}
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)


@pytest.fixture
def cut_mid_write(monkeypatch):
    """The next meeting_record loses its connection after the meeting row is written,
    before its attendance: the point where a half write would show."""
    write_children = meeting_services._write_children
    cuts = []

    def cut_then_write(prepared, **kwargs):
        if not cuts:
            cuts.append(prepared.meeting.pk)
            cut(connection)
        return write_children(prepared, **kwargs)

    monkeypatch.setattr(meeting_services, "_write_children", cut_then_write)
    return cuts


def form(branch, topic):
    return {"branch": branch.pk, "kinds": ["theme_day"], "date": "2026-03-28", "time": "09:30", "topic": topic,
            "attachment_kind": "photo", "res-TOTAL_FORMS": "0", "res-INITIAL_FORMS": "0"}


def test_a_page_request_cut_mid_write_fails_cleanly_and_the_next_succeeds(data, client, cut_mid_write):
    branch, secretary = data["branch"], data["secretary"]
    client.force_login(secretary)
    client.raise_request_exception = False  # as a real server: the exception becomes the 500 page

    response = client.post(reverse("meeting_create"), form(branch, "断线时的主题党日"))

    assert cut_mid_write, "the connection was not cut"
    assert response.status_code == 500
    assert "系统出错" in response.content.decode()
    assert not Meeting.objects.filter(topic="断线时的主题党日").exists()
    assert not Attendance.objects.filter(meeting_id=cut_mid_write[0]).exists()  # no half write

    response = client.post(reverse("meeting_create"), form(branch, "恢复后的主题党日"))
    assert response.status_code == 302
    meeting = Meeting.objects.get(topic="恢复后的主题党日")
    assert meeting.attendance.count() == 2  # both members of the branch
    assert client.get(reverse("meeting_detail", args=[meeting.pk])).status_code == 200


def test_an_api_request_cut_mid_write_answers_json_503_and_the_next_succeeds(data, api_client, cut_mid_write):
    branch, secretary = data["branch"], data["secretary"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=secretary).key}")
    api_client.raise_request_exception = False
    body = {"branch": branch.pk, "kinds": ["theme_day"], "held_at": "2026-03-28T09:30:00+08:00", "topic": "接口断线"}

    response = api_client.post("/api/v1/meetings/", body, format="json")

    assert cut_mid_write
    assert response.status_code == 503
    assert response.json() == {"detail": "数据库暂时不可用，请稍后重试。", "errors": {}}
    assert response["Retry-After"]
    assert not Meeting.objects.filter(topic="接口断线").exists()
    assert not Attendance.objects.filter(meeting_id=cut_mid_write[0]).exists()

    response = api_client.post("/api/v1/meetings/", body, format="json")
    assert response.status_code == 201, response.content
    assert Meeting.objects.get(topic="接口断线").attendance.count() == 2


def test_a_persistent_connection_dropped_between_requests_is_replaced_by_the_health_check(data, client):
    """CONN_MAX_AGE > 0 keeps the connection between requests; when the server drops it
    meanwhile, CONN_HEALTH_CHECKS replaces it at the start of the next request."""
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    client.force_login(data["secretary"])
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = 60
    try:
        assert client.get(reverse("org_unit", args=[data["branch"].pk])).status_code == 200
        connection.close_if_unusable_or_obsolete()  # what request_finished does: keeps the connection
        assert connection.connection is not None
        cut(connection)
        connection.close_if_unusable_or_obsolete()  # what request_started does: arms the health check
        response = client.get(reverse("org_unit", args=[data["branch"].pk]))
        assert response.status_code == 200
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = 0
