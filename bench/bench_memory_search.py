"""Retrieval latency (p50/p95/p99) over N memories: `Retriever.search` (the real hybrid path:
BM25 + vectors + time filter + the forgetting curve, fused) beside plain FTS5 over the same
memory texts, in the same run and store.

Memories of the six types go in through `MemoryRepo.add` (the real write path: row,
version, audit entry, provenance, doc + FTS) in 5,000-item transactions, into a fresh
unencrypted Store; their texts come from bench_search's Zipf corpus (so common words have
long posting lists, as in real text) and episodes are spread over the year before `NOW`.
Vectors: `embed_pending` with the HashEmbedder (hashed words and 3-grams) -- vector
*latency* through the real embedded Chroma is real, vector *relevance* is not (MiniLM over
1M texts would take hours on 2 cores).

Queries: 2-4 words drawn from stored memories (so they hit); every fourth also carries a
time expression ("last week", "in March", ...) resolved against `NOW`, which adds the
time-filtered lists. Plain FTS5 runs `docs_fts MATCH <the same words> ORDER BY bm25 LIMIT 10`.

    .venv/bin/python bench/bench_memory_search.py                    # --sizes 100000
    .venv/bin/python bench/bench_memory_search.py --sizes 10000      # ~1 min
    .venv/bin/python bench/bench_memory_search.py --sizes 100000,1000000   # hours at 1M
    # build 1M once in the background, measure later on a quiet machine:
    nice .venv/bin/python bench/bench_memory_search.py --sizes 1000000 --store-dir DIR --build-only
    .venv/bin/python bench/bench_memory_search.py --sizes 1000000 --store-dir DIR

Prints progress to stderr and one JSON object last on stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_search import Corpus, log, pct  # noqa: E402

NOW = dt.datetime(2026, 3, 20, 17, 0, tzinfo=dt.UTC)
TIME_PHRASES = ["last week", "in March", "yesterday afternoon", "in January", "this month"]
BATCH = 5000


def _fields(type_: str, i: int, text: str, rng: random.Random) -> tuple[dict, str | None]:
    """Fields of the `i`th memory of `type_` around a corpus sentence; its occurred_at."""
    words = text.split()
    head = " ".join(words[:4])
    if type_ == "episodic":
        at = NOW - dt.timedelta(minutes=rng.randrange(10, 525_600))
        end = at + dt.timedelta(minutes=rng.randint(1, 45))
        return {"occurred_at": at.isoformat(), "ended_at": end.isoformat(),
                "event_type": "app_session", "app": rng.choice(["Firefox", "Code", "Slack"]),
                "summary": text}, at.isoformat()
    return {
        "core": {"label": f"{head} {i}", "text": text},
        "semantic": {"name": f"{head} {i}", "summary": text},
        "procedural": {"description": f"{head} {i}", "steps": [text]},
        "resource": {"title": f"{head} {i}", "resource_type": "document", "summary": text},
        "vault": {"entry_type": "booking", "caption": text, "value": f"BK-{i:07d}",
                  "sensitivity": "high" if i % 4 else "low"},
    }[type_], None


def build(store, n: int, seed: int = 7) -> dict:
    from memory.items import TYPES
    from memory.pipeline import repo_for

    repo, corpus, rng = repo_for(store), Corpus(seed), random.Random(seed)
    t0 = time.perf_counter()
    for start in range(0, n, BATCH):
        texts = corpus.texts(min(BATCH, n - start))
        with store.db.atomic():
            for j, text in enumerate(texts):
                i = start + j
                type_ = TYPES[i % len(TYPES)]
                fields, occurred = _fields(type_, i, text, rng)
                repo.add(type_, fields, sources=[f"bench:{i}"], occurred_at=occurred)
        if (start // BATCH) % 10 == 0:
            log(f"  {start + len(texts):,} memories, {time.perf_counter() - t0:.0f} s")
    add_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    store.docs.embed_pending()
    return {"add_s": round(add_s, 1), "adds_per_s": round(n / add_s),
            "embed_s": round(time.perf_counter() - t0, 1)}


def queries(store, k: int, seed: int = 11) -> list[str]:
    from memory.store.docs import fts_query

    rng = random.Random(seed)
    top = store.db.execute("SELECT MAX(id) FROM memories").fetchone()[0]
    out: list[str] = []
    while len(out) < k:
        r = store.db.execute("SELECT text FROM memories WHERE id = ?",
                             [rng.randint(1, top)]).fetchone()
        words = [w for w in (r[0] if r else "").split() if w.isalpha()]
        if len(words) < 2:
            continue
        q = " ".join(rng.sample(words, min(len(words), rng.randint(2, 4))))
        if not fts_query(q):
            continue  # only stopwords: nothing for either side to match
        out.append(f"{q} {rng.choice(TIME_PHRASES)}" if len(out) % 4 == 3 else q)
    return out


def measure(store, qs: list[str]) -> dict:
    from memory.retrieval import Retriever
    from memory.store.docs import fts_query

    retriever = Retriever(store)
    plain = ("SELECT rowid FROM docs_fts WHERE docs_fts MATCH ? "
             "ORDER BY bm25(docs_fts) LIMIT 10")
    for q in qs[:5]:  # warm-up: FTS pages, the HNSW index
        retriever.search(q, limit=10, now=NOW)
        store.db.execute(plain, [fts_query(q)]).fetchall()
    lat: dict[str, list[float]] = {"hybrid": [], "fts5": []}
    hits = 0
    for q in qs:
        t = time.perf_counter()
        hits += bool(retriever.search(q, limit=10, now=NOW))
        lat["hybrid"].append(time.perf_counter() - t)
        t = time.perf_counter()
        store.db.execute(plain, [fts_query(q)]).fetchall()
        lat["fts5"].append(time.perf_counter() - t)
    out = {name: {f"p{int(p * 100)}_ms": round(pct(xs, p) * 1e3, 2) for p in (0.5, 0.95, 0.99)}
           for name, xs in lat.items()}
    out["hybrid_p95_over_fts5_p95"] = round(pct(lat["hybrid"], 0.95) / pct(lat["fts5"], 0.95), 1)
    out["queries"], out["queries_with_hits"] = len(qs), hits
    return out


def run_size(n: int, root: Path, n_queries: int) -> dict:
    import psutil

    from memory.store.store import Store
    from models.embeddings import HashEmbedder

    log(f"{n:,} memories")
    data = root / f"data-{n}"
    built = data / "bench-built.json"  # a kept store (--store-dir) built by an earlier run
    reuse = built.exists()
    if data.exists() and not reuse:  # a build cut off part-way: start it again
        shutil.rmtree(data)
    store = Store.open(data, passphrase=None, encrypt_new=False, embedder=HashEmbedder())
    try:
        if reuse:
            res = {"memories": n, "build": json.loads(built.read_text()), "reused": True}
        else:
            res = {"memories": n, "build": build(store, n)}
            built.write_text(json.dumps(res["build"]))
        log(f"  built: {res['build']}")
        if not n_queries:
            return res
        res["latency"] = measure(store, queries(store, n_queries))
        res["rss_mb"] = round(psutil.Process().memory_info().rss / 2**20)
        res["disk_mb"] = round(sum(f.stat().st_size for f in (root / f"data-{n}").rglob("*")
                                   if f.is_file()) / 2**20)
        log(f"  latency: {res['latency']}")
        return res
    finally:
        store.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100000")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--store-dir", type=Path,
                    help="keep the built stores here and reuse them on the next run "
                         "(build once in the background, measure when the machine is quiet)")
    ap.add_argument("--build-only", action="store_true", help="with --store-dir: build, no queries")
    args = ap.parse_args()
    if args.build_only and not args.store_dir:
        ap.error("--build-only needs --store-dir")
    with tempfile.TemporaryDirectory(prefix="bench-memsearch-") as tmp:
        root = args.store_dir or Path(tmp)
        results = [run_size(int(s), root, 0 if args.build_only else args.queries)
                   for s in args.sizes.split(",")]
    print(json.dumps({"bench": "memory_search", "now": NOW.isoformat(), "sizes": results}))


if __name__ == "__main__":
    from app.hygiene import offline_environment

    offline_environment()  # before onnxruntime loads: no telemetry from a bench either
    main()
