"""Binding (合订) freezes a catalogue and its documents: no edit or delete
through the services, the pages, the API or the admin — for uploaded
documents and for the records filed into it (a bound meeting can no longer be
edited or deleted). Corrections only as dated addenda (补充件)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from archives import filing, services
from archives.models import BoxKind, Catalogue, Document
from branches.models import RoleAssignment
from meetings import services as meeting_services
from meetings.models import Attachment, Meeting
from tests.archives.factories import PDF, PNG, bind, catalogue, kind, paper
from tests.branches.factories import UserFactory
from tests.meetings.factories import at, branch_with_members, committee_for

pytestmark = pytest.mark.django_db
Role = RoleAssignment.Role
FROZEN = "合订"


@pytest.fixture
def setup():
    """A branch with a 2025 组织生活档案盒 holding a meeting and an uploaded document, bound."""
    branch, members = branch_with_members(full=5)
    committee_for(branch, members[:3], start=dt.date(2022, 1, 1))
    meeting = meeting_services.meeting_record(
        branch=branch, kinds=["life_meeting", "evaluation"], held_at=at(dt.date(2025, 12, 20)), topic="年度组织生活会"
    )
    meeting_services.attachment_add(meeting, file=SimpleUploadedFile("签到表.png", PNG, "image/png"), kind="sign_in")
    cat = Catalogue.objects.get(branch=branch, box_kind=BoxKind.LIFE, year=2025)
    upload = services.document_add(
        catalogue=cat,
        doc_kind=kind("life_secretary_report"),
        title="书记述职报告",
        date=dt.date(2025, 12, 25),
        file=SimpleUploadedFile("述职.pdf", PDF, "application/pdf"),
    )
    bind(cat)
    cat.refresh_from_db()
    return {"branch": branch, "members": members, "meeting": meeting, "cat": cat, "upload": upload}


def _unchanged(setup):
    cat = setup["cat"]
    assert list(cat.documents.order_by("number").values_list("number", "title")) == [
        (1, "组织生活会记录：年度组织生活会"),
        (2, "民主评议表：年度组织生活会"),
        (3, "书记述职报告"),
    ]
    meeting = Meeting.objects.get(pk=setup["meeting"].pk)
    assert meeting.topic == "年度组织生活会" and meeting.attachments.count() == 1


# ---------------------------------------------------------------- binding itself


def test_binding_records_who_and_when_and_refuses_twice(setup, secretary_of):
    cat = setup["cat"]
    assert cat.is_bound
    with pytest.raises(ValidationError, match="已于"):
        bind(cat)


def test_a_year_is_bound_only_after_31_december_nor_an_empty_catalogue():
    branch, _ = branch_with_members(full=3)
    cat = catalogue(branch, BoxKind.EDUCATION, 2025)
    with pytest.raises(ValidationError, match="没有文件"):
        bind(cat)
    paper(cat, "edu_plan")
    for early in (dt.date(2025, 11, 1), dt.date(2025, 12, 3), dt.date(2025, 12, 31)):
        with pytest.raises(ValidationError, match="2025年度尚未结束，2026-01-01起才能合订"):
            services.catalogue_bind(cat, today=early)
    assert not Catalogue.objects.get(pk=cat.pk).is_bound
    services.catalogue_bind(cat, today=dt.date(2026, 1, 1))
    assert Catalogue.objects.get(pk=cat.pk).is_bound


def test_the_organisation_box_is_bound_only_after_its_term_has_ended():
    from tests.branches.factories import CommitteeTermFactory

    branch, _ = branch_with_members(full=3)
    term = CommitteeTermFactory(org_unit=branch, start_date=dt.date(2023, 3, 1))
    cat = catalogue(branch, BoxKind.ORGANIZATION, 2025, term=term)
    paper(cat, "org_plan", day=dt.date(2024, 1, 5))
    # past its due end but not replaced: the term (and its box) is still running
    with pytest.raises(ValidationError, match="任期尚未结束，换届后才能合订"):
        services.catalogue_bind(cat, today=dt.date(2026, 6, 1))
    term.actual_end_date = dt.date(2026, 3, 20)
    term.save()
    cat.refresh_from_db()
    with pytest.raises(ValidationError, match="2026-03-21起才能合订"):
        services.catalogue_bind(cat, today=dt.date(2026, 3, 20))
    services.catalogue_bind(cat, today=dt.date(2026, 3, 21))
    assert Catalogue.objects.get(pk=cat.pk).is_bound


# ---------------------------------------------------------------- services


def test_services_refuse_every_change_to_a_bound_catalogue(setup):
    upload, meeting = setup["upload"], setup["meeting"]
    attempts = [
        lambda: services.document_update(upload, title="改名"),
        lambda: services.document_update(upload, note="备注"),
        lambda: services.document_delete(upload),
        lambda: services.document_add(
            catalogue=setup["cat"], doc_kind=kind("life_plan"), title="x", date=dt.date(2025, 1, 2)
        ),
        lambda: meeting_services.meeting_update(
            meeting, kinds=["life_meeting"], held_at=at(dt.date(2025, 12, 20)), topic="改"
        ),
        lambda: meeting_services.meeting_delete(meeting),
        lambda: meeting_services.attachment_add(meeting, file=SimpleUploadedFile("a.png", PNG, "image/png")),
        lambda: meeting_services.evaluation_grades_set(meeting, grades={setup["members"][0].pk: "qualified"}),
        lambda: filing.unfile_record(meeting),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as exc, transaction.atomic():
            attempt()
        assert FROZEN in str(exc.value.messages), exc.value.messages
    with pytest.raises(ValidationError, match=FROZEN):
        meeting_services.attachment_delete(meeting.attachments.get())
    _unchanged(setup)


def test_an_addendum_is_a_new_dated_entry_linked_to_the_bound_catalogue(setup):
    cat, upload = setup["cat"], setup["upload"]
    with pytest.raises(ValidationError) as exc:
        services.document_add(catalogue=cat, doc_kind=kind("life_other"), title="更正说明", date=dt.date(2026, 1, 12))
    assert "addendum_reason" in exc.value.message_dict

    addendum = services.document_add(
        catalogue=cat,
        doc_kind=kind("life_other"),
        title="关于述职报告页码的更正说明",
        date=dt.date(2026, 1, 12),
        addendum_reason="述职报告缺第3页，补入",
        corrects=upload,
    )
    assert (addendum.number, addendum.is_addendum, addendum.corrects, addendum.date) == (
        4,
        True,
        upload,
        dt.date(2026, 1, 12),
    )
    assert list(upload.addenda.all()) == [addendum]
    # the addendum is bound content too
    with pytest.raises(ValidationError):
        services.document_delete(addendum)


def test_a_correction_names_an_entry_of_the_same_catalogue():
    branch, _ = branch_with_members(full=3)
    a, b = catalogue(branch, BoxKind.EDUCATION, 2025), catalogue(branch, BoxKind.MASS_CULTURE, 2025)
    paper(a, "edu_plan")
    other = paper(b, "mass_thought")
    bind(a)
    with pytest.raises(ValidationError) as exc:
        paper(a, "edu_other", addendum_reason="补充", corrects=other)
    assert "corrects" in exc.value.message_dict


# ---------------------------------------------------------------- pages


def test_pages_refuse_to_edit_a_bound_meeting_or_document(setup, client, secretary_of):
    branch, meeting, upload, cat = setup["branch"], setup["meeting"], setup["upload"], setup["cat"]
    client.force_login(secretary_of(branch))

    response = client.post(
        reverse("meeting_edit", args=[meeting.pk]),
        {
            "branch": branch.pk,
            "kinds": ["life_meeting"],
            "date": "2025-12-20",
            "time": "09:30",
            "topic": "改过的主题",
            "attachment_kind": "photo",
            "res-TOTAL_FORMS": "0",
            "res-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400
    assert "不能再修改或删除" in response.content.decode()

    response = client.post(
        reverse("meeting_attachment_upload", args=[meeting.pk]),
        {"kind": "photo", "file": SimpleUploadedFile("b.png", PNG, "image/png")},
        follow=True,
    )
    assert "不能再修改或删除" in response.content.decode()
    response = client.post(reverse("meeting_attachment_delete", args=[meeting.attachments.get().pk]), follow=True)
    assert "不能再修改或删除" in response.content.decode() and meeting.attachments.count() == 1
    detail = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert "已合订归档" in detail and reverse("meeting_edit", args=[meeting.pk]) not in detail
    response = client.post(
        reverse("meeting_grades", args=[meeting.pk]), {f"grade_{setup['members'][0].pk}": "qualified"}
    )
    assert response.status_code == 400 and "不能再修改或删除" in response.content.decode()

    edit = client.get(reverse("archive_document_edit", args=[upload.pk]), follow=True)
    assert "已合订" in edit.content.decode() and edit.redirect_chain
    client.post(reverse("archive_document_edit", args=[upload.pk]), {"title": "改名", "date": "2025-12-25"})
    response = client.post(reverse("archive_document_delete", args=[upload.pk]), follow=True)
    assert "已合订" in response.content.decode()

    box = reverse("archive_box", args=[branch.pk, 2025, BoxKind.LIFE])
    response = client.post(box, {"doc_kind": kind("life_other").pk, "title": "补", "date": "2026-01-12"})
    assert response.status_code == 400 and "补充说明" in response.content.decode()
    _unchanged(setup)
    assert cat.documents.count() == 3

    response = client.post(
        box,
        {
            "doc_kind": kind("life_other").pk,
            "title": "更正说明",
            "date": "2026-01-12",
            "addendum_reason": "补入遗漏的签到表",
            "corrects": upload.pk,
        },
        follow=True,
    )
    assert "已添加补充件" in response.content.decode()
    assert cat.documents.get(number=4).is_addendum


# ---------------------------------------------------------------- API


def test_the_api_refuses_to_edit_a_bound_meeting_or_document(setup, api_client, secretary_of):
    branch, meeting, upload, cat = setup["branch"], setup["meeting"], setup["upload"], setup["cat"]
    api_client.force_authenticate(secretary_of(branch))

    response = api_client.put(
        f"/api/v1/meetings/{meeting.pk}/",
        {"branch": branch.pk, "kinds": ["life_meeting"], "held_at": "2025-12-20T09:00:00+08:00", "topic": "改",
         "version": meeting.version},
        format="json",
    )
    assert response.status_code == 400
    assert FROZEN in str(response.json()["errors"])
    response = api_client.post(
        f"/api/v1/meetings/{meeting.pk}/attachments/", {"file": SimpleUploadedFile("c.png", PNG, "image/png")}
    )
    assert response.status_code == 400
    response = api_client.put(
        f"/api/v1/meetings/{meeting.pk}/grades/",
        {"grades": [{"member": setup["members"][0].pk, "grade": "qualified"}]},
        format="json",
    )
    assert response.status_code == 400

    response = api_client.patch(
        f"/api/v1/archive-documents/{upload.pk}/", {"title": "改名", "version": upload.version}, format="json"
    )
    assert response.status_code == 400 and FROZEN in str(response.json()["errors"])
    assert api_client.delete(f"/api/v1/archive-documents/{upload.pk}/").status_code == 400
    response = api_client.post(
        "/api/v1/archive-documents/",
        {"catalogue": cat.pk, "doc_kind": "life_other", "title": "补", "date": "2026-01-12"},
        format="json",
    )
    assert response.status_code == 400 and "addendum_reason" in response.json()["errors"]
    _unchanged(setup)

    response = api_client.post(
        "/api/v1/archive-documents/",
        {
            "catalogue": cat.pk,
            "doc_kind": "life_other",
            "title": "更正说明",
            "date": "2026-01-12",
            "addendum_reason": "补入遗漏的页",
            "corrects": upload.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["number"], body["is_addendum"], body["corrects_number"]) == (4, True, 3)


# ---------------------------------------------------------------- admin


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_admin_cannot_change_or_delete_bound_content(setup, admin_client):
    upload, cat, meeting = setup["upload"], setup["cat"], setup["meeting"]
    for name, pk in (
        ("archives_document", upload.pk),
        ("archives_catalogue", cat.pk),
        ("meetings_meeting", meeting.pk),
    ):
        assert admin_client.get(reverse(f"admin:{name}_change", args=[pk])).status_code == 200  # read-only view
        assert admin_client.post(reverse(f"admin:{name}_change", args=[pk]), {}).status_code == 403, name
        assert admin_client.post(reverse(f"admin:{name}_delete", args=[pk]), {"post": "yes"}).status_code == 403, name
    version = meeting.history.latest("history_date").history_id
    revert = reverse("admin:meetings_meeting_simple_history", args=[meeting.pk, version])
    assert admin_client.post(revert, {"topic": "改"}).status_code == 403
    changelist = admin_client.get(reverse("admin:archives_document_changelist"))
    assert "delete_selected" not in changelist.content.decode()
    _unchanged(setup)


def test_the_admin_deletes_an_unbound_meeting_and_its_catalogue_entry(admin_client):
    branch, members = branch_with_members(full=3)
    meeting = meeting_services.meeting_record(
        branch=branch, kinds=["theme_day"], held_at=at(dt.date(2025, 5, 5)), topic="可删除的会议"
    )
    assert filing.documents_of(meeting).count() == 1
    response = admin_client.post(reverse("admin:meetings_meeting_delete", args=[meeting.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    assert not Document.objects.filter(source_model="meetings.meeting", source_id=meeting.pk).exists()


def test_the_admin_corrects_an_unbound_document_through_the_service(admin_client):
    branch, _ = branch_with_members(full=3)
    cat = catalogue(branch, BoxKind.EDUCATION, 2025)
    doc = paper(cat, "edu_plan", "学习计划")
    url = reverse("admin:archives_document_change", args=[doc.pk])
    response = admin_client.post(
        url, {"title": "2025年度学习计划", "doc_kind": doc.doc_kind_id, "date": "2025-03-01", "note": ""}
    )
    assert response.status_code == 302
    assert Document.objects.get(pk=doc.pk).title == "2025年度学习计划"
    assert not Attachment.objects.exists()
