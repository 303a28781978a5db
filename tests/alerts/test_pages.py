"""The notification centre: the unread badge on every page, the list with
filters, mark read (one, all, by opening), only one's own notifications; and
the 党委 page listing the overdue alerts of its subtree."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branches.models import Alert, Notification
from tests.branches.factories import UserFactory

from .conftest import Kind

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 4, 1)


@pytest.fixture
def swept(tree, sweep):
    """On 1 April: March and Q1 meetings overdue in every branch."""
    sweep(DAY)
    return tree


def badge(html: str) -> str | None:
    marker = 'data-testid="unread-badge">'
    if marker not in html:
        return None
    return html.split(marker, 1)[1].split("<", 1)[0]


@pytest.mark.parametrize("page", ["home", "org_tree", "member_list", "meeting_list", "notification_list"])
def test_the_unread_badge_is_in_the_header_of_every_page(client, swept, page):
    unread = Notification.objects.filter(user=swept["secretary"], read_at__isnull=True).count()
    assert unread > 0
    client.force_login(swept["secretary"])

    response = client.get(reverse(page), follow=True)

    assert response.status_code == 200
    assert badge(response.content.decode()) == str(unread)


def test_no_badge_without_unread_notifications(client, swept):
    Notification.objects.update(read_at=dt.datetime(2026, 4, 1, 2, tzinfo=dt.UTC))
    client.force_login(swept["secretary"])

    html = client.get(reverse("org_tree")).content.decode()

    assert badge(html) is None
    assert 'data-testid="nav-notifications"' in html


def test_the_badge_costs_one_count_query(client, swept):
    client.force_login(swept["secretary"])
    client.get(reverse("org_tree"))  # warm up (session, caches)

    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("org_tree"))

    notification_queries = [q["sql"] for q in ctx.captured_queries if "branches_notification" in q["sql"]]
    assert len(notification_queries) == 1 and notification_queries[0].startswith("SELECT COUNT(*)")


def test_anonymous_pages_run_no_notification_query(client, db):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("login"))
    assert response.status_code == 200
    assert not any("branches_notification" in q["sql"] for q in ctx.captured_queries)


def test_the_list_shows_only_my_own_notifications(client, swept):
    client.force_login(swept["secretary"])

    html = client.get(reverse("notification_list")).content.decode()

    assert "甲一支部" in html
    assert "甲二支部" not in html and "乙一支部" not in html  # other branches' alerts go to their own 书记


def test_the_superior_committee_receives_its_branches_overdue_alerts(client, swept):
    client.force_login(swept["admin"])

    html = client.get(reverse("notification_list")).content.decode()

    assert "甲一支部" in html and "甲二支部" in html
    assert "乙一支部" not in html


def test_filters_by_kind_and_state(client, swept):
    user = swept["secretary"]
    first = Notification.objects.filter(user=user).order_by("id").first()
    first.read_at = dt.datetime(2026, 4, 1, 2, tzinfo=dt.UTC)
    first.save()
    client.force_login(user)

    def listed(**params):
        html = client.get(reverse("notification_list"), params).content.decode()
        return html.count("data-notification=")

    total = Notification.objects.filter(user=user).count()
    assert listed() == total
    assert listed(state="read") == 1
    assert listed(state="unread") == total - 1
    assert listed(kind=Kind.TERM_OVERDUE) == 0
    assert listed(kind=Kind.MEETING_OVERDUE, level="overdue") == total


def test_mark_one_read(client, swept):
    user = swept["secretary"]
    n = Notification.objects.filter(user=user).first()
    client.force_login(user)

    response = client.post(reverse("notification_read", args=[n.pk]), {"next": "/alerts/?state=unread"})

    assert response.status_code == 302 and response.url == "/alerts/?state=unread"
    n.refresh_from_db()
    assert n.read_at is not None


def test_someone_elses_notification_is_not_found(client, swept):
    theirs = Notification.objects.filter(user=swept["other_secretary"]).first()
    client.force_login(swept["secretary"])

    assert client.post(reverse("notification_read", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("notification_open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_needs_a_post(client, swept):
    n = Notification.objects.filter(user=swept["secretary"]).first()
    client.force_login(swept["secretary"])

    assert client.get(reverse("notification_read", args=[n.pk])).status_code == 405


def test_mark_all_read_only_touches_my_notifications(client, swept):
    client.force_login(swept["secretary"])

    response = client.post(reverse("notification_read_all"))

    assert response.status_code == 302
    assert not Notification.objects.filter(user=swept["secretary"], read_at__isnull=True).exists()
    assert Notification.objects.filter(user=swept["admin"], read_at__isnull=True).exists()


def test_opening_a_notification_marks_it_read_and_goes_to_the_record(client, swept):
    n = Notification.objects.filter(user=swept["secretary"], alert__kind=Kind.MEETING_OVERDUE).first()
    client.force_login(swept["secretary"])

    response = client.get(reverse("notification_open", args=[n.pk]))

    assert response.status_code == 302
    assert response.url == reverse("meeting_calendar", args=[swept["branch"].pk, 2026])
    n.refresh_from_db()
    assert n.read_at is not None


def test_a_user_without_any_role_sees_an_empty_list(client, swept):
    client.force_login(UserFactory())

    response = client.get(reverse("notification_list"))

    assert response.status_code == 200 and "没有符合条件的通知" in response.content.decode()


def test_login_is_required(client, db):
    response = client.get(reverse("notification_list"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


# ---------------------------------------------------------------- the 党委 dashboard


def test_the_committee_page_lists_the_overdue_alerts_of_its_subtree(client, swept, freeze):
    freeze(DAY)
    client.force_login(swept["admin"])

    html = client.get(reverse("org_unit", args=[swept["committee"].pk])).content.decode()

    section = html.split('id="overdue-alerts"', 1)[1].split("</section>", 1)[0]
    assert "甲一支部" in section and "甲二支部" in section and "会议逾期" in section
    assert "乙一支部" not in section


def test_the_other_committee_sees_none_of_them(client, swept, freeze):
    freeze(DAY)
    client.force_login(swept["other_admin"])

    html = client.get(reverse("org_unit", args=[swept["other_committee"].pk])).content.decode()

    section = html.split('id="overdue-alerts"', 1)[1].split("</section>", 1)[0]
    assert "乙一支部" in section and "甲一支部" not in section


def test_old_overdue_alerts_leave_the_dashboard(client, swept, freeze):
    freeze(DAY + dt.timedelta(days=40))
    client.force_login(swept["admin"])

    html = client.get(reverse("org_unit", args=[swept["committee"].pk])).content.decode()

    assert "近期没有逾期提醒" in html


def test_the_dashboard_section_costs_one_query_whatever_the_number_of_alerts(client, swept, freeze):
    freeze(DAY)
    client.force_login(swept["admin"])
    url = reverse("org_unit", args=[swept["committee"].pk])
    client.get(url)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for i in range(30):
        Alert.objects.create(kind=Kind.TERM_OVERDUE, level="overdue", org_unit=swept["branch2"], subject=f"term:{i}",
                             period="2026-03-01", raised_on=DAY, facts={"branch": "甲二支部", "due": "2026-03-01"})
    assert queries() == few


# ---------------------------------------------------------------- the admin: rules as data


def test_the_admin_lists_the_rules_and_the_alerts(client, swept):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pass12345")
    client.force_login(admin)
    alert = Alert.objects.filter(kind=Kind.MEETING_OVERDUE).first()

    for url in ("/admin/branches/alertrule/", "/admin/branches/alert/", f"/admin/branches/alert/{alert.pk}/change/"):
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/branches/alertrule/add/").status_code == 403  # one row per kind, from the migration


@pytest.mark.parametrize(("stages", "season", "field"), [
    ([180, -1], "", "stages"), ("180", "", "stages"), ([True], "", "stages"), ([7], "13-01", "season_start"),
    ([7], "11", "season_start"),
])
def test_a_rule_with_bad_stages_or_season_is_refused(alert_rules, stages, season, field):
    from django.core.exceptions import ValidationError

    rule = alert_rules[Kind.STUDY_SHORTFALL]
    rule.stages, rule.season_start = stages, season
    with pytest.raises(ValidationError) as exc:
        rule.full_clean()
    assert field in exc.value.message_dict
