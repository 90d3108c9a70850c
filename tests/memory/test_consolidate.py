import datetime as dt

from memory.consolidate import consolidate, period_line, strength
from memory.items import SEMANTIC
from memory.pipeline import repo_for
from tests.conftest import add_episode

NOW = dt.datetime(2026, 3, 30, 12, 0, tzinfo=dt.UTC)


def test_temporal_tree_and_idempotent_refresh(open_store):
    store = open_store()
    repo = repo_for(store)
    a = add_episode(repo, "2026-02-17T09:05:00+00:00", 25, "Chromium", "PR #418", "f1")
    b = add_episode(repo, "2026-02-17T09:40:00+00:00", 10, "Evolution", "Inbox", "f2")
    c = add_episode(repo, "2026-02-17T10:10:00+00:00", 5, "Zoom", "Call", "f3")
    out = consolidate(store, now=NOW)
    assert out["summaries"]["hours"] == 2 and out["summaries"]["days"] == 1
    hour = repo.get(repo.get(a).parent_id)
    assert hour.fields["event_type"] == "summary_hour"
    assert "09:00–10:00: Chromium (PR #418) 25 min, Evolution (Inbox) 10 min" in hour.text
    assert repo.get(b).parent_id == hour.id and set(hour.sources) == {"f1", "f2"}
    day = repo.get(hour.parent_id)
    assert day.fields["event_type"] == "summary_day" and repo.get(repo.get(c).parent_id).parent_id == day.id
    n = store.db["memories"].count
    again = consolidate(store, now=NOW)
    assert again["summaries"]["add"] == 0 and again["summaries"]["update"] == 0
    assert store.db["memories"].count == n


def test_duplicates_merge_with_sources_unioned(open_store):
    store = open_store()
    repo = repo_for(store)
    x = repo.add(SEMANTIC, {"name": "Orchard Health", "summary": "client of Leo"}, sources=["a"])
    y = repo.add(SEMANTIC, {"name": "Orchard  health", "summary": "client of leo"}, sources=["b"])
    z = repo.add(SEMANTIC, {"name": "Greenway Clinic", "summary": "physio"}, sources=["c"])
    out = consolidate(store, now=NOW)
    assert out["merged"] == 1
    assert repo.get(y).status == "superseded" and repo.get(y).superseded_by == x
    assert repo.get(x).sources == ["a", "b"] and repo.get(z).status == "active"
    assert any(o["op"] == "merge" for o in repo.history(x) if o["kind"] == "op")


def test_forgetting_fades_stale_items_but_not_pinned_and_deletes_nothing(open_store):
    store = open_store()
    repo = repo_for(store)
    old = repo.add(SEMANTIC, {"name": "Stale Thing"}, sources=["a"], importance=0.5)
    kept = repo.add(SEMANTIC, {"name": "Pinned Thing"}, sources=["b"], importance=0.5)
    repo.pin(kept)
    used = repo.add(SEMANTIC, {"name": "Used Thing"}, sources=["c"], importance=0.5)
    repo.touch([used, used, used])
    n = store.db["memories"].count
    consolidate(store, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=30))
    s_old, s_kept, s_used = (repo.get(i).strength for i in (old, kept, used))
    assert s_old < 0.01 and s_kept >= 1.0 and s_old < s_used < 0.5
    assert store.db["memories"].count == n
    assert all(repo.get(i).status == "active" for i in (old, kept, used))
    assert "09:00–10:00" in period_line(dt.datetime(2026, 1, 1, 9), dt.datetime(2026, 1, 1, 10), [])
    assert strength(repo.get(kept), NOW) >= 1.0


