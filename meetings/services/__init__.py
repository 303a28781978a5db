"""Writes of the meetings app, one module per subject: logging, editing and
deleting a meeting (`meeting`, from the typed `inputs.MeetingIn`), its
attachments, the 民主评议 grades (`evaluation`), and the 谈心谈话 / 党员汇报
records (`records`). Every service validates everything first and raises one
ValidationError (field → Chinese messages) before it writes, so bad input
changes nothing; the writes run in one transaction."""

from .attachments import (
    DEFAULT_ATTACHMENT_TYPES,
    MB,
    SIGNATURES,
    attachment_add,
    attachment_delete,
    attachment_max_bytes,
    attachment_types,
    validate_upload,
)
from .evaluation import evaluation_grades_set, excellent_max_ratio
from .inputs import AbsenceIn, MeetingIn, ObserverIn, ResolutionIn
from .meeting import (
    answer_from_written,
    default_study_hours,
    meeting_delete,
    meeting_record,
    meeting_update,
    normalize_kinds,
)
from .records import member_report_record, talk_record

__all__ = [
    "DEFAULT_ATTACHMENT_TYPES",
    "MB",
    "SIGNATURES",
    "AbsenceIn",
    "MeetingIn",
    "ObserverIn",
    "ResolutionIn",
    "answer_from_written",
    "attachment_add",
    "attachment_delete",
    "attachment_max_bytes",
    "attachment_types",
    "default_study_hours",
    "evaluation_grades_set",
    "excellent_max_ratio",
    "meeting_delete",
    "meeting_record",
    "meeting_update",
    "member_report_record",
    "normalize_kinds",
    "talk_record",
    "validate_upload",
]
