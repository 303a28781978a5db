from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = _("组织与班子")

    def ready(self):
        from . import rule_cache

        rule_cache.connect()
