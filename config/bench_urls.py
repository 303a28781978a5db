"""URLs of the benchmark settings (config.settings.bench): the production URLs
plus a floor — a trivial authenticated POST that writes one row through the
ORM (and, for GET, the cheapest authenticated read), so that the load benchmarks can say how far logging a meeting is from the
least any authenticated write costs on the same machine under the same load.
Only config.settings.bench routes here."""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.urls import path
from django.utils import timezone
from django.utils.crypto import get_random_string
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from .urls import urlpatterns as production_urlpatterns


class FloorView(APIView):
    """POST: authenticate (the project's token/session classes, IsAuthenticated),
    insert one row, answer 201 with a small JSON body. The row is an already
    expired session (a small indexed table every deployment has), so
    `manage.py clearsessions` removes what the benchmark left."""

    def get(self, request):
        return Response({"user": request.user.pk})

    def post(self, request):
        row = Session.objects.create(
            session_key=get_random_string(40),
            session_data="",
            expire_date=timezone.now() - timedelta(seconds=1),
        )
        return Response({"id": row.session_key, "user": request.user.pk}, status=status.HTTP_201_CREATED)


urlpatterns = [path("bench/floor/", FloorView.as_view(), name="bench_floor"), *production_urlpatterns]
