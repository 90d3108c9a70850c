"""`commonplace mcp` through the SDK's own client over stdio, against a real store filled by
the real import of the dev screens (OCR, redaction, the memory pipeline, encryption).

The server runs as its own process (as an MCP client starts it), under the socket guard of
the privacy tests; the CLI runs beside it on the same store for the figures it must match.
Sessions are module-scoped building blocks: each costs a process start (~6 s).
"""

from __future__ import annotations

import asyncio
import json
import sys

import pytest

from tests.conftest import CONVERSATIONS, PASSPHRASE, REPO, SCREENS, run_cli
from tests.privacy.helpers import attempts, guarded_env, write_guard

NOW = "2026-02-17T20:00:00"
QUESTIONS = ["How much was the Marrow Studio invoice?",
             "What is the confirmation code of the invoice payment?",
             "What did I eat for breakfast?"]
SECRET = "Tr0ub4dor-3-horse-staple"   # a sensitive vault value added to the store
TOOLS = {"search", "ask", "timeline", "get_moment", "memories"}

CONFIG_ALL = """
[mcp]
enabled = true
[mcp.clients.all]
images = true
chats = true
"""
# The narrow client: Chromium only, until 13:30, no chats, no images; Zoom also excluded by
# the privacy settings (never shown to any client).
CONFIG_NARROW = """
[privacy]
excluded_apps = ["keepassxc", "zoom"]
[mcp]
enabled = true
[mcp.clients.narrow]
apps = ["Chromium", "Zoom"]
until = "2026-02-17T13:30:00"
"""


# -- building blocks -------------------------------------------------------------------

@pytest.fixture(scope="module")
def world(tmp_path_factory, embedder):
    """The dev screens and the dev chats imported by the CLI into one encrypted store, plus
    one sensitive vault item; config files for the two clients; the socket guard."""
    base = tmp_path_factory.mktemp("mcp")
    data = base / "data"
    cfg_all, cfg_narrow = base / "all.toml", base / "narrow.toml"
    cfg_all.write_text(CONFIG_ALL, "utf-8")
    cfg_narrow.write_text(CONFIG_NARROW, "utf-8")
    for what in (["import-frames", str(SCREENS / "frames.jsonl")],
                 ["import-chat", str(CONVERSATIONS)]):
        r = run_cli("--config", str(cfg_all), *what, "--json", "--no-llm", data_dir=data)
        assert r.returncode == 0, r.stderr
    from memory.items import VAULT
    from memory.store.store import Store

    store = Store.open(data, passphrase=PASSPHRASE, encrypt_new=True, embedder=embedder)
    try:
        store.memories.add(
            VAULT, {"entry_type": "password", "caption": "wifi password", "value": SECRET,
                    "sensitivity": "high"}, sources=["frames/0013.png"])
    finally:
        store.close()
    guard = write_guard(base / "guard")
    return {"data": data, "all": cfg_all, "narrow": cfg_narrow, "guard": guard,
            "net": base / "net.log"}


def session(world, client: str, calls, *, config=None, passphrase: str | None = PASSPHRASE,
            extra=()):
    """Start `commonplace mcp --client CLIENT` over stdio (under the socket guard) with the
    SDK's Client, run `calls(client)` (an async function) and return its result."""
    from mcp import Client
    from mcp.client.stdio import StdioServerParameters

    env = {k: v for k, v in __import__("os").environ.items() if k != "COMMONPLACE_PASSPHRASE"}
    env |= guarded_env(world["guard"], world["net"])
    if passphrase:
        env["COMMONPLACE_PASSPHRASE"] = passphrase
    params = StdioServerParameters(
        command=sys.executable, cwd=str(REPO), env=env,
        args=["-m", "app.cli", "--data-dir", str(world["data"]), "--config",
              str(config or world[client]), "--now", NOW, "mcp", "--client", client, *extra])

    async def main():
        async with Client(params, read_timeout_seconds=120) as c:
            return await calls(c)
    return asyncio.run(main())


def data_of(result) -> dict:
    assert not result.is_error, result.content[0].text
    return json.loads(result.content[0].text)


def cli_json(world, *args) -> dict:
    r = run_cli("--config", str(world["all"]), "--now", NOW, *args, "--json",
                data_dir=world["data"])
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


def all_sources(obj) -> list[str]:
    from app.mcp_server.service import returned_sources

    return returned_sources(obj)


