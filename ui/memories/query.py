"""Read memories for the browser (plain Python). The `memories` table belongs to the memory
pipeline, which may not exist yet; its columns are discovered, never assumed."""

from __future__ import annotations

TYPE_COLUMNS = ("type", "kind", "category")
TEXT_COLUMNS = ("text", "content", "summary", "body", "title")
TIME_COLUMNS = ("updated_at", "created_at", "ts", "ts_epoch")


def list_memories(db, *, type_: str | None = None, limit: int = 500) -> dict | None:
    """{'types': [...], 'rows': [{'type','text','when'}]}, or None when there is no table."""
    names = {r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table','view')").fetchall()}
    if "memories" not in names:
        return None
    cols = [r[1] for r in db.execute("PRAGMA table_info(memories)").fetchall()]
    tcol = next((c for c in TYPE_COLUMNS if c in cols), None)
    xcol = next((c for c in TEXT_COLUMNS if c in cols), None)
    wcol = next((c for c in TIME_COLUMNS if c in cols), None)
    if xcol is None:
        return {"types": [], "rows": []}
    # column names come from PRAGMA (known identifiers); user input only as a parameter
    sel = ", ".join(f'"{c}"' if c else "NULL" for c in (tcol, xcol, wcol))
    sql = f"SELECT {sel} FROM memories"
    args: list = []
    where = []
    if "status" in cols:   # superseded and deleted memories are history, not the list
        where.append('"status" = ?')
        args.append("active")
    if type_ and tcol:
        where.append(f'"{tcol}" = ?')
        args.append(type_)
    if where:
        sql += " WHERE " + " AND ".join(where)
    if wcol:
        sql += f' ORDER BY "{wcol}" DESC'
    sql += " LIMIT ?"
    args.append(limit)
    rows = [{"type": r[0] or "", "text": r[1] or "", "when": r[2]}
            for r in db.execute(sql, args).fetchall()]
    types = ([r[0] for r in db.execute(
        f'SELECT DISTINCT "{tcol}" FROM memories ORDER BY 1').fetchall() if r[0]]
        if tcol else [])
    return {"types": types, "rows": rows}
