"""Every number retrieval depends on, in one frozen object passed in (STYLE.md §10).

How each was chosen is told in memory/retrieval.py's docstring (fusion depth and constant,
the reply lift, the speaker weighting, pseudo-relevance feedback: measured on public LoCoMo
conversations, the last ones held out while they were chosen). The settings hand the
retriever its tuning (`MemorySettings.retrieval_tuning`: `[memory] rrf_k` and `candidates`,
and any other name overridden by `[memory] retrieval = {name = value}`); a test passes
another object; nothing here is read as a module global.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

# Fields that count things (at least 1); every other field is a weight or a share.
_COUNTS = ("rrf_k", "candidates", "max_cited", "feedback_docs", "feedback_terms",
           "feedback_df_cap")
# Shares: a fraction in [0, 1].
_SHARES = ("feedback_weight", "duplicate_overlap", "fade_floor")


@dataclass(frozen=True)
class RetrievalTuning:
    # Fusion
    rrf_k: int = 10                 # reciprocal-rank fusion constant (small: short lists)
    candidates: int = 50            # per-retriever candidates before fusion
    in_range_weight: float = 1.5    # of the lists searched inside a time the question names
    # Citations
    max_cited: int = 3              # moments a many-sourced memory hit cites for one query
    duplicate_overlap: float = 0.85  # word Jaccard at which two hits are one (sources merged)
    # Chat
    reply_share: float = 0.5        # of a question turn's fused score, given to its reply
    speaker_boost: float = 2.0      # a named speaker's own turns count this many times
    # Pseudo-relevance feedback
    feedback_docs: int = 3          # best fused hits read for feedback terms
    feedback_terms: int = 5         # words added to the query for the feedback BM25 list
    feedback_weight: float = 0.5    # of that list in the fusion
    feedback_df_cap: int = 1000     # a word in this many docs sets no hit apart (slow to OR in)
    # Forgetting: a faded memory keeps this much of its rank weight (pinned: all of it)
    fade_floor: float = 0.6

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in _COUNTS:
                if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                    raise ValueError(f"RetrievalTuning.{f.name} must be a whole number, "
                                     f"at least 1 (not {value!r})")
            elif not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                raise ValueError(f"RetrievalTuning.{f.name} must be a number, at least 0 "
                                 f"(not {value!r})")
            if f.name in _SHARES and not value <= 1.0:
                raise ValueError(f"RetrievalTuning.{f.name} must lie in [0, 1] (not {value!r})")
