"""The ID-reveal audit trail is append-only: reveals add rows; nothing in the
admin or the ORM changes or deletes one, and a member whose number was
revealed cannot be deleted together with the trail."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError
from django.urls import reverse

from members.models import IdNumberAccess
from members.services import id_number_reveals_record, member_reveal_id_number
from tests.branches.factories import UserFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def access():
    user = UserFactory()
    member = MemberFactory(id_number="110101198506150019", user=user)  # the member themself may see the number
    member_reveal_id_number(member, actor=user, channel="page", ip_address="10.0.0.1")
    id_number_reveals_record(members=[member], actor=user, channel="export")
    assert IdNumberAccess.objects.filter(member=member).count() == 2
    return IdNumberAccess.objects.filter(member=member).order_by("pk").first()


def test_rows_cannot_be_changed_or_deleted_through_the_orm(access):
    access.channel = "forged"
    with pytest.raises(PermissionDenied):
        access.save()
    with pytest.raises(PermissionDenied):
        access.delete()
    with pytest.raises(PermissionDenied):
        IdNumberAccess.objects.filter(pk=access.pk).update(channel="forged")
    with pytest.raises(PermissionDenied):
        IdNumberAccess.objects.all().delete()
    with pytest.raises(ProtectedError):
        access.member.delete()
    fresh = IdNumberAccess.objects.get(pk=access.pk)
    assert fresh.channel == "page" and IdNumberAccess.objects.count() == 2


def test_the_admin_shows_the_rows_but_cannot_change_or_delete_them(admin_client, access):
    changelist = reverse("admin:members_idnumberaccess_changelist")
    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(reverse("admin:members_idnumberaccess_delete", args=[access.pk])).status_code == 403
    assert (
        admin_client.post(reverse("admin:members_idnumberaccess_delete", args=[access.pk]), {"post": "yes"}).status_code
        == 403
    )
    admin_client.post(changelist, {"action": "delete_selected", "_selected_action": [access.pk], "post": "yes"})
    assert (
        admin_client.post(
            reverse("admin:members_idnumberaccess_change", args=[access.pk]), {"channel": "forged"}
        ).status_code
        == 403
    )
    member_delete = reverse("admin:members_member_delete", args=[access.member.pk])
    admin_client.post(member_delete, {"post": "yes"})
    assert IdNumberAccess.objects.count() == 2 and IdNumberAccess.objects.get(pk=access.pk).channel == "page"
