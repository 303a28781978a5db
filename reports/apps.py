from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """PDF and Excel exporters shared by the apps, and the background report
    jobs behind the 下载中心. The top layer: it reads every app below it."""

    name = "reports"
    verbose_name = _("报表")
