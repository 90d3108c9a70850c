"""The deterministic floor: memories made by rules from observations, with no model.

Every function here is pure (observations in, candidates out), so it is cheap, testable
and always available; the LLM tier can only add to what the floor finds. Each candidate
cites exactly the sources of the observations it came from and has tier "floor".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from memory.items import EPISODIC, PROCEDURAL, RESOURCE, SEMANTIC, VAULT, Candidate, Observation
from memory.redact import MASK, Redactor, find_secrets
from memory.timefmt import parse_iso

EPISODE_GAP_S = 300.0

_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
_DAYS = "Mon|Tue|Wed|Thu|Fri|Sat|Sun"
_CLOCK_LINE = re.compile(rf"^(?:(?:{_DAYS})\w*\s+)?\d{{1,2}}\s+(?:{_MONTHS})\w*\s+\d{{1,2}}:\d{{2}}$")
_CHROME = {"activities", "a", "folders"}

_LABELLED_CODE = re.compile(
    r"(?i)\b(confirmation|order|booking|ticket|invoice|reference|tracking|reservation)"
    r"(?:\s+(?:code|number|no\.?|id|ref))?\s*[:#]?\s*"
    r"((?:[A-Z]{2,5}\s)?[A-Z0-9][A-Z0-9-]{2,}[A-Z0-9])\b")
_CODE_SHAPE = re.compile(r"\b[A-Z]{2,5}-\d{3,}(?:-[A-Z0-9]{1,6})*\b")
_AMOUNT = re.compile(
    r"(?:[€$£¥]\s?\d[\d,]*(?:\.\d{1,2})?"
    r"|\b\d[\d,]*(?:\.\d{1,2})?\s?(?:EUR|USD|GBP|CHF|JPY|SEK|NOK|DKK|CAD|AUD)\b)")
_DATE = re.compile(
    rf"\b(?:\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}\s+(?:{_MONTHS})[a-z]*(?:\s+\d{{4}})?"
    rf"|(?:{_MONTHS})[a-z]*\s+\d{{1,2}}(?:,\s*\d{{4}})?)\b")
_TIME = re.compile(r"(?<![\d:.])(?:[01]?\d|2[0-3]):[0-5]\d(?:\s?[ap]m)?(?![\d:])", re.I)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_PHONE = re.compile(r"(?<![\w-])\+\d[\d ()-]{7,16}\d(?![\w-])")
_URL = re.compile(r"\bhttps?://[^\s<>\"')]+|\bwww\.[\w-]+(?:\.[\w-]+)+[^\s<>\"')]*")

_STEP = re.compile(r"(?i)^\s*(?:step\s+(\d{1,2})\s*[:.)-]?\s*|(\d{1,2})[.)]\s+)(\S.*)$")
_COMMAND = re.compile(r"^\s*(?:[\w.-]+@[\w.-]+(?::\s?[~/][^$#]*)?\s*)?[$#]\s+(\S.*)$")

_NAME = re.compile(r"\b[A-Z][a-z]+(?:[ ](?:[A-Z][a-z]+|of|de|van|von))*[ ][A-Z][a-z]+\b")
_NAME_TAIL = {"Amount", "Total", "Reference", "Date", "Time", "Subject", "From", "To", "Re"}
_HANDLE = re.compile(r"(?<![\w.@])@[A-Za-z0-9_][\w.-]{1,30}\b")
_NAME_STOP = set(f"{_MONTHS}|{_DAYS}".split("|")) | {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January",
    "February", "March", "April", "June", "July", "August", "September", "October",
    "November", "December", "The", "This", "That", "From", "To", "Hello", "Hi", "Dear",
    "Thank", "Thanks", "Please", "Review", "Sent", "Inbox", "Re", "Fwd",
    # chat openers that are capitalised before a name: "Hey Caroline", "Wow Mel"
    "Hey", "Hiya", "Bye", "Congrats", "Congratulations", "Wow", "Woohoo", "Yay", "Yeah",
    "Yes", "No", "Oh", "Ok", "Okay", "Sorry", "Great", "Nice", "Cool", "Awesome", "Good",
    "Welcome", "Cheers", "Aww", "Haha", "Hmm", "Well", "So", "And", "But", "Last", "Next"}

_EXT_TYPES = {
    "document": "pdf doc docx odt rtf ppt pptx odp xls xlsx ods csv epub md txt".split(),
    "code file": ("rs py js ts tsx jsx go java kt c h cpp hpp rb sh toml yaml yml json html "
                  "css sql ipynb lua swift").split(),
    "image": "png jpg jpeg gif svg webp".split(),
}
_FILE = re.compile(r"\b[\w.-]+\.(" + "|".join(sum(_EXT_TYPES.values(), [])) + r")\b", re.I)
_REPO = re.compile(r"\b([A-Za-z0-9][\w.-]*/[\w.-]+)\s+-\s+(?:GitHub|GitLab|Codeberg|Gitea)\b")
_FOLDER = re.compile(r"(?:^|\s)(~?/[\w./-]+)")
_BROWSERS = ("chromium", "chrome", "firefox", "safari", "edge", "brave", "vivaldi", "opera",
             "epiphany", "librewolf")
_NOTE_APPS = ("joplin", "obsidian", "notion", "logseq", "libreoffice", "word", "writer",
              "onlyoffice", "evince", "okular", "zathura", "acrobat", "pages")


# -- text helpers ----------------------------------------------------------------------
def content_lines(obs: Observation) -> list[str]:
    """The OCR lines that carry content: no window chrome, clock or title bar."""
    header = " - ".join(x for x in (obs.title, obs.app) if x)
    out = []
    for line in obs.text.splitlines():
        s = " ".join(line.split())
        if not s or s.lower() in _CHROME or s == header or s == obs.title:
            continue
        if _CLOCK_LINE.match(s):
            continue
        out.append(s)
    return out


def _caption(line: str, limit: int = 120) -> str:
    return line if len(line) <= limit else line[: limit - 1] + "…"


# -- extractors over text --------------------------------------------------------------
def extract_vault(lines: Sequence[str]) -> list[dict]:
    """Exact items worth keeping verbatim: codes, amounts, dates, contacts, URLs, secrets."""
    found: list[dict] = []
    seen: set[tuple[str, str]] = set()

    def add(entry_type: str, value: str, line: str, sensitivity: str = "low") -> None:
        value = value.strip().rstrip(".,;")
        if not value or MASK in value or (entry_type, value.lower()) in seen:
            return
        seen.add((entry_type, value.lower()))
        caption = entry_type if sensitivity == "high" else _caption(line)
        found.append({"entry_type": entry_type, "caption": caption, "value": value,
                      "sensitivity": sensitivity})

    # Secrets are found by the one redaction table (memory.redact), across lines (a label
    # on one line, its value on the next): each is kept sealed ("high") under its vault
    # type; cards, IBANs and security codes are only masked. Plain items come from the
    # masked lines, so no secret reaches an unsealed entry or a caption.
    text = "\n".join(lines)
    secrets = find_secrets(text)
    for s in secrets:
        if s.vault:
            add(s.vault, text[s.start:s.end], "", "high")
    held, base = [], 0
    for line in lines:
        end = base + len(line)
        held.append(any(s.start < end and s.end > base for s in secrets))
        base = end + 1
    for line, secret_held in zip(Redactor().redact_lines(lines), held):
        if secret_held:
            continue  # the rest of a secret's line is not offered as plain items
        coded = set()
        for m in _LABELLED_CODE.finditer(line):
            value = m.group(2)
            if any(c.isdigit() for c in value):
                add(f"{m.group(1).lower()}_number", value, line)
                coded.add(value)
        for m in _CODE_SHAPE.finditer(line):
            if not any(m.group(0) in c for c in coded):
                add("code", m.group(0), line)
        for m in _AMOUNT.finditer(line):
            add("amount", m.group(0), line)
        for m in _EMAIL.finditer(line):
            add("email", m.group(0), line)
        for m in _PHONE.finditer(line):
            if sum(c.isdigit() for c in m.group(0)) >= 8:
                add("phone", m.group(0), line)
        for m in _URL.finditer(line):
            add("url", m.group(0), line)
        for m in _DATE.finditer(line):
            add("date", m.group(0), line)
        for m in _TIME.finditer(line):
            add("time", m.group(0), line)
    return found


def extract_steps(lines: Sequence[str]) -> list[dict]:
    """Numbered steps ('1. …', 'Step 2: …'): each run of two or more is one procedure."""
    procs: list[dict] = []
    run: list[str] = []
    intro, prev_line = "", ""
    for line in list(lines) + [""]:
        m = _STEP.match(line)
        if m:
            if not run:
                intro = prev_line
            run.append(m.group(3).strip())
        else:
            if len(run) >= 2:
                procs.append({"entry_type": "steps", "description": intro or run[0],
                              "steps": run})
            run = []
        prev_line = line
    return procs


def extract_commands(lines: Sequence[str]) -> list[str]:
    """Terminal commands ('$ cmd', 'user@host:~/dir$ cmd') in the order they were typed."""
    cmds = []
    for line in lines:
        m = _COMMAND.match(line)
        if m and m.group(1).strip() not in cmds:
            cmds.append(m.group(1).strip())
    return cmds


def extract_entities(lines: Sequence[str], *, exclude: Iterable[str] = ()) -> list[str]:
    """Capitalised multi-word names and @handles, first-seen order."""
    skip = {e.lower() for e in exclude}
    names: list[str] = []
    for line in lines:
        for m in _NAME.finditer(line):
            words = m.group(0).split()
            while words and words[0] in _NAME_STOP:
                words = words[1:]
            while words and words[-1] in _NAME_TAIL:
                words = words[:-1]
            name = " ".join(words)
            if len(words) >= 2 and name.lower() not in skip and name not in names:
                names.append(name)
        for m in _HANDLE.finditer(line):
            if m.group(0) not in names:
                names.append(m.group(0))
    return names


def resources_from_title(app: str, title: str, url: str | None = None) -> list[dict]:
    """Files, documents, web pages, repositories and folders named by a window."""
    out: list[dict] = []
    app_l = app.lower()
    where = f"open in {app}" if app else ""
    repo = _REPO.search(title)
    if repo:
        out.append({"title": repo.group(1), "resource_type": "repository",
                    "summary": f"{title} ({where})".strip()})
    for m in _FILE.finditer(title):
        ext = m.group(1).lower()
        kind = next(k for k, v in _EXT_TYPES.items() if ext in v)
        rest = title.replace(m.group(0), "").strip(" -–|")
        out.append({"title": m.group(0), "resource_type": kind,
                    "summary": f"{where}; {rest}".strip("; ") if rest else where})
    for m in _FOLDER.finditer(title):
        if "/" in m.group(1).strip("/~"):
            continue  # a deep path: keep the folder the window names, not every parent
        out.append({"title": m.group(1), "resource_type": "folder", "summary": where})
    if url:
        out.append({"title": title or url, "resource_type": "web page", "uri": url,
                    "summary": where})
    elif not out and title and any(b in app_l for b in _BROWSERS):
        out.append({"title": title, "resource_type": "web page", "summary": where})
    elif not out and title and any(n in app_l for n in _NOTE_APPS):
        out.append({"title": title, "resource_type": "document", "summary": where})
    return out


# -- observation batches -> candidates --------------------------------------------------
def _iso(epoch: float, like: str) -> str:
    tz = parse_iso(like, naive="keep").tzinfo if like else None
    return dt.datetime.fromtimestamp(epoch, tz or dt.UTC).isoformat()


def window_sessions(observations: Sequence[Observation], *,
                    gap_s: float = EPISODE_GAP_S) -> list[list[Observation]]:
    """Consecutive frames of one app + title, each within `gap_s` of the last."""
    sessions: list[list[Observation]] = []
    for o in sorted(observations, key=lambda o: o.ts_epoch):
        cur = sessions[-1] if sessions else None
        if (cur and (cur[-1].app, cur[-1].title) == (o.app, o.title)
                and o.ts_epoch - max(cur[-1].ts_epoch, cur[-1].ts_end_epoch) <= gap_s):
            cur.append(o)
        else:
            sessions.append([o])
    return sessions


def frame_episode(session: Sequence[Observation]) -> Candidate:
    first, last = session[0], session[-1]
    end = max(last.ts_end_epoch, last.ts_epoch)
    lines = [l for o in session for l in content_lines(o)]
    what = f"{first.app}: {first.title}" if first.title else (first.app or "screen activity")
    details = "; ".join(lines[:2])
    return Candidate(EPISODIC, {
        "occurred_at": first.ts, "ended_at": _iso(end, first.ts), "event_type": "app_session",
        "actor": "user", "app": first.app, "summary": what, "details": _caption(details, 240)},
        sources=[s for o in session for s in o.sources], importance=0.3,
        occurred_at=first.ts)


def chat_episode(turns: Sequence[Observation]) -> Candidate:
    first, last = turns[0], turns[-1]
    speakers = list(dict.fromkeys(t.speaker for t in turns if t.speaker))
    summary = (f"Chat {first.session} between {' and '.join(speakers)}" if speakers
               else f"Chat {first.session}")
    details = _caption(" / ".join(t.text for t in turns[:2]), 240)
    return Candidate(EPISODIC, {
        "occurred_at": first.ts, "ended_at": last.ts, "event_type": "conversation",
        "actor": ", ".join(speakers), "app": "chat", "summary": summary, "details": details},
        sources=[s for t in turns for s in t.sources], importance=0.3, occurred_at=first.ts)


def observation_items(o: Observation) -> list[Candidate]:
    """Resource, vault, procedural and semantic candidates from one observation."""
    src = list(o.sources)
    lines = content_lines(o) if o.kind == "frame" else [o.text]
    out: list[Candidate] = []
    if o.kind == "frame":
        for r in resources_from_title(o.app, o.title, o.url):
            out.append(Candidate(RESOURCE, r, src, importance=0.4, occurred_at=o.ts))
    # The title on its own: a content line that ends in a bare "Password" label must not
    # make the title the password's value.
    vault = extract_vault(lines) + (extract_vault([o.title]) if o.kind == "frame" else [])
    for v in vault:
        out.append(Candidate(VAULT, v, src, importance=0.8 if v["sensitivity"] == "high"
                             else 0.6, occurred_at=o.ts))
    for p in extract_steps(lines):
        out.append(Candidate(PROCEDURAL, p, src, importance=0.5, occurred_at=o.ts))
    cmds = extract_commands(lines)
    if cmds:
        where = o.title or o.app
        out.append(Candidate(PROCEDURAL, {"entry_type": "commands",
                                          "description": f"Commands run in {where}",
                                          "steps": cmds}, src, importance=0.5,
                             occurred_at=o.ts))
    for name in extract_entities(lines, exclude=[o.app]):
        context = next((l for l in lines if name in l), "")
        out.append(Candidate(SEMANTIC, {"name": name, "summary": f"Seen in {o.app or o.kind}",
                                        "details": _caption(context)}, src, importance=0.3,
                             occurred_at=o.ts))
    return out


def floor_candidates(observations: Sequence[Observation], *,
                     gap_s: float = EPISODE_GAP_S) -> list[Candidate]:
    """Everything the floor makes of one batch: episodes first, then per-observation items."""
    frames = [o for o in observations if o.kind == "frame"]
    turns = [o for o in observations if o.kind == "turn"]
    out = [frame_episode(s) for s in window_sessions(frames, gap_s=gap_s)]
    by_session: dict[str, list[Observation]] = {}
    for t in sorted(turns, key=lambda t: (t.ts_epoch, t.ref_id)):
        by_session.setdefault(t.session, []).append(t)
    out += [chat_episode(ts) for ts in by_session.values()]
    for o in sorted(observations, key=lambda o: (o.ts_epoch, o.ref_id)):
        out += observation_items(o)
    return out
