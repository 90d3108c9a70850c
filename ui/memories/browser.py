"""The memory browser: the six memory types as tabs, a filterable list of the active items of
one type, and a detail pane to view, edit, pin and delete an item, see where it came from
(frames open in the timeline) and every version it had.

All store work runs on the store pool (ui.memories.query holds the plain functions); results
come back by signals and are matched to the request that asked, so a slow answer never
overwrites a newer one. Failures are one calm line in the pane, never a dialog or traceback.
A sensitive Knowledge Vault value stays masked until "Reveal value" is clicked for that item.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from memory.items import FIELDS, MASK
from ui.memories.query import (
    TAB_LABELS,
    TAB_TYPES,
    delete_memory,
    list_memories,
    load_detail,
    local_time,
    reveal_value,
    save_edit,
    set_pinned,
)
from ui.timeline.viewer import Highlight
from ui.warm import on_first_show

NO_MEMORIES = ("No memories yet: they appear here once the memory pipeline has read your "
               "day.")
MULTILINE = {"text", "summary", "details", "content_excerpt", "steps"}
TIERS = {"floor": "floor (deterministic rules)", "user": "you"}
ID = Qt.ItemDataRole.UserRole


def ask_to_delete(parent: QWidget, text: str) -> bool:
    """The default confirmation: a native question, No by default."""
    yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
    return QMessageBox.question(parent, "Delete memory", text, yes | no, no) == yes


def _section(title: str) -> QLabel:
    label = QLabel(title)
    f = label.font()
    f.setBold(True)
    label.setFont(f)
    return label


def _message(msg: Exception | str) -> str:
    return str(msg) or msg.__class__.__name__


class MemoriesBrowser(QWidget):
    loaded = Signal(int)             # items in the shown list (-1: the read failed)
    detailShown = Signal(int)        # memory id now in the detail pane
    actionDone = Signal(str, int)    # "edit" (new id) | "pin" | "unpin" | "delete" | "reveal"
    frameRequested = Signal(int, object)   # a frame source to open, and what to mark on it
    failed = Signal(str)             # a calm message was shown inline

    def __init__(self, store, pool, parent=None) -> None:
        """`store` is the open memory.api.Store; its `memories` repository is read."""
        super().__init__(parent)
        self._store = store
        self._pool = pool
        self.confirm = ask_to_delete   # (parent, text) -> bool; tests may replace it
        self._type: str | None = None  # None until the first load picks a tab
        self._current_id: int | None = None
        self._current_row = 0
        self._row_ids: list[int] = []   # the listed memories' ids, row by row
        on_first_show(self, self._warm_up)
        self._list_seq = self._detail_seq = 0
        self._detail: dict | None = None
        self._revealed: tuple[int, str] | None = None
        self.detail_id: int | None = None
        self.editors: dict[str, QLineEdit | QPlainTextEdit] = {}
        self._build()
        self._connect()

    # -- layout --------------------------------------------------------------------------
    def _build(self) -> None:
        self.tabs = QTabBar()
        self.tabs.setExpanding(False)
        self.tabs.setDocumentMode(True)
        for t in TAB_TYPES:
            i = self.tabs.addTab(TAB_LABELS[t])
            self.tabs.setTabData(i, t)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter (text contains)…")
        self.filter.setClearButtonEnabled(True)
        self.filter.setMinimumWidth(240)
        self.refresh_button = QPushButton("Refresh")
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.list = QListWidget()
        # One elided line per item (the detail pane shows it whole): uniform rows let Qt
        # lay out a list of 1,000 in ~5 ms instead of ~25 ms measuring each.
        self.list.setWordWrap(False)
        self.list.setUniformItemSizes(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(200)

        top = QHBoxLayout()
        top.addWidget(self.tabs, 1)
        top.addWidget(self.filter)
        top.addWidget(self.refresh_button)
        self.detail = self._build_detail()
        self.placeholder = QLabel("Select a memory to see it, where it came from and its "
                                  "history.")
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pane = QStackedWidget()
        self.pane.addWidget(self.placeholder)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.detail)
        self.pane.addWidget(scroll)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.list)
        self.splitter.addWidget(self.pane)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.notice)
        lay.addWidget(self.splitter, 1)

    def _build_detail(self) -> QWidget:
        w = QWidget()
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        f = self.title.font()
        f.setPointSizeF(f.pointSizeF() * 1.15)
        self.title.setFont(f)
        self.fields_label = QLabel()
        self.fields_label.setTextFormat(Qt.TextFormat.RichText)
        self.fields_label.setWordWrap(True)
        self.fields_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reveal_button = QPushButton("Reveal value")
        self.reveal_button.setToolTip("Show this item's sensitive value, for this item only")
        self.meta_label = QLabel()
        self.meta_label.setWordWrap(True)
        self.edit_button = QPushButton("Edit")
        self.pin_button = QPushButton("Pin")
        self.delete_button = QPushButton("Delete…")
        actions = QHBoxLayout()
        for b in (self.edit_button, self.pin_button, self.delete_button):
            actions.addWidget(b)
        actions.addStretch(1)
        actions.addWidget(self.reveal_button)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()

        self.editor = QWidget()
        self.editor_form = QFormLayout()
        self.save_button = QPushButton("Save")
        self.cancel_button = QPushButton("Cancel")
        ed_buttons = QHBoxLayout()
        ed_buttons.addStretch(1)
        ed_buttons.addWidget(self.cancel_button)
        ed_buttons.addWidget(self.save_button)
        ed = QVBoxLayout(self.editor)
        ed.setContentsMargins(0, 0, 0, 0)
        ed.addLayout(self.editor_form)
        ed.addLayout(ed_buttons)
        self.editor.hide()

        self.sources = QListWidget()
        self.sources.setWordWrap(True)
        self.sources.setMinimumHeight(90)
        self.open_source_button = QPushButton("Open in timeline")
        self.open_source_button.setEnabled(False)
        self.history = QListWidget()
        self.history.setWordWrap(True)
        self.history.setMinimumHeight(110)
        src_row = QHBoxLayout()
        src_row.addWidget(_section("Where it came from"), 1)
        src_row.addWidget(self.open_source_button)

        lay = QVBoxLayout(w)
        lay.addWidget(self.title)
        lay.addWidget(self.fields_label)
        lay.addWidget(self.meta_label)
        lay.addLayout(actions)
        lay.addWidget(self.message)
        lay.addWidget(self.editor)
        lay.addLayout(src_row)
        lay.addWidget(self.sources, 1)
        lay.addWidget(_section("History"))
        lay.addWidget(self.history, 1)
        return w

    def _warm_up(self) -> None:
        """The detail pane's first polish, layout and paint (its form, labels and lists)
        cost ~15 ms once: done as the browser first appears, not on top of the first list
        (one GUI stall of ~60 ms in bench/bench_ui.py before)."""
        if self.pane.currentIndex() == 0:
            self.pane.setCurrentIndex(1)
            self.pane.grab()
            self.pane.setCurrentIndex(0)

    def _connect(self) -> None:
        self.tabs.currentChanged.connect(self._tab_changed)
        self.refresh_button.clicked.connect(self.refresh)
        self.filter.textChanged.connect(lambda _t: self._filter_timer.start())
        self._filter_timer.timeout.connect(self.refresh)
        self.list.currentRowChanged.connect(self._row_changed)
        self.sources.currentRowChanged.connect(self._source_row_changed)
        self.sources.itemActivated.connect(self._open_source)
        self.open_source_button.clicked.connect(
            lambda: self._open_source(self.sources.currentItem()))
        self.reveal_button.clicked.connect(self.toggle_reveal)
        self.edit_button.clicked.connect(self.start_edit)
        self.save_button.clicked.connect(self.save_edit)
        self.cancel_button.clicked.connect(self.cancel_edit)
        self.pin_button.clicked.connect(self.toggle_pin)
        self.delete_button.clicked.connect(self.delete_current)

    # -- the list ------------------------------------------------------------------------
    @property
    def current_type(self) -> str | None:
        return self._type

    def refresh(self) -> None:
        """Reload counts and the shown type's list (the selection is kept when it still is)."""
        self._filter_timer.stop()
        self._list_seq += 1
        seq = self._list_seq
        self._pool.submit(list_memories, self._store, type_=self._type,
                          contains=self.filter.text(),
                          on_returned=lambda r: self._on_list(seq, r),
                          on_errored=lambda e: self._on_list_error(seq, e))

    def show_type(self, type_: str) -> None:
        self.tabs.setCurrentIndex(TAB_TYPES.index(type_))

    def _tab_changed(self, i: int) -> None:
        t = self.tabs.tabData(i)
        if t is None or t == self._type:
            return
        self._type, self._current_id, self._current_row = t, None, 0
        self.refresh()

    def _on_list(self, seq: int, result: dict) -> None:
        if seq != self._list_seq:
            return  # a newer request is on its way
        self.list.blockSignals(True)
        self.list.clear()
        self.list.blockSignals(False)
        self._row_ids = []
        self._type = result["type"]
        self.tabs.blockSignals(True)
        for i, t in enumerate(TAB_TYPES):
            self.tabs.setTabText(i, f"{TAB_LABELS[t]} ({result['counts'][t]})")
        self.tabs.setCurrentIndex(TAB_TYPES.index(self._type))
        self.tabs.blockSignals(False)
        rows = result["rows"]
        label = TAB_LABELS[self._type]
        if not any(result["counts"].values()):
            self._show_notice(NO_MEMORIES)
        elif not rows and result["contains"].strip():
            self._show_notice(f"Nothing in {label} contains “{result['contains'].strip()}”.")
        elif not rows:
            self._show_notice(f"No {label} memories yet.")
        elif result["matched"] > len(rows):
            self._show_notice(f"Showing the first {len(rows)} of {result['matched']}; "
                              "filter to narrow the list.")
        else:
            self.notice.hide()
        if not rows:
            self._current_id = None
            self._clear_detail()
            self.loaded.emit(0)
            return
        self._row_ids = [r["id"] for r in rows]   # the ids stay beside the items
        row = (self._row_ids.index(self._current_id) if self._current_id in self._row_ids
               else min(self._current_row, len(rows) - 1))
        self._fill(rows, row)

    def _fill(self, rows: list[dict], current: int) -> None:
        """The whole list in one call: `addItems` makes the items in C++, with no Python
        object per row (clearing them is then cheap too), and Qt lays the list out and paints
        it once (bench/bench_ui.py: items made one by one cost the GUI thread ~25 ms a
        thousand, and as many again to clear)."""
        self.list.blockSignals(True)
        self.list.addItems([("★ " if r["pinned"] else "") + r["text"] for r in rows])
        for i, r in enumerate(rows):
            if r["pinned"]:   # pinned come first, and are few
                self.list.item(i).setToolTip("Pinned")
            else:
                break
        self.list.setCurrentRow(current)
        self.list.blockSignals(False)
        self._select(current)
        self.loaded.emit(len(rows))

    def row_id(self, row: int) -> int | None:
        """The id of the memory listed at `row` (None past the end)."""
        return self._row_ids[row] if 0 <= row < len(self._row_ids) else None

    def _on_list_error(self, seq: int, e: Exception) -> None:
        if seq != self._list_seq:
            return
        self._show_notice(f"Could not read memories: {_message(e)}")
        self.failed.emit(_message(e))
        self.loaded.emit(-1)

    def _show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.show()

    def _row_changed(self, row: int) -> None:
        if row < 0:
            return
        self.message.hide()
        self._select(row)

    def _select(self, row: int) -> None:
        memory_id = self.row_id(row)
        if memory_id is None:
            return
        self._current_row = row
        self._current_id = memory_id
        self._load_detail(self._current_id)

    # -- the detail pane -----------------------------------------------------------------
    def _load_detail(self, memory_id: int) -> None:
        self._detail_seq += 1
        seq = self._detail_seq
        self._pool.submit(load_detail, self._store, memory_id,
                          on_returned=lambda d: self._on_detail(seq, d),
                          on_errored=lambda e: self._on_detail_error(seq, e))

    def _on_detail(self, seq: int, d: dict) -> None:
        if seq != self._detail_seq:
            return
        m = d["memory"]
        if self.detail_id != m.id:
            self.editor.hide()
            if self._revealed and self._revealed[0] != m.id:
                self._revealed = None
        self._detail = d
        self.detail_id = m.id
        self._render()
        self.pane.setCurrentIndex(1)
        self.detailShown.emit(m.id)

    def _on_detail_error(self, seq: int, e: Exception) -> None:
        if seq != self._detail_seq:
            return
        self._say(f"Could not read this memory: {_message(e)}", failed=True)

    def _clear_detail(self) -> None:
        self._detail_seq += 1
        self._detail = None
        self.detail_id = None
        self._revealed = None
        self.editor.hide()
        self.pane.setCurrentIndex(0)

    def _render(self) -> None:
        m = self._detail["memory"]
        shown = self.revealed_value()
        self.title.setText(m.text.split(": ", 1)[1] if ": " in m.text else m.text)
        rows = []
        for k in FIELDS[m.type]:
            v = m.fields.get(k)
            if v in (None, "", []):
                continue
            if k == "value" and m.sensitive:
                v = shown if shown is not None else MASK
            if k == "steps":
                cell = "<br>".join(f"{i}. {html.escape(str(s))}" for i, s in enumerate(v, 1))
            elif k in ("occurred_at", "ended_at"):
                cell = html.escape(local_time(str(v)))
            else:
                cell = html.escape(str(v))
            rows.append(f"<tr><td style='padding-right:12px'>"
                        f"{html.escape(k.replace('_', ' ').capitalize())}</td>"
                        f"<td>{cell}</td></tr>")
        self.fields_label.setText("<table>" + "".join(rows) + "</table>")
        self.reveal_button.setVisible(m.sensitive)
        self.reveal_button.setText("Hide value" if shown is not None else "Reveal value")
        times = [f"created {local_time(m.created_at)}"]
        if m.updated_at and m.updated_at != m.created_at:
            times.append(f"updated {local_time(m.updated_at)}")
        if m.last_accessed_at:
            times.append(f"last recalled {local_time(m.last_accessed_at)}")
        self.meta_label.setText(
            f"{'Pinned · ' if m.pinned else ''}Made by {TIERS.get(m.tier, m.tier)} · "
            f"importance {m.importance:.2f} · recalled {m.access_count} "
            f"time{'' if m.access_count == 1 else 's'} · " + " · ".join(times))
        self.pin_button.setText("Unpin" if m.pinned else "Pin")
        self._render_sources(self._detail["sources"])
        self._render_history(self._detail["history"])

    def _render_sources(self, sources: list[dict]) -> None:
        self.sources.clear()
        for s in sources:
            when = local_time(s["ts"])
            it = QListWidgetItem(f"{when} · {s['label']}" if when else s["label"])
            it.setData(ID, s["frame_id"])
            it.setToolTip(f"{s['source']}" + ("\nDouble-click to open it in the timeline"
                                               if s["frame_id"] is not None else ""))
            self.sources.addItem(it)
        if not sources:
            it = QListWidgetItem("No recorded sources.")
            it.setFlags(Qt.ItemFlag.NoItemFlags)
            self.sources.addItem(it)
        self.open_source_button.setEnabled(False)
        # the first moment that can be opened is ready to open: one click on the button
        first = next((i for i, s in enumerate(sources) if s["frame_id"] is not None), None)
        if first is not None:
            self.sources.setCurrentRow(first)

    def _render_history(self, lines: list[dict]) -> None:
        self.history.clear()
        for h in lines:
            head = f"{local_time(h['at'])} · "
            if h["kind"] == "version":
                head += f"version {h['version']} ({h['op']})"
            else:
                head += h["op"] + (f" by {TIERS.get(h['tier'], h['tier'])}" if h["tier"] else "")
            if h["reason"]:
                head += f" — {h['reason']}"
            self.history.addItem(head + (f"\n    {h['text']}" if h["text"] else ""))

    def _source_row_changed(self, _row: int) -> None:
        it = self.sources.currentItem()
        self.open_source_button.setEnabled(it is not None and it.data(ID) is not None)

    def _open_source(self, item: QListWidgetItem | None) -> None:
        """Open a frame source in the timeline, the lines that share this memory's words
        marked on it (where on the screen it came from)."""
        if item is None or item.data(ID) is None:
            return
        self.frameRequested.emit(int(item.data(ID)),
                                 Highlight(answer=self.title.text()) if self._detail else None)

    def revealed_value(self) -> str | None:
        """The clear value shown for the current item (None while it is masked)."""
        if self._revealed and self._detail and self._revealed[0] == self.detail_id:
            return self._revealed[1]
        return None

    # -- actions -------------------------------------------------------------------------
    def _say(self, text: str, *, failed: bool = False) -> None:
        self.message.setText(text)
        self.message.show()
        if failed:
            self.failed.emit(text)

    def _set_busy(self, busy: bool) -> None:
        for b in (self.edit_button, self.pin_button, self.delete_button, self.save_button,
                  self.reveal_button):
            b.setEnabled(not busy)

    def _run(self, what: str, fn, *args, done) -> None:
        self._set_busy(True)

        def ok(result):
            self._set_busy(False)
            done(result)

        def bad(e: Exception):
            self._set_busy(False)
            self._say(f"Could not {what}: {_message(e)}", failed=True)
        self._pool.submit(fn, self._store, *args, on_returned=ok, on_errored=bad)

    def toggle_reveal(self) -> None:
        if self._detail is None:
            return
        mid = self.detail_id
        if self.revealed_value() is not None:
            self._revealed = None
            self._render()
            return

        def shown(value: str | None) -> None:
            if value is None:
                self._say("This value was not kept: a store without encryption masks "
                          "sensitive values for good.")
            elif self.detail_id == mid:
                self._revealed = (mid, value)
                self._render()
            self.actionDone.emit("reveal", mid)
        self._run("reveal the value", reveal_value, mid, done=shown)

    def toggle_pin(self) -> None:
        if self._detail is None:
            return
        m = self._detail["memory"]
        pin = not m.pinned

        def done(mid: int) -> None:
            self._say("Pinned: it stays at the top and does not fade." if pin else "Unpinned.")
            self.actionDone.emit("pin" if pin else "unpin", mid)
            self.refresh()
        self._run("pin the memory" if pin else "unpin the memory", set_pinned, m.id, pin,
                  done=done)

    def delete_current(self) -> None:
        if self._detail is None:
            return
        m = self._detail["memory"]
        text = self.title.text()
        if len(text) > 160:
            text = text[:159] + "…"
        if not self.confirm(self, f"Delete this memory?\n\n{text}\n\nIt leaves the list and "
                                  "search; its history is kept."):
            return

        def done(mid: int) -> None:
            self._say("Deleted.")
            if self._current_id == mid:
                self._current_id = None
            self.actionDone.emit("delete", mid)
            self.refresh()
        self._run("delete the memory", delete_memory, m.id, done=done)

    def start_edit(self) -> None:
        if self._detail is None:
            return
        m = self._detail["memory"]
        while self.editor_form.rowCount():
            self.editor_form.removeRow(0)
        self.editors = {}
        for k in FIELDS[m.type]:
            v = m.fields.get(k)
            if k in MULTILINE:
                w = QPlainTextEdit("\n".join(v) if k == "steps" and v else str(v or ""))
                w.setTabChangesFocus(True)
                w.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
            else:
                w = QLineEdit("" if v is None else str(v))
            if k == "value" and m.sensitive:
                w.setText("")
                w.setEchoMode(QLineEdit.EchoMode.Password)
                w.setPlaceholderText("hidden · type a new value to replace it")
            self.editors[k] = w
            self.editor_form.addRow(k.replace("_", " ").capitalize(), w)
        self.message.hide()
        self.editor.show()
        first = next(iter(self.editors.values()), None)
        if first is not None:
            first.setFocus()

    def cancel_edit(self) -> None:
        self.editor.hide()

    def edited_fields(self) -> dict:
        """The fields the user changed in the editor ('' clears one). ValueError when a
        value cannot be taken as typed."""
        m = self._detail["memory"]
        out: dict = {}
        for k, w in self.editors.items():
            raw = w.toPlainText() if isinstance(w, QPlainTextEdit) else w.text()
            old = m.fields.get(k)
            if k == "value" and m.sensitive:
                if raw.strip():
                    out[k] = raw.strip()
                continue
            if k == "steps":
                new = [s.strip() for s in raw.splitlines() if s.strip()]
                if new != (old or []):
                    out[k] = new
                continue
            new = raw.strip()
            if k == "limit" and new:
                if not new.isdigit():
                    raise ValueError("the limit must be a whole number")
                if old is None or int(new) != int(old):
                    out[k] = int(new)
                continue
            if new != ("" if old is None else str(old)):
                out[k] = new
        return out

    def save_edit(self) -> None:
        if self._detail is None or self.editor.isHidden():
            return
        try:
            fields = self.edited_fields()
        except ValueError as e:
            self._say(f"Could not save: {e}.", failed=True)
            return
        if not fields:
            self.editor.hide()
            self._say("Nothing changed.")
            return

        def done(new_id: int) -> None:
            self.editor.hide()
            self._current_id = new_id
            self._say("Saved as a new version; the earlier one is kept in its history.")
            self.actionDone.emit("edit", new_id)
            self.refresh()
        self._run("save the memory", save_edit, self._detail["memory"].id, fields, done=done)
