"""The month arithmetic behind 党费 and the six-month rules is plain integer
arithmetic (it runs ~10⁶ times when a city is scored); it must agree with
dateutil's relativedelta on every day, including month ends and leap years."""

from datetime import date

from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from members.rules import add_months, month_count, month_range, months_between

days = st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31))


@given(days, st.integers(min_value=-600, max_value=600))
def test_add_months_agrees_with_relativedelta(day, months):
    assert add_months(day, months) == day + relativedelta(months=months)


@given(days, days)
def test_month_range_is_every_first_of_month_between(first, last):
    months = month_range(first, last)
    if first.replace(day=1) > last.replace(day=1):
        assert months == []
        return
    assert months[0] == first.replace(day=1) and months[-1] == last.replace(day=1)
    assert len(months) == months_between(first, last) + 1
    assert all(b == a + relativedelta(months=1) for a, b in zip(months, months[1:], strict=False))


def test_month_ends_clamp():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2025, 3, 31), -1) == date(2025, 2, 28)
    assert add_months(date(2025, 12, 15), 1) == date(2026, 1, 15)


@given(days, days)
def test_month_count_is_the_length_of_month_range(first, last):
    assert month_count(first, last) == len(month_range(first, last))
