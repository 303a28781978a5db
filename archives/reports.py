"""The archive catalogue (目录) as PDF (SPEC §5, §8), rendered by WeasyPrint
with an embedded CJK font (WenQuanYi Micro Hei, else Noto Sans CJK SC)."""

import logging

from django.template.loader import render_to_string
from django.utils import timezone

from . import selectors
from .models import Catalogue

# WeasyPrint reports every layout step at INFO level; keep the logs readable
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class CatalogueReport:
    """One report class: `render(params) -> (filename, content_type, bytes)`.
    params: {"catalogue": Catalogue} (the caller has checked the user may see it)."""

    template_name = "reports/archive_catalogue.html"
    content_type = "application/pdf"

    def context(self, catalogue: Catalogue) -> dict:
        entries = list(selectors.catalogue_entries(catalogue))
        return {
            "catalogue": catalogue,
            "branch": catalogue.branch,
            "entries": [{"doc": d, "volume": catalogue.volume_of(d.number)} for d in entries],
            "volumes": len({catalogue.volume_of(d.number) for d in entries}),
            "addenda": sum(1 for d in entries if d.is_addendum),
            "printed_at": timezone.localtime(),
        }

    def render(self, params: dict) -> tuple[str, str, bytes]:
        from weasyprint import HTML

        catalogue: Catalogue = params["catalogue"]
        html = render_to_string(self.template_name, self.context(catalogue))
        content = HTML(string=html).write_pdf()
        period = f"{catalogue.year}" if catalogue.year else f"第{catalogue.term.number}届"
        filename = f"{catalogue.branch.name}-{catalogue.get_box_kind_display()}-{period}-目录.pdf"
        return filename, self.content_type, content

    @staticmethod
    def ascii_filename(catalogue: Catalogue) -> str:
        """The plain-ASCII name for clients that ignore filename*: what, which period, which branch."""
        period = f"{catalogue.year}" if catalogue.year else f"term-{catalogue.term.number}"
        return f"catalogue-{period}-branch-{catalogue.branch_id}-{catalogue.box_kind}.pdf"