def test_two_entities_named_on_one_line_stay_two(open_store):
    # Live use: "Vendor shortlist: Oakridge Systems, Brightline Labs" made two Semantic items
    # whose text is alike (the same line); consolidation merged one into the other.
    from memory.floor import observation_items
    from memory.items import Observation

    store = open_store()
    repo = repo_for(store)
    line = "Vendor shortlist: Oakridge Systems, Brightline Labs"
    obs = Observation(ref="frame:1", kind="frame", ref_id=1, ts="2026-02-17T09:00:00+00:00",
                      ts_epoch=0.0, app="Thunderbird", title="Vendors", url=None, text=line,
                      sources=("frame:1",))
    facts = [c for c in observation_items(obs) if c.type == SEMANTIC]
    assert {c.fields["name"] for c in facts} >= {"Oakridge Systems", "Brightline Labs"}
    ids = [repo.upsert(c)[1] for c in facts]
    assert len(set(ids)) == len(facts)  # the fuzzy upsert keeps them apart too
    consolidate(store, now=NOW)
    names = {m.fields["name"] for m in repo.list_by_type(SEMANTIC)}
    assert {"Oakridge Systems", "Brightline Labs"} <= names


def test_a_real_duplicate_still_merges_with_its_history(open_store):
    store = open_store()
    repo = repo_for(store)
    line = "Vendor shortlist: Oakridge Systems, Brightline Labs"
    x = repo.add(SEMANTIC, {"name": "Oakridge Systems", "summary": "Seen in Thunderbird",
                            "details": line}, sources=["frame:1"])
    y = repo.add(SEMANTIC, {"name": "Oakridge  systems", "summary": "Seen in Thunderbird",
                            "details": line}, sources=["frame:2"])
    assert consolidate(store, now=NOW)["merged"] == 1
    assert repo.get(y).superseded_by == x and repo.get(x).sources == ["frame:1", "frame:2"]


def test_a_summary_keeps_its_data_and_its_line_is_built_from_it(open_store):
    """An hour/day summary stores each app's minutes and titles (`apps`); its line, the
    timeline's and the answerer's, is made from them, never parsed back out of the text. A
    database whose summaries predate that gets the same data from m009."""
    import json

    from memory.consolidate import period_of
    from memory.store.migrations import m009_summary_apps

    store = open_store()
    repo = repo_for(store)
    long = "Quarterly planning spreadsheet for the Lisbon office, second draft"
    a = add_episode(repo, "2026-02-17T09:05:00+00:00", 25, "Chromium", "PR #418", "f1")
    add_episode(repo, "2026-02-17T09:40:00+00:00", 10, "Evolution", "Inbox", "f2")
    add_episode(repo, "2026-02-17T09:50:00+00:00", 3, "Chromium", long, "f3")
    add_episode(repo, "2026-02-17T11:00:00+00:00", 4, "Zoom", long, "f4")
    consolidate(store, now=NOW)
    hour = repo.get(repo.get(a).parent_id)
    assert hour.fields["apps"] == [
        {"app": "Chromium", "minutes": 28, "titles": ["PR #418", long]},
        {"app": "Evolution", "minutes": 10, "titles": ["Inbox"]}]
    p = period_of(hour.fields)
    assert (p.level, p.day, p.span) == ("hour", "2026-02-17", "09:00–10:00")
    assert p.line == "09:00–10:00: Chromium (PR #418 …) 28 min, Evolution (Inbox) 10 min"
    assert hour.fields["summary"] == f"Hour 2026-02-17 {p.line}"
    assert "apps" not in hour.text            # the searchable line is the summary's
    day = repo.get(hour.parent_id)
    d = period_of(day.fields)
    assert (d.level, d.span) == ("day", "00:00–00:00")
    assert day.fields["summary"] == f"Day 2026-02-17 {d.line}"
    assert period_of(repo.get(a).fields) is None            # an episode is no period

    # Summaries written before the data was kept: m009 recovers what consolidation writes.
    kept = {m.id: m.fields["apps"] for m in (hour, day)}
    for mid in kept:
        f = json.loads(store.db.execute("SELECT fields FROM memories WHERE id = ?",
                                        [mid]).fetchone()[0])
        del f["apps"]
        store.db.execute("UPDATE memories SET fields = ? WHERE id = ?", [json.dumps(f), mid])
    assert "apps" not in repo.get(day.id).fields
    m009_summary_apps(store.db)
    assert {mid: repo.get(mid).fields["apps"] for mid in kept} == kept
    again = consolidate(store, now=NOW)
    assert again["summaries"]["update"] == 0
