"""A moment has one identity: a frame captured live (no manifest file) is found, cited and
resolved by its canonical key, and an imported frame's manifest file is an alias of it."""

from __future__ import annotations

import datetime as dt

from PIL import Image

from capture.images import encode_image
from memory.answer import Answerer
from memory.ocr_types import OcrLine
from memory.pipeline import repo_for, run_store
from memory.retrieval import Retriever
from memory.store.sources import canonical, frame_key, resolve

TS = dt.datetime(2026, 2, 17, 9, 30).astimezone()


def _live_frame(store, lines, *, sources=(), app="Thunderbird", title="Parcel tracking"):
    """A frame as the capture service stores it: no manifest file, so no alias."""
    return store.add_frame(image_bytes=encode_image(Image.new("RGB", (400, 120), "white")),
                           ts=TS, app=app, window_title=title, url=None, width=400,
                           height=120, phash="00", sources=list(sources),
                           ocr_lines=[OcrLine(t, (0, 20 * i, 300, 20 * i + 18), 0.99)
                                      for i, t in enumerate(lines)])


def test_canonical_keys_parse_and_aliases_do_not():
    assert canonical(frame_key(12)) == ("frame", 12)
    assert canonical("turn:7") == ("turn", 7)
    assert canonical("0007.png") is None and canonical("conv-1:D1:3") is None
    assert canonical("frame:12; DROP") is None


def test_a_live_frame_is_found_cited_and_resolved(open_store):
    store = open_store()
    fid = _live_frame(store, ["Your parcel is on its way",
                              "Tracking number: ZX-4471-QP", "Carrier: Nordpost"])
    store.docs.embed_pending()
    hits = Retriever(store).search("tracking number of my parcel", limit=5)
    frame_hits = [h for h in hits if h.kind == "frame"]
    assert frame_hits and frame_hits[0].sources == [frame_key(fid)]
    assert all(h.sources for h in hits)  # no hit without a source
    ans = Answerer(Retriever(store), None).ask("What is the tracking number of my parcel?",
                                               now=TS + dt.timedelta(hours=1))
    assert not ans.abstained and frame_key(fid) in ans.citations
    found = resolve(store.db, ans.citations)
    assert set(found) == set(ans.citations)  # every citation resolves
    m = found[frame_key(fid)]
    assert m.kind == "frame" and m.frame_id == fid and m.app == "Thunderbird"
    assert "ZX-4471-QP" in store.frames.get(m.frame_id).ocr_text


def test_an_alias_and_the_canonical_key_name_the_same_frame(open_store):
    store = open_store()
    fid = _live_frame(store, ["Invoice INV-2291 total 182.50 EUR"], sources=["0042.png"])
    got = resolve(store.db, ["0042.png", frame_key(fid), "frame:99999", "nope.png"])
    assert got["0042.png"].id == got[frame_key(fid)].id == fid
    assert "frame:99999" not in got and "nope.png" not in got
    hits = Retriever(store).search("invoice total", limit=3)
    assert hits[0].sources == ["0042.png"]  # the manifest file stays the frame's citation


def test_memories_of_a_live_frame_point_back_at_it(open_store):
    from ui.memories.query import resolve_sources

    store = open_store()
    fid = _live_frame(store, ["Vendor shortlist: Oakridge Systems, Brightline Labs",
                              "Meeting with Priya Natarajan on Thursday"],
                      app="Firefox", title="Vendors - Notes")
    run_store(store, use_llm=False)
    repo = repo_for(store)
    mids = [m.id for t in ("semantic", "episodic") for m in repo.list_by_type(t)]
    assert mids
    for mid in mids:
        for src in resolve_sources(store, mid):
            assert src["kind"] == "frame" and src["frame_id"] == fid, src


def test_a_chat_turn_resolves_by_its_import_key_and_its_row_key(open_store, tmp_path):
    from tests.conftest import import_turns

    store = open_store()
    import_turns(tmp_path, store, [[("Ana", "I booked the ferry to Hydra."),
                                    ("Ben", "Which company?")]])
    got = resolve(store.db, ["c:D1:2"])
    m = got["c:D1:2"]
    assert m.kind == "turn" and m.speaker == "Ben" and m.text == "Which company?"
    assert m.frame_id is None
    again = resolve(store.db, [f"turn:{m.id}"])[f"turn:{m.id}"]
    assert (again.id, again.speaker, again.text) == (m.id, m.speaker, m.text)
