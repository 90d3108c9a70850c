from dataclasses import replace

import pytest

from memory.answer_tuning import AnswerTuning
from memory.layout import arrange
from memory.ocr_types import OcrLine
from memory.reader import candidates, features, key_coverage, key_words, read
from memory.retrieval import Hit
from memory.shapes import expected_shapes, span_shapes

PARCEL = Hit("frame", 1, "Parcel tracking - Thunderbird\nThu 19 Mar 08:40\n"
             "Your parcel from Gearloft has shipped\nOrder number: 4471222\nCarrier: DPD\n"
             "Tracking number: ZX-4471-QP\nExpected delivery: Friday 3 April",
             "2026-03-19T08:40:00", 1.0, ["frames/0001.png"])
DENTIST = Hit("frame", 2, "Appointment time changed - Thunderbird\nThu 19 Mar 17:08\n"
              "Your appointment with Dr Varga has moved\nOld time: 09:30\n"
              "New time: Monday 23 March at 15:40\nPlease arrive ten minutes early.",
              "2026-03-19T17:08:00", 0.9, ["frames/0002.png"])


def flat_idf(ws):
    return {w: 1.0 for w in ws}


def test_question_forms_take_the_shapes_of_the_first_form_they_match():
    assert expected_shapes("How much did I transfer to Fernhill?")[1] == ("money", "number")
    assert expected_shapes("What time does the coffee start?")[1] == ("time",)
    assert expected_shapes("When is the appointment now?")[1] == ("time", "date")
    assert expected_shapes("What is the tracking number of my parcel?")[0] == "code"
    assert expected_shapes("Who owns the launch?")[1] == ("person",)
    assert expected_shapes("Where is my meeting with Ana?")[1] == ("place",)
    assert expected_shapes("Which command did I run to upgrade rich?")[1] == ("command",)
    assert expected_shapes("Is it raining?") == ("text", ("text",))


def test_spans_have_the_shapes_that_cover_them_whole():
    assert "money" in span_shapes("1,240.00 GBP") and "money" in span_shapes("€96")
    assert "code" in span_shapes("OPS-4471") and "code" in span_shapes("ZX-4471-QP")
    assert "time" in span_shapes("15:40") and "date" in span_shapes("Monday 23 March")
    assert "url" in span_shapes("https://docs.vite.dev/en/stable/testing/")
    assert "file" in span_shapes("~/Documents/admin") and "person" in span_shapes("Maya Okafor")
    assert "money" not in span_shapes("4471") and "code" not in span_shapes("Thunderbird")


def test_candidates_keep_codes_whole_values_after_labels_and_mark_titles_and_the_clock():
    cands = {c.text: c for c in candidates([PARCEL], read=3)}
    assert cands["ZX-4471-QP"].label.startswith("Tracking number")
    assert cands["4471"].fragment and not cands["ZX-4471-QP"].fragment
    assert cands["Parcel tracking - Thunderbird"].title
    assert "08:40" not in cands  # the desktop clock at the moment the frame was seen
    assert cands["Thu 19 Mar 08:40"].title  # the clock line itself is chrome, not an answer


def test_the_reader_prefers_the_labelled_value_of_the_asked_shape_to_the_title():
    r = read("What is the tracking number of my parcel?", [PARCEL], AnswerTuning(), idf=flat_idf)
    assert r.best.text == "ZX-4471-QP" and r.best.hit is PARCEL
    r = read("When is the dentist appointment now?", [DENTIST], AnswerTuning(), idf=flat_idf)
    assert "time" in span_shapes(r.best.text) or "date" in span_shapes(r.best.text)
    assert "17:08" not in r.best.text  # the moment it was seen is not the answer


