"""Named hooks: how a lower app reaches a higher one without importing it.

The apps form layers (config < branches < members < meetings < archives <
assessment, enforced by import-linter). When a record made in a lower app must
cause something in a higher one — a meeting files itself into the archive, an
edit is refused because the record is bound (合订) there, the roster reads the
hours members earned in meetings — the lower app calls a hook by name and the
higher app registers the function behind it in its `AppConfig.ready()`:

    hooks.send("archive.file_record", source=..., ...)    # every handler, in order
    hooks.check("archive.assert_editable", meeting)       # guards: a handler raises to refuse
    hooks.ask("meetings.study_hours", ids, year, default={})  # the one provider, or the default

Handlers run synchronously, inside the caller's transaction, so a failure
rolls the record back with its filing. With a higher app not installed the
hooks do nothing (`send` returns [], `ask` the default), and the lower app
still works. The hook names a lower app may call are listed in `HOOKS`;
registering or calling any other name is a programming error.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

HOOKS = {
    # archives: records file themselves into the 3本6盒1证 (archives.filing)
    "archive.file_record": "file one document for a record (archives.filing.file_record)",
    "archive.file_record_set": "file one document per entry of a record (archives.filing.file_record_set)",
    "archive.file_meeting": "file a meeting, one document per kind it counts for",
    "archive.unfile_record": "remove a deleted record's documents (archives.filing.unfile_record)",
    "archive.assert_editable": "guard: refuse to change a record whose document is bound (合订)",
    "archive.is_bound": "whether a record's document sits in a bound catalogue",
    # branches: what the apps above add to a branch's page
    "branches.page_context": "extra context of a branch's page: fn(unit, *, on) -> dict",
    # meetings: what members' reads need from the meeting records
    "meetings.study_hours": "hours from meetings per current member of branches in a year",
    "meetings.last_attendance": "last meeting attended per current member of branches",
    "meetings.first_meeting": "date of each branch's first meeting record",
}

_handlers: dict[str, list[Callable]] = defaultdict(list)


def _known(name: str) -> str:
    if name not in HOOKS:
        raise LookupError(f"unknown hook {name!r}; declare it in config.hooks.HOOKS")
    return name


def register(name: str, fn: Callable) -> Callable:
    """Register `fn` behind the hook `name` (idempotent: registering twice keeps one)."""
    handlers = _handlers[_known(name)]
    if fn not in handlers:
        handlers.append(fn)
    return fn


def send(name: str, *args, **kwargs) -> list:
    """Call every handler of `name`; their results, in registration order."""
    return [fn(*args, **kwargs) for fn in _handlers.get(_known(name), ())]


def check(name: str, *args, **kwargs) -> None:
    """A guard: each handler raises (a ValidationError) to refuse."""
    send(name, *args, **kwargs)


def ask(name: str, *args, default=None, **kwargs):
    """The answer of the hook's provider (the last registered), or `default` when none is."""
    handlers = _handlers.get(_known(name))
    return handlers[-1](*args, **kwargs) if handlers else default
