"""The screen-day generator (bench/gen_screen_days.py): every answerable question's answer is
drawn on its evidence frame, every unanswerable question's entity on no frame, the held-out
templates carry distractors of the answer's shape, a seed gives the same day, and the default
day of a seed is what it was before the held-out templates came (so the reader's tuning split
and earlier figures stay reproducible)."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GEN = REPO / "bench" / "gen_screen_days.py"
# The generator as it was before the held-out templates (issue 18), and what its default day
# for seed 1 with one instance a template wrote then (sha256 of the two manifests).
BEFORE = "d6fd92d87c55feeecd8e97cb0d3d7b05baba794e"
SEED1 = {"frames.jsonl": "97606767f62a5b11ba07a014483b89546db5165e2253de7f64689529ba8f3e3e",
         "questions.jsonl": "0b897ea45e14e9d0ba8e05cb0c330357423fa0a555f2b0bff0c2987472f7e7a1"}
# A "fresh" day (seed 1, one instance a template) as it was before the round-3 templates came:
# sha256 of the two manifests and of the frames' pixels, so "fresh" figures stay reproducible.
FRESH1 = {"frames.jsonl": "c798c64b41989787248ceea464e051b826f6082333047b867313d9272c53cd9f",
          "questions.jsonl": "c379e32ec9dc406065916c7383cafdb069e490145a86a8479a66dc41d186dd40",
          "pixels": "5eb2b706e088ca4b898f13eb4cb72e72cb814646e7554f60254084f0654be266"}
# A round-3 and a round-4 day (seed 1, one instance a template) as they were before the round-5
# templates came: sha256 of the two manifests and of the frames' pixels.
ROUND3_1 = {"frames.jsonl": "822bee2bd92a8cd24bb467b7e522d169110fd002d3b11c987a3d55a7279dd6d8",
            "questions.jsonl": "2a82c83f44c603ce58b1c4670d140b1ef662946cfd0c091bf24f0411da16756e",
            "pixels": "6306ecb8fa5d1436b68f2b5dac387d47313ab88d2fd98a6873792413a4af4afc"}
ROUND4_1 = {"frames.jsonl": "e9800fbf4250fc1a47428994907a34e90d83e567131889a5ec2177f67b66a7f8",
            "questions.jsonl": "673660eec191abb331c28c1ab406ac6fe38bfaf8fe0252ec1bdf2076d0ef8b30",
            "pixels": "d31b120a5c3e974bd3208c95222f808add9414b858b465d67403c6596f0e4642"}
# A round-5 day (seed 1, one instance a template) as it was before the round-6 templates came.
ROUND5_1 = {"frames.jsonl": "cd5dfb36d118add9241d70ef377054713525471b227d62742502cd8ef6ce6c04",
            "questions.jsonl": "dbb8fd3237b71a892b5b05ba67310a38bb98631565d49a2899d03ae55dd4739a",
            "pixels": "c103f3c96f0b78f85247c96dc8500241bd79b3a6a3913f4388ec24d2d85b7c75"}
# A round-6 day (seed 1, one instance a template) as it was before the round-7 templates came.
ROUND6_1 = {"frames.jsonl": "40ac52899295dbe42baeee6630784b710de03ffb0b4e88845595928192d53a46",
            "questions.jsonl": "1c36a0e51341c7fe9580589a956511ff25fe2f29b402232dfac6db52b9643a9f",
            "pixels": "ff9e1294d5821ef061733310e9f8b2ebad02938bc8db1f3767b7e87585f38991"}
# A round-7 day (seed 1, one instance a template) as it was before the round-8 templates came.
ROUND7_1 = {"frames.jsonl": "30f3320ecf395e29d929414164af5348bacf1ec3545db337226e71b299b6d582",
            "questions.jsonl": "0ec574d76b8267422e3c5de7196dc28e64a653b914c2ee8c3dcc2c0e81b5ac15",
            "pixels": "0cefa1a612902be80c6b4eb14b63ea12172e7c47c2352fed8c1ab5ff6efd96c6"}
MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
SHAPE_PATTERNS = {  # a value of the shape, to count distractors on the screen
    "money": r"\d[\d,]*\.\d\d",
    "time": r"\b\d{2}:\d{2}\b",
    "date": rf"\b\d{{1,2}} (?:{MONTHS})|\b\d\d/\d\d/\d{{4}}\b|\b\d{{4}}-\d\d-\d\d\b",
    "number": r"\d[\d,.]*",
}


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def gen():
    return _load(GEN, "gen_screen_days_under_test")


def _read(path: Path) -> list[dict]:
    import json
    return [json.loads(line) for line in path.read_text().splitlines()]


def _day(gen, out: Path, seed: int, templates) -> tuple[list[dict], dict]:
    scenes: list = []
    gen.generate(seed, out, instances=1, templates=templates, scenes_out=scenes)
    return _read(out / "questions.jsonl"), dict(scenes)


def _absent_entity(gen, q: dict) -> str | None:
    """The entity an unanswerable template question names, from its template's absent forms."""
    tname, form = q["template"].split(":")
    t = next(t for t in gen.TEMPLATES if t.__name__ == tname)
    sc = t(random.Random(0), dt.date(2026, 5, 5), gen.Used())
    for f, text, _kind in sc["absent"]:
        m = re.fullmatch(re.escape(text).replace(re.escape("{X}"), "(.+)"), q["question"])
        if f == form and m:
            return m.group(1)
    return None