def test_key_coverage_weighs_rare_words_and_drives_abstention():
    idf = lambda ws: {w: (5.0 if w == "bookhaven" else 1.0) for w in ws}  # noqa: E731
    q_absent = "What is the tracking number of my parcel from Bookhaven?"
    assert key_coverage(q_absent, [PARCEL], idf, read=3) < 0.6
    assert key_coverage("What is the tracking number of my parcel from Gearloft?", [PARCEL],
                        idf, read=3) == 1.0
    t = AnswerTuning(min_key_coverage=0.6)
    assert read(q_absent, [PARCEL], t, idf=idf).abstains(t)
    lenient = replace(t, min_key_coverage=0.1, min_name_coverage=0.0)
    assert not read(q_absent, [PARCEL], lenient, idf=idf).abstains(lenient)


def test_a_scorer_is_asked_for_the_best_candidates_and_its_pmi_can_change_the_answer():
    calls = []

    def scorer(prompt, conts):
        calls.append(prompt)
        with_text = "Gearloft" in prompt  # the evidence is in the prompt
        return [[-0.1] if (with_text and c.strip() == "4471222") else [-3.0] for c in conts]

    plain = read("What is the tracking number of my parcel?", [PARCEL], AnswerTuning(), idf=flat_idf)
    t = AnswerTuning(w_model=10.0, model_candidates=40)
    scored = read("What is the tracking number of my parcel?", [PARCEL], t, idf=flat_idf,
                  scorer=scorer)
    assert plain.best.text == "ZX-4471-QP" and scored.best.text == "4471222"
    assert len(calls) == 2 and "model" in scored.best.feats


def test_tuning_is_validated():
    with pytest.raises(ValueError):
        AnswerTuning(read_hits=0)
    with pytest.raises(ValueError):
        AnswerTuning(min_key_coverage=1.5)


@pytest.mark.model
def test_the_bundled_model_scores_the_tracking_number_and_the_shown_time(bundled_gguf):
    from models.factory import build_backend
    from models.settings import LlmSettings

    backend = build_backend(LlmSettings(), bundled_gguf.parent)
    try:
        t = replace(AnswerTuning(), w_model=max(AnswerTuning().w_model, 0.5))
        r = read("What is the tracking number of my parcel?", [PARCEL], t, idf=flat_idf,
                 scorer=backend.score)
        assert r.best.text == "ZX-4471-QP" and "model" in r.best.feats
        r = read("When is the dentist appointment now?", [DENTIST], t, idf=flat_idf,
                 scorer=backend.score)
        shown = r.best.text
        assert "17:08" not in shown and shown in DENTIST.text.split("\n", 2)[2]
        assert {"time", "date"} & span_shapes(shown)
        lp = backend.score("Question: What colour is the sky?\nAnswer:", [" blue", " blue"])
        assert lp[0] == pytest.approx(lp[1]) and all(x < 0 for x in lp[0])
    finally:
        backend.close()


def test_scores_are_a_log_probability_per_token_of_each_continuation_from_a_fake():
    from models.fake import ScriptedLlm

    fake = ScriptedLlm([], capability="completion",
                       scores=lambda prompt, cont: -1.0 * len(cont.split()))
    got = fake.score("Text: x\nAnswer:", [" a b", " c"])
    assert [sum(x) for x in got] == [-2.0, -1.0] and [len(x) for x in got] == [2, 1]
    assert ScriptedLlm([]).score("p", [" a"]) is None  # no scores scripted: cannot score


CONFIG = Hit("frame", 3, "worker.py - quokka - Visual Studio Code - VS Code\nThu 19 Mar 10:36\n"
             "quokka/src/worker.py\nREQUEST_TIMEOUT_SECONDS = 31\nMAX_RETRIES = 6",
             "2026-03-19T10:36:00", 0.8, ["frames/0003.png"])


