"""The assessment app's step of seed_demo: load the shipped scorecards."""

from .services import ensure_default_scorecards


def seed(ctx) -> None:
    ensure_default_scorecards()
