"""The error collector every meetings service uses: all field errors at once."""

from django.core.exceptions import ValidationError


class _Errors:
    """Collects field errors so that the user sees all of them at once."""

    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(str(message))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)