def test_text_stems_word_families_and_keeps_numbers_whole():
    from memory.text import content_words, coverage, month_index, stem, words

    assert stem("meetings") == stem("meeting") == "meet"
    assert stem("installed") != stem("instance")   # a five-letter cut made both "insta"
    assert stem("4471") == "4471" and words("Paid 1,299.00 at 14:20") == ["paid", "1,299.00", "at", "14:20"]
    assert content_words("When is the dentist appointment now?") == ["dentist", "appointment"]
    assert coverage("Which gates opened?", "Gate A15 is open") == 1.0
    assert month_index("Sept") == 9 and month_index("march") == 3


def test_a_value_after_an_equals_sign_is_labelled_and_titles_are_never_the_answer():
    cands = {c.text: c for c in candidates([CONFIG], read=3)}
    assert cands["31"].label == "REQUEST_TIMEOUT_SECONDS"
    r = read("What is the request timeout in the quokka config?", [CONFIG], AnswerTuning(),
             idf=flat_idf)
    assert r.best.line == "REQUEST_TIMEOUT_SECONDS = 31" and not any(c.title for c in r.candidates)
    # asked for a title, the title is a candidate again
    r = read("What is the title of the quokka window?", [CONFIG], AnswerTuning(), idf=flat_idf)
    assert any(c.title for c in r.candidates)


def test_the_value_in_force_outranks_the_superseded_one_when_the_tuning_says_so():
    q = "When is the appointment with Dr Varga now?"
    r = read(q, [DENTIST], replace(AnswerTuning(), w_update=3.0), idf=flat_idf)
    # the line quoted is the new time's (its date span is labelled "New time", the time
    # after it in the same line by the words of its own clause)
    assert r.best.line == "New time: Monday 23 March at 15:40" and r.best.feats["update"] == 1.0
    old = next(c for c in r.candidates if c.text == "09:30")
    assert old.feats["update"] == -1.0 and old.feats["label_shape"] == 1.0


def test_abstention_is_judged_on_the_hit_the_answer_comes_from():
    q = "How far is the Old Mill pub by car?"
    chat = Hit("frame", 4, "Signal - Ines - Signal\nInes: let's meet at the Old Mill pub",
               "2026-03-19T12:00:00", 1.0, ["frames/0004.png"])
    maps = Hit("frame", 5, "Directions to Riverside Cafe - Maps - Maps\nBy car: 16 min (28.2 km)",
               "2026-03-19T12:05:00", 0.9, ["frames/0005.png"])
    t = AnswerTuning(min_key_coverage=0.5, min_name_coverage=0.6, w_line=0.0, w_rank=0.0)
    r = read(q, [chat, maps], t, idf=flat_idf)
    if r.best.hit is maps:        # the distance comes from a screen about another place
        assert r.abstains(t)
    wide = replace(t, abstain_on="evidence")
    assert read(q, [chat, maps], wide, idf=flat_idf).name_coverage == 1.0


def test_memories_alone_are_no_evidence_unless_the_tuning_reads_them():
    # A memory (text derived from a frame) among the hits, and no frame or turn: the
    # reader has no raw line to quote and abstains; read_memories reads the memory.
    memory = Hit("memory", 7, "Vault: Order number: 1592672: 1592672",
                 "2026-03-19T08:57:25", 0.9, ["frames/0020.png"])
    q = "What is the order number for the standing desk lamp?"
    r = read(q, [memory], AnswerTuning(), idf=flat_idf)
    assert r.best is None and r.abstains(AnswerTuning()) and not r.candidates
    assert key_coverage(q, [memory], flat_idf, read=3) == 0.0
    t = AnswerTuning(read_memories=True)
    r = read(q, [memory], t, idf=flat_idf)
    assert r.best is not None and r.best.hit is memory and "1592672" in r.best.text
    # with a frame among the hits, the memory is never read, either way
    r = read("What is the tracking number of my parcel?", [memory, PARCEL], t, idf=flat_idf)
    assert {c.hit.id for c in r.candidates} == {PARCEL.id}
    with pytest.raises(ValueError):
        AnswerTuning(read_memories="yes")


