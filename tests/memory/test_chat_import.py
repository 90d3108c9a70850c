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


# -- input at the boundary (red-team 2026-12: findings 6a, 8, 11, 13) ------------------
def _chat(tmp_path, sessions: dict, name="c.json"):
    """A LoCoMo file of one sample: {session number: (date, [(speaker, text), ...])}."""
    conv = {}
    for n, (date, turns) in sessions.items():
        conv[f"session_{n}_date_time"] = date
        conv[f"session_{n}"] = [{"speaker": s, "dia_id": f"D{n}:{i}", "text": t}
                                for i, (s, t) in enumerate(turns, 1)]
    f = tmp_path / name
    f.write_text(json.dumps([{"sample_id": "s", "qa": [], "conversation": conv}]))
    return f


def test_sessions_dated_outside_1970_2099_are_reported_and_skipped(open_store, tmp_path):
    f = _chat(tmp_path, {1: ("11:59 pm on 31 December, 9999", [("A", "far future")]),
                         2: ("11:59 pm on 1 January, 0001", [("A", "far past")]),
                         3: ("0001-01-01T00:00:00+14:00", [("A", "zone past")]),
                         4: ("2099-12-31T23:59:30+00:00", [("A", "x"), ("B", "y"),
                                                           ("A", "over the edge")]),
                         5: ("7:40 pm on 21 January, 2025", [("A", "a fine day")])})
    store = open_store()
    r = import_chat(f, store=store)
    assert r.turns == 1
    assert len(r.problems) == 4, r.problems
    for n, p in zip((1, 2, 3, 4), r.problems):
        assert f"session_{n}:" in p and "outside 1970-2099" in p and "skipped" in p
    assert [t["text"] for t in store.db.query("SELECT text FROM turns")] == ["a fine day"]


def test_over_long_fields_are_cut_and_reported(open_store, tmp_path):
    from memory.limits import LIMITS

    f = _chat(tmp_path, {1: ("1 May 2023", [("S" * 1000, "word " * 10_000)])})
    store = open_store()
    r = import_chat(f, store=store)
    assert r.turns == 1 and len(r.problems) == 1 and "cut" in r.problems[0]
    row = next(store.db.query("SELECT speaker, text FROM turns"))
    assert len(row["text"]) == LIMITS.turn_text and len(row["speaker"]) == LIMITS.speaker
    assert len(r.problems[0]) < len(str(f)) + 200


def test_a_file_over_the_size_limit_or_nested_too_deep_is_one_clear_error(tmp_path, open_store):
    from memory.limits import InputLimits

    f = _chat(tmp_path, {1: ("1 May 2023", [("A", "hello " * 100)])})
    with pytest.raises(ImportProblem, match="larger than 0 MiB"):
        import_chat(f, store=open_store(), limits=InputLimits(chat_file_bytes=100))
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ImportProblem, match="nested too deeply"):
        import_chat(deep, store=open_store())


SECRET_TURNS = [("Ana", "my card is 4111 1111 1111 1111 and the wifi password: Glockenspiel42"),
                ("Ben", "here is the deploy token ghp_abcdefghijklmnopqrstuvwxyz0123456789 "
                        "and IBAN DE89 3704 0044 0532 0130 00")]
SECRETS = ["4111 1111 1111 1111", "Glockenspiel42", "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
           "DE89 3704 0044 0532 0130 00", "DE89370400440532013000"]


def test_a_redactor_masks_turns_before_they_are_stored_indexed_or_remembered(
        open_store, tmp_path):
    from memory.pipeline import run_store
    from memory.redact import Redactor

    f = _chat(tmp_path, {1: ("7:40 pm on 21 January, 2025", SECRET_TURNS)})
    f.write_text(f.read_text().replace('"D1:2", "text"', '"D1:2", "blip_caption": '
                                       '"a note saying password: Glockenspiel42", "text"'))
    store = open_store(passphrase=None, encrypt=False)  # plain: every stored byte readable
    r = import_chat(f, store=store, redactor=Redactor())
    assert r.turns == 2
    run_store(store, use_llm=False)
    dump = []
    for table in ("turns", "docs", "memories", "memory_versions"):
        if store.db[table].exists():
            dump += [json.dumps(row) for row in store.db[table].rows]
    dump += [r[0] for r in store.db.execute("SELECT text FROM docs_fts")]
    text = "\n".join(dump)
    assert "[redacted]" in text
    assert [s for s in SECRETS if s in text] == []
    assert store.db["memories"].count > 0  # the episode made of the turns was written
    # Without a redactor the text is kept as written (the switch is the caller's).
    plain = open_store(tmp_path / "plain", passphrase=None, encrypt=False)
    import_chat(f, store=plain)
    assert "Glockenspiel42" in next(plain.db.query("SELECT text FROM turns"))["text"]
