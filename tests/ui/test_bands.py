"""Episode and summary bands on the timeline, over a real store that the real memory
pipeline has run on: the dev screenshots imported (OCR), then floor + consolidation."""

from __future__ import annotations

import datetime as dt
import types

import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt

from memory.consolidate import SUMMARY_TYPES
from memory.items import EPISODIC
from ui.timeline import colors
from ui.timeline.day import day_bounds, load_day
from ui.timeline.track import EP_H, EP_TOP, SUM_H, SUM_TOP
from ui.timeline.view import TimelineView

DAY = dt.date(2026, 2, 17)
EPS = 1e-3   # ISO text vs float epoch: the last microsecond may differ


@pytest.fixture(scope="module")
def memory_store(tmp_path_factory, embedder, ocr):
    """Its own store (the session's screens store stays untouched by the pipeline)."""
    from capture.importer import FrameImporter
    from memory.pipeline import run_pending
    from memory.redact import Redactor
    from memory.store.store import Store
    from tests.conftest import PASSPHRASE, SCREENS

    store = Store.open(tmp_path_factory.mktemp("bands") / "data", passphrase=PASSPHRASE,
                       encrypt_new=True, embedder=embedder)
    FrameImporter(store=store, ocr=ocr, redactor=Redactor()).run(SCREENS / "frames.jsonl")
    # what the app runs after every import: the floor, then the hour/day summaries
    out = run_pending(types.SimpleNamespace(store=store), use_llm=False)
    assert out["observations"] > 0 and out["consolidation"]["summaries"]["hours"] > 0
    yield store
    store.close()


def _share_of(img, rect, rgb, tol=4) -> float:
    """The share of the pixels in `rect` (of a grabbed QImage) that are within `tol` of
    `rgb` in every channel."""
    x0, x1 = max(int(rect.left()), 0), min(int(rect.right()) + 1, img.width())
    y0, y1 = int(rect.top()), int(rect.bottom()) + 1
    pixels = [img.pixelColor(x, y) for x in range(x0, x1) for y in range(y0, y1)]
    near = [c for c in pixels if max(abs(c.red() - rgb[0]), abs(c.green() - rgb[1]),
                                     abs(c.blue() - rgb[2])) <= tol]
    return len(near) / max(len(pixels), 1)


def _active(store):
    """(episodes, summaries) as the pipeline stored them: active episodic memories."""
    ms = store.memories.list_by_type(EPISODIC, limit=10_000)
    eps = [m for m in ms if m.fields.get("event_type") not in SUMMARY_TYPES]
    sums = [m for m in ms if m.fields.get("event_type") in SUMMARY_TYPES]
    return eps, sums


@pytest.fixture
def bands_view(qtbot, memory_store, pools):
    view = TimelineView(memory_store.frames, pools[0],   # as the main window builds it
                        memories=memory_store.memories)
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    with qtbot.waitSignal(view.dayLoaded, timeout=20000):
        view.load_date(DAY)
    return view


def test_the_day_carries_the_pipelines_episodes_and_summaries(qtbot, bands_view, memory_store,
                                                              grab):
    view, day, track = bands_view, bands_view.day, bands_view.track
    eps, sums = _active(memory_store)
    assert eps and sums
    assert len(day.episodes) > 0
    assert {e.id for e in day.episodes} == {m.id for m in eps}
    by_id = {m.id: m for m in eps}
    for e in day.episodes:
        assert day.start <= e.start <= e.end <= day.end
        assert e.label == by_id[e.id].fields["summary"]
        assert e.app == by_id[e.id].fields["app"]
        assert e.end - e.start == pytest.approx(
            dt.datetime.fromisoformat(by_id[e.id].fields["ended_at"]).timestamp()
            - dt.datetime.fromisoformat(by_id[e.id].fields["occurred_at"]).timestamp())
    hours = [s for s in day.summaries if s.level == "hour"]
    assert {s.id for s in day.summaries} == {m.id for m in sums}
    assert len(hours) == sum(m.fields["event_type"] == "summary_hour" for m in sums) > 0
    assert all(s.end - s.start == pytest.approx(3600) for s in hours)
    assert all(s.text and "–" in s.text for s in hours)

    # the track laid them out, one block each, inside the episodes row of the day view
    assert len(track.episode_spans) == len(day.episodes)
    assert len(track.hour_spans) == len(hours)
    for e in day.episodes:
        r = track.episode_rect(e.id)
        assert r is not None and r.width() >= 3
        assert EP_TOP <= r.top() and r.bottom() <= EP_TOP + EP_H
        assert -3 <= r.left() and r.right() <= track.width() + 3
        assert abs(r.center().x() - track.x_of((e.start + e.end) / 2)) < 0.5
        centre = r.center()
        assert track.episode_at(centre).id == e.id
        assert e.label in track.tooltip_at(centre)
    # an hour summary's tooltip over its thin segment; nothing over empty track
    h = hours[0]
    at = QPointF(track.x_of((h.start + h.end) / 2), SUM_TOP + SUM_H / 2)
    assert track.summary_at(at).id == h.id
    assert h.full.splitlines()[0] in track.tooltip_at(at)
    assert track.tooltip_at(QPointF(track.x_of(day.start + 60), EP_TOP + 2)) == ""

    # and drew them: each block shows its app's colour; the row is empty elsewhere
    img = track.grab().toImage()
    for e in day.episodes:
        assert _share_of(img, track.episode_rect(e.id), colors.colour_of(colors.for_runs(day.runs), e.app)) > 0, e.label
    base = track.palette().base().color()
    empty = QRectF(track.x_of(day.start + 60), EP_TOP, 20, EP_H)
    assert _share_of(img, empty, (base.red(), base.green(), base.blue()), tol=0) == 1.0
    grab(view, "timeline_bands_day")
    assert track.tooltip_at(QPointF(track.x_of(day.start + 60), SUM_TOP + 1)) != \
        track.tooltip_at(at)   # a day summary there, or nothing: never that hour


