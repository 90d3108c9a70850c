"""The accessibility-tree reader against a scripted bus (the real bus: tests/integration/
test_a11y_xvfb.py). The fake answers AT-SPI calls from a dict tree, as a toolkit would,
including password fields that would hand out their content in clear if asked."""

from __future__ import annotations

import time

from capture.a11y import A11yReader, A11yTuning
from capture.a11y_bus import REGISTRY, A11yUnavailable, OutOfTime
from capture.window import WindowInfo

ACTIVE, SHOWING = 1 << 1, 1 << 25


def node(role, *, name="", text=None, children=(), states=SHOWING, box=(0, 0, 100, 20),
         attrs=None, uri=None):
    ifaces = ["org.a11y.atspi.Accessible", "org.a11y.atspi.Component"]
    if text is not None:
        ifaces.append("org.a11y.atspi.Text")
    if uri is not None:
        ifaces.append("org.a11y.atspi.Hyperlink")
    return {"role": role, "name": name, "text": text, "children": list(children),
            "states": states, "box": box, "attrs": attrs or {}, "uri": uri, "ifaces": ifaces}


class FakeBus:
    """Answers a tree of nodes for one application ':1.5' (pid 4242)."""

    def __init__(self, frame, *, delay_s=0.0):
        self.nodes = {}
        self.delay_s = delay_s
        self.asked_text: list[str] = []
        app = node(75, name="ledger", children=[frame])
        self._add(REGISTRY[1], node(14, children=[app]), bus=REGISTRY[0])

    def _add(self, path, n, bus=":1.5"):
        self.nodes[(bus, path)] = n
        refs = []
        for i, c in enumerate(n["children"]):
            cpath = f"{path.rstrip('/')}/{i}" if bus == ":1.5" else f"/org/a11y/app{i}"
            self._add(cpath, c)
            refs.append((":1.5", cpath))
        n["refs"] = refs

    def call_many(self, calls, deadline):
        time.sleep(self.delay_s)
        if time.monotonic() > deadline:
            raise OutOfTime()
        return [self._answer(c) for c in calls]

    def _answer(self, c):
        if c.method == "GetConnectionUnixProcessID":
            return (4242,)
        n = self.nodes.get((c.bus_name, c.path))
        if n is None:
            return None
        if c.method == "GetRole":
            return (n["role"],)
        if c.method == "GetState":
            return ([n["states"] & 0xFFFFFFFF, n["states"] >> 32],)
        if c.method == "GetInterfaces":
            return (n["ifaces"],)
        if c.method == "Get":
            return (("s", n["name"]),)
        if c.method == "GetChildren":
            return (n["refs"],)
        if c.method == "GetExtents":
            return (n["box"],)
        if c.method == "GetAttributes":
            return (n["attrs"],)
        if c.method == "GetText" and n["text"] is not None:
            self.asked_text.append(n["text"])
            return (n["text"],)
        if c.method == "GetRangeExtents":
            start = c.body[0]
            line = n["text"][:start].count("\n")
            x, y, w, _ = n["box"]
            return (x, y + 20 * line, w, 18)
        if c.method == "GetURI" and n["uri"]:
            return (n["uri"],)
        return None

    def close(self):
        pass


def frame(*children, states=SHOWING | ACTIVE):
    return node(23, name="Ledger - Qt", children=children, states=states, box=(0, 0, 800, 600))


WIN = WindowInfo("ledger", "Ledger - Qt", pid=4242)


def read(bus, **tuning):
    return A11yReader(bus, A11yTuning(**tuning)).read(WIN)


def test_text_fields_labels_cells_and_links_in_reading_order():
    bus = FakeBus(frame(
        node(29, name="Budget", text="Budget"),
        node(61, text="first line\nsecond line", box=(0, 30, 400, 60)),
        node(55, children=[node(56, name="Rent"), node(56, name="1200")]),
        node(88, name="Docs", uri="https://example.org/d")))
    text = read(bus)
    assert text.covers and text.complete and text.passwords == 0
    assert [(l.text, l.source) for l in text.lines] == [
        ("Budget", "a11y"), ("first line", "a11y"), ("second line", "a11y"),
        ("Rent", "a11y"), ("1200", "a11y"), ("Docs", "a11y"),
        ("https://example.org/d", "a11y-link")]
    assert text.lines[2].box == (0, 50, 400, 68)   # its own line's box


def test_password_fields_are_never_asked_for_their_text():
    # Role PASSWORD_TEXT, and a plain entry that the toolkit marks by attribute: both would
    # answer GetText in clear. Neither is asked; a child of a password field neither.
    bus = FakeBus(frame(
        node(40, text="hunter2", children=[node(29, name="hunter2-part", text="hunter2")]),
        node(79, text="s3cret-by-attr", attrs={"text-input-type": "password"}),
        node(29, name="User", text="User")))
    text = read(bus)
    assert [l.text for l in text.lines] == ["User"]
    assert text.passwords == 2
    assert bus.asked_text == ["User"]


def test_what_does_not_show_is_not_read():
    bus = FakeBus(frame(node(29, name="shown", text="shown"),
                        node(37, name="Hidden tab", states=0,
                             children=[node(29, name="secret tab", text="secret tab")])))
    assert [l.text for l in read(bus).lines] == ["shown"]


def test_a_button_defers_to_its_label_child():
    bus = FakeBus(frame(node(43, name="Save", children=[node(29, name="Save", text="Save")]),
                        node(43, name="Open")))
    assert [l.text for l in read(bus).lines] == ["Save", "Open"]


def test_canvas_is_a_hole_for_ocr_and_alone_does_not_cover():
    bus = FakeBus(frame(node(6, box=(10, 10, 300, 200)), node(18, box=(0, 0, 8, 8))))
    text = read(bus)
    assert text.holes == ((10, 10, 310, 210),)     # the 8-px icon is too small to OCR
    assert not text.covers


def test_past_the_budget_the_read_is_incomplete():
    bus = FakeBus(frame(node(29, name="x", text="x")), delay_s=0.03)
    text = read(bus, budget_s=0.05)
    assert text is not None and not text.complete and not text.covers


def test_another_process_window_is_not_read():
    bus = FakeBus(frame(node(29, name="x", text="x")))
    other = WindowInfo("other", "Other", pid=1)
    assert A11yReader(bus).read(other) is None


def test_without_a_bus_it_looks_again_later():
    now = [0.0]
    opened = []

    def opener():
        opened.append(now[0])
        if len(opened) == 1:
            raise A11yUnavailable("no bus yet")
        return FakeBus(frame(node(29, name="later", text="later")))

    r = A11yReader(opener=opener, clock=lambda: now[0])
    assert r.read(WIN) is None and r.read(WIN) is None and opened == [0.0]
    now[0] = 31.0
    assert [l.text for l in r.read(WIN).lines] == ["later"]
