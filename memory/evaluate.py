"""Retrieval (and answer) evaluation on data in the import formats.

Screens (`questions.jsonl` beside a frame manifest): hit@K = a top-K hit cites an evidence
frame. LoCoMo (categories 1-4, as published scores count them): evidence recall@K over the
first K distinct sources in rank order, and hit@K. With answers: screens count an answer
holding any accepted answer; LoCoMo scores normalised token F1 and containment of the gold
answer and the evidence recall of the citations (categories 1-4), and abstention on the
unanswerable category 5; the purely extractive answerer is scored beside the model. Every
figure is computed for the product (hybrid, over raw text and memories) and for plain BM25
over the raw frames or turns alone in the same run, and every question is listed with its
evidence and retrieved sources so anyone can recompute the figures.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from memory.errors import ImportProblem
from memory.retrieval import Retriever, distinct_sources
from memory.timefmt import parse_iso

if TYPE_CHECKING:
    from memory.answer import Answerer

log = logging.getLogger(__name__)

LOCOMO_CATEGORIES = {1: "multi-hop", 2: "temporal", 3: "open-domain", 4: "single-hop",
                     5: "adversarial"}


def read_questions(path: Path) -> list[dict]:
    qs = []
    try:
        lines = Path(path).read_text("utf-8").splitlines()
    except OSError as e:
        raise ImportProblem(f"Cannot read {path}: {e.strerror or e}.") from e
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            q = json.loads(line)
        except json.JSONDecodeError as e:
            raise ImportProblem(f"{path}:{n}: not valid JSON ({e.msg}).") from e
        qs.append(q)
    return qs


def _when(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    return parse_iso(value)


def _ratio(a: float, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def eval_screens(retriever: Retriever, questions: list[dict], *, k: int,
                 answer: Callable | None = None,
                 frame_text: Callable[[list[str]], str] | None = None) -> dict:
    """hit@k per answerable question; with `answer(q, now) -> dict` also answers accepted
    and abstentions, and with `frame_text(sources) -> OCR text` whether an accepted answer
    cites a frame that shows a gold answer. Questions carrying a "split" (train/test, from
    bench/gen_screen_days.py) get the same figures per split."""
    rows = []
    totals = {"hybrid": 0, "bm25": 0}
    n = 0
    for q in questions:
        now = _when(q.get("asked_at"))
        hits = retriever.search(q["question"], limit=k, now=now)
        base = retriever.search(q["question"], limit=k, now=now, mode="bm25", kinds=["frame"])
        evidence = set(q.get("evidence") or [])
        row = {"id": q.get("id"), "question": q["question"], "evidence": sorted(evidence),
               "abstain": bool(q.get("abstain")), "retrieved": distinct_sources(hits),
               "retrieved_bm25": distinct_sources(base)}
        if not q.get("abstain"):
            n += 1
            row["hit"] = bool(set(row["retrieved"]) & evidence)
            row["hit_bm25"] = bool(set(row["retrieved_bm25"]) & evidence)
            totals["hybrid"] += row["hit"]
            totals["bm25"] += row["hit_bm25"]
        if answer:
            row.update(answer(q, now))
            if frame_text is not None and not q.get("abstain"):
                shown = frame_text(row.get("citations") or []).lower()
                row["cited_shows_answer"] = bool(row.get("accepted")) and any(
                    a.lower() in shown for a in q.get("answers") or [])
        row["split"] = q.get("split")
        rows.append(row)
    out: dict[str, Any] = {"k": k, "questions_answerable": n,
                           f"hit@{k}": _ratio(totals["hybrid"], n),
           f"baseline_bm25_hit@{k}": _ratio(totals["bm25"], n)}
    if answer:
        out.update(_screen_answer_figures(rows))
        for split in sorted({r["split"] for r in rows if r.get("split")}):
            out.setdefault("per_split", {})[split] = _screen_answer_figures(
                [r for r in rows if r.get("split") == split])
    out["questions"] = rows
    return out


def _screen_answer_figures(rows: list[dict]) -> dict:
    out: dict = {}
    if rows:
        answerable = [r for r in rows if not r["abstain"]]
        unanswerable = [r for r in rows if r["abstain"]]
        out["answer_accepted"] = _ratio(sum(r.get("accepted", False) for r in answerable),
                                        len(answerable))
        out["abstention_accuracy"] = _ratio(sum(r.get("abstained", False) for r in unanswerable),
                                            len(unanswerable))
        if any("baseline_answer" in r for r in rows):
            out["baseline_extractive_answer_accepted"] = _ratio(
                sum(r.get("baseline_accepted", False) for r in answerable), len(answerable))
            out["baseline_extractive_abstention_accuracy"] = _ratio(
                sum(r.get("baseline_abstained", False) for r in unanswerable), len(unanswerable))
        if any("cited_shows_answer" in r for r in answerable):
            out["answer_cited_frame_shows_it"] = _ratio(
                sum(r.get("cited_shows_answer", False) for r in answerable), len(answerable))
        out["answerable"], out["unanswerable"] = len(answerable), len(unanswerable)
    return out


def eval_locomo(retriever: Retriever, samples: list[dict], *, k: int,
                sample: str | None = None, answer: Callable | None = None) -> dict:
    """Evidence recall of retrieval for categories 1-4; with `answer(question, gold,
    evidence, now) -> dict` (see memory.answer.judge_locomo) also answer F1, containment
    and citation recall there, and abstention on the unanswerable category 5. Questions
    are asked the day after the sample's last session."""
    rows = []
    answered: list[dict] = []
    per_cat: dict[int, dict[str, float]] = {}
    for s in samples:
        if not isinstance(s, dict) or (sample and str(s.get("sample_id")) != sample):
            continue
        sid = str(s.get("sample_id"))
        now = _asked_at(s)
        for q in s.get("qa") or []:
            if not isinstance(q, dict) or not isinstance(q.get("question"), str):
                continue
            cat: Any = q.get("category")
            try:
                cat = int(cat)
            except (TypeError, ValueError):
                continue
            # Real LoCoMo has malformed ids ("D8:6; D9:17", "D:11:26"): split and keep
            # what is an id; an id that matches no turn simply cannot be recalled.
            evidence = []
            for e in q.get("evidence") or []:
                for part in str(e).replace(",", ";").split(";"):
                    part = part.strip()
                    if part:
                        evidence.append(f"{sid}:{part}")
            evidence = list(dict.fromkeys(evidence))
            if answer and cat in (1, 2, 3, 4, 5):
                gold = None if cat == 5 or q.get("answer") is None else str(q["answer"])
                if cat == 5 or gold is not None:
                    answered.append({"question": q["question"], "category": cat, "gold": gold,
                                     **answer(q["question"], gold, evidence, now)})
            if cat not in (1, 2, 3, 4) or not evidence:
                continue
            hits = retriever.search(q["question"], limit=k * 3, now=now)
            base = retriever.search(q["question"], limit=k * 3, now=now, mode="bm25",
                                    kinds=["turn"])
            got, got_b = distinct_sources(hits, k), distinct_sources(base, k)
            ev = set(evidence)
            r = {"question": q["question"], "category": cat, "evidence": evidence,
                 "retrieved": got, "retrieved_bm25": got_b,
                 "recall": len(ev & set(got)) / len(ev), "hit": bool(ev & set(got)),
                 "recall_bm25": len(ev & set(got_b)) / len(ev), "hit_bm25": bool(ev & set(got_b))}
            rows.append(r)
            c = per_cat.setdefault(cat, {"n": 0, "recall": 0, "hit": 0, "recall_bm25": 0,
                                         "hit_bm25": 0})
            c["n"] += 1
            for key in ("recall", "hit", "recall_bm25", "hit_bm25"):
                c[key] += r[key]
    n = len(rows)

    def fig(key: str) -> float:
        return _ratio(sum(r[key] for r in rows), n)

    out = {
        "k": k, "questions": rows, "n": n,
        f"recall@{k}": fig("recall"), f"hit@{k}": fig("hit"),
        f"baseline_bm25_recall@{k}": fig("recall_bm25"),
        f"baseline_bm25_hit@{k}": fig("hit_bm25"),
        "per_category": {LOCOMO_CATEGORIES[c]: {
            "n": int(v["n"]), f"recall@{k}": _ratio(v["recall"], int(v["n"])),
            f"hit@{k}": _ratio(v["hit"], int(v["n"])),
            f"baseline_bm25_recall@{k}": _ratio(v["recall_bm25"], int(v["n"]))}
            for c, v in sorted(per_cat.items())},
    }
    if answer:
        out["answers"] = _answer_figures(answered)
        out["answer_questions"] = answered
    return out


