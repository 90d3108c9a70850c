import datetime as dt
import json
import shutil

import pytest

from memory.agents import AgentReplyError, LlmTier, TypeAgent
from memory.items import EPISODIC, MASK, RESOURCE, SEMANTIC, VAULT
from memory.ocr_types import OcrLine
from memory.pipeline import repo_for, run_pending, run_store
from memory.retrieval import Retriever
from models.fake import ScriptedLlm

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _frame(store, i, secs, app, title, lines=()):
    ts = T0 + dt.timedelta(seconds=secs)
    return store.frames.add(image_bytes=b"img", ts=ts, app=app, window_title=title, url=None,
                            width=10, height=10, phash="0", sources=[f"frames/{i:04d}.png"],
                            ocr_lines=[OcrLine(t, (0, 0, 1, 1), 0.9) for t in lines])


def _state(store):
    return {t: store.db[t].count for t in ("memories", "memory_sources", "memory_ops",
                                           "memory_versions", "docs", "processed_observations")}


# -- the dev screens ----------------------------------------------------------------------
@pytest.fixture
def screens_copy(screens_store, open_store, tmp_path):
    """A private copy of the shared dev-screens store (database and key record; the vector
    index is rebuilt by repair), so the pipeline's memories never reach other tests."""
    src = screens_store.layout.data_dir
    screens_store.db.execute("PRAGMA wal_checkpoint(FULL)")
    dst = tmp_path / "screens-copy"
    dst.mkdir()
    for name in ("commonplace.json", "commonplace.db", "commonplace.db-wal"):
        if (src / name).exists():
            shutil.copy2(src / name, dst / name)
    store = open_store(dst)
    store.repair()
    return store


def test_pipeline_on_dev_screens(screens_copy):
    store = screens_copy
    first = run_store(store, use_llm=False)
    assert first["observations"] == store.db["frames"].count
    assert first["llm"] == {"ran": False, "skipped": "disabled (--no-llm)", "batches": 0,
                            "errors": 0}
    repo = repo_for(store)
    counts = repo.counts()
    assert {EPISODIC, RESOURCE, VAULT, SEMANTIC, "procedural"} <= set(counts)
    manifest = {r[0] for r in store.db.execute("SELECT source FROM frame_sources")}
    for t in counts:
        for m in repo.list_by_type(t):
            assert m.sources and set(m.sources) <= manifest, m.text
            assert m.tier == "floor"
    code = [m for m in repo.list_by_type(VAULT) if m.fields["value"] == "NWB-55710-K"]
    assert len(code) == 1 and "frames/0023.png" in code[0].sources
    pr = [m for m in repo.list_by_type(EPISODIC) if "Pull request #418" in m.text]
    assert len(pr) == 1
    assert pr[0].sources == ["frames/0004.png", "frames/0005.png", "frames/0006.png",
                             "frames/0007.png"]
    assert any(m.fields["title"] == "quillbyte/parser" for m in repo.list_by_type(RESOURCE))

    before = _state(store)
    again = run_store(store, use_llm=False)
    assert again["observations"] == 0 and again["by_op"] == {} and _state(store) == before

    hits = Retriever(store).search("confirmation code NWB-55710-K", limit=5)
    mem = [h for h in hits if h.kind == "memory"]
    assert mem and "NWB-55710-K" in mem[0].text and "frames/0023.png" in mem[0].sources
    assert store.db.execute("SELECT COUNT(*) FROM docs WHERE embedded = 0").fetchone()[0] == 0

    # "What was I doing this morning?" is answered from these episodes, in order, each
    # citing the frame where it began (the manifest's times are local).
    from memory.answer import Answerer
    from memory.consolidate import consolidate

    now = dt.datetime(2026, 2, 17, 20, 0).astimezone()
    consolidate(store, now=now)
    ans = Answerer(Retriever(store), None).ask("What was I doing this morning?", now=now)
    assert ans.tier == "timeline"
    assert [line.split(" ", 2)[:2] for line in ans.answer.splitlines()] == [
        ["08:30", "Evolution:"], ["09:10", "Chromium:"], ["09:40", "Sublime"]]
    assert ans.citations == ["frames/0001.png", "frames/0004.png", "frames/0008.png"]


