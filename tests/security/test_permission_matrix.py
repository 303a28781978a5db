"""The permission matrix, generated from the OpenAPI schema (so a new
endpoint is covered without anyone adding it here): every /api/v1/ operation
× every role × {in scope, out of scope}.

- Reads: lists never show an out-of-scope record (no out-of-scope name in the
  body); a detail, action or download of an out-of-scope id is a 403/404.
- Writes: every operation on an out-of-scope id is refused; every field of a
  request body that references another object (found in the schema, nested
  ones included) pointing out of scope is refused without naming the person
  or unit it points at.

The world: 党委 甲 with 党支部 甲一 (where the users sit) and 甲二; 党委 乙 with
党支部 乙一 — out of scope for everyone but the superuser — whose records all
carry recognisable names."""

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from archives import services as archive_services
from archives.models import Catalogue, Document
from branches.models import CommitteeTerm, OrgUnit, PartyGroup, RoleAssignment
from meetings import services as meeting_services
from meetings.models import Meeting
from members import services as member_services
from members.models import Member
from tests.branches.factories import (
    BranchFactory,
    CommitteeFactory,
    CommitteeTermFactory,
    PartyGroupFactory,
    UserFactory,
)
from tests.members.factories import MemberFactory

Role = RoleAssignment.Role
STRANGER = "宋敏丹"
SECRETS = (STRANGER, "乙一支部", "乙党委", "乙一第一小组")  # nothing of 乙 may show to a user of 甲

# request-body fields that reference another object → the model they point at
REFS = {
    "member": Member,
    "talker": Member,
    "talkee": Member,
    "leader": Member,
    "host": Member,
    "recorder": Member,
    "lecturer": Member,
    "participants": Member,
    "people": Member,
    "present": Member,
    "branch": OrgUnit,
    "to_branch": OrgUnit,
    "org_unit": OrgUnit,
    "parent": OrgUnit,
    "party_group": PartyGroup,
    "catalogue": Catalogue,
    "term": CommitteeTerm,
    "corrects": Document,
    "approval_meeting": Meeting,
}
# integer body fields that are plain numbers, not references
PLAIN = {
    "step", "year", "version", "validity_days", "full_days", "half_days", "votes_for", "votes_against",
    "votes_abstain", "pages", "extension_months", "seats", "number", "voters_due", "voters_present", "votes",
    # references to objects no unit owns (scorecard templates are shared by every unit)
    "scorecard",
    # campaign settings: a sampling seed and a number of working days
    "sample_seed", "seed", "publicity_days",
    # user accounts named as 验收组成员 / 指导员: the campaign services check their role assignments
    "inspectors", "guide",
}

TODAY = dt.date(2025, 6, 30)


def populate(branch, *, stranger_name=None, group_name="第一小组", tag=""):
    """Records of every kind in `branch`, made through the services."""
    named = {"name": stranger_name} if stranger_name else {}
    people = [MemberFactory(branch=branch, **named)] + [MemberFactory(branch=branch) for _ in range(3)]
    group = PartyGroupFactory(branch=branch, name=group_name, leader=people[1])
    CommitteeTermFactory(org_unit=branch)
    meeting = meeting_services.meeting_record(
        branch=branch, kinds=["branch_assembly", "evaluation"], held_at=dt.date(2025, 3, 3), topic=f"{tag}学习会"
    )
    meeting_services.talk_record(branch=branch, date=dt.date(2025, 3, 4), talker_id=people[1].pk, talkee_id=people[0].pk)
    meeting_services.member_report_record(branch=branch, member_id=people[0].pk, date=dt.date(2025, 3, 5), topic="汇报")
    member_services.dues_month_record(member=people[0], month=dt.date(2025, 3, 1), base_pay="4000")
    member_services.training_record(
        branch=branch, title=f"{tag}轮训", start_date=dt.date(2025, 3, 6), full_days=1, participants=[people[0]]
    )
    applicant = MemberFactory(
        branch=branch, status=Member.Status.APPLICANT, join_date=None, full_member_date=None, application_date=None,
        birth_date=dt.date(2000, 1, 1),
    )
    member_services.development_step_record(member=applicant, step=1, date=dt.date(2025, 1, 2), document="申请书")
    member_services.transfer_out_issue(member=people[3], to_org="外省某党委", issued_on=dt.date(2025, 3, 7))
    member_services.inactivity_handle(
        member=people[2], rule="dues", since=dt.date(2024, 9, 1), handled_on=dt.date(2025, 3, 8), measure="corrected",
        note="已谈话",
    )
    archive_services.book_register(branch=branch, book_kind="study_notes", year=2025, member=people[0])
    return SimpleNamespace(branch=branch, people=people, group=group, meeting=meeting)


