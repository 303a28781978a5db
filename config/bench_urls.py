"""The project's URLs plus /bench/floor/, routed only by config.settings.bench:
a trivial authenticated view (session + user lookup, a few bytes of text) that
the load benchmarks use as the floor of what any Django page costs here."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from .urls import urlpatterns as project_urlpatterns


@login_required
def floor(request):
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *project_urlpatterns]
