"""The memory pipeline: new observations -> batches -> floor (+ LLM tier) -> memories.

Stages, each a named function:
  pending_frames / pending_turns   observations with no processed marker yet
  frame_batches / turn_batches     ~60 s of frames by time; one chat session
  apply_floor                      the deterministic floor, committed with the batch's
                                   processed markers in one transaction
  apply_llm                        the LLM tier (instruct models only), its ops in a second
                                   transaction; any failure leaves the floor result standing
Then the new memory docs are embedded. A second run finds nothing pending and does nothing.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator, Sequence

from memory.agents import LlmTier, tier_allowed
from memory.floor import EPISODE_GAP_S, content_lines, floor_candidates
from memory.items import EPISODIC, Candidate, Observation, normalise
from memory.limits import in_span_epoch, in_span_iso
from memory.store.memories import MemoryRepo
from memory.store.sources import frame_key
from memory.store.store import Store
from memory.timefmt import now_iso, parse_iso
from models.errors import ModelError

log = logging.getLogger(__name__)

FRAME_BATCH_S = 60.0


def repo_for(store: Store) -> MemoryRepo:
    """The store's memory repository (kept for the callers that name it so)."""
    return store.memories


# -- finding observations ---------------------------------------------------------------
def _epoch(iso: str) -> float:
    """A stored time's epoch (naive = UTC, memory.timefmt's rule for stored values)."""
    return parse_iso(iso, naive="utc").timestamp()


def pending_frames(store: Store) -> list[Observation]:
    out = []
    for f in store.frames.unprocessed():
        # A merged source's time outside the span (older versions stored any) is ignored.
        end = max([t for _s, ts in f.sources if ts and in_span_epoch(t := _epoch(ts))]
                  + [f.ts_epoch])
        out.append(Observation(
            ref=frame_key(f.id), kind="frame", ref_id=f.id, ts=f.ts, ts_epoch=f.ts_epoch,
            app=f.app, title=f.window_title, url=f.url, text=f.ocr_text,
            sources=tuple(s for s, _ts in f.sources) or (frame_key(f.id),), ts_end_epoch=end))
    return out


def pending_turns(store: Store) -> list[Observation]:
    return [Observation(
        ref=f"turn:{t.id}", kind="turn", ref_id=t.id, ts=t.ts, ts_epoch=t.ts_epoch,
        app="chat", title="", url=None,
        text=f"{t.speaker}: {t.text}" if t.speaker else t.text,
        sources=(t.source,), session=f"{t.sample_id}#{t.session}",
        speaker=t.speaker) for t in store.turns.unprocessed()]


def out_of_span(observations: Sequence[Observation]
                ) -> tuple[list[Observation], list[Observation]]:
    """(usable, dated outside the span). Imports refuse such times now, but older versions
    stored them, and one (year 1, 9999) breaks the calendar arithmetic of every later run.
    An undated chat turn is usable."""
    good: list[Observation] = []
    bad: list[Observation] = []
    for o in observations:
        ok = (o.kind == "turn" and not o.ts) or (in_span_iso(o.ts) and
                                                  in_span_epoch(o.ts_epoch))
        (good if ok else bad).append(o)
    return good, bad


def set_aside(repo: MemoryRepo, bad: Sequence[Observation]) -> None:
    """Mark observations with an impossible time as taken, so that no later run meets
    them again; logged by reference only (their text stays out of the log)."""
    if not bad:
        return
    log.warning("%d observations with a time outside the accepted span left out of "
                "memories: %s", len(bad), ", ".join(o.ref for o in bad[:20]))
    repo.mark_processed([(o.ref, o.kind, o.ref_id) for o in bad], batch="bad-time")


def frame_batches(frames: Sequence[Observation], *, span_s: float = FRAME_BATCH_S
                  ) -> Iterator[list[Observation]]:
    batch: list[Observation] = []
    for o in frames:
        if batch and o.ts_epoch - batch[0].ts_epoch > span_s:
            yield batch
            batch = []
        batch.append(o)
    if batch:
        yield batch


def turn_batches(turns: Sequence[Observation]) -> Iterator[list[Observation]]:
    batch: list[Observation] = []
    for t in turns:
        if batch and t.session != batch[0].session:
            yield batch
            batch = []
        batch.append(t)
    if batch:
        yield batch


def batch_text(batch: Sequence[Observation]) -> str:
    parts = []
    for o in batch:
        if o.kind == "frame":
            parts.append(f"[{o.ts[:16]}] {o.app} - {o.title}\n" + "\n".join(content_lines(o)))
        else:
            parts.append(f"[{o.ts[:16]}] {o.text}")
    return "\n".join(parts)


