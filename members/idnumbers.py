"""身份证号: GB 11643-1999 validation, encryption at rest, masking.

Stored three ways: a Fernet token (readable only with ID_NUMBER_KEY), an HMAC
digest (uniqueness and exact lookup without decrypting), and a masked form
for every list, page and export.
"""

import base64
import hashlib
import hmac
import re
from datetime import date
from functools import lru_cache

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_PATTERN = re.compile(r"^\d{17}[\dX]$")


def checksum_char(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalize(value: str) -> str:
    return (value or "").strip().upper()


def validate_id_number(value: str) -> str:
    """Return the normalised number or raise a Chinese ValidationError."""
    value = normalize(value)
    if not _PATTERN.match(value):
        raise ValidationError(_("身份证号应为18位，前17位为数字，最后一位为数字或X。"), code="id_format")
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号中的出生日期无效。"), code="id_birth_date") from None
    if checksum_char(value[:17]) != value[17]:
        raise ValidationError(_("身份证号校验位不正确，请核对。"), code="id_checksum")
    return value


def birth_date_of(value: str) -> date:
    return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def mask(value: str) -> str:
    value = normalize(value)
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


@lru_cache(maxsize=4)
def _fernet(key: str, secret: str) -> Fernet:
    if key:
        return Fernet(key.encode())
    derived = hashlib.sha256(("id-number:" + secret).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


def _key_material() -> tuple[str, str]:
    return settings.ID_NUMBER_KEY, settings.SECRET_KEY


def encrypt(value: str) -> str:
    return _fernet(*_key_material()).encrypt(normalize(value).encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(*_key_material()).decrypt(token.encode()).decode() if token else ""


def digest(value: str) -> str:
    key = (settings.ID_NUMBER_KEY or settings.SECRET_KEY).encode()
    return hmac.new(key, normalize(value).encode(), hashlib.sha256).hexdigest()