def _asked_at(sample: dict) -> dt.datetime | None:
    """LoCoMo questions are asked after the conversation: "in June" means the June the
    chat went through, not this year's. The day after its last session (None: undated)."""
    from memory.chat_import import parse_session_time

    conv = sample.get("conversation")
    times = [t for k, v in (conv.items() if isinstance(conv, dict) else [])
             if k.endswith("_date_time") and (t := parse_session_time(v))]
    return max(times) + dt.timedelta(days=1) if times else None


def _answer_figures(rows: list[dict]) -> dict:
    """Means over answerable questions (F1, containment, citation recall) and the share of
    unanswerable ones abstained on, for the answerer and, when present, its extractive
    baseline."""
    answerable = [r for r in rows if r["category"] != 5]
    unanswerable = [r for r in rows if r["category"] == 5]
    figs: dict[str, float] = {"answerable": len(answerable),
                              "unanswerable": len(unanswerable)}
    for prefix in ("", "baseline_"):
        if prefix and not any("baseline_answer" in r for r in rows):
            continue
        name = "baseline_extractive_" if prefix else ""
        figs[f"{name}f1"] = _ratio(sum(r.get(f"{prefix}f1", 0.0) for r in answerable),
                                   len(answerable))
        figs[f"{name}contains"] = _ratio(sum(r.get(f"{prefix}contains", False)
                                             for r in answerable), len(answerable))
        figs[f"{name}abstention_accuracy"] = _ratio(
            sum(r.get(f"{prefix}correct_abstention", False) for r in unanswerable),
            len(unanswerable))
        figs[f"{name}wrongly_abstained"] = _ratio(
            sum(r.get(f"{prefix}abstained", False) for r in answerable), len(answerable))
    figs["citation_recall"] = _ratio(sum(r.get("citation_recall", 0.0) for r in answerable),
                                     len(answerable))
    return figs


