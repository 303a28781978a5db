"""The numbers of SPEC §3 that are not a table of their own (the 党费 rates are:
`DuesRate`). Each default below can be overridden in Django settings under
the same name, e.g. `MEMBERS_STUDY_HOURS_REQUIRED = 40` for a city that asks
for more; nothing in the code repeats these numbers."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings

from config.xlsx import Limits

DEFAULTS = {
    # 学时 per member per year; 书记 and 支委 need more
    "MEMBERS_STUDY_HOURS_REQUIRED": Decimal("32"),
    "MEMBERS_STUDY_HOURS_REQUIRED_COMMITTEE": Decimal("56"),
    # trainings recorded by hand: 1 day = 8 学时, half a day = 4
    "MEMBERS_TRAINING_DAY_HOURS": Decimal("8"),
    "MEMBERS_TRAINING_HALF_DAY_HOURS": Decimal("4"),
    # six consecutive months without dues or organisational life (自行脱党 procedure)
    "MEMBERS_SIX_MONTH_LIMIT": 6,
    # 党费欠缴 warning before the six-month rule (alerts)
    "MEMBERS_ARREARS_WARNING_MONTHS": 3,
    # months before this one are never counted as owed (a deployment that starts its
    # ledger mid-way sets it); None: each branch's ledger starts at its first recorded month
    "MEMBERS_DUES_LEDGER_START": None,
    # 组织关系介绍信
    "MEMBERS_TRANSFER_VALIDITY_DAYS": 30,
    "MEMBERS_TRANSFER_SAME_CITY_DAYS": 10,
    "MEMBERS_TRANSFER_MAX_DAYS": 90,
    "MEMBERS_TRANSFER_RECEIPT_MONTHS": 1,
    # 发展党员 time limits
    "MEMBERS_DEVELOPMENT_TALK_MONTHS": 1,
    "MEMBERS_DEVELOPMENT_ACTIVIST_MONTHS": 12,
    "MEMBERS_DEVELOPMENT_TRAINING_HOURS": Decimal("24"),
    "MEMBERS_DEVELOPMENT_APPROVAL_MONTHS": 3,
    "MEMBERS_DEVELOPMENT_PROBATION_MONTHS": 12,
    "MEMBERS_DEVELOPMENT_EXTENSION_MIN_MONTHS": 6,
    "MEMBERS_DEVELOPMENT_EXTENSION_MAX_MONTHS": 12,
    "MEMBERS_DEVELOPMENT_MIN_AGE": 18,
    # Excel imports (roster, dues): checked while the file is streamed, before anything is
    # imported. The upload's size, its inflated size (an .xlsx is a zip) and the compression
    # ratio of any part over 1 MB; rows with content after the header, the last column with
    # content, and the characters in one cell.
    "MEMBERS_IMPORT_MAX_ROWS": 5000,
    "MEMBERS_IMPORT_MAX_BYTES": 5 * 1024 * 1024,
    "MEMBERS_IMPORT_MAX_UNCOMPRESSED_BYTES": 50 * 1024 * 1024,
    "MEMBERS_IMPORT_MAX_COMPRESSION_RATIO": 100,
    "MEMBERS_IMPORT_MAX_COLUMNS": 60,
    "MEMBERS_IMPORT_MAX_CELL_CHARS": 2000,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])


@dataclass(frozen=True)
class StudyPolicy:
    required: Decimal
    required_committee: Decimal
    day_hours: Decimal
    half_day_hours: Decimal

    @classmethod
    def current(cls) -> "StudyPolicy":
        return cls(
            required=Decimal(get("MEMBERS_STUDY_HOURS_REQUIRED")),
            required_committee=Decimal(get("MEMBERS_STUDY_HOURS_REQUIRED_COMMITTEE")),
            day_hours=Decimal(get("MEMBERS_TRAINING_DAY_HOURS")),
            half_day_hours=Decimal(get("MEMBERS_TRAINING_HALF_DAY_HOURS")),
        )


@dataclass(frozen=True)
class TransferPolicy:
    validity_days: int
    same_city_days: int
    max_days: int
    receipt_months: int

    @classmethod
    def current(cls) -> "TransferPolicy":
        return cls(
            validity_days=int(get("MEMBERS_TRANSFER_VALIDITY_DAYS")),
            same_city_days=int(get("MEMBERS_TRANSFER_SAME_CITY_DAYS")),
            max_days=int(get("MEMBERS_TRANSFER_MAX_DAYS")),
            receipt_months=int(get("MEMBERS_TRANSFER_RECEIPT_MONTHS")),
        )


@dataclass(frozen=True)
class DevelopmentPolicy:
    talk_months: int = 1
    activist_months: int = 12
    training_hours: Decimal = Decimal("24")
    approval_months: int = 3
    probation_months: int = 12
    extension_min_months: int = 6
    extension_max_months: int = 12
    min_age: int = 18

    @classmethod
    def current(cls) -> "DevelopmentPolicy":
        return cls(
            talk_months=int(get("MEMBERS_DEVELOPMENT_TALK_MONTHS")),
            activist_months=int(get("MEMBERS_DEVELOPMENT_ACTIVIST_MONTHS")),
            training_hours=Decimal(get("MEMBERS_DEVELOPMENT_TRAINING_HOURS")),
            approval_months=int(get("MEMBERS_DEVELOPMENT_APPROVAL_MONTHS")),
            probation_months=int(get("MEMBERS_DEVELOPMENT_PROBATION_MONTHS")),
            extension_min_months=int(get("MEMBERS_DEVELOPMENT_EXTENSION_MIN_MONTHS")),
            extension_max_months=int(get("MEMBERS_DEVELOPMENT_EXTENSION_MAX_MONTHS")),
            min_age=int(get("MEMBERS_DEVELOPMENT_MIN_AGE")),
        )


def six_month_limit() -> int:
    return int(get("MEMBERS_SIX_MONTH_LIMIT"))


def dues_ledger_start() -> date | None:
    value = get("MEMBERS_DUES_LEDGER_START")
    if value in (None, ""):
        return None
    day = value if isinstance(value, date) else date.fromisoformat(str(value))
    return day.replace(day=1)


def import_limits():
    """The limits every Excel import is read under (`config.xlsx.read_sheet`)."""
    return Limits(
        max_rows=int(get("MEMBERS_IMPORT_MAX_ROWS")),
        max_columns=int(get("MEMBERS_IMPORT_MAX_COLUMNS")),
        max_cell_chars=int(get("MEMBERS_IMPORT_MAX_CELL_CHARS")),
        max_uncompressed_bytes=int(get("MEMBERS_IMPORT_MAX_UNCOMPRESSED_BYTES")),
        max_compression_ratio=int(get("MEMBERS_IMPORT_MAX_COMPRESSION_RATIO")),
    )
