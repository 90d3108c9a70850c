"""The six memory types, their fields, and the plain data the pipeline passes around.

A memory's `fields` is a small JSON object whose keys depend on its type (DESIGN.md,
"Memory types"); `render()` turns it into the one searchable line that is indexed as a
doc. A sensitive Knowledge Vault value is never part of that line: `render()` shows its
caption and a mask, so the secret is never indexed or embedded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CORE = "core"
EPISODIC = "episodic"
SEMANTIC = "semantic"
PROCEDURAL = "procedural"
RESOURCE = "resource"
VAULT = "vault"

# The order a manager checks types in (after MIRIX): cheap, frequent types first.
TYPES = (CORE, EPISODIC, PROCEDURAL, RESOURCE, VAULT, SEMANTIC)

FIELDS: dict[str, tuple[str, ...]] = {
    CORE: ("label", "text", "limit"),
    EPISODIC: ("occurred_at", "ended_at", "event_type", "actor", "summary", "details", "app"),
    SEMANTIC: ("name", "summary", "details"),
    PROCEDURAL: ("entry_type", "description", "steps"),
    RESOURCE: ("title", "resource_type", "summary", "content_excerpt", "uri"),
    VAULT: ("entry_type", "caption", "value", "sensitivity"),
}

# Fields the pipeline writes as data rather than text (an hour summary's `apps`: each app's
# minutes and titles, memory/consolidate.py): kept when well formed, never rendered into
# the searchable line, shown or edited as a field.
DATA_FIELDS: dict[str, tuple[str, ...]] = {EPISODIC: ("apps",)}

# The field(s) that identify an item of a type: two items with the same key are the same
# thing (a contradiction of other fields supersedes, a repeat merges).
KEY_FIELDS: dict[str, tuple[str, ...]] = {
    CORE: ("label",),
    EPISODIC: ("occurred_at", "summary"),
    SEMANTIC: ("name",),
    PROCEDURAL: ("description",),
    RESOURCE: ("title",),
    VAULT: ("entry_type", "value"),
}

# Types whose items are each about one named subject: two such items are the same item only
# when their subjects are (near) the same, whatever text they share. "Vendor shortlist:
# Oakridge Systems, Brightline Labs" names two companies on one line; their facts read alike
# but are about two things.
SUBJECT_FIELDS: dict[str, tuple[str, ...]] = {
    CORE: ("label",),
    SEMANTIC: ("name",),
    RESOURCE: ("title",),
}
SUBJECT_SIMILAR = 0.8  # word Jaccard of two subjects at which they are one subject

LABELS = {CORE: "Core", EPISODIC: "Episode", SEMANTIC: "Fact", PROCEDURAL: "Procedure",
          RESOURCE: "Resource", VAULT: "Vault"}

MASK = "••••"
MAX_FIELD = 600  # characters kept per text field; memories are short by design
MAX_STEPS = 20


class InvalidMemory(ValueError):
    """Fields that do not make a memory of the given type (a bug or a bad model reply)."""


def normalise(type_: str, fields: dict) -> dict:
    """Keep the type's known fields, trimmed; raise InvalidMemory if nothing is left."""
    if type_ not in FIELDS:
        raise InvalidMemory(f"unknown memory type {type_!r}")
    out: dict = {}
    for k in FIELDS[type_]:
        v = fields.get(k)
        if v is None or v == "" or v == []:
            continue
        if k == "steps":
            steps = [str(s).strip()[:MAX_FIELD] for s in (v if isinstance(v, list) else [v])]
            out[k] = [s for s in steps if s][:MAX_STEPS]
        elif k == "limit":
            out[k] = int(v)
        else:
            out[k] = " ".join(str(v).split())[:MAX_FIELD]
    for k in DATA_FIELDS.get(type_, ()):
        if fields.get(k):
            out[k] = _apps(fields[k])
    if not any(out.get(k) for k in KEY_FIELDS[type_]) and not out.get("summary"):
        raise InvalidMemory(f"a {type_} memory needs {' or '.join(KEY_FIELDS[type_])}")
    return out


