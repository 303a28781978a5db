"""`__in` with many integers as one array parameter on PostgreSQL.

Whole-city reads filter by the ids of 2,000 branches or 40,000 members. Django
writes `col IN (%s, %s, …)` with a placeholder per id, and each placeholder costs
Python time twice (Django prepares every value again, psycopg scans the SQL for
every %s): measured on the city data, 28 ms per query for 2,000 ids, more than
PostgreSQL then spends on many of them. `col = ANY(%s::bigint[])` with the list
bound once is the same predicate — PostgreSQL itself turns `IN (…)` into
`= ANY(ARRAY[…])`, so the plan is the same — without that cost. This is Django
ticket #37211 (not in 5.2), narrowed to what is safe to rewrite: plain
integers on an integer column, from LARGE values up; anything else (a
subquery, strings, dates, a composite key, a value beyond bigint) compiles as
Django compiles it, and so does every query on SQLite."""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db.models import Field
from django.db.models.expressions import ColPairs
from django.db.models.fields.related import ForeignObject
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In

LARGE = 64  # below this an IN list is cheap, and the SQL in logs stays the familiar one
INTEGER_COLUMNS = {"integer", "bigint", "smallint"}
BIGINT = 2**63


class ArrayInMixin:
    def as_postgresql(self, compiler, connection):
        values = self._array_values(connection)
        if values is None:
            return self.as_sql(compiler, connection)
        if not values:
            raise EmptyResultSet  # as `In` does: NULL equals nothing
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, values)

    def _array_values(self, connection) -> list[int] | None:
        """The ids to bind as one array, or None to compile as Django does."""
        if isinstance(self.lhs, ColPairs) or not self.rhs_is_direct_value():
            return None
        rhs = self.rhs
        if len(rhs) < LARGE or self.lhs.output_field.db_type(connection) not in INTEGER_COLUMNS:
            return None
        values = []
        for v in rhs:
            if v is None:
                continue
            if type(v) is not int or not -BIGINT <= v < BIGINT:  # bool, str, Decimal …: Django's way
                return None
            values.append(v)
        return values


class ArrayIn(ArrayInMixin, In):
    pass


class ArrayRelatedIn(ArrayInMixin, RelatedIn):
    pass


def register() -> None:
    """Replace `__in` for every field (the related fields have their own)."""
    Field.register_lookup(ArrayIn)
    ForeignObject.register_lookup(ArrayRelatedIn)