# -- repository semantics -------------------------------------------------------------------
def test_contradiction_supersedes_and_history_keeps_old_value(open_store):
    store = open_store()
    repo = repo_for(store)
    mid = repo.add("core", {"label": "climbing", "text": "climbs at 19:00"}, sources=["a.png"])
    new = repo.update(mid, {"text": "climbs at 19:30"}, sources=["b.png"], reason="moved")
    old = repo.get(mid)
    assert old.status == "superseded" and old.superseded_by == new
    cur = repo.get(new)
    assert cur.status == "active" and cur.fields["text"] == "climbs at 19:30"
    assert cur.sources == ["a.png", "b.png"]
    texts = [v["fields"].get("text") for v in repo.history(new) if v["kind"] == "version"]
    assert texts == ["climbs at 19:00", "climbs at 19:30"]
    docs = [r[0] for r in store.db.execute("SELECT text FROM docs WHERE kind = 'memory'")]
    assert docs == ["Core: climbing: climbs at 19:30"]


def test_delete_is_soft_with_audit(open_store):
    store = open_store()
    repo = repo_for(store)
    mid = repo.add(SEMANTIC, {"name": "Nadia Ferreira", "summary": "reviewer"}, sources=["x"])
    repo.delete(mid, reason="user asked")
    m = repo.get(mid)
    assert m.status == "deleted" and m.fields["name"] == "Nadia Ferreira"
    assert [o["op"] for o in repo.history(mid) if o["kind"] == "op"] == ["add", "delete"]
    assert store.db.execute("SELECT COUNT(*) FROM docs WHERE kind='memory'").fetchone()[0] == 0
    assert repo.list_by_type(SEMANTIC) == []


def test_sensitive_vault_value_sealed_not_indexed(open_store):
    store = open_store()
    repo = repo_for(store)
    mid = repo.add(VAULT, {"entry_type": "password", "caption": "wifi password",
                           "value": "hunter22-xyz", "sensitivity": "high"}, sources=["s"])
    row = store.db.execute("SELECT fields, text, sealed_value FROM memories WHERE id = ?",
                           [mid]).fetchone()
    assert "hunter22-xyz" not in row[0] + row[1] and row[2]
    assert repo.reveal(mid)["value"] == "hunter22-xyz"
    assert not [r for r in store.db.execute("SELECT text FROM docs") if "hunter22" in r[0]]


def test_sensitive_vault_value_never_in_clear_in_versions_history_or_export(open_store,
                                                                              tmp_path):
    from memory.export import export_store

    store = open_store()
    repo = repo_for(store)
    mid = repo.add(VAULT, {"entry_type": "password", "caption": "wifi password",
                           "value": "hunter22-xyz", "sensitivity": "high"}, sources=["s"])
    mid = repo.update(mid, {"caption": "office wifi password"}, reason="renamed")
    mid = repo.update(mid, {"value": "hunter33-abc"}, reason="changed")
    repo.delete(mid, reason="user")
    rows = store.db.execute("SELECT fields, reason, sealed_value FROM memory_versions").fetchall()
    assert len(rows) >= 4 and all(r[2] for r in rows)  # every version keeps its value sealed
    assert not [r for r in rows if "hunter" in r[0] + r[1]]
    assert all(v["fields"].get("value") in (None, MASK) for v in repo.history(mid)
               if v["kind"] == "version")
    assert repo.reveal(mid)["value"] == "hunter33-abc"
    # the export is the user's plaintext copy: values opened, each in its own column
    dest = export_store(store, tmp_path / "export").dest
    tables = json.loads((dest / "commonplace-export.json").read_text())["tables"]
    assert {v.get("vault_value") for v in tables["memory_versions"]} == \
        {"hunter22-xyz", "hunter33-abc"}
    assert not [v for v in tables["memory_versions"] if "hunter" in json.dumps(v["fields"])]


