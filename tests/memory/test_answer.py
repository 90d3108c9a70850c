import datetime as dt

import pytest

from memory.answer import ABSTAIN, Answerer, judge_screen, supported_span
from memory.retrieval import Retriever
from models.fake import ScriptedLlm


def test_supported_span_trims_decoration_and_rejects_inventions():
    ev = "Payment sent\nAmount: 1,240.00 GBP\nConfirmation code: NWB-55710-K"
    assert supported_span("$1,240.00 GBP", ev) == "1,240.00 gbp"
    assert supported_span("NWB-55710-K.", ev) == "nwb-55710-k"
    assert supported_span("It was paid by Alice on Monday", ev) is None
    assert supported_span("1,240.00 GBP\nConfirmation", ev) is not None  # one line only


def test_invented_model_answer_falls_back_to_the_quoted_line(screens_store):
    fake = ScriptedLlm(["Forty-two euros, paid in cash"], capability="completion")
    a = Answerer(Retriever(screens_store), lambda: fake, store=screens_store)
    ans = a.ask("How much was the Marrow Studio invoice?")
    assert ans.tier == "extractive" and not ans.abstained
    assert "1,240" in ans.answer and ans.citations
    assert fake.calls  # the model was asked, and its unsupported answer rejected


@pytest.mark.model
def test_bundled_model_answers_dev_screens(screens_store, screen_questions, bundled_gguf):
    from models.factory import build_backend
    from models.settings import LlmSettings

    backend = build_backend(LlmSettings(), bundled_gguf.parent)
    try:
        a = Answerer(Retriever(screens_store), lambda: backend, store=screens_store)
        results = [(q, judge_screen(a, q, dt.datetime.fromisoformat(q["asked_at"]).astimezone()))
                   for q in screen_questions]
    finally:
        backend.close()
    answerable = [r for q, r in results if not q.get("abstain")]
    accepted = sum(r["accepted"] for r in answerable)
    assert accepted >= 0.8 * len(answerable), [(q["question"], r["answer"]) for q, r in results]
    for q, r in results:
        if q.get("abstain"):
            assert r["abstained"] and r["answer"] == ABSTAIN
        elif not r["abstained"]:
            assert r["citations"], q["question"]
    assert any(r["tier"] == "llm-extractive" for r in answerable)
