"""Generate a varied, synthetic day at the computer: screenshots, a frame manifest and questions.

Usage: .venv/bin/python bench/gen_screen_days.py --seed N --out DIR [--instances 5]

Writes DIR/frames/NNNN.png (1600x900, Pillow + DejaVu fonts), DIR/frames.jsonl (file,
timestamp, app, window_title: the `import-frames` manifest) and DIR/questions.jsonl (id,
question, answers, evidence, asked_at, abstain, template, shape, split).

Every screen template below is drawn several times with random names and values; each screen
carries distractors of the answer's own shape (a second amount, an earlier time, a product
name beside the order number), and a desktop clock showing when it was seen. Screen templates
are split between "train" and "test" as a whole (a template's questions, and the unanswerable
questions made from it, belong to its split only), so figures on "test" are on screens and
question forms never tuned on. Unanswerable questions ask a template's question about an
entity that appears on no screen, or about an application that was never used. Activity
questions ("what was I reading around 14:20?") ask about the reading screens by the time
they were seen. The same seed gives the same day.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONTS = "/usr/share/fonts/truetype/dejavu/"
W, H = 1600, 900

FIRST = ["Maya", "Jonas", "Priya", "Tomasz", "Aiko", "Lena", "Omar", "Grace", "Mateo", "Ines",
         "Farah", "Viktor", "Chloe", "Ravi", "Sofia", "Henrik", "Amara", "Luca", "Nadia", "Felix",
         "Zara", "Emil", "Rosa", "Kenji", "Talia", "Bruno", "Elif", "Hugo", "Mira", "Declan"]
LAST = ["Okafor", "Lindqvist", "Moreau", "Castillo", "Brandt", "Nakamura", "Haddad", "Kowalski",
        "Fischer", "Silva", "Duarte", "Novak", "Quinn", "Ibsen", "Varga", "Rossi", "Kaur", "Whitlock"]
COMPANIES = ["Fernhill Studio", "Brightwater Labs", "Copperleaf Design", "Northgate Print",
             "Halcyon Audio", "Bluefin Logistics", "Tidewell Hosting", "Larkspur Legal",
             "Quarry & Vane", "Ember Analytics", "Silverpine Cloud", "Kestrel Books",
             "Marigold Catering", "Ironbark Tools", "Juniper Health", "Oakmere Consulting"]
SHOPS = ["Pixelmart", "Gearloft", "Bookhaven", "Nordpack", "Urbanleaf", "Cobalt Outdoor",
         "Velvet Home", "Sprocket Cycles", "Lumen Lighting", "Harbor Tea Co"]
PRODUCTS = ["wireless keyboard", "standing desk lamp", "trail running shoes", "espresso grinder",
            "noise cancelling headphones", "hiking backpack", "cast iron skillet", "USB-C dock",
            "merino sweater", "bike helmet", "yoga mat", "mechanical pencil set"]
PLACES = ["Corner Bakery on Elm Street", "Riverside Cafe", "the Old Mill pub", "Platform 4 at Central",
          "Greenhouse Bistro", "the Harbour Library", "Union Square fountain", "Blue Door Climbing Gym",
          "Lotus Noodle Bar", "the Northside Market"]
CITIES = ["Lisbon", "Krakow", "Oslo", "Valencia", "Tallinn", "Porto", "Ghent", "Bologna", "Ljubljana",
          "Edinburgh", "Seville", "Bergen"]
PROJECTS = ["atlas", "heron", "quokka", "lattice", "saffron", "meridian", "cobalt", "tundra",
            "pebble", "zephyr", "juniper", "orbit"]
TOPICS = [("The quiet return of night trains", "The Long Read"),
          ("How sourdough starters survive the fridge", "Kitchen Science"),
          ("Why bridges hum in the wind", "Engineering Weekly"),
          ("The economics of small bookshops", "Market Notes"),
          ("A field guide to urban foxes", "Nature Today"),
          ("What makes a good code review", "Dev Digest"),
          ("Inside the seed vault of Svalbard", "Planet Journal"),
          ("The history of the paperclip", "Design Matters"),
          ("Learning to sail at forty", "Weekend Magazine"),
          ("Rewilding the river Thames", "Green Report"),
          ("The science of afternoon naps", "Health Notes"),
          ("Tiny houses and zoning laws", "City Desk")]
ABSENT_PER_TEMPLATE = 3  # unanswerable questions made from each template
UNUSED_APPS = ["PowerShell", "Photoshop", "Spotify", "Zoom", "Excel", "Outlook", "Notion",
               "Figma", "Steam", "WhatsApp"]


def person(rng):
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def money(rng, lo=20, hi=4000):
    cur = rng.choice(["EUR", "GBP", "USD", "€", "£", "$"])
    v = rng.randint(lo, hi) + rng.choice([0, 0.5, 0.99, 0.25])
    amount = f"{v:,.2f}"
    return (f"{amount} {cur}" if len(cur) == 3 else f"{cur}{amount}"), amount


def clock(rng, lo=8, hi=20):
    return f"{rng.randint(lo, hi - 1):02d}:{rng.choice([0, 10, 15, 20, 30, 40, 45, 50]):02d}"


def code(rng, letters=3, digits=4, tail=0):
    al = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    out = "".join(rng.choice(al) for _ in range(letters)) + "-" + str(rng.randint(10 ** (digits - 1), 10 ** digits - 1))
    return out + ("-" + "".join(rng.choice(al) for _ in range(tail)) if tail else "")


def day_text(day: dt.date, rng, offset=None):
    d = day + dt.timedelta(days=offset if offset is not None else rng.randint(2, 40))
    return f"{d:%A} {d.day} {d:%B}", f"{d.day} {d:%B}"


# --- screen templates: (name, make(rng, day, used) -> scene dict) -------------------------
# A scene: app, title, lines, sidebar, mono, qs [(form, question, answers, shape)],
# absent [(form, question)] (same form about an entity shown nowhere), activity (answers).

def t_invoice_mail(rng, day, used):
    co = used.pick("company", COMPANIES, rng)
    shown, amount = money(rng, 300, 9000)
    prev, _ = money(rng, 50, 900)
    inv = f"INV-{rng.randint(2024, 2026)}-{rng.randint(100, 999)}"
    due_long, due = day_text(day, rng)
    who = person(rng)
    return dict(app="Thunderbird", title=f"Invoice {inv.split('-')[-1]} overdue reminder",
                sidebar=["Inbox (12)", "Starred", "Sent", "Drafts", "Archive"],
                lines=[f"# Invoice {inv} from {co}", f"From: {who} <billing@{co.split()[0].lower()}.com>",
                       f"Dear customer, invoice {inv} for {rng.choice(['design work', 'hosting', 'consulting'])}",
                       f"Amount due: {shown}", f"Previous balance: {prev} (paid)",
                       f"Please pay by {due_long}.", f"Kind regards, {who}"],
                qs=[("invoice_amount", f"How much do I owe {co} on the invoice?", [amount], "money"),
                    ("invoice_due", f"By when must the {co} invoice be paid?", [due], "date"),
                    ("invoice_number", f"What is the invoice number from {co}?", [inv], "code")],
                absent=[("invoice_amount", "How much do I owe {X} on the invoice?", "company")])


def t_parcel(rng, day, used):
    shop = used.pick("shop", SHOPS, rng)
    track = code(rng, 2, 4, 2)
    carrier = rng.choice(["DPD", "UPS", "GLS", "DHL Express", "Royal Mail"])
    when_long, when = day_text(day, rng, rng.randint(1, 6))
    order = str(rng.randint(1000000, 9999999))
    first_long, _ = day_text(day, rng, rng.randint(7, 9))
    delivery = ([f"Expected delivery: {when_long}"] if rng.random() < 0.5 else
                [f"Previously expected: {first_long}", f"Updated delivery estimate: {when_long}"])
    return dict(app="Thunderbird", title=f"Parcel tracking - your {shop} order is on its way",
                sidebar=["Inbox (7)", "Orders", "Sent", "Trash"],
                lines=[f"# Your parcel from {shop} has shipped", f"Order number: {order}",
                       f"Carrier: {carrier}", f"Tracking number: {track}",
                       *delivery, "Track your parcel in the carrier app."],
                qs=[("parcel_tracking", f"What is the tracking number of my parcel from {shop}?", [track], "code"),
                    ("parcel_carrier", f"Which carrier is delivering the {shop} parcel?", [carrier], "text"),
                    ("parcel_arrival", f"When should the {shop} parcel arrive?", [when], "date")],
                absent=[("parcel_tracking", "What is the tracking number of my parcel from {X}?", "shop")])


def t_shop_order(rng, day, used):
    shop = used.pick("shop", SHOPS, rng)
    prod = used.pick("product", PRODUCTS, rng)
    other = rng.choice([p for p in PRODUCTS if p != prod])
    order = f"{rng.randint(100, 999)}-{rng.randint(1000000, 9999999)}"
    p1, a1 = money(rng, 20, 400)
    p2, _ = money(rng, 5, 60)
    return dict(app="Firefox", title=f"{shop} - Order confirmation - {prod.title()}",
                lines=["# Thank you for your order", f"Order {order} placed today",
                       f"1 x {prod.title()}   {p1}", f"Recommended for you: {other} {p2}",
                       f"Order total: {p1}", "Delivery: standard (free)"],
                qs=[("order_number", f"What is the order number for the {prod}?", [order], "code"),
                    ("order_total", f"How much did the {prod} cost?", [a1], "money")],
                absent=[("order_number", "What is the order number for the {X}?", "product")])


def t_bank(rng, day, used):
    payee = used.pick("company", COMPANIES, rng)
    shown, amount = money(rng, 100, 5000)
    fee, _ = money(rng, 1, 9)
    conf = code(rng, 3, 5, 1)
    return dict(app="Chromium", title="Payments - Northwind Bank",
                lines=["# Payment sent", f"To: {payee}", f"Amount: {shown}", f"Fee: {fee}",
                       f"Reference: {rng.choice(['rent', 'invoice', 'deposit'])} {rng.randint(10, 99)}",
                       f"Confirmation code: {conf}"],
                qs=[("bank_conf", f"What was the confirmation code for the payment to {payee}?", [conf], "code"),
                    ("bank_amount", f"How much did I transfer to {payee}?", [amount], "money")],
                absent=[("bank_conf", "What was the confirmation code for the payment to {X}?", "company")])


def t_calendar(rng, day, used):
    who = used.pick("person", [f"{f} {l}" for f in FIRST for l in LAST], rng)
    place = rng.choice(PLACES)
    t1, t2 = clock(rng, 9, 17), clock(rng, 9, 17)
    d_long, d = day_text(day, rng, rng.randint(1, 9))
    what = rng.choice(["Coffee", "Project sync", "Lunch", "Interview", "1:1"])
    return dict(app="GNOME Calendar", title=f"Calendar - week {rng.randint(2, 50)}",
                sidebar=["Today", "Week", "Month", "Calendars"],
                lines=[f"# {what} with {who}", f"{d_long}, {t1} to {t2 if t2 > t1 else '18:00'}",
                       f"Location: {place}", "Reminder: 15 minutes before", "Invitees: 2 accepted"],
                qs=[("cal_where", f"Where is my meeting with {who}?", [place], "place"),
                    ("cal_when", f"What time does the {what.lower()} with {who} start?", [t1], "time")],
                absent=[("cal_where", "Where is my meeting with {X}?", "person")])


def t_dentist(rng, day, used):
    doc = "Dr " + used.pick("last", LAST, rng)
    old, new = clock(rng, 8, 12), clock(rng, 13, 18)
    d_long, _ = day_text(day, rng, rng.randint(1, 7))
    return dict(app="Thunderbird", title="Appointment time changed - reminder",
                sidebar=["Inbox (3)", "Health", "Sent"],
                lines=[f"# Your appointment with {doc} has moved", f"Old time: {old}",
                       f"New time: {d_long} at {new}", "Please arrive ten minutes early.",
                       f"Clinic phone: 0{rng.randint(100, 999)} {rng.randint(100000, 999999)}"],
                qs=[("appt_when", f"When is the appointment with {doc} now?", [new], "time")],
                absent=[("appt_when", "When is the appointment with Dr {X} now?", "last")])


def t_chat(rng, day, used):
    who = used.pick("first", FIRST, rng)
    place = rng.choice(PLACES)
    t, t_old = clock(rng, 17, 21), clock(rng, 12, 16)
    return dict(app="Signal", title=f"Signal - {who}",
                sidebar=["Chats", "Family", "Climbing crew", "Work"],
                lines=[f"{who}: are we still on for tonight?", f"Me: yes! not {t_old} though, too early",
                       f"{who}: ok, {t} then", f"{who}: let's meet at {place}", "Me: see you there"],
                qs=[("chat_where", f"Where am I meeting {who} tonight?", [place], "place"),
                    ("chat_time", f"What time did {who} and I agree on?", [t], "time")],
                absent=[("chat_where", "Where am I meeting {X} tonight?", "first")])


def t_terminal(rng, day, used):
    proj = used.pick("project", PROJECTS, rng)
    port = rng.randint(3000, 9999)
    ver = f"{rng.randint(1, 4)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}"
    return dict(app="Terminal", title=f"{proj} - zsh - 120x40", mono=True,
                lines=[f"$ cd ~/code/{proj}", f"$ git clone https://github.com/{proj}-org/{proj}-api.git",
                       f"$ npm run dev -- --port {port}", f"> {proj}-api@{ver} dev",
                       f"Listening on http://127.0.0.1:{port}", f"ready in {rng.randint(200, 900)} ms"],
                qs=[("term_port", f"Which port was the {proj} dev server listening on?", [str(port)], "number"),
                    ("term_clone", f"What command did I use to clone the {proj} repository?",
                     [f"git clone https://github.com/{proj}-org/{proj}-api.git"], "command")],
                absent=[("term_port", "Which port was the {X} dev server listening on?", "project")])


def t_pip(rng, day, used):
    pkg = used.pick("pkg", ["httpx", "pydantic", "polars", "fastapi", "rich", "numpy", "attrs",
                            "pillow", "sqlalchemy", "celery"], rng)
    ver = f"{rng.randint(0, 3)}.{rng.randint(1, 30)}.{rng.randint(0, 12)}"
    old = f"{rng.randint(0, 3)}.{rng.randint(1, 30)}.{rng.randint(0, 12)}"
    return dict(app="Konsole", title="python3.12 - pip install", mono=True,
                lines=[f"$ pip install --upgrade {pkg}=={ver}", f"Found existing installation: {pkg} {old}",
                       f"Uninstalling {pkg}-{old}:", f"Successfully installed {pkg}-{ver}"],
                qs=[("pip_cmd", f"Which command did I run to upgrade {pkg}?", [f"pip install --upgrade {pkg}=={ver}"], "command"),
                    ("pip_ver", f"What version of {pkg} is installed now?", [ver], "number")],
                absent=[("pip_ver", "What version of {X} is installed now?", "pkg")])


def t_editor(rng, day, used):
    proj = used.pick("project", PROJECTS, rng)
    fname = rng.choice(["settings.py", "config.yaml", "limits.toml", "worker.py"])
    timeout, retries = rng.randint(5, 120), rng.randint(2, 9)
    return dict(app="VS Code", title=f"{fname} - {proj} - Visual Studio Code", mono=True,
                sidebar=["EXPLORER", f"{proj}/", "  src/", "  tests/", "  README.md"],
                lines=[f"# {proj}/src/{fname}", f"REQUEST_TIMEOUT_SECONDS = {timeout}",
                       f"MAX_RETRIES = {retries}", f"LOG_LEVEL = \"{rng.choice(['info', 'debug'])}\""],
                qs=[("edit_timeout", f"What is the request timeout in the {proj} config?", [str(timeout)], "number"),
                    ("edit_path", f"Which file in {proj} sets the retries?", [f"{proj}/src/{fname}", fname], "file")],
                absent=[("edit_timeout", "What is the request timeout in the {X} config?", "project")])


def t_ticket(rng, day, used):
    summary = used.pick("summary", ["Login page times out on Safari", "Export drops the last row",
                                    "Search ignores accented names", "Billing email sent twice",
                                    "Dark mode breaks the chart legend", "Upload fails over 2 GB",
                                    "Password reset link expires early", "Map tiles load slowly"], rng)
    key = f"{rng.choice(['OPS', 'WEB', 'CORE', 'PAY', 'APP'])}-{rng.randint(100, 9999)}"
    other = f"{key.split('-')[0]}-{rng.randint(100, 9999)}"
    who = person(rng)
    return dict(app="Jira", title=f"[{key}] {summary} - Jira",
                lines=[f"# {key}: {summary}", f"Assignee: {who}", f"Reporter: {person(rng)}",
                       f"Priority: {rng.choice(['High', 'Medium', 'Blocker'])}", "Status: In review",
                       f"Linked issue: {other}"],
                qs=[("ticket_key", f"What is the key of the ticket about \"{summary.lower()}\"?", [key], "code"),
                    ("ticket_who", f"Who is assigned the issue where {summary[0].lower() + summary[1:]}?", [who], "person")],
                absent=[("ticket_key", "What is the key of the ticket about \"{X}\"?", "summary")])


def t_subscription(rng, day, used):
    prod = used.pick("saas", ["Notewise", "Cloudcrate", "Taskbeam", "Pixelcraft", "Mailhawk",
                              "Syncvault", "Formfold", "Chartly"], rng)
    yearly, monthly = rng.randint(40, 300), rng.randint(4, 30)
    cur = rng.choice(["€", "$", "£"])
    return dict(app="Firefox", title=f"{prod} pricing - plans per year and per month",
                lines=[f"# {prod} plans", f"Starter: {cur}{monthly} per month", f"Pro: {cur}{yearly} per year",
                       "Team: contact sales", "All plans include 14 days free."],
                qs=[("sub_yearly", f"How much is the {prod} Pro plan a year?", [f"{cur}{yearly}"], "money")],
                absent=[("sub_yearly", "How much is the {X} Pro plan a year?", "saas")])


def t_flight(rng, day, used):
    city = used.pick("city", CITIES, rng)
    ref = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6))
    gate = f"{rng.choice('ABCDE')}{rng.randint(1, 40)}"
    dep = clock(rng, 6, 21)
    old = f"{rng.choice('ABCDE')}{rng.randint(41, 60)}"
    gate_lines = ([f"Departs {dep} from gate {gate}"] if rng.random() < 0.5 else
                  [f"Departs {dep}", f"Gate changed to {gate} (was {old})"])
    return dict(app="Chromium", title=f"Manage booking - Skylark Air - {city}",
                lines=[f"# Your trip to {city}", f"Flight SK {rng.randint(100, 9999)}",
                       *gate_lines, f"Booking reference: {ref}",
                       f"Seat {rng.randint(1, 40)}{rng.choice('ACDF')}, 1 cabin bag"],
                qs=[("flight_ref", f"What is the booking reference for my flight to {city}?", [ref], "code"),
                    ("flight_gate", f"Which gate does my {city} flight leave from?", [gate], "code")],
                absent=[("flight_ref", "What is the booking reference for my flight to {X}?", "city")])


def t_wifi(rng, day, used):
    ssid = used.pick("ssid", ["Harbour-Guest", "Office-5G", "Cafe_Lumen", "Library-Open",
                              "Hotel-Atlas", "Cowork-Loft", "Train-WiFi", "Airport-Free"], rng)
    ip = f"192.168.{rng.randint(0, 20)}.{rng.randint(2, 250)}"
    gw = f"192.168.{rng.randint(0, 20)}.1"
    return dict(app="Settings", title="Settings - Wi-Fi - network details",
                sidebar=["Wi-Fi", "Network", "Bluetooth", "Displays", "Sound"],
                lines=[f"# {ssid}", "Signal strength: Good", f"IPv4 address: {ip}", f"Default route: {gw}",
                       f"DNS: {rng.choice(['1.1.1.1', '9.9.9.9', '8.8.8.8'])}"],
                qs=[("wifi_ip", f"What IP address did I get on {ssid}?", [ip], "number")],
                absent=[("wifi_ip", "What IP address did I get on {X}?", "ssid")])


def t_article(rng, day, used):
    head, site = used.pick("topic", TOPICS, rng)
    n = rng.randint(120, 9800)
    unit = rng.choice(["kilometres", "visitors a year", "species", "metres"])
    return dict(app="Firefox", title=f"{head} - {site}", reading=True,
                lines=[f"# {head}", f"By {person(rng)} | {rng.randint(4, 15)} min read",
                       f"Researchers counted {n:,} {unit} in the latest survey,",
                       f"up from {rng.randint(100, 9000):,} a decade earlier.",
                       "The findings surprised even the authors."],
                qs=[("article_fact", f"How many {unit} did the article on {head.lower()} report?", [f"{n:,}"], "number")],
                absent=[("article_fact", "How many {X} did the survey report?", "unit")],
                activity=[head])


def t_doc_page(rng, day, used):
    lib = used.pick("lib", ["tokio", "django", "react", "kubernetes", "pandas", "rust-analyzer",
                            "postgres", "vite"], rng)
    topic = rng.choice(["configuration", "migrations", "testing", "deployment", "caching"])
    url = f"https://docs.{lib}.dev/en/stable/{topic}/"
    return dict(app="Chromium", title=f"{topic.title()} - {lib} documentation", reading=True,
                lines=[f"{url}", f"# {topic.title()} guide", f"This page explains {topic} in {lib}.",
                       f"See also: https://{lib}.dev/blog/release-notes", "Last updated 3 weeks ago"],
                qs=[("doc_url", f"What was the address of the {lib} {topic} docs page?", [url], "url")],
                absent=[("doc_url", "What was the address of the {X} docs page?", "lib")],
                activity=[f"{topic.title()} - {lib}", f"{lib} documentation"])


def t_notes(rng, day, used):
    proj = used.pick("project", PROJECTS, rng).title()
    owner = person(rng)
    d_long, d = day_text(day, rng)
    return dict(app="LibreOffice Writer", title=f"{proj} launch notes.odt - LibreOffice Writer",
                lines=[f"# {proj} launch - meeting notes", f"Attendees: {person(rng)}, {owner}, {person(rng)}",
                       f"Decision: launch moves to {d_long}", f"Owner: {owner}",
                       f"Budget approved: {rng.randint(5, 90)},000"],
                qs=[("notes_owner", f"Who owns the {proj} launch?", [owner], "person"),
                    ("notes_date", f"What date is the {proj} launch now?", [d], "date")],
                absent=[("notes_owner", "Who owns the {X} launch?", "project")])


def t_spreadsheet(rng, day, used):
    sheet = used.pick("sheet", ["Household 2026", "Trip budget", "Team offsite", "Renovation",
                                "Wedding costs", "Q2 marketing"], rng)
    cats = rng.sample(["Travel", "Food", "Venue", "Insurance", "Equipment", "Rent", "Printing"], 4)
    vals = [rng.randint(100, 9000) for _ in cats]
    return dict(app="LibreOffice Calc", title=f"{sheet}.ods - LibreOffice Calc", mono=True,
                lines=[f"# {sheet}"] + [f"{c:<12} {v:>8,}" for c, v in zip(cats, vals)]
                      + [f"{'Total':<12} {sum(vals):>8,}"],
                qs=[("sheet_cat", f"How much is budgeted for {cats[1].lower()} in {sheet}?", [f"{vals[1]:,}"], "number")],
                absent=[("sheet_cat", "How much is budgeted for food in {X}?", "sheet")])


def t_download(rng, day, used):
    doc = used.pick("doc", ["lease agreement", "tax return", "warranty card", "conference badge",
                            "boarding pass", "insurance policy", "pay slip"], rng)
    fname = doc.replace(" ", "_") + f"_{rng.randint(2024, 2026)}.pdf"
    folder = rng.choice(["~/Documents/admin", "~/Downloads", "~/Documents/travel", "~/Desktop/scans"])
    return dict(app="Files", title=f"Files - {folder.split('/')[-1]}",
                sidebar=["Recent", "Home", "Documents", "Downloads", "Trash"],
                lines=[f"# {folder}", f"{fname}   {rng.randint(80, 900)} kB   Today",
                       f"notes.txt   {rng.randint(1, 9)} kB   Yesterday", "2 items"],
                qs=[("dl_file", f"What is the file name of my {doc}?", [fname], "file")],
                absent=[("dl_file", "What is the file name of my {X}?", "doc")])


def t_contact(rng, day, used):
    who = used.pick("person", [f"{f} {l}" for f in FIRST for l in LAST], rng)
    phone = f"+44 {rng.randint(20, 79)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
    city = rng.choice(CITIES)
    return dict(app="Contacts", title=f"Contacts - {who}",
                lines=[f"# {who}", f"Mobile: {phone}", f"Email: {who.split()[0].lower()}@example.org",
                       f"Address: {rng.randint(2, 90)} {rng.choice(['Mill Lane', 'Park Road', 'Quay Street'])}, {city}",
                       f"Birthday: {rng.randint(1, 28)} {rng.choice(['May', 'June', 'October'])}"],
                qs=[("contact_phone", f"What is {who}'s mobile number?", [phone], "number"),
                    ("contact_city", f"Which city does {who} live in?", [city], "place")],
                absent=[("contact_phone", "What is {X}'s mobile number?", "person")])


def t_recipe(rng, day, used):
    dish = used.pick("dish", ["lentil dal", "mushroom risotto", "chickpea curry", "minestrone",
                              "banana bread", "shakshuka"], rng)
    mins, temp = rng.randint(12, 55), rng.choice([160, 180, 200, 220])
    return dict(app="Firefox", title=f"{dish.title()} recipe - Good Food", reading=True,
                lines=[f"# {dish.title()}", f"Prep {rng.randint(5, 20)} minutes, serves {rng.randint(2, 6)}",
                       f"Cook gently for {mins} minutes, stirring now and then.",
                       f"Or bake at {temp} C until golden."],
                qs=[("recipe_time", f"How long does the {dish} cook?", [f"{mins} minutes"], "number")],
                absent=[("recipe_time", "How long does the {X} cook?", "dish")],
                activity=[dish.title(), dish])


def t_slack(rng, day, used):
    system = used.pick("system", ["staging database", "VPN", "analytics dashboard", "build server",
                                  "payroll portal", "design files"], rng)
    who, boss = rng.choice(FIRST), person(rng)
    return dict(app="Slack", title=f"#ops-help | Slack - {rng.choice(['Acme', 'Finch', 'Orbit'])} workspace",
                sidebar=["# general", "# ops-help", "# random", "Direct messages"],
                lines=[f"{who}: who can give me access to the {system}?",
                       f"{person(rng)}: not me, sorry", f"{boss.split()[0]}: ask {boss} - they own it",
                       f"{who}: thanks!"],
                qs=[("slack_who", f"Who should I ask for access to the {system}?", [boss], "person")],
                absent=[("slack_who", "Who should I ask for access to the {X}?", "system")])


def t_route(rng, day, used):
    place = used.pick("place", PLACES, rng)
    km, mins = f"{rng.randint(2, 40)}.{rng.randint(0, 9)} km", rng.randint(8, 70)
    return dict(app="Maps", title=f"Directions to {place} - Maps",
                lines=[f"# Directions to {place}", f"By car: {mins} min ({km})",
                       f"By bike: {mins * 3} min", "Leave now to arrive on time."],
                qs=[("route_km", f"How far is {place} by car?", [km], "number")],
                absent=[("route_km", "How far is {X} by car?", "place")])


def t_payslip(rng, day, used):
    co = used.pick("company", COMPANIES, rng)
    gross = rng.randint(2800, 7400)
    tax = round(gross * rng.uniform(0.18, 0.32))
    net, pension = gross - tax - 120, rng.randint(80, 300)
    month = f"{day:%B %Y}"
    return dict(app="Evince", title=f"payslip_{day:%Y_%m}.pdf - {co}",
                lines=[f"# {co} - payslip {month}", f"Employee no. E{rng.randint(10000, 99999)}",
                       f"Gross pay   {gross:,}.00", f"Income tax   -{tax:,}.00",
                       f"Pension contribution   -{pension}.00", f"Net pay   {net - pension:,}.00",
                       f"Paid into account ending {rng.randint(1000, 9999)} on {day.day} {day:%B}"],
                qs=[("payslip_net", f"What was my net pay from {co}?", [f"{net - pension:,}.00"], "money"),
                    ("payslip_tax", f"How much income tax did {co} deduct?", [f"{tax:,}.00"], "money")],
                absent=[("payslip_net", "What was my net pay from {X}?", "company")])


def t_train(rng, day, used):
    city = used.pick("city", CITIES, rng)
    sched = clock(rng, 7, 19)
    h, m = map(int, sched.split(":"))
    late = f"{h + (m + 25) // 60:02d}:{(m + 25) % 60:02d}"
    plat = str(rng.randint(1, 14))
    coach, seat = rng.choice("ABCDEFGH"), rng.randint(11, 88)
    return dict(app="Rail Planner", title=f"Your journey to {city}",
                lines=[f"# Today: Central to {city}", f"Scheduled {sched} - delayed, expected {late}",
                       f"Platform {plat}", f"Coach {coach}, seat {seat}",
                       f"Ticket {rng.randint(100000, 999999)} - Anytime Return"],
                qs=[("train_platform", f"Which platform does my train to {city} leave from?", [plat], "number"),
                    ("train_when", f"When does my train to {city} leave?", [late], "time")],
                absent=[("train_platform", "Which platform does my train to {X} leave from?", "city")])


def t_pull_request(rng, day, used):
    proj = used.pick("project", PROJECTS, rng)
    num = rng.randint(100, 2999)
    author, reviewer = person(rng), person(rng)
    branch = f"fix/{rng.choice(['cache', 'retry', 'auth', 'paging', 'locale'])}-{rng.randint(10, 99)}"
    return dict(app="Chromium", title=f"Pull request #{num} - {proj}",
                lines=[f"# Tidy the {proj} request retries #{num}",
                       f"{author} wants to merge 3 commits into main from {branch}",
                       f"Reviewers: {reviewer}", f"Checks: {rng.randint(20, 60)} passed, 1 skipped",
                       f"Last commit {rng.choice('0123456789abcdef')}{rng.randint(100000, 999999)}"],
                qs=[("pr_reviewer", f"Who is reviewing the {proj} pull request?", [reviewer], "person"),
                    ("pr_branch", f"Which branch is the {proj} pull request from?", [branch], "text")],
                absent=[("pr_reviewer", "Who is reviewing the {X} pull request?", "project")])


TEMPLATES = [t_invoice_mail, t_parcel, t_shop_order, t_bank, t_calendar, t_dentist, t_chat, t_terminal,
             t_pip, t_editor, t_ticket, t_subscription, t_flight, t_wifi, t_article, t_doc_page,
             t_notes, t_spreadsheet, t_download, t_contact, t_recipe, t_slack, t_route,
             t_payslip, t_train, t_pull_request]


class Used:
    """Entities already on a screen: each instance of a template names a new one, and an
    unanswerable question names one left over."""

    def __init__(self):
        self.seen: dict[str, set] = {}
        self.pools: dict[str, list] = {}

    def pick(self, kind, pool, rng):
        self.pools[kind] = pool
        left = [p for p in pool if p not in self.seen.setdefault(kind, set())]
        choice = rng.choice(left or pool)
        self.seen[kind].add(choice)
        return choice

    def unused(self, kind, rng):
        left = [p for p in self.pools.get(kind, []) if p not in self.seen.get(kind, set())]
        return rng.choice(left) if left else None


def render(scene, stamp: dt.datetime, rng) -> Image.Image:
    f = lambda name, size: ImageFont.truetype(FONTS + name, size)  # noqa: E731
    img = Image.new("RGB", (W, H), rng.choice([(236, 239, 244), (222, 228, 236), (240, 236, 230)]))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, W, 28], fill=(40, 44, 52))
    d.text((W // 2 - 60, 5), f"{stamp:%a %d %b %H:%M}", font=f("DejaVuSans.ttf", 15), fill=(220, 220, 220))
    x0, y0, x1, y1 = rng.randint(30, 60), rng.randint(40, 60), W - rng.randint(30, 60), H - 30
    d.rectangle([x0, y0, x1, y1], fill=(255, 255, 255), outline=(180, 180, 180))
    d.rectangle([x0, y0, x1, y0 + 36], fill=(222, 226, 232))
    d.text((x0 + 14, y0 + 8), f"{scene['title']} - {scene['app']}", font=f("DejaVuSans-Bold.ttf", 17),
           fill=(30, 30, 30))
    bx = x0 + 24
    if scene.get("sidebar"):
        d.rectangle([x0, y0 + 36, x0 + 230, y1], fill=(246, 247, 249))
        for i, s in enumerate(scene["sidebar"]):
            d.text((x0 + 16, y0 + 60 + i * 32), s, font=f("DejaVuSans.ttf", 16), fill=(90, 90, 90))
        bx = x0 + 260
    size = rng.choice([20, 22, 24])
    body = f("DejaVuSansMono.ttf" if scene.get("mono") else "DejaVuSans.ttf", size)
    y = y0 + 64
    for line in scene["lines"]:
        if line.startswith("# "):
            d.text((bx, y), line[2:], font=f("DejaVuSans-Bold.ttf", size + 6), fill=(20, 20, 20))
            y += size + 22
        else:
            d.text((bx, y), line, font=body, fill=(35, 35, 35))
            y += size + 14
    mx, my = rng.randint(x0 + 40, x1 - 40), rng.randint(y1 - 120, y1 - 40)
    d.polygon([(mx, my), (mx, my + 22), (mx + 6, my + 16), (mx + 15, my + 15)], fill=(0, 0, 0))
    return img


def generate(seed: int, out: Path, instances: int = 7, test_share: float = 0.45,
             split_of: dict[str, str] | None = None) -> dict:
    rng = random.Random(seed)
    day = dt.date(2026, rng.randint(1, 11), rng.randint(1, 28))
    order = TEMPLATES[:]
    rng.shuffle(order)
    n_test = round(len(order) * test_share)
    split = {t.__name__: ("test" if i < n_test else "train") for i, t in enumerate(order)}
    if split_of:  # an earlier day's split; a template it does not know is held out
        split = {t.__name__: split_of.get(t.__name__, "test") for t in TEMPLATES}
    used = Used()
    scenes = [(t, t(rng, day, used)) for t in TEMPLATES for _ in range(instances)]
    rng.shuffle(scenes)
    (out / "frames").mkdir(parents=True, exist_ok=True)
    start = dt.datetime.combine(day, dt.time(8, 0))
    step = dt.timedelta(minutes=(11 * 60) // len(scenes))
    frames, questions = [], []
    asked = dt.datetime.combine(day, dt.time(21, 0)).isoformat()

    def ask(tname, form, question, answers, shape, evidence, abstain=False):
        questions.append({"id": f"q{len(questions) + 1}", "question": question, "answers": answers,
                          "evidence": evidence, "asked_at": asked, "abstain": abstain,
                          "template": f"{tname}:{form}", "shape": shape, "split": split[tname]})

    for n, (t, sc) in enumerate(scenes, 1):
        stamp = start + step * (n - 1) + dt.timedelta(seconds=rng.randint(0, 50))
        name = f"frames/{n:04d}.png"
        render(sc, stamp, rng).save(out / name)
        frames.append({"file": name, "timestamp": stamp.isoformat(timespec="seconds"),
                       "app": sc["app"], "window_title": sc["title"]})
        for form, q, answers, shape in sc["qs"]:
            ask(t.__name__, form, q, answers, shape, [name])
        if sc.get("activity"):
            hh = stamp.replace(minute=stamp.minute - stamp.minute % 5, second=0)
            q = rng.choice(["What was I reading around {t}?", "What was I looking at around {t}?",
                            "Which page did I have open around {t}?"])
            ask(t.__name__, "activity", q.format(t=f"{hh:%H:%M}"), sc["activity"], "title", [name])
    for t in TEMPLATES:  # one unanswerable question per template, about an entity never shown
        sc = t(random.Random(seed * 7919 + TEMPLATES.index(t)), day, Used())
        for form, q, kind in sc["absent"]:
            for _ in range(ABSENT_PER_TEMPLATE):
                x = used.unused(kind, rng) if kind in used.pools else None
                if x is None and kind == "unit":
                    x = rng.choice(["lighthouses", "windmills", "glaciers"])
                if x is not None:
                    used.seen.setdefault(kind, set()).add(x)
                    x = x[0] if isinstance(x, tuple) else x
                    ask(t.__name__, form, q.format(X=x.lower() if kind in ("summary",) else x), [],
                        "none", [], abstain=True)
    forms = {"train": "What did I have open in {}?", "test": "What was the last thing I did in {}?"}
    for i, app in enumerate(rng.sample(UNUSED_APPS, 8)):  # applications never used, a form per split
        part = "train" if i % 2 else "test"
        questions.append({"id": f"q{len(questions) + 1}", "question": forms[part].format(app),
                          "answers": [], "evidence": [], "asked_at": asked, "abstain": True,
                          "template": f"unused_app:{part}", "shape": "none", "split": part})
    with open(out / "frames.jsonl", "w") as fh:
        fh.writelines(json.dumps(fr) + "\n" for fr in frames)
    with open(out / "questions.jsonl", "w") as fh:
        fh.writelines(json.dumps(q) + "\n" for q in questions)
    return {"frames": len(frames), "questions": len(questions),
            "train": sum(q["split"] == "train" for q in questions),
            "test": sum(q["split"] == "test" for q in questions),
            "unanswerable": sum(q["abstain"] for q in questions),
            "test_templates": sorted(k for k, v in split.items() if v == "test")}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--instances", type=int, default=7, help="screens drawn per template")
    p.add_argument("--split-of", type=Path, metavar="QUESTIONS",
                   help="keep the train/test split of an earlier day's questions.jsonl (a "
                        "template it does not hold goes to test)")
    args = p.parse_args()
    split_of = None
    if args.split_of:
        try:
            rows = [json.loads(l) for l in args.split_of.read_text().splitlines() if l.strip()]
            split_of = {q["template"].split(":")[0]: q["split"] for q in rows
                        if not q["template"].startswith("unused_app")}
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise SystemExit(f"error: cannot read the split of {args.split_of}: {e}") from None
    print(json.dumps(generate(args.seed, args.out, args.instances, split_of=split_of)))


if __name__ == "__main__":
    main()
