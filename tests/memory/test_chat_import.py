import json

import pytest

from memory.chat_import import import_chat, parse_session_time
from memory.errors import ImportProblem
from tests.conftest import CONVERSATIONS


def test_dev_conversations_import_and_are_idempotent(open_store):
    store = open_store()
    r = import_chat(CONVERSATIONS, store=store)
    assert r.problems == [] and r.samples == 1 and r.turns > 20
    again = import_chat(CONVERSATIONS, store=store)
    assert again.turns == 0 and again.already == r.turns
    row = next(store.db.query("SELECT * FROM turns WHERE dia_id = 'D1:2'"))
    assert row["source"].endswith(":D1:2") and "Lisbon" in row["text"]
    assert row["ts"].startswith("2025-01-21") or row["ts"][:4] == "2025"


def test_odd_locomo_fields_never_fail_the_import(open_store, tmp_path):
    sample = {
        "sample_id": "odd",
        "conversation": {
            "speaker_a": "A", "speaker_b": "B",
            "session_1_date_time": "1:56 pm on 8 May, 2023",
            "session_1": [
                {"speaker": "A", "dia_id": "D1:1", "text": "Look at this!",
                 "img_url": ["http://x"], "blip_caption": "a photo of a red kayak"},
                {"speaker": "B", "dia_id": "D1:2", "text": 12345},
                {"speaker": "B", "text": "no dia id here"},
                "not a turn",
                {"speaker": "A", "dia_id": "D1:5"},
                {"speaker": "A", "dia_id": "D1:6", "text": "unknown field", "mood": "happy"},
            ],
            "session_2_date_time": "not a date",
            "session_2": [{"speaker": "A", "dia_id": "D2:1", "text": "undated turn"}],
            "session_3": "garbage",
        },
        "qa": [{"question": "q", "answer": 3, "evidence": ["D1:1; D1:2", "D:11:26"],
                "category": 1}],
        "event_summary": {"whatever": True},
    }
    f = tmp_path / "odd.json"
    f.write_text(json.dumps([sample, "not a sample"]))
    store = open_store()
    r = import_chat(f, store=store)
    assert r.turns == 5
    assert len(r.problems) == 4  # a non-object turn, an empty turn, bad session, bad sample
    texts = [t["text"] for t in store.db.query("SELECT text FROM turns ORDER BY id")]
    assert "12345" in texts
    caps = [d["text"] for d in store.db.query("SELECT text FROM docs WHERE kind = 'turn'")]
    assert any("red kayak" in t for t in caps)


def test_malformed_file_is_one_clear_error(open_store, tmp_path):
    f = tmp_path / "broken.json"
    f.write_text('[{"sample_id": "x", ')
    with pytest.raises(ImportProblem, match="broken.json:1: not valid JSON"):
        import_chat(f, store=open_store())


def test_session_times():
    t = parse_session_time("7:40 pm on 21 January, 2025")
    assert (t.year, t.month, t.day, t.hour, t.minute) == (2025, 1, 21, 19, 40)
    assert parse_session_time("gibberish") is None
    assert parse_session_time(None) is None