def snapshot() -> dict:
    return {m: set(m._base_manager.values_list("pk", flat=True)) for m in apps.get_models()}


@pytest.fixture
def world(db):
    committee = CommitteeFactory(name="甲党委")
    home = BranchFactory(name="甲一支部", parent=committee)
    sibling = BranchFactory(name="甲二支部", parent=committee)
    ours = populate(home, tag="甲")
    populate(sibling, tag="甲二")
    before = snapshot()
    other = CommitteeFactory(name="乙党委")
    theirs = populate(BranchFactory(name="乙一支部", parent=other), stranger_name=STRANGER, group_name="乙一第一小组",
                      tag="乙")
    after = snapshot()
    outside = {m: sorted(after[m] - before[m]) for m in after if after[m] - before[m]}
    inside = {m: sorted(before[m]) for m in before if before[m]}
    member_user = UserFactory()
    Member.objects.filter(pk=ours.people[2].pk).update(user=member_user)
    users = {
        "branch_secretary": (Role.BRANCH_SECRETARY, home),
        "branch_committee": (Role.BRANCH_COMMITTEE, home),
        "committee_admin": (Role.COMMITTEE_ADMIN, committee),
        "org_department": (Role.ORG_DEPARTMENT, committee),
        "inspector": (Role.INSPECTOR, committee),
    }
    roles = {}
    for name, (role, unit) in users.items():
        user = UserFactory()
        RoleAssignment.objects.create(user=user, role=role, org_unit=unit)
        roles[name] = user
    roles["party_member"] = member_user
    return SimpleNamespace(
        ours=ours, theirs=theirs, outside=outside, inside=inside, roles=roles, home=home,
        superuser=UserFactory(is_superuser=True),
    )


