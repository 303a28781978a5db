"""Whole-city computations: scoring 2,000 branches, the alert sweep.

They build millions of small objects (the facts of every branch) that all live
until the computation ends. Python's cyclic garbage collector scans the objects
that survive, again and again as more are made: measured on the city data, a
third of the compliance calendar's time and a quarter of gathering its facts,
and the reason the time grew faster than the number of branches. Reference
counting frees these objects either way; the collector only looks for cycles,
which these computations do not make in bulk, and any they make are collected
once it is back on."""

import gc
from contextlib import contextmanager


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector for a bulk computation (nests; the
    outermost use turns it back on). A `with` block or a decorator."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
