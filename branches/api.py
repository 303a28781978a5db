from rest_framework import viewsets

from .models import OrgUnit, PartyGroup


class OrgUnitViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = OrgUnit.objects.none()


class BranchViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = OrgUnit.objects.none()


class PartyGroupViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = PartyGroup.objects.none()


def register(router):
    router.register("org-units", OrgUnitViewSet, basename="org-unit")
    router.register("branches", BranchViewSet, basename="branch")
    router.register("party-groups", PartyGroupViewSet, basename="party-group")
