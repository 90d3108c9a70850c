"""Text of the focused window from its accessibility tree (AT-SPI2), within a time budget.

`A11yReader.read(window)` finds the window's application on the accessibility bus (by the
window's process id, else the application with an active frame), picks the frame that is
active (else the one named like the window), and walks what shows of it, one pipelined
round of D-Bus calls per tree level:

- text fields, documents, labels and paragraphs give their Text (one line per text line,
  each with its box on screen where the toolkit says);
- leaves such as table cells, buttons, list and tree items, tabs and links give their name;
  a link also gives its URL (a line of its own, source "a11y-link");
- a node the toolkit marks as a password (role PASSWORD_TEXT, or an attribute in
  PASSWORD_ATTRIBUTES) is never read, nor anything below it — not even its length;
- drawing areas, canvases, images and embedded views carry no text: their rectangles are
  `holes`, left to OCR.

Nodes that do not show (SHOWING unset: a hidden tab, a closed menu) are not walked. Past
the budget the read stops and says it is incomplete; capture then reads the frame with OCR
as before. Nothing here logs a node's text.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from capture.a11y_bus import REGISTRY, A11yBus, A11yUnavailable, Call, OutOfTime
from capture.window import WindowInfo

log = logging.getLogger(__name__)

_T = TypeVar("_T")

ACC = "org.a11y.atspi.Accessible"
TEXT = "org.a11y.atspi.Text"
COMPONENT = "org.a11y.atspi.Component"
HYPERLINK = "org.a11y.atspi.Hyperlink"
PROPS = "org.freedesktop.DBus.Properties"
SCREEN = 0   # ATSPI_COORD_TYPE_SCREEN

Box = tuple[int, int, int, int]   # x0, y0, x1, y1 on screen


@dataclass(frozen=True)
class A11yTuning:
    """How much a read may cost, and what is worth reading."""
    budget_s: float = 0.1            # past this the read stops: OCR reads the frame instead
    max_nodes: int = 4000            # a window larger than this is read by OCR
    max_children: int = 500          # children of one node walked (huge lists: OCR the rest)
    max_chars: int = 100_000         # text read from one node
    max_line_boxes: int = 300        # lines of one node whose boxes are asked for
    min_hole_px: int = 24            # opaque parts smaller than this (icons) are not OCR'd


# -- what a role means for text (AT-SPI role numbers, atspi-constants.h) -------------------

STATE_ACTIVE, STATE_SHOWING = 1, 25

PASSWORD_ROLES = frozenset({40})                     # PASSWORD_TEXT
# Attributes by which toolkits and browsers mark a password entry that keeps role TEXT/ENTRY.
PASSWORD_ATTRIBUTES = frozenset({("text-input-type", "password"), ("input-type", "password"),
                                 ("type", "password"), ("password", "true")})
# Leaves whose accessible name is the text they show (a named node with children leaves
# its text to them: a GTK button's label is a child).
NAMED_ROLES = frozenset({
    29,   # LABEL
    88,   # LINK
    56,   # TABLE_CELL
    43, 62, 7, 44,           # PUSH_BUTTON, TOGGLE_BUTTON, CHECK_BOX, RADIO_BUTTON
    32, 91, 37,              # LIST_ITEM, TREE_ITEM, PAGE_TAB
    33, 35,                  # MENU, MENU_ITEM (only those that show: a menu bar's titles)
    10, 47, 57, 58,          # COLUMN_HEADER, ROW_HEADER, TABLE_COLUMN/ROW_HEADER
    83, 54, 116, 81, 73,     # HEADING, STATUS_BAR, STATIC, CAPTION, PARAGRAPH
})
# Parts that show pixels, not text: OCR reads them.
OPAQUE_ROLES = frozenset({6, 18, 27, 107, 78, 3, 80})  # CANVAS, DRAWING_AREA, IMAGE, VIDEO,
                                                       # EMBEDDED, ANIMATION, CHART
# An application's children on the bus are its top-level windows, whatever their role (a
# bare Qt widget window is a FILLER).


@dataclass(frozen=True)
class TreeLine:
    text: str
    box: Box | None           # on screen; None where the toolkit gives no extents
    source: str = "a11y"      # "a11y", or "a11y-link" for a link's URL


@dataclass(frozen=True)
class A11yText:
    lines: tuple[TreeLine, ...]
    window_box: Box | None        # the frame's rectangle on screen
    holes: tuple[Box, ...]        # parts with pixels but no text (OCR them)
    complete: bool                # read within the budget, nothing cut
    app_name: str
    window_name: str
    nodes: int
    elapsed_s: float
    passwords: int = 0            # password fields left unread (a count, never content)

    @property
    def covers(self) -> bool:
        """The tree gave this window's text: OCR is needed only for the holes."""
        return self.complete and any(l.source == "a11y" for l in self.lines)


