"""The layout reader (memory/layout.py) and the answers it makes possible: values whose
label is a column header, a card caption or the first cell of their row."""

from memory.answer_tuning import AnswerTuning
from memory.layout import arrange
from memory.ocr_types import OcrLine
from memory.reader import read
from memory.retrieval import Hit


def box(text, x0, y0, x1, y1):
    return OcrLine(text, (x0, y0, x1, y1), 0.95)


# A process table as OCR boxes it (cells, rows interleaved), with a summary line above.
MONITOR = [
    box("Processes - System Monitor", 66, 53, 342, 78),
    box("CPU 39% Memory 11.9 of 16.0 GiB", 75, 106, 520, 145),
    box("% CPU", 321, 143, 426, 183), box("Memory", 447, 142, 573, 187),
    box("Process", 75, 147, 193, 182), box("PID", 597, 145, 661, 183),
    box("39.4", 318, 183, 395, 227), box("tracker-miner-fs", 75, 188, 278, 223),
    box("483 MiB", 447, 185, 562, 225), box("19204", 597, 185, 693, 226),
    box("darktable", 72, 271, 203, 311), box("36.9", 320, 268, 393, 312),
    box("9.2 GiB", 447, 270, 552, 311), box("5849", 596, 270, 677, 311),
]
# A weather card: captions above values, two values of the same shape side by side.
WEATHER = [
    box("Weather - Bilbao", 60, 50, 300, 80),
    box("Sunrise", 100, 200, 200, 225), box("Sunset", 400, 200, 490, 225),
    box("07:16", 100, 230, 220, 280), box("20:58", 400, 230, 520, 280),
    box("Light rain, feels like 3°", 100, 400, 500, 430),
]


def test_cells_come_in_reading_order_with_their_row_and_header():
    cells = {c.text: c for c in arrange(MONITOR)}
    assert cells["5849"].label == "darktable PID"
    assert cells["9.2 GiB"].label == "darktable Memory"
    assert cells["19204"].label == "tracker-miner-fs PID"
    assert cells["5849"].row == "darktable 36.9 9.2 GiB 5849"
    assert cells["PID"].label == "" and cells["Processes - System Monitor"].label == ""
    order = [c.text for c in arrange(MONITOR)]
    assert order.index("Process") < order.index("% CPU") < order.index("PID")  # left to right
    assert order.index("PID") < order.index("tracker-miner-fs") < order.index("darktable")


def test_a_caption_above_labels_its_value_and_prose_gets_no_label():
    cells = {c.text: c for c in arrange(WEATHER)}
    assert cells["20:58"].label == "Sunset" and cells["07:16"].label == "Sunrise"
    assert cells["Light rain, feels like 3°"].label == ""


def test_a_value_far_below_a_caption_is_not_its_value():
    far = [box("Sunset", 400, 100, 490, 125), box("20:58", 400, 400, 520, 450)]
    assert {c.text: c.label for c in arrange(far)}["20:58"] == ""


def _frame(fid, title, lines):
    return Hit("frame", fid, title + "\n" + "\n".join(l.text for l in lines),
               "2026-04-19T09:40:00", 1.0, [f"frames/{fid:04d}.png"], ref_id=fid)


def test_the_reader_answers_from_a_table_cell_with_the_layout_and_not_without():
    hit = _frame(11, "Processes - System Monitor", MONITOR)
    q = "what was the PID of darktable"
    laid = read(q, [hit], AnswerTuning(), idf=lambda ws: {w: 1.0 for w in ws},
                layouts={11: arrange(MONITOR)})
    assert laid.best.text == "5849"
    flat = read(q, [hit], AnswerTuning(), idf=lambda ws: {w: 1.0 for w in ws})
    assert flat.best.text != "5849"   # the text alone pairs no value with "PID"


def test_the_reader_takes_the_captioned_time():
    hit = _frame(12, "Weather - Bilbao", WEATHER)
    r = read("What time is sunset in Bilbao?", [hit], AnswerTuning(),
             idf=lambda ws: {w: 1.0 for w in ws}, layouts={12: arrange(WEATHER)})
    assert r.best.text == "20:58"
