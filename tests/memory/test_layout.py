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


# A news page beside a messages panel, as OCR boxes it: the panel's message wraps onto a
# second box, and each of its lines sits level with a line of the page (one "row" each).
TWO_PANES = [
    box("Council approves new cycle lanes - Evening Herald - Firefox", 63, 57, 648, 87),
    box("Council approves new cycle lanes", 75, 113, 577, 153),
    box("Messages - Parcelwing", 1032, 113, 1236, 138),
    box("Your parcel from Saltbox Ceramics will arrive today", 1010, 146, 1452, 177),
    box("Updated 10:20 | Evening Herald", 76, 156, 405, 185),
    box("between 13:20 and 15:20.", 1010, 175, 1242, 201),
    box("The plans were discussed at length on Tuesday evening,", 75, 188, 650, 223),
    box("Track or change:", 1010, 197, 1158, 227),
    box("https://trk.parcelwing.example/CWw3UCJ4S4", 1007, 223, 1403, 257),
    box("with a final decision expected before the end of the month.", 76, 225, 677, 255),
]
# A talk schedule: long titles over the next row's title in the same column (a table's
# cells, not a wrapped sentence), and one room in three rows.
SCHEDULE = [
    box("Schedule - CodeFjord 2026 - Firefox", 51, 53, 407, 90),
    box("Speaker", 660, 152, 795, 205), box("Time", 53, 155, 143, 201),
    box("Room", 880, 155, 977, 201), box("Talk", 165, 157, 240, 200),
    box("Panel: open source funding", 163, 196, 507, 242), box("Hall A", 881, 196, 975, 242),
    box("11:40", 56, 197, 148, 243), box("Freya Petrov", 661, 198, 831, 245),
    box("12:50", 56, 238, 148, 286), box("Lightning talks", 165, 240, 362, 285),
    box("Auditorium", 882, 240, 1035, 285), box("Ingrid Osei", 662, 241, 811, 285),
    box("15:50", 56, 282, 150, 328), box("Hall A", 880, 282, 975, 328),
    box("Building a search engine from scratch", 166, 283, 641, 326),
    box("Ezra Halvorsen", 665, 286, 862, 325),
    box("16:40", 56, 323, 150, 370), box("Hall A", 881, 323, 975, 370),
    box("Closing remarks", 165, 325, 378, 371), box("Noor Petrov", 662, 326, 823, 370),
]


def test_a_wrapped_sentence_is_one_row_and_the_pane_beside_it_is_not_part_of_it():
    cells = {c.text: c for c in arrange(TWO_PANES)}
    said = "Your parcel from Saltbox Ceramics will arrive today between 13:20 and 15:20."
    assert cells["between 13:20 and 15:20."].row == said
    assert cells["Your parcel from Saltbox Ceramics will arrive today"].row == said
    assert cells["between 13:20 and 15:20."].label == ""
    assert cells["Updated 10:20 | Evening Herald"].row == "Updated 10:20 | Evening Herald"
    # the page's own wrapped sentence, ended by its full stop, is one row too
    assert cells["with a final decision expected before the end of the month."].row == (
        "The plans were discussed at length on Tuesday evening, with a final decision "
        "expected before the end of the month.")
    hit = _frame(13, "Council approves new cycle lanes - Evening Herald - Firefox", TWO_PANES)
    r = read("When is the parcel from Saltbox Ceramics arriving?", [hit], AnswerTuning(),
             idf=lambda ws: {w: 1.0 for w in ws}, layouts={13: arrange(TWO_PANES)})
    assert r.best.line == "between 13:20 and 15:20."   # not the page's "Updated 10:20"


def test_table_cells_in_one_column_are_not_a_wrapped_sentence():
    cells = {(c.text, c.row) for c in arrange(SCHEDULE)}
    assert ("Closing remarks", "16:40 Closing remarks Noor Petrov Hall A") in cells
    assert ("Hall A", "15:50 Building a search engine from scratch Ezra Halvorsen Hall A") in cells
    # the next row's title opens with a digit, as a wrapped line may: still a table cell
    titled = [ln if ln.text != "Closing remarks" else box("3D printing at home", 165, 325, 420, 371)
              for ln in SCHEDULE]
    cells = {c.text: c for c in arrange(titled)}
    assert cells["3D printing at home"].row == "16:40 3D printing at home Noor Petrov Hall A"


def test_each_row_of_a_table_gives_its_own_candidate_of_a_repeated_value():
    hit = _frame(14, "Schedule - CodeFjord 2026 - Firefox", SCHEDULE)
    r = read("Which room is Building a search engine from scratch in", [hit], AnswerTuning(),
             idf=lambda ws: {w: 1.0 for w in ws}, layouts={14: arrange(SCHEDULE)})
    assert r.best.text == "Hall A" and "Building a search engine" in r.best.row
    halls = [c for c in r.candidates if c.text == "Hall A"]
    assert len({c.row for c in halls}) == 3


