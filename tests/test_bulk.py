"""config.bulk.gc_paused: the collector is off inside, back on after — also
when the computation fails, and only the outermost use turns it back on."""

import gc
from types import SimpleNamespace

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


def test_the_city_wide_selectors_run_with_the_collector_paused(monkeypatch):
    """Scoring facts and the compliance calendar, called directly (the growth
    benchmark, the compliance API of a 党委), pause it too."""
    from assessment import selectors as scoring
    from meetings import selectors as meetings

    seen = []
    monkeypatch.setattr(meetings, "branch_facts", lambda branches, year: seen.append(gc.isenabled()) or {})
    assert meetings.branches_compliance([], 2025) == {} and seen == [False]
    assert gc.isenabled()

    class Stop(Exception):
        pass

    def first_read(*args, **kwargs):
        seen.append(gc.isenabled())
        raise Stop

    monkeypatch.setattr(scoring, "branch_rule_findings", first_read)
    with pytest.raises(Stop):
        scoring.scoring_facts([SimpleNamespace(pk=1)], 2025)
    assert seen == [False, False] and gc.isenabled()