# -- scoring answers (the eval command and the benches; not the answerer's business) --
def judge_screen(answerer: Answerer, q: dict, now: dt.datetime | None,
                 baseline: Answerer | None = None) -> dict:
    """Score one screens question: any accepted answer as a case-insensitive substring.
    With `baseline` (the purely extractive answerer), its answer is scored beside."""
    def one(a: Answerer) -> dict:
        ans = a.ask(q["question"], now=now)
        accepted = (not ans.abstained and
                    any(x.lower() in ans.answer.lower() for x in q.get("answers") or []))
        return {"answer": ans.answer, "abstained": ans.abstained, "accepted": accepted,
                "citations": ans.citations, "tier": ans.tier, "model": ans.model}

    row = one(answerer)
    if baseline is not None:
        row.update({f"baseline_{k}": v for k, v in one(baseline).items()
                    if k in ("answer", "abstained", "accepted")})
    return row


_ARTICLES = re.compile(r"\b(a|an|the|and)\b")


def normalise_answer(text: str) -> list[str]:
    """LoCoMo/SQuAD-style normalisation: lower case, no punctuation or articles."""
    text = re.sub(r"[^\w\s]", " ", str(text).lower())
    return _ARTICLES.sub(" ", text).split()


def token_f1(prediction: str, gold: str) -> float:
    p, g = normalise_answer(prediction), normalise_answer(gold)
    if not p or not g:
        return float(p == g)
    common = sum(min(p.count(w), g.count(w)) for w in set(p) & set(g))
    if not common:
        return 0.0
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


def contains_answer(prediction: str, gold: str) -> bool:
    g = " ".join(normalise_answer(gold))
    return bool(g) and f" {g} " in f" {' '.join(normalise_answer(prediction))} "


def judge_locomo(answerer: Answerer, question: str, gold: str | None, evidence: list[str],
                 baseline: Answerer | None = None, now: dt.datetime | None = None) -> dict:
    """Score one LoCoMo answer: token F1 and containment against the gold answer, the
    evidence recall of its citations; an unanswerable (adversarial) question (`gold` None)
    is right when it abstains."""
    def one(a: Answerer) -> dict:
        ans = a.ask(question, now=now)
        row = {"answer": ans.answer, "abstained": ans.abstained, "tier": ans.tier,
               "model": ans.model, "citations": ans.citations}
        if gold is None:
            row["correct_abstention"] = ans.abstained
        else:
            said = "" if ans.abstained else ans.answer
            ev = set(evidence)
            row.update({"f1": round(token_f1(said, gold), 4),
                        "contains": contains_answer(said, gold),
                        "citation_recall": len(ev & set(ans.citations)) / len(ev) if ev else 0.0})
        return row

    row = one(answerer)
    if baseline is not None:
        row.update({f"baseline_{k}": v for k, v in one(baseline).items()
                    if k in ("answer", "abstained", "f1", "contains", "correct_abstention")})
    return row
