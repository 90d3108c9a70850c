"""`commonplace mcp`: the memory served to other tools over the Model Context Protocol.

Built on the official SDK's MCPServer. Over stdio by default (the client starts this
command); `--http PORT` serves streamable HTTP on 127.0.0.1 only. Nothing is served unless
`[mcp] enabled = true` or `--enable`. One process serves one client, named by `--client`:
its scope ([mcp.clients.NAME]) decides what every tool may return. Arguments are checked
against each tool's input schema (and times parsed) before the tool runs: a bad one is a
protocol error (-32602) with a clear message, audited, and the server keeps serving.
"""

# No `from __future__ import annotations`: the SDK reads the tools' annotations (their
# input schemas) as objects, and they name types local to build_server.
import contextlib
import json
import logging
import os
import sys
from typing import Annotated, Any, Literal

from app.mcp_server.scope import DEFAULT_CLIENT
from app.options import McpOptions
from models.errors import CommonplaceError

log = logging.getLogger(__name__)

SERVER_NAME = "commonplace"
INSTRUCTIONS = (
    "Commonplace is the user's private memory of their own screen (OCR'd screenshots), "
    "imported chats and the memories made from them, on their machine. Use `search` to find "
    "moments by words, `ask` for a short answer with citations, `timeline` for what the user "
    "was doing over a time range, `get_moment` to read one cited moment in full, and "
    "`memories` for typed memories (facts, episodes, procedures, resources, vault items). "
    "Every result names its moments by source key (e.g. 'frame:12'); cite them. You see only "
    "what the user allowed this client; secrets stay masked.")

Kind = Literal["frame", "turn", "memory"]
MemoryType = Literal["core", "episodic", "semantic", "procedural", "resource", "vault"]


class ArgumentCheck:
    """Server middleware: every tools/call's arguments checked against the tool's input
    schema (types, bounds, unknown names) and its times parsed, before the tool runs."""

    def __init__(self, service) -> None:
        self._server = None
        self._service = service
        self._schemas: dict[str, dict] | None = None

    def bind(self, server) -> None:
        """The server whose tools' schemas are checked (it is built with this middleware)."""
        self._server = server

    async def __call__(self, ctx, call_next):
        if ctx.method == "tools/call" and isinstance(ctx.params, dict):
            name = ctx.params.get("name")
            args = ctx.params.get("arguments") or {}
            if self._schemas is None:
                self._schemas = {t.name: t.input_schema for t in await self._server.list_tools()}
            if name in self._schemas:
                problem = self._problem(self._schemas[name], args)
                if problem:
                    from mcp.shared.exceptions import MCPError
                    from mcp_types import INVALID_PARAMS

                    self._service.refused(str(name), args, problem)
                    raise MCPError(code=INVALID_PARAMS, message=f"{name}: {problem}")
        return await call_next(ctx)

    def _problem(self, schema: dict, args: Any) -> str | None:
        import jsonschema

        from app.mcp_server.service import BadArguments, check_times

        if not isinstance(args, dict):
            return "arguments must be an object of named values."
        known = schema.get("properties", {})
        unknown = sorted(set(args) - set(known))
        if unknown:
            return (f"unknown argument(s) {', '.join(map(repr, unknown))}; this tool takes "
                    f"{', '.join(known)}.")
        errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(args),
                        key=lambda e: list(e.path))
        if errors:
            e = errors[0]
            where = ".".join(str(p) for p in e.path) or "arguments"
            return f"{where}: {_plain(e)}"
        try:
            check_times(args)
        except BadArguments as e:
            return str(e)
        return None


def _plain(e) -> str:
    """A jsonschema error in words that do not echo a huge value back. For an optional
    argument (anyOf: the type or null) the branch of the type says what is wrong."""
    if e.validator == "anyOf" and e.context:
        deeper = [c for c in e.context if c.validator != "type"]
        if deeper:
            return _plain(deeper[0])
    if e.validator in ("maximum", "minimum", "maxLength", "minLength", "maxItems"):
        bound = {"maximum": "at most", "minimum": "at least", "maxLength": "at most",
                 "minLength": "at least", "maxItems": "at most"}[e.validator]
        unit = " characters" if "Length" in e.validator else \
            " items" if e.validator == "maxItems" else ""
        return f"must be {bound} {e.validator_value}{unit}."
    if e.validator == "type" or e.validator == "anyOf":
        want = e.schema.get("type") or " or ".join(
            s.get("type", "?") for s in e.schema.get("anyOf", []))
        return f"must be of type {want}, not {type(e.instance).__name__}."
    if e.validator == "enum":
        return f"must be one of {', '.join(map(str, e.validator_value))}."
    if e.validator == "required":
        return e.message
    return e.message[:200]


