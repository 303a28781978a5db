from rest_framework import viewsets

from .models import Member


class MemberViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Member.objects.none()


def register(router):
    router.register("members", MemberViewSet, basename="member")
