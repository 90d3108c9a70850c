"""The settings section owned by memory: stores, retrieval and the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field

from memory.answer_tuning import AnswerTuning
from memory.retrieval_tuning import RetrievalTuning


@dataclass(frozen=True)
class MemorySettings:
    chroma_host: str = ""            # empty = embedded Chroma under the data dir
    chroma_port: int = 8000
    search_limit: int = 10
    rrf_k: int = 10                  # reciprocal-rank fusion constant (small: short lists)
    candidates: int = 50             # per-retriever candidates before fusion
    embed_threads: int = 0           # 0 = automatic
    use_llm: bool = True             # False = deterministic floor only
    # the answerer's weights and thresholds that differ from AnswerTuning's defaults
    # ([memory] answer = {min_key_coverage = 0.4}); `answer_tuning` is what it is handed
    answer: dict = field(default_factory=dict)
    # the retriever's numbers that differ from RetrievalTuning's defaults, rrf_k and
    # candidates aside ([memory] retrieval = {reply_share = 0.4}); `retrieval_tuning` is
    # what it is handed
    retrieval: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 1 <= self.search_limit <= 1000:
            raise ValueError("memory.search_limit must be between 1 and 1000")
        if self.rrf_k < 1 or self.candidates < 1:
            raise ValueError("memory.rrf_k and memory.candidates must be positive")
        if not 0 < self.chroma_port < 65536:
            raise ValueError("memory.chroma_port must be a TCP port")
        _ = self.answer_tuning  # an unknown name or a value out of range fails here, at load
        _ = self.retrieval_tuning  # ... and here

    @property
    def answer_tuning(self) -> AnswerTuning:
        try:
            return AnswerTuning(**self.answer)
        except TypeError as e:
            raise ValueError(f"memory.answer: {e}") from None

    @property
    def retrieval_tuning(self) -> RetrievalTuning:
        twice = sorted({"rrf_k", "candidates"} & set(self.retrieval))
        if twice:
            raise ValueError(f"memory.retrieval cannot set {' or '.join(twice)}: set "
                             f"{' and '.join('memory.' + n for n in twice)} instead")
        try:
            return RetrievalTuning(rrf_k=self.rrf_k, candidates=self.candidates,
                                   **self.retrieval)
        except TypeError as e:
            raise ValueError(f"memory.retrieval: {e}") from None
