from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchivesConfig(AppConfig):
    name = "archives"
    verbose_name = _("档案（3本6盒1证）")

    def ready(self):
        """The archive owns filing: the records of the apps below it (branches,
        members, meetings) file themselves through the named hooks of
        `config.hooks`, which land here — they never import the archive."""
        from config import hooks

        from . import filing

        hooks.register("archive.file_record", filing.file_record)
        hooks.register("archive.file_record_set", filing.file_record_set)
        hooks.register("archive.file_meeting", filing.file_meeting)
        hooks.register("archive.unfile_record", filing.unfile_record)
        hooks.register("archive.assert_editable", filing.assert_editable)
        hooks.register("archive.is_bound", filing.is_bound)