def test_answer_tuning_comes_from_the_memory_settings():
    from memory.settings import MemorySettings

    assert MemorySettings().answer_tuning == AnswerTuning()
    assert MemorySettings(answer={"min_key_coverage": 0.4}).answer_tuning.min_key_coverage == 0.4
    with pytest.raises(ValueError):
        MemorySettings(answer={"no_such_weight": 1.0})
    with pytest.raises(ValueError):
        MemorySettings(answer={"abstain_on": "nowhere"})


def test_a_value_ocrd_under_its_label_takes_that_label():
    # A table row read as two lines ("Equipment" / "7,508"): the row's label is the
    # line above; the total is labelled "Total", not the row asked about.
    sheet = Hit("frame", 6, "Trip budget.ods - LibreOffice Calc\nThu 19 Mar 15:57\nTrip budget\n"
                "Food\n3,193\nEquipment\n7,508\nTotal\n10,701", "2026-03-19T15:57:00", 1.0,
                ["frames/0006.png"])
    cands = {c.text: c for c in candidates([sheet], read=3)}
    assert cands["7,508"].label == "Equipment" and cands["10,701"].label == "Total"
    assert cands["Trip budget"].label == ""      # a heading over a word is not a label
    r = read("How much is budgeted for equipment in Trip budget?", [sheet], AnswerTuning(),
             idf=flat_idf)
    assert r.best.text == "7,508"


def test_a_possessive_names_its_owner():
    contact = Hit("frame", 7, "Contacts - Lena Moreau\nLena Moreau\nMobile: +44 47 1833 4576",
                  "2026-03-19T10:00:00", 1.0, ["frames/0007.png"])
    r = read("What is Lena Moreau's mobile number?", [contact], AnswerTuning(), idf=flat_idf)
    # "moreau's" is Moreau: of lena, moreau, mobile, number only "number" is not shown
    assert r.name_coverage == 1.0 and r.key_coverage == 0.75
    assert "+44 47 1833 4576" in r.best.line


def test_references_with_slashes_street_addresses_and_amount_words_have_their_shapes():
    assert "code" in span_shapes("PL/20234/16") and "code" not in span_shapes("19/04/2026")
    assert "place" in span_shapes("84 Rua do Sol, Verona") and "place" in span_shapes("2 Station Road")
    assert "place" not in span_shapes("12 May") and "place" not in span_shapes("4 adults")
    assert expected_shapes("What was the VAT on the Fenwick Grocers receipt?")[1] == ("money", "number")
    # a page's address or a building's
    assert expected_shapes("What's the address of Hotel Nordlys")[1] == ("url", "place")


def test_a_receipts_tax_line_gives_the_tax_not_the_total():
    # OCR boxes of a receipt: each item's name left, its amount right on the same row.
    rows = [("Fenwick Grocers", "", 200), ("Dark chocolate", "£2.25", 260),
            ("TOTAL", "£11.25", 320), ("VAT 20% included", "£1.88", 360)]
    lines = [OcrLine(name, (300, y, 300 + 14 * len(name), y + 34), 0.95) for name, _a, y in rows]
    lines += [OcrLine(a, (720, y, 720 + 16 * len(a), y + 34), 0.95) for _n, a, y in rows if a]
    receipt = Hit("frame", 8, "receipt_20260419.pdf - Evince\n" + "\n".join(l.text for l in lines),
                  "2026-04-19T11:20:18", 1.0, ["frames/0008.png"], ref_id=8)
    r = read("What was the VAT on the Fenwick Grocers receipt?", [receipt], AnswerTuning(),
             idf=flat_idf, layouts={8: arrange(lines)})
    assert r.best.text == "£1.88"


