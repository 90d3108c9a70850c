"""Every number the answerer depends on, in one frozen object passed in (STYLE.md §10).

The weights and the abstention thresholds were chosen on the TRAIN split only of a
generated screen day (`bench/gen_screen_days.py --seed 1`, random search over the train
split's cached candidate features: `bench/bench_answers.py DAY --store DIR --tune 3000`); the
test split's templates are never used to choose them. Since frames are read by their layout
(memory/layout.py), the line's weight is the row's (`w_row`: a cell's row and layout label;
for a line that is its own row the same number as before). Re-tuning every weight on the
classic train templates and nine of the sixteen "fresh" ones (tables, cards, dark screens;
`--templates fresh`) did worse on held-out folds of the train templates (4-fold
cross-validation by template: 0.851 of answerable questions vs 0.878 for these weights, 0.872
without the row), so these were kept. A weight the train split gives no reason to move stays
at 0 (`w_hit_named`: flat on train). `w_model` and `w_model_lp` are 0: the bundled
model's likelihood costs several seconds a question on two shared cores, far over the 2 s
ask target. `w_focus` was added later (issue 18, 5-fold cross-validation by template over
the larger train pool: classic seeds 1-2 and fresh train rows, round3, round4): 1.0, the
value most folds chose on the other four; no template lost a question at it. `w_item` and
`w_self` the same way (stop 30, the pool of classic train, fresh, round3-6, 2,093 answerable
+ 344 unanswerable; rows collected with both at 0; grid w_item 0-3 x w_self 0-2, each
fold's value chosen on the other four): 2.0 and 1.0, each chosen by three folds of five;
held-out answerable 0.456 -> 0.469, abstention unchanged 0.968. A third feature tried the
same way, "the item before names what the question orders the answer after" ("after the
quiz night"), did not earn its place (+0.002; "balance after paying X" lost) and was taken out.
`w_measure` the same way (stop 31, same pool and folds, rows collected with it at 0; grid
0-15): held-out answerable 0.479 -> 0.494 nested, abstention unchanged 0.968; it rises to a
plateau at 8-10 and four folds of five chose 10 (39 questions won in six templates, none
lost): a number whose unit measures something other than what the question asks for is as
good as excluded. `w_synonym` the same way (stop 32, the pool rebuilt: 2,490 answerable + 337
unanswerable, thresholds chosen on each fold's other four): held-out answerable 0.511 -> 0.520
nested, abstention unchanged 0.905, every fold chose 0.5 (0.25-1.5 all 0.516-0.520). Tried
the same way and not kept: a row numbering itself as the place the question names ("P4" for
"the fourth period": 0.511 nested, abstention -0.006), and the sentence embedding (MiniLM)
of the question against the candidate's label, row, line or labelled text (0.599-0.612
against 0.618 on the first 1,540 rows; most folds chose 0). LEARNED
weights did not beat these (same pool, same folds: `bench_answers.fit`, a listwise logistic
model over the candidates' standardised features, L2 chosen by inner CV on the four train
folds, thresholds on them): held-out answerable accepted 0.650 vs 0.661, abstention 0.955 vs
0.965, three folds of five lower; with the L2 pulling towards these weights instead of zero
0.653, two folds lower. So these stay. The settings
hand the answerer its tuning (`MemorySettings.answer_tuning`, overridable per name in the
config file); a test passes another object; nothing here is read as a module global.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AnswerTuning:
    # Evidence
    evidence_hits: int = 5        # hits retrieved for a question
    read_hits: int = 3            # of them, the raw frames/turns whose lines become candidates
    # Memories (text derived from frames and turns: "Fact: ...") read as the evidence when
    # no frame or turn is among the hits. Off: such a question abstains. On the train split
    # every question whose hits held memories only was unanswerable (seed 1: 8 of 8, seed
    # 2: 5 of 5; no answerable one among them), and an answer read off a memory is not a
    # line its cited frame shows.
    read_memories: bool = False
    # A frame among the hits read is read whole from its OCR boxes, cell by cell, each
    # value with the label its place gives it (memory/layout.py: a table's column header,
    # a card's caption, its row's first cell). Off: its passage's text, line by line.
    read_layout: bool = True
    # Candidate score: a weighted sum of features (memory/reader.py, `features`)
    w_line: float = 0.0           # the candidate's line covers the question's words
    w_row: float = 1.24             # its row with its layout label covers them (a table's
    #                                row: the entity it is about, the column it is under)
    w_label: float = 2.44          # the label before the value ("Tracking number:") covers them
    w_label_shape: float = 1.47     # the label announces a shape the question expects ("Owner:")
    w_update: float = 0.7          # +1 "New time:", "moves to"; -1 "Old time:"
    w_shape: float = 5.73          # the span has the form's first shape (a later one: half)
    w_adjacent: float = 1.37       # the word right before the span is one of the question's
    w_echo: float = 1.94          # the span only repeats the question's own words
    w_title: float = -6.55         # the span is (part of) a window title or the desktop clock
    w_rank: float = 2.64           # 1 / (1 + rank of the hit it came from)
    w_length: float = -0.23       # per word beyond the first: shorter spans over whole lines
    w_fragment: float = -6.31      # the span is glued to more of its token ("4471" of "OPS-4471")
    w_hit_key: float = 3.63         # IDF-weighted share of the question's words in its hit
    w_hit_named: float = 0.0       # share of the question's named words its hit shows
    w_recent: float = 1.58          # "... now?" and its hit is the newest one read
    w_focus: float = 1.0           # its label names what the question asks for ("Which
    #                                platform ..." and a value under "Platform")
    w_item: float = 2.0           # the list item it is part of covers the question (a
    #                                document's name over its "71 pages"; else the row's)
    w_self: float = 1.0           # the question is the asker's ("did I send") and its row
    #                                names the screen's user ("You, 31 pages, sent 13:44")
    w_measure: float = 10.0       # its unit measures what the question asks for (+1) or
                                  # another thing (-1): shapes.MEASURE_UNITS
    w_synonym: float = 0.5        # its label says a word of the question in other words
    #                                ("Minimum" for "at least"): shapes.LABEL_SYNONYMS
    w_model: float = 0.0          # the model's mean log-probability of " <span>" (PMI)
    w_model_lp: float = 0.0       # ... with the evidence alone (not less its prior)
    model_candidates: int = 12    # candidates (best first) the model scores
    # What is quoted: "line" (the evidence line holding the best span) or "span" (the span
    # alone). Measured on the train split: line 0.94 / span 0.91 of answerable questions
    # (seed 1), 0.96 / 0.92 (seed 2): the best span is at times a neighbour of the gold one
    # on the right line; the line also shows the label beside the value.
    answer_unit: str = "line"
    # Abstention: judged on the hit the answer comes from ("answer") or on the best-covering
    # hit read ("evidence")
    abstain_on: str = "answer"
    # ... the question's key words (IDF-weighted) found there
    min_key_coverage: float = 0.35
    # ... and the share of its named words (capitalised, with digits, quoted) found there
    min_name_coverage: float = 0.53
    # In a chat, a question naming one speaker needs one of their turns to cover it this much
    min_speaker_coverage: float = 0.5
    # The timeline ("what was I doing / reading around 3 pm")
    timeline_max: int = 8         # lines of a timeline answer before a coarser level is used
    around_minutes: int = 15      # "around 14:20" reads 14:05-14:35
    # ... and answers with the episodes nearest 14:20 (train activity questions shown:
    # 3 -> 12/14, 4 -> 14/14)
    around_episodes: int = 4
    around_scan: int = 60         # ... chosen among at most this many in that window

    def __post_init__(self) -> None:
        for name in ("evidence_hits", "read_hits", "model_candidates", "timeline_max",
                     "around_minutes", "around_episodes", "around_scan"):
            if getattr(self, name) < 1:
                raise ValueError(f"AnswerTuning.{name} must be at least 1")
        if self.abstain_on not in ("answer", "evidence"):
            raise ValueError("AnswerTuning.abstain_on must be 'answer' or 'evidence'")
        for name in ("read_memories", "read_layout"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"AnswerTuning.{name} must be true or false")
        if self.answer_unit not in ("line", "span"):
            raise ValueError("AnswerTuning.answer_unit must be 'line' or 'span'")
        for name in ("min_key_coverage", "min_name_coverage", "min_speaker_coverage"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"AnswerTuning.{name} must lie in [0, 1]")
