"""Answer shapes: what a question expects (a table of question forms) and what a span of
evidence looks like (a table of span patterns). Data, not code: the reader applies them.

One precedence rule: a question takes the shapes of the FIRST form in QUESTION_FORMS that
it matches; no match expects "text". A span may have several shapes ("14:20" is a time;
"OPS-4471" a code). The forms are general English question forms; none names a value or a
screen of any data set.
"""

from __future__ import annotations

import re

SHAPE_NAMES = ("money", "time", "date", "code", "number", "quantity", "url", "file", "command", "person",
               "place", "title", "text")

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_WEEKDAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*"
CURRENCY_SIGNS = "$€£¥"
_CUR = r"(?:[$€£¥]|\b(?:EUR|GBP|USD|CHF|JPY|SEK|NOK|DKK|PLN)\b)"
# Titles before a name, never part of it.
HONORIFICS = ("Dr", "Mr", "Mrs", "Ms", "Miss", "Mx", "Prof", "Sir", "Dame", "Rev", "Fr")
_HONORIFIC = "(?:" + "|".join(HONORIFICS) + ")"
_AMOUNT = r"\d{1,3}(?:[,.' ]\d{3})*(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"

# Span patterns: every match in an evidence line is a candidate of that shape.
SPAN_PATTERNS: dict[str, re.Pattern] = {
    "money": re.compile(rf"{_CUR}\s?(?:{_AMOUNT})|(?:{_AMOUNT})\s?{_CUR}", re.IGNORECASE),
    # (not an amount: "£15.00", "15.00 EUR"; not part of a longer number: "2.10.30")
    "time": re.compile(r"(?<![\d:.,$€£¥])(?:[01]?\d|2[0-3])[:.][0-5]\d(?:\s?[ap]\.?m\.?)?(?![\d:]|\.\d)"
                       rf"(?!\s?{_CUR})"
                       r"|\b(?:1[0-2]|0?[1-9])\s?[ap]\.?m\b", re.IGNORECASE),
    "date": re.compile(rf"\b(?:{_WEEKDAY},?\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\b(?:,?\s+\d{{4}})?"
                       rf"|\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?"
                       r"|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b", re.IGNORECASE),
    # Keys and references: letters and digits mixed, kept whole with their prefix.
    # ("PL/20234/16": a reference whose parts a slash joins)
    "code": re.compile(r"\b(?=[A-Z0-9/-]*\d)(?=[A-Z0-9/-]*[A-Z])[A-Z0-9]+(?:[-/][A-Z0-9]+)+\b"
                       r"|\b(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{5,10}\b"
                       r"|\b\d{3,}-\d{3,}\b|#\d{3,}\b|\b\d{6,}\b|\b[A-Z]{1,2}\d{1,4}[A-Z]?\b"),
    "number": re.compile(r"\+?\d[\d ]{6,}\d|\d+(?:[.,]\d+)*%?"),
    # A number with the word after it: "22 minutes", "14.2 km", "41 on" (the model and the
    # fragment feature tell a unit from the next word).
    "quantity": re.compile(r"\d+(?:[.,]\d+)*\s?(?:%|[a-zA-Z]{1,12}\b)"),
    "url": re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE),
    "file": re.compile(r"(?:~|\.{0,2})/[\w./-]+|\b[\w-]+(?:/[\w.-]+)+|\b[\w-]+\.(?:[a-z]{2,4})\b"),
    "command": re.compile(r"(?<=\$ )\S.*$|(?<=> )\S.*$"),
    # A person: a title and a name ("Dr Varga", "Dr Piet Krol"), or two or three
    # capitalised words none of which is a title ("Dentist Dr Piet" is no name): HONORIFICS.
    "person": re.compile(rf"\b{_HONORIFIC}\.?\s[A-Z][a-z'’]+(?:[ -][A-Z][a-z'’]+)?\b"
                         rf"|\b(?!{_HONORIFIC}\b)[A-Z][a-z]+(?:[ -](?!{_HONORIFIC}\b)[A-Z][a-z'’]+){{1,2}}\b"),
    # A place: a street address ("84 Rua do Sol, Verona", "2 Station Road": a house number,
    # capitalised words, the town after a comma; not a day and month), after a preposition
    # of place, after a comma (the town of an address), two or more capitalised words, or
    # "the" and a name; not one capitalised word alone ("Lunch", "Today" open a line as
    # often as they name a place).
    "place": re.compile(rf"\b\d{{1,4}}[A-Za-z]?\s+(?!(?i:{_MONTH})\b)[A-Z][\w'’-]*"
                        r"(?:\s+(?:[A-Z][\w'’-]*|de|do|da|del|di|du|la|le|van|von|of|the|on))*"
                        r"(?:,\s+[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2})*"
                        r"|(?:(?<=\bat )|(?<=\bin )|(?<=\bto )|(?<=\bfrom )|(?<=\bnear ))"
                        r"(?:the )?[A-Z][^,.;!?()]*"
                        r"|(?<=, )[A-Z][\w'&]*(?:\s+[A-Z][\w'&]*){0,3}"
                        r"|\b(?:the\s+)?[A-Z][\w'&]*(?:\s+(?:[A-Z0-9][\w'&]*|on|at|of|&)){1,4}"
                        r"|\bthe\s+[A-Z][\w'&]*"),
}