@pytest.mark.parametrize("tset", ["fresh", "round3", "round4", "round5", "round6", "round7", "round8"])
def test_answers_drawn_on_evidence_and_absent_entities_nowhere(gen, tmp_path, tset):
    questions, scenes = _day(gen, tmp_path, 3, gen.TEMPLATE_SETS[tset])
    assert len({q["template"].split(":")[0] for q in questions}) == len(gen.TEMPLATE_SETS[tset]) + 1
    texts = {name: [t.lower() for t in gen.scene_texts(sc)] for name, sc in scenes.items()}
    everything = [t for ts in texts.values() for t in ts] + [sc["app"].lower() for sc in scenes.values()]
    answerable = [q for q in questions if not q["abstain"]]
    assert len(answerable) >= 2 * len(gen.TEMPLATE_SETS[tset])
    for q in answerable:
        shown = texts[q["evidence"][0]]
        assert any(a.lower() in t for a in q["answers"] for t in shown), (q, shown)
    absent = [q for q in questions if q["abstain"]]
    assert {q["template"].split(":")[0] for q in absent} >= {t.__name__ for t in gen.TEMPLATE_SETS[tset]}
    for q in absent:
        if q["template"].startswith("unused_app"):
            entity = q["question"].rstrip("?").split(" in ")[-1]
        else:
            entity = _absent_entity(gen, q)
        assert entity, q
        assert not any(entity.lower() in t for t in everything), (q["question"], entity)


@pytest.mark.parametrize("tset", ["fresh", "round3", "round4", "round5", "round6", "round7", "round8"])
def test_held_out_questions_have_distractors_of_their_shape(gen, tmp_path, tset):
    questions, scenes = _day(gen, tmp_path, 4, gen.TEMPLATE_SETS[tset])
    firsts = gen.FIRST2 + gen.FIRST3 + gen.FIRST4 + gen.FIRST5 + gen.FIRST6 + gen.FIRST7 + gen.FIRST8
    names = {f"{a} {b}" for a in firsts
             for b in gen.LAST2 + gen.LAST3 + gen.LAST4 + gen.LAST5 + gen.LAST6 + gen.LAST7 + gen.LAST8}
    shapes = set()
    for q in questions:
        if q["abstain"] or q["template"].endswith(":activity"):
            continue
        shapes.add(q["shape"])
        text = "\n".join(gen.scene_texts(scenes[q["evidence"][0]]))
        if q["shape"] == "person" and " " not in q["answers"][0]:  # a first name, as a chat shows
            values = {f for f in firsts if re.search(rf"\b{f}\b", text)}
        elif q["shape"] == "person":
            values = {n for n in names if n in text} | {m for m in re.findall(r"Dr \w+", text)}
        elif q["shape"] in SHAPE_PATTERNS:
            values = set(re.findall(SHAPE_PATTERNS[q["shape"]], text))
        else:
            continue
        assert len(values) >= 2, (q["question"], values)
    assert shapes >= {"number", "money", "code", "time", "date", "person", "place", "command", "file",
                      "url", "text"}


