"""memory.timefmt: the one ISO 8601 parser and its naive-time rule."""

import datetime as dt

import pytest

from memory.timefmt import now_iso, parse_iso, to_epoch

AWARE = "2026-02-17T09:30:00+01:00"
NAIVE = "2026-02-17T09:30:00"


def test_aware_times_keep_their_offset_whatever_the_naive_rule():
    want = dt.datetime(2026, 2, 17, 8, 30, tzinfo=dt.UTC).timestamp()
    for naive in ("local", "utc", "keep"):
        assert parse_iso(AWARE, naive=naive).timestamp() == want
    assert parse_iso("2026-02-17T08:30:00Z").timestamp() == want


def test_naive_is_local_by_default_utc_or_kept_on_request():
    local = dt.datetime(2026, 2, 17, 9, 30).astimezone()
    assert parse_iso(NAIVE) == local and parse_iso(NAIVE).tzinfo is not None
    assert parse_iso(NAIVE, naive="utc") == dt.datetime(2026, 2, 17, 9, 30, tzinfo=dt.UTC)
    assert parse_iso(NAIVE, naive="keep").tzinfo is None
    assert to_epoch(NAIVE) == local.timestamp()
    assert to_epoch(NAIVE, naive="utc") == dt.datetime(2026, 2, 17, 9, 30,
                                                       tzinfo=dt.UTC).timestamp()


def test_unreadable_times():
    with pytest.raises(ValueError):
        parse_iso("yesterday")
    assert to_epoch("yesterday") is None and to_epoch("") is None and to_epoch(None) is None


def test_now_is_aware_utc():
    t = parse_iso(now_iso(), naive="keep")
    assert t.utcoffset() == dt.timedelta(0)
    assert abs(t.timestamp() - dt.datetime.now(dt.UTC).timestamp()) < 60
