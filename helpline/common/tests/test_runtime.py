"""The server processes' garbage-collector set-up (helpline.common.runtime)."""

import gc

import pytest
from django.core.exceptions import ImproperlyConfigured

from helpline.common.runtime import parse_thresholds, tune_garbage_collector


@pytest.fixture
def restore_gc():
    before = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("20000,20,20", (20000, 20, 20)), (" 5000 ", (5000,)), ("default", None), ("", None)],
)
def test_thresholds_are_parsed(value, expected):
    assert parse_thresholds(value) == expected


@pytest.mark.parametrize("value", ["fast", "0,10,10", "1,2,3,4", "-5", "20000;20"])
def test_bad_thresholds_are_a_clear_configuration_error(value):
    with pytest.raises(ImproperlyConfigured, match="HELPLINE_GC_THRESHOLDS"):
        parse_thresholds(value)


def test_tuning_freezes_start_up_objects_and_applies_thresholds(settings, restore_gc):
    settings.HELPLINE_GC_THRESHOLDS = (12345, 7, 9)
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    assert tune_garbage_collector() == (12345, 7, 9)
    assert gc.get_threshold() == (12345, 7, 9)
    assert gc.get_freeze_count() > 1000  # modules, classes, settings...


def test_default_keeps_pythons_thresholds(settings, restore_gc):
    settings.HELPLINE_GC_THRESHOLDS = None
    gc.set_threshold(700, 10, 10)
    assert tune_garbage_collector() == (700, 10, 10)


def test_the_asgi_entry_point_tunes_the_collector(settings, restore_gc):
    import importlib

    import helpline.asgi

    settings.HELPLINE_GC_THRESHOLDS = (20000, 20, 20)
    gc.set_threshold(700, 10, 10)
    gc.unfreeze()
    importlib.reload(helpline.asgi)
    assert gc.get_threshold() == (20000, 20, 20)
    assert gc.get_freeze_count() > 0
