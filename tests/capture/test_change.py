from PIL import Image, ImageDraw, ImageFont

from capture.change import ChangeKind, Thumb, compare, dhash, hamming, merge_regions

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def screen(lines, pointer=None):
    img = Image.new("RGB", (1600, 900), (236, 239, 244))
    d = ImageDraw.Draw(img)
    f = ImageFont.truetype(FONT, 22)
    for i, line in enumerate(lines):
        d.text((80, 100 + 36 * i), line, font=f, fill=(30, 30, 30))
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