# Shapes a span has when its pattern found it in its line, though the span alone does not
# match: the command pattern looks for the prompt before it ("$ git clone ..."). (Place
# also looks behind, after "at"/"in", but that finds months as well: "start in June".)
FOUND_SHAPES = frozenset({"command"})

# Shapes a window title holds that a question may ask for: the open document's file name
# ("letter_2026-04-19.odt - LibreOffice Writer"), the page's address. A title span of one of
# them answers a question expecting it; any other title span is context, never the answer.
TITLE_ANSWER_SHAPES = frozenset({"file", "url"})

# "Label: value" or "NAME = value" on one line: the value is a candidate, the label says
# what it is.
LABEL_VALUE = re.compile(r"^(?P<label>[^:=]{2,40}?)\s?(?::|\s=)\s+(?P<value>\S.*)$")

# The label of a span found inside a line: at most `max_words` words right before it, not
# reaching back past one of `breaks` (a sentence's or a clause's end: "Thanks for parking at
# Station East car park. Zone 3462" -> "Zone"; "moved to 19:15" -> "moved to").
SPAN_LABEL: dict = {"max_words": 8, "breaks": ".;:,!?()[]|"}

# A label on the line above its value (a table row or a form OCR'd as two lines): the line
# before is the label when it ends with a colon, or when it is at most `max_label_words`
# words with no digit above a line of at most `max_value_words` words holding a span of one
# of `value_shapes`.
LABEL_ABOVE: dict = {"max_label_words": 4, "max_value_words": 3,
                     "value_shapes": ("money", "number", "quantity", "time", "date", "code"),
                     # the ends of a line that leads in to the short line under it, whatever
                     # its shape ("Yours sincerely," / a name; "Ship to:" / a name)
                     "lead_in": (":", ",")}

# Values whose shape only their label tells: after a label announcing that shape
# (LABEL_SHAPES), a value matching the pattern whole has it ("Booking reference: CDJCTH" is
# a code with no digit, which SPAN_PATTERNS["code"] would not take alone).
LABELLED_SHAPES: dict[str, re.Pattern] = {
    "code": re.compile(r"[A-Z0-9]{5,10}"),
}

# Label words that say what shape their value has ("Assignee: ..." holds a person,
# "Location: ..." a place), by stem: a label announces a shape as a question form asks for
# one. The reader scores a candidate whose label announces a shape the question expects.
LABEL_SHAPES: dict[str, tuple[str, ...]] = {
    "person": ("assigne", "owner", "author", "report", "organis", "organiz", "host", "sender",
               "contact", "lead", "manag", "driver", "doctor",
               # a letter's or an email's sign-off, over the name that signs it
               "sincer", "faith", "regard", "wish", "cheer"),
    "place": ("locat", "venu", "address", "place", "room", "where", "destin", "meet"),
    "time": ("time", "start", "begin", "end", "when", "depart", "arriv"),
    "date": ("date", "due", "deadlin", "deliveri", "expect", "day", "when"),
    "money": ("amount", "total", "price", "cost", "fee", "balanc", "paid", "charg", "sum",
              "subtot", "vat", "tax", "tip", "discount", "deposit", "refund"),
    "code": ("code", "refer", "ref", "key", "id", "number", "track", "confirm", "book"),
}

# Words before a value that mark it as superseded or as the current one ("Old time: 09:30"
# / "New time: 15:40", "launch moves to 11 April"): a question is about the value in force.
STALE_WORDS = frozenset({"old", "previous", "previously", "former", "was", "were", "originally",
                         "cancelled", "canceled", "earlier", "before"})
