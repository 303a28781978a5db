"""The notification centre (SPEC §7): a user's own notifications with filters,
mark read (one, or all), and "查看", which marks read and opens the record.
Reads and writes are in `branches.alerts`; nothing here touches Redis."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from config.params import filter_status

from . import alerts
from .models import Alert, AlertKind

UNREAD, READ = "unread", "read"


class NotificationFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[("", gettext_lazy("全部")), (UNREAD, gettext_lazy("未读")), (READ, gettext_lazy("已读"))],
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("类型"), required=False, choices=[("", gettext_lazy("全部类型")), *AlertKind.choices]
    )
    level = forms.ChoiceField(
        label=gettext_lazy("级别"), required=False, choices=[("", gettext_lazy("全部级别")), *Alert.Level.choices]
    )
    q = forms.CharField(label=gettext_lazy("党组织"), required=False, max_length=50)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select form-select-sm" if isinstance(field, forms.ChoiceField) else "form-control form-control-sm"
            field.widget.attrs["class"] = css
        self.fields["q"].widget.attrs["placeholder"] = _("名称关键字")

    def filter(self, qs):
        if not self.is_valid():
            return qs
        d = self.cleaned_data
        if d["state"] == UNREAD:
            qs = qs.filter(read_at__isnull=True)
        elif d["state"] == READ:
            qs = qs.filter(read_at__isnull=False)
        if d["kind"]:
            qs = qs.filter(alert__kind=d["kind"])
        if d["level"]:
            qs = qs.filter(alert__level=d["level"])
        if d["q"]:
            qs = qs.filter(Q(alert__org_unit__name__icontains=d["q"]))
        return qs


@login_required
def notification_list(request):
    form = NotificationFilterForm(request.GET or None)
    page = Paginator(form.filter(alerts.notifications_of(request.user)), 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "branches/alerts/notification_list.html", {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "filter_kind": form.cleaned_data.get("kind", "") if form.is_valid() else "",
    }, status=filter_status(form))


def _back(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@login_required
@require_POST
def notification_read(request, pk):
    notification = get_object_or_404(alerts.notifications_of(request.user), pk=pk)  # someone else's: 404
    alerts.notification_mark_read(user=request.user, notification_ids=[notification.pk])
    return redirect(_back(request, "notification_list"))


@login_required
@require_POST
def notification_read_all(request):
    kind = request.POST.get("kind") or None
    if kind not in dict(AlertKind.choices):
        kind = None
    n = alerts.notification_mark_read(user=request.user, kind=kind)
    messages.success(request, _("已将%(n)s条通知标记为已读。") % {"n": n})
    return redirect(_back(request, "notification_list"))


@login_required
def notification_open(request, pk):
    """"查看": mark the notification read and go to the record it is about."""
    notification = get_object_or_404(alerts.notifications_of(request.user), pk=pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return redirect(notification.alert.target_url)


def subtree_overdue_context(user, unit) -> dict:
    """For the 党委/党总支 page (branches/templatetags/alert_tags.py): the overdue
    alerts of the branches below, one query."""
    rows = alerts.subtree_overdue_alerts(user, unit, limit=21)
    return {"overdue_alerts": rows[:20], "overdue_more": len(rows) > 20, "unit": unit}
