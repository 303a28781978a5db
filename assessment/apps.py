from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("考核验收")

    def ready(self):
        from . import score_cache  # models are ready only now

        score_cache.connect()
