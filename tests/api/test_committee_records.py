"""/api/v1/ committee records: terms, role tenures, elections (差额选举),
postponement approvals, vacancies and the committee on a day. Same services
as the pages, scoped like the branches (another unit's records are 404)."""

from datetime import date

import pytest

from branches.models import CommitteeTerm, Election, RoleTenure
from branches.services import committee_term_open, role_tenure_end, role_tenure_start
from tests.members.factories import MemberFactory, ProbationaryMemberFactory

from .helpers import errors_of


@pytest.fixture
def secretary(tree, secretary_of, client_as):
    return client_as(secretary_of(tree.a))


def election_payload(branch, candidates, *, seats=3, due=18, present=18, kind="general"):
    return {
        "org_unit": branch.pk, "kind": kind, "date": "2025-05-01", "voters_due": due, "voters_present": present,
        "seats": seats, "candidates": [{"member": m.pk, "votes": v, "role": r} for m, v, r in candidates],
    }


def test_a_contested_election_fills_the_seats_by_votes(tree, secretary):
    a, b, c, d = (MemberFactory(branch=tree.a, name=n) for n in ("甲", "乙", "丙", "丁"))
    payload = election_payload(tree.a, [(a, 15, "member"), (b, 18, "secretary"), (c, 17, "organization"),
                                        (d, 16, "propaganda")])

    response = secretary.post("/api/v1/elections/", payload, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["quorum_met"], body["seats"], body["runoff_seats"]) == (True, 3, 0)
    assert [(c["member_name"], c["votes"], c["elected"]) for c in body["candidates"]] == [
        ("乙", 18, True), ("丙", 17, True), ("丁", 16, True), ("甲", 15, False)]
    term = CommitteeTerm.objects.get(pk=body["resulting_term"])
    assert term.seats == 3 and term.tenures.count() == 3


def test_a_tie_for_the_last_seat_is_recorded_for_another_round(tree, secretary):
    a, b, c, d = (MemberFactory(branch=tree.a) for _ in range(4))
    payload = election_payload(tree.a, [(a, 18, "secretary"), (b, 17, "organization"), (c, 16, "member"),
                                        (d, 16, "member")])

    body = secretary.post("/api/v1/elections/", payload, format="json").json()

    assert body["runoff_seats"] == 1
    assert [(c["elected"], c["runoff"]) for c in body["candidates"]] == [
        (True, False), (True, False), (False, True), (False, True)]


def test_a_probationary_candidate_is_refused_through_the_api(tree, secretary):
    full = MemberFactory(branch=tree.a)
    probationer = ProbationaryMemberFactory(branch=tree.a, name="预备乙")

    response = secretary.post(
        "/api/v1/elections/",
        election_payload(tree.a, [(full, 5, "secretary"), (probationer, 5, "member")], seats=1, due=5, present=5),
        format="json",
    )

    assert response.status_code == 400
    assert "预备乙是预备党员" in errors_of(response)["candidates"][0]
    assert not Election.objects.exists()


def test_an_election_without_a_seat_count_or_a_term_is_refused(tree, secretary):
    members = [MemberFactory(branch=tree.a) for _ in range(2)]
    payload = election_payload(tree.a, [(m, 9, "member") for m in members], seats=None, due=10, present=9)

    response = secretary.post("/api/v1/elections/", payload, format="json")

    assert response.status_code == 400 and "职数" in errors_of(response)["seats"][0]


def test_a_postponement_across_a_leap_day_through_the_api(tree, secretary):
    term = committee_term_open(org_unit=tree.a, start_date=date(2024, 3, 1), seats=1)  # due 2027-03-01
    payload = {"term": term.pk, "kind": "postpone", "approver": "市直机关工委", "approval_date": "2027-01-10",
               "document_no": "工委〔2027〕3号", "new_due_end_date": "2028-03-01"}

    response = secretary.post("/api/v1/term-adjustments/", payload, format="json")

    assert response.status_code == 201, response.content
    assert secretary.get(f"/api/v1/committee-terms/{term.pk}/").json()["effective_due_end"] == "2028-03-01"
    response = secretary.post("/api/v1/term-adjustments/", {**payload, "new_due_end_date": "2028-03-02"},
                              format="json")
    assert response.status_code == 400 and "不超过1年" in errors_of(response)["new_due_end_date"][0]


