"""The one composition root: builds the concrete objects in order and hands each its parts.

Nothing here is global: `open_core()` returns a `Core` whose `close()` is the single
shutdown path. Models are prepared on first use into the data dir (the embedding model is
converted from its PyPI package, the default GGUF assembled from its chunk packages);
nothing is downloaded.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from app.hygiene import take_env_secret, wipe
from app.settings import Settings
from capture.ocr import OcrEngine
from memory.answer import Answerer
from memory.errors import LockedError
from memory.retrieval import Retriever
from memory.store.frames import FrameRepo
from memory.store.memories import MemoryRepo
from memory.store.store import Store
from models.backend import LlmBackend

log = logging.getLogger(__name__)

PASSPHRASE_ENV = "COMMONPLACE_PASSPHRASE"
_MAX_PASSPHRASE_FILE = 64 * 1024   # only the first line counts; a passphrase is short


def read_passphrase(passphrase_file: Path | None) -> str | None:
    """From --passphrase-file (first line) or $COMMONPLACE_PASSPHRASE; None if neither.

    The file is read into a buffer that is wiped once its first line is decoded; the
    environment variable is taken out of the environment (children do not inherit it) and
    its bytes overwritten. The caller wipes the returned string when done (`hygiene.wipe`).
    """
    if passphrase_file:
        return _first_line(Path(passphrase_file))
    return take_env_secret(PASSPHRASE_ENV)


def _first_line(path: Path) -> str:
    buf = bytearray(_MAX_PASSPHRASE_FILE)   # read in place: no bytes copy to free unwiped
    try:
        got = 0
        with open(path, "rb", buffering=0) as f:    # also a pipe: --passphrase-file <(...)
            with memoryview(buf) as view:
                while got < len(buf) and buf.find(b"\n", 0, got) < 0:
                    n = f.readinto(view[got:])
                    if not n:
                        break
                    got += n
        end = min(i for i in (buf.find(b"\n", 0, got), buf.find(b"\r", 0, got), got)
                  if i >= 0)
        with memoryview(buf) as view:
            line = str(view[:end], "utf-8")
    except OSError as e:
        raise LockedError(f"Cannot read the passphrase file {path}: "
                          f"{e.strerror or e}.") from e
    except UnicodeDecodeError:
        raise LockedError(f"The passphrase file {path} is not UTF-8 text.") from None
    finally:
        wipe(buf)
    if not line:
        raise LockedError(f"The passphrase file {path} is empty.")
    return line


@dataclass
class Core:
    """The headless application: the store and its repositories, OCR, retrieval and the
    answerer; the LLM is built lazily. Front ends receive these, they build none."""

    settings: Settings
    store: Store
    ocr: OcrEngine
    retriever: Retriever
    _backend: LlmBackend | None = field(default=None, repr=False)

    @property
    def frames(self) -> FrameRepo:
        return self.store.frames

    @property
    def memories(self) -> MemoryRepo:
        return self.store.memories

    def answerer(self, backend) -> Answerer:
        """The chat's answerer over this core's retrieval, with `backend` (a callable that
        builds the LLM, or None: the reader alone). It reinforces the memories it cites."""
        return Answerer(self.retriever, backend, store=self.store,
                        tuning=self.settings.memory.answer_tuning)

    def backend(self) -> LlmBackend:
        if self._backend is None:
            from app.prepare import ensure_bundled_gguf
            from models.factory import build_backend

            if self.settings.llm.backend == "llama" and self.settings.llm.model == "bundled":
                ensure_bundled_gguf(self.settings.paths.models_dir)
            self._backend = build_backend(self.settings.llm, self.settings.paths.models_dir)
            log.info("llm backend ready: %s", self.settings.llm.backend)
        return self._backend

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
        self.store.close()
        log.info("core closed")


def build_embedder(settings: Settings):
    from app.prepare import ensure_minilm
    from models.embeddings import OnnxEmbedder

    return OnnxEmbedder(ensure_minilm(settings.paths.models_dir),
                        threads=settings.memory.embed_threads)


def open_core(settings: Settings, *, passphrase: str | None, repair: bool = True) -> Core:
    embedder = build_embedder(settings)
    log.info("embedder ready")
    mem = settings.memory
    store = Store.open(settings.paths.data_dir, passphrase=passphrase,
                       encrypt_new=settings.privacy.encrypt, embedder=embedder,
                       chroma_host=mem.chroma_host or None, chroma_port=mem.chroma_port)
    if repair:
        store.repair()
    ocr = OcrEngine(max_width=settings.capture.ocr_max_width)
    retriever = Retriever(store, tuning=mem.retrieval_tuning)
    return Core(settings=settings, store=store, ocr=ocr, retriever=retriever)
