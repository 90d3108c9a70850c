import pytest

from memory.items import (
    EPISODIC,
    MASK,
    VAULT,
    InvalidMemory,
    identity,
    normalise,
    render,
    similarity,
)


def test_normalise_keeps_known_fields_and_requires_a_key():
    f = normalise("semantic", {"name": " Nadia  Ferreira ", "summary": "reviewer", "bogus": 1})
    assert f == {"name": "Nadia Ferreira", "summary": "reviewer"}
    with pytest.raises(InvalidMemory):
        normalise("semantic", {"details": "no name"})
    with pytest.raises(InvalidMemory):
        normalise("nonsense", {"name": "x"})


def test_sensitive_value_never_rendered():
    f = {"entry_type": "password", "caption": "password", "value": "hunter22",
         "sensitivity": "high"}
    text = render(VAULT, f)
    assert "hunter22" not in text and MASK in text
    assert "NWB-55710-K" in render(VAULT, {"entry_type": "code", "caption": "Confirmation code",
                                           "value": "NWB-55710-K"})


def test_identity_and_similarity():
    a = identity("semantic", {"name": "Leo Hartmann"})
    assert a == identity("semantic", {"name": "leo  hartmann", "summary": "other"})
    assert similarity("Episode: Chromium PR 418", "episode: chromium pr 418") == 1.0
    assert similarity("a b", "c d") == 0.0
    assert "09:10–09:40" in render(EPISODIC, {"occurred_at": "2026-02-17T09:10:00",
                                              "ended_at": "2026-02-17T09:40:00",
                                              "summary": "Chromium: PR"})
