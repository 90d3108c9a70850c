"""Answers on generated screen days: train/test figures, the reader's tuning, ask latency.

Usage:
  .venv/bin/python bench/bench_answers.py DAY --store DIR [--model] [--tune] [--latency N]
      [--only train|test] [--limit N] [--json OUT]

DAY is a folder from bench/gen_screen_days.py (frames.jsonl, questions.jsonl with "split").
DIR is an unencrypted data dir, imported once (OCR, embeddings, floor) and reused after.
For every question it scores, per split: answers accepted (the answer holds a gold answer),
accepted with a citation whose frame's OCR text shows a gold answer, and unanswerable
questions abstained, for the reader (extractive features; with --model also the bundled
model's PMI) and for the naive baseline (the best-covering evidence line, no abstention
beyond the old coverage floor). --tune chooses the reader's weights and abstention
threshold by random search on the TRAIN split's cached features and reports both splits;
--fit learns them instead (`fit`: listwise logistic regression, its L2 chosen by
cross-validation by template inside the train split, then the thresholds).
--latency N times N warm asks per answerer (p50/p95).
--outcomes FILE writes each question's id and whether the answerer got it right (end to
end), so a run of this checkout and one of `--code` an older one count the questions won and
lost (`bench/compare_outcomes.py A B`), not only the totals.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path

# --code DIR: run another checkout's answerer (today's, from a `git worktree` of HEAD)
_CODE = sys.argv[sys.argv.index("--code") + 1] if "--code" in sys.argv else None
sys.path.insert(0, _CODE or str(Path(__file__).resolve().parents[1]))



def open_core(store: Path, day: Path | None):
    from app.settings import load_settings
    from app.wiring import open_core as _open

    s = load_settings(data_dir=store, config_file=None)
    s = replace(s, privacy=replace(s.privacy, encrypt=False))
    core = _open(s, passphrase=None)
    if day is not None and not (store / ".imported").exists():
        from capture.importer import FrameImporter
        from memory.pipeline import run_pending

        FrameImporter(store=core.store, ocr=core.ocr).run(day / "frames.jsonl")
        run_pending(core, use_llm=False)
        (store / ".imported").write_text("1")
    return core


def frame_text(core, sources: list[str]) -> str:
    if not sources:
        return ""
    marks = ",".join("?" * len(sources))
    rows = core.store.db.execute(
        f"SELECT f.ocr_text FROM frames f JOIN frame_sources s ON s.frame_id = f.id "
        f"WHERE s.source IN ({marks})", list(sources)).fetchall()
    return "\n".join(r[0] or "" for r in rows)


def when(q: dict) -> dt.datetime:
    t = dt.datetime.fromisoformat(q["asked_at"])
    return t if t.tzinfo else t.astimezone()


def gold_in(text: str, q: dict) -> bool:
    return any(a.lower() in text.lower() for a in q.get("answers") or [])


def collect(core, questions: list[dict], tuning, scorer=None) -> list[dict]:
    """Per question: the reader's candidates with features (and gold flags), key coverage."""
    from memory import reader as rd
    from memory.answer import Answerer

    ans = Answerer(core.retriever, None, tuning=tuning)
    rows = []
    for q in questions:
        hits = core.retriever.search(q["question"], limit=tuning.evidence_hits, now=when(q))
        layouts = (core.retriever.layouts(rd.hits_read(hits, tuning))
                   if getattr(tuning, "read_layout", False) else None)
        r = rd.read(q["question"], hits, tuning, idf=ans.idf, scorer=scorer, layouts=layouts)
        rows.append({"q": q, "key": round(r.key_coverage, 4), "named": round(r.name_coverage, 4),
                     "cands": [
            {"text": c.text, "feats": c.feats, "gold": gold_in(c.text, q),
             "line_gold": gold_in(c.line, q), "line": c.line, "label": c.label, "row": c.row,
             "item": c.item,
             "exact": any(c.text.lower() == a.lower() for a in q.get("answers") or []),
             "sources": list(c.hit.sources)} for c in r.candidates]})
    return rows