# -- the tools, against the CLI --------------------------------------------------------

@pytest.fixture(scope="module")
def full_session(world):
    """One session of the unrestricted client: every tool called once or more."""
    async def calls(c):
        out = {"tools": await c.list_tools(),
               "templates": await c.list_resource_templates()}
        out["search"] = [data_of(await c.call_tool("search", {"query": q, "limit": 5}))
                         for q in QUESTIONS]
        out["ask"] = [data_of(await c.call_tool("ask", {"question": q})) for q in QUESTIONS]
        out["timeline"] = data_of(await c.call_tool(
            "timeline", {"since": "2026-02-17T08:00", "until": "2026-02-17T13:00"}))
        out["moment"] = await c.call_tool("get_moment", {"source": "frames/0023.png",
                                                         "include_image": True})
        out["vault"] = data_of(await c.call_tool("memories", {"type": "vault", "limit": 50}))
        out["secret_search"] = data_of(await c.call_tool("search", {"query": "wifi password"}))
        out["day"] = json.loads((await c.read_resource(
            "commonplace://day/2026-02-17")).contents[0].text)
        return out
    return session(world, "all", calls)


def test_lists_the_five_tools_with_descriptions_and_the_day_resource(full_session):
    tools = {t.name: t for t in full_session["tools"].tools}
    assert set(tools) == TOOLS
    for t in tools.values():
        assert len(t.description) > 80 and t.input_schema["type"] == "object"
    assert tools["search"].input_schema["properties"]["limit"]["anyOf"][0]["maximum"] == 50
    assert [t.uri_template for t in full_session["templates"].resource_templates] == [
        "commonplace://day/{date}"]


def test_search_and_ask_equal_the_cli(world, full_session):
    """The same hits (kind, id, text, score, sources) and the same answers and citations
    as `search --json` / `ask --json`, for the same questions at the same `--now`."""
    for q, got in zip(QUESTIONS, full_session["search"]):
        assert got == cli_json(world, "search", q, "--limit", "5"), q
    for q, got in zip(QUESTIONS, full_session["ask"]):
        assert got == cli_json(world, "ask", q), q
    answered = [a for a in full_session["ask"] if not a["abstained"]]
    assert len(answered) == 2 and all(a["citations"] for a in answered)
    assert "1,240" in full_session["ask"][0]["answer"]
    assert "NWB-55710-K" in full_session["ask"][1]["answer"]
    assert full_session["ask"][2]["abstained"]


def test_timeline_moment_memories_and_day(full_session):
    tl = full_session["timeline"]
    apps = [e["fields"].get("app") for e in tl["episodes"]]
    assert apps[:3] == ["Evolution", "Chromium", "Sublime Text"] and "Zoom" not in apps
    assert all(e["sources"] for e in tl["episodes"]) and tl["summaries"]["summary_hour"]
    moment = full_session["moment"]
    m = data_of(moment)
    assert m["kind"] == "frame" and m["app"] and "NWB-55710-K" in m["text"]
    image = [b for b in moment.content if b.type == "image"]
    assert len(image) == 1 and image[0].mime_type == "image/webp"
    import base64

    assert base64.b64decode(image[0].data)[8:12] == b"WEBP"
    day = full_session["day"]
    assert day["date"] == "2026-02-17" and day["summaries"]["summary_day"]


def test_vault_values_stay_masked(full_session):
    from memory.items import MASK

    mine = [m for m in full_session["vault"]["memories"]
            if m["fields"].get("caption") == "wifi password"]
    assert len(mine) == 1 and mine[0]["fields"]["value"] == MASK
    assert SECRET not in json.dumps(full_session, default=repr)
    assert any("wifi password" in h["text"] for h in full_session["secret_search"]["hits"])


def test_every_call_is_in_the_audit_log_with_what_it_returned(world, full_session, embedder):
    from memory.store.store import Store

    store = Store.open(world["data"], passphrase=PASSPHRASE, encrypt_new=True,
                       embedder=embedder)
    try:
        rows = [e for e in reversed(store.audit.entries()) if e.client == "all"]
    finally:
        store.close()
    tools = [e.tool for e in rows]
    assert tools == ["search"] * 3 + ["ask"] * 3 + ["timeline", "get_moment", "memories",
                                                     "search", "day_summary"]
    assert all(e.outcome == "ok" for e in rows)
    assert rows[0].arguments == {"query": QUESTIONS[0], "limit": 5}
    assert rows[0].sources == all_sources(full_session["search"][0])
    assert rows[3].sources == full_session["ask"][0]["citations"]
    assert rows[7].sources == ["frames/0023.png", "frames/0024.png"]  # and its merged twin


