"""Meta memory manager, per-type agents, and the tier that applies their operations.

Prompts show existing items by small integer aliases (1..n), never by ids; replies are
JSON constrained by tiny schemas (bounded strings and arrays, small max_tokens, since
grammar decoding on a local model costs ~0.5 s a token). A reply that names an unknown
alias or lacks what its op needs raises `AgentReplyError`; nothing of that type is applied.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from memory.items import (
    CORE,
    EPISODIC,
    PROCEDURAL,
    RESOURCE,
    SEMANTIC,
    TYPES,
    VAULT,
    Candidate,
    InvalidMemory,
    normalise,
)
from memory.store.memories import Memory, MemoryRepo
from models.backend import LlmBackend, Message
from models.errors import StructuredOutputError

log = logging.getLogger(__name__)

SHOW_EXISTING = 8
MAX_OPS = 3
BATCH_CHARS = 1500

QUESTIONS = {
    CORE: "a lasting fact about the user (preference, role, habit)?",
    EPISODIC: "an event worth remembering (what happened, when)?",
    PROCEDURAL: "steps or a workflow the user followed?",
    RESOURCE: "a document, file, page or repository the user worked with?",
    VAULT: "an exact code, number, address, date or credential?",
    SEMANTIC: "a fact about a person, organisation, thing or concept?",
}

# Each type's two prompt-facing fields: a short key and a longer text.
_KEY_TEXT = {
    CORE: ("label", "text"), EPISODIC: ("summary", "details"), SEMANTIC: ("name", "summary"),
    PROCEDURAL: ("description", "steps"), RESOURCE: ("title", "summary"),
    VAULT: ("caption", "value"),
}

# No "uniqueItems": grammar-constrained decoding cannot enforce it (llama.cpp's schema
# grammar ignores it), so a small model's ["core", "core"] would fail validation after the
# fact; `route` reads the list as a set anyway.
ROUTE_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["types"],
    "properties": {"types": {"type": "array", "maxItems": len(TYPES),
                             "items": {"type": "string", "enum": list(TYPES)}}},
}
OPS_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["ops"],
    "properties": {"ops": {"type": "array", "maxItems": MAX_OPS, "items": {
        "type": "object", "additionalProperties": False, "required": ["op"],
        "properties": {
            "op": {"type": "string", "enum": ["add", "update", "none"]},
            "item": {"type": "integer", "minimum": 0, "maximum": SHOW_EXISTING},
            "key": {"type": "string", "maxLength": 60},
            "text": {"type": "string", "maxLength": 160},
        }}}},
}


class AgentReplyError(StructuredOutputError):
    """A reply that parsed but asks for something impossible (unknown alias, empty add)."""


def tier_allowed(backend: LlmBackend | None) -> tuple[bool, str]:
    """Whether the LLM tier may run, and why not when it may not."""
    if backend is None:
        return False, "no language model configured"
    if backend.info.capability != "instruct":
        return False, f"{backend.info.name} is completion-only; the LLM tier needs an instruct model"
    return True, ""


@dataclass(frozen=True)
class Op:
    type: str
    op: str  # add | update | none
    memory_id: int | None
    fields: dict


def _batch_text(batch_text: str) -> str:
    return batch_text if len(batch_text) <= BATCH_CHARS else batch_text[:BATCH_CHARS] + " …"


class MetaMemoryManager:
    """Decides which memory types a batch should update (include a type when unsure)."""

    def __init__(self, backend: LlmBackend, *, max_tokens: int = 40) -> None:
        self._backend = backend
        self._max_tokens = max_tokens

    def route(self, batch_text: str) -> list[str]:
        checks = "\n".join(f"- {t}: {q}" for t, q in QUESTIONS.items())
        prompt = [Message("system", "You route observations to memory types. For each type, "
                          "ask its question; list every type that applies, in order.\n" + checks),
                  Message("user", _batch_text(batch_text))]
        reply = self._backend.structured(prompt, schema=ROUTE_SCHEMA, max_tokens=self._max_tokens)
        types = reply.get("types")
        if not isinstance(types, list) or any(t not in TYPES for t in types):
            raise AgentReplyError(f"routing reply names unknown types: {types!r}")
        return [t for t in TYPES if t in types]


class TypeAgent:
    """One memory type: sees the batch and the relevant existing items by alias; returns ops."""

    def __init__(self, type_: str, backend: LlmBackend, *, max_tokens: int = 120) -> None:
        self.type = type_
        self._backend = backend
        self._max_tokens = max_tokens

    def prompt(self, batch_text: str, existing: Sequence[Memory]) -> list[Message]:
        shown = "\n".join(f"{i}. {m.text}" for i, m in enumerate(existing, 1)) or "(none)"
        key, text = _KEY_TEXT[self.type]
        return [Message("system", f"You maintain {self.type} memory: {QUESTIONS[self.type]} "
                        f"Reply with at most {MAX_OPS} ops. add: a new item (key = {key}, "
                        f"text = {text}). update: item = the number of an existing item whose "
                        "value changed, with its new key/text. none: nothing to change."),
                Message("user", f"Existing items:\n{shown}\n\nObservations:\n"
                        f"{_batch_text(batch_text)}")]

    def decide(self, batch_text: str, existing: Sequence[Memory]) -> list[Op]:
        existing = list(existing)[:SHOW_EXISTING]
        reply = self._backend.structured(self.prompt(batch_text, existing), schema=OPS_SCHEMA,
                                         max_tokens=self._max_tokens)
        return self.validate(reply, existing)

    def validate(self, reply: dict, existing: Sequence[Memory]) -> list[Op]:
        ops: list[Op] = []
        key_f, text_f = _KEY_TEXT[self.type]
        for raw in reply.get("ops", []):
            kind = raw.get("op")
            if kind == "none":
                continue
            fields = {}
            if raw.get("key"):
                fields[key_f] = raw["key"]
            if raw.get("text"):
                fields[text_f] = ([s.strip() for s in raw["text"].split(";") if s.strip()]
                                  if text_f == "steps" else raw["text"])
            if kind == "update":
                alias = raw.get("item") or 0
                if not 1 <= alias <= len(existing):
                    raise AgentReplyError(f"{self.type} agent updated unknown item {alias}")
                if not fields:
                    raise AgentReplyError(f"{self.type} agent sent an empty update")
                ops.append(Op(self.type, "update", existing[alias - 1].id, fields))
            elif kind == "add":
                if self.type == VAULT:
                    fields.setdefault("entry_type", "note")
                    fields.setdefault("sensitivity", "low")
                if self.type == EPISODIC:
                    fields.setdefault("event_type", "event")
                try:
                    normalise(self.type, fields)
                except InvalidMemory as e:
                    raise AgentReplyError(f"{self.type} agent: {e}") from e
                ops.append(Op(self.type, "add", None, fields))
            else:
                raise AgentReplyError(f"{self.type} agent sent op {kind!r}")
        return ops


class LlmTier:
    """Routes a batch, runs the chosen agents (in parallel when the backend allows), and
    applies their validated ops in one transaction."""

    def __init__(self, backend: LlmBackend, repo: MemoryRepo, *, parallel: bool | None = None):
        self._backend = backend
        self._repo = repo
        # A local model serves one request at a time on its worker; a server can overlap.
        self._parallel = (backend.info.path is None) if parallel is None else parallel
        self.manager = MetaMemoryManager(backend)

    def decide(self, batch_text: str, *, sources: Sequence[str], occurred_at: str | None
               ) -> list[Op]:
        """All ops for a batch; raises (StructuredOutputError, ModelError) on a bad reply."""
        types = self.manager.route(batch_text)
        agents = [TypeAgent(t, self._backend) for t in types]
        existing = {t: self._relevant(t, batch_text) for t in types}
        if self._parallel and len(agents) > 1:
            with ThreadPoolExecutor(max_workers=len(agents)) as pool:
                futures = [pool.submit(a.decide, batch_text, existing[a.type]) for a in agents]
                results = [f.result() for f in futures]
        else:
            results = [a.decide(batch_text, existing[a.type]) for a in agents]
        return [op for ops in results for op in ops]

    def apply(self, ops: Sequence[Op], *, sources: Sequence[str], occurred_at: str | None
              ) -> dict[str, int]:
        counts: dict[str, int] = {}
        with self._repo.transaction():  # all of a batch's LLM ops, or none
            for op in ops:
                if op.op == "update":
                    assert op.memory_id is not None  # decide() gives every update its id
                    self._repo.update(op.memory_id, op.fields, sources=sources, tier="llm",
                                      reason="agent update")
                else:
                    fields = dict(op.fields)
                    if op.type == EPISODIC and occurred_at:
                        fields.setdefault("occurred_at", occurred_at)
                    self._repo.upsert(Candidate(op.type, fields, list(sources), tier="llm",
                                                importance=0.5, occurred_at=occurred_at,
                                                reason="agent add"))
                counts[op.op] = counts.get(op.op, 0) + 1
        return counts

    def _relevant(self, type_: str, batch_text: str) -> list[Memory]:
        """Existing items an agent should see: the most similar, else the most recent."""
        found = self._repo.find_similar(type_, batch_text, limit=SHOW_EXISTING, threshold=0.0)
        if len(found) < SHOW_EXISTING:
            ids = {m.id for m in found}
            found += [m for m in self._repo.list_by_type(type_, limit=SHOW_EXISTING)
                      if m.id not in ids][: SHOW_EXISTING - len(found)]
        return found