def _feats():
    try:
        from memory.reader import FEATURES
    except ImportError:  # an older checkout (--code): its answerer is measured end to end only
        return ()
    return FEATURES


FEATS = _feats()
WEIGHTS = tuple(f"w_{f}" for f in FEATS)


def _matrices(rows: list[dict]):
    """Each question's candidate features as a matrix (rows: candidates, columns: FEATS)."""
    import numpy as np

    for r in rows:
        if "_F" not in r:
            r["_F"] = np.array([[c["feats"].get(f, 0.0) for f in FEATS] for c in r["cands"]]
                               or np.zeros((0, len(FEATS))))
            r["_gold"] = np.array([c["gold"] for c in r["cands"]], dtype=bool)
            r["_line_gold"] = np.array([c.get("line_gold", c["gold"]) for c in r["cands"]],
                                       dtype=bool)
            r["_cover"] = np.array([[c["feats"].get("hit_key", 0.0), c["feats"].get("hit_named", 1.0)]
                                    for c in r["cands"]] or np.zeros((0, 2)))
    return rows


def _quiet(r: dict, t, w) -> bool:
    """The reader abstains: no candidate, or the coverage (of the answer's hit, or of the
    best-covering hit read: t.abstain_on) under a threshold."""
    import numpy as np

    if not len(r["cands"]):
        return True
    if t.abstain_on == "answer":
        key, named = r["_cover"][int(np.argmax(r["_F"] @ w))]
    else:
        key, named = r["_cover"].max(axis=0)
    return key < t.min_key_coverage or named < t.min_name_coverage


def figures(rows: list[dict], t) -> dict:
    """Per split: answerable questions whose best candidate holds a gold answer (and that do
    not abstain), unanswerable ones that abstain."""
    import numpy as np

    w = np.array([getattr(t, f"w_{f}") for f in FEATS])
    out = {}
    for split in ("train", "test"):
        rs = _matrices([r for r in rows if r["q"].get("split") == split
                        and not r["q"]["template"].endswith(":activity")])  # the timeline's
        ans = [r for r in rs if not r["q"].get("abstain")]
        una = [r for r in rs if r["q"].get("abstain")]
        quiet = lambda r: _quiet(r, t, w)  # noqa: E731
        said = "_line_gold" if t.answer_unit == "line" else "_gold"  # what is quoted
        ok = sum(bool(r[said][int(np.argmax(r["_F"] @ w))]) for r in ans if not quiet(r))
        abst = sum(quiet(r) for r in una)
        out[split] = {"answerable": len(ans), "accepted": round(ok / max(len(ans), 1), 3),
                      "unanswerable": len(una), "abstained": round(abst / max(len(una), 1), 3)}
    return out


L2_GRID = (0.1, 1.0, 10.0, 100.0, 1000.0)  # fit's L2 strengths, one chosen by inner CV


def _template(r: dict) -> str:
    """A row's template (its question's template without the question kind), the unit that
    cross-validation holds out whole."""
    return r["q"]["template"].split(":")[0]