def test_migration_masks_vault_values_that_older_versions_kept_in_clear(tmp_path):
    import sqlite_utils

    from memory.store.migrations import MIGRATIONS

    db = sqlite_utils.Database(tmp_path / "old.db")
    MIGRATIONS.apply(db, stop_before="m003_versions_sealed")
    db["memories"].insert({"id": 1, "type": VAULT, "fields": "{}", "text": "", "tier": "floor"})
    clear = {"entry_type": "password", "value": "hunter22-xyz", "sensitivity": "high"}
    db["memory_versions"].insert({"memory_id": 1, "version": 1, "op": "add", "at": "t",
                                  "reason": "", "fields": json.dumps(clear)})
    MIGRATIONS.apply(db)
    assert json.loads(db["memory_versions"].get((1, 1))["fields"]) == {**clear, "value": MASK}


def test_pipeline_turns_and_frames_without_text(open_store):
    store = open_store()
    _frame(store, 1, 0, "Zoom", "Standup")
    _frame(store, 2, 20, "Zoom", "Standup")
    with store.db.atomic():
        for j, (who, text) in enumerate([("Caroline", "I met Melanie Brooks today"),
                                         ("Melanie", "Ticket number: TK-88120")]):
            store.db["turns"].insert({"source": f"conv-1:D1:{j + 1}", "sample_id": "conv-1",
                                      "dia_id": f"D1:{j + 1}", "session": 1, "speaker": who,
                                      "text": text, "caption": "",
                                      "ts": (T0 + dt.timedelta(seconds=30 * j)).isoformat(),
                                      "ts_epoch": T0.timestamp() + 30 * j})
    out = run_store(store, use_llm=True, backend=None)
    assert out["llm"]["ran"] is False and out["observations"] == 4
    repo = repo_for(store)
    eps = repo.list_by_type(EPISODIC)
    assert {e.fields["summary"] for e in eps} == {"Zoom: Standup",
                                                  "Chat conv-1#1 between Caroline and Melanie"}
    zoom = next(e for e in eps if e.fields["app"] == "Zoom")
    assert zoom.sources == ["frames/0001.png", "frames/0002.png"]
    tk = next(m for m in repo.list_by_type(VAULT) if m.fields["value"] == "TK-88120")
    assert tk.sources == ["conv-1:D1:2"]


def test_episode_continues_across_batches(open_store):
    store = open_store()
    for i in range(4):
        _frame(store, i + 1, i * 50, "Chromium", "Pull request #418", [f"line {i}"])
    out = run_store(store, use_llm=False, span_s=60)
    assert out["batches"] == 2
    eps = repo_for(store).list_by_type(EPISODIC)
    assert len(eps) == 1 and len(eps[0].sources) == 4
    assert eps[0].fields["ended_at"].startswith("2026-03-02T09:02:30")


# -- the LLM tier -----------------------------------------------------------------------------
def _route(types):
    return json.dumps({"types": types}, separators=(",", ":"))


def _ops(*ops):
    return json.dumps({"ops": list(ops)}, separators=(",", ":"))


def test_llm_tier_applies_valid_ops(open_store):
    store = open_store()
    _frame(store, 1, 0, "Zoom", "Orchard Health call", ["Marta prefers updates by email"])
    repo = repo_for(store)
    old = repo.add(SEMANTIC, {"name": "Marta Lindqvist", "summary": "client"}, sources=["old"])
    llm = ScriptedLlm([_route(["core", "semantic"]),
                       _ops({"op": "add", "key": "contact", "text": "Marta wants email"}),
                       _ops({"op": "update", "item": 1, "text": "client; prefers email"},
                            {"op": "none"})])
    out = run_store(store, backend=llm, use_llm=True)
    assert out["llm"]["ran"] and out["llm"]["batches"] == 1 and out["llm"]["errors"] == 0
    assert out["by_op"]["llm_add"] == 1 and out["by_op"]["llm_update"] == 1
    core = repo.list_by_type("core")
    assert core[0].fields == {"label": "contact", "text": "Marta wants email"}
    assert core[0].tier == "llm" and core[0].sources == ["frames/0001.png"]
    marta = [m for m in repo.list_by_type(SEMANTIC) if m.fields["name"] == "Marta Lindqvist"]
    assert marta[0].fields["summary"] == "client; prefers email"
    assert repo.get(old).status == "superseded"
    # agents saw items by alias, never by id
    agent_prompt = llm.calls[2].prompt
    assert "1. Fact: Marta Lindqvist" in agent_prompt and f"id {old}" not in agent_prompt
    assert all(c.options["max_tokens"] <= 120 for c in llm.calls)