CURRENT_WORDS = frozenset({"new", "now", "updated", "moved", "moves", "changed", "rescheduled",
                           "current", "currently", "latest", "revised"})
# A question asking for the value in force now, where an older one may be shown too.
ASKS_CURRENT = re.compile(r"(?:now|current(?:ly)?|latest|new|still|anymore)", re.I)

# The asker in a question ("What time did I send my job?") and the asker on a screen: a
# row or list item that names them as the screen names its user ("You, 31 pages, sent
# 13:44", "Me: see you at six", "Dana (you)"): "you"/"me" standing as a name, before a
# comma, colon or the end, or in brackets ("Thank you for ..." is not one).
ASKS_SELF = re.compile(r"\b(?:i|me|my|mine|myself)\b", re.IGNORECASE)
SELF_ON_SCREEN = re.compile(r"(?:^|[|·•]\s*)(?:you|me)\s*(?:[,:|·•]|$)|\((?:you|me)\)",
                            re.IGNORECASE | re.MULTILINE)

# The asker's own doing with a screen ("What command did I use to ...?", "Which page was I
# looking at ...?"): the verb tells how the asker met the answer, not what the screen
# shows, so its evidence need not show it ("How much memory was calibre using?" keeps
# "using": calibre's doing, on the screen).
ASKER_VERB = re.compile(
    r"\b(?:did|do|have|had|was|were|am)\s+(?:i|we)\s+(?P<verb>use|using|used|see|seeing|seen|"
    r"look|looking|looked|view|viewing|viewed|visit|visiting|visited|check|checking|checked)\b"
    r"|\b(?:i|we)\s+(?P<past>used|saw|looked|viewed|visited|checked)\b", re.IGNORECASE)

# Nouns that name a person by their role: "Which dentist ...?" asks for a person as "Who
# ...?" does.
# (Nouns that also name things are left out: a host, a client, a reader, a player.)
PERSON_NOUNS = ("person", "colleague", "doctor", "dentist", "nurse", "vet", "surgeon", "consultant",
                "therapist", "physio", "teacher", "tutor", "instructor", "coach", "trainer",
                "courier", "landlord", "agent", "manager", "engineer", "technician", "plumber",
                "electrician", "reviewer", "assignee", "author", "sender", "caller", "recruiter",
                "interviewer", "approver", "presenter", "organiser", "organizer", "advisor",
                "adviser", "narrator", "customer", "tenant", "friend", "neighbour", "neighbor")

# Question forms -> the shapes an answer to them takes (first match wins). The question
# word decides before the nouns in the question: "Who is ticket OPS-7310 assigned to?" asks
# for a person, not a code, so the forms anchored on when/who/where come before the rest.
QUESTION_FORMS: list[tuple[str, re.Pattern, tuple[str, ...]]] = [
    ("title", re.compile(r"\b(?:title|which (?:page|tab|article|window)|what (?:page|article))\b", re.I),
     ("title", "text")),
    ("command", re.compile(r"\b(?:command|run|ran|type|typed)\b", re.I), ("command",)),
    # "the address of ..." is a page's or a building's
    ("url", re.compile(r"\b(?:url|link|web ?address|address of)\b", re.I), ("url", "place")),
    ("file", re.compile(r"\b(?:file|folder|directory|path)\b", re.I), ("file",)),
    ("time", re.compile(r"\b(?:what time|which time|at what time)\b", re.I), ("time",)),
    ("date", re.compile(r"\b(?:what (?:date|day)|which (?:date|day)|by when|due)\b", re.I),
     ("date",)),
    ("when", re.compile(r"^\s*(?:and\s+|so\s+)?when\b", re.I), ("time", "date")),
    ("person", re.compile(rf"^\s*(?:who|whom|whose)\b|\bwhich (?:{'|'.join(PERSON_NOUNS)})s?\b",
                          re.I), ("person",)),
    ("place", re.compile(r"^\s*where\b|\b(?:which|what) (?:city|town|country|place|street|venue|"
                         r"address)\b",
                         re.I), ("place",)),
    ("money", re.compile(r"\b(?:how much|price|cost|costs|owe|paid|pay|charge|fee|amount|"
                         r"transfer(?:red)?|spend|spent|vat|tax|tip|deposit|refund|fare|rent|"
                         r"discount|balance)\b", re.I), ("money", "number")),
    ("code", re.compile(r"\b(?:code|key|reference|tracking|booking|order number|invoice number|"
                        r"ticket|id|gate|serial)\b", re.I), ("code", "number")),
    ("quantity", re.compile(r"\bhow (?:many|long|far|old|big|fast|heavy|tall)\b", re.I),
     ("number", "quantity")),
    ("number", re.compile(r"\b(?:version|port|number|ip|score|percentage|rate|count)\b", re.I),
     ("number", "code")),
]