def test_a_sign_off_labels_the_name_under_it_and_answers_who_signed():
    letter = [
        box("letter_lakeside_2026-04-19.odt - LibreOffice Writer", 60, 50, 620, 80),
        box("27 Copse Lane", 700, 120, 880, 150),
        box("For the attention of Marisol Strand", 120, 260, 560, 292),
        box("Dear Sir or Madam,", 120, 330, 360, 362),
        box("I am writing about the letter dated 5 April.", 120, 380, 660, 412),
        box("Yours faithfully,", 120, 470, 330, 502),
        box("Kwame Delacroix", 120, 540, 330, 572),
    ]
    cells = {c.text: c for c in arrange(letter)}
    assert cells["Kwame Delacroix"].label == "Yours faithfully,"
    assert cells["I am writing about the letter dated 5 April."].label == ""   # not short
    hit = _frame(15, letter[0].text, letter[1:])
    r = read("Who signed the letter to Lakeside Leisure Trust?", [hit], AnswerTuning(),
             idf=lambda ws: {w: 1.0 for w in ws}, layouts={15: arrange(letter[1:])})
    assert r.best.text == "Kwame Delacroix"


def test_a_heading_over_the_label_column_is_not_the_header_of_the_values():
    # The sheet's name, left-aligned with the row labels, reaches into the values column.
    sheet = [
        box("Wedding costs", 77, 110, 301, 145),
        box("Insurance", 75, 147, 195, 182), box("4,240", 266, 148, 342, 183),
        box("257", 288, 178, 342, 218), box("Equipment", 75, 181, 196, 217),
        box("Total", 72, 282, 148, 320), box("12,239", 255, 283, 342, 320),
    ]
    cells = {c.text: c for c in arrange(sheet)}
    assert cells["12,239"].label == "Total" and cells["4,240"].label == "Insurance"
    assert cells["257"].label == "Equipment"


# A downloads list: each item a file name over its size and source, items spaced apart,
# OCR boxes of one item overlapping; a side menu of evenly spaced entries beside it.
DOWNLOADS = [
    box("Downloads - Library", 60, 50, 330, 80),
    box("Today", 40, 110, 120, 140), box("Yesterday", 40, 139, 170, 171),
    box("Last week", 40, 170, 168, 200), box("All", 40, 199, 90, 230),
    box("field-notes.epub", 300, 120, 520, 152),
    box("2.4 MB - archive.example.org", 302, 146, 610, 172),
    box("tide-tables-2026.pdf", 300, 188, 560, 220),
    box("880 KB - harbour.example.net", 301, 213, 620, 240),
    box("kestrel.ogg", 300, 257, 440, 288),
    box("5.1 MB - sounds.example.com", 302, 282, 630, 309),
]


def test_a_list_item_groups_its_lines_and_an_even_menu_is_no_item():
    cells = {c.text: c for c in arrange(DOWNLOADS)}
    assert cells["880 KB - harbour.example.net"].item == \
        "tide-tables-2026.pdf\n880 KB - harbour.example.net"
    assert cells["tide-tables-2026.pdf"].item == cells["880 KB - harbour.example.net"].item
    assert cells["kestrel.ogg"].item != cells["field-notes.epub"].item
    assert all(cells[t].item == "" for t in ("Today", "Yesterday", "Last week", "All"))


def test_evenly_spaced_form_rows_are_no_list_items():
    form = [box(f"Field {n}: value {n}", 100, 100 + 40 * n, 400, 130 + 40 * n) for n in range(6)]
    assert all(c.item == "" for c in arrange(form))


def test_the_item_feature_covers_the_line_above_and_self_marks_the_users_row():
    hit = _frame(16, "Downloads - Library", DOWNLOADS)
    r = read("How big was tide-tables-2026.pdf?", [hit], AnswerTuning(),
             idf=lambda ws: {w: 1.0 for w in ws}, layouts={16: arrange(DOWNLOADS)})
    by_text = {c.text: c for c in r.candidates}
    assert by_text["880 KB"].feats["item"] > by_text["5.1 MB"].feats["item"]
    assert by_text["880 KB"].feats["row"] == by_text["5.1 MB"].feats["row"]  # the row alone ties
    queue = [box("Job list", 60, 50, 200, 80),
             box("poster.pdf", 300, 120, 440, 150), box("Ana, 4 pages", 300, 146, 460, 172),
             box("report.odt", 300, 190, 440, 220), box("You, 9 pages", 300, 216, 460, 242)]
    hit = _frame(17, "Job list", queue)
    r = read("How many pages did I print?", [hit], AnswerTuning(),
             idf=lambda ws: {w: 1.0 for w in ws}, layouts={17: arrange(queue)})
    selves = {c.text: c.feats["self"] for c in r.candidates}
    assert selves["You, 9 pages"] == 1.0 and selves["Ana, 4 pages"] == 0.0
