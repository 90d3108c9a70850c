"""Building blocks for capture tests: a real plain Store, a clock, honest fakes."""

from __future__ import annotations

import pytest
from capture_fakes import Clock, MemoryVectors, _embedder


@pytest.fixture
def store(tmp_path):
    from memory.store.store import Store

    s = Store.open(tmp_path / "data", passphrase=None, encrypt_new=False, embedder=_embedder(),
                   vectors=MemoryVectors())
    yield s
    s.close()


@pytest.fixture
def clock():
    return Clock()