def test_clicking_an_episode_selects_its_first_frame(qtbot, bands_view, grab):
    view, day, track = bands_view, bands_view.day, bands_view.track
    inside = {e.id: [f for f in day.frames if e.start - EPS <= f.ts_epoch <= e.end + EPS]
              for e in day.episodes}
    ep = max((e for e in day.episodes if inside[e.id] and e.kind == "app_session"),
             key=lambda e: e.end - e.start)
    first = inside[ep.id][0]
    view.select_index(len(day.frames) - 1 if day.frames[-1].id != first.id else 0)
    assert view.viewer.frame.id != first.id

    # zoom and scroll follow the frames: at minute zoom, centred on the episode, it is wide
    view.zoom.setCurrentText("minute")
    track.set_cursor((ep.start + ep.end) / 2)
    lo, hi = track.view_range
    assert lo <= ep.start and ep.end <= hi
    r = track.episode_rect(ep.id)
    assert r.left() == pytest.approx(track.x_of(ep.start), abs=0.01)
    assert r.right() == pytest.approx(track.x_of(ep.end), abs=0.01)
    assert r.width() > 40 and 0 <= r.left() and r.right() <= track.width()
    colour = colors.colour_of(colors.for_runs(day.runs), ep.app)
    assert _share_of(track.grab().toImage(), r, colour) > 0.4   # redrawn wide
    point = QPoint(int(r.center().x()), int(r.center().y()))
    clicked_at = track.epoch_at(point.x())
    assert clicked_at - first.ts_epoch > 0.5   # a plain scrub would put the cursor here

    with qtbot.waitSignal(view.frameShown, timeout=5000) as shown, \
            qtbot.waitSignal(view.episodeClicked, timeout=5000) as clicked:
        qtbot.mouseClick(track, Qt.MouseButton.LeftButton, pos=point)
    assert shown.args == [first.id]
    assert clicked.args == [ep.id]
    shown = view.viewer.frame
    assert shown.id == first.id and ep.start - EPS <= shown.ts_epoch <= ep.end + EPS
    assert track._cursor == pytest.approx(first.ts_epoch)   # the select path, not a scrub
    qtbot.waitUntil(lambda: view.viewer.image.pixmap() is not None
                    and not view.viewer.image.pixmap().isNull(), timeout=10000)
    grab(view, "timeline_bands")

    # hour zoom: the same block, narrower, still under the same times
    view.zoom.setCurrentText("hour")
    r2 = track.episode_rect(ep.id)
    assert r2.width() < r.width()
    assert r2.center().x() == pytest.approx(track.x_of((ep.start + ep.end) / 2), abs=0.5)
    # scrolling moves bands exactly as it moves the time axis
    before = r2.center().x() - track.x_of(ep.start)
    track.set_cursor(day.end - 10)
    assert track.episode_rect(ep.id).center().x() - track.x_of(ep.start) == \
        pytest.approx(before, abs=0.01)

    # the app bar under an episode still scrubs; it is not an episode click
    view.zoom.setCurrentText("minute")
    track.set_cursor((ep.start + ep.end) / 2)
    r = track.episode_rect(ep.id)
    bar_y = int(track.bar_rect.center().y())
    with qtbot.assertNotEmitted(view.episodeClicked, wait=100):
        qtbot.mouseClick(track, Qt.MouseButton.LeftButton, pos=QPoint(int(r.center().x()), bar_y))
    assert track._cursor == pytest.approx(track.epoch_at(int(r.center().x())))


def test_only_active_memories_make_bands(memory_store):
    eps, _ = _active(memory_store)
    gone = eps[0]
    memory_store.memories.delete(
        gone.id, reason="test: a deleted episode leaves the timeline")
    day = load_day(memory_store.frames, DAY, memory_store.memories)
    assert gone.id not in {e.id for e in day.episodes}
    assert len(day.episodes) == len(eps) - 1
    assert load_day(memory_store.frames, DAY).episodes == []   # no repository given: no bands


