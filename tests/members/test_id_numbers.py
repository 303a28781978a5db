from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from members import idnumbers
from tests.members.factories import make_id_number


def test_valid_id_number_passes_and_is_normalised():
    number = make_id_number(date(1985, 6, 15), 12)
    assert idnumbers.validate_id_number(" " + number.lower() + " ") == number


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("11010119850615001", "18位"),
        ("1101011985061500AA", "18位"),
        ("110101198502300012", "出生日期无效"),
    ],
)
def test_malformed_id_numbers_get_a_chinese_reason(value, message):
    with pytest.raises(ValidationError, match=message):
        idnumbers.validate_id_number(value)


def test_wrong_check_digit_is_refused():
    number = make_id_number(date(1990, 1, 1), 7)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(ValidationError, match="校验位"):
        idnumbers.validate_id_number(wrong)


def test_masking_keeps_only_the_first_three_and_last_four():
    assert idnumbers.mask("11010119850615001X") == "110***********001X"


@given(st.dates(min_value=date(1920, 1, 1), max_value=date(2010, 12, 31)), st.integers(0, 999))
def test_encryption_round_trips_and_digest_is_stable(birth, seq):
    number = make_id_number(birth, seq)
    token = idnumbers.encrypt(number)
    assert number not in token
    assert idnumbers.decrypt(token) == number
    assert idnumbers.digest(number) == idnumbers.digest(number.lower())
    assert idnumbers.birth_date_of(number) == birth
