"""The media directory cannot be written (disk full, a read-only or missing
volume) when a photo is uploaded: a clear Chinese error, and nothing half
saved — no meeting, no attachment row without its file.

The tests run as root, for whom chmod 0500 changes nothing, so MEDIA_ROOT is
made a FILE: every write under it fails with an OSError, as on a full or
read-only disk."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.authtoken.models import Token

from meetings.models import Attachment, Meeting
from tests.meetings.factories import MeetingFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MESSAGE = "附件未能保存：服务器的文件存储暂时不可写，本次提交的内容没有保存。请稍后重试，或联系系统管理员。"


@pytest.fixture
def unwritable_media(settings, tmp_path):
    blocker = tmp_path / "media-is-a-file"
    blocker.write_bytes(b"")
    settings.MEDIA_ROOT = blocker
    return blocker


def test_a_meeting_logged_with_a_photo_on_an_unwritable_disk_is_refused_whole(data, client, unwritable_media):
    branch = data["branch"]
    client.force_login(data["secretary"])

    response = client.post(reverse("meeting_create"), {
        "branch": branch.pk, "kinds": ["theme_day"], "date": "2026-03-28", "time": "09:30", "topic": "磁盘满时的主题党日",
        "attachment_kind": "photo", "attachments": [SimpleUploadedFile("现场.png", PNG)],
        "res-TOTAL_FORMS": "0", "res-INITIAL_FORMS": "0",
    })

    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert not Meeting.objects.filter(topic="磁盘满时的主题党日").exists()
    assert not Attachment.objects.exists()
    assert unwritable_media.is_file() and unwritable_media.stat().st_size == 0


def test_an_api_upload_on_an_unwritable_disk_is_a_json_error_and_saves_nothing(data, api_client, unwritable_media):
    meeting = MeetingFactory(branch=data["branch"])
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=data['secretary']).key}")

    response = api_client.post(f"/api/v1/meetings/{meeting.pk}/attachments/",
                               {"file": SimpleUploadedFile("现场.png", PNG), "kind": "photo"}, format="multipart")

    assert response.status_code == 400
    assert response.json()["errors"] == {"file": [MESSAGE]}
    assert not Attachment.objects.exists()


def test_with_the_disk_back_the_same_upload_is_stored(data, api_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    meeting = MeetingFactory(branch=data["branch"])
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=data['secretary']).key}")

    response = api_client.post(f"/api/v1/meetings/{meeting.pk}/attachments/",
                               {"file": SimpleUploadedFile("现场.png", PNG), "kind": "photo"}, format="multipart")

    assert response.status_code == 201
    attachment = Attachment.objects.get()
    assert attachment.file.storage.exists(attachment.file.name)
    assert attachment.file.read() == PNG
