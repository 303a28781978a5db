"""`manage.py backup` and `manage.py restore`: a round trip on the suite's own
database (PostgreSQL: pg_dump/pg_restore; SQLite: the sqlite3 backup API).
Back up, then change, add and delete records and media files, restore: every
row count, every changed record and every file checksum is as it was."""

import hashlib
import io
import json
import tarfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from branches.backup import media_checksums, row_counts
from meetings import services
from meetings.models import Attachment, Meeting
from members.models import Member
from tests.branches.factories import BranchFactory
from tests.meetings.factories import MeetingFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def branch():
    branch = BranchFactory(name="备份支部")
    MemberFactory.create_batch(2, branch=branch)
    return branch


def test_a_backup_restores_every_record_and_every_file(branch, settings, tmp_path):
    meeting = MeetingFactory(branch=branch, topic="备份前的会议")
    kept = services.attachment_add(meeting, file=SimpleUploadedFile("签到表.png", PNG + b"1"))
    dropped = services.attachment_add(meeting, file=SimpleUploadedFile("现场.png", PNG + b"2"))
    member = Member.objects.filter(branch=branch).first()
    name = member.name
    counts, files = row_counts(), media_checksums(settings.MEDIA_ROOT)
    assert counts["meetings.Attachment"] == 2 and len(files) == 2

    call_command("backup", output=tmp_path / "backups")
    (archive,) = (tmp_path / "backups").glob("dzb-backup-*.tar.gz")
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        assert manifest["counts"] == counts and manifest["media"] == files
        db_file = tar.extractfile(manifest["database"]["file"]).read()
        assert hashlib.sha256(db_file).hexdigest() == manifest["database"]["sha256"]

    # after the backup: a record changed, records added and deleted, a file deleted and one overwritten
    Member.objects.filter(pk=member.pk).update(name="改过的名字")
    MemberFactory.create_batch(3, branch=branch)
    dropped_pk = dropped.pk
    services.attachment_delete(dropped)
    Meeting.objects.filter(pk=meeting.pk).update(topic="改过的主题")
    kept.file.storage.delete(kept.file.name)
    (settings.MEDIA_ROOT / kept.file.name).write_bytes(b"overwritten")
    (settings.MEDIA_ROOT / "stray.txt").write_bytes(b"a file the backup never had")
    assert row_counts() != counts and media_checksums(settings.MEDIA_ROOT) != files

    call_command("restore", str(archive), interactive=False)

    assert row_counts() == counts
    assert media_checksums(settings.MEDIA_ROOT) == files
    assert Member.objects.get(pk=member.pk).name == name
    assert Meeting.objects.get(pk=meeting.pk).topic == "备份前的会议"
    assert {a.original_name for a in Attachment.objects.all()} == {"签到表.png", "现场.png"}
    assert Attachment.objects.get(pk=dropped_pk).file.read() == PNG + b"2"
    assert MemberFactory(branch=branch).pk  # the restored database takes new rows


def test_a_damaged_archive_is_refused_before_anything_changes(branch, tmp_path):
    call_command("backup", output=tmp_path)
    (archive,) = tmp_path.glob("dzb-backup-*.tar.gz")
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src.getmembers():
            content = src.extractfile(member).read()
            if member.name.startswith("database."):
                content = content[:-10] + b"0123456789"
            member.size = len(content)
            dst.addfile(member, io.BytesIO(content))
    MemberFactory(branch=branch, name="备份后加入")
    counts = row_counts()

    with pytest.raises(CommandError, match="校验和不符"):
        call_command("restore", str(damaged), interactive=False)

    assert row_counts() == counts
    assert Member.objects.filter(name="备份后加入").exists()
