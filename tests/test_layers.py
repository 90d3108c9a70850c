"""The import direction of STYLE.md §1, checked by parsing every module's imports."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE = ("capture", "memory", "models")
FORBIDDEN = {
    "models": {"app", "ui", "memory", "capture", "PySide6"},
    "memory": {"app", "ui", "capture", "PySide6"},
    "capture": {"app", "ui", "PySide6"},
    "ui": {"app"},
}


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module.split(".")[0])
    return out


def test_layers_import_only_downwards():
    bad = []
    for pkg, forbidden in FORBIDDEN.items():
        for f in (ROOT / pkg).rglob("*.py"):
            hit = imports(f) & forbidden
            if hit:
                bad.append(f"{f.relative_to(ROOT)} imports {sorted(hit)}")
    assert not bad, bad


def test_no_module_singletons_of_heavy_objects():
    """Nothing builds a store, model or client at import time (STYLE.md §2)."""
    for pkg in CORE + ("app", "ui"):
        for f in (ROOT / pkg).rglob("*.py"):
            tree = ast.parse(f.read_text("utf-8"))
            for node in tree.body:
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                    name = ast.unparse(node.value.func)
                    assert not any(x in name for x in ("Llama", "PersistentClient", "Store.open",
                                                       "RapidOCR", "OnnxEmbedder")), f