def fit(rows: list[dict], base, *, l2: float | None = None, objective: str = "right",
        folds: int = 4, group=_template, steps: int = 50, prior: str = "zero"):
    """The weights by listwise logistic regression on TRAIN rows, then the two abstention
    thresholds by grid search.

    Model: a softmax over each answerable question's candidates; the loss is minus the log
    of the probability it gives to the candidates whose QUOTED unit holds a gold answer
    (the line when `base.answer_unit` is "line": what `figures` counts), plus
    `l2`/2 * |w - w0|^2 on the standardised features (each divided by its spread over the
    candidates, so one L2 strength and one Newton step fit a 0/1 feature and a word count
    alike), w0 zero (`prior="zero"`) or `base`'s weights ("base": a large L2 keeps them).
    Solved by damped Newton steps from w0. `l2=None`: chosen from L2_GRID by
    cross-validation by template (`folds` groups of `group(row)`) inside these rows only.
    Thresholds: the pair (key coverage, named coverage) with the most questions right on
    these rows (`objective="right"`), or the best mean of the answerable and the abstention
    accuracy ("balanced": an unanswerable question counts as much as all the answerable ones
    together)."""
    import zlib

    import numpy as np

    if prior not in ("zero", "base"):
        raise ValueError("fit: prior must be 'zero' or 'base'")
    train = _matrices([r for r in rows if r["q"].get("split") == "train"
                       and not r["q"]["template"].endswith(":activity")])
    if l2 is None:
        fold = {g: zlib.crc32(g.encode()) % folds for g in {group(r) for r in train}}
        ks = sorted(set(fold.values()))

        def right(l2v: float) -> float:
            n = 0.0
            for k in ks:
                held = [r for r in train if fold[group(r)] == k]
                f = figures(held, fit([r for r in train if fold[group(r)] != k], base, l2=l2v,
                                      objective=objective, steps=steps, prior=prior))["train"]
                n += f["accepted"] * f["answerable"] + f["abstained"] * f["unanswerable"]
            return n

        l2 = max(L2_GRID, key=lambda v: (right(v), v)) if len(ks) > 1 else L2_GRID[len(L2_GRID) // 2]
    said = "_line_gold" if base.answer_unit == "line" else "_gold"
    has_model = any("model" in c["feats"] for r in train for c in r["cands"])
    use = np.array([has_model or not f.startswith("model") for f in FEATS], dtype=bool)
    data = [r for r in train if not r["q"].get("abstain") and r[said].any() and len(r["cands"]) > 1]
    full = np.zeros(len(FEATS))
    if data:
        sizes = [len(r["cands"]) for r in data]
        starts = np.cumsum([0] + sizes)[:-1]
        seg = np.repeat(np.arange(len(data)), sizes)
        F = np.vstack([r["_F"] for r in data])[:, use]
        gold = np.concatenate([r[said] for r in data])
        scale = F.std(axis=0)
        scale[scale < 1e-6] = 1.0  # a constant (0.9 everywhere has a float spread of 1e-16)
        X = F / scale

        def softmax(z):  # per question: log-sum-exp and probabilities
            m = np.maximum.reduceat(z, starts)
            e = np.exp(z - m[seg])
            s = np.add.reduceat(e, starts)
            return m + np.log(s), e / s[seg]

        def state(w):
            z = X @ w
            a, p = softmax(z)
            ag, q = softmax(np.where(gold, z, -np.inf))
            return float((a - ag).sum() + 0.5 * l2 * ((w - w0) @ (w - w0))), p, np.where(gold, q, 0.0)

        def second(p):  # sum over questions of the covariance of X under p
            m = np.add.reduceat(p[:, None] * X, starts)
            return X.T @ (p[:, None] * X) - m.T @ m

        w0 = (np.array([getattr(base, f"w_{f}") for f in FEATS])[use] * scale
              if prior == "base" else np.zeros(X.shape[1]))
        w = w0.copy()
        loss, p, q = state(w)
        for _ in range(steps):
            g = X.T @ (p - q) + l2 * (w - w0)
            spread = second(p)
            H = spread - second(q) + (l2 + 1e-9) * np.eye(len(w))
            # the loss is not convex in w (a sum over the gold candidates): damped steps, the
            # Hessian's least eigenvalue raised to a small share of the candidates' spread
            floor = max(1e-3 * float(np.trace(spread)) / len(w), 1e-6)
            low = float(np.linalg.eigvalsh(H).min())
            if low < floor:
                H += (floor - low) * np.eye(len(w))
            d = np.linalg.solve(H, g)
            step = 1.0
            while True:
                new, p2, q2 = state(w - step * d)
                if new <= loss - 1e-4 * step * float(g @ d) or step < 1e-6:
                    break
                step /= 2
            if new > loss:
                break
            w, gain, loss, p, q = w - step * d, loss - new, new, p2, q2
            if gain < 1e-8 * len(data):
                break
        full[use] = w / scale
    t = replace(base, **{f"w_{f}": round(float(v), 3) for f, v in zip(FEATS, full)})
    return thresholds(train, t, objective=objective)


def thresholds(rows: list[dict], t, *, objective: str = "right"):
    """`t` with the (min_key_coverage, min_name_coverage) pair, on a 0.01 x 0.05 grid, that
    gets the most of `rows` right (or the best mean of the two accuracies: "balanced")."""
    import numpy as np

    w = np.array([getattr(t, f"w_{f}") for f in FEATS])
    said = "_line_gold" if t.answer_unit == "line" else "_gold"
    rs = _matrices([r for r in rows if not r["q"]["template"].endswith(":activity")])
    n_ans = sum(not r["q"].get("abstain") for r in rs)
    n_una = len(rs) - n_ans
    quiet_always = sum(bool(r["q"].get("abstain")) and not len(r["cands"]) for r in rs)
    key, named, una, ok = [], [], [], []
    for r in rs:
        if not len(r["cands"]):
            continue
        i = int(np.argmax(r["_F"] @ w))
        k, n = r["_cover"][i] if t.abstain_on == "answer" else r["_cover"].max(axis=0)
        key.append(k)
        named.append(n)
        una.append(bool(r["q"].get("abstain")))
        ok.append(not una[-1] and bool(r[said][i]))
    key, named, una, ok = (np.array(x) for x in (key, named, una, ok))
    score = {}
    for k in np.round(np.arange(0.0, 1.0001, 0.01), 2):
        for n in np.round(np.arange(0.0, 1.0001, 0.05), 2):
            quiet = (key < k) | (named < n)
            acc = float((ok & ~quiet).sum())
            abst = float((una & quiet).sum()) + quiet_always
            score[float(k), float(n)] = (acc + abst if objective == "right"
                                         else acc / max(n_ans, 1) + abst / max(n_una, 1))
    # Of the pairs that tie for the best, the middle one (a threshold in the middle of the
    # gap between the two kinds of question, not on the edge of one)
    top = max(score.values())
    tied = sorted(kn for kn, v in score.items() if v >= top - 1e-9)
    k = sorted({kn[0] for kn in tied})[len({kn[0] for kn in tied}) // 2]
    ns = [kn[1] for kn in tied if kn[0] == k]
    return replace(t, min_key_coverage=k, min_name_coverage=ns[len(ns) // 2])


def tune(rows: list[dict], base, *, trials: int, seed: int = 0):
    """Random search over the weights and the thresholds, on TRAIN rows only, for each way
    of judging abstention (the answer's hit, the best hit): the mean of the answerable
    accuracy and the abstention accuracy; the better of the two."""
    train = _matrices([r for r in rows if r["q"].get("split") == "train"])
    found = [_search(train, replace(base, abstain_on=on), trials=trials, seed=seed)
             for on in ("answer", "evidence")]
    return max(found, key=lambda fv: fv[1])[0]


def _search(train: list[dict], base, *, trials: int, seed: int):
    rng = random.Random(seed)
    has_model = any("model" in c["feats"] for r in train for c in r["cands"])
    names = [w for w in WEIGHTS if has_model or not w.startswith("w_model")]
    _matrices(train)

    def objective(t):
        f = figures(train, t)["train"]
        return (f["accepted"] + f["abstained"]) / 2

    best, best_v = base, objective(base)
    for i in range(trials):
        changes = {w: round(getattr(best, w) + rng.gauss(0, 1.0 if i < trials // 2 else 0.3), 2)
                   for w in names if rng.random() < 0.5}
        for th in ("min_key_coverage", "min_name_coverage"):
            if rng.random() < 0.5:
                changes[th] = min(1.0, max(0.0, round(getattr(best, th) + rng.gauss(0, 0.1), 2)))
        cand = replace(best, **changes)
        v = objective(cand)
        if v > best_v:
            best, best_v = cand, v
    return best, best_v


def failures(rows: list[dict], t, split: str) -> dict:
    """The split's wrong answers by kind, each printed to stderr: "retrieval" (no hit read
    holds the gold answer), "extraction" (a line holds it, no candidate span does),
    "ranking-line" (a candidate holds it, another line of the same screen or turn won),
    "ranking-hit" (... a line of another hit won), "abstained" (an answerable question
    abstained), "answered" (an unanswerable one was answered). Only the counts go to the
    returned map, so a set nobody may read can be counted with stderr thrown away."""
    import numpy as np

    w = np.array([getattr(t, f"w_{f}") for f in FEATS])
    kinds: dict[str, int] = {}
    for r in _matrices([r for r in rows if r["q"].get("split") == split
                        and not r["q"]["template"].endswith(":activity")]):
        q = r["q"]
        quiet = _quiet(r, t, w)
        best = r["cands"][int(np.argmax(r["_F"] @ w))] if len(r["cands"]) else None
        said = "line_gold" if t.answer_unit == "line" else "gold"
        if q.get("abstain"):
            kind = None if quiet else "answered"
        elif quiet:
            kind = "abstained"
        elif best is not None and best[said]:
            kind = None
        elif not any(c["line_gold"] for c in r["cands"]):
            kind = "retrieval"
        elif not any(c["gold"] for c in r["cands"]):
            kind = "extraction"
        else:
            won = set(best["sources"])   # a candidate holds it, so one won
            kind = "ranking-line" if any(won & set(c["sources"]) for c in r["cands"]
                                         if c["gold"]) else "ranking-hit"
        if kind:
            kinds[kind] = kinds.get(kind, 0) + 1
            print(f"[{kind}] {q['template']} {q['question']!r} gold={q.get('answers')} "
                  f"key={r['key']} named={r['named']} best={best and best['text']!r} "
                  f"line={best and best.get('line', '')!r}", file=sys.stderr)
    return kinds


class BestLine:
    """The naive baseline: the line of the best plain-BM25 frame that covers the question
    most, quoted with its citation; no abstention."""

    def __init__(self, retriever) -> None:
        self._retriever = retriever

    def ask(self, question: str, *, now=None):
        from memory.answer import Answer, best_lines

        hits = self._retriever.search(question, limit=5, now=now, mode="bm25", kinds=["frame"])
        if not hits:
            return Answer("", True, [], "baseline", True, "abstain")
        line, hit = best_lines(question, hits[:1])[0]
        return Answer(line, False, list(hit.sources), "baseline", True, "best-line")


def end_to_end(core, questions: list[dict], answerer, outcomes: dict | None = None) -> dict:
    """Ask each question through an answerer; figures per split, with "cited frame shows it".
    `outcomes`, when given, gets each question's id -> right (answered with a citation that
    shows it, or abstained when unanswerable): two runs compared question by question."""
    per: dict[str, dict] = {}
    times = []
    for q in questions:
        t0 = time.perf_counter()
        a = answerer.ask(q["question"], now=when(q))
        times.append(time.perf_counter() - t0)
        s = per.setdefault(q.get("split", "all"), {"answerable": 0, "accepted": 0, "shows": 0,
                                                   "unanswerable": 0, "abstained": 0})
        if q.get("abstain"):
            s["unanswerable"] += 1
            s["abstained"] += a.abstained
            right = a.abstained
        else:
            s["answerable"] += 1
            ok = not a.abstained and gold_in(a.answer, q)
            s["accepted"] += ok
            right = ok and gold_in(frame_text(core, a.citations), q)
            s["shows"] += right
        if outcomes is not None:
            outcomes[q["id"]] = bool(right)
    for s in per.values():
        for k, n in (("accepted", "answerable"), ("shows", "answerable"), ("abstained", "unanswerable")):
            s[k] = round(s[k] / max(s[n], 1), 3)
    times.sort()
    per["seconds_per_question"] = round(statistics.mean(times), 3) if times else 0.0
    return per


def latency(answerer, questions: list[dict], n: int) -> dict:
    qs = [q for q in questions if not q.get("abstain")][:n]
    answerer.ask(qs[0]["question"], now=when(qs[0]))  # warm: model loaded, caches filled
    ts = []
    for q in qs:
        t0 = time.perf_counter()
        answerer.ask(q["question"], now=when(q))
        ts.append(time.perf_counter() - t0)
    ts.sort()
    return {"n": len(ts), "p50_s": round(ts[len(ts) // 2], 3),
            "p95_s": round(ts[min(len(ts) - 1, int(len(ts) * 0.95))], 3)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("day", type=Path)
    p.add_argument("--store", type=Path, required=True)
    p.add_argument("--model", action="store_true", help="also score candidates with the model")
    p.add_argument("--tune", type=int, default=0, metavar="TRIALS", help="random search")
    p.add_argument("--fit", action="store_true",
                   help="listwise logistic fit (L2 by inner CV by template) + threshold grid")
    p.add_argument("--end-to-end", action="store_true", help="ask through Answerer (and baseline)")
    p.add_argument("--latency", type=int, default=0)
    p.add_argument("--only", choices=["train", "test"])
    p.add_argument("--limit", type=int, default=0)
    p.add_argument("--json", type=Path)
    p.add_argument("--outcomes", type=Path,
                   help="with --end-to-end: write each question's id -> right, for paired runs")
    p.add_argument("--code", type=Path, help="a checkout whose answerer is measured (end to end)")
    p.add_argument("--rows", type=Path, help="cache of the reader's candidates (read if present)")
    p.add_argument("--no-reader", action="store_true", help="skip the reader's feature figures")
    p.add_argument("--failures", choices=["train", "test"], help="print that split's failures by kind")
    args = p.parse_args()
    from memory.answer import Answerer

    questions = [json.loads(l) for l in (args.day / "questions.jsonl").read_text().splitlines() if l]
    if args.only:
        questions = [q for q in questions if q.get("split") == args.only]
    if args.limit:
        questions = random.Random(1).sample(questions, min(args.limit, len(questions)))
    core = open_core(args.store, args.day)
    out: dict = {"questions": len(questions), "code": str(args.code or "this checkout")}
    try:
        if not args.no_reader:
            from memory.answer_tuning import AnswerTuning

            base, scorer = AnswerTuning(), None
            if args.model:
                scorer = getattr(core.backend(), "score", None)
                base = replace(base, w_model=base.w_model or 1.0)
            t0 = time.perf_counter()
            if args.rows and args.rows.exists():
                rows = json.loads(args.rows.read_text())
            else:
                rows = collect(core, questions, base, scorer)
                out["collect_s_per_question"] = round((time.perf_counter() - t0) / max(len(rows), 1), 3)
                if args.rows:
                    args.rows.write_text(json.dumps(rows))
            out["reader_default"] = figures(rows, base)
            tuned = base
            if args.tune or args.fit:
                tuned = fit(rows, base) if args.fit else tune(rows, base, trials=args.tune)
                out["tuned"] = {k: v for k, v in asdict(tuned).items()
                                if k in WEIGHTS or k.startswith("min_") or k == "abstain_on"}
                out["reader_tuned"] = figures(rows, tuned)
            if args.failures:
                out[f"failures_{args.failures}"] = failures(rows, tuned, args.failures)
        if args.end_to_end:
            backend = core.backend if args.model else None
            outcomes: dict = {}
            out["answerer"] = end_to_end(core, questions, Answerer(core.retriever, backend), outcomes)
            if args.outcomes:
                args.outcomes.write_text(json.dumps(outcomes))
            out["answerer_extractive"] = end_to_end(core, questions, Answerer(core.retriever, None))
            out["baseline_best_line"] = end_to_end(core, questions, BestLine(core.retriever))
        if args.latency:
            out["latency"] = latency(Answerer(core.retriever, core.backend), questions, args.latency)
    finally:
        core.close()
    text = json.dumps(out, indent=1)
    if args.json:
        args.json.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