# What a quantity measures, told by its unit ("65.7 kWh": energy; "3:11:08": a duration;
# "£4.78": money), and the questions that ask for each ("How far ...?", "How much energy
# ...?", or the unit named: "How many kWh ...?"). The reader scores a number whose unit
# measures what the question asks for (+1) or something else (-1: "70.0 km" for "How long
# was I pedalling?"). Units are matched lower-cased, whole; general units of measure, not
# the values of any data set.
MEASURE_UNITS: dict[str, frozenset[str]] = {
    "duration": frozenset({"s", "sec", "secs", "second", "seconds", "min", "mins", "minute",
                           "minutes", "h", "hr", "hrs", "hour", "hours", "day", "days", "wk",
                           "wks", "week", "weeks", "month", "months", "yr", "yrs", "year",
                           "years"}),
    "distance": frozenset({"km", "kms", "kilometre", "kilometres", "kilometer", "kilometers",
                           "mi", "mile", "miles", "m", "metre", "metres", "meter", "meters",
                           "cm", "mm", "ft", "feet", "foot", "yd", "yds", "yards"}),
    "weight": frozenset({"kg", "kgs", "g", "gram", "grams", "kilo", "kilos", "lb", "lbs", "oz",
                         "tonne", "tonnes"}),
    "energy": frozenset({"kwh", "wh", "mwh", "kj", "kcal", "cal", "calories", "joules"}),
    "power": frozenset({"w", "kw", "mw", "watt", "watts"}),
    "speed": frozenset({"km/h", "kph", "mph", "m/s", "knots"}),
    "temperature": frozenset({"°", "°c", "°f", "degrees"}),
    "data": frozenset({"b", "kb", "mb", "gb", "tb", "kib", "mib", "gib", "tib", "bytes"}),
    "volume": frozenset({"l", "ml", "litre", "litres", "liter", "liters", "gal", "gallons",
                         "pints"}),
    "heart rate": frozenset({"bpm"}),
    "percentage": frozenset({"%", "percent"}),
}
# Measures that are shares of another, so never the wrong measure ("disk usage: 62%").
MEASURE_RATIOS = frozenset({"percentage"})
# A quantity's number as shown, and the unit written right after it (or glued to it).
_UNIT = r"%|°\s?[cf]?|[a-zµ]+(?:/[a-z]+)?"
MEASURE_NUMBER = re.compile(rf"^[{CURRENCY_SIGNS}]?\s?(?P<num>\d[\d.,:']*\d|\d)\s?"
                            rf"(?P<unit>{_UNIT})?(?![\w/])", re.I)
# ... or the unit first in the text right after a number written alone ("65.7" | " kWh")
UNIT_AFTER = re.compile(rf"\s?(?P<unit>{_UNIT})(?![\w/])", re.I)
# A number shaped as a duration whatever follows it: "3:11:08" (hours, minutes, seconds).
DURATION_NUMBER = re.compile(r"^\d{1,3}:[0-5]\d:[0-5]\d$")
# The questions that ask for each measure (any that match: "How long did the 12 kWh
# charge take?" asks a duration; the unit it names is context, so unit words in a question
# count only after "how many"/"in"). Matched as written, the question's first letter
# lowered: a capitalised word is a name ("Wavecrest Energy", "The Weight of Small Birds"),
# not a measure. A resource ("disk", "memory") asks none: its use is shown in bytes or as
# a share. Power and electricity ask either way ("How much power did the house sell
# back?" is answered in kWh).
MEASURE_ASKED: dict[str, re.Pattern] = {
    "duration": re.compile(r"\bhow long\b(?!\s+ago)|\bduration\b|\bhow much time\b|"
                           r"\b(?:how many|in) (?:seconds|minutes|hours|days|weeks|months|years)\b"),
    "distance": re.compile(r"\bhow far\b(?!\s+(?:along|through|into|in)\b)|\bdistance\b|"
                           r"\b(?:how many|in) (?i:km|kilomet\w*|miles|met(?:re|er)s)\b"),
    "weight": re.compile(r"\bhow heavy\b|\bweigh\w*|\bmass\b|\b(?:how many|in) (?i:kg|kilos|"
                         r"grams|lbs?)\b"),
    "energy": re.compile(r"\benergy\b|\belectricity\b|\bpower\b|\bcalories\b|\b(?:how many|in) "
                         r"(?i:kwh|kcal)\b"),
    "power": re.compile(r"\bpower\b|\belectricity\b|\bwattage\b|\b(?:how many|in) (?i:watts|kw)\b"),
    "speed": re.compile(r"\bhow fast\b|\bspeed\b|\bin (?i:mph|km/h)\b"),
    "temperature": re.compile(r"\btemperature\b|\bhow (?:hot|warm|cold)\b|\bdegrees\b"),
    "data": re.compile(r"\bsize\b|"
                       r"\b(?:how many|in) (?i:mb|gb|tb|bytes)\b"),
    "volume": re.compile(r"\bvolume\b|\b(?:how many|in) (?i:litres|liters|ml|gallons)\b"),
    "heart rate": re.compile(r"\bheart ?rate\b|\bpulse\b|\bbpm\b"),
    "percentage": re.compile(r"\bper ?cent(?:age)?\b|\bwhat (?:share|proportion)\b"),
}


