"""config.lookups: a long list of integer ids is bound as one array on
PostgreSQL (`= ANY(%s::bigint[])`) and selects exactly the rows `IN` selects;
everything else compiles as Django compiles it."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from config.lookups import LARGE

pytestmark = pytest.mark.django_db
on_postgresql = connection.vendor == "postgresql"
User = get_user_model()
MISSING = list(range(2_000_000_000, 2_000_000_000 + LARGE))  # ids no row has: pad a list past LARGE


def where(qs) -> str:
    return str(qs.query).split(" WHERE ", 1)[1]


@pytest.fixture
def user_ids():
    return [u.pk for u in User.objects.bulk_create([User(username=f"lookup{i}") for i in range(LARGE + 10)])]


def test_many_ids_select_the_same_rows_as_in_and_are_one_array_on_postgresql(user_ids):
    wanted = user_ids[::2]
    qs = User.objects.filter(pk__in=[*wanted, None, *MISSING])  # NULL and unknown ids match nothing
    assert sorted(qs.values_list("pk", flat=True)) == sorted(wanted)
    assert ("= ANY(" in where(qs)) == on_postgresql
    assert " IN (" in where(User.objects.filter(pk__in=wanted[:3]))  # a short list: as Django writes it


def test_a_foreign_key_and_a_join_take_the_array_too():
    some = list(ContentType.objects.order_by("pk").values_list("pk", flat=True)[:3])
    expected = sorted(Permission.objects.filter(content_type__in=some).values_list("pk", flat=True))
    assert expected  # the three content types have permissions
    for qs in (
        Permission.objects.filter(content_type__in=[*some, *MISSING]),
        Permission.objects.filter(content_type_id__in=[*some, *MISSING]),
        Permission.objects.filter(content_type__id__in=[*some, *MISSING]),
    ):
        assert sorted(qs.values_list("pk", flat=True)) == expected
        assert ("= ANY(" in where(qs)) == on_postgresql


def test_only_none_is_an_empty_result_without_a_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert list(User.objects.filter(pk__in=[None] * (LARGE + 1))) == []


def test_text_subqueries_and_booleans_compile_as_django_does(user_ids):
    names = [f"lookup{i}" for i in range(LARGE + 10)]
    by_name = User.objects.filter(username__in=names)
    assert " IN (" in where(by_name) and by_name.count() == len(user_ids)
    sub = User.objects.filter(pk__in=User.objects.filter(username__in=names[:5]).values("pk"))
    assert " IN (SELECT" in where(sub) and sub.count() == 5
    flags = User.objects.filter(is_active__in=[True] * (LARGE + 1))
    assert "= ANY(" not in where(flags) and flags.count() == User.objects.filter(is_active=True).count()


@pytest.mark.skipif(not on_postgresql, reason="SQLite cannot bind an integer beyond 64 bits at all")
def test_an_id_beyond_bigint_falls_back_to_in_and_matches_nothing(user_ids):
    qs = User.objects.filter(pk__in=[2**70, *user_ids])
    assert " IN (" in where(qs)
    assert sorted(qs.values_list("pk", flat=True)) == sorted(user_ids)
