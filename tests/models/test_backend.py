"""The protocol's data types and the scripted fake's contract."""

from __future__ import annotations

import pytest

from models.backend import CancelToken, LlmBackend, Message, ModelInfo
from models.errors import ModelError, StructuredOutputError
from models.fake import ScriptedLlm

SCHEMA = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}


def test_message_rejects_unknown_role() -> None:
    with pytest.raises(ValueError, match="role"):
        Message("robot", "hi")  # type: ignore[arg-type]


def test_kv_bytes_per_token_uses_kv_heads_and_head_dims() -> None:
    info = ModelInfo(name="m", path=None, capability="completion", n_layers=18, n_head=4,
                     n_head_kv=1, n_embd=640, key_length=256, value_length=256)
    assert info.kv_bytes_per_token() == 2 * 18 * 1 * 256 * 2  # 2 (K,V) * layers * kv heads * dim * f16
    mha = ModelInfo(name="m", path=None, capability="completion", n_layers=32, n_head=32, n_embd=4096)
    assert mha.kv_bytes_per_token() == 2 * 32 * 32 * 128 * 2


def test_scripted_llm_satisfies_the_protocol_and_records_calls() -> None:
    llm = ScriptedLlm(["Paris", "Rome"])
    assert isinstance(llm, LlmBackend)
    assert llm.complete("Capital of France?", max_tokens=5).text == "Paris"
    assert llm.complete("Capital of Italy?", max_tokens=5, stop=["\n"]).text == "Rome"
    assert [c.prompt for c in llm.calls] == ["Capital of France?", "Capital of Italy?"]
    assert llm.calls[1].options["stop"] == ("\n",)
    with pytest.raises(ModelError, match="no scripted reply"):
        llm.complete("more?", max_tokens=5)


def test_scripted_llm_truncates_at_max_tokens_and_cuts_at_stop() -> None:
    llm = ScriptedLlm(lambda p: "one two three four\nfive")
    out = llm.complete("x", max_tokens=2)
    assert (out.text, out.finish_reason, out.completion_tokens) == ("one two", "length", 2)
    assert llm.complete("x", max_tokens=50, stop=["\n"]).text == "one two three four"


def test_scripted_structured_validates_like_the_real_backends() -> None:
    llm = ScriptedLlm([{"city": "Oslo"}, '{"town": "Oslo"}', "not json"])
    assert llm.structured("q", schema=SCHEMA, max_tokens=20) == {"city": "Oslo"}
    with pytest.raises(StructuredOutputError, match="schema"):
        llm.structured("q", schema=SCHEMA, max_tokens=20)
    with pytest.raises(StructuredOutputError, match="not valid JSON") as err:
        llm.structured("q", schema=SCHEMA, max_tokens=20)
    assert err.value.raw == "not json"


def test_completion_only_fake_refuses_chat() -> None:
    llm = ScriptedLlm(["hi"], capability="completion")
    with pytest.raises(ModelError, match="completion-only"):
        llm.chat([Message("user", "hello")], max_tokens=5)
    assert llm.calls == []


def test_fake_stream_yields_pieces_and_honours_cancel() -> None:
    llm = ScriptedLlm(["a b c d", "a b c d"])
    assert "".join(llm.stream("p", max_tokens=10)) == "a b c d"
    token = CancelToken()
    got = []
    for piece in llm.stream("p", max_tokens=10, cancel=token):
        got.append(piece)
        token.cancel()
    assert got == ["a"]
