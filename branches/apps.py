from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = _("组织与班子")

    def ready(self):
        from config import lookups

        from . import rule_cache

        lookups.register()  # every app's large id lists (config/lookups.py); branches is below them all

        rule_cache.connect()