def operations():
    """(path template, method, operation) of every /api/v1/ operation in the schema."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, item in schema["paths"].items():
        if not path.startswith("/api/v1/") or path.startswith("/api/v1/auth/"):
            continue
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, op, schema


def model_of(path: str, world):
    """The model of the record a path's {id} names: the viewset's queryset
    model (a per-branch result without a queryset, such as compliance: the branch)."""
    cls = resolve(re.sub(r"\{[^}]+\}", "1", path)).func.cls
    view = cls()
    view.request = SimpleNamespace(user=world.superuser, query_params={}, GET={})
    view.action, view.kwargs, view.format_kwarg = "retrieve", {}, None
    try:
        return view.get_queryset().model
    except AttributeError:  # a plain ViewSet: per-branch results
        return OrgUnit


def fill(path, method, pk: int | None) -> str:
    return re.sub(r"\{[^}]+\}", str(pk if pk is not None else 0), path)


def resolve_ref(schema, node):
    while isinstance(node, dict) and "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    if isinstance(node, dict) and "allOf" in node:
        merged = {}
        for part in node["allOf"]:
            merged.update(resolve_ref(schema, part))
        return merged
    return node


def request_schema(schema, op):
    content = (op.get("requestBody") or {}).get("content") or {}
    for kind in ("application/json", "multipart/form-data", "application/x-www-form-urlencoded"):
        if kind in content:
            return kind, resolve_ref(schema, content[kind]["schema"])
    return None, None


def sample(schema, node, name, refs, world):
    """A plausible value for a body field; references point into scope (`refs` picks ids)."""
    node = resolve_ref(schema, node)
    if name in REFS and node.get("type") in ("integer", None) and "properties" not in node:
        return refs(REFS[name])
    kind = node.get("type")
    if "enum" in node:
        values = [v for v in node["enum"] if v not in (None, "")]
        return values[0] if values else None
    if kind == "object" or "properties" in node:
        return {k: sample(schema, v, k, refs, world) for k, v in (node.get("properties") or {}).items()
                if not resolve_ref(schema, v).get("readOnly")}
    if kind == "array":
        item = resolve_ref(schema, node.get("items", {}))
        if name in REFS:
            return [refs(REFS[name])]
        if item.get("type") == "object" or "properties" in item:
            return [sample(schema, item, name, refs, world)]
        return []
    if kind == "integer":
        return 1
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    fmt = node.get("format")
    if fmt == "date":
        return TODAY.isoformat()
    if fmt == "date-time":
        return f"{TODAY.isoformat()}T09:00:00+08:00"
    if fmt == "binary":
        return None
    return "测试"


def ref_paths(schema, node, prefix=()):
    """Every path (tuple of names) to a reference field in a request body schema."""
    node = resolve_ref(schema, node)
    for key, value in (node.get("properties") or {}).items():
        value = resolve_ref(schema, value)
        if value.get("readOnly"):
            continue
        if key in REFS:
            yield (*prefix, key)
        elif value.get("type") == "array" and ("properties" in resolve_ref(schema, value.get("items", {}))):
            yield from ref_paths(schema, value["items"], (*prefix, key))
        elif value.get("type") == "integer" and key not in PLAIN:
            raise AssertionError(
                f"{prefix + (key,)}: an integer field the matrix does not know — add it to REFS (a reference) "
                "or PLAIN (a number)"
            )


def point_out(body, path, value):
    """A copy of `body` whose field at `path` (through lists of objects) is `value`."""
    body = dict(body)
    key, rest = path[0], path[1:]
    if not rest:
        body[key] = [value] if isinstance(body.get(key), list) else value
        return body
    items = body.get(key) or [{}]
    body[key] = [point_out(item, rest, value) for item in items]
    return body


def body_text(response) -> str:
    if response.streaming:  # a download: an .xlsx is a zip, so look inside it
        raw = b"".join(response.streaming_content)
        if raw[:2] == b"PK":
            import io
            import zipfile

            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                raw = b"".join(archive.read(name) for name in archive.namelist())
        return raw.decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def assert_no_secret(response, context):
    text = body_text(response)
    for secret in SECRETS:
        assert secret not in text, (context, response.status_code, text[:500])


ROLES = ["branch_secretary", "branch_committee", "committee_admin", "org_department", "inspector", "party_member"]
EDITORS = {"branch_secretary", "branch_committee", "committee_admin", "org_department"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_matrix(role, world):
    client = APIClient()
    client.force_login(world.roles[role])
    ops = list(operations())
    assert len(ops) > 40  # the schema really was read
    checked, models = 0, {}
    for path, method, op, schema in ops:
        has_id = "{" in path
        model = models.setdefault(path, model_of(path, world)) if has_id else None
        context = (role, method.upper(), path)

        # --- out of scope: any operation on an out-of-scope id is refused, reads and writes alike
        if has_id:
            out_pk = (world.outside.get(model) or [987654])[0]
            response = getattr(client, method)(fill(path, method, out_pk), {}, format="json")
            assert response.status_code in (400, 403, 404, 405, 415, 428), (*context, response.status_code)
            assert_no_secret(response, context)
            checked += 1
        elif method == "get":
            response = client.get(path, {"page_size": 500})
            assert response.status_code < 500, (*context, response.status_code)
            assert_no_secret(response, context)
            checked += 1

        # --- references in request bodies pointing out of scope
        kind, body_schema = request_schema(schema, op)
        if body_schema is None or role not in EDITORS:
            continue
        target = None
        if has_id:
            inside = world.inside.get(model) or []
            target = inside[0] if inside else None
            if target is None:
                continue

        def in_scope(ref_model):
            if ref_model is OrgUnit:
                return world.home.pk
            if ref_model is Member:
                return world.ours.people[1].pk
            if ref_model is PartyGroup:
                return world.ours.group.pk
            pks = world.inside.get(ref_model) or [1]
            return pks[0]

        def out_of_scope(ref_model):
            if ref_model is OrgUnit:
                return world.theirs.branch.pk
            if ref_model is Member:
                return world.theirs.people[0].pk  # 宋敏丹
            if ref_model is PartyGroup:
                return world.theirs.group.pk
            return (world.outside.get(ref_model) or [987654])[0]

        base = sample(schema, body_schema, "", in_scope, world)
        if method in ("put", "patch") and target is not None and hasattr(model, "version"):
            base["version"] = model._base_manager.get(pk=target).version
        for ref in ref_paths(schema, body_schema):
            ref_model = REFS[ref[-1]]
            body = point_out(base, ref, out_of_scope(ref_model))
            fmt = "multipart" if kind == "multipart/form-data" else "json"
            if fmt == "multipart":
                body = {k: v for k, v in body.items() if v is not None and not isinstance(v, (dict, list))}
            url = fill(path, method, target)
            response = getattr(client, method)(url, body, format=fmt)
            ref_context = (*context, ".".join(ref))
            assert response.status_code >= 400, (*ref_context, response.status_code, response.content[:300])
            assert response.status_code < 500, (*ref_context, response.status_code)
            assert_no_secret(response, ref_context)
            checked += 1
    assert checked > 60
