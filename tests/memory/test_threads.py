"""Chat threads kept in the real (encrypted) store, and the material suggestions come from."""

from __future__ import annotations

import datetime as dt

AT = dt.datetime(2026, 2, 17, 20, 0).astimezone()


def test_threads_keep_their_messages_newest_first(open_store):
    store = open_store()
    repo = store.threads
    first = repo.start("How much was the invoice?", at=AT - dt.timedelta(days=1))
    second = repo.start("When is the dentist?", at=AT)
    m = repo.add(first, question="and the day before?", asked="How much was the invoice on "
                 "15 February 2026?", answer="I don't see that in your history.",
                 abstained=True, citations=[], searched={"day": "2026-02-15", "apps": ["Mail"]},
                 model="extractive", tier="abstain", at=AT)
    repo.add(first, question="q2", asked="q2", answer="a2", abstained=False,
             citations=["frame:1"], searched={}, at=AT)
    assert [(t.id, t.messages) for t in repo.threads()] == [(second, 0), (first, 2)]
    got = repo.messages(first)
    assert got[0].id == m and got[0].abstained and got[0].searched["apps"] == ["Mail"]
    assert got[0].asked.endswith("15 February 2026?") and got[1].citations == ["frame:1"]
    repo.delete_message(m)
    assert [x.question for x in repo.messages(first)] == ["q2"]
    repo.delete(first)
    assert [t.id for t in repo.threads()] == [second] and not repo.messages(first)


def test_recent_material_is_the_last_days_apps_and_titles(screens_store):
    got = screens_store.threads.recent_material(now=AT)
    apps = [m for m in got if m.kind == "app"]
    assert apps and apps[0].text == "Chromium" and apps[0].day == dt.date(2026, 2, 17)
    assert any(m.kind == "title" and "Orchard Health" in m.text for m in got)
    assert screens_store.threads.recent_material(now=AT + dt.timedelta(days=30)) == []