def _result(data: dict):
    """A tool result: the JSON as text (what every client reads) and as structured
    content; a frame's image as an image block instead of base64 in the text."""
    from mcp_types import CallToolResult, ImageContent, TextContent

    blocks: list = []
    shown = data
    if isinstance(data.get("image"), dict):
        img = data["image"]
        shown = {**data, "image": {"mime_type": img["mime_type"], "in": "image content"}}
        blocks.append(ImageContent(type="image", data=img["base64"], mime_type=img["mime_type"]))
    text = TextContent(type="text", text=json.dumps(shown, ensure_ascii=False, default=str))
    return CallToolResult(content=[text, *blocks], structured_content=shown)


def build_server(service, *, max_limit: int):
    """The MCPServer with the five tools and the day resource over `service` (an
    app.mcp_server.service.McpService)."""
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError
    from mcp.shared.exceptions import MCPError
    from mcp_types import INVALID_PARAMS, ToolAnnotations
    from pydantic import Field

    from app.mcp_server.service import BadArguments

    Limit = Annotated[int | None, Field(ge=1, le=max_limit, description=(
        f"the most items to return (1-{max_limit}; default: the configured search limit)"))]
    Time = Annotated[str | None, Field(max_length=64, description=(
        "ISO 8601 local time or date, e.g. 2026-02-17 or 2026-02-17T09:30"))]
    read_only = ToolAnnotations(read_only_hint=True, open_world_hint=False)
    check = ArgumentCheck(service)
    server = MCPServer(SERVER_NAME, instructions=INSTRUCTIONS, log_level="WARNING",
                       middleware=[check])
    check.bind(server)

    def run(fn, *args, **kwargs):
        try:
            return _result(fn(*args, **kwargs))
        except BadArguments as e:
            raise MCPError(code=INVALID_PARAMS, message=str(e)) from None
        except CommonplaceError as e:   # out of scope, locked, a store fault: said plainly
            raise ToolError(str(e)) from None

    @server.tool(annotations=read_only)
    def search(query: Annotated[str, Field(min_length=1, max_length=2000,
                                           description="words to look for")],
               since: Time = None, until: Time = None,
               apps: Annotated[list[Annotated[str, Field(max_length=200)]] | None,
                               Field(max_length=50, description=(
                                   "only moments of these apps (e.g. Chromium)"))] = None,
               kinds: Annotated[list[Kind] | None, Field(max_length=3, description=(
                   "frame: screen text; turn: chat lines; memory: memories made from them"
               ))] = None,
               limit: Limit = None):
        """Search the user's screen history, chats and memories by words (hybrid BM25 +
        vector search). Returns {"query", "hits": [{"kind", "id", "text", "timestamp",
        "score", "sources"}]}, best first; each hit's `sources` are the source keys of the
        moments behind it (pass one to get_moment to read it whole)."""
        return run(service.search, query, since=since, until=until, apps=apps, kinds=kinds,
                   limit=limit)

    @server.tool(annotations=read_only)
    def ask(question: Annotated[str, Field(min_length=1, max_length=2000, description=(
            "a question about what the user saw or did, e.g. 'How much was the invoice?'"))]):
        """Answer a question from the user's history, on their machine, with citations.
        Returns {"answer", "abstained", "citations", "model", "extractive", "tier"}: the
        answer quotes the evidence line; `citations` are source keys; `abstained` is true
        when the history does not hold the answer ("I don't see that in your history.")."""
        return run(service.ask, question)

    @server.tool(annotations=read_only)
    def timeline(since: Annotated[str, Field(max_length=64, description=(
                     "start, ISO 8601 local time or date"))],
                 until: Time = None, limit: Limit = None):
        """What the user was doing over a time range: the episodes (app sessions) in order
        and the hour and day summaries over them, each with its source keys. Returns
        {"from", "to", "episodes": [memory], "summaries": {"summary_hour": [memory],
        "summary_day": [memory]}}; a memory is {"id", "type", "text", "fields",
        "occurred_at", "pinned", "sources"}. `until` defaults to now."""
        return run(service.timeline, since, until=until, limit=limit)

    @server.tool(annotations=read_only)
    def get_moment(source: Annotated[str, Field(min_length=1, max_length=300, description=(
                       "a source key from a search hit or citation, e.g. 'frame:12'"))],
                   include_image: bool = False):
        """Read one moment in full: a screen frame's text, app, window title and time (and
        its screenshot when `include_image` and the user allows images for this client),
        or a chat line. Returns {"source", "kind", "id", "ts", "app", "title", "text", ...}."""
        return run(service.get_moment, source, include_image=include_image)

    @server.tool(annotations=read_only)
    def memories(type: Annotated[MemoryType | None, Field(description=(
                     # `type`: the argument's name as a model reads it
                     "core (facts about the user), episodic (events), semantic (facts about "
                     "things), procedural (how-tos), resource (documents, pages), vault "
                     "(exact values; secrets masked); default: all"))] = None,
                 contains: Annotated[str, Field(max_length=200, description=(
                     "only memories whose text contains this (case-insensitive)"))] = "",
                 limit: Limit = None):
        """The user's typed memories, newest first. Returns {"type", "contains",
        "memories": [{"id", "type", "text", "fields", "occurred_at", "pinned",
        "sources"}]}. Sensitive Knowledge Vault values are always masked."""
        return run(service.memories, type_=type, contains=contains, limit=limit)

    @server.resource("commonplace://day/{date}", mime_type="application/json",
                     description="One local day's summary: the day and hour summaries and "
                     "the episodes of that day (YYYY-MM-DD), in this client's scope.")
    def day_summary(date: str) -> str:
        try:
            return json.dumps(service.day(date), ensure_ascii=False, default=str)
        except BadArguments as e:
            raise MCPError(code=INVALID_PARAMS, message=str(e)) from None
        except CommonplaceError as e:
            from mcp.server.mcpserver.exceptions import ResourceError

            raise ResourceError(str(e)) from None

    return server


