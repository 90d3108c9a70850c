"""Text from the accessibility tree on a real X desktop: Xvfb + openbox + a private D-Bus
session with at-spi2-core's accessibility bus, and real Qt and GTK windows.

The text read must equal what the windows show; a password field's content (and its
masked dots) never reaches the store or the log; capture stores the tree's lines with
their source and OCRs only what lies outside the window.
"""

from __future__ import annotations

import logging
import os
import queue
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from capture.a11y import A11yReader, A11yTuning
from capture.a11y_bus import bus_answers, enable_accessibility
from capture.idle import NullIdleSource
from capture.ocr import OcrEngine
from capture.service import CaptureService
from capture.settings import CaptureSettings, PrivacySettings
from capture.window_x11 import XlibWindowSource
from tests.integration import desktop_bus
from tests.integration.conftest import openbox_on, stop_process, xvfb_display
from tests.integration.test_capture_xvfb import settle, until

SYSTEM_PYTHON = "/usr/bin/python3"       # Debian's, where python3-gi lives
QT_SECRET = "qtsecret-5521-hunter"
GTK_SECRET = "gtksecret-8830-swordfish"
IBAN = "DE89 3704 0044 0532 0130 00"

QT_LINES = ["Quarterly budget review", f"Account {IBAN}", "plain line edit",
            "First line of notes", "Second line here", "Third one",
            "Item", "Cost", "Rent", "1200", "Food", "340", "Save report"]

QT_APP = textwrap.dedent(r'''
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import (QApplication, QLabel, QLineEdit, QPlainTextEdit,
                                   QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout,
                                   QWidget)
    secret, iban = sys.argv[1], sys.argv[2]
    app = QApplication(sys.argv[:1])
    app.setFont(QFont("DejaVu Sans", 14))
    w = QWidget()
    w.setWindowTitle("Ledger - QtApp")
    lay = QVBoxLayout(w)
    lay.addWidget(QLabel("Quarterly budget review"))
    lay.addWidget(QLabel("Account " + iban))
    pw = QLineEdit()
    pw.setEchoMode(QLineEdit.EchoMode.Password)
    pw.setText(secret)
    lay.addWidget(pw)
    lay.addWidget(QLineEdit("plain line edit"))
    ed = QPlainTextEdit()
    ed.setPlainText("First line of notes\nSecond line here\nThird one")
    lay.addWidget(ed)
    t = QTableWidget(2, 2)
    t.setHorizontalHeaderLabels(["Item", "Cost"])
    t.verticalHeader().hide()
    for r, (a, b) in enumerate([("Rent", "1200"), ("Food", "340")]):
        t.setItem(r, 0, QTableWidgetItem(a))
        t.setItem(r, 1, QTableWidgetItem(b))
    lay.addWidget(t)
    lay.addWidget(QPushButton("Save report"))
    w.setGeometry(40, 40, 900, 760)
    w.show()
    QTimer.singleShot(500, lambda: print("ready", int(w.winId()), flush=True))
    app.exec()
''')

GTK_LINES = ["Ada Lovelace phone 0401 555 210", "visible entry text", "Project docs",
             "https://example.org/docs", "Document", "State", "Invoice 7731", "paid",
             "Invoice 7732", "open"]

GTK_APP = textwrap.dedent(r'''
    import sys
    import gi
    gi.require_version("Gtk", "3.0")
    from gi.repository import GLib, Gtk
    w = Gtk.Window(title="Contacts - GtkApp")
    box = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=6)
    box.pack_start(Gtk.Label(label="Ada Lovelace phone 0401 555 210"), False, False, 0)
    e = Gtk.Entry()
    e.set_text("visible entry text")
    box.pack_start(e, False, False, 0)
    pw = Gtk.Entry()
    pw.set_visibility(False)
    pw.set_text(sys.argv[1])
    box.pack_start(pw, False, False, 0)
    box.pack_start(Gtk.LinkButton.new_with_label("https://example.org/docs", "Project docs"),
                   False, False, 0)
    store = Gtk.ListStore(str, str)
    store.append(["Invoice 7731", "paid"])
    store.append(["Invoice 7732", "open"])
    tv = Gtk.TreeView(model=store)
    for i, t in enumerate(["Document", "State"]):
        tv.append_column(Gtk.TreeViewColumn(t, Gtk.CellRendererText(), text=i))
    box.pack_start(tv, False, False, 0)
    w.add(box)
    w.set_default_size(700, 500)
    w.move(200, 120)
    w.connect("destroy", Gtk.main_quit)
    w.show_all()
    GLib.timeout_add(400, lambda: print("ready", w.get_window().get_xid(), flush=True) and False)
    Gtk.main()
''')