def test_the_server_opened_no_network(world, full_session):
    assert attempts(world["net"]) == []


# -- scopes ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def narrow_session(world):
    """The narrow client asks everything the full one did, and more."""
    async def calls(c):
        out = []
        for q in QUESTIONS + ["Orchard Health budget", "lexer arrow operator", "Zoom",
                              "climbing rope", "red lentil dal", "Lisbon holidays Noor"]:
            out.append(await c.call_tool("search", {"query": q, "limit": 20}))
            out.append(await c.call_tool("ask", {"question": q}))
        out.append(await c.call_tool("search", {"query": "invoice", "apps": ["Evolution"]}))
        out.append(await c.call_tool("timeline", {"since": "2026-02-17"}))
        out.append(await c.call_tool("memories", {}))
        out.append(await c.call_tool("get_moment", {"source": "frames/0013.png",
                                                    "include_image": True}))
        refused = [await c.call_tool("get_moment", {"source": s}) for s in
                   ("frames/0001.png", "frames/0018.png", "frame:99999")]
        day = (await c.read_resource("commonplace://day/2026-02-17")).contents[0].text
        return out, refused, day
    return session(world, "narrow", calls)


def test_nothing_outside_the_scope_appears_in_any_result(world, narrow_session, embedder):
    from memory.store.sources import resolve
    from memory.store.store import Store

    results, _refused, day = narrow_session
    datas = [data_of(r) for r in results]
    keys = set(all_sources(datas)) | set(all_sources(json.loads(day)))
    assert keys, "the narrow client should see the Chromium moments"
    store = Store.open(world["data"], passphrase=PASSPHRASE, encrypt_new=True,
                       embedder=embedder)
    try:
        found = resolve(store.db, keys)
    finally:
        store.close()
    assert set(found) == keys
    assert {m.app for m in found.values()} == {"Chromium"}
    assert max(m.ts for m in found.values()) < "2026-02-17T13:30"
    # (a search result repeats its query: the client's own words, not the store's)
    text = json.dumps([{k: v for k, v in d.items() if k != "query"} for d in datas]) + day
    for outside in ("Evolution", "Zoom", "Sublime", "Marrow", "Northwind", "Signal",
                    "Konsole", "Joplin", "Noor", "Emeka", "Lisbon"):
        assert outside not in text, outside
    assert any(h["kind"] == "frame" for d in datas for h in d.get("hits", []))
    assert datas[-4]["hits"] == []            # asked for Evolution: outside the scope
    moment = datas[-1]
    assert moment["app"] == "Chromium" and "image" not in moment
    assert moment["image_withheld"]
    assert not any(b.type == "image" for b in results[-1].content)


def test_moments_outside_the_scope_are_refused_alike(narrow_session):
    _results, refused, _day = narrow_session
    for r in refused:
        assert r.is_error and "scope" in r.content[0].text


# -- bad arguments, locked store, off by default ---------------------------------------

def test_bad_arguments_get_a_protocol_error_and_the_server_keeps_serving(world):
    from mcp.shared.exceptions import MCPError

    bad = [("search", {"query": 42}, "query: must be of type string"),
           ("search", {"query": "x", "limit": 10**9}, "limit: must be at most 50"),
           ("search", {"query": "x", "limit": "ten"}, "limit: must be of type integer"),
           ("search", {"query": "x" * 5000}, "query: must be at most 2000 characters"),
           ("search", {"query": "x", "kinds": ["photo"]}, "must be one of frame, turn"),
           ("search", {"query": "x", "since": "last tuesday"}, "is not an ISO 8601 time"),
           ("search", {"query": "x", "since": "2026-03-01", "until": "2026-02-01"},
            "since is after until"),
           ("timeline", {"since": "2026-02-31"}, "is not an ISO 8601 time"),
           ("timeline", {}, "'since' is a required property"),
           ("memories", {"type": "diary"}, "must be one of core"),
           ("get_moment", {"source": "frames/0001.png", "include_image": "yes"},
            "include_image: must be of type boolean"),
           ("ask", {"question": "x", "model": "gpt"}, "unknown argument(s) 'model'")]

    async def calls(c):
        out = []
        for tool, args, _want in bad:
            try:
                await c.call_tool(tool, args)
                out.append(None)
            except MCPError as e:
                out.append((e.code, e.error.message))
            # still serving after each one
            assert not (await c.call_tool("search", {"query": "lentils", "limit": 1})).is_error
        try:
            await c.read_resource("commonplace://day/someday")
            out.append(None)
        except MCPError as e:
            out.append((e.code, e.error.message))
        return out
    got = session(world, "all", calls)
    for (tool, _args, want), g in zip(bad, got):
        assert g is not None, f"{tool} took bad arguments"
        assert g[0] == -32602 and g[1].startswith(f"{tool}: ") and want in g[1], g
    assert got[-1][0] == -32602 and "not a date" in got[-1][1]


