"""The /api/v1/ router: each app's `api` module registers its own viewsets
through `register(router)`, so adding an app never edits this file."""

from importlib import import_module

from rest_framework.routers import DefaultRouter

API_APPS = ("branches", "members", "meetings", "archives", "assessment", "assessment.campaigns", "reports")

router = DefaultRouter()
for app in API_APPS:
    try:
        module = import_module(f"{app}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"{app}.api":
            raise
        continue
    module.register(router)