def test_a_hyphenated_identifier_is_a_name_the_evidence_must_show():
    ci = Hit("frame", 9, "Pipeline #1889 - lumen-gateway - GitLab - Chromium\nPipeline #1889 failed\n"
             "test test:unit failed 14m 22s", "2026-04-19T11:00:03", 1.0, ["frames/0009.png"])
    shown = read("Which job failed in the lumen-gateway pipeline?", [ci], AnswerTuning(),
                 idf=flat_idf)
    other = read("Which job failed in the otter-sync pipeline?", [ci], AnswerTuning(),
                 idf=flat_idf)
    assert shown.name_coverage == 1.0 and other.name_coverage == 0.0
    assert other.abstains(AnswerTuning()) and not shown.abstains(AnswerTuning())


def test_the_askers_own_verb_is_not_evidence_and_a_command_is_measured_in_written_words():
    term = Hit("frame", 10, "zephyr - zsh - 120x40 - Terminal\nThu 19 Mar 08:42\n$ cd ~/code/zephyr\n"
               "$ git clone https://github.com/zephyr-org/zephyr-api.git\n$ npm run dev -- --port 6344",
               "2026-03-19T08:42:00", 1.0, ["frames/0010.png"])
    rare = lambda ws: {w: (8.0 if w in ("use", "using", "repository") else 4.0) for w in ws}  # noqa: E731
    r = read("What command did I use to clone the zephyr repository?", [term], AnswerTuning(),
             idf=rare)
    # "use" is how the asker met it, not what the screen shows; "repository" is not shown
    assert r.key_coverage == pytest.approx(8 / 20)
    assert not r.abstains(AnswerTuning())
    assert r.best.line == "$ git clone https://github.com/zephyr-org/zephyr-api.git"
    # someone else's "using" is what the screen must show
    assert "using" in key_words("How much memory was calibre using?")


PARKING = Hit("frame", 8, "Parking receipt - Parkwise\nThu 19 Mar 15:50\n"
              "Thanks for parking at Station East car park. Zone 3462.\n"
              "Entered 12:10\nLeft 15:42\nTotal stay 3 h 32 min\nPaid £7.40",
              "2026-03-19T15:50:00", 1.0, ["frames/0008.png"])


def test_a_span_inside_a_line_is_labelled_by_the_words_of_its_own_clause():
    cands = {c.text: c for c in candidates([PARKING], read=3)}
    # the sentence before "Zone" names the screen's subject, not what 3462 is
    assert cands["3462"].label == "Zone"
    assert cands["£7.40"].label == "Paid"
    # what a value is comes from its own clause: the sentence naming the car park does not
    # make the zone an answer about the car park
    assert not {"station", "east", "car", "park"} & set(cands["3462"].label.lower().split())
    r = read("Which zone did I park in at Station East car park?", [PARKING], AnswerTuning(),
             idf=flat_idf)
    assert r.best.line == "Thanks for parking at Station East car park. Zone 3462."


SECURITY = Hit("frame", 9, "Tessaly Health - Account security\nThu 19 Mar 17:56\n"
               "17:50 Your Tessaly Health code is 462164.\nThe code expires at 18:05.\n"
               "Password last changed on 14 March 2025.",
               "2026-03-19T17:56:00", 1.0, ["frames/0009.png"])


def test_the_names_the_title_shows_do_not_tell_one_line_from_another():
    q = "When did I last change my Tessaly Health password?"
    cands = {c.text: c for c in candidates([SECURITY], read=3)}
    code, changed = cands["462164"], cands["14 March 2025"]
    # "Tessaly Health" names the screen (its title shows it): the line repeating it
    # covers none of what is asked; the line about the password covers it
    assert features(q, ("time", "date"), code)["line"] == 0.0
    assert features(q, ("time", "date"), changed)["line"] == 1.0
    r = read(q, [SECURITY], AnswerTuning(), idf=flat_idf)
    assert r.best.line == "Password last changed on 14 March 2025."
    # a screen whose title names nothing of the question: every word still counts
    other = replace(SECURITY, text=SECURITY.text.replace("Tessaly Health - ", "Inbox - "))
    code = {c.text: c for c in candidates([other], read=3)}["462164"]
    assert features(q, ("time", "date"), code)["line"] > 0.0


