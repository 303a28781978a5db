"""The archive's upload settings; the checks themselves are `config.uploads`,
shared with the meeting attachments."""

from django.conf import settings

from config.uploads import INLINE_TYPES, MB, SIGNATURES, validate_upload

__all__ = ["DEFAULT_ARCHIVE_TYPES", "INLINE_TYPES", "MB", "SIGNATURES", "archive_max_bytes", "archive_types",
           "validate_upload"]

DEFAULT_ARCHIVE_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def archive_types() -> dict[str, str]:
    """Allowed extensions → content type of archive documents (setting ARCHIVES_UPLOAD_TYPES)."""
    return dict(getattr(settings, "ARCHIVES_UPLOAD_TYPES", DEFAULT_ARCHIVE_TYPES))


def archive_max_bytes() -> int:
    """Size limit of an archive document (setting ARCHIVES_UPLOAD_MAX_BYTES, default 20 MB)."""
    return int(getattr(settings, "ARCHIVES_UPLOAD_MAX_BYTES", 20 * MB))
