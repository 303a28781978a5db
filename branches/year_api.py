"""Per-branch yearly results over the API — compliance (meetings), archive
completeness (archives) and, later, scores: a page of the branches the user
may see (optionally within a subtree), computed with ONE selector call for
the whole page, and one branch in detail."""

from abc import ABC, abstractmethod

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from config.api import Pagination, query_year

from .filters import within_subtree
from .scoping import branches_visible_to

YEAR = OpenApiParameter("year", OpenApiTypes.INT, description=gettext_lazy("年度，默认今年"))
WITHIN = OpenApiParameter("within", OpenApiTypes.INT, description=gettext_lazy("所属党组织ID（含下级）"))
BRANCH_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description=gettext_lazy("党支部ID"))


def year_from(request) -> int:
    return query_year(request)


def paginated(name: str, serializer) -> serializers.Serializer:
    """The schema of a paginated list of `serializer` rows."""
    return inline_serializer(
        name,
        {
            "count": serializers.IntegerField(),
            "next": serializers.CharField(allow_null=True),
            "previous": serializers.CharField(allow_null=True),
            "results": serializer(many=True),
        },
    )


class BranchYearViewSet(viewsets.ViewSet, ABC):
    """Subclasses say how to compute results for many branches and how to show one."""

    @abstractmethod
    def results_for(self, branches, year: int) -> dict:
        """{branch id: result} for these branches, in a fixed number of queries."""

    @abstractmethod
    def represent(self, result, *, detail: bool) -> dict:
        """The JSON of one branch's result."""

    def list(self, request):
        year = year_from(request)
        branches = branches_visible_to(request.user).order_by("path")
        within = request.query_params.get("within")
        if within:
            if not within.isdigit():
                raise serializers.ValidationError({"within": [_("请填写党组织ID。")]})
            branches = within_subtree(branches, request, int(within))
        paginator = Pagination()
        page = paginator.paginate_queryset(branches, request, view=self)
        results = self.results_for(page, year)
        return paginator.get_paginated_response([self.represent(results[b.pk], detail=False) for b in page])

    def retrieve(self, request, pk=None):
        year = year_from(request)
        branch = branches_visible_to(request.user).filter(pk=pk).first() if str(pk).isdigit() else None
        if branch is None:
            raise Http404
        return Response(self.represent(self.results_for([branch], year)[branch.pk], detail=True))
