"""The frame viewer: the screenshot, its window metadata, and its OCR text (selectable).

A frame opened from a citation carries a `Highlight`: the answer (and the question) it was
cited for. The OCR lines that hold the answer, or failing that the lines that share most of
its words (else the question's), are boxed on the image and marked in the text beside it,
from the boxes OCR recorded when the frame was captured.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QImage,
    QPainter,
    QPen,
    QPixmap,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QSplitter,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from memory.text import content_words, stem

log = logging.getLogger(__name__)
MAX_MARKED = 6                  # lines boxed at most: more would hide what answered
MIN_LINE_CHARS = 4              # an OCR line this short inside the answer is no evidence
MARK_FILL = QColor(255, 214, 0, 70)
MARK_EDGE = QColor(230, 120, 0)


@dataclass(frozen=True)
class Highlight:
    """What a frame was opened for: the answer's text, and the question as a fallback."""

    answer: str = ""
    question: str = ""

    def lines(self, ocr_lines) -> list:
        """The OCR lines to mark, in reading order: those that hold an answer line (or that
        an answer line holds: one answer spanning several OCR boxes); else those sharing
        most of the answer's own words (what it adds to the question: the value); else most
        of all its words; else most of the question's."""
        phrases = [_norm(a) for a in self.answer.splitlines() if _norm(a)]
        held = [l for l in ocr_lines if _holds(phrases, _norm(l.text))]
        if held:
            return held[:MAX_MARKED]
        answer, question = _stems(self.answer), _stems(self.question)
        for wanted in (answer - question, answer, question):
            best = _sharing_most(ocr_lines, wanted)
            if best:
                return best[:MAX_MARKED]
        return []


def _norm(s: str) -> str:
    return " ".join(s.casefold().split())


def _holds(phrases: list[str], line: str) -> bool:
    if not line:
        return False
    return any(p in line or (len(line) >= MIN_LINE_CHARS and line in p and content_words(line))
               for p in phrases)


def _stems(text: str) -> set[str]:
    return {stem(w) for w in content_words(text)}


def _sharing_most(ocr_lines, wanted: set[str]) -> list:
    if not wanted:
        return []
    scored = [(len(wanted & _stems(l.text)), l) for l in ocr_lines]
    top = max((n for n, _ in scored), default=0)
    return [l for n, l in scored if n == top] if top else []