def _apps(value) -> list[dict]:
    """A summary's `apps` as stored: [{"app": str, "minutes": int, "titles": [str]}]."""
    if not isinstance(value, list) or not all(
            isinstance(a, dict) and isinstance(a.get("titles") or [], list) for a in value):
        raise InvalidMemory("apps must be a list of {app, minutes, titles: [...]}")
    try:
        return [{"app": " ".join(str(a.get("app", "")).split())[:MAX_FIELD],
                 "minutes": int(a.get("minutes", 0)),
                 "titles": [" ".join(str(t).split())[:MAX_FIELD]
                            for t in a.get("titles") or []][:MAX_STEPS]} for a in value]
    except (TypeError, ValueError) as e:
        raise InvalidMemory(f"apps: {e}") from None


def identity(type_: str, fields: dict) -> str:
    """A normalised key: same type + same identity = the same item."""
    parts = [str(fields.get(k, "")) for k in KEY_FIELDS[type_]]
    return f"{type_}\x00" + "\x00".join(" ".join(p.lower().split()) for p in parts)


def same_subject(type_: str, a: dict, b: dict, *, threshold: float = SUBJECT_SIMILAR) -> bool:
    """Whether two items of a type are about the same subject (always, for a type whose
    items are not about one named subject)."""
    keys = SUBJECT_FIELDS.get(type_)
    if not keys:
        return True
    sa, sb = (" ".join(str(f.get(k, "")) for k in keys) for f in (a, b))
    return similarity(sa, sb) >= threshold


def is_sensitive(type_: str, fields: dict) -> bool:
    return type_ == VAULT and fields.get("sensitivity") == "high"


def render(type_: str, fields: dict) -> str:
    """The searchable rendering of a memory (never containing a sensitive value)."""
    f = fields
    label = LABELS[type_]
    if type_ == CORE:
        body = f"{f.get('label', '')}: {f.get('text', '')}"
    elif type_ == EPISODIC:
        when = f.get("occurred_at", "")[:16].replace("T", " ")
        end = f.get("ended_at", "")[11:16]
        span = f"{when}–{end}" if end else when
        body = f"{span} {f.get('summary', '')}"
        if f.get("details"):
            body += f". {f['details']}"
    elif type_ == SEMANTIC:
        body = f"{f.get('name', '')}: {f.get('summary', '')}".rstrip(": ")
        if f.get("details"):
            body += f". {f['details']}"
    elif type_ == PROCEDURAL:
        body = f"{f.get('description', '')}: " + "; ".join(f.get("steps", []))
    elif type_ == RESOURCE:
        body = f"{f.get('title', '')} ({f.get('resource_type', '')})"
        for k in ("uri", "summary", "content_excerpt"):
            if f.get(k):
                body += f". {f[k]}"
    else:
        value = MASK if is_sensitive(type_, f) else f.get("value", "")
        body = f"{f.get('caption', f.get('entry_type', ''))}: {value}"
    return f"{label}: {' '.join(body.split())}"


def masked(type_: str, fields: dict) -> dict:
    """The fields as they may be shown or stored in clear: a sensitive value masked."""
    if is_sensitive(type_, fields) and fields.get("value"):
        return {**fields, "value": MASK}
    return dict(fields)


@dataclass(frozen=True)
class Observation:
    """One unit of raw input: a kept frame or a chat turn.

    `ref` is the processed-marker key ("frame:12", "turn:7"); `sources` the provenance refs a
    memory made from it cites (frame manifest values / capture refs, or '<sample>:<dia>').
    """

    ref: str
    kind: str  # "frame" | "turn"
    ref_id: int
    ts: str
    ts_epoch: float
    app: str
    title: str
    url: str | None
    text: str
    sources: tuple[str, ...]
    session: str = ""  # a chat session key ("<sample>#<n>"); "" for frames
    speaker: str = ""
    ts_end_epoch: float = 0.0  # a frame's last merged near-duplicate; 0 = same as ts_epoch


@dataclass
class Candidate:
    """A memory the floor (or an agent) proposes; the repository decides add/merge/supersede."""

    type: str
    fields: dict
    sources: list[str]
    tier: str = "floor"
    importance: float = 0.3
    occurred_at: str | None = None
    reason: str = ""
    extra: dict = field(default_factory=dict)

    def key(self) -> str:
        return identity(self.type, self.fields)


_WORD = re.compile(r"\w+")


def tokens(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of word sets (0..1); the test for near-identical items."""
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)