@dataclass
class _Node:
    bus: str
    path: str
    order: tuple[int, ...]        # child indices from the frame: reading order
    role: int = 0
    states: int = 0
    interfaces: tuple[str, ...] = ()
    name: str = ""
    children: list = field(default_factory=list)

    def has(self, state: int) -> bool:
        return bool(self.states >> state & 1)


def _states(body) -> int:
    words = body[0] if body else []
    return sum(int(w) << (32 * i) for i, w in enumerate(words[:2]))


def _box(body) -> Box | None:
    if not body:
        return None
    # Component.GetExtents returns one (iiii) struct; Text.GetRangeExtents four integers.
    x, y, w, h = body[0] if isinstance(body[0], (tuple, list)) else body[:4]
    if w <= 0 or h <= 0:
        return None
    return (int(x), int(y), int(x + w), int(y + h))


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


REOPEN_S = 30.0   # a bus that is not there (yet) is looked for again this often


class A11yReader:
    """Reads the focused window's text; owned by the capture poll thread (the connection
    is not shared). Without a bus it looks for one again every REOPEN_S seconds (the
    session's at-spi-bus-launcher may start after capture)."""

    def __init__(self, bus: A11yBus | None = None, tuning: A11yTuning = A11yTuning(), *,
                 opener: Callable[[], A11yBus] = A11yBus.open,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._bus = bus
        self._t = tuning
        self._open = opener
        self._clock = clock
        self._next_open = 0.0
        self._pids: dict[str, int | None] = {}
        self._failed = False

    @classmethod
    def open(cls, tuning: A11yTuning = A11yTuning()) -> A11yReader:
        return cls(A11yBus.open(), tuning)

    @property
    def connected(self) -> bool:
        return self._bus is not None

    def close(self) -> None:
        if self._bus is not None:
            self._bus.close()
            self._bus = None

    def _connect(self) -> bool:
        if self._bus is not None:
            return True
        now = self._clock()
        if now < self._next_open:
            return False
        self._next_open = now + REOPEN_S
        try:
            self._bus = self._open()
        except A11yUnavailable as e:
            if not self._failed:
                self._failed = True
                log.info("accessibility text unavailable (OCR reads every frame): %s", e)
            return False
        self._failed = False
        self._pids.clear()
        log.info("accessibility text: connected to the accessibility bus")
        return True

    def _live_bus(self) -> A11yBus:
        if self._bus is None:  # the readers below run only after connect() succeeded
            raise A11yUnavailable("not connected to the accessibility bus")
        return self._bus

    # -- finding the window ---------------------------------------------------------------
    def _apps(self, deadline: float) -> list[tuple[str, str]]:
        body = self._live_bus().call_many([Call(*REGISTRY, ACC, "GetChildren")], deadline)[0]
        return [(str(b), str(p)) for b, p in (body[0] if body else [])]

    def _pid(self, bus_name: str, deadline: float) -> int | None:
        if bus_name not in self._pids:
            body = self._live_bus().call_many([Call("org.freedesktop.DBus", "/org/freedesktop/DBus",
                                             "org.freedesktop.DBus",
                                             "GetConnectionUnixProcessID", "s", (bus_name,))],
                                       deadline)[0]
            self._pids[bus_name] = int(body[0]) if body else None
        return self._pids[bus_name]

    def _describe(self, nodes: list[_Node], deadline: float, *, children: bool) -> None:
        """Role, states, interfaces, name (and the children's references) of each node."""
        calls = []
        for n in nodes:
            calls += [Call(n.bus, n.path, ACC, "GetRole"), Call(n.bus, n.path, ACC, "GetState"),
                      Call(n.bus, n.path, ACC, "GetInterfaces"),
                      Call(n.bus, n.path, PROPS, "Get", "ss", (ACC, "Name"))]
            if children:
                calls.append(Call(n.bus, n.path, ACC, "GetChildren"))
        out = self._live_bus().call_many(calls, deadline)
        k = 5 if children else 4
        for i, n in enumerate(nodes):
            role, state, ifaces, name = out[k * i:k * i + 4]
            n.role = int(role[0]) if role else 0
            n.states = _states(state)
            n.interfaces = tuple(ifaces[0]) if ifaces else ()
            n.name = str(name[0][1]) if name else ""
            if children:
                kids = out[k * i + 4]
                n.children = [(str(b), str(p)) for b, p in (kids[0] if kids else [])]

    def _frame(self, window: WindowInfo | None, deadline: float) -> tuple[_Node, str] | None:
        """The window's frame on the bus, and its application's name."""
        apps = self._apps(deadline)
        live = {b for b, _ in apps}
        self._pids = {b: p for b, p in self._pids.items() if b in live}
        if window is not None and window.pid is not None:
            apps = [a for a in apps if self._pid(a[0], deadline) == window.pid]
        if not apps:
            return None
        roots = [_Node(b, p, ()) for b, p in apps]
        self._describe(roots, deadline, children=True)
        frames = [_Node(b, p, ()) for r in roots for b, p in r.children[:self._t.max_children]]
        names = {r.bus: r.name for r in roots}
        if not frames:
            return None
        self._describe(frames, deadline, children=True)
        for pick in (lambda f: f.has(STATE_ACTIVE),
                     lambda f: window is not None and window.title and f.name == window.title,
                     lambda f: window is not None and window.pid is not None and len(frames) == 1):
            chosen = [f for f in frames if pick(f)]
            if chosen:
                return chosen[0], names.get(chosen[0].bus, "")
        return None

    def windows(self) -> list[tuple[WindowInfo, bool]] | None:
        """Every top-level window that shows, and whether it is the active one (the
        window source where neither X11 nor the compositor names windows); None when the
        bus cannot say."""
        def listed(start: float, deadline: float) -> list[tuple[WindowInfo, bool]]:
            roots = [_Node(b, p, ()) for b, p in self._apps(deadline)]
            if roots:
                self._describe(roots, deadline, children=True)
            frames = [(_Node(b, p, ()), r) for r in roots
                      for b, p in r.children[:self._t.max_children]]
            if frames:
                self._describe([f for f, _ in frames], deadline, children=False)
            return [(WindowInfo(app=r.name.lower(), title=f.name, pid=self._pid(f.bus, deadline)),
                     f.has(STATE_ACTIVE)) for f, r in frames
                    if f.has(STATE_SHOWING)]

        return self._ask(listed, out_of_time=lambda start: None)   # no window list this time

    # -- reading ------------------------------------------------------------------------
    def read(self, window: WindowInfo | None) -> A11yText | None:
        """The focused window's text, or None when its application has no tree on the bus
        (or the bus is gone; logged once)."""
        def walked(start: float, deadline: float) -> A11yText | None:
            found = self._frame(window, deadline)
            if found is None:
                return None
            frame, app_name = found
            return self._walk(frame, app_name, start, deadline)

        return self._ask(walked, out_of_time=lambda start: A11yText(
            (), None, (), False, "", "", 0, time.monotonic() - start))   # OCR reads the frame

    def _ask(self, ask: Callable[[float, float], _T],
             out_of_time: Callable[[float], _T]) -> _T | None:
        """`ask(start, deadline)` within the time budget; past it, `out_of_time(start)`.
        None when the bus is not there (a lost bus is closed, to be looked for again) or a
        toolkit replies in an unexpected shape."""
        if not self._connect():
            return None
        start = time.monotonic()
        try:
            return ask(start, start + self._t.budget_s)
        except OutOfTime:
            return out_of_time(start)
        except A11yUnavailable as e:
            log.info("accessibility bus lost (%s); will look for it again", e)
            self.close()
            return None
        except (TypeError, ValueError, IndexError, KeyError) as e:
            # A reply of an unexpected shape from some toolkit: nothing from the tree this time.
            log.debug("unexpected accessibility reply: %r", e)
            return None

    def _walk(self, frame: _Node, app_name: str, start: float, deadline: float) -> A11yText:
        t = self._t
        readers: list[_Node] = []
        holes: list[_Node] = []
        passwords = 0
        complete = True
        level = [frame]
        seen = 1
        while level:
            nxt = []
            for n in level:
                if n is not frame and not n.has(STATE_SHOWING):
                    continue
                if n.role in PASSWORD_ROLES:
                    passwords += 1
                    continue          # nor its children: a password field's parts
                if n.role in OPAQUE_ROLES and not n.children:
                    holes.append(n)
                elif TEXT in n.interfaces or (n.role in NAMED_ROLES and n.name) or \
                        HYPERLINK in n.interfaces:
                    readers.append(n)
                if len(n.children) > t.max_children:
                    complete = False
                for i, (b, p) in enumerate(n.children[:t.max_children]):
                    nxt.append(_Node(b, p, n.order + (i,)))
            if seen + len(nxt) > t.max_nodes:
                complete = False
                break
            seen += len(nxt)
            if nxt:
                self._describe(nxt, deadline, children=True)
            level = nxt
        lines, pw = self._text(frame, readers, holes, deadline)
        passwords += pw
        wbox = lines.pop(0)
        hole_boxes = tuple(h for h in lines.pop(0) if h[2] - h[0] >= t.min_hole_px and
                           h[3] - h[1] >= t.min_hole_px)
        return A11yText(tuple(lines[0]), wbox, hole_boxes, complete, app_name, frame.name,
                        seen, time.monotonic() - start, passwords)

    def _text(self, frame: _Node, readers: list[_Node], holes: list[_Node], deadline: float):
        """[window box, hole boxes, lines] of the nodes that carry text, and how many were
        found to be passwords by their attributes."""
        t = self._t
        # Round one: where things are, and the attributes that may mark a password. Round
        # two asks for text only of what is not one.
        calls = [Call(frame.bus, frame.path, COMPONENT, "GetExtents", "u", (SCREEN,))]
        calls += [Call(h.bus, h.path, COMPONENT, "GetExtents", "u", (SCREEN,)) for h in holes]
        for n in readers:
            calls += [Call(n.bus, n.path, COMPONENT, "GetExtents", "u", (SCREEN,)),
                      Call(n.bus, n.path, ACC, "GetAttributes")]
        out = self._live_bus().call_many(calls, deadline)
        wbox = _box(out[0])
        hole_boxes = [b for b in (_box(o) for o in out[1:1 + len(holes)]) if b]
        base = 1 + len(holes)
        keep: list[tuple[_Node, Box | None]] = []
        passwords = 0
        for k, n in enumerate(readers):
            box, attrs = out[base + 2 * k:base + 2 * k + 2]
            pairs = {(str(a).lower(), str(v).lower()) for a, v in (attrs[0] if attrs else {}).items()}
            if pairs & PASSWORD_ATTRIBUTES:
                passwords += 1
                continue
            nbox = _box(box)
            if wbox and nbox and not _overlaps(nbox, wbox):
                continue                          # scrolled out of the window
            keep.append((n, nbox))
        calls, slots = [], []
        for n, _ in keep:
            slots.append(len(calls))
            if TEXT in n.interfaces:
                calls.append(Call(n.bus, n.path, TEXT, "GetText", "ii", (0, -1)))
            if HYPERLINK in n.interfaces:
                calls.append(Call(n.bus, n.path, HYPERLINK, "GetURI", "i", (0,)))
        out = self._live_bus().call_many(calls, deadline) if calls else []
        found: list[tuple[tuple, _Node, str, Box | None]] = []   # order, node, text, box
        links: list[tuple[tuple, TreeLine]] = []
        for (n, nbox), k in zip(keep, slots):
            text = out[k] if TEXT in n.interfaces else None
            uri = out[k + (TEXT in n.interfaces)] if HYPERLINK in n.interfaces else None
            body = str(text[0])[:t.max_chars] if text else \
                (n.name if n.role in NAMED_ROLES else "")
            if body.strip():
                found.append((n.order, n, body, nbox))
            if uri and str(uri[0]):
                links.append((n.order + (1 << 30,), TreeLine(str(uri[0]), nbox, "a11y-link")))
        # A named node with children defers to a child that shows the same text.
        texts_below: dict[tuple, set[str]] = {}
        for order, _n, body, _ in found:
            for k in range(len(order)):
                texts_below.setdefault(order[:k], set()).add(body.strip())
        lines: list[tuple[tuple, TreeLine]] = []
        multi = []
        for order, n, body, nbox in found:
            if TEXT not in n.interfaces and n.children and \
                    body.strip() in texts_below.get(order, ()):
                continue
            parts = body.split("\n")
            if len(parts) > 1 and nbox and TEXT in n.interfaces:
                multi.append((order, n, parts))
                continue
            lines += [(order + (j,), TreeLine(p.strip(), nbox)) for j, p in enumerate(parts)
                      if p.strip()]
        lines += self._line_boxes(multi, wbox, deadline)
        lines += links
        lines.sort(key=lambda x: x[0])
        return [wbox, hole_boxes, [l for _, l in lines]], passwords

    def _line_boxes(self, multi, wbox: Box | None, deadline: float):
        """Each line of multi-line text with its own box; lines scrolled out of the window
        are left out (what is read is what shows)."""
        calls, spans = [], []
        for order, n, parts in multi:
            pos = 0
            for j, p in enumerate(parts):
                end = pos + len(p)
                if p.strip() and j < self._t.max_line_boxes:
                    calls.append(Call(n.bus, n.path, TEXT, "GetRangeExtents", "iiu",
                                      (pos, end, SCREEN)))
                    spans.append((order + (j,), p.strip()))
                pos = end + 1
        out = self._live_bus().call_many(calls, deadline) if calls else []
        lines = []
        for (order, text), body in zip(spans, out):
            box = _box(body)
            if box and wbox and not _overlaps(box, wbox):
                continue
            lines.append((order, TreeLine(text, box)))
        return lines


