"""The import direction of STYLE.md §1 and the store boundary, checked by parsing every module.

- No Qt in the core; nothing imports `app`, and `ui` does not import it either.
- The store is the only code that knows tables: no SQL runs outside `memory/store/`.
- `capture` does not import `memory.store.*` either (its types are its own or shared in
  `memory.ocr_types`; it writes through the `Store` from `memory.api`).
- `ui` reads the memory core through its public API (`memory.api`: plain data types, and the
  store's repositories it is handed), never through `memory.store.*`, and never touches a
  repository's private connection (`_db`, `_col`) or the store's `db`.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE = ("capture", "memory", "models")
FORBIDDEN = {
    "models": {"app", "ui", "memory", "capture", "PySide6"},
    "memory": {"app", "ui", "capture", "PySide6"},
    "capture": {"app", "ui", "PySide6"},
    "ui": {"app"},
}
# What runs SQL: a cursor or connection's execute/executemany, sqlite-utils' query(), and
# its table access db["name"] (on a `db` or `_db` attribute or name).
SQL_CALLS = {"execute", "executemany", "executescript", "query"}
SQL_TABLE = re.compile(r"(^|\.)_?db$")
# The store's public read API for the UI; everything else under memory.store is internal.
UI_MEMORY_API = "memory.api"
PRIVATE_STORE_ATTRS = {"_db", "_col", "db"}


def _py(pkg: str):
    return sorted((ROOT / pkg).rglob("*.py"))


def _rel(f: Path) -> str:
    return f.relative_to(ROOT).as_posix()


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, by its full dotted name (inside functions too)."""
    tree = ast.parse(path.read_text("utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
    return out


def imports(path: Path) -> set[str]:
    return {m.split(".")[0] for m in imported_modules(path)}


def sql_sites(path: Path) -> list[str]:
    """'file:line: what' for each SQL call or table access in a file."""
    tree = ast.parse(path.read_text("utf-8"))
    out = []
    for node in ast.walk(tree):
        what = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr in SQL_CALLS:
            what = f".{node.func.attr}("
        elif isinstance(node, ast.Subscript) and SQL_TABLE.search(ast.unparse(node.value)):
            what = f"{ast.unparse(node.value)}[...]"
        if what:
            out.append(f"{_rel(path)}:{node.lineno}: {what}")
    return out


def test_layers_import_only_downwards():
    bad = []
    for pkg, forbidden in FORBIDDEN.items():
        for f in _py(pkg):
            hit = imports(f) & forbidden
            if hit:
                bad.append(f"{_rel(f)} imports {sorted(hit)}")
    assert not bad, bad


def test_no_sql_outside_the_store():
    """Only memory/store/ runs SQL. `VectorIndex.query` is the one `.query(` allowed
    elsewhere, and it is only called inside the store too, so no exception is needed."""
    bad = [site for pkg in ("app", "capture", "memory", "ui") for f in _py(pkg)
           if not _rel(f).startswith("memory/store/") for site in sql_sites(f)]
    assert not bad, bad


def test_the_sql_check_finds_sql():
    """The check above must be able to fail: it finds each form in the store's own code."""
    found = "\n".join(s for f in _py("memory/store") for s in sql_sites(f))
    for form in (".execute(", ".executemany(", ".query(", '_db["', 'db["'):
        probe = form if not form.endswith('["') else form[:-2] + "[...]"
        assert probe in found, form


def store_reaches(path: Path, name: str) -> list[str]:
    """'name:line: what' for each way a UI file reaches past memory.api into the store."""
    bad = []
    store = sorted(m for m in imported_modules(path) if m.startswith("memory.store"))
    if store:
        bad.append(f"{name} imports {store} (use {UI_MEMORY_API})")
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in PRIVATE_STORE_ATTRS:
            bad.append(f"{name}:{node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Call) and ast.unparse(node.func) == "getattr" and \
                len(node.args) > 1 and isinstance(node.args[1], ast.Constant) and \
                node.args[1].value in PRIVATE_STORE_ATTRS:
            bad.append(f"{name}:{node.lineno}: getattr(..., {node.args[1].value!r})")
    return bad


def test_capture_does_not_reach_into_the_store():
    """capture describes its own output (`memory.ocr_types.OcrLine`, `capture.images`) and
    writes frames through the `Store` it is handed (`memory.api`), never `memory.store.*`."""
    bad = [f"{_rel(f)} imports {m}" for f in _py("capture")
           for m in sorted(imported_modules(f)) if m.startswith("memory.store")]
    assert not bad, bad


def test_ui_reads_the_memory_core_through_its_public_api():
    bad = [site for f in _py("ui") for site in store_reaches(f, _rel(f))]
    assert not bad, bad
    assert (ROOT / (UI_MEMORY_API.replace(".", "/") + ".py")).exists()


def test_the_ui_check_finds_store_reaches(tmp_path):
    """The check above must be able to fail: each way past memory.api is reported."""
    f = tmp_path / "probe.py"
    f.write_text("from memory.store.threads import ThreadRepo\n"
                 "import memory.api\n"
                 "def job(store):\n"
                 "    with store.db.atomic():\n"
                 "        return ThreadRepo(getattr(store, '_db')), store.docs._col\n", "utf-8")
    got = store_reaches(f, "probe.py")
    assert sorted(got) == sorted(["probe.py imports ['memory.store.threads'] (use memory.api)",
                                  "probe.py:4: .db", "probe.py:5: getattr(..., '_db')",
                                  "probe.py:5: ._col"]), got


def test_ui_receives_its_collaborators():
    """app/ is the one composition root: the UI builds no answerer, retriever or store."""
    bad = []
    for f in _py("ui"):
        for node in ast.walk(ast.parse(f.read_text("utf-8"))):
            name = ast.unparse(node.func) if isinstance(node, ast.Call) else ""
            if name.split(".")[-1] in ("Answerer", "Retriever", "MemoryRepo", "Store") or \
                    name.endswith("Store.open"):
                bad.append(f"{_rel(f)}:{node.lineno}: {name}(...)")
    assert not bad, bad


def test_no_module_singletons_of_heavy_objects():
    """Nothing builds a store, model or client at import time (STYLE.md §2)."""
    for pkg in CORE + ("app", "ui"):
        for f in _py(pkg):
            tree = ast.parse(f.read_text("utf-8"))
            for node in tree.body:
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                    name = ast.unparse(node.value.func)
                    assert not any(x in name for x in ("Llama", "PersistentClient", "Store.open",
                                                       "RapidOCR", "OnnxEmbedder")), f
