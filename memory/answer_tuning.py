"""Every number the answerer depends on, in one frozen object passed in (STYLE.md §10).

The weights and the two abstention thresholds were chosen on the TRAIN split only of the
generated screen day `bench/gen_screen_days.py --seed 1` (random search, 3000 trials,
`bench/bench_answers.py DAY --store DIR --tune 3000`); the test split's templates were never
used to choose them. `w_model` is 0: on a 60-question sample the bundled model's PMI did not
earn a weight that beats its cost (about 12 s a question on 2 shared cores), see the report.
A test passes another object; nothing here is read as a module global.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AnswerTuning:
    # Evidence
    evidence_hits: int = 5        # hits retrieved for a question
    read_hits: int = 3            # of them, the raw frames/turns whose lines become candidates
    # Candidate score: a weighted sum of features (memory/reader.py, `features`)
    w_line: float = 0.3           # the candidate's line covers the question's words
    w_label: float = 2.05          # the label before the value ("Tracking number:") covers them
    w_shape: float = 6.75          # the span has the form's first shape (a later one: half)
    w_adjacent: float = -0.16       # the word right before the span is one of the question's
    w_echo: float = 2.94          # the span only repeats the question's own words
    w_title: float = -3.86         # the span is (part of) a window title or the desktop clock
    w_rank: float = 0.89           # 1 / (1 + rank of the hit it came from)
    w_length: float = 0.09       # per word beyond the first: shorter spans over whole lines
    w_fragment: float = -5.36      # the span is glued to more of its token ("4471" of "OPS-4471")
    w_model: float = 0.0          # the model's mean log-probability of " <span>" (PMI)
    model_candidates: int = 12    # candidates (best first) the model scores
    # What is quoted: "line" (the evidence line holding the best span) or "span" (the span
    # alone). Equal on the train split; the line is never less often right (it holds the
    # span) and shows the label beside the value.
    answer_unit: str = "line"
    # Abstention: the question's key words (IDF-weighted) found in the best raw hit
    min_key_coverage: float = 0.33
    # ... and the share of its named words (capitalised, with digits, quoted) found there
    min_name_coverage: float = 0.59
    # In a chat, a question naming one speaker needs one of their turns to cover it this much
    min_speaker_coverage: float = 0.5
    # The timeline ("what was I doing / reading around 3 pm")
    timeline_max: int = 8         # lines of a timeline answer before a coarser level is used
    around_minutes: int = 15      # "around 14:20" reads 14:05-14:35

    def __post_init__(self) -> None:
        for name in ("evidence_hits", "read_hits", "model_candidates", "timeline_max",
                     "around_minutes"):
            if getattr(self, name) < 1:
                raise ValueError(f"AnswerTuning.{name} must be at least 1")
        if self.answer_unit not in ("line", "span"):
            raise ValueError("AnswerTuning.answer_unit must be 'line' or 'span'")
        for name in ("min_key_coverage", "min_name_coverage", "min_speaker_coverage"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"AnswerTuning.{name} must lie in [0, 1]")