class FrameViewer(QWidget):
    """The image large; its text in a panel beside it that folds away (the "Text" button).
    Whether the panel is open is remembered for the session: every viewer, and every frame
    shown, opens the way the user last left it."""

    text_open = True          # the session's choice (class-wide: all viewers share it)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.frame = None
        self._image: QImage | None = None
        self.marked: list = []          # the OCR lines boxed on the shown frame
        self.meta = QLabel()
        self.meta.setAccessibleName("Frame details")
        self.meta.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.meta.setWordWrap(True)
        self.notice = QLabel()          # calm inline messages: missing image, empty day
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.image = QLabel()
        self.image.setAccessibleName("Frame image")
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setMinimumSize(320, 200)
        self.image.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)     # read-only still selects and copies
        self.text.setAccessibleName("Frame text")
        self.text.setPlaceholderText("No text was read on this frame.")
        self.text_toggle = QToolButton()
        self.text_toggle.setCheckable(True)
        self.text_toggle.setAccessibleName("Show the frame's text")
        self.text_toggle.setToolTip("Show or hide the text read on this frame")
        self.text_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.split = split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.image)
        split.addWidget(self.text)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        head = QHBoxLayout()
        head.addWidget(self.meta, 1)
        head.addWidget(self.text_toggle)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(head)
        lay.addWidget(self.notice)
        lay.addWidget(split, 1)
        self._apply_text_open(FrameViewer.text_open)
        self.text_toggle.toggled.connect(self.set_text_open)
        self.image.installEventFilter(self)   # the image fills what the text panel frees

    def eventFilter(self, obj, e) -> bool:
        if obj is self.image and e.type() == QEvent.Type.Resize:
            self._rescale()
        return super().eventFilter(obj, e)

    def set_text_open(self, open_: bool) -> None:
        """Open or fold the text panel, and remember it for the session."""
        FrameViewer.text_open = open_
        self._apply_text_open(open_)

    def _apply_text_open(self, open_: bool) -> None:
        self.text.setVisible(open_)
        self.text_toggle.blockSignals(True)
        self.text_toggle.setChecked(open_)
        self.text_toggle.blockSignals(False)
        self.text_toggle.setText("Text ▾" if open_ else "Text ▸")

    def showEvent(self, e) -> None:
        """Another viewer (or this one before) may have changed the session's choice."""
        super().showEvent(e)
        if self.text.isVisibleTo(self) != FrameViewer.text_open:
            self._apply_text_open(FrameViewer.text_open)

    def show_frame(self, frame, highlight: Highlight | None = None) -> None:
        """Rows first (instant); the image follows through `set_image` or `set_error`.
        With a `highlight`, the lines that answered are boxed on the image and marked in
        the text."""
        self.frame = frame
        self.marked = highlight.lines(frame.ocr_lines) if highlight else []
        title = frame.window_title or "(no title)"
        url = f" · {frame.url}" if frame.url else ""
        self.meta.setText(f"<b>{frame.ts[11:19]}</b> · {frame.app or 'unknown app'} · "
                          f"{_esc(title)}{_esc(url)}")
        self.text.setPlainText(frame.ocr_text)
        self._mark_text()
        self.notice.hide()
        self._image = None
        self.image.setText("Loading…")
        if highlight is not None:
            log.info("frame %d shown with %d line(s) marked", frame.id, len(self.marked))

    def _mark_text(self) -> None:
        """The marked lines, marked in the text pane too; the first one scrolled to."""
        doc = self.text.document()
        marks = []
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(255, 236, 150))
        fmt.setForeground(QColor(30, 30, 30))   # readable on the mark in a dark theme too
        fmt.setProperty(QTextFormat.Property.FullWidthSelection, True)
        for i, line in enumerate(self.frame.ocr_lines):
            if line in self.marked and i < doc.blockCount():
                sel = QTextEdit.ExtraSelection()
                sel.cursor = QTextCursor(doc.findBlockByNumber(i))
                sel.format = fmt
                marks.append(sel)
        self.text.setExtraSelections(marks)
        if marks:
            self.text.setTextCursor(marks[0].cursor)
            self.text.centerCursor()

    def set_image(self, frame_id: int, image: QImage) -> None:
        if self.frame is None or frame_id != self.frame.id:
            return  # a late answer for a frame no longer shown
        self._image = image
        self._rescale()

    def set_error(self, frame_id: int, message: str) -> None:
        if self.frame is not None and frame_id == self.frame.id:
            self.image.clear()
            self.image.setText("No image")
            self.show_notice(message)

    def show_notice(self, message: str) -> None:
        self.notice.setText(message)
        self.notice.show()

    def clear(self, message: str = "") -> None:
        self.frame = None
        self._image = None
        self.marked = []
        self.meta.clear()
        self.text.clear()
        self.image.clear()
        if message:
            self.show_notice(message)
        else:
            self.notice.hide()

    def _rescale(self) -> None:
        if self._image is None:
            return
        # QPixmap only here, on the GUI thread
        pm = QPixmap.fromImage(self._image)
        pm = pm.scaled(self.image.size(), Qt.AspectRatioMode.KeepAspectRatio,
                       Qt.TransformationMode.SmoothTransformation)
        if self.marked and self.frame is not None and self.frame.width > 0:
            self._paint_marks(pm, pm.width() / self.frame.width)
        self.image.setPixmap(pm)

    def _paint_marks(self, pm: QPixmap, scale: float) -> None:
        """Box the marked lines; OCR boxes are in the frame's full-size pixels."""
        p = QPainter(pm)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QPen(MARK_EDGE, 2))
        p.setBrush(MARK_FILL)
        for line in self.marked:
            x0, y0, x1, y1 = line.box
            p.drawRoundedRect(QRectF(x0 * scale - 3, y0 * scale - 3, (x1 - x0) * scale + 6,
                                     (y1 - y0) * scale + 6), 3, 3)
        p.end()


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