def test_the_noun_after_the_question_word_names_what_is_asked_and_a_label_of_it_scores():
    from memory.reader import focus_words
    assert focus_words("Which platform is the next train to Penzance leaving from?") == {"platform"}
    assert focus_words("How many restarts did the crashing pod have?") == {"restart"}
    assert focus_words("What's the total on the invoice?") == {"total"}
    assert focus_words("Who owns the launch?") == set()
    # a departures board: the value under "Platform" answers "which platform"
    lines = [OcrLine("Platform", (300, 200, 420, 234), 0.95), OcrLine("Stops", (720, 200, 800, 234), 0.95),
             OcrLine("7", (300, 260, 316, 294), 0.95), OcrLine("4", (720, 260, 736, 294), 0.95)]
    board = Hit("frame", 10, "Departures - Leeds - Chromium\n" + "\n".join(l.text for l in lines),
                "2026-03-19T09:20:00", 1.0, ["frames/0010.png"], ref_id=10)
    cells = {10: arrange(lines)}
    cands = {c.text: c for c in candidates([board], read=3, layouts=cells)}
    q = "Which platform is the train leaving from?"
    assert features(q, ("text",), cands["7"])["focus"] == 1.0
    assert features(q, ("text",), cands["4"])["focus"] == 0.0
    assert read(q, [board], AnswerTuning(), idf=flat_idf, layouts=cells).best.text == "7"


CHAT = Hit("frame", 11, "Nadia Okafor - Signal\nThu 19 Mar 18:02\n"
           "Nadia: shall we say 18:10 at the bridge?\nMe: ok, see you then\n"
           "Tom: I'm out until 19:30", "2026-03-19T18:02:00", 1.0, ["frames/0011.png"])


def test_a_name_the_title_shows_still_counts_where_it_labels_the_line():
    """A chat titled with a person's name: her name no longer tells her lines from the
    rest of the screen, except where it labels the line ("Nadia: ..."): whose line it is."""
    q = "What time did Nadia suggest?"
    cands = {c.text: c for c in candidates([CHAT], read=3)}
    hers, toms = cands["18:10"], cands["19:30"]
    assert features(q, ("time",), hers)["line"] > features(q, ("time",), toms)["line"]
    assert read(q, [CHAT], AnswerTuning(), idf=flat_idf).best.text == "18:10"


RIDE = Hit("frame", 12, "Chiltern hill repeats - Strava - Firefox\nThursday 5 February at 11:50, road bike\n"
           "Distance\n70.0 km\nMoving time\n3:11:08\nAvg speed\n22.0 km/h\nAvg heart rate\n122 bpm\n"
           "Energy\n1,840 kJ", "2026-02-05T14:00:00", 1.0, ["frames/0012.png"])