# -- applying ---------------------------------------------------------------------------
def _continue_episode(repo: MemoryRepo, c: Candidate) -> int | None:
    """The open app session this episode continues (same app + title within the gap)."""
    if c.type != EPISODIC or c.fields.get("event_type") != "app_session":
        return None
    for m in repo.list_by_type(EPISODIC, limit=3):
        f = m.fields
        if (f.get("event_type") == "app_session" and f.get("summary") == c.fields["summary"]
                and f.get("ended_at")
                and 0 <= _epoch(c.fields["occurred_at"]) - _epoch(f["ended_at"]) <= EPISODE_GAP_S):
            return m.id
    return None


def apply_floor(repo: MemoryRepo, batch: Sequence[Observation], *, batch_id: str,
                counts: dict) -> None:
    """The floor's candidates and the batch's processed markers: all committed, or none."""
    cands = floor_candidates(batch)
    at = now_iso()
    with repo.transaction():
        for c in cands:
            try:
                normalise(c.type, c.fields)
            except ValueError:
                continue
            open_id = _continue_episode(repo, c)
            if open_id is not None:
                repo.extend(open_id, {"ended_at": c.fields["ended_at"]}, sources=c.sources,
                            reason="same window session")
                op, mid = "merge", open_id
            else:
                op, mid = repo.upsert(c, fuzzy=False)
            counts["by_op"][op] = counts["by_op"].get(op, 0) + 1
            if op == "add":
                counts["by_type"][c.type] = counts["by_type"].get(c.type, 0) + 1
        repo.mark_processed([(o.ref, o.kind, o.ref_id) for o in batch], batch=batch_id, at=at)


def apply_llm(tier: LlmTier, repo: MemoryRepo, batch: Sequence[Observation], *,
              counts: dict) -> None:
    """Run the LLM tier on a batch; a failure is logged (once per run) and counted."""
    sources = [s for o in batch for s in o.sources]
    try:
        ops = tier.decide(batch_text(batch), sources=sources, occurred_at=batch[0].ts)
        done = tier.apply(ops, sources=sources, occurred_at=batch[0].ts)
    except (ModelError, TimeoutError, ValueError) as e:
        if not counts["llm"]["errors"]:
            log.warning("LLM tier failed on a batch (%s); the floor result stands",
                        type(e).__name__)
        counts["llm"]["errors"] += 1
        repo.note("none", reason=f"llm tier failed: {type(e).__name__}", tier="llm")
        return
    counts["llm"]["batches"] += 1
    for op, n in done.items():
        key = f"llm_{op}"
        counts["by_op"][key] = counts["by_op"].get(key, 0) + n


def run_store(store: Store, *, backend=None, use_llm: bool = True,
              span_s: float = FRAME_BATCH_S) -> dict:
    """Process every pending observation of `store`; returns counts per type and per op."""
    repo = repo_for(store)
    counts: dict = {"observations": 0, "batches": 0, "by_type": {}, "by_op": {},
                    "llm": {"ran": False, "skipped": "", "batches": 0, "errors": 0}}
    allowed, why = tier_allowed(backend) if use_llm else (False, "disabled (--no-llm)")
    tier = LlmTier(backend, repo) if allowed else None
    counts["llm"]["ran"] = allowed
    counts["llm"]["skipped"] = why
    with store.errors():
        frames, bad_frames = out_of_span(pending_frames(store))
        turns, bad_turns = out_of_span(pending_turns(store))
        set_aside(repo, bad_frames + bad_turns)
        batches = list(frame_batches(frames, span_s=span_s)) + list(turn_batches(turns))
        if batches and not allowed:
            log.info("LLM tier skipped: %s", why)
            repo.note("skip", reason=f"llm tier skipped: {why}", tier="llm")
        for batch in batches:
            apply_floor(repo, batch, batch_id=uuid.uuid4().hex[:12], counts=counts)
            if tier is not None:
                apply_llm(tier, repo, batch, counts=counts)
            counts["observations"] += len(batch)
            counts["batches"] += 1
        counts["embedded"] = store.docs.embed_pending() if batches else 0
    return counts


def run_pending(core, *, use_llm: bool) -> dict:
    """The CLI's entry point after every import: `core.store`, and `core.backend()` lazily."""
    backend = None
    if use_llm:
        try:
            backend = core.backend()
        except ModelError as e:
            log.warning("LLM tier unavailable (%s)", type(e).__name__)
    result = run_store(core.store, backend=backend, use_llm=use_llm)
    if result.get("observations"):
        # New episodes: bring the temporal tree (hour/day summaries), duplicate merging and
        # fading up to date, so a question can be answered at the right granularity.
        import datetime as dt

        from memory.consolidate import consolidate

        result["consolidation"] = consolidate(core.store, now=dt.datetime.now(dt.UTC),
                                              backend=backend if use_llm else None)
    return result
