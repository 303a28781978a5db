"""config.bulk.gc_paused: the collector is off inside, back on after — also
when the computation fails, and only the outermost use turns it back on."""

import gc

import pytest

from config.bulk import gc_paused


def test_the_collector_is_paused_inside_and_back_on_after_even_on_an_error():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner use leaves it as it found it
    assert gc.isenabled()
    with pytest.raises(ValueError), gc_paused():
        raise ValueError("the computation failed")
    assert gc.isenabled()


def test_a_collector_turned_off_by_someone_else_stays_off():
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
