"""bench/bench_answers.py's `fit`: learned weights and abstention thresholds on cached
candidate features (synthetic rows: a unit test of the fitting, not of the reader)."""

import importlib.util
import random
from pathlib import Path

import pytest

from memory.answer_tuning import AnswerTuning

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_answers.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_answers_under_test", BENCH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _cand(feats, *, gold=False, line_gold=None):
    return {"text": "x", "line": "x", "feats": feats, "gold": gold,
            "line_gold": gold if line_gold is None else line_gold, "sources": []}


def _rows(seed: int, templates: int = 8, per: int = 8) -> list[dict]:
    """Questions whose right candidate is the LABELLED one on its row, while a value of the
    expected shape (which the default weights prefer) sits on another line; the quoted unit
    is the line, and half the gold lines hold the answer only as a whole line (no span is
    gold alone). Unanswerable questions have little of their key words in the evidence."""
    rng = random.Random(seed)
    rows = []
    for t in range(templates):
        for i in range(per):
            key = round(rng.uniform(0.55, 1.0), 2)
            line_only = i % 2 == 0
            cands = [
                _cand({"label": 1.0, "row": 1.0, "hit_key": key, "hit_named": 1.0,
                       "rank": 1.0}, gold=not line_only, line_gold=True),
                _cand({"label": 1.0, "row": 1.0, "hit_key": key, "hit_named": 1.0, "rank": 1.0,
                       "length": float(rng.randint(6, 19))}, gold=True),
                _cand({"shape": 1.0, "adjacent": 1.0, "hit_key": key, "hit_named": 1.0,
                       "rank": 1.0}),
                _cand({"shape": 1.0, "hit_key": key, "hit_named": 1.0, "rank": 0.5,
                       "length": float(rng.randint(6, 19))}),
            ]
            for _ in range(rng.randint(0, 4)):
                cands.append(_cand({"length": float(rng.randint(0, 19)), "rank": 0.33,
                                    "hit_key": key, "hit_named": 1.0}))
            rng.shuffle(cands)
            rows.append({"q": {"split": "train", "template": f"t{t}:ask", "abstain": False},
                         "cands": cands})
        for _ in range(2):
            key = round(rng.uniform(0.0, 0.3), 2)
            rows.append({"q": {"split": "train", "template": f"t{t}:absent", "abstain": True},
                         "cands": [_cand({"shape": 1.0, "adjacent": 1.0, "hit_key": key,
                                          "hit_named": 1.0, "rank": 1.0}),
                                   _cand({"label": 1.0, "row": 1.0, "hit_key": key,
                                          "hit_named": 1.0, "rank": 0.5})]})
    return rows


def test_fit_learns_the_weights_the_rows_call_for_and_they_hold_on_unseen_rows(bench):
    base = AnswerTuning()
    assert bench.figures(_rows(1), base)["train"]["accepted"] < 0.2  # the defaults pick the shape
    fitted = bench.fit(_rows(1), base)  # (the old fit, L2 0.1 on a mean loss: 0.75 here)
    assert fitted.w_label + fitted.w_row > fitted.w_shape + fitted.w_adjacent
    held = bench.figures(_rows(2), fitted)["train"]  # other rows from the same process
    assert held["accepted"] == 1.0
    assert held["abstained"] == 1.0


def test_fit_chooses_its_l2_by_cross_validation_and_its_thresholds_on_the_rows(bench):
    base = AnswerTuning(min_key_coverage=0.0, min_name_coverage=0.0)
    fitted = bench.fit(_rows(3), base)  # l2 from bench.L2_GRID by inner CV by template
    assert 0.3 <= fitted.min_key_coverage <= 0.55
    f = bench.figures(_rows(4), fitted)["train"]
    assert (f["accepted"], f["abstained"]) == (1.0, 1.0)


def test_thresholds_count_questions_right_or_balance_the_two_kinds(bench):
    rows = _rows(5)
    t = bench.fit(rows, AnswerTuning(), l2=1.0)
    for objective in ("right", "balanced"):
        chosen = bench.thresholds(rows, t, objective=objective)
        assert bench.figures(rows, chosen)["train"]["abstained"] == 1.0


def test_fit_moves_off_zero_where_the_gold_candidates_spread_wider_than_the_rest(bench):
    """Many gold candidates (every span of the gold line) spread round the one wrong
    candidate: the loss curves down at zero (its Hessian's trace is negative there), where a
    Newton step needs damping to go anywhere."""
    rng = random.Random(7)

    def rows(n):
        out = []
        for i in range(n):
            wrong = _cand({"shape": 1.0, "length": 9.5, "label": 0.5, "rank": 1.0,
                           "hit_key": 0.9, "hit_named": 1.0})
            gold = [_cand({"length": float(19 * (j % 2)), "label": float(j % 2), "rank": 1.0,
                           "hit_key": 0.9, "hit_named": 1.0}, gold=True)
                    for j in range(rng.randint(4, 8))]
            out.append({"q": {"split": "train", "template": f"t{i % 5}:ask", "abstain": False},
                        "cands": [wrong, *gold]})  # the wrong one first: zero weights pick it
        return out

    fitted = bench.fit(rows(40), AnswerTuning(), l2=1.0)
    assert fitted.w_shape < 0
    assert bench.figures(rows(20), fitted)["train"]["accepted"] == 1.0


def test_failures_tell_a_wrong_line_of_the_right_screen_from_a_wrong_screen(bench, capsys):
    base = AnswerTuning()
    right = {"label": 1.0, "hit_key": 1.0, "hit_named": 1.0, "rank": 1.0}
    louder = dict(right, shape=1.0)   # the defaults prefer it over the labelled gold

    def cand(feats, src, *, gold=False):
        return dict(_cand(feats, gold=gold), sources=[src])

    def row(qid, cands, abstain=False):
        return {"q": {"id": qid, "question": qid, "split": "test", "template": qid + ":k",
                      "abstain": abstain, "answers": ["a"]}, "key": 1.0, "named": 1.0,
                "cands": cands}

    rows = [row("same", [cand(right, "f1", gold=True), cand(louder, "f1")]),
            row("other", [cand(right, "f1", gold=True), cand(louder, "f2")]),
            row("ok", [cand(louder, "f1", gold=True), cand(right, "f1")]),
            row("none", [cand(louder, "f1")]),
            row("quiet", [cand(dict(louder, hit_key=0.0), "f1", gold=True)]),
            row("said", [cand(louder, "f3")], abstain=True)]
    kinds = bench.failures(rows, base, "test")
    assert kinds == {"ranking-line": 1, "ranking-hit": 1, "retrieval": 1, "abstained": 1,
                     "answered": 1}
    assert "[ranking-hit] other:k" in capsys.readouterr().err   # the detail: stderr only
