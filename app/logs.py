"""Where the log goes: INFO and up to a private file under the data dir, one line per
record on stderr. Tracebacks go to the file only (README: "never to the screen")."""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import threading

from app.settings import Settings

log = logging.getLogger("commonplace")


class _OneLine(logging.Formatter):
    """The terminal gets one line per record: a traceback goes to the log file only."""

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info = record.exc_text = record.stack_info = None
        try:
            return super().format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved


class _PrivateLogFile(logging.handlers.RotatingFileHandler):
    """The log file (and every rotated one) is readable by its owner only."""

    def _open(self):
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)   # a log left by an older version was 0644
        return open(fd, self.mode, encoding=self.encoding, errors=self.errors)


def _not_file_only(record: logging.LogRecord) -> bool:
    return not getattr(record, "file_only", False)


def setup_logging(settings: Settings, verbose: bool, *, to_file: bool = True,
                   hooks: bool = False) -> None:
    """INFO and up to the log file under the data dir (0600 in a 0700 folder); WARNING and
    up (INFO with -v) to stderr, one line each. Unhandled errors anywhere (a Qt slot, a
    thread) are logged the same way instead of printing a traceback."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    err = logging.StreamHandler(sys.stderr)
    err.setLevel(logging.INFO if verbose else logging.WARNING)
    err.setFormatter(_OneLine("%(levelname)s %(name)s: %(message)s"))
    err.addFilter(_not_file_only)
    root.addHandler(err)
    if to_file:
        try:
            logs = settings.paths.logs_dir
            logs.mkdir(parents=True, exist_ok=True, mode=0o700)
            logs.chmod(0o700)
            for old in logs.glob("commonplace.log*"):
                old.chmod(0o600)
            fh = _PrivateLogFile(logs / "commonplace.log", maxBytes=2_000_000, backupCount=3)
            fh.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
            root.addHandler(fh)
        except OSError:
            pass  # an unwritable data dir is reported by the store with a clear message
    for noisy in ("chromadb", "httpx", "onnxruntime", "RapidOCR", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # "run skipped: maximum number of running instances reached" is the capture poll being
    # throttled on a busy machine, by design (max_instances=1): not worth a line a second.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    if hooks:   # the long-running commands: a Qt slot's or a thread's error, one line
        sys.excepthook = lambda t, v, tb: log.error("unhandled %s", t.__name__,
                                                    exc_info=(t, v, tb))
        threading.excepthook = lambda a: log.error(
            "unhandled %s in thread %s", a.exc_type.__name__, getattr(a.thread, "name", "?"),
            exc_info=(a.exc_type, a.exc_value, a.exc_traceback) if a.exc_value is not None
            else None)   # a raised exception always has its value
