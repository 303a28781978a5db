from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("三会一课")

    def ready(self):
        """The members app (below) reads 学时 and attendance through these hooks."""
        from config import hooks

        from . import selectors

        hooks.register("meetings.study_hours", selectors.study_hours_of_branch_members)
        hooks.register("meetings.last_attendance", selectors.last_attendance_of_branch_members)
        hooks.register("meetings.first_meeting", selectors.first_meeting_by_branch)
