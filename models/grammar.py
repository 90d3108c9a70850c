"""JSON-schema constrained decoding: bound the schema, compile it to GBNF, validate after.

A small model under a grammar cannot emit malformed JSON, but it can still ramble
inside an unbounded string until max_tokens cuts it off mid-value. So every schema
is first *tightened*: each string gets a maxLength, each array a maxItems, each object
`additionalProperties: false`. The grammar then guarantees the shape and the bounds;
the jsonschema validation afterwards catches what a grammar cannot express (numeric
ranges, formats) and the truncation case, and raises instead of returning `{}`.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from typing import Any

import jsonschema

from models.errors import StructuredOutputError

DEFAULT_MAX_LENGTH = 512
DEFAULT_MAX_ITEMS = 32


def tighten_schema(
    schema: Mapping[str, Any],
    *,
    max_length: int = DEFAULT_MAX_LENGTH,
    max_items: int = DEFAULT_MAX_ITEMS,
) -> dict[str, Any]:
    """A copy of `schema` with every string and array bounded and objects closed.

    Bounds the caller already set are kept (never loosened).
    """
    if not isinstance(schema, Mapping) or schema.get("type") != "object":
        raise ValueError('a structured-output schema must have "type": "object" at the top')
    out = copy.deepcopy(dict(schema))
    _tighten(out, max_length, max_items)
    return out


def _tighten(node: Any, max_length: int, max_items: int) -> None:
    if isinstance(node, list):
        for item in node:
            _tighten(item, max_length, max_items)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if "string" in kinds and "enum" not in node and "const" not in node and "pattern" not in node:
        node["maxLength"] = min(node.get("maxLength", max_length), max_length)
    if "array" in kinds:
        node["maxItems"] = min(node.get("maxItems", max_items), max_items)
    if "object" in kinds and "properties" in node:
        node.setdefault("additionalProperties", False)
    for key in ("properties", "$defs", "definitions"):
        if isinstance(node.get(key), dict):
            for sub in node[key].values():
                _tighten(sub, max_length, max_items)
    for key in ("items", "anyOf", "oneOf", "allOf", "prefixItems"):
        if key in node:
            _tighten(node[key], max_length, max_items)


_NESTED_CHARS = re.compile(r"\((?:char \()*char(?:\)\?)+")


def _compact_repetition(match: re.Match[str]) -> str:
    text = match.group(0)
    n = text.count("char")
    if text.count(")?") != n:  # not the converter's exact nesting; leave it alone
        return text
    return f"char{{0,{n}}}"


def schema_to_gbnf(schema: Mapping[str, Any]) -> str:
    """GBNF text for a (tightened) schema, via llama-cpp-python's converter.

    The converter spells `maxLength: n` as n nested optionals, `(char (char (...)?)?)?`;
    llama.cpp parses that into n nested rules, which is slow to build and to sample
    at maxLength 512. It is rewritten into llama.cpp's bounded repetition `char{0,n}`,
    which accepts exactly the same strings.
    """
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    return _NESTED_CHARS.sub(_compact_repetition, json_schema_to_gbnf(json.dumps(schema)))


def build_grammar(schema: Mapping[str, Any]):
    """A `llama_cpp.LlamaGrammar` for `schema` (imported lazily: llama_cpp is heavy)."""
    from llama_cpp import LlamaGrammar

    return LlamaGrammar.from_string(schema_to_gbnf(schema), verbose=False)


def parse_and_validate(text: str, schema: Mapping[str, Any]) -> dict[str, Any]:
    """Parse `text` as one JSON object and validate it, or raise StructuredOutputError."""
    stripped = text.strip()
    try:
        # strict=False: llama.cpp's schema grammars let a raw newline or tab into a string
        # ("Lisbon, the\n"); the value is still what the model meant.
        value = json.loads(stripped, strict=False)
    except json.JSONDecodeError as exc:
        cut = not stripped.endswith("}")
        raise StructuredOutputError(
            f"The model's output is not valid JSON ({exc.msg} at character {exc.pos})"
            + ("; it was probably cut off by max_tokens." if cut else "."),
            raw=text,
        ) from None
    if not isinstance(value, dict):
        raise StructuredOutputError(
            f"The model returned JSON {type(value).__name__}, expected an object.", raw=text
        )
    try:
        jsonschema.validate(value, dict(schema))
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "the top level"
        raise StructuredOutputError(
            f"The model's JSON does not match the schema at {where}: {exc.message}", raw=text
        ) from None
    return value


def schema_hint(schema: Mapping[str, Any]) -> str:
    """A compact one-line rendering of a schema for prompts and server requests."""
    return json.dumps(schema, separators=(",", ":"), sort_keys=True)
