"""Search latency (p50/p95) at 10k and 1M indexed docs: Retriever.search hybrid / BM25 / vector
vs a naive full-scan baseline measured in the same run.

Synthetic corpus: sentences drawn with a seeded RNG from a generated 8,000-word vocabulary
(Zipf-distributed, so common words have long FTS posting lists, as in real text). Docs go
in through DocIndex.add in large batches into a fresh unencrypted Store (real FTS5, real
embedded Chroma); vectors are made by `embed_pending` with the HashEmbedder (hashed words
and 3-grams, pure Python) up to 100k docs and seeded random unit vectors above (the
HashEmbedder runs ~2-3k texts/s here, +6-8 min at 1M) -- NOT MiniLM: embedding 1M texts with
MiniLM on 2 cores would take hours. Vector *latency* is real, vector *relevance* is not.
`--embedder hash|random` forces one for every size.

Naive baseline (same store, same queries): for each content word of the query a full-scan
`SELECT id FROM docs WHERE text LIKE ?`, docs ranked by words matched, plus numpy
brute-force cosine over all vectors (held in RAM), fused by RRF like the real retriever.

    .venv/bin/python bench/bench_search.py                 # --sizes 10000,1000000
    .venv/bin/python bench/bench_search.py --quick         # 10k only (~1-2 min)

Prints progress to stderr and one JSON object last on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SYL = ["ka", "lo", "mi", "ren", "to", "sa", "vel", "dor", "an", "is", "pel", "qu", "ra", "ne",
       "tis", "bo", "mar", "gen", "fi", "lu", "cor", "den", "sha", "wil", "ex", "por", "tan"]
COMMON = ("the of and to in is for on with that this from invoice meeting report email "
          "project code review build test deploy budget notes call schedule draft").split()


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def vocabulary(rng: random.Random, n: int = 8000) -> list[str]:
    words = list(COMMON)
    seen = set(words)
    while len(words) < n:
        w = "".join(rng.choice(SYL) for _ in range(rng.randint(2, 4)))
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


class Corpus:
    """Deterministic sentence generator (Zipf over the vocabulary)."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.words = vocabulary(self.rng)
        ranks = np.arange(1, len(self.words) + 1)
        p = 1.0 / ranks ** 1.07
        self.cum = np.cumsum(p / p.sum())
        self.np_rng = np.random.default_rng(seed)

    def texts(self, n: int) -> list[str]:
        lens = self.np_rng.integers(8, 30, size=n)
        idx = np.searchsorted(self.cum, self.np_rng.random(int(lens.sum())))
        idx = np.minimum(idx, len(self.words) - 1)
        out, pos = [], 0
        w = self.words
        for k in lens:
            out.append(" ".join(w[j] for j in idx[pos:pos + k]))
            pos += k
        return out


class RandomEmbedder:
    """Seeded random unit vectors keyed by text (stand-in, for speed at 1M)."""

    def __init__(self, dim: int = 384) -> None:
        self._dim = dim

    @property
    def dim(self) -> int:
        return self._dim

    def embed(self, texts):
        out = np.empty((len(texts), self._dim), np.float32)
        for i, t in enumerate(texts):
            v = np.random.default_rng(abs(hash(t)) % (2 ** 32)).standard_normal(self._dim)
            out[i] = v / np.linalg.norm(v)
        return out

    def embed_one(self, text):
        return self.embed([text])[0]


class TeeIndex:
    """Wraps the real ChromaIndex and keeps a RAM copy of every vector for the baseline."""

    def __init__(self, inner, capacity: int, dim: int) -> None:
        self.inner = inner
        self.mat = np.zeros((capacity + 1, dim), np.float32)  # row = doc id (ids start at 1)
        self.upsert_s = 0.0

    def upsert(self, ids, vectors, *, kinds, ts_epochs):
        self.mat[np.asarray(ids)] = vectors
        t = time.perf_counter()
        self.inner.upsert(ids, vectors, kinds=kinds, ts_epochs=ts_epochs)
        self.upsert_s += time.perf_counter() - t

    def query(self, *a, **k):
        return self.inner.query(*a, **k)

    def delete(self, ids):
        self.inner.delete(ids)

    def ids(self):
        return self.inner.ids()

    def count(self):
        return self.inner.count()


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def summary(xs: list[float]) -> dict:
    return {"p50_ms": round(pct(xs, 0.5) * 1e3, 2), "p95_ms": round(pct(xs, 0.95) * 1e3, 2),
            "n": len(xs)}


