"""`commonplace vectors ...`: move the vector index between embedded Chroma and a Chroma server.

    commonplace vectors status
    commonplace vectors migrate --to-server 127.0.0.1:8000
    commonplace vectors migrate --to-local [--from HOST:PORT]

Chroma holds only ids, vectors and two filter fields (kind, ts) — never text — so the
migration needs no passphrase and copies no private text. It reads ids + embeddings +
metadatas in pages from one index and upserts them into the other (idempotent: a re-run
after an interruption is safe), deletes ids the target has that the source lacks, then
checks that the id sets match and that nearest-neighbour queries agree. It never switches
the setting itself: it prints exactly what to put in the config file, so the user decides
when the app starts using the other index. The source is left untouched.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass

from app.options import VectorsOptions

log = logging.getLogger(__name__)

PAGE = 1000
DEFAULT_PORT = 8000


@dataclass(frozen=True)
class Endpoint:
    """Where an index lives: a Chroma server (host, port) or embedded (host None)."""

    host: str | None
    port: int = DEFAULT_PORT

    def __str__(self) -> str:
        if not self.host:
            return "embedded"
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def parse_hostport(value: str) -> Endpoint:
    """'HOST', 'HOST:PORT' or '[IPv6]:PORT' → Endpoint (SettingsError when malformed)."""
    from app.settings import SettingsError

    m = re.fullmatch(r"\[([0-9a-fA-F:.]+)\](?::(\d+))?|([^:\s\[\]/]+)(?::(\d+))?", value.strip())
    if not m:
        raise SettingsError(f"{value!r} is not HOST:PORT (for example 127.0.0.1:8000).")
    host = m.group(1) or m.group(3)
    port = int(m.group(2) or m.group(4) or DEFAULT_PORT)
    if not 0 < port < 65536:
        raise SettingsError(f"{port} is not a TCP port.")
    return Endpoint(host, port)


def open_index(settings, endpoint: Endpoint, embedder):
    from memory.store.store import StoreLayout
    from memory.store.vectors import ChromaIndex

    if endpoint.host:
        return ChromaIndex(host=endpoint.host, port=endpoint.port, embedder=embedder)
    return ChromaIndex(path=StoreLayout(settings.paths.data_dir).vectors, embedder=embedder)


def copy_vectors(source, target, *, page: int = PAGE, progress=None) -> dict:
    """Make `target` hold exactly the vectors of `source`; returns counts and a check."""
    from memory.store.vectors import copy_index

    return copy_index(source, target, page=page, progress=progress)


def _check_not_running(data_dir) -> None:
    """An embedded Chroma must not be written by two processes: refuse while the app runs."""
    from app.single_instance import for_data_dir
    from memory.errors import StoreError

    guard = for_data_dir(data_dir)
    try:
        if not guard.acquire():
            raise StoreError("Commonplace is running; quit it before moving the vector index.")
    finally:
        guard.release()


def setting_lines(endpoint: Endpoint) -> str:
    if endpoint.host:
        return f'[memory]\nchroma_host = "{endpoint.host}"\nchroma_port = {endpoint.port}'
    return '[memory]\nchroma_host = ""'


def configured(settings) -> Endpoint:
    mem = settings.memory
    return Endpoint(mem.chroma_host or None, mem.chroma_port)


def migrate(settings, *, to: Endpoint, source: Endpoint, embedder, progress=None) -> dict:
    from memory.errors import StoreError

    if str(to) == str(source):
        raise StoreError(f"The source and the target are the same index ({to}).")
    src = open_index(settings, source, embedder)
    if src.count() == 0:
        log.warning("the source index %s is empty", source)
    dst = open_index(settings, to, embedder)
    report = copy_vectors(src, dst, progress=progress)
    report.update(source=str(source), target=str(to), config_file=str(settings.paths.config_file),
                  set=setting_lines(to), ok=report["ids_match"] and report["queries_match"])
    if not report["ok"]:
        raise StoreError(f"The copy to {to} does not match the source ({report['source_count']} "
                         f"vs {report['target_count']} vectors); the setting was not changed "
                         "and the source is intact. Run the migration again.")
    return report


def status(settings, embedder, passphrase: str | None) -> dict:
    """What the app is configured to use, how many vectors it holds, and whether SQLite agrees."""
    from memory.errors import LockedError, StoreError

    where = configured(settings)
    out: dict = {"mode": "server" if where.host else "embedded", "index": str(where),
                 "config_file": str(settings.paths.config_file)}
    try:
        index = open_index(settings, where, embedder)
        out["vectors"] = index.count()
    except StoreError as e:
        out.update(vectors=None, error=str(e))
        return out
    try:
        from memory.store import database
        from memory.store.docs import embedded_counts

        if database.is_encrypted(settings.paths.data_dir) is None:
            out["docs"] = None  # no data dir yet: status must not create one
            return out
        keys = database.unlock(settings.paths.data_dir, passphrase=passphrase, encrypt_new=False)
        db = database.connect(settings.paths.data_dir / database.DB_FILE, keys)
        try:
            out["docs"], out["docs_embedded"] = embedded_counts(db)
        finally:
            db.close()
        out["in_step"] = out["docs_embedded"] == out["vectors"]
    except LockedError:
        out["docs"] = None  # the database is encrypted and no passphrase was given
    except Exception as e:  # a missing/new database is not a fault of the vector index
        log.info("vectors status: database not read: %s", e)
        out["docs"] = None
    return out


def cmd_vectors(settings, args: VectorsOptions) -> int:
    from app.settings import SettingsError
    from app.wiring import build_embedder, read_passphrase

    embedder = build_embedder(settings)
    if args.vectors_cmd == "status":
        out = status(settings, embedder, read_passphrase(args.passphrase_file))
        human = (f"vector index: {out['index']} ({out['mode']}), {out['vectors']} vectors"
                 + (f"; {out['docs_embedded']} of {out['docs']} docs embedded"
                    + ("" if out.get("in_step") else " (out of step: the app repairs this "
                                                     "at its next start)")
                    if out.get("docs") is not None else "")
                 + (f"\nerror: {out['error']}" if out.get("error") else ""))
    else:
        _check_not_running(settings.paths.data_dir)
        if args.to_server:
            to = parse_hostport(args.to_server)
            source = parse_hostport(args.source) if args.source else Endpoint(None)
        else:
            to = Endpoint(None)
            source = parse_hostport(args.source) if args.source else configured(settings)
            if not source.host:
                raise SettingsError("No Chroma server is configured ([memory] chroma_host); "
                                    "name it with --from HOST:PORT.")
        out = migrate(settings, to=to, source=source, embedder=embedder)
        human = (f"copied {out['copied']} vectors from {out['source']} to {out['target']}; "
                 f"verified: {out['target_count']} vectors, same ids, same nearest neighbours.\n"
                 f"The app still uses {configured(settings)}. To switch, put this in "
                 f"{out['config_file']}:\n\n{out['set']}\n\n"
                 f"The source index was left as it was.")
    if args.json:
        print(json.dumps(out, ensure_ascii=False, default=str))
    else:
        print(human)
    return 0
