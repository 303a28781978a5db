"""Meeting attachments (photos, scans): the allowed formats, storing a file with
its row, adding and deleting one."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from branches.services import require_edit
from config import hooks, uploads

from ..models import Attachment, Meeting

MB = uploads.MB
# magic numbers of the allowed attachment formats (shared with the archive uploads)
SIGNATURES = uploads.SIGNATURES
DEFAULT_ATTACHMENT_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}


def attachment_max_bytes() -> int:
    return int(getattr(settings, "MEETINGS_ATTACHMENT_MAX_BYTES", 10 * MB))


def attachment_types() -> dict[str, str]:
    """Allowed extensions → content type (setting MEETINGS_ATTACHMENT_TYPES)."""
    return dict(getattr(settings, "MEETINGS_ATTACHMENT_TYPES", DEFAULT_ATTACHMENT_TYPES))


def validate_upload(f) -> tuple[str, str]:
    """(extension, content type) of an allowed upload, or a ValidationError.
    The extension, the size and the file's first bytes are all checked."""
    return uploads.validate_upload(f, allowed=attachment_types(), max_bytes=attachment_max_bytes())


def _save_attachment(meeting: Meeting, f, ctype: str, kind: str, user, *, field: str = "attachments") -> Attachment:
    attachment = Attachment(
        meeting=meeting,
        kind=kind,
        original_name=(getattr(f, "name", "") or "")[-200:],
        content_type=ctype,
        size=f.size,
        uploaded_by=user,
    )
    try:
        attachment.file.save(attachment.original_name, f, save=False)
    except OSError as exc:  # disk full, read-only or missing media directory: say so, save nothing
        logging.getLogger("meetings").error("attachment not stored for meeting %s: %s", meeting.pk, exc)
        raise ValidationError({field: [_("附件未能保存：服务器的文件存储暂时不可写，本次提交的内容没有保存。"
                                         "请稍后重试，或联系系统管理员。")]}) from exc
    try:
        attachment.save()
    except Exception:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def attachment_add(meeting: Meeting, *, file, kind: str = Attachment.Kind.PHOTO, actor=None) -> Attachment:
    require_edit(actor, meeting.branch)
    hooks.check("archive.assert_editable", meeting)
    try:
        _ext, ctype = validate_upload(file)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    if kind not in Attachment.Kind.values:
        raise ValidationError({"kind": [_("未知的附件类型。")]})
    return _save_attachment(meeting, file, ctype, kind, actor, field="file")


@transaction.atomic
def attachment_delete(attachment: Attachment, *, actor=None) -> None:
    require_edit(actor, attachment.meeting.branch)
    hooks.check("archive.assert_editable", attachment.meeting)  # part of a bound (合订) record
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))
