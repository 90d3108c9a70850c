from PIL import Image, ImageDraw, ImageFont

from capture.change import (
    ChangeKind,
    Thumb,
    caret_only,
    compare,
    dhash,
    hamming,
    merge_regions,
    refine,
)

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def screen(lines, pointer=None, caret=False):
    img = Image.new("RGB", (1600, 900), (236, 239, 244))
    d = ImageDraw.Draw(img)
    f = ImageFont.truetype(FONT, 22)
    for i, line in enumerate(lines):
        d.text((80, 100 + 36 * i), line, font=f, fill=(30, 30, 30))
    if caret:  # a 2-px text caret after the last line
        x = 80 + d.textlength(lines[-1], font=f) + 2
        y = 100 + 36 * (len(lines) - 1)
        d.rectangle([x, y, x + 1, y + 26], fill=(30, 30, 30))
    if pointer:
        x, y = pointer
        d.polygon([(x, y), (x, y + 22), (x + 6, y + 16), (x + 15, y + 15)], fill=(0, 0, 0),
                  outline=(255, 255, 255))
    return img


TEXT = ["Budget approved: 6,500 EUR", "Deadline: 6 March", "Marta prefers email"]


def test_identical_frames_are_same():
    a = screen(TEXT, (400, 500))
    assert compare(Thumb.of(a), Thumb.of(a.copy())).kind is ChangeKind.SAME


def test_moved_pointer_is_a_near_duplicate():
    a, b = screen(TEXT, (400, 500)), screen(TEXT, (1100, 700))
    c = compare(Thumb.of(a), Thumb.of(b))
    assert c.kind is ChangeKind.POINTER and c.is_duplicate


def test_changed_paragraph_is_a_change_with_its_region():
    a = screen(TEXT, (400, 500))
    b = screen(TEXT[:2] + ["Marta now prefers a phone call on Fridays at noon"], (400, 500))
    c = compare(Thumb.of(a), Thumb.of(b))
    assert c.kind is ChangeKind.CHANGED and not c.is_duplicate
    (x0, y0, x1, y1), = merge_regions(c.regions, size=(1600, 900))
    assert y0 <= 100 + 72 + 10 and y1 >= 100 + 72 + 20  # the third line's band
    assert x1 - x0 < 1000 and y1 - y0 < 120             # and not the whole screen


def test_first_frame_and_size_change_are_full_frame_changes():
    a = screen(TEXT)
    assert compare(None, Thumb.of(a)).regions == [(0, 0, 1600, 900)]
    small = a.resize((800, 450))
    assert compare(Thumb.of(small), Thumb.of(a)).kind is ChangeKind.CHANGED


def test_dhash_is_stable_and_separates_different_screens():
    a, b = screen(TEXT, (400, 500)), screen(["Something else entirely"] * 6)
    assert hamming(dhash(a), dhash(a.copy())) == 0
    assert hamming(dhash(a), dhash(b)) > 10


def test_a_blinking_caret_stays_a_near_duplicate():
    a, b = screen(TEXT, caret=True), screen(TEXT, caret=False)
    c = compare(Thumb.of(a), Thumb.of(b))
    assert c.kind is ChangeKind.POINTER
    assert caret_only(a, b, c.regions)
    assert refine(c, a, b).kind is ChangeKind.POINTER


def test_one_typed_character_is_an_edit_not_a_pointer():
    # Thin glyphs too: "l" is a bar, but typing it also moves the caret along.
    for typed in ("s", "l", "7"):
        a = screen(TEXT, caret=True)
        b = screen(TEXT[:2] + [TEXT[2] + typed], caret=True)
        c = compare(Thumb.of(a), Thumb.of(b))
        assert c.kind is ChangeKind.POINTER, typed  # too small for the thumbnail alone
        assert not caret_only(a, b, c.regions), typed
        assert refine(c, a, b).kind is ChangeKind.EDIT and not refine(c, a, b).is_duplicate


def test_refine_leaves_other_kinds_alone():
    a = screen(TEXT)
    b = screen(TEXT[:2] + ["Marta now prefers a phone call on Fridays at noon"])
    for prev, cur in ((a, a.copy()), (a, b)):
        c = compare(Thumb.of(prev), Thumb.of(cur))
        assert refine(c, prev, cur) == c