def test_terms_and_tenures_are_written_through_the_services(tree, secretary):
    response = secretary.post("/api/v1/committee-terms/", {"org_unit": tree.a.pk, "start_date": "2025-01-01",
                                                           "seats": 1}, format="json")
    assert response.status_code == 201, response.content
    term_id = response.json()["id"]
    assert response.json()["due_end_date"] == "2028-01-01"
    member = MemberFactory(branch=tree.a, name="书记甲")
    probationer = ProbationaryMemberFactory(branch=tree.a)

    refused = secretary.post("/api/v1/role-tenures/", {"term": term_id, "member": probationer.pk,
                                                       "role": "secretary", "start_date": "2025-01-01"}, format="json")
    assert refused.status_code == 400 and "预备党员" in errors_of(refused)["member"][0]

    created = secretary.post("/api/v1/role-tenures/", {"term": term_id, "member": member.pk, "role": "secretary",
                                                       "start_date": "2025-01-01"}, format="json")
    assert created.status_code == 201, created.content
    assert (created.json()["member_name"], created.json()["title"]) == ("书记甲", "书记")
    ended = secretary.post(f"/api/v1/role-tenures/{created.json()['id']}/end/",
                           {"end_date": "2025-06-30", "reason": "调离"}, format="json")
    assert ended.status_code == 200 and ended.json()["end_date"] == "2025-06-30"


def test_the_committee_on_a_day(tree, secretary):
    term = committee_term_open(org_unit=tree.a, start_date=date(2024, 1, 1), seats=3)
    first, second = MemberFactory(branch=tree.a, name="前任"), MemberFactory(branch=tree.a, name="后任")
    tenure = role_tenure_start(term=term, member=first, role="secretary", start_date=date(2024, 1, 1))
    role_tenure_end(tenure=tenure, end_date=date(2025, 2, 28), reason="调离")
    role_tenure_start(term=term, member=second, role="secretary", start_date=date(2025, 3, 1))
    url = f"/api/v1/branches/{tree.a.pk}/committee/"

    on_last_day = secretary.get(url, {"on": "2025-02-28"}).json()
    on_first_day = secretary.get(url, {"on": "2025-03-01"}).json()

    assert [t["member_name"] for t in on_last_day["tenures"]] == ["前任"]
    assert [t["member_name"] for t in on_first_day["tenures"]] == ["后任"]
    assert on_first_day["on"] == "2025-03-01" and on_first_day["org_unit"] == tree.a.pk
    assert secretary.get(url, {"on": "2025-13-01"}).status_code == 400
    assert secretary.get(url, {"on": "2023-12-31"}).json()["tenures"] == []


def test_vacancies_list_the_empty_seats_and_whether_they_are_overdue(tree, secretary):
    term = committee_term_open(org_unit=tree.a, start_date=date(2024, 1, 1), seats=3)
    role_tenure_start(term=term, member=MemberFactory(branch=tree.a), role="secretary", start_date=date(2024, 1, 1))

    rows = secretary.get("/api/v1/vacancies/").json()["results"]

    assert [(r["org_unit"], r["seats"], r["filled_seats"], r["vacant_seats"], r["since"], r["overdue"])
            for r in rows] == [(tree.a.pk, 3, 1, 2, "2024-01-01", True)]


def test_another_units_records_are_404_and_cannot_be_written(tree, secretary, secretary_of, client_as):
    term = committee_term_open(org_unit=tree.b, start_date=date(2024, 1, 1), seats=1)
    member = MemberFactory(branch=tree.b)
    tenure = role_tenure_start(term=term, member=member, role="secretary", start_date=date(2024, 1, 1))
    other = client_as(secretary_of(tree.b))
    election = other.post("/api/v1/elections/", election_payload(tree.b, [(member, 5, "member")], seats=1, due=5,
                                                                 present=5), format="json").json()
    adjustment = other.post("/api/v1/term-adjustments/", {
        "term": term.pk, "kind": "postpone", "approver": "工委", "approval_date": "2026-12-01",
        "document_no": "1号", "new_due_end_date": "2027-06-01"}, format="json").json()
    ended_by_the_election = RoleTenure.objects.get(pk=tenure.pk).end_date  # the 换届 closed the old term
    secretary.logout()
    secretary = client_as(secretary_of(tree.a))

    for url in (f"/api/v1/committee-terms/{term.pk}/", f"/api/v1/role-tenures/{tenure.pk}/",
                f"/api/v1/elections/{election['id']}/", f"/api/v1/term-adjustments/{adjustment['id']}/",
                f"/api/v1/branches/{tree.b.pk}/committee/"):
        assert secretary.get(url).status_code == 404, url
    for url in ("/api/v1/committee-terms/", "/api/v1/role-tenures/", "/api/v1/elections/",
                "/api/v1/term-adjustments/", "/api/v1/vacancies/"):
        assert secretary.get(url).json()["count"] == 0, url
    assert secretary.post(f"/api/v1/role-tenures/{tenure.pk}/end/", {"end_date": "2025-01-01"},
                          format="json").status_code == 404
    refused = secretary.post("/api/v1/committee-terms/", {"org_unit": tree.b.pk, "start_date": "2025-01-01",
                                                          "seats": 1}, format="json")
    assert refused.status_code == 400 and "不在您的管理范围内" in errors_of(refused)["org_unit"][0]
    assert RoleTenure.objects.get(pk=tenure.pk).end_date == ended_by_the_election