def test_a_locked_store_answers_every_call_with_why(world):
    async def calls(c):
        return [await c.call_tool("search", {"query": "invoice"}),
                await c.call_tool("memories", {})]
    for r in session(world, "all", calls, passphrase=None):
        assert r.is_error and "locked" in r.content[0].text
        assert "COMMONPLACE_PASSPHRASE" in r.content[0].text


def test_nothing_is_served_until_enabled(world, tmp_path):
    off = tmp_path / "off.toml"
    off.write_text("[mcp.clients.x]\nimages = true\n", "utf-8")
    r = run_cli("--config", str(off), "mcp", data_dir=world["data"], timeout=60)
    assert r.returncode == 2 and "MCP server is off" in r.stderr and not r.stdout
    r = run_cli("--config", str(world["all"]), "mcp", "--client", "typo",
                data_dir=world["data"], timeout=60)
    assert r.returncode == 2 and "No MCP client 'typo'" in r.stderr
    r = run_cli("--config", str(world["all"]), "mcp", data_dir=tmp_path / "new", timeout=60)
    assert r.returncode == 2 and "no Commonplace history" in r.stderr
    assert not (tmp_path / "new" / "commonplace.db").exists()


# -- beside the desktop app; export and forget -----------------------------------------

def test_serves_beside_another_writer_on_the_same_store(world, embedder):
    """The desktop app holds the store open and writes while the server answers: WAL and
    the shared users lock let both work, with no "database is locked"."""
    from memory.items import SEMANTIC
    from memory.store.store import Store

    app_store = Store.open(world["data"], passphrase=PASSPHRASE, encrypt_new=True,
                           embedder=embedder)
    repo = app_store.memories

    async def calls(c):
        seen = []
        for i in range(5):
            with repo.transaction():
                repo.add(SEMANTIC, {"name": f"Side by side {i}", "summary": "written by the "
                                    "app"}, sources=["frames/0013.png"])
            r = data_of(await c.call_tool("memories", {"type": "semantic",
                                                       "contains": "side by side"}))
            seen.append(len(r["memories"]))
            assert not (await c.call_tool("ask", {"question": "lentils?"})).is_error
        return seen
    try:
        assert session(world, "all", calls) == [1, 2, 3, 4, 5]
    finally:
        app_store.close()


def test_export_and_forget_cover_the_audit_log(world, tmp_path, full_session, narrow_session):
    out = cli_json(world, "export", str(tmp_path / "out"))
    before = out["tables"]["mcp_audit"]
    assert before >= 20
    exported = json.loads((tmp_path / "out" / "commonplace-export.json").read_text("utf-8"))
    rows = exported["tables"]["mcp_audit"]
    assert {r["tool"] for r in rows} >= TOOLS
    assert {"query": QUESTIONS[0], "limit": 5} in [r["arguments"] for r in rows]
    assert ["frames/0023.png", "frames/0024.png"] in [r["sources"] for r in rows]
    r = run_cli("--config", str(world["all"]), "forget", "--from", "2026-02-17T00:00",
                "--to", "2026-02-17T23:59", "--json", data_dir=world["data"])
    assert r.returncode == 0, r.stderr
    cli_json(world, "export", str(tmp_path / "after"))
    exported = json.loads((tmp_path / "after" / "commonplace-export.json").read_text("utf-8"))
    left = exported["tables"]["mcp_audit"]
    assert 0 < len(left) < before
    # what is left returned nothing of that day (refused calls, the abstained answers)
    assert all(not s.startswith(("frames/", "frame:")) for r in left for s in r["sources"])
    assert {r["outcome"] for r in left} >= {"refused"}
