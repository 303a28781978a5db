"""谈心谈话 and 党员汇报: lists and logging forms."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.scoping import branches_visible_to
from config.params import page_year

from .. import forms, selectors, services
from ..models import MemberReport, TalkRecord
from .access import (
    can_log_somewhere,
    editable_branch,
    editable_branches,
    own_page_for_members,
    put_errors,
    visible_branch,
)


def _record_list(request, *, model, template, create_url_name):
    visible = branches_visible_to(request.user)
    qs = model.objects.filter(branch__in=visible).select_related("branch")
    qs = qs.select_related("talker", "talkee") if model is TalkRecord else qs.select_related("member")
    branch = None
    if request.GET.get("branch"):
        branch = visible_branch(request, request.GET["branch"])
        qs = qs.filter(branch=branch)
    year = page_year(request, default=0) or None
    if year:
        qs = qs.filter(date__year=year)
    page = Paginator(qs.order_by("-date", "-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        template,
        {
            "page": page,
            "branch": branch,
            "year": year,
            "can_create": can_log_somewhere(request),
            "create_url_name": create_url_name,
        },
    )


def _record_create(request, *, form_class, heading, save):
    branch_id = request.GET.get("branch") or request.POST.get("branch")
    if not branch_id:
        editable = editable_branches(request)
        if len(editable) != 1:
            return render(request, "meetings/branch_pick.html", {"branches": editable, "next": request.path})
        branch_id = editable[0].pk
    branch = editable_branch(request, branch_id)
    members = selectors.party_members(branch)
    form = form_class(request.POST or None, members=members, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            save(branch, form.cleaned_data)
        except ValidationError as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("已登记。"))
            return redirect(f"{request.path}?{urlencode({'branch': branch.pk})}")
    return render(
        request,
        "meetings/record_form.html",
        {"form": form, "branch": branch, "heading": heading},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@own_page_for_members
def talk_list(request):
    return _record_list(
        request, model=TalkRecord, template="meetings/talk_list.html", create_url_name="meeting_talk_create"
    )


@login_required
def talk_create(request):
    def save(branch, d):
        return services.talk_record(
            branch=branch,
            date=d["date"],
            talker_id=d["talker"].pk,
            talkee_id=d["talkee"].pk,
            place=d["place"],
            summary=d["summary"],
            actor=request.user,
        )

    return _record_create(request, form_class=forms.TalkForm, heading=_("登记谈心谈话"), save=save)


@login_required
@own_page_for_members
def report_list(request):
    return _record_list(
        request, model=MemberReport, template="meetings/report_list.html", create_url_name="meeting_report_create"
    )


@login_required
def report_create(request):
    def save(branch, d):
        return services.member_report_record(
            branch=branch,
            member_id=d["member"].pk,
            date=d["date"],
            topic=d["topic"],
            content=d["content"],
            actor=request.user,
        )

    return _record_create(request, form_class=forms.MemberReportForm, heading=_("登记党员汇报"), save=save)
