from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("三会一课")

    def ready(self):
        """The members app (below) reads 学时 and attendance through these hooks;
        the requirement table is cached under the org tree's token
        (`selectors.requirement_rows`), so saving or deleting a row changes it."""
        from django.db.models.signals import post_delete, post_save

        from branches.rule_token import rule_facts_changed
        from config import hooks

        from . import selectors
        from .models import MeetingRequirement

        hooks.register("meetings.study_hours", selectors.study_hours_of_branch_members)
        hooks.register("meetings.last_attendance", selectors.last_attendance_of_branch_members)
        hooks.register("meetings.first_meeting", selectors.first_meeting_by_branch)
        post_save.connect(rule_facts_changed, sender=MeetingRequirement, dispatch_uid="requirements-saved")
        post_delete.connect(rule_facts_changed, sender=MeetingRequirement, dispatch_uid="requirements-deleted")
