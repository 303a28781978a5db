"""党费 standards (SPEC §3): every bracket boundary, rounding to 分 and
monotonicity, with the rate table as seeded by the data migration."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from members import rules
from members.models import DuesRate, Member
from members.services import rate_rows

D = Decimal
C = Member.Category

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates():
    return rate_rows()


@pytest.mark.parametrize(
    ("base", "due"),
    [
        ("0.00", "0.00"),
        ("1000.00", "5.00"),
        ("2999.99", "15.00"),  # 14.99995 rounds half up
        ("3000.00", "15.00"),  # upper bound inclusive: still 0.5%
        ("3000.01", "30.00"),  # 1%
        ("4999.99", "50.00"),
        ("5000.00", "50.00"),
        ("5000.01", "75.00"),  # 1.5%
        ("9999.99", "150.00"),
        ("10000.00", "150.00"),
        ("10000.01", "200.00"),  # 2%
        ("25000.00", "500.00"),
    ],
)
def test_employed_members_pay_by_bracket_with_inclusive_upper_bounds(rates, base, due):
    amount, _row = rules.dues_amount(C.EMPLOYED, D(base), rates)
    assert amount == D(due)
    assert amount.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("base", "due"),
    [("4999.99", "25.00"), ("5000.00", "25.00"), ("5000.01", "50.00"), ("8000.00", "80.00")],
)
def test_retired_members_pay_half_a_percent_up_to_5000_and_one_percent_above(rates, base, due):
    assert rules.dues_amount(C.RETIRED, D(base), rates)[0] == D(due)


@pytest.mark.parametrize("category", [C.STUDENT, C.OTHER, C.FARMER])
def test_students_others_and_farmers_pay_twenty_fen_whatever_the_income(rates, category):
    assert rules.dues_amount(category, None, rates)[0] == D("0.20")
    assert rules.dues_amount(category, D("9000"), rates)[0] == D("0.20")


def test_farmers_may_pay_a_fixed_amount_between_twenty_fen_and_one_yuan(rates):
    assert rules.dues_amount(C.FARMER, None, rates, fixed=D("1.00"))[0] == D("1.00")
    assert rules.dues_amount(C.FARMER, None, rates, fixed=D("0.50"))[0] == D("0.50")
    with pytest.raises(rules.RuleError, match="0.20元至1.00元"):
        rules.dues_amount(C.FARMER, None, rates, fixed=D("1.01"))
    with pytest.raises(rules.RuleError):
        rules.dues_amount(C.STUDENT, None, rates, fixed=D("0.50"))  # students have no range


def test_a_member_paid_by_percentage_needs_a_base(rates):
    with pytest.raises(rules.RuleError) as exc:
        rules.dues_amount(C.EMPLOYED, None, rates)
    assert exc.value.field == "base_pay"


def test_the_rates_are_data_an_administrator_can_change(rates):
    DuesRate.objects.filter(category=C.EMPLOYED, upper_bound=D("3000.00")).update(percent=D("0.40"))
    assert rules.dues_amount(C.EMPLOYED, D("3000.00"), rate_rows())[0] == D("12.00")


SPEC_RATES = [
    rules.RateRow(C.EMPLOYED, D("3000.00"), D("0.50")),
    rules.RateRow(C.EMPLOYED, D("5000.00"), D("1.00")),
    rules.RateRow(C.EMPLOYED, D("10000.00"), D("1.50")),
    rules.RateRow(C.EMPLOYED, None, D("2.00")),
    rules.RateRow(C.RETIRED, D("5000.00"), D("0.50")),
    rules.RateRow(C.RETIRED, None, D("1.00")),
]
money = st.decimals(min_value=D("0"), max_value=D("200000"), places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(a=money, b=money, category=st.sampled_from([C.EMPLOYED, C.RETIRED]))
def test_dues_are_rounded_to_fen_and_never_fall_when_income_rises(a, b, category):
    low, high = sorted((a, b))
    due_low, row = rules.dues_amount(category, low, SPEC_RATES)
    due_high, _row = rules.dues_amount(category, high, SPEC_RATES)
    assert due_low == (low * row.percent / 100).quantize(D("0.01"), rounding="ROUND_HALF_UP")
    assert due_low.as_tuple().exponent == -2
    assert due_low <= due_high


def test_money_rounds_half_up_to_the_fen():
    assert (rules.money("40.505"), rules.money("40.515"), rules.money("40.504")) == (D("40.51"), D("40.52"), D("40.50"))