def test_a_timeline_without_memories_shows_no_bands(qtbot, open_store, pools):
    from PIL import Image

    from capture.images import encode_image
    from memory.ocr_types import OcrLine

    store = open_store(encrypt=False)
    for k, minute in enumerate((10, 12)):
        ts = dt.datetime.combine(DAY, dt.time(11, minute)).astimezone()
        store.frames.add(image_bytes=encode_image(Image.new("RGB", (64, 40), (200, 200, 200))),
                         ts=ts, app="Files", window_title=f"folder {k}", url=None, width=64,
                         height=40, phash="0", sources=[f"bare:{k}"],
                         ocr_lines=[OcrLine(f"folder {k}", (0, 0, 10, 10), 1.0)])
    view = TimelineView(store.frames, pools[0])   # no memory repository: no bands
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    with qtbot.assertNotEmitted(view.failed), \
            qtbot.waitSignal(view.dayLoaded, timeout=10000) as loaded:
        view.load_date(DAY)
    assert loaded.args == [2]
    assert view.day.episodes == [] and view.day.summaries == []
    track = view.track
    assert len(track.episode_spans) == 0 and len(track.hour_spans) == 0
    x = int(track.x_of(view.day.frames[1].ts_epoch + 600))
    assert track.tooltip_at(QPointF(x, EP_TOP + EP_H / 2)) == ""
    # the episodes row is plain track there: a click scrubs
    view.select_index(0)
    with qtbot.assertNotEmitted(view.episodeClicked), \
            qtbot.waitSignal(view.frameShown, timeout=5000) as shown:
        qtbot.mouseClick(track, Qt.MouseButton.LeftButton, pos=QPoint(x, int(EP_TOP + 4)))
    assert shown.args == [view.day.frames[1].id]
    assert view.viewer.notice.isHidden() or "Could not" not in view.viewer.notice.text()


def test_an_episode_that_begins_between_frames_opens_its_first_frame(qtbot, memory_store,
                                                                      pools):
    """Episodes need not start on a frame (the LLM tier's, a chat): the click goes to the
    first frame inside, not the one on screen when it began; with none inside, to what
    was on screen then."""
    repo = memory_store.memories
    frames = memory_store.frames.between(*day_bounds(DAY))
    before, target = frames[2], frames[3]
    assert target.ts_epoch - before.ts_epoch > 600

    def add(t0: float, t1: float, summary: str) -> int:
        at = dt.datetime.fromtimestamp(t0).astimezone().isoformat()
        return repo.add(EPISODIC, {"occurred_at": at, "event_type": "reading", "actor": "user",
                                   "ended_at": dt.datetime.fromtimestamp(t1).astimezone()
                                   .isoformat(), "summary": summary},
                        sources=[target.sources[0]], occurred_at=at, tier="llm")

    reading = add(target.ts_epoch - 120, target.ts_epoch + 60, "Reading a lentil recipe")
    between = add(before.ts_epoch + 300, before.ts_epoch + 360, "Thinking about the parser")

    view = TimelineView(memory_store.frames, pools[0], memories=memory_store.memories)
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    with qtbot.waitSignal(view.dayLoaded, timeout=20000):
        view.load_date(DAY)
    track = view.track
    assert {reading, between} <= {e.id for e in view.day.episodes}
    assert track.episode_spans.n_lanes == 2   # it overlaps the floor's session there

    view.zoom.setCurrentText("hour")
    for mid, expected, cursor in ((reading, target, target.ts_epoch),
                                  (between, before, before.ts_epoch + 300)):
        view.select_index(len(view.day.frames) - 1)
        ep = view.day.episode(mid)
        track.set_cursor((ep.start + ep.end) / 2)
        r = track.episode_rect(mid)
        assert 0 <= r.left() and r.right() <= track.width()
        point = QPoint(int(r.center().x()), int(r.center().y()))
        assert track.episode_at(QPointF(point)).id == mid
        with qtbot.waitSignal(view.episodeClicked, timeout=5000) as clicked:
            qtbot.mouseClick(track, Qt.MouseButton.LeftButton, pos=point)
        assert clicked.args == [mid]
        assert view.viewer.frame.id == expected.id
        assert track._cursor == pytest.approx(cursor)

    # the pipeline runs again while the day is shown: a refresh brings its new episode in,
    # keeping the selection and the view
    shown, view_range = view.viewer.frame.id, track.view_range
    later = add(target.ts_epoch + 600, target.ts_epoch + 660, "Shopping list for the dal")
    view.refresh()
    qtbot.waitUntil(lambda: track.episode_rect(later) is not None, timeout=5000)
    assert later in {e.id for e in view.day.episodes}
    assert view.viewer.frame.id == shown and track.view_range == view_range