def naive_search(db, tee: TeeIndex, embedder, query: str, n_docs: int, *, k: int = 10,
                 cand: int = 50) -> list[int]:
    from memory.store.docs import fts_query
    words = [w.strip('"') for w in fts_query(query).split(" OR ") if w]
    counts: dict[int, int] = {}
    for w in words:
        for (i,) in db.execute("SELECT id FROM docs WHERE text LIKE ?", [f"%{w}%"]):
            counts[i] = counts.get(i, 0) + 1
    text_rank = sorted(counts, key=lambda i: (-counts[i], i))[:cand]
    q = embedder.embed([query])[0]
    sims = tee.mat[1:n_docs + 1] @ q
    top = np.argpartition(-sims, cand)[:cand]
    vec_rank = [int(i) + 1 for i in top[np.argsort(-sims[top])]]
    fused: dict[int, float] = {}
    for ranked in (text_rank, vec_rank):
        for r, i in enumerate(ranked):
            fused[i] = fused.get(i, 0.0) + 1.0 / (60 + r + 1)
    best = sorted(fused, key=lambda i: -fused[i])[:k]
    rows = db.execute(f"SELECT id, text FROM docs WHERE id IN ({','.join('?' * len(best))})",
                      best).fetchall() if best else []
    return [r[0] for r in rows]