@pytest.mark.parametrize("tset", ["fresh", "round3", "round4", "round5", "round6", "round7", "round8"])
def test_same_seed_same_day(gen, tmp_path, tset):
    for run in ("a", "b"):
        gen.generate(7, tmp_path / run, instances=1, templates=gen.TEMPLATE_SETS[tset])
    for name in ("questions.jsonl", "frames.jsonl", "frames/0001.png", "frames/0009.png"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_default_day_unchanged_by_the_held_out_templates(gen, tmp_path):
    gen.generate(1, tmp_path / "new", instances=1)
    for name, digest in SEED1.items():
        assert hashlib.sha256((tmp_path / "new" / name).read_bytes()).hexdigest() == digest, name
    before = subprocess.run(["git", "-C", str(REPO), "show", f"{BEFORE}:bench/gen_screen_days.py"],
                            capture_output=True, text=True)
    if before.returncode != 0:
        pytest.skip(f"the generator's earlier version ({BEFORE[:8]}) is not in this checkout's history")
    (tmp_path / "before.py").write_text(before.stdout)
    _load(tmp_path / "before.py", "gen_screen_days_before").generate(1, tmp_path / "old", instances=1)
    old = sorted((tmp_path / "old" / "frames").iterdir())
    assert len(old) == len(gen.CLASSIC)
    for png in old:  # same pixels and bytes: the new layouts draw nothing, and draw no rng, for old scenes
        assert png.read_bytes() == (tmp_path / "new" / "frames" / png.name).read_bytes(), png.name


def _drawn_scenes(gen, tset: str, seeds: int, day_of) -> list[dict]:
    """Every template of a set drawn and rendered for `seeds` seeds (one rng and one `Used` a
    seed, the day `day_of(seed)`): render raises when a layout overflows its window."""
    scenes = []
    for seed in range(seeds):
        rng = random.Random(seed)
        used = gen.Used()
        for t in gen.TEMPLATE_SETS[tset]:
            sc = t(rng, day_of(seed), used)
            gen.render(sc, dt.datetime(2026, 5, 5, 9, 0), rng)
            scenes.append(sc)
    return scenes


def _day_digests(gen, out: Path, tset: str) -> dict:
    from PIL import Image
    gen.generate(1, out, instances=1, templates=gen.TEMPLATE_SETS[tset])
    pixels = hashlib.sha256()
    for png in sorted((out / "frames").iterdir()):
        pixels.update(Image.open(png).tobytes())
    got = {name: hashlib.sha256((out / name).read_bytes()).hexdigest()
           for name in ("frames.jsonl", "questions.jsonl")}
    return {**got, "pixels": pixels.hexdigest()}


def test_fresh_day_unchanged_by_round3(gen, tmp_path):
    assert _day_digests(gen, tmp_path, "fresh") == FRESH1


@pytest.mark.parametrize("tset,digests", [("round3", ROUND3_1), ("round4", ROUND4_1)])
def test_earlier_held_out_days_unchanged_by_round5(gen, tmp_path, tset, digests):
    assert _day_digests(gen, tmp_path, tset) == digests


def test_round3_scenes_fit_and_use_the_new_layouts(gen):
    """Every round-3 template draws inside its window for several seeds (render raises when a
    layout overflows), and the round uses the new layouts and relative wording."""
    seen: set = set()
    for sc in _drawn_scenes(gen, "round3", 4, lambda seed: dt.date(2026, 1 + seed * 3, 3 + seed * 7)):
        seen |= {sc.get("layout", "plain"), *(k for k in ("tabs", "selected", "theme") if k in sc)}
        for line in sc["lines"]:
            assert isinstance(line, (str, list, tuple, dict)), line
    assert seen >= {"table", "cards", "form", "chat", "tabs", "selected", "theme"}
    wording = " ".join(q for t in gen.TEMPLATE_SETS["round3"]
                       for _f, q, _a, _s in t(random.Random(1), dt.date(2026, 5, 5), gen.Used())["qs"])
    for phrase in ("newest", "second", "replied last", "after the"):
        assert phrase in wording, phrase


def test_template_selection(gen, tmp_path):
    assert [t.__name__ for t in gen.select_templates("gym, t_letter")] == ["t_gym_class", "t_letter"]
    assert gen.select_templates("classic,fresh") == gen.CLASSIC + gen.TEMPLATE_SETS["fresh"]
    every = "classic,fresh,round3,round4,round5,round6,round7,round8"
    assert gen.select_templates(every) == gen.TEMPLATES == gen.select_templates("all")
    assert gen.select_templates("round6") == gen.TEMPLATE_SETS["round6"] and len(gen.TEMPLATE_SETS["round6"]) >= 16
    assert gen.TEMPLATES[:91] == gen.TEMPLATES[:73] + gen.TEMPLATE_SETS["round5"]
    assert len(gen.TEMPLATE_SETS["round5"]) == 18
    assert not set(gen.TEMPLATE_SETS["round6"]) & set(gen.TEMPLATES[:91])
    assert gen.TEMPLATES[91:107] == gen.TEMPLATE_SETS["round6"]
    assert gen.TEMPLATES[107:123] == gen.TEMPLATE_SETS["round7"]
    assert gen.select_templates("round7") == gen.TEMPLATE_SETS["round7"] and len(gen.TEMPLATE_SETS["round7"]) == 16
    assert not set(gen.TEMPLATE_SETS["round7"]) & set(gen.TEMPLATES[:107])
    assert gen.TEMPLATES[123:] == gen.TEMPLATE_SETS["round8"] == gen.select_templates("round8")
    assert len(gen.TEMPLATE_SETS["round8"]) == 16 and not set(gen.TEMPLATE_SETS["round8"]) & set(gen.TEMPLATES[:123])
    assert [t.__name__ for t in gen.select_templates("docker, t_thermo")] == ["t_thermostat", "t_docker_compose"]
    assert gen.select_templates("round3") == gen.TEMPLATE_SETS["round3"] and len(gen.TEMPLATE_SETS["round3"]) >= 14
    assert not set(gen.TEMPLATE_SETS["round3"]) & set(gen.CLASSIC + gen.TEMPLATE_SETS["fresh"])
    assert gen.select_templates("round4") == gen.TEMPLATE_SETS["round4"] and len(gen.TEMPLATE_SETS["round4"]) >= 14
    assert not set(gen.TEMPLATE_SETS["round4"]) & set(gen.TEMPLATES[:57])
    assert gen.select_templates("round5") == gen.TEMPLATE_SETS["round5"] and len(gen.TEMPLATE_SETS["round5"]) >= 16
    assert not set(gen.TEMPLATE_SETS["round5"]) & set(gen.TEMPLATES[:73])
    earlier = gen.CLASSIC + gen.TEMPLATE_SETS["fresh"] + gen.TEMPLATE_SETS["round3"] + gen.TEMPLATE_SETS["round4"]
    assert gen.TEMPLATES[:73] == earlier
    assert [t.__name__ for t in gen.select_templates("car_s, t_git_log")] == ["t_car_service", "t_git_log"]
    assert gen.CLASSIC + gen.TEMPLATE_SETS["fresh"] + gen.TEMPLATE_SETS["round3"] == gen.TEMPLATES[:57]
    assert gen.select_templates("t_pa") == [gen.t_parcel, gen.t_payslip, gen.t_password_entry, gen.t_parcel_sms]
    run = subprocess.run([sys.executable, str(GEN), "--templates", "nosuch", "--out", str(tmp_path / "x")],
                         capture_output=True, text=True)
    assert run.returncode == 2 and run.stderr.count("\n") == 1 and "nosuch" in run.stderr, run.stderr
    assert not (tmp_path / "x").exists()


def test_round4_scenes_fit_and_use_their_layouts(gen):
    """Every round-4 template draws inside its window for several seeds (render raises when a
    layout overflows), with the round's own layouts and looks, and its questions ask with a
    spread of question words."""
    seen: set = set()
    for sc in _drawn_scenes(gen, "round4", 4, lambda seed: dt.date(2026, 2 + seed * 3, 2 + seed * 7)):
        seen |= {sc.get("layout", "plain"), sc.get("theme", "light"),
                 *(k for k in ("numeric_right", "diff", "shrink", "toast", "sidebar") if k in sc)}
        for line in sc["lines"]:
            assert isinstance(line, (str, list, tuple)), line
    assert seen >= {"kv", "timeline", "panes", "table", "cards", "form", "plain", "dark", "light",
                    "numeric_right", "diff", "shrink", "toast", "sidebar"}
    wording = [q.lower() for t in gen.TEMPLATE_SETS["round4"]
               for _f, q, _a, _s in t(random.Random(1), dt.date(2026, 5, 5), gen.Used())["qs"]]
    for start in ("how much", "how many", "how long", "when", "which", "who", "what time", "where"):
        assert sum(q.startswith(start) for q in wording) >= 2, start


def test_round4_day_is_big_enough_and_recorded(gen, tmp_path):
    """One seed's round-4 day (two screens a template) holds at least 90 answerable and 10
    unanswerable questions, from every template, with each question's template and answer shape
    recorded; every answer is among the texts drawn on its evidence frame, which exists."""
    scenes: list = []
    summary = gen.generate(4, tmp_path, instances=2, templates=gen.TEMPLATE_SETS["round4"], scenes_out=scenes)
    questions = _read(tmp_path / "questions.jsonl")
    names = {t.__name__ for t in gen.TEMPLATE_SETS["round4"]}
    answerable = [q for q in questions if not q["abstain"]]
    absent = [q for q in questions if q["abstain"]]
    assert summary["frames"] == 2 * len(names) and len(answerable) >= 90 and len(absent) >= 10
    assert {q["template"].split(":")[0] for q in answerable} == names
    assert {q["template"].split(":")[0] for q in absent} == names | {"unused_app"}
    shapes = {"number", "money", "code", "time", "date", "person", "place", "command", "file", "url", "text", "title"}
    assert {q["shape"] for q in answerable} <= shapes and {q["shape"] for q in absent} == {"none"}
    assert all(q["answers"] and q["evidence"] for q in answerable)
    assert all(not q["answers"] and not q["evidence"] for q in absent)
    frames = {fr["file"]: fr for fr in _read(tmp_path / "frames.jsonl")}
    texts = {name: " | ".join(gen.scene_texts(sc)).lower() for name, sc in scenes}
    for q in answerable:
        assert q["evidence"][0] in frames and (tmp_path / q["evidence"][0]).exists()
        assert any(a.lower() in texts[q["evidence"][0]] for a in q["answers"]), q


def test_round5_scenes_fit_and_use_their_layouts(gen):
    """Every round-5 template draws inside its window for several seeds (render raises when a
    layout, a dialog, a tile, a group header or the status bar overflows), with the round's new
    layouts; its questions use relative wording and a spread of question words, and some of its
    screens are pages one reads."""
    seen: set = set()
    for sc in _drawn_scenes(gen, "round5", 4, lambda seed: dt.date(2026, 3 + seed * 2, 4 + seed * 6)):
        seen |= {sc.get("layout", "plain"), sc.get("theme", "light"),
                 *(k for k in ("modal", "crumbs", "status", "groups", "numeric_right", "sidebar", "selected")
                   if k in sc)}
    assert seen >= {"tiles", "modal", "crumbs", "status", "groups", "table", "kv", "plain", "dark", "light"}
    scenes = [t(random.Random(1), dt.date(2026, 5, 5), gen.Used()) for t in gen.TEMPLATE_SETS["round5"]]
    wording = [q.lower() for sc in scenes for _f, q, _a, _s in sc["qs"]]
    for start in ("how much", "how many", "when", "which", "who", "what time", "where"):
        assert sum(q.startswith(start) for q in wording) >= 2, start
    for phrase in ("newest", "oldest", "latest", "after", "fastest", "highest", "first", "most"):
        assert any(phrase in q for q in wording), phrase
    assert sum(bool(sc.get("activity")) for sc in scenes) >= 2


def test_round5_dialog_dims_the_window_behind_it(gen):
    """A scene with a "modal" draws the same window darker around the dialog (the dimmed page
    is still there, not blanked), and its text is among the scene's texts."""
    sc = gen.t_card_limits(random.Random(2), dt.date(2026, 4, 9), gen.Used())
    plain = {k: v for k, v in sc.items() if k != "modal"}
    with_modal = gen.render(sc, dt.datetime(2026, 4, 9, 10, 0), random.Random(5)).convert("L")
    without = gen.render(plain, dt.datetime(2026, 4, 9, 10, 0), random.Random(5)).convert("L")
    corner = (300, 120, 420, 160)  # window, outside the centred dialog
    dim, bright = with_modal.crop(corner).getextrema(), without.crop(corner).getextrema()
    assert dim[1] < bright[1] and dim[1] > 60
    texts = gen.scene_texts(sc)
    assert sc["modal"][0] in texts and all(line in texts for line in sc["modal"][1])


@pytest.mark.parametrize("name, answerable_min, activity_min", [("round5", 140, 4),
                                                              ("round6", 150, 6),
                                                              ("round7", 150, 6),
                                                              ("round8", 120, 6)])
def test_a_blind_set_day_is_big_enough_and_recorded(gen, tmp_path, name, answerable_min,
                                                     activity_min):
    """One seed's day of a blind set (two screens a template) holds enough answerable and at
    least 16 unanswerable questions from every template, split into train and test; each
    answer is among the texts drawn on its evidence frame, which exists, and no unanswerable
    question's entity is drawn anywhere."""
    scenes: list = []
    summary = gen.generate(6, tmp_path, instances=2, templates=gen.TEMPLATE_SETS[name], scenes_out=scenes)
    questions = _read(tmp_path / "questions.jsonl")
    names = {t.__name__ for t in gen.TEMPLATE_SETS[name]}
    answerable = [q for q in questions if not q["abstain"]]
    absent = [q for q in questions if q["abstain"]]
    assert summary["frames"] == 2 * len(names) and len(answerable) >= answerable_min
    assert len(absent) >= 16 + 8
    assert {q["template"].split(":")[0] for q in answerable} == names
    assert {q["template"].split(":")[0] for q in absent} == names | {"unused_app"}
    assert {q["split"] for q in questions} == {"train", "test"}
    assert sum(q["template"].endswith(":activity") for q in answerable) >= activity_min
    texts = {name: " | ".join(gen.scene_texts(sc)).lower() for name, sc in scenes}
    for q in answerable:
        assert (tmp_path / q["evidence"][0]).exists()
        assert any(a.lower() in texts[q["evidence"][0]] for a in q["answers"]), q
    everything = " | ".join(texts.values())
    for q in absent:
        if not q["template"].startswith("unused_app"):
            entity = _absent_entity(gen, q)
            assert entity and entity.lower() not in everything, q


def test_round5_day_unchanged_by_round6(gen, tmp_path):
    assert _day_digests(gen, tmp_path, "round5") == ROUND5_1


def test_round6_scenes_fit_and_use_their_layouts(gen):
    """Every round-6 template draws inside its window for several seeds (render raises when a
    week cell, a ticket field, a list row or any earlier layout overflows), with the round's new
    layouts beside earlier ones; its questions use relative wording and a spread of question
    words, and some of its screens are pages one reads."""
    seen: set = set()
    for sc in _drawn_scenes(gen, "round6", 5, lambda seed: dt.date(2026, 1 + seed * 2, 2 + seed * 5)):
        seen |= {sc.get("layout", "plain"), sc.get("theme", "light"),
                 *(k for k in ("modal", "crumbs", "status", "groups", "tabs", "selected", "sidebar", "mono")
                   if k in sc)}
    assert seen >= {"week", "ticket", "list", "tiles", "table", "kv", "cards", "chat", "plain", "dark", "light",
                    "crumbs", "status", "groups", "tabs", "selected", "mono"}
    scenes = [t(random.Random(1), dt.date(2026, 5, 5), gen.Used()) for t in gen.TEMPLATE_SETS["round6"]]
    wording = [q.lower() for sc in scenes for _f, q, _a, _s in sc["qs"]]
    for start in ("how much", "how many", "when", "which", "who", "what time", "where", "what's"):
        assert sum(q.startswith(start) for q in wording) >= 2, start
    for phrase in ("largest", "most", "soonest", "right after", "straight after", "second", "first", "apart from"):
        assert any(phrase in q for q in wording), phrase
    assert sum(bool(sc.get("activity")) for sc in scenes) >= 3
    assert len({s for sc in scenes for _f, _q, _a, s in sc["qs"]}) >= 11


def test_round6_layouts_refuse_what_does_not_fit(gen):
    """A week cell, a ticket field or a list row too wide for its place is an error, not text
    drawn over its neighbour or off the window."""
    base = dict(app="Firefox", title="fit check")
    too_wide = "a value far too long for the place it has been given " * 6
    cases = (("week", ("Mon", too_wide)), ("ticket", ("Seat", too_wide)), ("list", ("Item", too_wide, "1.00")))
    for layout, line in cases:
        with pytest.raises(ValueError):
            gen.render({**base, "layout": layout, "lines": ["# Fit", line]}, dt.datetime(2026, 5, 5, 9, 0),
                       random.Random(1))
        gen.render({**base, "layout": layout, "lines": ["# Fit", tuple(p[:8] for p in line)]},
                   dt.datetime(2026, 5, 5, 9, 0), random.Random(1))


def test_round6_day_unchanged_by_round7(gen, tmp_path):
    assert _day_digests(gen, tmp_path, "round6") == ROUND6_1


def test_round7_scenes_fit_and_use_their_layouts(gen):
    """Every round-7 template draws inside its window for several seeds (render raises when an
    agenda row, a chart's bars or legend, an icon's caption, a map pin, a notification or any
    earlier layout overflows), with the round's new layouts beside earlier ones; its questions use
    relative wording at a modest rate and a spread of question words and answer shapes, and some
    of its screens are pages one reads."""
    seen: set = set()
    for sc in _drawn_scenes(gen, "round7", 5, lambda seed: dt.date(2026, 1 + seed * 2, 3 + seed * 5)):
        seen |= {sc.get("layout", "plain"), sc.get("theme", "light"),
                 *(k for k in ("modal", "crumbs", "status", "groups", "tabs", "selected", "sidebar", "mono",
                               "toast", "numeric_right") if k in sc)}
    assert seen >= {*gen.LAYOUTS7, "kv", "table", "timeline", "ticket", "week", "plain", "dark", "light",
                    "crumbs", "status", "groups", "selected", "sidebar", "mono", "toast", "numeric_right"}
    assert not {t.__name__ for t in gen.TEMPLATES[:107]} & {t.__name__ for t in gen.TEMPLATE_SETS["round7"]}
    scenes = [t(random.Random(1), dt.date(2026, 5, 5), gen.Used()) for t in gen.TEMPLATE_SETS["round7"]]
    assert all(4 <= len(sc["qs"]) <= 6 and sc["absent"] for sc in scenes)
    wording = [q.lower() for sc in scenes for _f, q, _a, _s in sc["qs"]]
    for start in ("how much", "how many", "how long", "when", "which", "who", "what time", "where", "what's"):
        assert sum(q.startswith(start) for q in wording) >= 2, start
    relative = ("most", "least", "largest", "shortest", "first", "before", "slowest", "best", "opening")
    assert 8 <= sum(any(w in q for w in relative) for q in wording) < len(wording) / 2
    assert sum(bool(sc.get("activity")) for sc in scenes) >= 3
    assert {s for sc in scenes for _f, _q, _a, s in sc["qs"]} >= {
        "number", "money", "code", "time", "date", "person", "place", "command", "file", "url", "text"}


def test_round7_layouts_refuse_what_does_not_fit(gen):
    """An agenda task, a chart category, an icon caption, a map pin or a notification too wide
    for its place is an error, not text drawn over its neighbour or off the window."""
    base = dict(app="Firefox", title="fit check")
    too_wide = "a value far too long for the place it has been given " * 6
    cases = (("agenda", [("Today",), ("09:00", too_wide, "P1")]),
             ("chart", [("ms", "p95"), (too_wide, "12"), ("b", "30")]),
             ("icons", [(too_wide, "1.0 MB, 2 May")]),
             ("map", [(too_wide, "Now: sorted 06:00"), ("Your address", "Delivery")]),
             ("notices", [("Slack", "09:00", too_wide, "hello")]))
    for layout, rows in cases:
        with pytest.raises(ValueError):
            gen.render({**base, "layout": layout, "lines": ["# Fit", *rows]}, dt.datetime(2026, 5, 5, 9, 0),
                       random.Random(1))
        short = [tuple(p[:10] for p in row) for row in rows]
        gen.render({**base, "layout": layout, "lines": ["# Fit", *short]}, dt.datetime(2026, 5, 5, 9, 0),
                   random.Random(1))


def test_round7_day_unchanged_by_round8(gen, tmp_path):
    assert _day_digests(gen, tmp_path, "round7") == ROUND7_1


def test_round8_scenes_fit_and_use_their_layouts(gen):
    """Every round-8 template draws inside its window for several seeds (render raises when a call
    tile, a photo detail, an alert, the seat map, a donut's legend, a history entry or any earlier
    layout overflows), with the round's new layouts beside earlier ones; each template asks two to
    four questions and has an unanswerable form, its questions use relative wording at a modest
    rate and a spread of question words and answer shapes, and some of its screens are pages one
    reads."""
    seen: set = set()
    for sc in _drawn_scenes(gen, "round8", 5, lambda seed: dt.date(2026, 2 + seed * 2, 4 + seed * 5)):
        seen |= {sc.get("layout", "plain"), sc.get("theme", "light"),
                 *(k for k in ("modal", "crumbs", "status", "groups", "tabs", "selected", "sidebar", "mono",
                               "numeric_right") if k in sc)}
    assert seen >= {*gen.LAYOUTS8, "kv", "table", "timeline", "list", "form", "plain", "dark", "light",
                    "modal", "crumbs", "status", "groups", "tabs", "selected", "sidebar", "mono", "numeric_right"}
    assert not {t.__name__ for t in gen.TEMPLATES[:123]} & {t.__name__ for t in gen.TEMPLATE_SETS["round8"]}
    scenes = [t(random.Random(1), dt.date(2026, 5, 5), gen.Used()) for t in gen.TEMPLATE_SETS["round8"]]
    assert all(2 <= len(sc["qs"]) <= 4 and sc["absent"] for sc in scenes)
    wording = [q.lower() for sc in scenes for _f, q, _a, _s in sc["qs"]]
    for start in ("how much", "how many", "when", "which", "who", "what time", "where", "what's"):
        assert sum(q.startswith(start) for q in wording) >= 2, start
    relative = ("most", "lowest", "first", "before", "slowest", "latest", "recent", "next", "last")
    assert 6 <= sum(any(w in q for w in relative) for q in wording) < len(wording) / 2
    assert sum(bool(sc.get("activity")) for sc in scenes) >= 3
    assert {s for sc in scenes for _f, _q, _a, s in sc["qs"]} >= {
        "number", "money", "code", "time", "date", "person", "place", "command", "file", "url", "text"}


def test_round8_layouts_refuse_what_does_not_fit(gen):
    """A call tile's name, a photo detail, an alert, a seat map, a donut's legend row or a history
    entry too wide for its place is an error, not text drawn over its neighbour or off the window."""
    base = dict(app="Firefox", title="fit check")
    too_wide = "a value far too long for the place it has been given " * 6
    cases = (("gallery", [(too_wide, "Host")]),
             ("photo", [("Title", too_wide)]),
             ("alerts", [("warning", too_wide, "Water is off")]),
             ("seats", [("A", "." * 40)]),
             ("donut", [("Fund", "Share", "Value"), (too_wide, "60%", "1.00"), ("Cash", "40%", "2.00")]),
             ("history", [("Today",), ("09:00", too_wide, "https://a.example/")]))
    for layout, rows in cases:
        with pytest.raises(ValueError):
            gen.render({**base, "layout": layout, "lines": ["# Fit", *rows]}, dt.datetime(2026, 5, 5, 9, 0),
                       random.Random(1))
        short = [tuple(p[:10] for p in row) for row in rows]
        gen.render({**base, "layout": layout, "lines": ["# Fit", *short]}, dt.datetime(2026, 5, 5, 9, 0),
                   random.Random(1))
