"""Meeting attachments: upload, delete, and download, served only through the
scoping selector, never from a public media URL."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches.scoping import branches_visible_to

from .. import forms, services
from ..models import Attachment
from .access import IN_PLACE, editable_meeting


@login_required
@require_POST
def attachment_upload(request, pk):
    """The outcome is shown next to the upload field (extra tag IN_PLACE) and the
    page opens there: on a phone the top of the page is out of sight."""
    meeting = editable_meeting(request, pk)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(
                meeting, file=form.cleaned_data["file"], kind=form.cleaned_data["kind"], actor=request.user
            )
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m, extra_tags=IN_PLACE)
        else:
            messages.success(request, _("附件已上传。"), extra_tags=IN_PLACE)
    else:
        for errors in form.errors.values():
            for m in errors:
                messages.error(request, m, extra_tags=IN_PLACE)
    return redirect(reverse("meeting_detail", args=[meeting.pk]) + "#attachment-upload")


@login_required
def attachment_download(request, pk):
    """Attachments are never served from a public media URL: only through here,
    to users who may see the branch."""
    attachment = get_object_or_404(
        Attachment.objects.select_related("meeting__branch").filter(
            meeting__branch__in=branches_visible_to(request.user)
        ),
        pk=pk,
    )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("附件文件不存在。")) from None
    inline = attachment.content_type in ("image/jpeg", "image/png", "application/pdf")
    response = FileResponse(
        handle, content_type=attachment.content_type, as_attachment=not inline, filename=attachment.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def attachment_delete(request, pk):
    attachment = get_object_or_404(Attachment.objects.select_related("meeting__branch"), pk=pk)
    meeting = editable_meeting(request, attachment.meeting_id)
    try:
        services.attachment_delete(attachment, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("附件已删除。"))
    return redirect(reverse("meeting_detail", args=[meeting.pk]) + "#attachments")
