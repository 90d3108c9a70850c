"""What the memory browser reads and writes (plain Python, no Qt): every function takes the
Store and runs on the store pool, never on the GUI thread.

Reads and writes go through the store's memory repository (`store.memories`: an item, its
history, counts, the light rows of the list) and `store.resolve` (what a source ref points
at). Writes are the repository's own: an edit supersedes (tier "user"), a delete is soft,
pin is a flag.

A sensitive Knowledge Vault value never leaves here in clear text except from `reveal_value`:
the list, the detail and every version in the history carry the mask.
"""

from __future__ import annotations

from memory.api import Memory
from memory.items import (
    CORE,
    EPISODIC,
    LABELS,
    MASK,
    PROCEDURAL,
    RESOURCE,
    SEMANTIC,
    VAULT,
    masked,
    render,
)
from memory.timefmt import parse_iso

# The tabs, in the order a person thinks of them (items.TYPES is the managers' order).
TAB_TYPES = (CORE, EPISODIC, SEMANTIC, PROCEDURAL, RESOURCE, VAULT)
TAB_LABELS = {CORE: "Core", EPISODIC: "Episodic", SEMANTIC: "Semantic",
              PROCEDURAL: "Procedural", RESOURCE: "Resource", VAULT: "Knowledge Vault"}
USER_REASON = "edited by the user"
TURN_CHARS = 240  # a chat turn's text shown in the provenance list


def repo(store):
    """The store's memory repository (memory.store.memories.MemoryRepo)."""
    return store.memories


def short_text(type_: str, text: str) -> str:
    """A memory's rendered line without its type label (the tab already says it)."""
    prefix = f"{LABELS.get(type_, '')}: "
    return text[len(prefix):] if text.startswith(prefix) else text


def list_memories(store, *, type_: str | None, contains: str = "",
                  limit: int = 1000) -> dict:
    """Counts per type and the active items of one type, pinned first, then newest first.

    `type_` None picks the first tab that has items (else the first tab). `contains` filters
    on the shown text (case-insensitive); the text never holds a sensitive value.
    """
    counts = repo(store).counts()
    if type_ is None:
        type_ = next((t for t in TAB_TYPES if counts.get(t)), TAB_TYPES[0])
    needle = contains.casefold().strip()
    rows, matched = [], 0
    # unfiltered, the store hands over the first `limit` rows alone (a type holds tens of
    # thousands on a year-old store: reading all of them held Python's lock on the store
    # pool long enough to stall the GUI thread); a filter reads them all to count matches
    for r in repo(store).list_rows(type_, limit if not needle else -1):
        text = short_text(type_, r.text)
        if needle and needle not in text.casefold():
            continue
        matched += 1
        if len(rows) < limit:
            rows.append({"id": r.id, "text": text, "pinned": r.pinned,
                         "sensitive": r.sensitive, "when": r.occurred_at or r.created_at})
    if not needle:
        matched = counts.get(type_, 0)
    return {"counts": {t: counts.get(t, 0) for t in TAB_TYPES}, "type": type_,
            "rows": rows, "matched": matched, "contains": contains}


def load_detail(store, memory_id: int) -> dict:
    """One item for the detail pane: its (masked) fields, provenance and history."""
    r = repo(store)
    m = r.get(memory_id)
    if m is None:
        raise LookupError(f"This memory (id {memory_id}) is no longer in the store.")
    return {"memory": m, "sources": resolve_sources(store, memory_id),
            "history": history_lines(m, r.history(memory_id))}


def resolve_sources(store, memory_id: int) -> list[dict]:
    """What each source ref of a memory points at: a kept frame (its id, so the timeline can
    open it), an imported chat turn (speaker and text), or nothing still in the store."""
    refs = repo(store).sources_with_times(memory_id)
    found = store.resolve([s for s, _ts in refs])
    out = []
    for source, ts in refs:
        m = found.get(source)
        if m is not None and m.kind == "frame":
            where = " — ".join(p for p in (m.app, m.title) if p)
            out.append({"kind": "frame", "source": source, "ts": ts, "frame_id": m.id,
                        "label": f"Screen · {where}" if where else "Screen"})
        elif m is not None:
            said = " ".join(m.text.split())
            if len(said) > TURN_CHARS:
                said = said[:TURN_CHARS - 1] + "…"
            out.append({"kind": "turn", "source": source, "ts": ts, "frame_id": None,
                        "label": f"Chat · {m.speaker}: {said}" if m.speaker else f"Chat · {said}"})
        else:
            out.append({"kind": "gone", "source": source, "ts": ts, "frame_id": None,
                        "label": f"{source} (no longer in the store)"})
    return out


def history_lines(m: Memory, history: list[dict]) -> list[dict]:
    """The item's versions and audit entries, oldest first, each with a masked rendering."""
    lines = []
    for h in history:
        if h["kind"] == "version":
            shown = masked(m.type, h["fields"])
            if m.sensitive and shown.get("value") and shown["value"] != MASK:
                shown = {**shown, "value": MASK}  # an old version may predate the flag
            lines.append({"kind": "version", "at": h["at"], "op": h["op"],
                          "version": h["version"], "reason": h.get("reason") or "",
                          "tier": "", "text": short_text(m.type, render(m.type, shown))})
        else:
            lines.append({"kind": "op", "at": h["at"], "op": h["op"], "version": None,
                          "reason": h.get("reason") or "", "tier": h.get("tier") or "",
                          "text": ""})
    lines.sort(key=lambda x: (x["at"] or "", x["kind"] == "op"))
    return lines


def reveal_value(store, memory_id: int) -> str | None:
    """A sensitive vault value in clear, or None when it was never kept (a store without
    encryption masks such a value for good)."""
    value = repo(store).reveal(memory_id).get("value")
    return None if value in (None, "", MASK) else value


def save_edit(store, memory_id: int, fields: dict) -> int:
    """The user's new value for an item: supersedes it; returns the new item's id."""
    return repo(store).update(memory_id, fields, tier="user", reason=USER_REASON)


def set_pinned(store, memory_id: int, pinned: bool) -> int:
    repo(store).pin(memory_id, pinned, reason="by the user")
    return memory_id


def delete_memory(store, memory_id: int) -> int:
    repo(store).delete(memory_id, reason="deleted by the user", tier="user")
    return memory_id


def local_time(iso: str | None) -> str:
    """'2026-02-17 09:31' in local time ('' when absent); an unreadable time as it is."""
    if not iso:
        return ""
    try:
        t = parse_iso(iso, naive="keep")
    except ValueError:
        return str(iso)
    if t.tzinfo is not None:
        t = t.astimezone()
    return t.strftime("%Y-%m-%d %H:%M")
