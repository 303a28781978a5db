"""The /api/v1/ router: each app registers its viewsets here."""

from rest_framework.routers import DefaultRouter

from branches.api import BranchViewSet, OrgUnitViewSet, PartyGroupViewSet
from members.api import MemberViewSet

router = DefaultRouter()
router.register("org-units", OrgUnitViewSet, basename="org-unit")
router.register("branches", BranchViewSet, basename="branch")
router.register("party-groups", PartyGroupViewSet, basename="party-group")
router.register("members", MemberViewSet, basename="member")
