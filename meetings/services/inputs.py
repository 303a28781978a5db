"""The typed input of logging or editing a meeting (`MeetingIn`) and its parts."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from ..models import Attachment


@dataclass(frozen=True)
class AbsenceIn:
    member_id: int
    reason: str
    note: str = ""


@dataclass(frozen=True)
class ObserverIn:
    """A 列席 person: a member the actor may see (of this branch but not due,
    or of another branch in the actor's scope) or just a name."""

    name: str = ""
    member_id: int | None = None
    note: str = ""


@dataclass(frozen=True)
class ResolutionIn:
    text: str
    votes_for: int = 0
    votes_against: int = 0
    votes_abstain: int = 0


@dataclass(frozen=True)
class MeetingIn:
    """What logging or editing a meeting takes, as one typed object: built by
    the page form (`MeetingForm.to_input`) and the API serializer
    (`MeetingInputSerializer.to_input`) alike, so both callers hand the service
    the same shape. Everyone due is present unless listed in `absentees` (or,
    if `present` is given, exactly those)."""

    kinds: tuple[str, ...]
    held_at: datetime | date
    topic: str
    absentees: tuple[AbsenceIn, ...] = ()
    present: tuple[int, ...] | None = None
    observers: tuple[ObserverIn, ...] = ()
    place: str = ""
    host_id: int | None = None
    recorder_id: int | None = None
    agenda: str = ""
    minutes: str = ""
    lecturer_id: int | None = None
    lecturer_name: str = ""
    lecture_title: str = ""
    party_group_id: int | None = None
    study_hours: Decimal | None = None
    resolutions: tuple[ResolutionIn, ...] = ()
    attachments: tuple = ()
    attachment_kind: str = Attachment.Kind.PHOTO

    @classmethod
    def of(cls, **fields) -> "MeetingIn":
        """From loose keyword arguments (commands, tests): sequences become tuples."""
        for name in ("kinds", "absentees", "observers", "resolutions", "attachments"):
            if fields.get(name) is not None:
                fields[name] = tuple(fields[name])
        if fields.get("present") is not None:
            fields["present"] = tuple(fields["present"])
        return cls(**fields)
