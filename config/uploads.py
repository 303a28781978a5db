"""Upload checks shared by every app that takes files (meeting attachments,
archive documents): the extension must be allowed, the size within the limit,
and the first bytes must match the format (a renamed .exe is refused). Below
all the apps, so that meetings and archives both use it."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MB = 1024 * 1024

# magic numbers of the formats we accept
SIGNATURES = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "application/pdf": (b"%PDF-",),
    # Office Open XML files are zip archives
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK\x03\x04",),
}

# what a browser may show inline; everything else downloads
INLINE_TYPES = ("image/jpeg", "image/png", "application/pdf")


def validate_upload(f, *, allowed: dict[str, str], max_bytes: int) -> tuple[str, str]:
    """(extension, content type) of an allowed upload, or a ValidationError in
    Chinese. The extension, the size and the file's first bytes are all checked."""
    name = getattr(f, "name", "") or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in allowed:
        raise ValidationError(
            _("附件“%(name)s”的格式不允许，只能上传%(types)s文件。")
            % {"name": name, "types": "、".join(sorted({e.upper() for e in allowed}))}
        )
    if f.size > max_bytes:
        raise ValidationError(
            _("附件“%(name)s”大小为%(size).1f MB，超过%(max).0f MB的上限。")
            % {"name": name, "size": f.size / MB, "max": max_bytes / MB}
        )
    if f.size == 0:
        raise ValidationError(_("附件“%(name)s”是空文件。") % {"name": name})
    ctype = allowed[ext]
    f.seek(0)
    head = f.read(16)
    f.seek(0)
    signatures = SIGNATURES.get(ctype)
    if signatures and not any(head.startswith(s) for s in signatures):
        raise ValidationError(_("附件“%(name)s”的内容与其格式不符，可能已损坏或被改了扩展名。") % {"name": name})
    return ext, ctype
