from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("党员")

    def ready(self):
        """The branch page (branches, below) shows the members sections through this hook."""
        from config import hooks

        from .selectors.summary import branch_page_context

        hooks.register("branches.page_context", branch_page_context)