@pytest.mark.parametrize("bad", [
    "not json",
    _ops({"op": "update", "item": 7, "text": "x"}),  # an alias that was never shown
    _ops({"op": "delete", "item": 1}),               # an op outside the schema
])
def test_schema_violation_leaves_floor_standing(open_store, bad, caplog):
    store = open_store()
    _frame(store, 1, 0, "Chromium", "Payments", ["Confirmation code: NWB-55710-K"])
    _frame(store, 2, 300, "Chromium", "Payments 2", ["Confirmation code: QQ-12345"])
    llm = ScriptedLlm([_route(["vault"]), bad, _route(["vault"]), bad])
    out = run_store(store, backend=llm, use_llm=True)
    assert out["llm"]["errors"] == 2 and out["llm"]["batches"] == 0
    assert sum("LLM tier failed" in r.message for r in caplog.records) == 1
    repo = repo_for(store)
    values = {m.fields["value"] for m in repo.list_by_type(VAULT)}
    assert {"NWB-55710-K", "QQ-12345"} <= values
    assert all(m.tier == "floor" for m in repo.list_by_type(VAULT))
    assert store.integrity() == "ok"
    assert run_store(store, backend=llm, use_llm=True)["observations"] == 0


def test_agent_rejects_unknown_alias_directly():
    agent = TypeAgent("semantic", ScriptedLlm([_ops({"op": "update", "item": 2, "text": "x"})]))
    with pytest.raises(AgentReplyError):
        agent.decide("obs", [])


def test_router_reads_a_repeated_type_once():
    """A grammar cannot enforce unique items; a small model repeats a type. Read as a set,
    in the types' own order; an unknown type is still an error."""
    from memory.agents import MetaMemoryManager

    router = MetaMemoryManager(ScriptedLlm([_route(["vault", "core", "vault", "core"]),
                                            _route(["vault", "diary"])]))
    assert router.route("Confirmation code: NWB-55710-K") == ["core", "vault"]
    with pytest.raises(Exception, match="diary|schema|enum"):
        router.route("Confirmation code: NWB-55710-K")


def test_completion_only_backend_skips_tier(open_store):
    store = open_store()
    _frame(store, 1, 0, "Joplin", "Ideas", ["1. Draft talk", "2. Submit talk"])
    llm = ScriptedLlm([], capability="completion", name="gemma-base")
    out = run_store(store, backend=llm, use_llm=True)
    assert out["llm"]["ran"] is False and "completion-only" in out["llm"]["skipped"]
    assert llm.calls == []
    ops = repo_for(store).ops()
    assert any(o["op"] == "skip" and "completion-only" in o["reason"] for o in ops)
    assert repo_for(store).counts()["procedural"] == 1


def test_run_pending_uses_core(open_store):
    store = open_store()
    _frame(store, 1, 0, "Zoom", "Standup")

    class _Core:
        def __init__(self):
            self.store = store
            self.built = 0

        def backend(self):
            self.built += 1
            return ScriptedLlm([], capability="completion")

    core = _Core()
    assert run_pending(core, use_llm=False)["observations"] == 1 and core.built == 0
    assert run_pending(core, use_llm=True)["observations"] == 0


def test_parallel_agents_for_remote_backend(open_store):
    store = open_store()
    repo = repo_for(store)
    llm = ScriptedLlm(lambda p: _route(["core", "semantic"]) if "route" in p else _ops())
    tier = LlmTier(llm, repo)
    assert tier._parallel  # no model path: a server, which can overlap requests
    assert tier.decide("text", sources=["s"], occurred_at=None) == []
    assert len(llm.calls) == 3
