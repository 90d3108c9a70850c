"""Schema tightening, GBNF generation with bounds, and validation after decoding."""

from __future__ import annotations

import pytest

from models.errors import StructuredOutputError
from models.grammar import parse_and_validate, schema_to_gbnf, tighten_schema

SCHEMA = {
    "type": "object",
    "properties": {
        "title": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string", "maxLength": 8}},
        "kind": {"type": "string", "enum": ["event", "fact"]},
        "n": {"type": "integer", "minimum": 0},
    },
    "required": ["title", "kind"],
}


def test_tighten_bounds_strings_and_arrays_and_closes_objects() -> None:
    t = tighten_schema(SCHEMA, max_length=40, max_items=3)
    props = t["properties"]
    assert props["title"]["maxLength"] == 40
    assert props["tags"]["maxItems"] == 3
    assert props["tags"]["items"]["maxLength"] == 8  # a tighter caller bound is kept
    assert "maxLength" not in props["kind"]  # enums are already bounded
    assert t["additionalProperties"] is False
    assert "maxLength" not in SCHEMA["properties"]["title"]  # the caller's schema is not mutated


def test_top_level_must_be_an_object() -> None:
    with pytest.raises(ValueError, match="object"):
        tighten_schema({"type": "array", "items": {"type": "string"}})


def test_gbnf_carries_the_bounds() -> None:
    gbnf = schema_to_gbnf(tighten_schema(SCHEMA, max_length=40, max_items=3))
    assert "char{0,40}" in gbnf and "(char (char" not in gbnf  # bounded, compact repetition
    assert '"\\"event\\""' in gbnf and "root ::=" in gbnf


def test_parse_and_validate_accepts_a_valid_object() -> None:
    assert parse_and_validate(' {"title": "x", "kind": "fact"}\n', tighten_schema(SCHEMA)) == {
        "title": "x", "kind": "fact"}


def test_a_raw_newline_inside_a_string_is_read_as_meant() -> None:
    # llama.cpp's schema grammars allow control characters in strings; the model wrote one
    assert parse_and_validate('{"title": "Lisbon, the\n", "kind": "fact"}',
                              tighten_schema(SCHEMA))["title"] == "Lisbon, the\n"


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('{"title": "x", "kind": "fa', "cut off by max_tokens"),
        ('{"title": "x",, "kind": "fact"}', r"not valid JSON \(Expecting.*\)\.$"),
        ("[1, 2]", "expected an object"),
        ('{"title": "x", "kind": "opinion"}', "kind"),
        ('{"title": "x", "kind": "fact", "n": -1}', "n"),
        ('{"title": "x", "kind": "fact", "extra": 1}', "Additional properties"),
        ("", "not valid JSON"),
    ],
)
def test_violations_raise_never_return_empty(text: str, match: str) -> None:
    with pytest.raises(StructuredOutputError, match=match) as err:
        parse_and_validate(text, tighten_schema(SCHEMA))
    assert err.value.raw == text
