"""Migrations m002-m003: the memory tables, registered on the one `MIGRATIONS` object.

  memories               one item of a memory type (fields JSON + a searchable `text`);
                         never hard-deleted: status active | superseded | deleted
  memory_sources         the observations (frame manifest values / capture refs, chat turn
                         refs '<sample>:<dia>') a memory cites
  memory_versions        every value a memory ever had (the earlier value survives an update);
                         a sensitive vault value is masked in `fields` and sealed in
                         `sealed_value` (m003), as in `memories`
  memory_ops             the audit log: add | update | merge | delete | none | pin | skip
  processed_observations the frames and turns the pipeline has taken (its idempotency marker)
"""

import json

from memory.store.schema import MIGRATIONS


@MIGRATIONS()
def m002_memories(db):
    db["memories"].create({
        "id": int, "type": str, "fields": str, "text": str, "identity": str,
        "importance": float, "strength": float, "access_count": int, "pinned": int,
        "status": str, "superseded_by": int, "parent_id": int, "tier": str,
        "sensitive": int, "sealed_value": str, "doc_id": int, "occurred_at": str,
        "occurred_epoch": float, "created_at": str, "updated_at": str,
        "last_accessed_at": str,
    }, pk="id", not_null={"type", "fields", "text", "status", "tier"},
        defaults={"importance": 0.3, "strength": 1.0, "access_count": 0, "pinned": 0,
                  "status": "active", "sensitive": 0})
    db["memories"].create_index(["type", "status"])
    db["memories"].create_index(["identity"])
    db["memories"].create_index(["occurred_epoch"])
    db["memories"].create_index(["parent_id"])
    db["memories"].create_index(["doc_id"])
    db["memories"].create_index(["type", "text"])
    db["memory_sources"].create({"memory_id": int, "source": str, "ts": str},
                                pk=("memory_id", "source"),
                                foreign_keys=[("memory_id", "memories", "id")])
    db["memory_sources"].create_index(["source"])
    db["memory_versions"].create({"memory_id": int, "version": int, "fields": str, "op": str,
                                  "at": str, "reason": str}, pk=("memory_id", "version"),
                                 foreign_keys=[("memory_id", "memories", "id")])
    db["memory_ops"].create({"id": int, "op": str, "memory_id": int, "type": str, "at": str,
                             "reason": str, "tier": str}, pk="id")
    db["memory_ops"].create_index(["memory_id"])
    db["processed_observations"].create({"ref": str, "kind": str, "ref_id": int, "at": str,
                                         "batch": str}, pk="ref")


@MIGRATIONS()
def m003_versions_sealed(db):
    """Versions hold a sensitive vault value sealed, never in clear text. Versions written
    before this kept it in their fields: those values are masked (the current value stays
    sealed on its memory)."""
    from memory.items import is_sensitive, masked

    db["memory_versions"].add_column("sealed_value", str)
    rows = db.execute("SELECT v.memory_id, v.version, v.fields, m.type FROM memory_versions v "
                      "JOIN memories m ON m.id = v.memory_id WHERE m.type = 'vault'").fetchall()
    for memory_id, version, fields, type_ in rows:
        f = json.loads(fields)
        if is_sensitive(type_, f) and masked(type_, f) != f:
            db.execute("UPDATE memory_versions SET fields = ? WHERE memory_id = ? AND version = ?",
                       [json.dumps(masked(type_, f), ensure_ascii=False), memory_id, version])
