"""Token auth for scripts, and the OpenAPI schema and docs that work on an
intranet without internet (no CDN assets)."""

import re

from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.branches.factories import UserFactory
from tests.members.factories import MemberFactory


def test_token_from_username_and_password_authenticates_api_calls(tree, secretary_of):
    user = secretary_of(tree.a)
    MemberFactory(branch=tree.a, name="甲一")
    client = APIClient()

    issued = client.post("/api/v1/auth/token/", {"username": user.username, "password": "pass12345"}, format="json")
    assert issued.status_code == 200, issued.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {issued.json()['token']}")
    response = client.get("/api/v1/members/")

    assert issued.json()["token"] == Token.objects.get(user=user).key
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == ["甲一"]


def test_wrong_password_gets_no_token_and_a_chinese_error(db):
    user = UserFactory()

    response = APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": "wrong"}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"] == ["无法使用提供的认证信息登录。"]
    assert not Token.objects.exists()


def test_unknown_token_is_refused(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    response = client.get("/api/v1/members/")

    # 403, not 401: SessionAuthentication comes first in settings and sends no WWW-Authenticate
    assert response.status_code in (401, 403)
    assert response.json()["detail"] == "认证令牌无效。"


def test_schema_is_valid_openapi_and_documents_the_workflow_actions(db):
    response = APIClient().get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    paths = schema["paths"]
    assert "/api/v1/members/{id}/reveal-id-number/" in paths
    assert "/api/v1/members/{id}/change-status/" in paths
    assert "/api/v1/auth/token/" in paths
    member = schema["components"]["schemas"]["Member"]["properties"]
    assert "id_number" not in member and "id_number_masked" in member
    assert "id_number" in schema["components"]["schemas"]["MemberRequest"]["properties"]


def test_the_docs_group_operations_by_resource(db):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    tags = {
        path: op["tags"]
        for path, ops in schema["paths"].items()
        for op in ops.values()
        if isinstance(op, dict) and "tags" in op
    }
    assert tags["/api/v1/members/{id}/change-status/"] == ["members"]
    assert tags["/api/v1/archive-boxes/{id}/bind/"] == ["archive-boxes"]
    assert tags["/api/v1/meetings/"] == ["meetings"]
    assert not any("v1" in t for t in tags.values())


def test_swagger_ui_loads_only_local_assets(db):
    user = UserFactory()
    client = APIClient()
    client.force_login(user)

    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)["\']', html)
    assert any("swagger-ui" in a for a in assets), assets
    assert all(a.startswith("/static/") for a in assets), assets
    assert not re.search(r"https?://|[\"']//", html)


def test_openapi_schema_generates_without_warnings(tmp_path):
    """Every endpoint of every app is documented with unambiguous component names."""
    from django.core.management import call_command

    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = target.read_text()
    for path in ("/api/v1/members/", "/api/v1/branches/", "/api/v1/meetings/", "/api/v1/compliance/"):
        assert path in schema