def test_a_quantity_measures_what_its_unit_says_and_a_question_asks_for_a_measure():
    from memory.shapes import measure_of, measures_asked
    assert measures_asked("How long was I actually pedalling?") == {"duration"}
    assert measures_asked("How long ago did I ride?") == set()
    assert measures_asked("How much energy went into the car?") == {"energy"}
    assert measures_asked("How many kWh did the heater use?") == {"energy"}
    assert measures_asked("What's the tracking number?") == set()
    assert measure_of("3:11:08", "") == "duration"          # h:mm:ss whatever follows
    assert measure_of("65.7", " kWh") == "energy"           # the unit after it in its line
    assert measure_of("37 min", "") == "duration"           # ... or in the span
    assert measure_of("£4.78", "") == "money"
    assert measure_of("5", " February") == ""               # a word, not a unit
    assert measure_of("Kendal, charger 98", "") == ""       # not a quantity
    cands = {c.text: c for c in candidates([RIDE], read=3)}
    q = "How long was I actually pedalling on the Chiltern hill repeats?"
    assert features(q, ("number", "quantity"), cands["3:11:08"])["measure"] == 1.0
    assert features(q, ("number", "quantity"), cands["70.0"])["measure"] == -1.0
    assert features(q, ("number", "quantity"), cands["122"])["measure"] == -1.0
    assert features("Which bike did I ride?", ("text",), cands["70.0"])["measure"] == 0.0
    # a percentage is a share of any measure: never the wrong one ("disk usage is now 62%")
    disk = Hit("frame", 14, "OPS-4471 - Jira\nWAL archive moved at 14:35, disk usage is now 62%.",
               "2026-02-05T14:40:00", 1.0, ["frames/0014.png"])
    pct = next(c for c in candidates([disk], read=3) if c.text == "62%")
    assert features("What is the disk usage now?", ("text",), pct)["measure"] == 0.0
    # with the tuning as shipped, the duration answers, not the distance the tiles lead with
    assert read(q, [RIDE], AnswerTuning(), idf=flat_idf).best.text == "3:11:08"
    assert read(q, [RIDE], replace(AnswerTuning(), w_measure=0.0),
                idf=flat_idf).best.text != "3:11:08"


def test_a_role_asks_for_a_person_and_a_title_leads_a_name_never_ends_one():
    assert expected_shapes("Which dentist is treating me at Harlow Lane Dental?")[1] == ("person",)
    assert expected_shapes("Which host is the database on?")[1] != ("person",)   # a thing too
    assert "person" in span_shapes("Dr Piet Krol") and "person" in span_shapes("Dr Varga")
    assert "person" not in span_shapes("Dentist Dr Piet")
    line = Hit("frame", 13, "Treatment plan - Firefox\nPatient Dmitri Eastwood. Dentist Dr Piet Krol.",
               "2026-02-05T14:00:00", 1.0, ["frames/0013.png"])
    assert "Dr Piet Krol" in {c.text for c in candidates([line], read=3)}


def test_an_amount_is_never_a_time():
    """"£15.00" read without its pound sign looks like a quarter past three: the span is
    glued to its currency (a fragment), and the time pattern skips amounts and versions."""
    from memory.shapes import SPAN_PATTERNS
    assert not SPAN_PATTERNS["time"].search("£15.00") and not SPAN_PATTERNS["time"].search("15.00 EUR")
    assert not SPAN_PATTERNS["time"].search("v2.10.30")
    assert [m.group(0) for m in SPAN_PATTERNS["time"].finditer("Due at 15.00, fee £14.46")] == ["15.00"]
    bill = Hit("frame", 15, "Orbitel bill - Firefox\nRoaming charges\n£15.00\nDirect Debit on 12 February",
               "2026-02-05T14:00:00", 1.0, ["frames/0015.png"])
    cands = [c for c in candidates([bill], read=3) if c.text == "15.00"]
    assert cands and all(c.fragment for c in cands)
    assert read("When will Orbitel take the payment?", [bill], AnswerTuning(),
                idf=flat_idf).best.text.endswith("12 February")


def test_a_label_that_says_the_question_in_other_words_is_marked():
    from memory.reader import synonym_in
    from memory.text import stems
    keys = stems("spend least freshway")
    assert synonym_in(keys, stems("minimum basket"))
    assert not synonym_in(keys, stems("delivery slot"))
    assert not synonym_in(stems("price"), stems("price"))   # the word itself: not a synonym
    shop = Hit("frame", 17, "Freshway - Firefox\nDelivery £5.50\nMinimum basket: £40.00",
               "2026-02-05T14:00:00", 1.0, ["frames/0017.png"])
    cands = {c.text: c for c in candidates([shop], read=3)}
    q = "How much do I have to spend at least with Freshway?"
    assert features(q, ("money",), cands["£40.00"])["synonym"] == 1.0
    assert features(q, ("money",), cands["£5.50"])["synonym"] == 0.0