@contextlib.contextmanager
def _stdout_to_stderr():
    """While the store and models open, fd 1 points at stderr: on stdio, stdout is the
    protocol, and a native library's stray print would corrupt it."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def open_service(settings, args: McpOptions):
    """The core (unlocked by --passphrase-file, $COMMONPLACE_PASSPHRASE or the keyring)
    and the client's service; a locked store gives a service that answers why."""
    from app.hygiene import wipe
    from app.mcp_server.scope import Scope
    from app.mcp_server.service import McpService
    from app.wiring import open_core, read_passphrase
    from memory.errors import LockedError

    mcp = settings.mcp
    scope = Scope(mcp.client(args.client), settings.privacy)
    passphrase = read_passphrase(args.passphrase_file)
    if passphrase is None:
        from app import keychain

        passphrase = keychain.load(settings.paths.data_dir)
    now = _fixed_now(args)
    kw = {"search_limit": settings.memory.search_limit, "max_limit": mcp.max_limit,
          "use_llm": mcp.use_llm, "now": now}
    try:
        core = open_core(settings, passphrase=passphrase)
    except LockedError as e:
        log.info("mcp: the store is locked; every call answers so")
        return None, McpService(None, scope, audit=None, locked=(
            f"The Commonplace store is locked: {e}"), **kw)
    finally:
        wipe(passphrase)
    return core, McpService(core, scope, audit=core.store.audit, **kw)


def _fixed_now(args: McpOptions):
    from app.cli import _now

    fixed = _now(args)
    return lambda: fixed


def cmd_mcp(settings, args: McpOptions) -> int:
    from app.settings import SettingsError

    if not (settings.mcp.enabled or args.enable):
        raise SettingsError(
            "The MCP server is off: nothing is served until you enable it. Set `enabled = "
            f"true` under [mcp] in {settings.paths.config_file}, or start it with "
            "`commonplace mcp --enable`.")
    settings.mcp.client(args.client)   # an unknown client is refused before anything opens
    if args.http is not None and not 1 <= args.http <= 65535:
        raise SettingsError("--http takes a port between 1 and 65535.")
    from memory.store.database import is_encrypted

    if is_encrypted(settings.paths.data_dir) is None:   # serving must not create a store
        raise SettingsError(f"There is no Commonplace history in {settings.paths.data_dir} "
                            "yet: open the app (or import) first, or give --data-dir.")
    with _stdout_to_stderr():
        core, service = open_service(settings, args)
    try:
        server = build_server(service, max_limit=settings.mcp.max_limit)
        log.info("mcp: serving client %r over %s", args.client,
                 f"http://127.0.0.1:{args.http}/mcp" if args.http else "stdio")
        if args.http:
            import anyio

            anyio.run(lambda: server.run_streamable_http_async(host="127.0.0.1",
                                                               port=args.http))
        else:
            server.run("stdio")
    finally:
        if core is not None:
            core.close()
    return 0


def add_parser(sub) -> None:
    s = sub.add_parser("mcp", help="serve your memory to an assistant (MCP client) over stdio")
    s.add_argument("--enable", action="store_true",
                   help="serve even if [mcp] enabled is not set (this run only)")
    s.add_argument("--client", default=DEFAULT_CLIENT,
                   help="the client's name: its scope is [mcp.clients.NAME] (default: default)")
    s.add_argument("--http", type=int, metavar="PORT",
                   help="serve streamable HTTP on 127.0.0.1:PORT instead of stdio")