def measures_asked(question: str) -> set[str]:
    """The measures a question asks for (MEASURE_ASKED): none for most questions."""
    question = question[:1].lower() + question[1:]
    return {name for name, p in MEASURE_ASKED.items() if p.search(question)}


def measure_of(span: str, after: str) -> str:
    """What the quantity `span` measures, from its unit (in the span or right `after` it
    in its line: "65.7" then " kWh"), or its form ("3:11:08"), or a currency ("£4.78":
    "money"); "" when the span is no quantity or its unit is no unit of measure."""
    m = MEASURE_NUMBER.match(span.strip())
    if not m or m.end() < len(span.strip()):
        return ""
    if SPAN_PATTERNS["money"].fullmatch(span.strip()):
        return "money"
    if DURATION_NUMBER.match(m.group("num")):
        return "duration"
    unit = m.group("unit")
    if unit is None and (n := UNIT_AFTER.match(after)):
        unit = n.group("unit")
    unit = (unit or "").lower().replace(" ", "")
    return next((name for name, units in MEASURE_UNITS.items() if unit in units), "")


# Words a label uses for what a question asks in other words ("Minimum basket" for "how
# much do I have to spend at least", "Due date" for "when does it have to be paid", "Exited"
# for "when did I drive out"): groups of words that name one thing on a screen, each word
# standing for the others. General English of forms and receipts, not one screen's.
LABEL_SYNONYMS = (
    "cost price total amount fee charge charged", "pay paid due owe owed payable",
    "start begin begins starts open opens from", "end finish ends finishes until close closes",
    "leave depart departs departure exit exited out", "arrive arrival arrives enter entered entry",
    "least minimum min", "most maximum max limit cap", "phone tel telephone mobile",
    "address location", "weight mass", "author writer", "venue location place",
    "reference ref booking confirmation", "expire expires expiry valid",
    "buy bought purchase purchased order ordered", "send sent", "receive received got",
    "owner assignee assigned", "score points pts result", "quantity qty count",
    "balance remaining left spare", "discount saving off", "tax vat", "doctor dr",
    "fix fixes resolve resolves closes", "size capacity", "speed pace", "distance length",
    "duration time took",
)


# The thing a question asks for, named right after its question word ("Which platform
# ...", "What policy number ...", "How many restarts ..."): a value under a label of that
# name answers it.
FOCUS = re.compile(r"^\s*(?:(?:and|so)\s+)?(?:which|what|how many)(?:'s|\s+(?:is|are|was|were))?"
                   r"\s+(?:(?:the|my|our|a|an|this|that)\s+)?(?P<head>[a-z][\w-]*(?:\s+[a-z][\w-]*)?)",
                   re.IGNORECASE)


def expected_shapes(question: str) -> tuple[str, tuple[str, ...]]:
    """The question's form and the shapes its answer takes: the first form that matches."""
    for name, pattern, shapes in QUESTION_FORMS:
        if pattern.search(question):
            return name, shapes
    return "text", ("text",)


def span_shapes(text: str) -> set[str]:
    """The shapes a candidate span has: those whose pattern covers it whole."""
    text = text.strip()
    return {name for name, p in SPAN_PATTERNS.items() if (m := p.fullmatch(text)) and m.group(0)}
