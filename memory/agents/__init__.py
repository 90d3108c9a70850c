"""The LLM tier: a meta memory manager routes a batch to per-type agents (after MIRIX).

It runs only with an instruction-tuned backend; the deterministic floor has already
stored what rules can find, and a failing agent leaves that floor result standing.
"""

from memory.agents.manager import (
                                   AgentReplyError,
                                   LlmTier,
                                   MetaMemoryManager,
                                   Op,
                                   TypeAgent,
                                   tier_allowed,
)

__all__ = ["AgentReplyError", "LlmTier", "MetaMemoryManager", "Op", "TypeAgent", "tier_allowed"]