def run_size(n: int, args, root: Path) -> dict:
    from memory.retrieval import Retriever
    from memory.store.docs import NewDoc
    from memory.store.store import Store
    from memory.store.vectors import ChromaIndex
    from models.embeddings import HashEmbedder

    kind = args.embedder if args.embedder != "auto" else ("hash" if n <= 100_000 else "random")
    embedder = RandomEmbedder() if kind == "random" else HashEmbedder()
    data = root / f"n{n}"
    budget_s = args.budget_s
    t_start = time.perf_counter()
    # the store writes its key record first: vectors/ already holding data without one is
    # what a lost key looks like, and the store refuses it
    Store.open(data, passphrase=None, encrypt_new=False, embedder=embedder).close()
    chroma = ChromaIndex(path=data / "vectors", embedder=embedder)
    tee = TeeIndex(chroma, n, embedder.dim)
    store = Store.open(data, passphrase=None, encrypt_new=False, embedder=embedder, vectors=tee)
    corpus = Corpus(seed=7)
    res: dict = {"n_docs_target": n, "embedder": type(embedder).__name__}

    # ---- build: DocIndex.add in batches, then embed_pending
    base_ts = 1_771_000_000.0
    add_s = 0.0
    added = 0
    B = args.add_batch
    add_budget = budget_s * args.add_share
    while added < n:
        if time.perf_counter() - t_start > add_budget:
            rate = added / add_s
            res["add_incomplete"] = True
            res["projected_add_s_full"] = round(n / rate)
            log(f"n={n}: add budget ({add_budget:.0f}s) spent at {added} docs; "
                f"projected DocIndex.add time for {n}: {n / rate:.0f}s")
            break
        m = min(B, n - added)
        texts = corpus.texts(m)
        docs = [NewDoc(kind="frame", ref_id=added + i + 1, text=t, ts=None,
                       ts_epoch=base_ts + (added + i) * 10.0, app="Bench",
                       sources=[f"synthetic/{added + i}"]) for i, t in enumerate(texts)]
        t = time.perf_counter()
        store.docs.add(docs)
        add_s += time.perf_counter() - t
        added += m
        if added % (B * 5) == 0 or added == n:
            log(f"n={n}: added {added} docs ({added / add_s:.0f} docs/s in DocIndex.add)")
    res["add_s"] = round(add_s, 1)
    res["docs_added"] = added
    res["add_docs_per_s"] = round(added / add_s)
    n_rows = store.db.execute("SELECT count(*) FROM docs").fetchone()[0]
    res["docs_rows"] = n_rows  # identical synthetic texts merge (content_hash)

    t = time.perf_counter()
    stopped = {"at": None}

    def progress(done: int) -> None:
        el = time.perf_counter() - t
        if done % (args.embed_batch * 20) < args.embed_batch:
            log(f"n={n}: embedded {done}/{n_rows} ({done / el:.0f}/s, chroma upsert "
                f"{tee.upsert_s:.0f}s of {el:.0f}s)")
        if time.perf_counter() - t_start > budget_s and done < n_rows:
            stopped["at"] = done
            raise TimeoutError

    try:
        embedded = store.docs.embed_pending(batch=args.embed_batch, progress=progress)
    except TimeoutError:
        embedded = stopped["at"]
    embed_s = time.perf_counter() - t
    res["embed_pending_s"] = round(embed_s, 1)
    res["embedded"] = embedded
    res["embed_docs_per_s"] = round(embedded / embed_s)
    res["chroma_upsert_s"] = round(tee.upsert_s, 1)
    res["embedder_s"] = round(embed_s - tee.upsert_s, 1)
    res["build_s"] = round(time.perf_counter() - t_start, 1)
    if embedded < n_rows:
        rate = embedded / embed_s
        res["build_incomplete"] = True
        res["projected_embed_pending_s_full"] = round(n / rate)
        res["projected_build_s_full"] = round(n / rate + res.get("projected_add_s_full",
                                                                  add_s))
        res["note"] = (f"stopped after {embedded}/{n_rows} vectors at the time budget "
                       f"({budget_s}s); search below runs over {embedded} vectors and "
                       f"{n_rows} FTS rows")
        log(res["note"])
    res["load_after_build"] = [round(x, 2) for x in os.getloadavg()]

    # ---- queries: 2-4 words taken from real docs (so they hit), mixed with common words
    qrng = random.Random(11)
    sample_ids = [qrng.randint(1, min(embedded or n_rows, n_rows)) for _ in range(args.queries)]
    texts = dict(store.db.execute(
        f"SELECT id, text FROM docs WHERE id IN ({','.join('?' * len(sample_ids))})",
        sample_ids).fetchall())
    queries = []
    for i in sample_ids:
        ws = texts[i].split()
        queries.append(" ".join(qrng.sample(ws, min(len(ws), qrng.randint(2, 4)))))

    retriever = Retriever(store)
    for q in queries[:3]:  # warm-up (FTS pages, Chroma HNSW load)
        for mode in ("hybrid", "bm25", "vector"):
            retriever.search(q, limit=10, mode=mode)
    lat: dict[str, list[float]] = {"hybrid": [], "bm25": [], "vector": [],
                                   "fts_only": [], "vector_only_raw": [], "naive": []}
    for q in queries:
        for mode in ("hybrid", "bm25", "vector"):
            t = time.perf_counter()
            retriever.search(q, limit=10, mode=mode)
            lat[mode].append(time.perf_counter() - t)
        t = time.perf_counter()
        store.docs.fts(q, k=50)
        lat["fts_only"].append(time.perf_counter() - t)
        t = time.perf_counter()
        store.docs.vector(q, k=50)
        lat["vector_only_raw"].append(time.perf_counter() - t)
    n_naive = len(queries) if n <= 100_000 else min(len(queries), args.naive_queries_large)
    for q in queries[:n_naive]:
        t = time.perf_counter()
        naive_search(store.db, tee, embedder, q, embedded)
        lat["naive"].append(time.perf_counter() - t)
    res["latency"] = {k: summary(v) for k, v in lat.items()}
    p50 = {k: pct(v, 0.5) for k, v in lat.items()}
    res["ratios"] = {
        "naive_p50_over_hybrid_p50": round(p50["naive"] / p50["hybrid"], 2),
        "hybrid_p50_over_bm25_p50": round(p50["hybrid"] / p50["bm25"], 2),
        "hybrid_p50_over_vector_p50": round(p50["hybrid"] / p50["vector"], 2),
    }
    res["example_queries"] = queries[:3]
    res["load_after_queries"] = [round(x, 2) for x in os.getloadavg()]
    try:
        import resource
        res["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    except Exception:
        pass
    res["disk_mb"] = round(sum(f.stat().st_size for f in data.rglob("*") if f.is_file()) / 2**20)
    store.close()
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,1000000")
    ap.add_argument("--quick", action="store_true", help="10k only")
    ap.add_argument("--queries", type=int, default=60)
    ap.add_argument("--naive-queries-large", type=int, default=15,
                    help="naive baseline queries at sizes > 100k (each is a full scan)")
    ap.add_argument("--embedder", choices=["auto", "hash", "random"], default="auto",
                    help="auto: HashEmbedder up to 100k docs, random unit vectors above "
                         "(HashEmbedder is pure Python, ~2-3k texts/s here: +6-8 min at 1M)")
    ap.add_argument("--add-batch", type=int, default=20000)
    ap.add_argument("--embed-batch", type=int, default=5000,
                    help="embed_pending batch (Chroma's max batch is ~5461)")
    ap.add_argument("--budget-s", type=float, default=1200,
                    help="stop embedding a size after this many build seconds; report projection")
    ap.add_argument("--add-share", type=float, default=0.5,
                    help="share of --budget-s that the DocIndex.add phase may use")
    ap.add_argument("--keep", action="store_true", help="keep the temp data dirs")
    args = ap.parse_args()
    sizes = [10000] if args.quick else [int(s) for s in args.sizes.split(",")]

    import logging
    logging.basicConfig(level=logging.WARNING)
    out: dict = {"bench": "search", "python": sys.version.split()[0], "cpus": os.cpu_count(),
                 "load_start": [round(x, 2) for x in os.getloadavg()],
                 "embedder_note": ("vectors made by embed_pending, NOT MiniLM (1M MiniLM "
                                   "embeddings would take hours on 2 cores): HashEmbedder "
                                   "up to 100k docs, seeded random unit vectors (per-text) "
                                   "above, unless --embedder says otherwise; vector "
                                   "latency is real, vector relevance is not"),
                 "sizes": {}}
    root = Path(tempfile.mkdtemp(prefix="bench-search-"))
    try:
        for n in sizes:
            log(f"size {n}: building in {root}")
            out["sizes"][str(n)] = run_size(n, args, root)
            log(json.dumps(out["sizes"][str(n)]))
            if not args.keep:
                shutil.rmtree(root / f"n{n}", ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    out["load_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(out))


if __name__ == "__main__":
    from app.hygiene import offline_environment

    offline_environment()  # before onnxruntime loads: no telemetry from a bench either
    main()