def _gtk_missing() -> str | None:
    if not Path(SYSTEM_PYTHON).exists():
        return f"{SYSTEM_PYTHON} is not installed"
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import gi; gi.require_version('Gtk', '3.0')"],
                           capture_output=True, timeout=30)
    if probe.returncode:
        return "python3-gi / gir1.2-gtk-3.0 are not installed (apt-get install python3-gi " \
               "gir1.2-gtk-3.0)"
    return None


class App:
    """A toolkit window in its own process, ended by PID."""

    def __init__(self, argv: list[str], env: dict) -> None:
        self.proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("ready"):
            raise RuntimeError(f"{argv[1]} did not start (exit {self.proc.poll()})")
        self.winid = int(line.split()[1])

    def focus(self) -> None:
        for cmd in ("windowactivate", "windowfocus"):
            subprocess.run(["xdotool", cmd, "--sync", str(self.winid)], env=dict(os.environ),
                           timeout=5, check=False, capture_output=True)
        time.sleep(0.3)


@pytest.fixture
def a11y_desktop(tmp_path):
    """Xvfb + openbox + a private session bus with the accessibility bus; accessibility
    switched on the way capture does it; a factory of Qt and GTK windows."""
    if not (shutil.which("Xvfb") and shutil.which("openbox") and shutil.which("xdotool")):
        pytest.skip("needs Xvfb, openbox and xdotool (apt-get install xvfb openbox xdotool)")
    why = desktop_bus.missing()
    if why:
        pytest.skip(why)
    made: list[App] = []
    with xvfb_display() as display, openbox_on(display), desktop_bus.session_bus():
        enable_accessibility()
        env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb",
                   QT_LOGGING_RULES="*.debug=false;qt.qpa.*=false")
        env.pop("NO_AT_BRIDGE", None)   # GTK's switch that keeps an app off the bus

        def qt() -> App:
            script = tmp_path / "ledger_qt.py"
            script.write_text(QT_APP)
            made.append(App([sys.executable, str(script), QT_SECRET, IBAN], env))
            return made[-1]

        def gtk() -> App:
            why = _gtk_missing()
            if why:
                pytest.skip(why)
            script = tmp_path / "contacts_gtk.py"
            script.write_text(GTK_APP)
            made.append(App([SYSTEM_PYTHON, str(script), GTK_SECRET], env))
            return made[-1]

        try:
            yield SimpleNamespace(display=display, qt=qt, gtk=gtk)
        finally:
            for app in made:
                stop_process(app.proc)


def _read(display: str):
    """The focused window and its tree text, read by a fresh reader."""
    src = XlibWindowSource(display)
    reader = A11yReader.open(A11yTuning(budget_s=5.0))   # generous: a cold tree, a busy CI
    try:
        win = src.active()
        return win, reader.read(win)
    finally:
        reader.close()
        src.close()


def test_qt_window_text_is_read_exactly_and_the_password_is_not(a11y_desktop):
    ok, line = bus_answers()
    assert ok, line
    app = a11y_desktop.qt()
    app.focus()
    win, text = _read(a11y_desktop.display)
    assert win.title == "Ledger - QtApp"
    assert text is not None and text.complete and text.covers
    assert text.window_name == "Ledger - QtApp"
    assert [l.text for l in text.lines] == QT_LINES
    assert text.passwords == 1
    joined = "\n".join(l.text for l in text.lines)
    assert QT_SECRET not in joined and "\u25cf" not in joined and "*" * 5 not in joined
    # Lines are placed on screen inside the window.
    x0, y0, x1, y1 = text.window_box
    for l in text.lines:
        assert l.box is not None and x0 <= l.box[0] < x1 and y0 <= l.box[1] < y1, l


