from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.members.factories import make_id_number

BIRTH = date(1985, 6, 15)


def errors_of(response) -> dict:
    """The field errors of the JSON error envelope of config.api.exception_handler."""
    body = response.json()
    assert set(body) == {"detail", "errors"}, body
    return body["errors"]


def member_payload(branch, **overrides) -> dict:
    """A valid new 正式党员; pass field=None to leave a field out."""
    data = {
        "name": "张建国",
        "gender": "M",
        "birth_date": BIRTH.isoformat(),
        "branch": branch.pk,
        "status": "full",
        "application_date": "2008-03-01",
        "join_date": "2010-07-01",
        "full_member_date": "2011-07-01",
        "phone": "13800000000",
        "id_number": make_id_number(BIRTH, 1),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


def if_match(obj) -> dict:
    """The If-Match header of an edit based on the record's current version (config.concurrency)."""
    return {"HTTP_IF_MATCH": f'"{type(obj).objects.get(pk=obj.pk).version}"'}
