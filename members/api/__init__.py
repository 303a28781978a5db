"""REST endpoints of the members app (/api/v1/): the roster (`roster`) and
the member records (`records`). `config.api_urls` calls `register(router)`."""

from . import records, roster


def register(router):
    roster.register(router)
    records.register(router)