def test_gtk_window_text_and_link_are_read_exactly_and_the_password_is_not(a11y_desktop):
    app = a11y_desktop.gtk()
    app.focus()
    win, text = _read(a11y_desktop.display)
    assert win.title == "Contacts - GtkApp"
    assert text is not None and text.covers
    assert [l.text for l in text.lines] == GTK_LINES
    link = [l for l in text.lines if l.source == "a11y-link"]
    assert [l.text for l in link] == ["https://example.org/docs"]
    assert text.passwords == 1
    assert not any(GTK_SECRET in l.text or "\u25cf" in l.text for l in text.lines)


class SpyOcr(OcrEngine):
    def __init__(self) -> None:
        super().__init__(max_width=1280)
        self.calls: list = []

    def recognize(self, image, region=None):
        self.calls.append(region)
        return super().recognize(image, region)


def test_capture_stores_tree_text_with_its_source_and_never_the_password(
        a11y_desktop, plain_store, caplog):
    caplog.set_level(logging.DEBUG)
    qt = a11y_desktop.qt()
    gtk = a11y_desktop.gtk()
    qt.focus()
    ocr = SpyOcr()
    settings = CaptureSettings(interval_s=0.5, window_poll_s=0.2, full_ocr_every=50,
                               batch_frames=100, min_free_disk_mb=10, a11y_budget_ms=2000)
    svc = CaptureService(plain_store, ocr, settings, PrivacySettings(encrypt=False),
                         XlibWindowSource(a11y_desktop.display), NullIdleSource(),
                         queue.Queue(), text_source=A11yReader(
                             tuning=A11yTuning(budget_s=settings.a11y_budget_ms / 1000)))
    svc.start()
    try:
        until(lambda: svc.status().frames_a11y >= 1, what="a frame read from the tree")
        settle(svc)
        qt_frame = plain_store.frames.last()
        gtk.focus()
        until(lambda: plain_store.frames.last().app != qt_frame.app, what="the GTK frame")
        settle(svc)
        gtk_frame = plain_store.frames.last()
    finally:
        status = svc.stop(20)
    assert status.frames_a11y >= 2, status

    # The Qt window's lines come from the tree, in order, redacted as OCR text is.
    tree = [l.text for l in qt_frame.ocr_lines if l.source == "a11y"]
    masked = [t for t in QT_LINES if "DE89" not in t]
    assert [t for t in tree if "Account" not in t] == masked
    assert any(t.startswith("Account") and "0532" not in t for t in tree), tree
    assert all(l.score == 1.0 for l in qt_frame.ocr_lines if l.source == "a11y")
    # OCR was asked only for parts of the screen (outside the window, its title bar):
    # never the whole frame, never the window's text area.
    assert ocr.calls and None not in ocr.calls, ocr.calls
    wx0, wy0 = 40, 40
    assert not any(r[0] >= wx0 + 20 and r[1] >= wy0 + 20 and r[2] <= wx0 + 880 and
                   r[3] <= wy0 + 740 for r in ocr.calls), ocr.calls
    gtree = [l.text for l in gtk_frame.ocr_lines if l.source in ("a11y", "a11y-link")]
    assert gtree == GTK_LINES
    assert [l.source for l in gtk_frame.ocr_lines if l.text == "https://example.org/docs"] \
        == ["a11y-link"]

    # No password, and no masked dots, anywhere: files, database, log.
    needles = [QT_SECRET.encode(), GTK_SECRET.encode(), "\u25cf\u25cf".encode(), b"0532 0130"]
    for path in Path(plain_store.layout.data_dir).rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(n in data for n in needles), path
    assert not any(n.decode() in r.getMessage() for r in caplog.records for n in needles)


def test_doctor_reports_the_session_source_and_the_accessibility_bus(a11y_desktop, tmp_path):
    from app.doctor import capture_checks
    from app.settings import load_settings

    a11y_desktop.qt()
    settings = load_settings(data_dir=tmp_path / "d", config_file=tmp_path / "none.toml")
    checks = {c["name"]: c for c in capture_checks(settings)}
    assert checks["session"]["ok"] and checks["session"]["detail"].startswith("x11")
    assert checks["screen source"]["detail"].startswith("x11: mss")
    assert checks["screen consent"]["ok"]
    bus = checks["accessibility bus"]
    assert bus["ok"] and "1 application(s)" in bus["detail"] and "IsEnabled on" in bus["detail"]
