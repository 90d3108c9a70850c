"""Generate a varied, synthetic day at the computer: screenshots, a frame manifest and questions.

Usage: .venv/bin/python bench/gen_screen_days.py --seed N --out DIR [--instances 5]
       [--templates classic|fresh|round3|round4|round5|round6|round7|round8|all|NAME,PREFIX,...]
       [--split-of EARLIER/questions.jsonl]

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

The default day draws the 26 "classic" templates the answer reader was developed on (a seed's
default day is byte-identical to what it always was). The 16 "fresh" templates (issue 18: a bill
PDF, car hire, gym timetable, library loans, weather, password manager, receipt, hotel, CI
pipeline, Kanban card, video-call invite, conference schedule, spreadsheet grid, system monitor,
an SMS notification over another window, a letter) are a held-out set nothing was tuned on, with
their own layouts (tables with the label in the header row, cards with the label above the
value, a dark theme, a notification toast) and question phrasings: `--templates fresh`, with
`--split-of` of a classic day to count them all as "test". The 15 "round3" templates are the
final held-out set, since "fresh" is tuned on in part: a bank statement, lab results, a school
message, a rental listing, a month calendar, an e-mail thread with quoted replies, an issue with
comments, `kubectl get pods`, an invoice with line items, a departure board, a group chat, an
insurance claim form, a parking session, football results and a podcast, with layouts of their
own (a list with a selected row, browser tabs, chat bubbles, a form) and relative questions ("the
newest", "the second", "who replied last"): `--templates round3`. The 16 "round4" templates
are a fourth held-out set, written without reading the answer code: a flight itinerary with a
connection, a repeat prescription, a parcel's tracking timeline, a code review diff, an IDE's
problems panel, an app's preferences with switches, a recipe's ingredients, a payroll run, a music
player, route options in sentences, a stock watchlist, a patient portal, an online course, a meter
reading form, a translator and a password change with texted codes, with layouts of their own
(labels left of their values, a vertical timeline, two panes, right-aligned numbers, a shaded
diff, smaller fonts) and questions that mostly avoid the screen's own labels: `--templates round4`.
The 18 "round5" templates are the held-out measure nobody tunes on, also written blind (a DIY
basket, a job tracker, a car service booked in a dialog, a tax return, `git log`, a bike ride, a
visa appointment, DNS records, a cloud bill, `npm outdated`, a restaurant booking, wedding RSVPs,
card limits, a study room, puzzle stats, a council tax bill, an energy dashboard, an e-book), with
layouts of their own (a dialog over the dimmed window, value tiles, breadcrumbs, a status bar,
merged table group headers): `--templates round5`. The 16 "round6" templates are the held-out measure
once the reader is tuned on round 4, written blind too (a mortgage schedule, a thermostat's week, a
shared expenses app, a car charging session, a concert e-ticket, a grocery delivery slot, `docker
compose`, a SQL client, systemd timers, a currency converter, a second-hand listing with its
messages, a dentist's treatment plan, a print queue, a phone bill, a food diary, a school
timetable), with layouts of their own (week columns, an e-ticket, a phone app's list):
`--templates round6`. The 16 "round7" templates are a further held-out measure, written blind as
well (a to-do list, a vet's pet record, a home insurance renewal, an audiobook library, a parcel on
a map, a sleep report, a CRM pipeline, a metrics dashboard, a file manager, `top`, a bug bounty
report, a grade transcript, a shift rota, a parking fine, a boarding pass with a gate change and a
notification centre), with layouts of their own (an agenda under day headings, a bar chart with a
legend, a file manager's icon grid, a map with labelled pins, a stack of notifications):
`--templates round7`. The 16 "round8" templates are a further held-out measure, written blind as
well (a home router's connected devices, a photo's camera details, a timesheet, a water supply
outage notice, a backup app, a `pytest` run, a video call with its chat, a cinema seat map, a
pension statement, a car's MOT history, bin collection days, a certificate viewer over a sign-in
page, a taxi receipt, a browser's history, a doorbell camera's events and a tide table), with
layouts of their own (a call's gallery of tiles, a picture beside its info panel, coloured alert
banners, a seat map, a donut chart with its legend, history under day headings):
`--templates round8`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import random
import re
import sys
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


# --- held-out screen templates (issue 18): new apps, layouts and question phrasings, never
# part of a default day, so no answerer was tuned on them. Each question's entity comes from its
# own pool (drawn with `used.pick`), and the other rows on the same screen come from filler
# lists, so an unanswerable question's entity is shown nowhere.
FIRST2 = ["Wanjiru", "Bjorn", "Leila", "Casimir", "Noor", "Otto", "Yara", "Idris", "Freya", "Anselm",
          "Keiko", "Dario", "Saoirse", "Tobias", "Marisol", "Ezra", "Ingrid", "Kwame"]
LAST2 = ["Achebe", "Halvorsen", "Mbeki", "Oyelaran", "Strand", "Petrov", "Galloway", "Ferreira",
         "Lindahl", "Abernathy", "Yilmaz", "Marchetti", "Osei", "Thornbury", "Delacroix", "Sato"]


def person2(rng):
    return f"{rng.choice(FIRST2)} {rng.choice(LAST2)}"


def short_date(d: dt.date) -> tuple[str, str]:
    """'Tue 14 Apr' as shown in a table, and '14 Apr' as the answer."""
    return f"{d:%a} {d.day} {d:%b}", f"{d.day} {d:%b}"


def distinct_clocks(rng, n, lo=8, hi=20):
    out: list[str] = []
    while len(out) < n:
        c = clock(rng, lo, hi)
        if c not in out:
            out.append(c)
    return sorted(out)


def t_power_bill(rng, day, used):
    supplier = used.pick("utility", ["Voltora Energy", "Greenline Power", "Brookfield Electric",
                                     "Sunmark Utilities", "Aldwych Energy", "Pennant Power",
                                     "Riverbend Electric", "Cloverleaf Energy", "Westmoor Power",
                                     "Kingfisher Utilities", "Stonebridge Energy", "Thistle Power"], rng)
    acct = f"{rng.randint(10, 99)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
    end = day - dt.timedelta(days=rng.randint(2, 9))
    start, prev_start = end - dt.timedelta(days=30), end - dt.timedelta(days=61)
    kwh, kwh_prev = rng.randint(140, 520), rng.randint(140, 520)
    charges, prev = rng.randint(4000, 19000) / 100, rng.randint(4000, 19000) / 100
    vat = round(charges * 0.05, 2)
    total = charges + vat
    due_long, due = day_text(day, rng, rng.randint(10, 21))
    per = lambda a, b: f"{a.day} {a:%b} - {b.day} {b:%b}"  # noqa: E731
    return dict(app="Okular", title=f"bill_{end:%Y_%m}.pdf", layout="table",
                lines=[f"# {supplier}", "Your electricity bill", "Account number", acct,
                       f"Bill date: {end.day} {end:%B %Y}",
                       ["Period", "Usage (kWh)", "Charges"],
                       [per(prev_start, start - dt.timedelta(days=1)), f"{kwh_prev:,}", f"£{prev:,.2f} (paid)"],
                       [per(start, end), f"{kwh:,}", f"£{charges:,.2f}"],
                       ["VAT at 5%", "", f"£{vat:,.2f}"],
                       ["Amount due", "", f"£{total:,.2f}"],
                       f"We will collect this by Direct Debit on {due_long}."],
                qs=[("bill_amount", f"What's the amount due on my {supplier} electricity bill?",
                     [f"{total:,.2f}"], "money"),
                    ("bill_due", f"when is the {supplier} bill due", [due], "date"),
                    ("bill_kwh", f"How many kWh did I use this period according to {supplier}?",
                     [f"{kwh:,}"], "number")],
                absent=[("bill_amount", "What's the amount due on my {X} electricity bill?", "utility")])


def t_car_rental(rng, day, used):
    city = used.pick("rental_city", ["Innsbruck", "Palermo", "Nantes", "Gdansk", "Malaga", "Aarhus",
                                     "Split", "Coimbra", "Brno", "Lyon", "Trieste", "Cork"], rng)
    brand = rng.choice(["Autovia", "Roadstar Rent", "Drivo", "Kestrel Car Hire"])
    pick = f"{city} Airport, Terminal {rng.randint(1, 3)} car park"
    drop = rng.choice([f"{city} Central Station", f"{city} Old Town office"])
    out = rng.randint(3, 30)
    p_long, _ = day_text(day, rng, out)
    r_long, _ = day_text(day, rng, out + rng.randint(2, 9))
    pt, rt = clock(rng, 8, 13), clock(rng, 14, 20)
    conf = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2)) + str(rng.randint(1000000, 9999999))
    total, _ = money(rng, 120, 900)
    deposit, _ = money(rng, 200, 1200)
    return dict(app="Firefox", title=f"Booking confirmed - {brand}", layout="cards",
                lines=[f"# Your car in {city} is booked", f"Thanks for booking with {brand}.",
                       ("Pick-up", pick), ("Pick-up time", f"{p_long}, {pt}"),
                       ("Drop-off", drop), ("Drop-off time", f"{r_long}, {rt}"),
                       ("Car", rng.choice(["Skoda Octavia or similar", "Fiat 500 or similar",
                                           "VW Golf Estate or similar"])),
                       ("Confirmation number", conf), ("Total price", total),
                       ("Deposit (refundable)", deposit)],
                qs=[("rental_pickup", f"Where do I pick up the rental car in {city}?", [pick], "place"),
                    ("rental_conf", f"Do you remember the confirmation number for the {city} car rental?",
                     [conf], "code"),
                    ("rental_return", f"what time does the hire car have to be back in {city}", [rt], "time")],
                absent=[("rental_conf", "Do you remember the confirmation number for the {X} car rental?",
                         "rental_city")])


def t_gym_class(rng, day, used):
    cls = used.pick("gym_class", ["Spin 45", "Power Yoga", "Kettlebell Basics", "Pilates Core",
                                  "HIIT Express", "Boxfit", "Aqua Aerobics", "Mobility Flow",
                                  "Barre Sculpt", "Rowing Intervals", "Zumba Gold", "Circuit Training"], rng)
    gym = rng.choice(["PulseFit Leith", "Ironworks Gym", "Motion Studio", "Harbourside Leisure Centre"])
    others = rng.sample(["Stretch & Relax", "Body Pump", "Indoor Cycling", "Tai Chi", "Core Blast",
                         "Step Cardio"], 3)
    times = distinct_clocks(rng, 4, 7, 21)
    mine = rng.randrange(4)
    names = others[:mine] + [cls] + others[mine:]
    teachers = [person2(rng) for _ in names]
    lengths = [f"{rng.choice([30, 45, 50, 60])} min" for _ in names]
    status = [("Booked" if i == mine else rng.choice(["3 spaces", "Full", "Waitlist", "8 spaces"]))
              for i in range(4)]
    d_long, _ = day_text(day, rng, rng.randint(1, 5))
    return dict(app="PulseFit", title=f"Timetable - {gym}", layout="table",
                sidebar=["Timetable", "My bookings", "Membership", "Account"],
                lines=[f"# {d_long}", ["Time", "Class", "Instructor", "Length", ""],
                       *[[t, n, w, ln, s] for t, n, w, ln, s in zip(times, names, teachers, lengths, status)],
                       "Cancel up to 2 hours before the class starts."],
                qs=[("gym_who", f"Who's teaching my {cls} class", [teachers[mine]], "person"),
                    ("gym_when", f"What time is the {cls} class I booked?", [times[mine]], "time"),
                    ("gym_length", f"How long is the {cls} class?", [lengths[mine]], "number")],
                absent=[("gym_who", "Who's teaching my {X} class", "gym_class")])


def t_library(rng, day, used):
    book = used.pick("book", ["The Salt Path", "A Gentleman in Moscow", "The Overstory", "Piranesi",
                              "The Dispossessed", "Hamnet", "Klara and the Sun", "The Remains of the Day",
                              "Station Eleven", "The Left Hand of Darkness", "Middlemarch",
                              "Small Things Like These", "Circe"], rng)
    others = rng.sample(["Islands of the North Sea", "The Art of Travel", "Birds of Britain",
                         "Braiding Sweetgrass", "The Body", "Wild Swims"], 2)
    branches = rng.sample(["Morningside branch", "Central Library", "Portobello branch",
                           "Leith Walk branch", "Stockbridge branch"], 3)
    offs = rng.sample(range(3, 28), 3)
    mine = rng.randrange(3)
    titles = others[:mine] + [book] + others[mine:]
    dates = [short_date(day + dt.timedelta(days=o)) for o in offs]
    return dict(app="Firefox", title="My account - loans - City Libraries", layout="table",
                lines=[f"# Loans for {person2(rng)}", f"Library card {rng.randint(1000, 9999)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
                       ["Title", "Due back", "Return to", "Renewals"],
                       *[[t, dd[0], b, f"{rng.randint(0, 2)} of 3"] for t, dd, b in zip(titles, dates, branches)],
                       "Items can be renewed online unless someone has reserved them."],
                qs=[("loan_due", f"When is {book} due back at the library?", [dates[mine][1]], "date"),
                    ("loan_branch", f"Which branch do I return {book} to", [branches[mine]], "place")],
                absent=[("loan_due", "When is {X} due back at the library?", "book")])


def t_weather(rng, day, used):
    place = used.pick("wx_place", ["Bergamo", "Tromso", "Galway", "Lucerne", "Avignon", "Dubrovnik",
                                   "Salzburg", "Plymouth", "Rotterdam", "Bilbao", "Szeged", "Inverness"], rng)
    lo = rng.randint(-3, 14)
    hi, now = lo + rng.randint(3, 11), lo + rng.randint(0, 3)
    wind = rng.randint(6, 45)
    gust = wind + rng.randint(10, 30)
    sunrise = f"0{rng.randint(5, 7)}:{rng.randint(10, 59)}"
    sunset = f"{rng.randint(17, 21)}:{rng.randint(10, 59)}"
    return dict(app="Weather", title=place, layout="cards", theme="dark",
                lines=[f"# {place}", f"{rng.choice(['Light rain', 'Sunny intervals', 'Overcast', 'Showers'])}, feels like {now - 2}°",
                       ("Now", f"{now}°C"), ("High / Low", f"{hi}° / {lo}°"), ("Rain", f"{rng.randint(5, 90)}%"),
                       ("Wind", f"{wind} km/h {rng.choice(['NW', 'SW', 'E', 'N'])}"), ("Gusts", f"{gust} km/h"),
                       ("Humidity", f"{rng.randint(40, 95)}%"), ("Sunrise", sunrise), ("Sunset", sunset),
                       ("UV index", str(rng.randint(1, 7)))],
                qs=[("wx_sunset", f"What time is sunset in {place}?", [sunset], "time"),
                    ("wx_wind", f"How windy will it be in {place}", [f"{wind} km/h"], "number")],
                absent=[("wx_sunset", "What time is sunset in {X}?", "wx_place")])


def t_password_entry(rng, day, used):
    service = used.pick("service", ["Fjord Mail", "Harbor Credit Union", "Pixelstream", "Tallyhoo Accounting",
                                    "Greenleaf Insurance", "Nimbus Games", "Quillpad", "Brightside Broadband",
                                    "Meadowlark Pharmacy", "Cinder Cloud Storage", "Parkway Parking",
                                    "Lanternfly Travel"], rng)
    others = rng.sample(["Home router", "Council tax portal", "Old work VPN", "Recipe club",
                         "Photo backup"], 3)
    mine = rng.randrange(4)
    names = others[:mine] + [service] + others[mine:]
    first, last = rng.choice(FIRST2).lower(), rng.choice(LAST2).lower()
    users = [rng.choice([f"{first}.{last}{rng.randint(1, 99)}", f"{first[0]}{last}", f"{first}_{rng.randint(70, 99)}",
                         f"{first}.{last}@fastmail.example"]) for _ in names]
    urls = [f"https://{'www.' if i % 2 else 'login.'}{n.lower().replace(' ', '')}.com/{rng.choice(['signin', 'login', 'account'])}"
            for i, n in enumerate(names)]
    return dict(app="KeePassXC", title="Personal.kdbx", layout="table",
                sidebar=["Root", "  Internet", "  Banking", "  Home", "Recycle Bin"],
                lines=[["Title", "Username", "Password", "URL"],
                       *[[n, u, "\u2022" * 10, url] for n, u, url in zip(names, users, urls)],
                       f"{len(names)} entries - modified {day.day} {day:%b}"],
                qs=[("pw_user", f"What username do I use for {service}?", [users[mine]], "text"),
                    ("pw_url", f"Which web address is saved with my {service} login?", [urls[mine]], "url")],
                absent=[("pw_user", "What username do I use for {X}?", "service")])


def t_receipt(rng, day, used):
    shop = used.pick("grocer", ["Fenwick Grocers", "Maple & Co Market", "Hollybush Foods", "Greengage Deli",
                                "Orchard Lane Farm Shop", "Bramble Health Foods", "Corner Larder",
                                "Tamarind Mini Market", "Westside Co-op", "Pennyroyal Provisions",
                                "Hartley's General Store", "Dunmore Food Hall"], rng)
    items = rng.sample([("Sourdough loaf", 380), ("Oat milk 1L", 195), ("Free range eggs x6", 310),
                        ("Cheddar 400g", 465), ("Coffee beans 250g", 799), ("Olive oil 500ml", 649),
                        ("Apples 1kg", 240), ("Dark chocolate", 225), ("Batteries AA x4", 499)], 4)
    disc = rng.choice([0, 120, 150, 200])
    total = sum(p for _, p in items) - disc
    vat = round(total / 6)
    t = clock(rng, 9, 20)
    row = lambda a, b: f"{a:<26}{b:>10}"  # noqa: E731
    pounds = lambda p: f"£{p / 100:,.2f}"  # noqa: E731
    return dict(app="Evince", title=f"receipt_{day:%Y%m%d}.pdf", mono=True,
                lines=[f"# {shop}", f"{rng.randint(2, 80)} {rng.choice(['Market Street', 'Bridge Road', 'Castle Hill'])}",
                       "Open daily 08:00 - 21:00", f"{day:%d/%m/%Y}  {t}  Till {rng.randint(1, 6)}",
                       *[row(n, pounds(p)) for n, p in items],
                       *([row("Member discount", "-" + pounds(disc))] if disc else []),
                       row("TOTAL", pounds(total)), row("VAT 20% included", pounds(vat)),
                       f"Card ending {rng.randint(1000, 9999)}  APPROVED"],
                qs=[("rcpt_total", f"how much did I spend at {shop}", [f"{total / 100:,.2f}"], "money"),
                    ("rcpt_vat", f"What was the VAT on the {shop} receipt?", [f"{vat / 100:,.2f}"], "money"),
                    ("rcpt_time", f"What time was I at {shop}?", [t], "time")],
                absent=[("rcpt_total", "how much did I spend at {X}", "grocer")])


def t_hotel(rng, day, used):
    hotel = used.pick("hotel", ["Hotel Edelweiss", "The Grange Inn", "Casa Limoeiro", "Hotel Miramar",
                                "The Foundry Rooms", "Pension Aurora", "Hotel Zum Hirschen",
                                "The Saltmarsh Lodge", "Villa Cipresso", "Hotel Nordlys", "The Kettleworth",
                                "Auberge du Pont"], rng)
    n_in = rng.randint(5, 60)
    ci_long, _ = day_text(day, rng, n_in)
    co_long, co = day_text(day, rng, n_in + rng.randint(1, 6))
    addr = (f"{rng.randint(2, 120)} {rng.choice(['Kaiserstrasse', 'Rua do Sol', 'Harbour Row', 'Via Roma', 'Strandvejen'])}, "
            f"{rng.choice(['Graz', 'Faro', 'Whitby', 'Verona', 'Helsingor'])}")
    num = str(rng.randint(1000000000, 9999999999))
    price, _ = money(rng, 180, 1400)
    return dict(app="Firefox", title=f"{hotel} - booking confirmation", layout="cards",
                lines=[f"# {hotel}", "Your booking is confirmed. Show this page at reception.",
                       ("Check-in", f"{ci_long}, from {rng.choice(['14:00', '15:00', '16:00'])}"),
                       ("Check-out", f"{co_long}, by {rng.choice(['10:00', '11:00', '12:00'])}"),
                       ("Booking number", num), ("Guests", f"{rng.randint(1, 4)} adults"),
                       ("Address", addr), ("Room", rng.choice(["Double room, garden view", "Twin room",
                                                               "Junior suite"])),
                       ("Price", price), ("Payment", "Pay at the property")],
                qs=[("hotel_out", f"Which day do I check out of {hotel}?", [co], "date"),
                    ("hotel_addr", f"What's the address of {hotel}", [addr], "place"),
                    ("hotel_num", f"Do you remember the booking number for {hotel}?", [num], "code")],
                absent=[("hotel_out", "Which day do I check out of {X}?", "hotel")])


CI_JOBS = {"build:docker": "docker build -t app:ci .", "test:unit": "pytest -q tests/unit",
           "test:integration": "pytest -x tests/integration --maxfail=1", "lint:types": "mypy --strict src",
           "test:e2e": "npx playwright test --project=chromium", "test:migrations": "alembic upgrade head --sql"}


def t_ci_pipeline(rng, day, used):
    repo = used.pick("repo", ["kiwi-billing", "lumen-gateway", "otter-sync", "basalt-auth", "fennel-web",
                              "marlin-etl", "pumice-cli", "tansy-mobile", "wren-search", "yarrow-api",
                              "cedar-reports", "gannet-infra"], rng)
    jobs = rng.sample(sorted(CI_JOBS), 4)
    bad = rng.randrange(1, 4)
    num = rng.randint(1200, 9800)
    sha = "".join(rng.choice("0123456789abcdef") for _ in range(8))
    stages = {"build": "build", "test": "test", "lint": "lint"}
    rows = [[stages[j.split(":")[0]], j, "failed" if i == bad else ("passed" if i < bad else "skipped"),
             f"{rng.randint(0, 14)}m {rng.randint(1, 59):02d}s"] for i, j in enumerate(jobs)]
    return dict(app="Chromium", title=f"Pipeline #{num} - {repo} - GitLab", layout="table",
                sidebar=["Project overview", "Repository", "Merge requests", "CI/CD", "  Pipelines", "  Jobs"],
                lines=[f"# Pipeline #{num} failed", f"for commit {sha} on {rng.choice(['main', 'release/2.4', 'feat/export'])}",
                       f"Previous pipeline #{num - rng.randint(1, 9)} passed", ["Stage", "Job", "Status", "Duration"],
                       *rows, f"Log of {jobs[bad]}:", f"$ {CI_JOBS[jobs[bad]]}",
                       "ERROR: Job failed: exit code 1"],
                qs=[("ci_job", f"Which job failed in the {repo} pipeline?", [jobs[bad]], "text"),
                    ("ci_number", f"What's the number of the failing {repo} pipeline?", [str(num)], "number"),
                    ("ci_cmd", f"what command does the failing {repo} job run", [CI_JOBS[jobs[bad]]], "command")],
                absent=[("ci_job", "Which job failed in the {X} pipeline?", "repo")])


def t_kanban(rng, day, used):
    task = used.pick("task", ["Migrate invoices to the v2 API", "Redesign onboarding emails",
                              "Fix flaky checkout test", "Write Q3 hiring plan", "Audit cookie banner",
                              "Update press kit", "Move backups to cold storage", "Draft customer survey",
                              "Localise pricing page", "Prepare board slides", "Clean up feature flags",
                              "Renew TLS certificates"], rng)
    filler = rng.sample(["Order new badges", "Team lunch poll", "Refresh staging data",
                         "Review contractor invoices", "Tidy shared drive", "Plan sprint demo",
                         "Book venue for offsite", "Archive old tickets"], 7)
    lane = rng.randrange(3)
    cards = filler[:2 + lane] + [task] + filler[2 + lane:]
    grid = [cards[i:i + 4] for i in range(0, 8, 4)]
    who, creator = person2(rng), person2(rng)
    c_long, _ = day_text(day, rng, -rng.randint(3, 20))
    d_long, d = day_text(day, rng, rng.randint(2, 20))
    return dict(app="Planka", title=f"{rng.choice(['Growth', 'Platform', 'Ops'])} board", layout="table",
                lines=[["To do", "In progress", "Review", "Done"], *grid,
                       f"# {task}", "Assigned to", who, "Due date", d_long,
                       f"Created {c_long} by {creator}"],
                qs=[("kb_who", f"Who is the card \"{task}\" assigned to?", [who], "person"),
                    ("kb_due", f"When is the {task[0].lower() + task[1:]} card due?", [d], "date")],
                absent=[("kb_who", "Who is the card \"{X}\" assigned to?", "task")])


def t_video_invite(rng, day, used):
    topic = used.pick("call_topic", ["vendor security review", "quarterly roadmap", "design critique",
                                     "hiring debrief", "budget check-in", "partner onboarding",
                                     "incident retro", "content calendar", "pricing workshop",
                                     "data migration kickoff", "accessibility audit",
                                     "customer advisory board"], rng)
    t1 = clock(rng, 9, 17)
    h, m = map(int, t1.split(":"))
    t2 = f"{h + 1:02d}:{m:02d}"
    ny = f"{h - 6:02d}:{m:02d}"
    d_long, _ = day_text(day, rng, rng.randint(1, 12))
    slug = "".join(w.title() for w in topic.split()) + str(rng.randint(100, 999))
    url = f"https://meet.jit.si/{slug}"
    mid = f"{rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
    old = f"{rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
    return dict(app="Evolution", title=f"Invitation: {topic.title()}", theme="dark",
                sidebar=["Inbox (21)", "Calendar", "Sent", "Junk"],
                lines=[f"# Invitation: {topic.title()}", f"{d_long}, {t1} - {t2} (CET), {ny} in New York",
                       f"Organizer: {person2(rng)}", "Join with Jitsi Meet:", url,
                       f"Meeting ID: {mid}", f"Replaces the earlier invite (meeting ID {old}), which is cancelled.",
                       "Accept   Tentative   Decline"],
                qs=[("call_id", f"What's the meeting ID for the {topic} call?", [mid], "code"),
                    ("call_link", f"which link do I use to join the {topic} call", [url], "url"),
                    ("call_time", f"What time does the {topic} call start?", [t1], "time")],
                absent=[("call_id", "What's the meeting ID for the {X} call?", "call_topic")])


def t_conf_talks(rng, day, used):
    talk = used.pick("talk", ["Scaling a small SQL database", "Rust for Python developers",
                              "Designing calm interfaces", "What we learned from 300 outages",
                              "Local-first software in practice", "Property-based testing for everyone",
                              "Accessibility beyond checklists", "The hidden cost of microservices",
                              "Writing docs people read", "Privacy by default in mobile apps",
                              "Running ML on the edge", "Building a search engine from scratch"], rng)
    others = rng.sample(["Opening keynote", "Lightning talks", "Lunch", "Panel: open source funding",
                         "Coffee break", "Closing remarks"], 3)
    mine = rng.randrange(4)
    titles = others[:mine] + [talk] + others[mine:]
    times = distinct_clocks(rng, 4, 9, 18)
    speakers = [person2(rng) if "break" not in t and t != "Lunch" else "" for t in titles]
    rooms = [rng.choice(["Hall A", "Hall B", "Room 2.14", "Auditorium", "Workshop room 3"]) for _ in titles]
    conf = rng.choice(["PyNorth", "DevHarbour", "CodeFjord", "StackSummit"])
    return dict(app="Firefox", title=f"Schedule - {conf} {day.year}", layout="table",
                lines=[f"# {conf} - day {rng.randint(1, 3)}", ["Time", "Talk", "Speaker", "Room"],
                       *[[a, b, c, r] for a, b, c, r in zip(times, titles, speakers, rooms)],
                       "Talks are streamed and recorded."],
                qs=[("talk_speaker", f"Who is giving the talk \"{talk}\"?", [speakers[mine]], "person"),
                    ("talk_room", f"Which room is {talk} in", [rooms[mine]], "place"),
                    ("talk_time", f"when does the {talk} talk start", [times[mine]], "time")],
                absent=[("talk_speaker", "Who is giving the talk \"{X}\"?", "talk")])


def t_sheet_grid(rng, day, used):
    book = used.pick("workbook", ["Regional sales", "Ticket volumes", "Store footfall", "Website signups",
                                  "Warehouse returns", "Membership renewals", "Call centre volumes",
                                  "Event attendance", "Bakery orders", "Donations by region",
                                  "Fleet mileage", "Energy use by site"], rng)
    regions = rng.sample(["North", "South", "East", "West", "Midlands", "Scotland", "Wales"], 4)
    vals = [[rng.randint(300, 9900) for _ in range(4)] for _ in regions]
    ask = rng.randrange(4)
    fname = book.lower().replace(" ", "_") + f"_{rng.randint(2024, 2026)}.xlsx"
    active = rng.choice([(r, c) for r in range(4) for c in range(4) if (r, c) != (ask, 2)])
    cell = f"{'BCDE'[active[1]]}{active[0] + 2}"
    return dict(app="Gnumeric", title=fname, layout="table",
                lines=[f"{cell}    {vals[active[0]][active[1]]}", ["", "A", "B", "C", "D", "E"],
                       ["1", "Region", "Q1", "Q2", "Q3", "Q4"],
                       *[[str(i + 2), r, *[f"{v:,}" for v in row]] for i, (r, row) in enumerate(zip(regions, vals))],
                       f"Sheet1   Sheet2      Sum={sum(map(sum, vals)):,}"],
                qs=[("grid_cell", f"What was the Q3 figure for {regions[ask]} in the {book.lower()} sheet?",
                     [f"{vals[ask][2]:,}"], "number"),
                    ("grid_file", f"Which file had the {book.lower()} figures?", [fname], "file")],
                absent=[("grid_cell", "What was the Q3 figure for the North in the {X} sheet?", "workbook")])


def t_sysmon(rng, day, used):
    proc = used.pick("proc", ["blender", "darktable", "kdenlive", "inkscape", "handbrake", "qbittorrent",
                              "syncthing", "audacity", "virt-manager", "obs-studio", "calibre", "krita"], rng)
    others = rng.sample(["Xwayland", "pipewire", "systemd-journald", "tracker-miner-fs",
                         "evolution-data-server", "gsd-color"], 4)
    mine = rng.randrange(5)
    names = others[:mine] + [proc] + others[mine:]
    cmds = {p: f"/usr/bin/{p}" for p in names}
    cmds[proc] = f"/usr/bin/{proc} " + rng.choice(["--background scene.blend", "--minimized",
                                                   "-n --profile work", "--no-splash ~/media/import"])
    mem = [f"{rng.randint(1, 9)}.{rng.randint(0, 9)} GiB" if p == proc else f"{rng.randint(20, 900)} MiB"
           for p in names]
    pids = rng.sample(range(900, 99999), len(names))
    return dict(app="System Monitor", title="Processes", layout="table", theme="dark",
                lines=[f"CPU {rng.randint(10, 95)}%   Memory {rng.randint(4, 14)}.{rng.randint(0, 9)} of 16.0 GiB",
                       ["Process", "% CPU", "Memory", "PID", "Command line"],
                       *[[p, f"{rng.randint(0, 60)}.{rng.randint(0, 9)}", m, str(i), cmds[p]]
                         for p, m, i in zip(names, mem, pids)]],
                qs=[("mon_mem", f"How much memory was {proc} using?", [mem[mine]], "number"),
                    ("mon_pid", f"what was the PID of {proc}", [str(pids[mine])], "number"),
                    ("mon_cmd", f"Which command line was {proc} started with?", [cmds[proc]], "command")],
                absent=[("mon_mem", "How much memory was {X} using?", "proc")])


def t_parcel_sms(rng, day, used):
    sender = used.pick("sender", ["Quillfeather Books", "Driftwood Outfitters", "Pinecone Kids",
                                  "Lowtide Surf Shop", "Brassworks Audio", "Morrow Garden Supply",
                                  "Saltbox Ceramics", "Fernway Pets", "Kiln & Clay", "Tessellate Games",
                                  "Hopscotch Toys", "Marrow Kitchenware"], rng)
    carrier = rng.choice(["Parcelwing", "Swiftpost", "Ryder Couriers"])
    t1 = clock(rng, 9, 17)
    t2 = f"{int(t1[:2]) + 2:02d}:{t1[3:]}"
    ref = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(10))
    url = f"https://trk.{carrier.split()[0].lower()}.example/{ref}"
    head, site = rng.choice([("Council approves new cycle lanes", "Evening Herald"),
                             ("Heatwave expected next week", "Daily Courier"),
                             ("Ferry timetable changes this summer", "Coastal News")])
    return dict(app="Firefox", title=f"{head} - {site}",
                lines=[f"# {head}", f"Updated {clock(rng, 7, 12)} | {site}",
                       "The plans were discussed at length on Tuesday evening,",
                       "with a final decision expected before the end of the month."],
                toast=(f"Messages - {carrier}", [f"Your parcel from {sender} will arrive today between {t1} and {t2}.",
                                                 f"Track or change: {url}"]),
                qs=[("sms_window", f"When is the parcel from {sender} arriving?", [t1], "time"),
                    ("sms_track", f"What's the tracking link in the text about my {sender} parcel?", [url], "url")],
                absent=[("sms_window", "When is the parcel from {X} arriving?", "sender")])


def t_letter(rng, day, used):
    org = used.pick("letter_org", ["Riverside Borough Council", "Harlow Housing Association",
                                   "Northfield Water", "St Anne's Primary School", "Castlegate Dental Practice",
                                   "Millbrook Tenants' Union", "Eastgate Planning Office", "Rowan Vets",
                                   "Hillcrest Parish Council", "Portview Insurance", "Lakeside Leisure Trust",
                                   "Greyfriars Surgery"], rng)
    slug = "".join(c if c.isalnum() else "_" for c in org.lower().replace("'", ""))
    fname = f"letter_{slug}_{day:%Y-%m-%d}.odt"
    theirs = f"{rng.choice(['HB', 'PL', 'CT', 'RW'])}/{rng.randint(1000, 99999)}/{rng.randint(10, 99)}"
    ours = f"{rng.randint(100, 999)}-{rng.choice(['A', 'B', 'K'])}"
    fao, me = person2(rng), person2(rng)
    while me == fao:
        me = person2(rng)
    return dict(app="LibreOffice Writer", title=fname,
                sidebar=["Recent documents", f"letter_draft_{rng.randint(1, 9)}.odt", "cv_2026.odt"],
                lines=[f"{rng.randint(2, 90)} {rng.choice(['Laurel Avenue', 'Station Road', 'Copse Lane'])}",
                       f"{day.day} {day:%B %Y}", org, f"For the attention of {fao}",
                       f"Your ref: {theirs}      Our ref: {ours}", "Dear Sir or Madam,",
                       f"I am writing about the letter dated {day_text(day, rng, -rng.randint(5, 30))[1]}.",
                       "Please find the requested documents enclosed.", "Yours faithfully,", me],
                qs=[("letter_ref", f"What's their reference number in my letter to {org}?", [theirs], "code"),
                    ("letter_file", f"what's the file name of the letter to {org}", [fname], "file"),
                    ("letter_signed", f"Who signed the letter to {org}?", [me], "person")],
                absent=[("letter_ref", "What's their reference number in my letter to {X}?", "letter_org")])


# --- round 3 (issue 18): the final held-out set, never tuned on by anyone. Screens people have
# every week (a bank statement, lab results, a school message, a rental listing, a month's
# calendar, an e-mail thread with quoted replies, an issue with comments, kubectl, an invoice with
# line items, a departure board, a group chat, a claim form, a parking session, football results,
# a podcast), drawn with new layouts (a list with a selected row, browser tabs, chat bubbles, a
# form) and asked with relative wording ("the newest", "the second", "who replied last"). People
# come from a third name pool; every question's entity from its own pool, the rest from fillers.
FIRST3 = ["Anneke", "Bastien", "Cormac", "Delphine", "Eamon", "Fatima", "Gideon", "Hana", "Ilse",
          "Jorge", "Kalinda", "Lorcan", "Magnus", "Nkechi", "Oriane", "Pavel", "Rania", "Soren"]
LAST3 = ["Ashworth", "Bergstrom", "Cavanagh", "Dubois", "Eriksen", "Fairweather", "Gallagher",
         "Hoffmann", "Iqbal", "Jovanovic", "Kaminski", "Llewellyn", "Mancini", "Nyberg", "Okonkwo",
         "Pennington"]


def person3(rng):
    return f"{rng.choice(FIRST3)} {rng.choice(LAST3)}"


def people_of(first: list[str], last: list[str]):
    """A pool's draw: `n` different people, none sharing a first name."""
    def draw(rng, n):
        return [f"{f} {rng.choice(last)}" for f in rng.sample(first, n)]
    return draw


people3 = people_of(FIRST3, LAST3)   # the third pool


def pounds(v: float) -> str:
    return f"£{v:,.2f}"


def t_bank_statement(rng, day, used):
    merchant = used.pick("merchant", ["Ashgrove Dental", "Fettle Bike Repairs", "Pollen Street Florist",
                                      "Brackenridge Vets", "Lumiere Cinema", "Kettle & Crumb Cafe",
                                      "Northlight Opticians", "Gallowgate Hardware", "Saltwater Swim School",
                                      "Tinderbox Records", "Quayside Locksmiths", "Hawthorn Pharmacy"], rng)
    fillers = rng.sample(["Citylink Transit", "Streamflix", "Parkside Garage", "Marketplace order",
                          "Council tax DD", "Water rates DD", "Corner Shop", "Gym membership",
                          "Mobile phone DD", "Cash machine"], 5)
    last4 = str(rng.randint(1000, 9999))
    mine = rng.randrange(1, 5)  # never the newest row, so "the newest" is another answer
    descs = fillers[:mine] + [merchant] + fillers[mine:]
    dates, d = [], day
    for _ in descs:
        d -= dt.timedelta(days=rng.randint(0, 3))
        dates.append(d)
    outs = [rng.randint(300, 24000) / 100 for _ in descs]
    balance = rng.randint(80000, 400000) / 100
    rows = []
    for desc, when, out in zip(descs, dates, outs):
        rows.append([f"{when.day} {when:%b}", desc, pounds(out), pounds(balance)])
        balance += out
    return dict(app="Chromium", title=f"Current account ending {last4} - Ledgerly Bank", layout="table",
                sidebar=["Accounts", "  Current account", "  Savings", "Payments", "Cards", "Statements"],
                selected=mine + 1,
                lines=[f"# Current account ending {last4}", f"Available balance {rows[0][3]}",
                       "Recent transactions", ["Date", "Description", "Money out", "Balance"], *rows,
                       "Pending transactions are not shown."],
                qs=[("stmt_amount", f"How much did I pay {merchant}?", [f"{outs[mine]:,.2f}"], "money"),
                    ("stmt_date", f"On which day did the {merchant} payment go out?", [rows[mine][0]], "date"),
                    ("stmt_balance", f"What was my balance after paying {merchant}?", [rows[mine][3][1:]], "money"),
                    ("stmt_newest", f"What's the newest transaction on my account ending {last4}?",
                     [descs[0]], "text")],
                absent=[("stmt_amount", "How much did I pay {X}?", "merchant")])


LAB_TESTS = {"Ferritin": ("ug/L", 30, 400, 0), "Vitamin B12": ("ng/L", 200, 900, 0),
             "Vitamin D (25-OH)": ("nmol/L", 50, 175, 0), "HbA1c": ("mmol/mol", 20, 41, 0),
             "Folate": ("ug/L", 3, 20, 1), "Free T4": ("pmol/L", 12, 22, 1),
             "LDL cholesterol": ("mmol/L", 0, 3, 1), "Triglycerides": ("mmol/L", 0, 2, 1),
             "Creatinine": ("umol/L", 59, 104, 0), "Alanine transaminase": ("U/L", 7, 56, 0),
             "C-reactive protein": ("mg/L", 0, 5, 1), "Magnesium": ("mmol/L", 0.7, 1.0, 2)}
LAB_FILLERS = {"Haemoglobin": ("g/L", 130, 170, 0), "White cell count": ("x10^9/L", 4, 11, 1),
               "Platelets": ("x10^9/L", 150, 400, 0), "Sodium": ("mmol/L", 133, 146, 0),
               "Potassium": ("mmol/L", 3.5, 5.3, 1), "eGFR": ("mL/min", 90, 120, 0)}


def t_lab_results(rng, day, used):
    test = used.pick("lab_test", sorted(LAB_TESTS), rng)
    names = rng.sample(sorted(LAB_FILLERS), 4)
    mine = rng.randrange(5)
    names = names[:mine] + [test] + names[mine:]
    ref = {**LAB_FILLERS, **LAB_TESTS}
    high = rng.randrange(5)
    rows = []
    for i, n in enumerate(names):
        unit, lo, hi, dp = ref[n]
        v = rng.uniform(hi * 1.1, hi * 1.6) if i == high else rng.uniform(lo + (hi - lo) * 0.1, hi * 0.95)
        rows.append([n, f"{v:.{dp}f}", unit, f"{lo:g} - {hi:g}", "H" if i == high else ""])
    doctor, reporter = (f"Dr {n}" for n in rng.sample(LAST3, 2))
    taken = day - dt.timedelta(days=rng.randint(2, 9))
    return dict(app="Firefox", title="Test results - MyHealth Online", layout="table",
                lines=["# Blood test results", f"Sample taken {taken.day} {taken:%B %Y}, reported {day.day} {day:%B}",
                       ("Requested by", doctor), ("Reported by", reporter), ("Sample", "Venous blood"),
                       ["Test", "Result", "Units", "Reference range", "Flag"], *rows,
                       "H = above the reference range. Your GP will contact you if action is needed."],
                qs=[("lab_value", f"What was my {test} result?", [rows[mine][1]], "number"),
                    ("lab_range", f"What is the normal range for {test}?", [rows[mine][3]], "text"),
                    ("lab_high", f"On the blood test with my {test} result, which value was flagged high?",
                     [names[high]], "text"),
                    ("lab_doctor", f"Which doctor requested the {test} test?", [doctor], "person")],
                absent=[("lab_value", "What was my {X} result?", "lab_test")])


def t_school_message(rng, day, used):
    trip = used.pick("school_trip", ["the Science Museum", "Hampton Court Palace", "Kew Gardens",
                                     "the Roman Baths", "Wakehurst Place", "Bletchley Park", "the Eden Project",
                                     "Whipsnade Zoo", "the Think Tank museum", "Cadbury World",
                                     "the Black Country Museum", "Fountains Abbey"], rng)
    teacher, head = people3(rng, 2)
    t_long, _ = day_text(day, rng, rng.randint(12, 30))
    p_long, pay_by = day_text(day, rng, rng.randint(3, 10))
    leave, back = clock(rng, 8, 10), clock(rng, 14, 17)
    cost = rng.randint(8, 35) + rng.choice([0, 0.5])
    year = rng.randint(2, 6)
    school = rng.choice(["stmarks-primary", "oakfield-school", "greenhill-academy", "riverside-primary"])
    form = f"https://forms.arbor.example/{school}/consent/{rng.randint(10000, 99999)}"
    return dict(app="Firefox", title="Messages - Arbor Parent Portal",
                sidebar=["Messages", f"  Year {year} trip (new)", "  Sports day kit", "  Lunch menu",
                         "Payments", "Attendance", "Reports"],
                lines=[f"# Year {year} trip to {trip}", f"From: {teacher} (Class teacher)",
                       f"To: Parents and carers of Year {year}, cc {head} (Headteacher)",
                       "Dear parents and carers,",
                       f"On {t_long} Year {year} will visit {trip}. The coach leaves school at",
                       f"{leave} sharp and we expect to be back by {back}.",
                       f"The voluntary contribution is {pounds(cost)} per child (£{cost + 6:.2f} with the workshop).",
                       f"Please pay through the portal by {p_long}.",
                       "Children need a packed lunch, a coat and a named water bottle.",
                       "Please also complete the consent form:", form,
                       f"Letters and menus are at https://{school}.example/parents"],
                qs=[("school_cost", f"How much is the school trip to {trip}?", [f"{cost:.2f}"], "money"),
                    ("school_pay", f"By when do I have to pay for the {trip} trip?", [pay_by], "date"),
                    ("school_back", f"What time does the coach get back from {trip}?", [back], "time"),
                    ("school_who", f"Which teacher sent the message about {trip}?", [teacher], "person"),
                    ("school_form", f"Where do I fill in the consent form for the {trip} trip?", [form], "url")],
                absent=[("school_cost", "How much is the school trip to {X}?", "school_trip")])


def t_rental_listing(rng, day, used):
    street = used.pick("street", ["Albion Terrace", "Cranbourne Road", "Whitefriars Lane", "Marlow Crescent",
                                  "Sefton Gardens", "Kingsmead Row", "Blenheim Mews", "Tennyson Walk",
                                  "Larch Close", "Ravensworth Street", "Calder Place", "Holyrood Court"], rng)
    area = rng.choice(["Headingley", "Clifton", "Jesmond", "Roath", "Southville", "Meadowbank"])
    beds = rng.randint(1, 3)
    rent = rng.randint(80, 220) * 10
    deposit = round(rent * 12 / 52 * 5, 2)
    holding = round(rent * 12 / 52, 2)
    a_long, avail = day_text(day, rng, rng.randint(10, 45))
    agent, shows = people3(rng, 2)
    others = rng.sample(["Harbour Road", "Elm Grove", "Victoria Street", "Mill Lane", "Castle Street"], 2)
    title = f"{beds} bed flat, {street}"
    return dict(app="Firefox", title=f"{title} - Homefinder", layout="cards",
                tabs=[f"{beds} bed flat, {street}", f"2 bed flat, {others[0]}", f"Studio, {others[1]}",
                      "Inbox (4) - Mail"], tab=0, reading=True,
                lines=[f"# {beds} bed flat to rent, {street}, {area}",
                       f"Added on {day_text(day, rng, -rng.randint(3, 20))[1]}, reduced from £{rent + rng.choice([50, 100]):,} pcm",
                       ("Rent", f"£{rent:,} pcm"), ("Deposit", pounds(deposit)), ("Holding deposit", pounds(holding)),
                       ("Available from", a_long), ("Council tax", f"Band {rng.choice('ABCD')}"),
                       ("Furnishing", rng.choice(["Furnished", "Part furnished", "Unfurnished"])),
                       ("Letting agent", agent), ("Viewings", f"{rng.choice(['Saturdays', 'Weekday evenings'])} with {shows}"),
                       ("EPC rating", rng.choice("BCD"))],
                qs=[("rent_pcm", f"What's the monthly rent for the flat on {street}?", [f"£{rent:,}"], "money"),
                    ("rent_deposit", f"How much deposit do they want for the {street} flat?", [f"{deposit:,.2f}"], "money"),
                    ("rent_avail", f"When is the {street} flat available?", [avail], "date"),
                    ("rent_agent", f"Who is the letting agent for {street}?", [agent], "person")],
                absent=[("rent_pcm", "What's the monthly rent for the flat on {X}?", "street")],
                activity=[f"{beds} bed flat to rent, {street}", street])


def t_month_calendar(rng, day, used):
    event = used.pick("cal_event", ["parents' evening", "boiler service", "car MOT", "piano recital",
                                    "flu jab", "quiz night", "choir rehearsal", "tax return call",
                                    "kitchen fitter visit", "passport photo appointment", "cat's vet check-up",
                                    "allotment open day"], rng)
    fillers = rng.sample(["Team offsite", "Dinner with Mum", "Haircut", "Swimming lesson", "Bins: garden waste",
                          "Yoga", "Book club"], 4)
    first = day.replace(day=1)
    start = first - dt.timedelta(days=first.weekday())
    days = sorted(rng.sample(range(2, 28), 5))
    mine = rng.randrange(4)  # never the last, so "what comes after" has an answer
    names = fillers[:mine] + [event[0].upper() + event[1:]] + fillers[mine:]
    times = [clock(rng, 8, 20) for _ in names]
    places = [rng.choice(["Home", "St Mary's Hall", "Oakfield Medical Centre", "Town Hall, room 2",
                          "Northgate Community Centre", "Kwik Garage, Mill Road", "Online"]) for _ in names]
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    grid = []
    for w in range((first.weekday() + last.day + 6) // 7):
        week = [start + dt.timedelta(days=7 * w + k) for k in range(7)]
        grid.append([(f"{x.day}" + (" \u2022" if x.month == day.month and x.day in days else ""))
                     if x.month == day.month else "" for x in week])
    agenda = [[f"{first.replace(day=n):%a} {n} {first:%b}", t, e, p] for n, t, e, p in zip(days, times, names, places)]
    return dict(app="GNOME Calendar", title=f"{first:%B %Y} - Calendar", layout="table",
                lines=[f"# {first:%B %Y}", ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], *grid,
                       "Agenda", ["Date", "Time", "Event", "Where"], *agenda],
                qs=[("month_time", f"What time is the {event}?", [times[mine]], "time"),
                    ("month_day", f"Which day is the {event} this month?", [agenda[mine][0].split(' ', 1)[1]], "date"),
                    ("month_where", f"Where is the {event}?", [places[mine]], "place"),
                    ("month_next", f"What's on my calendar after the {event}?", [names[mine + 1]], "text")],
                absent=[("month_time", "What time is the {X}?", "cal_event")])


def t_email_thread(rng, day, used):
    subject = used.pick("thread", ["Allotment rota for the summer", "Moving the quarterly review",
                                   "Street party road closure", "Choir concert tickets", "New office keys",
                                   "Sharing the cabin booking", "Band rehearsal space", "Charity 10k sponsorship",
                                   "Garden fence repair quote", "Food bank volunteer shifts",
                                   "Museum membership renewal", "Wedding playlist ideas"], rng)
    a, b, c = people3(rng, 3)
    rooms = rng.sample(["the Cedar Room", "the Loft", "Meeting room 4", "the back room at the Crown",
                        "the church hall", "the library annexe"], 2)
    t_old, t_new = rng.sample(["10:00", "12:30", "14:00", "16:30", "18:00", "19:30"], 2)
    d1 = day - dt.timedelta(days=1)
    d2 = d1 - dt.timedelta(days=rng.randint(1, 3))
    stamp = lambda x, t: f"{x:%a} {x.day} {x:%b} at {t}"  # noqa: E731
    mail = lambda p: p.split()[0].lower() + "@" + rng.choice(["posteo.example", "fastmail.example"])  # noqa: E731
    return dict(app="Thunderbird", title=f"Re: Re: {subject}", reading=True,
                sidebar=["Inbox (9)", "Starred", "Sent", "Drafts", "Groups"],
                lines=[f"# Re: Re: {subject}", f"From: {c} <{mail(c)}>", f"Date: {stamp(d1, clock(rng, 17, 23))}",
                       f"Works for me, see you all at {t_new} in {rooms[1]}.",
                       f"On {stamp(d2, clock(rng, 13, 17))}, {b} wrote:",
                       f"> Could we do {t_new} instead? {rooms[0][0].upper() + rooms[0][1:]} is taken,",
                       f"> {rooms[1]} is free all afternoon.",
                       f"> On {stamp(d2, clock(rng, 8, 12))}, {a} wrote:",
                       f">> Shall we meet at {t_old} in {rooms[0]} to sort this out?"],
                qs=[("thread_last", f"Who replied last in the \"{subject}\" thread?", [c], "person"),
                    ("thread_time", f"What time did we settle on in the \"{subject}\" emails?", [t_new], "time"),
                    ("thread_room", f"Where are we meeting about \"{subject}\"?", [rooms[1]], "place"),
                    ("thread_start", f"Who started the \"{subject}\" thread?", [a], "person")],
                absent=[("thread_last", "Who replied last in the \"{X}\" thread?", "thread")],
                activity=[subject])


def t_github_issue(rng, day, used):
    title = used.pick("gh_issue", ["Dark theme ignores system setting", "CSV import skips empty columns",
                                   "Crash when the config file is empty", "Tooltips cut off on small screens",
                                   "Slow startup with many plugins", "Timezone wrong in exported reports",
                                   "Emoji break the search index", "Retry loop never gives up",
                                   "Memory leak in the thumbnail cache", "Shortcuts clash on macOS",
                                   "Broken links in the sitemap", "Logout does not clear the session"], rng)
    repo = rng.choice(["inkwell/inkwell", "tessera-dev/tessera", "moorhen/moorhen-app", "gullfoss/gullfoss"])
    opener, a, b, c = people3(rng, 4)
    num, pr_other, pr_fix = rng.sample(range(200, 4999), 3)
    minor = rng.randint(1, 9)
    bad = f"{rng.randint(1, 4)}.{minor}.{rng.randint(1, 9)}"
    ok = f"{bad.split('.')[0]}.{minor - 1}.{rng.randint(0, 9)}"
    log = f"{rng.choice(['trace', 'crash', 'debug'])}-{day - dt.timedelta(days=1):%Y%m%d}-{rng.randint(1, 99)}.log"
    return dict(app="Chromium", title=f"{title} - Issue #{num} - {repo}",
                tabs=[f"Issue #{num} - {repo}", f"Pull request #{pr_fix}", "Actions - CI", "Release notes"], tab=0,
                lines=[f"# {title} #{num}", f"Open - {opener} opened this issue {rng.randint(3, 12)} days ago - 3 comments",
                       f"{a} commented {rng.randint(2, 5)} days ago",
                       f"   Still happens on {bad} for me, {ok} was fine.",
                       f"{b} commented yesterday",
                       f"   Could be related to #{pr_other}, I'm bisecting now. Log attached: {log}",
                       f"{c} commented {rng.randint(1, 5)} hours ago",
                       f"   Fix is up in #{pr_fix}, it needs a review.",
                       "Labels: bug, regression", f"Milestone: {bad.split('.')[0]}.{minor + 1}"],
                qs=[("gh_opener", f"Who opened the issue \"{title}\"?", [opener], "person"),
                    ("gh_fix", f"Which pull request fixes \"{title}\"?", [f"#{pr_fix}"], "code"),
                    ("gh_version", f"Which version does \"{title}\" still happen in?", [bad], "number"),
                    ("gh_last", f"Who commented last on \"{title}\"?", [c], "person"),
                    ("gh_log", f"Which log file was attached to the \"{title}\" issue?", [log], "file")],
                absent=[("gh_opener", "Who opened the issue \"{X}\"?", "gh_issue")])


def t_kubectl(rng, day, used):
    ns = used.pick("k8s_ns", ["payments-prod", "search-staging", "billing-dev", "ingest-prod", "notify-staging",
                              "ledger-prod", "media-dev", "auth-staging", "reports-prod", "checkout-dev",
                              "geo-staging", "chat-prod"], rng)
    svcs = rng.sample(["api", "worker", "redis", "scheduler", "web", "migrate", "cron"], 5)
    suffix = lambda: "".join(rng.choice("bcdfghjklmnpqrstvwxz2456789") for _ in range(5))  # noqa: E731
    pods = [f"{s}-{rng.randint(5, 9)}{suffix()}{rng.randint(10, 99)}-{suffix()}" for s in svcs]
    crash = rng.randrange(5)
    restarts = [rng.randint(0, 3) for _ in pods]
    restarts[crash] = rng.randint(8, 60)
    status = ["CrashLoopBackOff" if i == crash else rng.choice(["Running", "Running", "Completed"]) for i in range(5)]
    ready = ["0/1" if s != "Running" else "1/1" for s in status]
    age = [f"{rng.randint(2, 40)}{rng.choice('hd')}" for _ in pods]
    w = max(map(len, pods)) + 3
    return dict(app="Terminal", title="kubectl - ~/ops - zsh", mono=True,
                lines=[f"$ kubectl config use-context {ns.split('-')[1]}-eu", f"Switched to context \"{ns.split('-')[1]}-eu\".",
                       f"$ kubectl get pods -n {ns}", f"{'NAME':<{w}}READY   STATUS             RESTARTS   AGE",
                       *[f"{p:<{w}}{r:<8}{s:<19}{n:<11}{a}" for p, r, s, n, a in zip(pods, ready, status, restarts, age)],
                       f"$ kubectl logs {pods[crash]} -n {ns} --previous | tail -1",
                       f"error: dial tcp 10.0.{rng.randint(1, 9)}.{rng.randint(2, 250)}:5432: connect: connection refused"],
                qs=[("k8s_crash", f"Which pod was crash-looping in {ns}?", [pods[crash]], "text"),
                    ("k8s_restarts", f"How many restarts did the crashing pod in {ns} have?", [str(restarts[crash])], "number"),
                    ("k8s_cmd", f"What command did I use to list the pods in {ns}?", [f"kubectl get pods -n {ns}"], "command")],
                absent=[("k8s_crash", "Which pod was crash-looping in {X}?", "k8s_ns")])


INVOICE_ITEMS = [("Labour (hours)", 38, 65), ("Call-out charge", 1, 85), ("Materials", 1, 240),
                 ("Skip hire, 6 yard", 1, 260), ("Design consultation (hours)", 45, 90),
                 ("Site survey", 1, 150), ("Waste disposal", 1, 75), ("Travel (miles)", 0.45, 0.6)]


def t_supplier_invoice(rng, day, used):
    supplier = used.pick("supplier", ["Pinewood Joinery", "Clearview Window Cleaning", "Brightspark Electrical",
                                      "Hollis & Tate Plumbing", "Greenthumb Landscapes", "Ridgeway Roofing",
                                      "Copperpot Catering", "Skyline Scaffolding", "Meadow Print Works",
                                      "Stonecutter Masonry", "Blue Heron Translation", "Wildflower Events"], rng)
    items = rng.sample(INVOICE_ITEMS, 4)
    rows = []
    for desc, lo, hi in items:
        qty = rng.randint(2, 40) if "(" in desc else 1
        unit = round(rng.uniform(lo, hi), 2)
        rows.append([desc, str(qty), pounds(unit), pounds(round(qty * unit, 2))])
    sub = sum(float(r[3][1:].replace(",", "")) for r in rows)
    vat = round(sub * 0.2, 2)
    no = "".join(w[0] for w in supplier.replace("&", "").split()[:2]).upper() + f"-{rng.randint(1000, 9999)}"
    issued = day - dt.timedelta(days=rng.randint(1, 6))
    due = issued + dt.timedelta(days=rng.choice([14, 30]))
    ask = rng.randrange(4)
    return dict(app="Okular", title=f"{no}.pdf", layout="table",
                lines=[f"# {supplier}", "INVOICE",
                       ["Invoice no.", "Invoice date", "Due date", "Customer"],
                       [no, f"{issued.day} {issued:%b %Y}", f"{due.day} {due:%b %Y}", person3(rng)],
                       "Work at the property as agreed.",
                       ["Description", "Qty", "Unit price", "Amount"], *rows,
                       ["Subtotal", "", "", pounds(sub)], ["VAT 20%", "", "", pounds(vat)],
                       ["Total due", "", "", pounds(sub + vat)],
                       f"Bank transfer to sort code {rng.randint(10, 99)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}, "
                       f"quoting {no}."],
                qs=[("sinv_total", f"What's the total on the {supplier} invoice?", [f"{sub + vat:,.2f}"], "money"),
                    ("sinv_item", f"How much did {supplier} charge for {items[ask][0].split(' (')[0].lower()}?",
                     [rows[ask][3][1:]], "money"),
                    ("sinv_no", f"What's the invoice number on the PDF from {supplier}?", [no], "code"),
                    ("sinv_due", f"When does the {supplier} invoice have to be paid?", [f"{due.day} {due:%b}"], "date")],
                absent=[("sinv_total", "What's the total on the {X} invoice?", "supplier")])


def t_departures(rng, day, used):
    dest = used.pick("rail_dest", ["Harrogate", "Penzance", "Aberystwyth", "Kendal", "Whitby", "Lowestoft",
                                   "Shrewsbury", "Falmouth", "Skipton", "Dunbar", "Barnstaple", "Llandudno"], rng)
    station = rng.choice(["Leeds", "Crewe", "Reading", "Exeter St Davids", "Preston"])
    fillers = rng.sample(["Manchester Piccadilly", "York", "Birmingham New Street", "Bristol Temple Meads",
                          "Cardiff Central", "Glasgow Central", "Sheffield", "Liverpool Lime Street"], 5)
    now = rng.randint(7, 18) * 60 + rng.randint(0, 59)  # the board shows the next two hours
    times = [f"{(now + o) // 60:02d}:{(now + o) % 60:02d}" for o in sorted(rng.sample(range(3, 120), 7))]
    i1 = rng.randrange(0, 3)
    i2 = rng.randrange(i1 + 2, 7)
    dests = fillers[:]
    dests.insert(i1, dest)
    dests.insert(i2, dest)
    plats = [str(rng.randint(1, 16)) for _ in dests]
    late = rng.randint(4, 25)
    h, m = map(int, times[i1].split(":"))
    exp1 = f"{h + (m + late) // 60:02d}:{(m + late) % 60:02d}"
    expected = [exp1 if i == i1 else rng.choice(["On time", "On time", "Cancelled"]) if i != i2 else "On time"
                for i in range(7)]
    ops = [rng.choice(["Northern", "CrossCountry", "GWR", "Avanti", "TPE"]) for _ in dests]
    return dict(app="Rail Live", title=f"Departures - {station}", layout="table", theme="dark",
                lines=[f"# Live departures: {station}", f"Updated {now // 60:02d}:{now % 60:02d}",
                       ["Due", "Destination", "Plat", "Expected", "Operator"],
                       *[[t, d, p, e, o] for t, d, p, e, o in zip(times, dests, plats, expected, ops)]],
                qs=[("dep_expected", f"When is the next {dest} train expected now?", [exp1], "time"),
                    ("dep_platform", f"Which platform is the next train to {dest} leaving from?", [plats[i1]], "number"),
                    ("dep_second", f"What time is the second train to {dest}?", [times[i2]], "time")],
                absent=[("dep_platform", "Which platform is the next train to {X} leaving from?", "rail_dest")])


def t_group_chat(rng, day, used):
    group = used.pick("group", ["Lakeside flatmates", "Thursday quiz team", "Hiking crew 2026", "Uni reunion",
                                "Bakewell cousins", "Five-a-side lads", "Choir altos", "Camper van trip",
                                "Ski chalet group", "Birthday surprise", "Pottery class", "Old neighbours"], rng)
    a, b, c, dd = (p.split()[0] for p in people3(rng, 4))
    r1, r2 = rng.sample(["Little Fig", "Osteria Bruno", "The Copper Kettle", "Saffron Lounge", "Casa Nube",
                         "The Dock Kitchen", "Bao House"], 2)
    wd = rng.choice(["Friday", "Saturday", "Thursday"])
    t1, t2 = rng.choice([("19:00", "19:30"), ("19:30", "20:00"), ("18:30", "19:15"), ("20:00", "20:30")])
    ts = distinct_clocks(rng, 8, 17, 23)  # last night's messages
    colours = {a: (196, 80, 60), b: (50, 120, 200), c: (120, 90, 180), dd: (40, 140, 90)}
    msgs = [(a, f"dinner on {wd}? it's been ages"), (b, f"yes!! {r1}?"),
            (c, f"{r1} is shut on {wd}s, what about {r2}?"), (dd, f"just booked {r2} for {t1}, table for 5"),
            (a, f"can we push it to {t2}? I finish late"), (dd, f"done, moved to {t2}"),
            (None, "perfect, see you there"), (b, "great, I'll bring the card for Sam")]
    return dict(app="Signal", title=f"Signal - {group}", layout="chat",
                sidebar=[group, "Mum", "Work - platform", "Climbing"],
                lines=[f"{a}, {b}, {c}, {dd}, you", "Yesterday",
                       *[{"who": w or "", "time": t, "text": x, "me": w is None, "colour": colours.get(w)}
                         for (w, x), t in zip(msgs, ts)]],
                qs=[("grp_where", f"Which restaurant did we pick in the {group} chat?", [r2], "place"),
                    ("grp_time", f"What time is the table booked for in {group}?", [t2], "time"),
                    ("grp_booker", f"Who booked the table in {group}?", [dd], "person"),
                    ("grp_last", f"Who replied last in {group}?", [b], "person")],
                absent=[("grp_where", "Which restaurant did we pick in the {X} chat?", "group")])


def t_claim_form(rng, day, used):
    insurer = used.pick("insurer", ["Harbourline Insurance", "Cobblestone Mutual", "Evergreen Home Cover",
                                    "Lighthouse Assurance", "Redkite Insurance", "Summit Shield", "Oakhaven Mutual",
                                    "Bluebell Cover", "Norland General", "Fairway Assurance", "Keystone Home",
                                    "Willowbrook Insurance"], rng)
    policy = f"{rng.choice(['HH', 'HC', 'BLD'])}{rng.randint(1000000, 9999999)}"
    when = day - dt.timedelta(days=rng.randint(2, 20))
    since = when - dt.timedelta(days=rng.randint(40, 300))
    cost = rng.randint(300, 6000) + rng.choice([0, 0.5])
    excess = rng.choice([100, 250, 350, 500])
    addr = f"{rng.randint(2, 140)} {rng.choice(['Birch Avenue', 'Kingsway', 'Quarry Hill', 'Orchard Row'])}, " \
           f"{rng.choice(['Bath', 'Durham', 'Lancaster', 'Chester'])}"
    kind = rng.choice(["Escape of water", "Accidental damage", "Storm damage", "Theft"])
    return dict(app="Firefox", title=f"Make a claim - {insurer}", layout="form",
                lines=["# Make a claim - step 2 of 4", f"{insurer} home insurance. Draft saved at {clock(rng, 9, 20)}.",
                       ("Policy number", policy), ("Policy start date", f"{since:%d/%m/%Y}"),
                       ("What happened?", kind),
                       ("Date of incident", f"{when:%d/%m/%Y}"), ("Approximate time", clock(rng, 6, 23)),
                       ("Where did it happen?", addr), ("Contact phone", f"07{rng.randint(100, 999)} {rng.randint(100000, 999999)}"),
                       ("Estimated cost of repair (£)", f"{cost:,.2f}"), ("Your excess (£)", f"{excess:.2f}"),
                       "Back        Save draft        Continue"],
                qs=[("claim_policy", f"What policy number did I put on the {insurer} claim?", [policy], "code"),
                    ("claim_cost", f"How much am I claiming from {insurer}?", [f"{cost:,.2f}"], "money"),
                    ("claim_date", f"What date did I give for the incident on the {insurer} claim?",
                     [f"{when:%d/%m/%Y}"], "date"),
                    ("claim_where", f"Where did the incident on my {insurer} claim happen?", [addr], "place")],
                absent=[("claim_policy", "What policy number did I put on the {X} claim?", "insurer")])


def t_car_park(rng, day, used):
    carpark = used.pick("carpark", ["Castle Quarter car park", "Riverside multi-storey", "Westgate Centre car park",
                                    "Orchard Street car park", "Marina long stay", "Cathedral Close car park",
                                    "Station East car park", "Quayside short stay", "Hospital visitor car park",
                                    "Leisure Centre car park", "Town Hall car park", "Old Brewery car park"], rng)
    h, m = rng.randint(8, 14), rng.randint(0, 59)
    mins = rng.randint(65, 290)
    t_in = f"{h:02d}:{m:02d}"
    t_out = f"{h + (m + mins) // 60:02d}:{(m + mins) % 60:02d}"
    rate = rng.choice([1.2, 1.5, 1.8, 2.2, 2.6])
    paid = round(rate * -(-mins // 60), 2)
    reg = (f"{rng.choice('ABDFGHKLMNPRSVWY')}{rng.choice('ABDFGHKLMNPRSVWY')}{rng.randint(10, 74)} "
           f"{''.join(rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ') for _ in range(3))}")
    return dict(app="ParkLink", title="Parking session ended", layout="cards",
                lines=["# Parking session ended", f"Thanks for parking at {carpark}. Zone {rng.randint(1000, 9999)}.",
                       ("Vehicle", reg), ("Entered", t_in), ("Exited", t_out),
                       ("Duration", f"{mins // 60} h {mins % 60} min"), ("Tariff", f"{pounds(rate)} per hour"),
                       ("Total paid", pounds(paid)), ("Card", f"Visa ending {rng.randint(1000, 9999)}"),
                       ("Receipt", f"PL{rng.randint(10000000, 99999999)}")],
                qs=[("park_paid", f"How much did parking at {carpark} cost me?", [f"{paid:.2f}"], "money"),
                    ("park_left", f"What time did I drive out of {carpark}?", [t_out], "time"),
                    ("park_reg", f"Which car reg did I park at {carpark}?", [reg], "code"),
                    ("park_long", f"How long was I parked at {carpark}?", [f"{mins // 60} h {mins % 60} min"], "number")],
                absent=[("park_paid", "How much did parking at {X} cost me?", "carpark")])


def t_sports_results(rng, day, used):
    team = used.pick("team", ["Ashford Rovers", "Kelso Athletic", "Millbrook United", "Dunmore Wanderers",
                              "Harwich Town", "Glenrock City", "Carrow Albion", "Stanway Rangers", "Whitmore FC",
                              "Bexley Harriers", "Oldcastle Town", "Penrith Vale"], rng)
    fillers = rng.sample(["Eastleigh Borough", "Radford Park", "Corby Steel", "Hatfield Vale", "Marston United",
                          "Thornbury Town", "Lydney Athletic", "Felling Rovers", "Coleford City",
                          "Bramley Celtic"], 8)
    mine = rng.randrange(4)
    home = rng.random() < 0.5
    pairs = [fillers[2 * i:2 * i + 2] for i in range(4)]
    opp = pairs[mine][0]
    pairs[mine] = [team, opp] if home else [opp, team]
    scores = [f"{rng.randint(0, 4)} - {rng.randint(0, 4)}" for _ in pairs]
    table_teams = rng.sample([p for pair in pairs for p in pair if p != team], 5)
    table_teams.insert(rng.randrange(6), team)
    pts = sorted(rng.sample(range(18, 60), 6), reverse=True)
    played = rng.randint(24, 30)
    return dict(app="Firefox", title="Results - Northern Counties League - Scoresheet", layout="table",
                lines=[f"# Results, {day_text(day, rng, -1)[0]}",
                       ["Home", "", "Away", ""], *[[h, s, a, "FT"] for (h, a), s in zip(pairs, scores)],
                       "League table",
                       ["Pos", "Team", "P", "W", "D", "L", "Pts"],
                       *[[str(i + 1), t, str(played), str(p // 3), str(p % 3), str(played - p // 3 - p % 3), str(p)]
                         for i, (t, p) in enumerate(zip(table_teams, pts))]],
                qs=[("sport_score", f"What was the score in the {team} game?", [scores[mine]], "text"),
                    ("sport_opp", f"Who did {team} play?", [opp], "text"),
                    ("sport_pts", f"How many points have {team} got?", [str(pts[table_teams.index(team)])], "number")],
                absent=[("sport_score", "What was the score in the {X} game?", "team")])


def t_podcast(rng, day, used):
    show = used.pick("podcast", ["Deep Field Notes", "The Slow Cook", "Margins & Footnotes", "Night Shift Radio",
                                 "Small Data", "Tidal Histories", "Repair Shop Talks", "Second Draft",
                                 "Open Air Botany", "The Long Game", "Signal Path", "Kitchen Table Economics"], rng)
    host, *guests = people3(rng, 5)
    topics = rng.sample(["growing lemons up north", "the last lighthouse keepers", "why buses bunch",
                         "fixing old radios", "the first public libraries", "salt and empire",
                         "learning to swim at sixty", "how maps lie"], 4)
    ep = rng.randint(40, 300)
    dates = [day - dt.timedelta(days=3 + 7 * i + rng.randint(0, 2)) for i in range(4)]
    lens = [f"{rng.randint(32, 95)} min" for _ in topics]
    playing = rng.randrange(1, 4)
    rows = [[f"{ep - i}: {t[0].upper() + t[1:]}, with {g}", f"{d.day} {d:%b}", ln,
             "Played" if i > playing else ("Playing" if i == playing else "New")]
            for i, (t, g, d, ln) in enumerate(zip(topics, guests, dates, lens))]
    return dict(app="Podcasts", title=f"{show} - Podcasts", layout="table", reading=True, selected=playing + 1,
                sidebar=["Listen now", "Library", "  Shows", "  Downloaded", "Search"],
                lines=[f"# {show}", f"Hosted by {host} - every week", ["Episode", "Published", "Length", ""], *rows,
                       f"Now playing: episode {ep - playing}, {rng.randint(3, 30)}:{rng.randint(10, 59)} played"],
                qs=[("pod_guest", f"Who was the guest on the newest {show} episode?", [guests[0]], "person"),
                    ("pod_length", f"How long is the {show} episode I was playing?", [lens[playing]], "number"),
                    ("pod_date", f"When did {show} publish the episode about {topics[2]}?", [rows[2][1]], "date")],
                absent=[("pod_guest", "Who was the guest on the newest {X} episode?", "podcast")],
                activity=[show, rows[playing][0]])


# --- round 4 (issue 18): a fourth held-out set, written blind to the answer code and tuned on by
# nobody. Screens of everyday apps (a flight itinerary, a repeat prescription, a parcel's tracking
# timeline, a code review diff, an IDE's problems panel, an app's preferences, a recipe's
# ingredients, a payroll run, a music player, route options, a stock watchlist, a patient portal,
# an online course, a meter reading form, a translator, a password change with a texted code),
# drawn with layouts of their own: labels on the left of their values ("kv"), a vertical
# "timeline", a translator's two "panes", right-aligned numbers in tables, diff highlighting and
# smaller fonts, and asked in words that are mostly not the screen's labels. People come from a
# fourth name pool; every question's entity from its own pool, the rest from fillers.
FIRST4 = ["Aurelio", "Beatrix", "Cyprian", "Dagny", "Evander", "Fenella", "Gwilym", "Honora", "Ignatius",
          "Jessamy", "Leopold", "Minerva", "Niamh", "Osric", "Perpetua", "Quentin", "Rosalind", "Thaddeus"]
LAST4 = ["Ainsworth", "Blackwood", "Carrington", "Drummond", "Ellery", "Featherstone", "Goodwin",
         "Hargreaves", "Inglis", "Jessop", "Kingsley", "Lockhart", "Merriweather", "Northcott", "Ormsby",
         "Prendergast"]


people4 = people_of(FIRST4, LAST4)   # the fourth pool


def hm(minutes: int) -> str:
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def span(minutes: int) -> str:
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


TRIP_DESTS = {"Reykjavik": "KEF", "Marrakesh": "RAK", "Tbilisi": "TBS", "Hanoi": "HAN", "Montreal": "YUL",
              "Cape Town": "CPT", "Santiago": "SCL", "Osaka": "KIX", "Muscat": "MCT", "Halifax": "YHZ",
              "Windhoek": "WDH", "Medellin": "MDE"}
TRIP_HUBS = [("Frankfurt", "FRA"), ("Amsterdam", "AMS"), ("Istanbul", "IST"), ("Doha", "DOH"),
             ("Madrid", "MAD"), ("Copenhagen", "CPH")]


def t_flight_itinerary(rng, day, used):
    dest = used.pick("trip_dest", sorted(TRIP_DESTS), rng)
    hub, hub_code = rng.choice(TRIP_HUBS)
    airline, iata = rng.choice([("Nordvik Air", "NV"), ("Aurelia Airways", "AU"), ("Bluecrest", "BQ"),
                                ("Solano Air", "SQ")])
    out = day + dt.timedelta(days=rng.randint(5, 60))
    booked = day - dt.timedelta(days=rng.randint(3, 40))
    dep1 = rng.randint(6 * 60, 10 * 60)
    arr1 = dep1 + rng.randint(75, 170)
    lay = rng.randint(50, 230)
    dep2 = arr1 + lay
    arr2 = dep2 + rng.randint(120, 420)
    lead, other = people4(rng, 2)
    pnr = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6))
    price, _ = money(rng, 420, 3800)
    return dict(app="Firefox", title=f"{airline} - Manage my booking", layout="kv",
                lines=[f"# Trip to {dest}", f"Your booking is confirmed. Have a good trip, {lead.split()[0]}!",
                       ("Booking code", pnr), ("Passengers", f"{lead}, {other}"),
                       ("Booked on", f"{booked.day} {booked:%b %Y}"),
                       ("Baggage", "1 x 23 kg checked, 1 cabin bag each"), ("Total paid", price),
                       ["Flight", "From", "To", "Departs", "Arrives"],
                       [f"{iata} {rng.randint(100, 999)}", "London Heathrow LHR", f"{hub} {hub_code}",
                        f"{out:%a} {out.day} {out:%b} {hm(dep1)}", hm(arr1)],
                       [f"{iata} {rng.randint(1000, 9999)}", f"{hub} {hub_code}", f"{dest} {TRIP_DESTS[dest]}",
                        hm(dep2), hm(arr2)],
                       f"Connection in {hub}: {span(lay)}. Bags are checked through to {dest}."],
                qs=[("itin_land", f"What time do I land in {dest}?", [hm(arr2)], "time"),
                    ("itin_change", f"Where do I change planes on the way to {dest}?", [hub], "place"),
                    ("itin_layover", f"How long is the stopover on my {dest} trip?", [span(lay)], "number"),
                    ("itin_pnr", f"What's the PNR for the {dest} flights?", [pnr], "code"),
                    ("itin_companion", f"Who is travelling with me to {dest}?", [other], "person"),
                    ("itin_day", f"Which day do I fly out to {dest}?", [f"{out.day} {out:%b}"], "date")],
                absent=[("itin_land", "What time do I land in {X}?", "trip_dest")])


MEDS4 = {"Lisinopril": "10 mg", "Atorvastatin": "20 mg", "Levothyroxine": "50 mcg", "Sertraline": "50 mg",
         "Omeprazole": "20 mg", "Metformin": "500 mg", "Amlodipine": "5 mg", "Montelukast": "10 mg",
         "Propranolol": "40 mg", "Citalopram": "20 mg", "Lansoprazole": "30 mg", "Ramipril": "2.5 mg"}
MED_FILLERS = [("Cetirizine", "10 mg"), ("Vitamin D3", "1000 IU"), ("Folic acid", "400 mcg"),
               ("Loratadine", "10 mg"), ("Naproxen", "250 mg")]
MED_DIRECTIONS = ["once a day in the morning", "twice a day with food", "once a day at bedtime",
                  "three times a day", "every other day"]


def t_pharmacy_refill(rng, day, used):
    med = used.pick("medicine", sorted(MEDS4), rng)
    fillers = rng.sample(MED_FILLERS, 2)
    dirs = rng.sample(MED_DIRECTIONS, 3)
    docs = [f"Dr {n}" for n in rng.sample(LAST4, 3)]
    rx = f"RX {rng.randint(1000000, 9999999)}"
    qty = rng.choice([28, 56, 84, 30, 60])
    last = day - dt.timedelta(days=rng.randint(10, 25))
    nxt, *others = [day + dt.timedelta(days=o) for o in rng.sample(range(2, 30), 3)]
    shop = rng.choice(["Wellcare Pharmacy, Mill Road", "Hillside Chemist, Church Lane",
                       "Parade Pharmacy, 3 The Parade"])
    return dict(app="Firefox", title="Repeat prescriptions - MedsDirect", layout="kv",
                sidebar=["Prescriptions", "  Repeats", "  History", "Orders", "Messages", "Account"],
                lines=[f"# {med} {MEDS4[med]} tablets", f"Patient: {people4(rng, 1)[0]}",
                       ("Prescription no.", rx), ("Prescribed by", docs[0]),
                       ("Directions", f"Take one tablet {dirs[0]}"), ("Pack size", f"{qty} tablets"),
                       ("Refills left", f"{rng.randint(1, 5)} of 6"), ("Last collected", f"{last.day} {last:%B}"),
                       ("Next refill from", f"{nxt.day} {nxt:%B}"), ("Collect at", shop),
                       "Your other repeat prescriptions",
                       ["Medicine", "Directions", "Prescriber", "Next refill"],
                       *[[f"{n} {s}", dd, doc, short_date(o)[0]]
                         for (n, s), dd, doc, o in zip(fillers, dirs[1:], docs[1:], others)]],
                qs=[("rx_next", f"From what date can I reorder {med}?", [f"{nxt.day} {nxt:%B}"], "date"),
                    ("rx_number", f"What's the prescription number on my {med}?", [rx], "code"),
                    ("rx_doctor", f"Which doctor prescribed the {med}?", [docs[0]], "person"),
                    ("rx_often", f"How often am I supposed to take {med}?", [dirs[0]], "text"),
                    ("rx_pack", f"How many tablets come in a box of {med}?", [f"{qty} tablets"], "number")],
                absent=[("rx_number", "What's the prescription number on my {X}?", "medicine")])


PARCEL_ITEMS = ["air fryer", "road bike tyres", "desk chair", "label printer", "baby monitor", "pizza stone",
                "electric toothbrush", "tent footprint", "drawing tablet", "coffee scale", "smart thermostat",
                "bread maker"]


def t_tracking_timeline(rng, day, used):
    item = used.pick("parcel_item", PARCEL_ITEMS, rng)
    carrier = rng.choice(["Swiftline", "Kite Parcels", "Orbit Post", "Relay Couriers"])
    hub = rng.choice(["Rugby hub", "Daventry hub", "Warrington hub", "Bristol hub", "Doncaster hub"])
    depot = rng.choice(["Leeds depot", "Norwich depot", "Exeter depot", "Stirling depot", "Swansea depot"])
    origin = rng.choice(["Coventry", "Milton Keynes", "Northampton", "Crewe", "Wakefield"])
    track = f"{carrier[:2].upper()}{rng.randint(100000000, 999999999)}GB"
    d0, d1 = short_date(day - dt.timedelta(days=1))[0], short_date(day)[0]
    t_col = rng.randint(16 * 60, 19 * 60)
    t_hub = t_col + rng.randint(90, 240)
    t_dep, t_arr = rng.randint(60, 4 * 60), rng.randint(5 * 60, 6 * 60 + 50)
    t_out = t_arr + rng.randint(40, 120)
    signer, driver = people4(rng, 2)
    delivered = rng.random() < 0.5
    w1 = (t_out + rng.randint(60, 240)) // 15 * 15
    head = f"# Your {item} {'has been delivered' if delivered else 'is out for delivery'}"
    events = ([(f"{d1} {hm(w1 + rng.randint(0, 100))}", f"Delivered, signed for by {signer}",
                f"{rng.randint(2, 80)} {rng.choice(['Beech Road', 'Mill Close', 'Orchard Way'])}")] if delivered else [])
    events += [(f"{d1} {hm(t_out)}", f"Out for delivery with {driver}", depot),
               (f"{d1} {hm(t_arr)}", "Arrived at the delivery depot", depot),
               (f"{d1} {hm(t_dep)}", "Left the sorting hub", hub),
               (f"{d0} {hm(t_hub)}", "Arrived at the sorting hub", hub),
               (f"{d0} {hm(t_col)}", "Collected from the sender", origin)]
    last = (("trk_signed", f"Who signed for the {item}?", [signer], "person") if delivered else
            ("trk_window", f"From what time can I expect the {item} today?", [hm(w1)], "time"))
    return dict(app="Firefox", title=f"Track your parcel - {carrier}", layout="timeline",
                lines=[head, f"Tracking number {track} - {carrier}",
                       *([] if delivered else [f"Expected today between {hm(w1)} and {hm(w1 + 120)}."]),
                       *events],
                qs=[("trk_left_hub", f"When did my {item} leave the sorting centre?", [hm(t_dep)], "time"),
                    ("trk_depot", f"Which depot did the {item} go through?", [depot], "place"),
                    ("trk_code", f"What's the tracking number for the {item}?", [track], "code"),
                    ("trk_origin", f"Where was the {item} sent from?", [origin], "place"), last],
                absent=[("trk_code", "What's the tracking number for the {X}?", "parcel_item")])


REVIEW_KNOBS = [("POOL_SIZE", "connection pool size", "src/db/pool.py"),
                ("BATCH_LIMIT", "batch limit", "src/jobs/batch.py"),
                ("CACHE_TTL_SECONDS", "cache lifetime", "src/cache/settings.py"),
                ("MAX_WORKERS", "number of workers", "src/worker/config.py"),
                ("RETRY_BACKOFF_MS", "retry backoff", "src/http/retry.py")]


def _diff_line(old, new, mark, code):
    """A line of a side-by-side numbered diff: old and new line numbers, then +, - or a space."""
    return f"{old:>4}  {new:>4}  {mark} {code}"


def t_code_review(rng, day, used):
    repo = used.pick("review_repo", ["birch-ledger", "coral-queue", "dunlin-auth", "egret-media",
                                     "finch-notify", "grebe-search", "ibis-export", "jackdaw-cli",
                                     "kittiwake-sync", "linnet-web", "merlin-etl", "nuthatch-api"], rng)
    const, human, path = rng.choice(REVIEW_KNOBS)
    old = rng.choice([4, 8, 10, 16, 30, 50, 100])
    new = old * rng.choice([2, 3, 4, 6]) + rng.choice([0, 5])
    pr = rng.randint(120, 3999)
    author, reviewer = people4(rng, 2)
    n = rng.randint(20, 300)
    return dict(app="Chromium", title=f"Review #{pr} - {repo} - Files changed", layout="plain", mono=True,
                theme="dark", diff=True,
                lines=[f"# Make the {human} configurable #{pr}",
                       f"{author} wants to merge 2 commits into main",
                       f"Files changed (2)   +{rng.randint(10, 40)} -{rng.randint(2, 9)}", f"{path}   (+3 -1)",
                       _diff_line(n, n, " ", "import os"),
                       _diff_line(n + 1, n + 1, " ", f"DEFAULT_TIMEOUT = {rng.randint(5, 60)}"),
                       _diff_line(n + 2, "", "-", f"{const} = {old}"),
                       _diff_line("", n + 2, "+", f"{const} = int(os.environ.get(\"{const}\", {new}))"),
                       _diff_line(n + 3, n + 3, " ", f"LOG_EVERY = {rng.randint(50, 500)}"),
                       f"{reviewer} commented on line {n + 2}:",
                       f"   Is {new} safe on the small instances? Maybe start lower.",
                       f"tests/test_{path.rsplit('/', 1)[1]}   (+{rng.randint(6, 30)} -1)   Load diff"],
                qs=[("cr_new", f"What does the {repo} review change the {human} default to?", [str(new)], "number"),
                    ("cr_file", f"Which file sets the {human} in the {repo} review?", [path], "file"),
                    ("cr_reviewer", f"Who left a comment on the {repo} pull request?", [reviewer], "person"),
                    ("cr_line", f"Which line did the {repo} review comment point at?", [str(n + 2)], "number"),
                    ("cr_old", f"What was the {human} in {repo} before the change?", [str(old)], "number")],
                absent=[("cr_reviewer", "Who left a comment on the {X} pull request?", "review_repo")])


IDE_ERRORS = {"py": [("app/models/order.py", 'Argument of type "str" cannot be assigned to parameter "qty"'),
                     ("app/api/routes.py", '"user_id" is possibly unbound'),
                     ("app/services/mailer.py", 'Cannot access attribute "send_later" for class "Mailer"')],
              "ts": [("src/billing/invoice.ts", "Property 'amount' does not exist on type 'Order'."),
                     ("src/ui/Header.tsx", "Type 'string' is not assignable to type 'number'."),
                     ("src/api/client.ts", "Cannot find name 'fetchJson'.")]}
IDE_WARNINGS = {"py": [("app/utils/dates.py", '"timezone" is not accessed'),
                       ("tests/test_api.py", 'Import "pytest_mock" could not be resolved'),
                       ("app/cli.py", 'Variable "args" is not accessed'),
                       ("app/config.py", "Line too long (104 > 99 characters)")],
                "ts": [("src/utils/format.ts", "'locale' is declared but its value is never read."),
                       ("src/App.tsx", "React Hook useEffect has a missing dependency: 'load'."),
                       ("src/store/cart.ts", "Unexpected any. Specify a different type."),
                       ("src/index.ts", "'process' is possibly 'undefined'.")]}


def t_ide_problems(rng, day, used):
    proj = used.pick("ide_project", ["wrenfield", "ashgrove-ui", "marram", "skylark-core", "pinemarten",
                                     "tarnbrook", "greyling", "oxbow", "quillon", "sedgewick", "vireo",
                                     "yellowhammer"], rng)
    lang = rng.choice(["py", "ts"])
    err_file, msg = rng.choice(IDE_ERRORS[lang])
    warns = rng.sample(IDE_WARNINGS[lang], 3)
    line = rng.randint(12, 240)
    lines_w = rng.sample([n for n in range(3, 300) if n != line], 3)
    branch = f"{rng.choice(['feature', 'fix', 'chore'])}/{rng.choice(['checkout', 'emails', 'export', 'login'])}-{rng.randint(10, 99)}"
    ide = "PyCharm" if lang == "py" else "WebStorm"
    code = ([f"{line - 2:>4}  def update(self, qty: int) -> None:", f"{line - 1:>4}      total = self.price * qty",
             f"{line:>4}      self.recalculate(qty=str(total))"] if lang == "py" else
            [f"{line - 2:>4}  export function render(order: Order) {{", f"{line - 1:>4}    const t = order.total;",
             f"{line:>4}    return format(order.amount, t);"])
    rows = [["Error", err_file, str(line), msg]] + [["Warning", f, str(n), m] for (f, m), n in zip(warns, lines_w)]
    rng.shuffle(rows)
    check = rng.choice(["pyright app/", "mypy --strict app", "ruff check app tests"] if lang == "py" else
                       ["npx tsc --noEmit", "npm run typecheck", "npx eslint src --max-warnings 0"])
    earlier = rng.choice(["git pull --rebase origin main", "git stash pop", "git switch -c " + branch])
    return dict(app=ide, title=f"{proj} - {err_file.rsplit('/', 1)[1]}", layout="table", mono=True,
                theme="dark", shrink=4,
                sidebar=[proj, "  app/" if lang == "py" else "  src/", "  tests/", "  README.md"],
                lines=[f"# {err_file}", *code, "PROBLEMS (4)", ["Severity", "File", "Line", "Message"], *rows,
                       "TERMINAL", f"$ {earlier}", f"$ {check}", f"Found 1 error in {err_file}",
                       f"{branch}   Ln {line}, Col {rng.randint(5, 40)}   UTF-8   1 error, 3 warnings"],
                qs=[("ide_file", f"Which file won't compile in {proj}?", [err_file], "file"),
                    ("ide_line", f"On what line is the {proj} error?", [str(line)], "number"),
                    ("ide_msg", f"What does the IDE say is wrong in {proj}?", [msg], "text"),
                    ("ide_branch", f"Which git branch was I on in {proj}?", [branch], "text"),
                    ("ide_check", f"What did I type to run the type checker on {proj}?", [check], "command")],
                absent=[("ide_file", "Which file won't compile in {X}?", "ide_project")])


def t_app_settings(rng, day, used):
    app = used.pick("settings_app", ["Tidepool Backup", "Lumen Notes", "Harbor VPN", "Cirrus Drive",
                                     "Beacon Mail", "Fennec Browser", "Quartz Photos", "Marlin Music",
                                     "Orca Chat", "Sable Reader", "Kite Calendar", "Pelican Sync"], rng)
    sync, lock = rng.sample([5, 10, 15, 20, 30, 45, 60], 2)
    keep = rng.choice([7, 14, 30, 60, 90])
    updates, login = rng.choice([("On", "Off"), ("Off", "On")])
    folder = f"~/{rng.choice(['Documents', 'Pictures', 'Projects'])}/{rng.choice(['archive', 'family', 'work', '2026'])}"
    last, q1, q2 = clock(rng, 7, 12), clock(rng, 21, 24), clock(rng, 6, 8)
    device = f"{rng.choice(FIRST4).lower()}-{rng.choice(['thinkpad', 'desktop', 'framework'])}"
    return dict(app=app, title="Preferences", layout="kv", shrink=2,
                sidebar=["General", "Sync", "Notifications", "Network", "About"],
                lines=[f"# {app} preferences", "Changes are saved automatically.",
                       ("Start at login", login), ("Install updates automatically", updates),
                       ("Sync every", f"{sync} minutes"), ("Lock after", f"{lock} minutes idle"),
                       ("Keep deleted files for", f"{keep} days"),
                       ("Upload limit", f"{rng.randint(1, 9)}.{rng.randint(0, 9)} MB/s"),
                       ("Folder", folder), ("Device name", device), ("Quiet hours", f"{q1} - {q2}"),
                       ("Last synced", f"Today at {last}")],
                qs=[("set_interval", f"How often does {app} sync my files?", [f"{sync} minutes"], "number"),
                    ("set_updates", f"Are automatic updates turned on in {app}?", [updates], "text"),
                    ("set_folder", f"Which folder is {app} set to back up?", [folder], "file"),
                    ("set_trash", f"For how long does {app} hold on to files I delete?", [f"{keep} days"], "number"),
                    ("set_last", f"When did {app} last sync?", [last], "time")],
                absent=[("set_interval", "How often does {X} sync my files?", "settings_app")])


INGREDIENTS = [("plain flour", "g", 100, 400, 25), ("butter", "g", 25, 250, 25), ("milk", "ml", 100, 600, 50),
               ("caster sugar", "g", 50, 250, 25), ("olive oil", "tbsp", 1, 4, 1), ("vegetable stock", "ml", 250, 1000, 250),
               ("grated cheese", "g", 50, 200, 25), ("double cream", "ml", 100, 300, 50), ("lemon juice", "tbsp", 1, 3, 1),
               ("smoked paprika", "tsp", 1, 2, 1), ("rice", "g", 150, 400, 50), ("chopped tomatoes", "g", 400, 800, 400)]


def t_recipe_ingredients(rng, day, used):
    dish = used.pick("dish4", ["lemon drizzle cake", "beef stroganoff", "pad thai", "spinach lasagne", "fish pie",
                               "apple crumble", "falafel wraps", "chicken tagine", "carrot soup", "pancakes",
                               "paella", "cottage pie"], rng)
    ings = rng.sample(INGREDIENTS, 6)
    amounts = [f"{rng.randrange(lo, hi + 1, step)} {unit}" for _n, unit, lo, hi, step in ings]
    extra = [("eggs", str(rng.randint(1, 4))), ("onions", str(rng.randint(1, 3)))]
    ask = rng.randrange(6)
    author, fan = people4(rng, 2)
    temp, cook, prep, rest = rng.choice([160, 180, 190, 200, 220]), rng.randint(25, 70), rng.randint(10, 30), rng.randint(5, 15)
    return dict(app="Firefox", title=f"{dish.title()} | Hearth & Home recipes", layout="table", numeric_right=True,
                reading=True,
                lines=[f"# {dish[0].upper() + dish[1:]}",
                       f"By {author}  -  serves {rng.randint(2, 8)}  -  prep {prep} min  -  cook {cook} min",
                       ["Ingredient", "Amount"], *[[n, a] for (n, *_), a in zip(ings, amounts)], *map(list, extra),
                       f"1. Heat the oven to {temp}C ({temp - 20}C fan) and grease a dish.",
                       f"2. Combine everything, then bake for {cook} minutes until golden.",
                       f"3. Leave to rest for {rest} minutes before serving.",
                       f"{fan}: made this twice, {rng.randint(3, 5)} stars from me"],
                qs=[("ing_qty", f"How much {ings[ask][0]} do I need for the {dish}?", [amounts[ask]], "number"),
                    ("ing_oven", f"How hot should the oven be for the {dish}?", [f"{temp}C"], "number"),
                    ("ing_bake", f"How long does the {dish} go in the oven?", [f"{cook} minutes"], "number"),
                    ("ing_author", f"Whose recipe is the {dish}?", [author], "person")],
                absent=[("ing_oven", "How hot should the oven be for the {X}?", "dish4")],
                activity=[dish[0].upper() + dish[1:], dish])


def t_staff_payroll(rng, day, used):
    employer = used.pick("employer", ["Hollowbrook Bakery", "Seaview Care Home", "Ridgeline Climbing",
                                      "Northway Couriers", "Pemberton Dental", "Larchfield Nursery",
                                      "Cinderford Brewery", "Abbotsley Garden Centre", "Wharfside Printers",
                                      "Gorsemoor Vets", "Tollgate Joinery", "Fallowfield Dairy"], rng)
    staff = people4(rng, 5)
    hours = rng.sample(range(40, 180), 5)
    rows, tg, tn = [], 0.0, 0.0
    for who, h in zip(staff, hours):
        gross = round(h * rng.uniform(11.5, 24), 2)
        tax = round(max(0.0, gross - 1047) * 0.2, 2)
        ni = round(max(0.0, gross - 1048) * 0.08, 2)
        net = round(gross - tax - ni, 2)
        tg, tn = tg + gross, tn + net
        rows.append([who, str(h), f"{gross:,.2f}", f"{tax:,.2f}", f"{ni:,.2f}", f"{net:,.2f}"])
    month = day.replace(day=1)
    end = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    payday = end - dt.timedelta(days=rng.randint(0, 4))
    submit = payday - dt.timedelta(days=rng.randint(2, 5))
    ask = rng.randrange(5)
    return dict(app="Payroll Desk", title=f"{employer} - {month:%B %Y} payroll", layout="table", numeric_right=True,
                shrink=2, sidebar=["Dashboard", "Employees", "Pay runs", "  Current", "  History", "Reports"],
                lines=[f"# Pay run: {month:%B %Y}", f"{employer}  -  PAYE reference {rng.randint(100, 999)}/{code(rng, 2, 5)}",
                       f"Pay period 1 {month:%b} - {end.day} {end:%b}. Staff are paid on {payday.day} {payday:%B}"
                       f" and the submission is due {submit.day} {submit:%B}.",
                       ["Employee", "Hours", "Gross", "Tax", "NI", "Net pay"], *rows,
                       ["Total", str(sum(hours)), f"{tg:,.2f}", "", "", f"{tn:,.2f}"],
                       "Approve pay run      Download payslips"],
                qs=[("pay_net", f"How much does {staff[ask]} take home this month at {employer}?", [rows[ask][5]], "money"),
                    ("pay_total", f"What's the total gross payroll for {employer}?", [f"{tg:,.2f}"], "money"),
                    ("pay_day", f"When are {employer} staff being paid?", [f"{payday.day} {payday:%B}"], "date"),
                    ("pay_most", f"Who put in the most hours at {employer} this month?",
                     [staff[hours.index(max(hours))]], "person")],
                absent=[("pay_total", "What's the total gross payroll for {X}?", "employer")])


SONGS4 = ["Northbound", "Glass Harbour", "Small Hours", "Paper Boats", "Slow Lightning", "Evergreen Street",
          "Lanterns Out", "The Long Way Home", "Kite Season", "Quiet Static", "Winter Orchard", "Afterglow Road"]


def t_music_player(rng, day, used):
    album = used.pick("album", ["Salt Roads", "Glasshouse Summer", "Northern Static", "Velvet Hours",
                                "Low Tide Radio", "Copper Skies", "The Quiet Engine", "Wildfire Letters",
                                "Harbour Lights", "Midnight Orchard", "Slow Satellites", "Marble Weather"], rng)
    artists = people4(rng, 4)
    songs = rng.sample(SONGS4, 5)
    secs = [rng.randint(150, 330) for _ in songs]
    el = rng.randint(20, secs[0] - 20)
    ms = lambda s: f"{s // 60}:{s % 60:02d}"  # noqa: E731
    queue = [[str(k + 1), s, a, ms(t)] for k, (s, a, t) in
             enumerate(zip(songs[1:], [artists[0]] + artists[1:], secs[1:]))]
    return dict(app="Lollypop", title="Now playing", layout="table", theme="dark",
                sidebar=["Home", "Albums", "Artists", "Playlists", "Radio"],
                lines=[f"# {songs[0]}", f"{artists[0]}  -  {album} ({rng.randint(1998, 2025)})",
                       f"{ms(el)}        -{ms(secs[0] - el)}", f"Shuffle off   Repeat all   Volume {rng.randint(20, 90)}%",
                       "Up next", ["#", "Title", "Artist", "Time"], *queue],
                qs=[("mus_artist", f"Who sings the song I was playing from {album}?", [artists[0]], "person"),
                    ("mus_left", f"How much time was left on the track from {album}?", [ms(secs[0] - el)], "number"),
                    ("mus_next", f"What was queued to play after the {album} track?", [songs[1]], "text"),
                    ("mus_track", f"Which song off {album} was on?", [songs[0]], "text")],
                absent=[("mus_artist", "Who sings the song I was playing from {X}?", "album")])


def t_drive_route(rng, day, used):
    dest = used.pick("drive_dest", ["Castle Howard", "Bamburgh Beach", "Ely Cathedral", "Stonehaven harbour",
                                    "Malham Cove", "Tintern Abbey", "Portmeirion", "Whitstable harbour",
                                    "Rye town centre", "Hay-on-Wye", "Ironbridge Gorge", "Lulworth Cove"], rng)
    roads = rng.sample(["A64", "A1(M)", "M62", "A59", "B1257", "A170", "A66", "A591", "B6160", "A49"], 3)
    mins = sorted(rng.sample(range(35, 180), 3))
    kms = [f"{k / 10:.1f} km" for k in rng.sample(range(300, 1900), 3)]
    leave = rng.randint(8 * 60, 15 * 60)
    etas = [hm(leave + m) for m in mins]
    return dict(app="Organic Maps", title=f"Route to {dest}", layout="plain",
                lines=[f"# {dest}", f"From Home, leaving now ({hm(leave)})",
                       f"Fastest route via {roads[0]}: {span(mins[0])} ({kms[0]}), arriving around {etas[0]}.",
                       rng.choice(["Light traffic for most of the way.", "Slow traffic near the ring road.",
                                   "Roadworks with a 10 min delay."]),
                       f"Alternative via {roads[1]}: {span(mins[1])} ({kms[1]}), arriving {etas[1]}. Toll road.",
                       f"Scenic route via {roads[2]}: {span(mins[2])} ({kms[2]}), arriving {etas[2]}.",
                       f"Parking near {dest}: {pounds(rng.randint(30, 120) / 10)} for the day, pay by app.",
                       "Start      Share ETA      Add stop"],
                qs=[("drv_road", f"Which road does the quickest way to {dest} take?", [roads[0]], "place"),
                    ("drv_eta", f"If I set off now, what time would I reach {dest}?", [etas[0]], "time"),
                    ("drv_km", f"How many kilometres is the fastest drive to {dest}?", [kms[0]], "number"),
                    ("drv_scenic", f"How long would the scenic way to {dest} take?", [span(mins[2])], "number")],
                absent=[("drv_eta", "If I set off now, what time would I reach {X}?", "drive_dest")])


STOCKS4 = {"Vantor Minerals": "VNTM", "Quellon Biotech": "QLNB", "Harrowgate Rail": "HRGR",
           "Solenne Foods": "SOLF", "Brisk Logistics": "BRSK", "Calder Semiconductors": "CLDS",
           "Ostrava Steel": "OSTV", "Meridia Pharma": "MRDP", "Tern Airways": "TERN", "Glenholm Water": "GLNW",
           "Pallas Robotics": "PLRB", "Corvid Security": "CRVD"}
TICKER_FILLERS = [("Bitcoin", "BTC"), ("Ether", "ETH"), ("Northwind Energy", "NWE"), ("Atlas Retail", "ATR"),
                  ("Kappa Media", "KPM"), ("Linden Bank", "LDB")]


def t_stock_watchlist(rng, day, used):
    name = used.pick("stock", sorted(STOCKS4), rng)
    rows_in = rng.sample(TICKER_FILLERS, 5)
    mine = rng.randrange(6)
    rows_in.insert(mine, (name, STOCKS4[name]))
    rows = []
    for nm, sym in rows_in:
        last = rng.randint(300, 250000) / 100
        pct = rng.choice([-1, 1]) * rng.randint(5, 900) / 100
        chg = last * pct / (100 + pct)
        vol = rng.choice([f"{rng.randint(110, 999)}K", f"{rng.randint(11, 99) / 10:.1f}M"])
        rows.append([sym, nm, f"{last:,.2f}", f"{chg:+,.2f}", f"{pct:+.2f}%", vol])
    return dict(app="Stocks", title=f"Watchlist - {rng.choice(['Long term', 'Tech and travel', 'ISA'])}",
                layout="table", theme="dark", numeric_right=True, shrink=2,
                lines=["# My watchlist", f"Portfolio value {pounds(rng.randint(400000, 9000000) / 100)}, "
                                          f"today {rng.choice(['+', '-'])}{pounds(rng.randint(1000, 90000) / 100)}",
                       f"Prices delayed 15 minutes. Last update {clock(rng, 9, 16)}.",
                       ["Symbol", "Name", "Last", "Change", "% Chg", "Volume"], *rows],
                qs=[("tick_pct", f"By what percentage did {name} move today?", [rows[mine][4]], "number"),
                    ("tick_price", f"What was {name}'s share price?", [rows[mine][2]], "money"),
                    ("tick_symbol", f"What's the ticker for {name}?", [rows[mine][0]], "code"),
                    ("tick_vol", f"How many {name} shares changed hands?", [rows[mine][5]], "number")],
                absent=[("tick_price", "What was {X}'s share price?", "stock")])


CLINIC_FILLERS = ["Blood test", "GP review", "Flu vaccination", "Asthma check", "Medication review"]
CLINIC_PLACES = ["Outpatients B, level 2", "Riverside Health Centre, room 4", "Main hospital, Clinic 7",
                 "Eye Unit, ground floor", "Park Lane Surgery", "Day Unit, level 1"]


def t_clinic_portal(rng, day, used):
    clinic = used.pick("clinic", ["physiotherapy", "dermatology", "audiology", "orthopaedics", "cardiology",
                                  "ophthalmology", "podiatry", "rheumatology", "dietetics",
                                  "ear, nose and throat", "sleep clinic", "fracture clinic"], rng)
    names = rng.sample(CLINIC_FILLERS, 3)
    mine = rng.randrange(4)
    names.insert(mine, clinic[0].upper() + clinic[1:])
    dates = sorted(day + dt.timedelta(days=o) for o in rng.sample(range(1, 40), 4))
    times = [clock(rng, 8, 17) for _ in names]
    who = [rng.choice([f"Dr {rng.choice(LAST4)}", people4(rng, 1)[0]]) for _ in names]
    while len(set(who)) < 4:
        who = [f"Dr {n}" for n in rng.sample(LAST4, 4)]
    where = rng.sample(CLINIC_PLACES, 4)
    h, m = map(int, times[0].split(":"))
    return dict(app="Firefox", title="Appointments - PatientLink", layout="cards",
                sidebar=["Home", "Appointments", "Test results", "Messages", "Repeat medicines"],
                lines=["# Your next appointment",
                       ("Clinic", names[0]), ("When", f"{dates[0]:%a} {dates[0].day} {dates[0]:%B}, {times[0]}"),
                       ("With", who[0]), ("Where", where[0]), ("Check in from", hm(h * 60 + m - 15)),
                       ("Bring", "Referral letter"),
                       "All upcoming appointments",
                       ["Date", "Time", "Clinic", "Clinician", "Location"],
                       *[[short_date(d)[0], t, n, w, p] for d, t, n, w, p in zip(dates, times, names, who, where)]],
                qs=[("clin_date", f"What day is my {clinic} appointment?", [short_date(dates[mine])[1]], "date"),
                    ("clin_time", f"What time do I need to be at {clinic}?", [times[mine]], "time"),
                    ("clin_who", f"Which clinician am I seeing for {clinic}?", [who[mine]], "person"),
                    ("clin_where", f"Where is the {clinic} appointment?", [where[mine]], "place")],
                absent=[("clin_time", "What time do I need to be at {X}?", "clinic")])


LESSONS4 = ["Reading the data", "Common mistakes", "Putting it together", "Practice quiz", "Case study",
            "Going further", "Review and recap", "Hands-on project"]


def t_course_progress(rng, day, used):
    course = used.pick("course", ["Intro to Statistics", "Conversational Spanish", "Watercolour Basics",
                                  "Python for Data Analysis", "Bookkeeping Essentials", "UX Research Methods",
                                  "Beginner Guitar", "Photography Fundamentals", "Project Management Foundations",
                                  "Nutrition Science", "Creative Writing", "Spreadsheet Formulas"], rng)
    teacher, ta = people4(rng, 2)
    total = rng.randint(24, 48)
    done = rng.randint(4, total - 4)
    pct = round(100 * done / total)
    quiz = rng.choice([q for q in range(55, 100) if q != pct])
    cur = rng.randint(2, 4)
    nxt = f"{cur}.{rng.randint(2, 5)} {rng.choice(LESSONS4)}"
    due = day + dt.timedelta(days=rng.randint(3, 20))
    live = day + dt.timedelta(days=rng.randint(1, 12))
    enrolled = day - dt.timedelta(days=rng.randint(20, 90))
    slug = course.lower().replace(" ", "-")
    url = f"https://learn.brightcourse.example/{slug}/forum"
    status = ["Complete"] * (cur - 1) + [f"In progress, {rng.randint(1, 4)} of 6"] + ["Not started"] * (5 - cur)
    return dict(app="Chromium", title=f"{course} - Brightcourse", layout="cards", reading=True,
                lines=[f"# {course}", f"with {teacher}, teaching assistant {ta}. Enrolled {enrolled.day} {enrolled:%b}.",
                       ("Progress", f"{pct}% complete"), ("Lessons done", f"{done} of {total}"),
                       ("Last quiz", f"{quiz}%"), ("Assignment 2 due", f"{due:%a} {due.day} {due:%B}"),
                       ("Live Q&A", f"{live.day} {live:%b} at {clock(rng, 17, 20)}"), ("Certificate", "On completion"),
                       ["Module", "Lessons", "Status"],
                       *[[f"Module {k + 1}", "6", s] for k, s in enumerate(status)],
                       f"Up next: {nxt}", f"Discussion forum: {url}"],
                qs=[("crs_pct", f"How much of {course} have I finished?", [f"{pct}%"], "number"),
                    ("crs_next", f"Which lesson is up next in {course}?", [nxt], "text"),
                    ("crs_due", f"What's the deadline for the {course} assignment?", [f"{due.day} {due:%B}"], "date"),
                    ("crs_teacher", f"Who teaches {course}?", [teacher], "person"),
                    ("crs_forum", f"What's the web address of the {course} forum?", [url], "url")],
                absent=[("crs_teacher", "Who teaches {X}?", "course")],
                activity=[course])


def t_meter_reading(rng, day, used):
    supplier = used.pick("meter_supplier", ["Marshgate Gas", "Hollin Water", "Brightmoor Energy",
                                            "Tarn Valley Power", "Pendle Gas & Power", "Coastway Energy",
                                            "Elmstead Utilities", "Wyvern Energy", "Caldbeck Power",
                                            "Ferrybridge Gas", "Lowther Power", "Severnside Energy"], rng)
    kind, unit = rng.choice([("Electricity", "kWh"), ("Gas", "units")])
    prev = rng.randint(1000, 60000)
    use = rng.randint(120, 900)
    prev_date = day - dt.timedelta(days=rng.randint(60, 100))
    serial = f"{rng.choice('EGKLS')}{rng.randint(10, 99)}{rng.choice('ABCDEFGHJK')}{rng.randint(1000000, 9999999)}"
    return dict(app="Firefox", title=f"Submit a meter reading - {supplier}", layout="form",
                lines=["# Submit a meter reading", f"{supplier}, {kind.lower()} account",
                       "Read the digits from left to right and ignore any in red.",
                       ("Account number", str(rng.randint(100000000, 999999999))), ("Meter serial number", serial),
                       ("Meter type", f"{kind}, {rng.choice(['smart (not connected)', 'standard credit', 'Economy 7'])}"),
                       ("Previous reading", f"{prev:06d} on {prev_date:%d/%m/%Y}"),
                       ("Today's reading", f"{prev + use:06d}"), ("Date of reading", f"{day:%d/%m/%Y}"),
                       ("Usage since last reading", f"{use} {unit}"),
                       ("Estimated cost", pounds(use * rng.uniform(0.07, 0.3))),
                       "Cancel          Submit reading"],
                qs=[("mtr_new", f"What reading did I send {supplier}?", [f"{prev + use:06d}"], "number"),
                    ("mtr_serial", f"What's the serial of my {supplier} meter?", [serial], "code"),
                    ("mtr_prev", f"When was my {supplier} meter last read before this?", [f"{prev_date:%d/%m/%Y}"], "date"),
                    ("mtr_usage", f"How much {kind.lower()} have I used since the previous {supplier} reading?",
                     [f"{use} {unit}"], "number")],
                absent=[("mtr_serial", "What's the serial of my {X} meter?", "meter_supplier")])


PHRASES = {  # language: (English, translation), the first two of each asked about, the rest fillers
    "German": [("Where is the train station?", "Wo ist der Bahnhof?"), ("Where can I buy stamps?", "Wo kann ich Briefmarken kaufen?"),
               ("I have a reservation", "Ich habe eine Reservierung"), ("The room is too cold", "Das Zimmer ist zu kalt"),
               ("We are here on holiday", "Wir sind hier im Urlaub")],
    "Italian": [("The bill, please", "Il conto, per favore"), ("Do you have a table for four?", "Avete un tavolo per quattro?"),
                ("We would like to order", "Vorremmo ordinare"), ("I would like a glass of water", "Vorrei un bicchiere d'acqua"),
                ("See you tomorrow", "A domani")],
    "Dutch": [("How much is a ticket?", "Hoeveel kost een kaartje?"), ("Can I pay by card?", "Kan ik met de kaart betalen?"),
              ("I am looking for the library", "Ik zoek de bibliotheek"), ("The shop is closed", "De winkel is gesloten"),
              ("Good morning", "Goedemorgen")],
    "Spanish": [("I need a taxi", "Necesito un taxi"), ("We have two children", "Tenemos dos hijos"),
                ("The menu, please", "La carta, por favor"), ("I like this city", "Me gusta esta ciudad"),
                ("Good night", "Buenas noches")],
    "French": [("My luggage is lost", "Mes bagages sont perdus"), ("I am allergic to nuts", "Je suis allergique aux noix"),
               ("Is this seat free?", "Est-ce que cette place est libre?"), ("We are lost", "Nous sommes perdus"),
               ("The museum is closed today", "Le musee est ferme aujourd'hui")],
}
PHRASE_LANG = {en: lang for lang, pairs in PHRASES.items() for en, _ in pairs[:2]}


def t_translator(rng, day, used):
    en = used.pick("phrase", sorted(PHRASE_LANG), rng)
    lang = PHRASE_LANG[en]
    tr = dict(PHRASES[lang])[en]
    more = rng.choice(PHRASES[lang][2:])
    history = rng.sample([(la, p) for la, pairs in PHRASES.items() if la != lang for p in pairs[2:]], 3)
    return dict(app="Dialect", title=f"Translate - English to {lang}", layout="panes",
                lines=["# Translate", f"English  ->  {lang}          Detected language: English",
                       ("English", lang), (en, tr), (more[0], more[1]),
                       f"{len(en) + len(more[0]) + 1} / 5,000 characters",
                       "History",
                       *[f"{e}  ->  {t}  ({la})" for la, (e, t) in history]],
                qs=[("tr_text", f"What did the translator give for \"{en}\"?", [tr], "text"),
                    ("tr_lang", f"Which language was I translating \"{en}\" into?", [lang], "text")],
                absent=[("tr_text", "What did the translator give for \"{X}\"?", "phrase")])


def t_security_code(rng, day, used):
    service = used.pick("otp_service", ["Brackwater Bank", "Tessaly Health", "Orchid Mobile", "Farthing Pay",
                                        "Hearthstone Energy", "Copperline Broadband", "Mosaic Travel",
                                        "Pinnacle Pensions", "Lindenhall Council", "Driftwood Cloud",
                                        "Saltmarsh Savings", "Kingsfold Tax"], rng)
    old, new = (f"{c:06d}" for c in rng.sample(range(0, 999999), 2))
    t_old = rng.randint(9 * 60, 19 * 60)
    t_new = t_old + rng.randint(2, 9)
    changed = day - dt.timedelta(days=rng.randint(90, 700))
    opened = changed - dt.timedelta(days=rng.randint(200, 2000))
    last4 = str(rng.randint(1000, 9999))
    minlen = rng.choice([10, 12, 14, 16])
    return dict(app="Firefox", title=f"Security - {service}", layout="plain",
                lines=["# Change your password", f"{service}, security settings",
                       f"Password last changed on {changed.day} {changed:%B %Y}.",
                       f"Account opened {opened.day} {opened:%B %Y}.",
                       "Your new password needs:", f"   - at least {minlen} characters",
                       "   - one number and one symbol", f"   - not one of your last {rng.choice([3, 5, 8])} passwords",
                       f"We sent a 6-digit code to your phone ending {last4}.",
                       "Enter the code:  _ _ _ _ _ _", f"The code expires at {hm(t_new + 10)}.",
                       "Didn't get it? Send a new code"],
                toast=(f"Messages - {service}", [f"{hm(t_old)}  Your {service} code is {old}.",
                                                  f"{hm(t_new)}  Your {service} code is {new}. Never share it."]),
                qs=[("otp_code", f"What was the latest verification code {service} texted me?", [new], "code"),
                    ("otp_changed", f"When did I last update my {service} password?",
                     [f"{changed.day} {changed:%B %Y}"], "date"),
                    ("otp_phone", f"Which phone number ending does {service} send codes to?", [last4], "number"),
                    ("otp_minlen", f"How long does my new {service} password need to be?", [f"{minlen} characters"], "number"),
                    ("otp_expiry", f"Until what time is the {service} code valid?", [hm(t_new + 10)], "time")],
                absent=[("otp_code", "What was the latest verification code {X} texted me?", "otp_service")])

# --- round 5 (issue 18): a fifth held-out set, written blind to the answer code and tuned on by
# nobody: the held-out measure. Screens of everyday errands and tools (a hardware store basket, a
# job application tracker, a car service booked in a dialog, a tax return summary, `git log`, a
# bike ride, a visa appointment, a domain's DNS records, a cloud bill by service, `npm outdated`,
# a restaurant booking, wedding RSVPs, a bank card's limits, a library room booking, puzzle
# statistics, a council tax bill, a home energy dashboard, an e-book), drawn with layouts of their
# own: a "modal" dialog over the dimmed window, "tiles" (the value large, its label small under
# it), breadcrumbs over the page, a status bar of small text and a table with merged group
# headers. People come from a fifth name pool; each question's entity from its own pool.
FIRST5 = ["Alaric", "Briony", "Caspian", "Delphina", "Elowen", "Florian", "Giselle", "Hamish", "Isolde",
          "Jasper", "Kezia", "Lysander", "Marguerite", "Nicolai", "Ottilie", "Percival", "Romilly", "Sylvester"]
LAST5 = ["Abbott", "Beaumont", "Cromwell", "Devereux", "Esposito", "Fitzgerald", "Grantham", "Holloway",
         "Ivanova", "Jardine", "Kavanagh", "Lowell", "Montague", "Nightingale", "Oakley", "Pemberton"]


people5 = people_of(FIRST5, LAST5)   # the fifth pool


def hms(seconds: int) -> str:
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def mss(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def usd5(v: float) -> str:
    return f"${v:,.2f}"


def long_date(d: dt.date) -> tuple[str, str]:
    """'Friday 17 April' as shown, and '17 April' as the answer."""
    return f"{d:%A} {d.day} {d:%B}", f"{d.day} {d:%B}"


HW_ITEMS = ["cordless drill", "wall anchors", "masking tape", "spirit level", "paint roller set", "stud finder",
            "tile spacers", "sanding sheets", "cable ties", "extension reel", "silicone sealant", "pipe wrench"]
HW_FILLERS = ["claw hammer", "dust sheets", "wood glue", "hacksaw blades", "safety goggles", "picture hooks",
              "decorator's caulk", "filler knife"]


def t_hardware_cart(rng, day, used):
    item = used.pick("hw_item", HW_ITEMS, rng)
    names = [item, *rng.sample(HW_FILLERS, 3)]
    rng.shuffle(names)
    rows = []
    for name in names:
        qty, each = rng.randint(1, 6), rng.randint(150, 8999) / 100
        rows.append([name.capitalize(), f"BY-{rng.randint(100000, 999999)}", str(qty), pounds(each), pounds(qty * each)])
    while len({r[3] for r in rows}) < 4:  # unit prices differ, so "the dearest" has one answer
        rows[0][3] = pounds(float(rows[0][3][1:].replace(",", "")) + 0.5)
        rows[0][4] = pounds(int(rows[0][2]) * float(rows[0][3][1:].replace(",", "")))
    mine = next(r for r in rows if r[0] == item.capitalize())
    sub = sum(float(r[4][1:].replace(",", "")) for r in rows)
    deliv = rng.choice([4.95, 6.5, 0.0])
    promo = round(sub * 0.1, 2)
    dearest = max(rows, key=lambda r: float(r[3][1:].replace(",", "")))[0]
    return dict(app="Firefox", title="Your basket - Brickyard DIY", layout="table", numeric_right=True,
                crumbs=["Home", "Decorating & tools", "Basket"],
                lines=[f"# Your basket ({sum(int(r[2]) for r in rows)} items)",
                       ["Product", "Code", "Qty", "Each", "Line total"], *rows,
                       f"Subtotal {pounds(sub)}    Delivery {pounds(deliv) if deliv else 'Free'}",
                       f"Code SPRING10 applied: -{pounds(promo)}",
                       f"You pay {pounds(sub + deliv - promo)}     Click & collect ready in 2 hours"],
                qs=[("hw_qty", f"How many {item} did I put in the basket?", [mine[2]], "number"),
                    ("hw_each", f"What does a single {item} cost at Brickyard?", [mine[3][1:]], "money"),
                    ("hw_code", f"What's Brickyard's product code for the {item}?", [mine[1]], "code"),
                    ("hw_total", f"How much will the Brickyard order with the {item} come to after the discount?",
                     [pounds(sub + deliv - promo)[1:]], "money"),
                    ("hw_dearest", f"Which product in the basket with the {item} has the highest unit price?",
                     [dearest], "text")],
                absent=[("hw_qty", "How many {X} did I put in the basket?", "hw_item")])


JOB_COMPANIES = ["Quillfeather", "Stonebridge Robotics", "Mapleview Health", "Tallowmere Games",
                 "Glasswing Analytics", "Harrowgate Foods", "Brindle Mobility", "Wavecrest Energy",
                 "Cinderfield Media", "Palisade Security", "Lumenfold Optics", "Rookwood Bank"]
JOB_FILLERS = ["Vantage Freight", "Sorrel Software", "Baywood Retail", "Crestline Pharma", "Ambergate Studios"]
JOB_ROLES = ["Data Analyst", "Product Designer", "Backend Engineer", "Operations Manager", "UX Researcher",
             "Account Executive", "QA Lead", "Marketing Coordinator"]
JOB_STAGES = ["Applied", "Phone screen", "Take-home task", "Technical interview", "Final round", "Offer",
              "Rejected"]


def t_job_tracker(rng, day, used):
    co = used.pick("job_co", JOB_COMPANIES, rng)
    cos = [co, *rng.sample(JOB_FILLERS, 4)]
    rng.shuffle(cos)
    applied = sorted((day - dt.timedelta(days=o) for o in rng.sample(range(2, 50), 5)), reverse=True)
    roles, stages, contacts = rng.sample(JOB_ROLES, 5), rng.sample(JOB_STAGES, 5), people5(rng, 5)
    if cos[0] == co:  # a newer application sits above the asked one ("the one after")
        cos[0], cos[1] = cos[1], cos[0]
    k = cos.index(co)
    rows = [[c, r, short_date(a)[0], s, p] for c, r, a, s, p in zip(cos, roles, applied, stages, contacts)]
    return dict(app="Firefox", title="Applications - Jobtrail", layout="table", groups=[("Position", 2), ("Progress", 2),
                                                                                          ("Contact", 1)],
                sidebar=["Board", "Applications", "Contacts", "Interviews", "Documents"],
                lines=["# My applications", f"5 applications, newest first. Updated {short_date(day)[0]}",
                       ["Company", "Role", "Applied", "Stage", "Recruiter"], *rows],
                qs=[("job_stage", f"How far along is my application to {co}?", [stages[k]], "text"),
                    ("job_applied", f"When did I send my application to {co}?", [short_date(applied[k])[1]], "date"),
                    ("job_contact", f"Who is my recruiter at {co}?", [contacts[k]], "person"),
                    ("job_role", f"What position did I apply for at {co}?", [roles[k]], "text"),
                    ("job_next", f"Which company did I apply to next, after {co}?", [cos[k - 1]], "text")],
                absent=[("job_stage", "How far along is my application to {X}?", "job_co")])


CAR_MODELS = ["Skoda Octavia", "Toyota Yaris", "Ford Focus", "Kia Niro", "Volvo V60", "Honda Jazz", "Mazda CX-5",
              "Renault Clio", "Hyundai i30", "Peugeot 308", "Nissan Leaf", "Fiat Panda"]
GARAGES = [("Kingsway Motors", "12 Dock Road"), ("Ferndale Autocare", "Unit 3, Mill Lane Estate"),
           ("Parkside Garage", "88 Station Street"), ("Beacon Car Centre", "4 Quarry Way")]


def t_car_service(rng, day, used):
    car = used.pick("car", CAR_MODELS, rng)
    garage, street = rng.choice(GARAGES)
    prices = {"Interim service": rng.randint(119, 159), "Full service": rng.randint(219, 279),
              "Major service": rng.randint(329, 399), "MOT test": 54.85, "Air-con regas": rng.randint(59, 89)}
    work = rng.choice(["Interim service", "Full service", "Major service"])
    extra = rng.choice(["MOT test", "Air-con regas"])
    total = prices[work] + prices[extra]
    when = day + dt.timedelta(days=rng.randint(3, 20))
    drop = rng.randint(15, 19) * 30
    ready = drop + rng.randint(12, 16) * 30
    ref = f"SVC-{rng.randint(10000, 99999)}"
    mot = when + dt.timedelta(days=rng.randint(10, 200))
    plate = f"{rng.choice(['AB', 'KX', 'LM', 'YR'])}{rng.randint(10, 24)} {''.join(rng.sample('CDFHJKLNPRTVWXZ', 3))}"
    return dict(app="Chromium", title=f"Book a service - {garage}", layout="table",
                lines=["# Book your service", f"{garage}, {street}, {rng.choice(CITIES)}", "Step 3 of 3: review and confirm",
                       ["Service", "Price"], *[[s, pounds(p)] for s, p in prices.items()],
                       "Prices include VAT. Brake fluid and filters charged only if needed."],
                modal=("Booking confirmed", [f"Reference {ref}", f"{car}, registration {plate}",
                                             f"{work} + {extra}", f"Drop off {long_date(when)[0]}, {hm(drop)}",
                                             f"Ready to collect from {hm(ready)}",
                                             f"At {garage}, {street}", f"Estimated total {pounds(total)}",
                                             f"MOT due by {long_date(mot)[1]}"],
                       ["Add to calendar", "Done"]),
                qs=[("svc_total", f"How much should the {car} service come to?", [pounds(total)[1:]], "money"),
                    ("svc_drop", f"What time do I need to leave the {car} at the garage?", [hm(drop)], "time"),
                    ("svc_ready", f"From when can I pick the {car} up again?", [hm(ready)], "time"),
                    ("svc_where", f"Where is the {car} being serviced?", [f"{garage}, {street}", garage], "place"),
                    ("svc_ref", f"What's the booking reference for the {car}'s service?", [ref], "code"),
                    ("svc_day", f"Which day is the {car} booked in?", [long_date(when)[1]], "date")],
                absent=[("svc_total", "How much should the {X} service come to?", "car")])


TAX_YEARS = [f"{y} to {y + 1}" for y in range(2013, 2025)]


def t_tax_summary(rng, day, used):
    ty = used.pick("tax_year", TAX_YEARS, rng)
    y = int(ty[:4])
    income = rng.randint(28000, 90000) + rng.choice([0, 0.5, 0.25])
    allow = 12570.0
    taxable = income - allow
    itax = round(min(taxable, 37700) * 0.2 + max(0, taxable - 37700) * 0.4, 2)
    ni = round(max(0, min(income, 50270) - allow) * rng.choice([0.06, 0.09]), 2)
    paye = round(itax * rng.uniform(0.3, 0.8), 2)
    bal = round(itax + ni - paye, 2)
    poa = round(bal / 2, 2)
    utr = f"{rng.randint(10000, 99999)} {rng.randint(10000, 99999)}"
    return dict(app="Firefox", title=f"Tax return {ty} - summary", layout="kv", shrink=2,
                sidebar=["Your tax account", "Self Assessment", "  Returns", "  Payments", "Messages"],
                lines=[f"# Your {ty} tax return", "Submitted. This is a summary of your calculation.",
                       ("Unique Taxpayer Reference", utr), ("Total income received", pounds(income)),
                       ("Personal Allowance", pounds(allow)), ("Income on which tax is due", pounds(taxable)),
                       ("Income Tax", pounds(itax)), ("Class 4 National Insurance", pounds(ni)),
                       ("Tax deducted through PAYE", pounds(paye)), ("Balance to pay", pounds(bal)),
                       ("Payment deadline", f"31 January {y + 2}"),
                       ("Payment on account", f"{pounds(poa)} by 31 January {y + 2}, {pounds(poa)} by 31 July {y + 2}")],
                qs=[("tax_bal", f"What's the bottom line I still owe for {ty}?", [pounds(bal)[1:]], "money"),
                    ("tax_deadline", f"By when must the {ty} tax be paid?", [f"31 January {y + 2}"], "date"),
                    ("tax_income", f"How much did I earn altogether in {ty}?", [pounds(income)[1:]], "money"),
                    ("tax_utr", f"What's my taxpayer reference on the {ty} return?", [utr], "code"),
                    ("tax_paye", f"How much tax did my employer already take off in {ty}?", [pounds(paye)[1:]], "money")],
                absent=[("tax_bal", "What's the bottom line I still owe for {X}?", "tax_year")])


GIT_REPOS = ["tern-gateway", "plover-ui", "avocet-jobs", "bittern-store", "curlew-sdk", "dotterel-api",
             "godwit-admin", "lapwing-maps", "ouzel-billing", "redshank-search", "sanderling-auth", "whimbrel-cli"]
GIT_COMMITS = [("Fix race in token refresh", "src/auth/refresh.ts"), ("Raise upload timeout to 120s", "src/upload/client.ts"),
               ("Add retries to the webhook sender", "src/hooks/sender.ts"), ("Remove the old checkout flag", "src/flags.ts"),
               ("Handle an empty cart at checkout", "src/cart/checkout.ts"), ("Log request ids on errors", "src/log/middleware.ts"),
               ("Cache exchange rates for an hour", "src/fx/rates.ts")]


def t_git_log(rng, day, used):
    repo = used.pick("git_repo", GIT_REPOS, rng)
    commits = rng.sample(GIT_COMMITS, 3)
    authors = people5(rng, 3)
    hashes = ["".join(rng.choice("0123456789abcdef") for _ in range(40)) for _ in range(3)]
    t = dt.datetime.combine(day, dt.time(rng.randint(9, 17), rng.randint(0, 59), rng.randint(0, 59)))
    stamps = [t - dt.timedelta(minutes=m) for m in sorted(rng.sample(range(25, 4000), 2))]
    stamps = [t, *stamps]
    n = rng.choice([3, 4])
    lines = [f"~/src/{repo} (main) $ git log --stat -3"]
    for h, (msg, path), who, st in zip(hashes, commits, authors, stamps):
        plus, minus = rng.randint(2, 40), rng.randint(1, 12)
        lines += [f"commit {h}", f"Author: {who} <{who.split()[0].lower()}@{repo.split('-')[0]}.dev>",
                  f"Date:   {st:%a %b} {st.day} {st:%H:%M:%S %Y} +0100", f"    {msg}",
                  f" {path} | {plus + minus} {'+' * min(plus, 20)}{'-' * min(minus, 8)}"]
    lines.append(f"~/src/{repo} (main) $ git switch -c fix/{commits[0][0].split()[-1].lower()}")
    return dict(app="Terminal", title=f"{repo} - bash - 132x40", layout="plain", mono=True, theme="dark",
                shrink=n, lines=lines,
                qs=[("git_latest", f"Who made the newest commit in {repo}?", [authors[0]], "person"),
                    ("git_hash", f"What's the hash of the {repo} commit that says \"{commits[1][0]}\"?",
                     [hashes[1], hashes[1][:7]], "code"),
                    ("git_file", f"Which file did the oldest of the {repo} commits I looked at change?",
                     [commits[2][1]], "file"),
                    ("git_cmd", f"What did I type to see the recent history of {repo}?", ["git log --stat -3"], "command"),
                    ("git_after", f"In {repo}, what was committed right after \"{commits[2][0]}\"?", [commits[1][0]], "text")],
                absent=[("git_latest", "Who made the newest commit in {X}?", "git_repo")])


RIDES = ["Reservoir loop", "Coffee ride to Ware", "Chiltern hill repeats", "Canal towpath spin", "Forest lanes tempo",
         "Coast road out and back", "Lunchtime river loop", "Gravel ride over the downs", "Sunday club run",
         "Commute the long way", "Windmill hill climb", "Evening airfield laps"]


def t_bike_ride(rng, day, used):
    ride = used.pick("ride", RIDES, rng)
    when = day - dt.timedelta(days=rng.randint(1, 5))
    best = when - dt.timedelta(days=rng.randint(8, 60))
    km = rng.randint(180, 1200) / 10
    moving = int(km / rng.uniform(19, 31) * 3600)
    elapsed = moving + rng.randint(300, 2400)
    avg_hr, max_hr = rng.randint(118, 158), rng.randint(165, 192)
    climb = rng.randint(60, 1400)
    laps = rng.sample(range(590, 1140), 4)  # seconds per 5 km lap
    hrs = [avg_hr + rng.randint(-9, 9) for _ in laps]
    quick = 1 + laps.index(min(laps))
    return dict(app="Chromium", title=f"{ride} | Pedalog", layout="tiles",
                lines=[f"# {ride}", f"{long_date(when)[0]} at {clock(rng, 6, 18)}, road bike, {rng.choice(['Dry', 'Windy', 'Light rain'])}",
                       (f"{km} km", "Distance"), (hms(moving), "Moving time"), (hms(elapsed), "Elapsed time"),
                       (f"{km / moving * 3600:.1f} km/h", "Average speed"), (f"{avg_hr} bpm", "Average heart rate"),
                       (f"{max_hr} bpm", "Max heart rate"), (f"{climb} m", "Elevation gain"),
                       (f"{int(km * rng.uniform(22, 30)):,} kcal", "Calories"),
                       "First laps (auto lap every 5 km)", ["Lap", "Distance", "Time", "Avg heart rate"],
                       *[[f"Lap {k + 1}", "5.0 km", f"{s // 60}:{s % 60:02d}", f"{h} bpm"]
                         for k, (s, h) in enumerate(zip(laps, hrs))],
                       f"Your best on this route: {long_date(best)[1]}"],
                qs=[("ride_dist", f"How far did I cycle on the {ride}?", [f"{km} km"], "number"),
                    ("ride_hr", f"What was my average pulse on the {ride}?", [f"{avg_hr} bpm"], "number"),
                    ("ride_moving", f"How long was I actually pedalling on the {ride}?", [hms(moving)], "number"),
                    ("ride_climb", f"How much climbing did the {ride} have?", [f"{climb} m"], "number"),
                    ("ride_day", f"On what date did I do the {ride}?", [long_date(when)[1]], "date"),
                    ("ride_quick", f"Which lap of the {ride} was the fastest?", [f"Lap {quick}"], "text")],
                absent=[("ride_dist", "How far did I cycle on the {X}?", "ride")])


VISA_COUNTRIES = ["Japan", "Canada", "India", "Brazil", "Kenya", "Vietnam", "Australia", "Turkey", "Argentina",
                  "Mexico", "Indonesia", "Egypt"]
VISA_CENTRES = ["VFS centre, 66 Wilson Street, London", "TLS centre, Level 2, Piccadilly Plaza, Manchester",
                "Visa Application Centre, 1 Cornwall Street, Birmingham", "VFS centre, 14 Links Place, Edinburgh"]


def t_visa_appointment(rng, day, used):
    country = used.pick("visa_country", VISA_COUNTRIES, rng)
    when = day + dt.timedelta(days=rng.randint(4, 30))
    slot = rng.randint(36, 63) * 15
    app_no = f"GWF0{rng.randint(10000000, 99999999)}"
    centre = rng.choice(VISA_CENTRES)
    url = f"https://visa-appointments.example/{country.lower()}/reschedule/{app_no[-6:]}"
    return dict(app="Firefox", title=f"Appointment - {country} visa application", layout="kv", reading=True,
                sidebar=["Dashboard", "My applications", "Appointments", "Payments", "Help"],
                crumbs=["Home", "My applications", f"{country} visa", "Appointment"],
                lines=["# Biometrics appointment booked", f"Your application for a {country} tourist visa, single entry",
                       ("Application number", app_no), ("Applicant", people5(rng, 1)[0]),
                       ("Appointment", f"{long_date(when)[0]}, {hm(slot)}"), ("Arrive by", hm(slot - 15)),
                       ("Location", centre), ("Fee paid", pounds(rng.choice([76.5, 115.0, 127.25, 98.0]))),
                       ("Applied on", long_date(day - dt.timedelta(days=rng.randint(2, 12)))[1]),
                       "Bring your passport, the printed confirmation and two photos.",
                       f"Need to change it? {url}"],
                qs=[("visa_time", f"What time is my {country} visa appointment?", [hm(slot)], "time"),
                    ("visa_day", f"Which day do I go in for the {country} visa biometrics?", [long_date(when)[1]], "date"),
                    ("visa_where", f"Where do I have to go for the {country} visa?", [centre], "place"),
                    ("visa_no", f"What's the application number for my {country} visa?", [app_no], "code"),
                    ("visa_url", f"Where online can I move the {country} visa appointment?", [url], "url")],
                absent=[("visa_time", "What time is my {X} visa appointment?", "visa_country")],
                activity=[f"{country} visa"])


DOMAINS = ["larchmere.org", "quaysidebakes.co.uk", "hollyoakpottery.com", "fennelandfig.net", "saltcellar.io",
           "brackenridge.dev", "wyndhamclimbing.club", "thimbleandthread.shop", "eastwoodchoir.org", "pipistrelle.app",
           "cobbleworks.co", "marshlightfilms.com"]


def t_dns_records(rng, day, used):
    dom = used.pick("domain", DOMAINS, rng)
    ips = [f"203.0.113.{n}" for n in rng.sample(range(2, 250), 2)]
    ttl_a, ttl_mx = rng.sample([300, 600, 1800, 3600, 14400], 2)
    mx = rng.sample(["mx1.mailroute.net", "mx2.mailroute.net", "inbound.postbox.email", "smtp-in.fastmx.io"], 2)
    prio = sorted(rng.sample([5, 10, 20, 30, 50], 2))
    order = rng.sample([0, 1], 2)
    shop = rng.choice(["shops.storefront.app", "proxy.webflowsites.net", "custom.ghostpages.io"])
    rows = [["A", "@", ips[0], str(ttl_a), ""], ["A", "www", ips[1], str(ttl_a), ""],
            ["CNAME", "shop", shop, "3600", ""],
            *[["MX", "@", mx[k], str(ttl_mx), str(prio[k])] for k in order],
            ["TXT", "@", "v=spf1 include:_spf.mailroute.net ~all", "3600", ""]]
    return dict(app="Chromium", title=f"DNS records - {dom} - Hostwell", layout="table",
                sidebar=["Overview", "Domains", "Hosting", "Email", "Billing", "Support"],
                crumbs=["Hostwell", "Domains", dom, "DNS"],
                lines=[f"# DNS records for {dom}", "Changes can take up to 24 hours to spread.",
                       ["Type", "Name", "Content", "TTL", "Priority"], *rows, "+ Add record      Import zone file"],
                qs=[("dns_ip", f"Which IP address does the bare {dom} domain point to?", [ips[0]], "text"),
                    ("dns_ttl", f"How many seconds do the {dom} mail records stay cached?", [str(ttl_mx)], "number"),
                    ("dns_first", f"Which mail server does {dom} try first?", [mx[0]], "text"),
                    ("dns_shop", f"What is shop.{dom} an alias for?", [shop], "url")],
                absent=[("dns_ip", "Which IP address does the bare {X} domain point to?", "domain")])


CLOUD_ACCOUNTS = ["kelp-analytics-prod", "ferrous-web-staging", "nimbus-crm-prod", "wren-ml-research",
                  "gannet-shop-prod", "mistral-data-lake", "puffin-mobile-api", "heather-internal-tools",
                  "osprey-video-prod", "quince-payments", "rowan-etl-nightly", "skua-game-servers"]
CLOUD_SERVICES = ["Compute instances", "Object storage", "Managed database", "Load balancers", "Data transfer out",
                  "Backups", "Kubernetes clusters"]


def t_cloud_bill(rng, day, used):
    acct = used.pick("cloud_acct", CLOUD_ACCOUNTS, rng)
    services = rng.sample(CLOUD_SERVICES, 5)
    now = [round(rng.uniform(12, 2400), 2) for _ in services]
    last = [round(v * rng.uniform(0.6, 1.5) * 1.6, 2) for v in now]
    mtd = sum(now)
    fc = mtd * rng.uniform(1.5, 2.2)
    top = services[now.index(max(now))]
    db = services.index("Managed database") if "Managed database" in services else None
    month = day.replace(day=1)
    prev = (month - dt.timedelta(days=1)).replace(day=1)
    qs = [("cloud_top", f"What costs the most on {acct} so far this month?", [top], "text"),
          ("cloud_mtd", f"How much has {acct} run up so far in {month:%B}?", [usd5(mtd)[1:]], "money"),
          ("cloud_fc", f"What is {acct} expected to cost for the whole of {month:%B}?", [usd5(fc)[1:]], "money"),
          ("cloud_prev", f"What did {services[1].lower()} cost on {acct} in {prev:%B}?", [usd5(last[1])[1:]], "money")]
    if db is not None:
        qs.append(("cloud_db", f"How much is database hosting costing on {acct} this month?", [usd5(now[db])[1:]], "money"))
    return dict(app="Chromium", title=f"Billing - {acct} - Cloud console", layout="table", numeric_right=True,
                groups=[("", 1), (f"{month:%b %Y} to date", 2), (f"{prev:%B %Y}", 1)],
                lines=[f"# Costs for {acct}", f"Billing period {month.day} {month:%b} - {day.day} {day:%b}. Amounts in USD.",
                       ["Service", "Cost", "Share", "Cost "],
                       *[[s, usd5(v), f"{round(100 * v / mtd)}%", usd5(p)] for s, v, p in zip(services, now, last)],
                       f"Month to date: {usd5(mtd)}", f"Forecast for {month:%B}: {usd5(fc)}",
                       f"Budget alert at {usd5(round(fc * 1.2, -2))} is set for finance@example.com"],
                qs=qs, absent=[("cloud_top", "What costs the most on {X} so far this month?", "cloud_acct")])


NODE_PROJECTS = ["puddle-dashboard", "sloe-admin", "gorse-site", "medlar-app", "yarrow-docs", "burdock-shop",
                 "teasel-portal", "campion-api", "vetch-widgets", "sorrel-blog", "tansy-forms", "woad-mobile"]
NPM_PKGS = [("react", "18.2.0", "18.3.1", "19.1.0"), ("vite", "5.1.4", "5.4.11", "6.2.0"), ("eslint", "8.56.0", "8.57.1", "9.21.0"),
            ("typescript", "5.3.3", "5.7.3", "5.7.3"), ("zod", "3.22.4", "3.24.2", "3.24.2"), ("axios", "1.6.7", "1.8.1", "1.8.1"),
            ("date-fns", "2.30.0", "2.30.0", "4.1.0"), ("prettier", "3.2.5", "3.5.2", "3.5.2")]


def t_npm_outdated(rng, day, used):
    proj = used.pick("node_proj", NODE_PROJECTS, rng)
    pkgs = rng.sample(NPM_PKGS, 5)
    up = rng.choice(pkgs[:3])
    failed, passed = rng.randint(1, 6), rng.randint(60, 400)
    broke = failed * rng.randint(2, 4)  # failing tests, in `failed` test files
    behind = max(pkgs, key=lambda p: int(p[3].split(".")[0]) - int(p[1].split(".")[0]))
    if sum(int(p[3].split(".")[0]) - int(p[1].split(".")[0]) == int(behind[3].split(".")[0]) - int(behind[1].split(".")[0])
           for p in pkgs) > 1:
        behind = None
    cmd = f"npm install {up[0]}@{up[3]}"
    qs = [("npm_was", f"What version of {up[0]} was {proj} on before the upgrade?", [up[1]], "number"),
          ("npm_cmd", f"How did I upgrade {up[0]} in {proj}?", [cmd], "command"),
          ("npm_fail", f"How many tests broke in {proj} after the upgrade?", [str(broke)], "number")]
    if behind:
        qs.append(("npm_behind", f"Which package is the most major versions behind in {proj}?", [behind[0]], "text"))
    return dict(app="Terminal", title=f"{proj} - zsh - 120x36", layout="plain", mono=True, shrink=2,
                lines=[f"~/code/{proj} $ npm outdated", f"{'Package':<12}{'Current':<10}{'Wanted':<10}{'Latest':<10}Location",
                       *[f"{p:<12}{c:<10}{w:<10}{l:<10}node_modules/{p}" for p, c, w, l in pkgs],
                       f"~/code/{proj} $ {cmd}",
                       f"changed {rng.randint(1, 9)} packages, and audited {rng.randint(300, 900)} packages in {rng.randint(2, 14)}s",
                       f"{rng.randint(40, 160)} packages are looking for funding", f"~/code/{proj} $ npm test",
                       f"Test Files  {failed} failed | {rng.randint(20, 60)} passed",
                       f"     Tests  {broke} failed | {passed} passed ({passed + broke})",
                       f"  Duration  {rng.randint(3, 40)}.{rng.randint(10, 99)}s", f"~/code/{proj} $"],
                qs=qs, absent=[("npm_fail", "How many tests broke in {X} after the upgrade?", "node_proj")])


RESTAURANTS = ["Osteria Lupa", "The Salt Loft", "Kamado House", "Bistro Verdigris", "Mercado Azul", "The Gilded Perch",
               "Tandoor Lane", "Nori & Ash", "Casa Olmo", "The Copper Kettle", "Little Saigon Kitchen", "Brasserie Aubade"]


def t_restaurant_booking(rng, day, used):
    rest = used.pick("restaurant", RESTAURANTS, rng)
    when = day + dt.timedelta(days=rng.randint(2, 21))
    cancel = when - dt.timedelta(days=2)
    at = rng.randint(34, 42) * 30
    guests = rng.randint(2, 8)
    dep = rng.choice([10, 15, 20]) * guests
    late = rng.choice([v for v in (25, 35, 45, 55) if v != dep])  # a second amount, never the deposit
    ref = f"R{rng.randint(100000, 999999)}"
    addr = f"{rng.randint(2, 140)} {rng.choice(['Wharf Street', 'Kings Road', 'Market Row', 'Abbey Lane'])}, {rng.choice(CITIES)}"
    me = people5(rng, 1)[0]
    return dict(app="Thunderbird", title=f"Your booking at {rest} is confirmed", layout="kv",
                sidebar=["Inbox (4)", "Starred", "Sent", "Receipts", "Trash"],
                lines=[f"# See you soon at {rest}", f"Hi {me.split()[0]}, thank you for booking with us.",
                       ("Date", long_date(when)[0]), ("Time", hm(at)), ("Guests", str(guests)), ("Booking ref", ref),
                       ("Where", addr), ("Deposit taken", f"{pounds(dep)} (comes off your bill)"),
                       f"Free cancellation until {long_date(cancel)[1]}, {hm(at)}. After that a fee of",
                       f"{pounds(late)} per person applies. The kitchen closes at {hm(at + rng.randint(3, 5) * 30)}.",
                       f"Manage your booking: https://tablefor.example/b/{ref}"],
                qs=[("rest_time", f"What time are we eating at {rest}?", [hm(at)], "time"),
                    ("rest_party", f"How many of us is the {rest} table for?", [str(guests)], "number"),
                    ("rest_dep", f"How much did {rest} take upfront?", [pounds(dep)[1:]], "money"),
                    ("rest_cancel", f"Until what date can I call off {rest} without paying?", [long_date(cancel)[1]], "date"),
                    ("rest_where", f"What's the address of {rest}?", [addr], "place")],
                absent=[("rest_time", "What time are we eating at {X}?", "restaurant")])


COUPLES = ["Hattie & Rob", "Priya & Sam", "Lou & Dev", "Bea & Carlos", "Tess & Ollie", "Ana & Mo", "Ruth & Idris",
           "Cleo & Ben", "Jade & Kofi", "Esme & Raf", "Nell & Arjun", "Wren & Alex"]
MEALS = ["Lamb shoulder", "Wild mushroom risotto", "Sea bass", "Chicken supreme", "Vegan tagine"]


def t_wedding_rsvp(rng, day, used):
    couple = used.pick("couple", COUPLES, rng)
    wed = day + dt.timedelta(days=rng.randint(40, 160))
    by = wed - dt.timedelta(days=rng.randint(28, 42))
    guests = people5(rng, 6)
    replied = sorted((day - dt.timedelta(days=o) for o in rng.sample(range(0, 30), 5)), reverse=True)
    meals = [rng.choice(MEALS) for _ in range(5)]
    rows = [[g, "Attending", m, short_date(r)[0]] for g, m, r in zip(guests, meals, replied)]
    k = rng.randint(1, 4)
    rows[k][1:3] = ["Declined", "-"]
    rows.append([guests[5], "Awaiting", "-", "-"])
    yes, no, wait = rng.randint(40, 90), rng.randint(3, 15), rng.randint(5, 30)
    ask = rng.choice([i for i in range(5) if i != k])
    return dict(app="Firefox", title=f"{couple} - Guest list - Vowly", layout="tiles", selected=1,
                lines=[f"# {couple}, {long_date(wed)[1]} {wed.year}", f"Replies requested by {long_date(by)[1]}",
                       (str(yes), "Coming"), (str(no), "Can't make it"), (str(wait), "No reply yet"),
                       (str(yes + no + wait), "Invited"),
                       ["Guest", "Reply", "Main course", "Replied"], *rows],
                qs=[("rsvp_yes", f"How many people have said yes for {couple}'s wedding?", [str(yes)], "number"),
                    ("rsvp_meal", f"What is {guests[ask]} having for dinner at {couple}'s wedding?", [meals[ask]], "text"),
                    ("rsvp_latest", f"Who was the latest to reply for {couple}'s wedding?", [guests[0]], "person"),
                    ("rsvp_by", f"What's the reply deadline for {couple}'s wedding?", [long_date(by)[1]], "date"),
                    ("rsvp_no", f"Which guest turned down {couple}'s invitation?", [guests[k]], "person")],
                absent=[("rsvp_yes", "How many people have said yes for {X}'s wedding?", "couple")])


CARDS = ["Everyday Debit", "Travel Card", "Bills Card", "Joint Debit", "Business Debit", "Rewards Credit",
         "Student Debit", "Household Card", "Shopping Credit", "Online-only Card", "Gold Credit", "Family Debit"]


def t_card_limits(rng, day, used):
    card = used.pick("card", CARDS, rng)
    last4, other4 = (str(n) for n in rng.sample(range(1000, 9999), 2))
    atm_old, atm_new = rng.sample([200, 250, 300, 400, 500, 600, 800], 2)
    spend = rng.choice([1500, 2000, 3000, 5000])
    contactless = rng.choice([45, 100])
    return dict(app="Chromium", title=f"Card settings - {card} - Larkfield Bank", layout="kv",
                sidebar=["Accounts", "Cards", f"  {card} ..{last4}", f"  Savings card ..{other4}", "Payments", "Help"],
                lines=[f"# {card} ending {last4}", "Manage what this card can do.",
                       ("Card status", "Active"), ("Contactless payments", "On"), ("Online payments", "On"),
                       ("Gambling block", rng.choice(["On", "Off"])),
                       ("Daily cash withdrawals", pounds(atm_old)), ("Daily card spending", pounds(spend)),
                       ("Contactless limit", pounds(contactless)), ("Expires", f"{rng.randint(1, 12):02d}/{rng.randint(27, 31)}")],
                modal=("Change your daily cash limit", [f"{card} ending {last4}", f"Current limit: {pounds(atm_old)} a day",
                                                        f"New limit: {pounds(atm_new)} a day",
                                                        "The new limit starts at 00:00 tomorrow.",
                                                        f"Requested {short_date(day)[0]} {clock(rng, 8, 20)}"],
                       ["Cancel", "Confirm"]),
                qs=[("card_new", f"What will the {card}'s cash machine limit be after the change?",
                     [pounds(atm_new)[1:]], "money"),
                    ("card_spend", f"How much can I spend per day with the {card}?", [pounds(spend)[1:]], "money"),
                    ("card_digits", f"What are the last four digits of the {card}?", [last4], "number"),
                    ("card_starts", f"When does the new {card} cash limit kick in?", ["00:00"], "time")],
                absent=[("card_new", "What will the {X}'s cash machine limit be after the change?", "card")])


ROOMS = ["Turing Room", "Lovelace Room", "Darwin Room", "Austen Room", "Hypatia Room", "Brunel Room", "Franklin Room",
         "Curie Room", "Seacole Room", "Hawking Room", "Orwell Room", "Woolf Room"]
ROOM_FILLERS = ["Group Study 1", "Quiet Pod A", "Seminar Room B", "Media Booth 2"]


def t_room_booking(rng, day, used):
    room = used.pick("room", ROOMS, rng)
    rooms = [room, *rng.sample(ROOM_FILLERS, 3)]
    rng.shuffle(rooms)
    first = rng.randint(9, 11)
    hours = [first + h for h in range(5)]
    start = rng.randint(0, 3)
    grid = [[r, *[rng.choice(["Free", "Booked"]) for _ in hours]] for r in rooms]
    row = grid[rooms.index(room)]
    row[1 + start] = row[2 + start] = "Yours"
    floor = rng.choice(["Level 2, east wing", "Ground floor, by the cafe", "Level 3, silent zone", "Level 1, room 1.14"])
    seats = rng.choice([4, 6, 8, 10])
    ref = f"LB-{rng.randint(10000, 99999)}"
    d = long_date(day + dt.timedelta(days=rng.randint(1, 6)))
    end = f"{hours[start] + 2:02d}:00"
    return dict(app="Firefox", title="Book a study room - Central Library", layout="table",
                status=["Signed in as library card 2291 0457", "Central Library open today 08:00 - 22:00",
                        f"Session ends at {clock(rng, 18, 22)}"],
                lines=["# Study rooms", f"Showing {d[0]}", ["Room", *[f"{h:02d}:00" for h in hours]], *grid,
                       f"Your booking {ref}: {room}, {d[1]}, {hours[start]:02d}:00 - {end}",
                       f"{room}: {floor}, {seats} seats, screen and whiteboard",
                       "Check in at the desk within 15 minutes or the room is released."],
                qs=[("room_where", f"Which floor is the {room} on?", [floor], "place"),
                    ("room_end", f"When does my {room} booking finish?", [end], "time"),
                    ("room_ref", f"What's the reference for my {room} booking?", [ref], "code"),
                    ("room_seats", f"How many people can the {room} hold?", [f"{seats} seats"], "number")],
                absent=[("room_end", "When does my {X} booking finish?", "room")])


PUZZLES = ["Quick Cryptic", "Mini Crossword", "Killer Sudoku", "Letter Boxed", "Codeword", "Word Wheel", "Nonogram",
           "Kakuro", "Futoshiki", "Hashi Bridges", "Tangram Daily", "Spelling Hive"]


def t_puzzle_stats(rng, day, used):
    puzzle = used.pick("puzzle", PUZZLES, rng)
    played = rng.randint(60, 700)
    streak, longest = sorted(rng.sample(range(2, 90), 2))
    best, avg = sorted(rng.sample(range(150, 1500), 2))
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    per_day = rng.sample(range(avg - 120, avg + 300), 7)
    slow = days[per_day.index(max(per_day))]
    return dict(app="Chromium", title=f"{puzzle} - Statistics - Puzzlebox", layout="tiles", theme="dark",
                lines=[f"# {puzzle} statistics", f"Since {long_date(day - dt.timedelta(days=played + rng.randint(5, 90)))[1]}",
                       (str(played), "Played"), (f"{rng.randint(70, 99)}%", "Solved without help"),
                       (str(streak), "Current streak"), (str(longest), "Longest streak"),
                       (mss(best), "Best time"), (mss(avg), "Average time"),
                       ["Average by day", *days], ["Time", *[mss(t) for t in per_day]]],
                qs=[("pz_best", f"What's my fastest ever {puzzle} solve?", [mss(best)], "number"),
                    ("pz_streak", f"How many days in a row have I done the {puzzle} now?", [str(streak)], "number"),
                    ("pz_played", f"How many {puzzle} puzzles have I played in total?", [str(played)], "number"),
                    ("pz_slow", f"Which weekday do I take longest over the {puzzle}?", [slow], "text")],
                absent=[("pz_best", "What's my fastest ever {X} solve?", "puzzle")])


COUNCILS = ["Ashcombe District Council", "Brookvale Borough Council", "Cranleigh Vale Council", "Dunmore City Council",
            "Elmbridge Heath Council", "Fallowfield District Council", "Greystone Borough Council",
            "Hartwell Moor Council", "Ivydale District Council", "Kestrel Bay Council", "Larkhill Borough Council",
            "Millbrook Valley Council"]


def t_council_tax(rng, day, used):
    council = used.pick("council", COUNCILS, rng)
    band = rng.choice("ABCDEFG")
    annual = rng.randint(1300, 3400) + rng.choice([0.0, 0.36, 0.72, 0.15])
    rest = int(annual / 10)
    first = round(annual - 9 * rest, 2)
    y = day.year if day.month >= 3 else day.year - 1
    dues = [dt.date(y + (m > 12), (m - 1) % 12 + 1, 1) for m in range(4, 14)]
    amounts = [first] + [float(rest)] * 9
    acct = str(rng.randint(40000000, 49999999))
    home = f"{rng.randint(1, 90)} {rng.choice(['Larch Avenue', 'Copse Road', 'Well Street', 'Tanners Lane'])}"

    def cell(k):
        return [f"{dues[k].day} {dues[k]:%B %Y}", pounds(amounts[k])]
    return dict(app="Document Viewer", title=f"council-tax-bill-{y}.pdf", layout="table", reading=True,
                groups=[("April to August", 2), ("September to January", 2)],
                lines=[f"# Council Tax bill {y}/{(y + 1) % 100:02d}", council, f"Account reference {acct}",
                       f"Property: {home}, valuation band {band}",
                       f"Charge for the year {pounds(annual + rng.randint(60, 180))}, less single person discount",
                       f"Amount payable {pounds(annual)} by 10 instalments",
                       ["Due", "Amount", "Due ", "Amount "], *[cell(k) + cell(k + 5) for k in range(5)],
                       "Pay by Direct Debit to spread the cost over 12 months."],
                qs=[("ctax_year", f"How much council tax do I pay {council} this year after the discount?",
                     [pounds(annual)[1:]], "money"),
                    ("ctax_first", f"How big is the first {council} payment?", [pounds(first)[1:]], "money"),
                    ("ctax_last", f"When is the final {council} instalment due?", [f"{dues[-1].day} {dues[-1]:%B %Y}"], "date"),
                    ("ctax_home", f"Which property is the {council} bill for?", [home], "place"),
                    ("ctax_acct", f"What's my account reference with {council}?", [acct], "code")],
                absent=[("ctax_acct", "What's my account reference with {X}?", "council")],
                activity=[f"Council Tax bill {y}/{(y + 1) % 100:02d}", council])


HOMES = ["Willow Cottage", "Rose Barn", "The Old Forge", "Hillcrest", "Bramble House", "Mill Lodge", "Fern Villa",
         "Kingfisher House", "Larch Lodge", "Heather View", "Holly Cottage", "Sunnybank"]


def t_energy_dashboard(rng, day, used):
    home = used.pick("home", HOMES, rng)
    solar = rng.randint(40, 380) / 10
    exported = round(solar * rng.uniform(0.15, 0.5), 1)
    imported = rng.randint(5, 120) / 10
    batt = rng.randint(12, 100)
    peak_at = rng.randint(11 * 60, 14 * 60 + 30)
    updated = peak_at + rng.randint(40, 240)
    saved = round(solar * rng.uniform(0.12, 0.24), 2)
    month_saved = round(saved * rng.uniform(9, 25), 2)
    return dict(app="Chromium", title=f"{home} - Sunloop energy", layout="tiles",
                status=[f"Last updated {hm(updated)}", "Inverter online", f"Firmware {rng.randint(2, 4)}.{rng.randint(0, 9)}.{rng.randint(0, 20)}",
                        "Tariff: Flux Export"],
                lines=[f"# {home}", f"Today, {long_date(day)[0]}",
                       (f"{solar} kWh", "Generated by the panels"), (f"{exported} kWh", "Sent to the grid"),
                       (f"{imported} kWh", "Bought from the grid"), (f"{batt}%", "Battery charge"),
                       (f"{rng.randint(2, 40) / 10} kW", "Home using now"), (pounds(saved), "Saved today"),
                       f"Peak output {rng.randint(20, 60) / 10} kW at {hm(peak_at)}",
                       f"This month you have saved {pounds(month_saved)}. Export rate {rng.randint(10, 25)}.00p per kWh."],
                qs=[("en_solar", f"How much electricity did the panels at {home} make today?", [f"{solar} kWh"], "number"),
                    ("en_batt", f"How full is the battery at {home}?", [f"{batt}%"], "number"),
                    ("en_export", f"How much power did {home} sell back today?", [f"{exported} kWh"], "number"),
                    ("en_peak", f"At what time did the {home} panels produce the most?", [hm(peak_at)], "time"),
                    ("en_saved", f"How much money did the system at {home} save me today?", [pounds(saved)[1:]], "money")],
                absent=[("en_batt", "How full is the battery at {X}?", "home")])


BOOKS = [("The Lantern Keeper's Daughter", "Imogen Thorne"), ("A Winter in Trondheim", "Sebastian Vale"),
         ("Salt and Cinder", "Maren Okoye"), ("The Cartographer's Silence", "Tobias Wren"),
         ("Nine Bridges to Ardmore", "Cecily Hart"), ("The Orchard at World's End", "Rafael Anders"),
         ("Glass Harbour", "Yusuf Kell"), ("The Last Ferry from Skerray", "Annika Lowe"),
         ("Weathering the Quiet", "Dominic Fairleigh"), ("A Map of Small Hours", "Lucia Brenner"),
         ("The Beekeeper of Ostrava", "Pavla Novakova"), ("Letters from the Lighthouse Road", "Evie Carrow")]
BOOK_PROSE = ["The tide had turned by the time she reached the harbour wall, and the boats",
              "leaned against their moorings like tired horses. Nobody was waiting for her.",
              "She counted the windows along the front, the way her father used to, and stopped",
              "at the seventh: the one with the blue shutter that never quite closed.",
              "\"You came back,\" said a voice behind her, not unkindly.",
              "She did not turn round at once. There would be time for that, she thought,",
              "and time for the questions, and for the answers she had practised on the train."]


def t_ebook_reader(rng, day, used):
    title, author = used.pick("book", BOOKS, rng)
    chapters = rng.randint(18, 40)
    ch = rng.randint(3, chapters - 2)
    pct = round(100 * ch / chapters) + rng.randint(-2, 2)
    pages = rng.randint(240, 520)
    left = max(12, round((100 - pct) * rng.uniform(2.5, 5)))  # minutes: a book of 4 to 8 hours
    return dict(app="Foliate", title=f"{title} - {author}", layout="plain", reading=True,
                sidebar=["Contents", *[f"  {c}" for c in range(ch - 2, ch + 3)], "Bookmarks", "Notes"],
                status=[f"Chapter {ch} of {chapters}", f"Page {round(pages * pct / 100)} of {pages}", f"{pct}%",
                        f"{span(left)} left in book", f"{rng.randint(3, 25)} min left in chapter"],
                lines=[f"# {ch}. {rng.choice(['The Harbour Wall', 'Blue Shutters', 'Low Water', 'The Seventh Window'])}",
                       *BOOK_PROSE],
                qs=[("book_pct", f"How far through {title} am I?", [f"{pct}%"], "number"),
                    ("book_ch", f"Which chapter of {title} was I on?", [f"Chapter {ch}"], "text"),
                    ("book_left", f"How much reading time is left in {title}?", [span(left)], "number")],
                absent=[("book_pct", "How far through {X} am I?", "book")],
                activity=[title])


# --- round 6 (issue 18): a sixth held-out set, written blind to the answer code and tuned on by
# nobody: the held-out measure from the day the reader is tuned on classic-train, fresh-train,
# round3 and round4. Screens people really have (a mortgage schedule, a thermostat's week, a shared
# expenses app, a car charging session, a concert e-ticket, a grocery delivery slot, `docker
# compose`, a SQL client, systemd timers, a currency converter, a second-hand listing with its
# messages, a dentist's treatment plan, a print queue, a phone bill, a food diary, a school
# timetable), drawn with layouts of their own: "week" (a schedule's columns of cells), "ticket" (an
# e-ticket's fields with a perforated stub) and "list" (a phone app's rows: a title over its detail,
# the value right-aligned). People come from a sixth name pool; each question's entity from its own
# pool, the rest from fillers.
FIRST6 = ["Anouk", "Benedikt", "Catalina", "Dmitri", "Esther", "Fionn", "Greta", "Hector", "Ilona",
          "Joaquin", "Katya", "Lucian", "Maren", "Nils", "Orla", "Piet", "Rhiannon", "Stellan"]
LAST6 = ["Albrecht", "Bianchi", "Coutinho", "Dahlberg", "Eastwood", "Forsyth", "Gruber", "Hensley",
         "Ishikawa", "Janssen", "Krol", "Mulligan", "Navarro", "Ostrowski", "Pryce", "Vasquez"]


people6 = people_of(FIRST6, LAST6)   # the sixth pool


def gbp(v: float) -> str:
    return f"£{v:,.2f}"


def _months_on(d: dt.date, k: int) -> dt.date:
    m = d.month - 1 + k
    return dt.date(d.year + m // 12, m % 12 + 1, d.day)


LENDERS = ["Harbourside Building Society", "Cairnmoor Bank", "Thistledown Mortgages", "Wexcombe Building Society",
           "Penrose & Hale Bank", "Stanbury Home Loans", "Ravensworth Mutual", "Glenholm Bank",
           "Ashdown Building Society", "Marlpit Finance", "Coldharbour Mutual", "Eskdale Home Loans"]


def t_loan_schedule(rng, day, used):
    lender = used.pick("lender6", LENDERS, rng)
    principal = rng.randint(120, 420) * 1000
    rate = rng.choice([3.89, 4.19, 4.29, 4.54, 4.79, 5.09])
    years = rng.choice([20, 25, 30, 35])
    r, n = rate / 1200, years * 12
    pay = round(principal * r / (1 - (1 + r) ** -n), 2)
    done = rng.randint(14, 60)  # payments made before the first row shown
    bal = principal
    for _ in range(done):
        bal -= pay - bal * r
    first = _months_on(day.replace(day=1), -2)
    rows, months = [], []
    for k in range(6):
        interest = round(bal * r, 2)
        bal = round(bal - (pay - interest), 2)
        d = _months_on(first, k)
        months.append(f"{d:%B %Y}")
        rows.append([str(done + k + 1), f"{d.day} {d:%b %Y}", gbp(pay), gbp(interest), gbp(pay - interest), gbp(bal)])
    fixed_end = _months_on(first, rng.randint(8, 30))
    acct = f"{rng.randint(10, 99)}{rng.randint(100000, 999999)}-{rng.randint(10, 99)}"
    a, b = rng.sample(range(6), 2)
    return dict(app="Firefox", title=f"Repayment schedule - {lender}", layout="table", numeric_right=True, reading=True,
                sidebar=["Overview", "Repayment schedule", "Overpayments", "Documents", "Contact us"],
                lines=[f"# Your mortgage, account {acct}",
                       f"Borrowed {gbp(principal)} over {years} years at {rate}% fixed until {fixed_end.day} {fixed_end:%B %Y}",
                       ["No.", "Date", "Payment", "Interest", "Capital", "Balance after"], *rows,
                       f"Payments are collected on the 1st. Overpay up to {gbp(principal * 0.1)} a year without a fee."],
                qs=[("loan_pay", f"How much goes out each month for the {lender} mortgage?", [gbp(pay)[1:]], "money"),
                    ("loan_bal", f"What will I still owe {lender} once the {months[a]} payment has gone out?",
                     [rows[a][5][1:]], "money"),
                    ("loan_int", f"How much of the {months[b]} {lender} payment is just interest?",
                     [rows[b][3][1:]], "money"),
                    ("loan_fixed", f"When does my {lender} fixed deal run out?", [f"{fixed_end.day} {fixed_end:%B %Y}"], "date"),
                    ("loan_acct", f"What's the account number of the {lender} mortgage?", [acct], "code")],
                absent=[("loan_pay", "How much goes out each month for the {X} mortgage?", "lender6")],
                activity=[f"Repayment schedule - {lender}", lender])


ZONES = ["Loft office", "Garden studio", "Nursery", "Guest annexe", "Basement gym", "Sun room", "Attic bedroom",
         "Workshop", "Granny flat", "Music room", "Conservatory", "Playroom"]


def t_thermostat(rng, day, used):
    zone = used.pick("zone6", ZONES, rng)
    wake, leave, home, night = (rng.randint(a, b) * 15 for a, b in ((22, 28), (31, 36), (66, 72), (88, 94)))
    wk_t = rng.sample([20.0, 20.5, 21.0, 21.5, 22.0], 2)
    away, low = rng.choice([15.0, 16.0, 17.0]), rng.choice([14.0, 15.5, 16.5])
    we_wake, we_night = rng.randint(30, 38) * 15, rng.randint(90, 95) * 15
    we_t = rng.choice([t for t in (19.5, 20.0, 20.5, 21.0, 21.5, 22.0, 22.5) if t not in wk_t])
    now, hum = round(rng.uniform(16.5, 22.5), 1), rng.randint(35, 62)

    def cell(m, t):
        return f"{hm(m)}  {t:.1f}°C"
    weekday = [cell(wake, wk_t[0]), cell(leave, away), cell(home, wk_t[1]), cell(night, low)]
    weekend = [cell(we_wake, we_t), "", "", cell(we_night, low)]
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    return dict(app="Chromium", title=f"{zone} - Heating schedule - Thermly", layout="week",
                status=[f"Boiler: {rng.choice(['idle', 'heating'])}", "Hub online", f"Hot water off until {hm(rng.randint(68, 76) * 15)}"],
                lines=[f"# {zone}", f"Now {now:.1f}°C, humidity {hum}%. Following the schedule.",
                       *[(dname, *(weekday if k < 5 else weekend)) for k, dname in enumerate(days)],
                       "Frost protection 7.0°C. Boost adds 1 hour at 22.0°C."],
                qs=[("th_wake", f"What time does the {zone} heating come on on a weekday morning?", [hm(wake)], "time"),
                    ("th_weekend", f"What temperature does the {zone} warm to on Saturday morning?", [f"{we_t:.1f}°C"], "number"),
                    ("th_night", f"How cool is the {zone} kept overnight?", [f"{low:.1f}°C"], "number"),
                    ("th_now", f"How warm was it in the {zone} when I checked?", [f"{now:.1f}°C"], "number"),
                    ("th_after", f"On weekdays, when does the {zone} heating turn down after the morning warm-up?",
                     [hm(leave)], "time")],
                absent=[("th_wake", "What time does the {X} heating come on on a weekday morning?", "zone6")])


TRIPS6 = ["Lake District weekend", "Cornwall surf trip", "Edinburgh stag do", "Snowdonia hike", "Brighton hen party",
          "Norfolk boat trip", "Yorkshire cottage week", "Glastonbury camping", "Peak District climb",
          "Isle of Skye road trip", "Cotswolds birthday", "Pembrokeshire coast walk"]
SPLIT_ITEMS = {"Cottage deposit": (20000, 60000), "Big shop at the supermarket": (6000, 18000), "Fuel": (4000, 11000),
               "Dinner at the harbour": (9000, 24000), "Boat hire": (8000, 20000), "Parking": (800, 3600),
               "Takeaway pizza": (3000, 7500), "Train tickets": (9000, 30000), "Breakfast cafe": (2500, 6500)}


def t_split_expenses(rng, day, used):
    trip = used.pick("trip6", TRIPS6, rng)
    friends = people6(rng, 3)
    items = rng.sample(list(SPLIT_ITEMS), 5)
    costs = [rng.randint(*SPLIT_ITEMS[it]) for it in items]
    while len(set(costs)) < 5 or costs.count(max(costs)) > 1:  # one largest expense
        costs = [rng.randint(*SPLIT_ITEMS[it]) for it in items]
    payers = [rng.choice([*friends, "You"]) for _ in items]
    payers[rng.randint(0, 4)] = friends[0]
    dates = sorted((day - dt.timedelta(days=o) for o in rng.sample(range(1, 20), 5)), reverse=True)
    total = sum(costs) / 100
    creditor = friends[0]
    owe = rng.randint(900, 9000) / 100
    other_owes = rng.randint(500, 6000) / 100
    big = items[costs.index(max(costs))]
    k = rng.choice([i for i in range(5) if payers[i] != "You"])
    j = rng.choice([i for i in range(5) if i != k])
    return dict(app="Chromium", title=f"{trip} - Splitly", layout="list",
                sidebar=["Groups", f"  {trip}", "  Flat bills", "  Book club", "Activity", "Account"],
                lines=[f"# {trip}", f"4 people. Total spent {gbp(total)}",
                       *[(it, f"Paid by {p}, {short_date(d)[0]}", gbp(c / 100))
                         for it, p, d, c in zip(items, payers, dates, costs)],
                       "# Balances", f"You owe {creditor} {gbp(owe)}", f"{friends[1]} owes you {gbp(other_owes)}",
                       f"{friends[2]} is settled up"],
                qs=[("sx_owe", f"How much do I need to pay {creditor} back for the {trip}?", [gbp(owe)[1:]], "money"),
                    ("sx_who", f"Who paid for the {items[k].lower()} on the {trip}?", [payers[k]], "person"),
                    ("sx_big", f"What was the largest expense of the {trip}?", [big], "text"),
                    ("sx_total", f"What did the {trip} cost the group all together?", [gbp(total)[1:]], "money"),
                    ("sx_when", f"On which day was the {items[j].lower()} for the {trip} paid?", [short_date(dates[j])[1]], "date")],
                absent=[("sx_total", "What did the {X} cost the group all together?", "trip6")])


CHARGE_SITES = ["Tesco Extra Ashford", "Braintree Electric Forecourt", "Rugby Services", "Kendal Leisure Centre",
                "Gretna Green Outlet", "Cribbs Causeway", "Stevenage Retail Park", "Ludlow Eco Park",
                "Exeter Moto Services", "Fort William Station Car Park", "Norwich Riverside", "Hexham Mart"]
CHARGE_FILLERS = ["Home charger", "Work car park", "Sainsbury's Bicester"]


def t_ev_charging(rng, day, used):
    site = used.pick("charge6", CHARGE_SITES, rng)
    start = rng.randint(7 * 60, 19 * 60)
    mins = rng.randint(18, 70)
    kwh = round(mins * rng.uniform(0.5, 1.6), 1)
    price = rng.choice([0.59, 0.69, 0.74, 0.79, 0.85])
    cost = round(kwh * price, 2)
    soc0 = rng.randint(8, 40)
    soc1 = min(100, soc0 + rng.randint(30, 60))
    sess = f"CS-{rng.randint(100000, 999999)}-{rng.choice('ABCDEFGH')}"
    prev = rng.choice(CHARGE_FILLERS)
    prev_cost = round(rng.uniform(3, 25), 2)
    return dict(app="Chromium", title="Charging summary - Voltway", layout="tiles",
                status=["Charger released", f"Connector {rng.randint(1, 4)} (CCS)", f"Receipt emailed {hm(start + mins + 2)}"],
                lines=["# Charging complete", f"{site}, charger {rng.randint(10, 99)}",
                       f"Started {hm(start)}, unplugged at {hm(start + mins)}",
                       (f"{kwh} kWh", "Energy added"), (f"{mins} min", "Time plugged in"), (gbp(cost), "Total charged"),
                       (f"{soc1}%", "Battery at the end"), (f"{soc0}%", "Battery at the start"),
                       (f"{rng.randint(50, 150)} kW", "Peak power"), (f"{int(price * 100)}p/kWh", "Price"),
                       (f"+{int(kwh * 3.6)} mi", "Range added"),
                       f"Session {sess}. Overstay fee of {gbp(0.5)} a minute applies after 10 minutes.",
                       f"Last session: {prev}, {gbp(prev_cost)}"],
                qs=[("ev_cost", f"How much did charging at {site} cost me?", [gbp(cost)[1:]], "money"),
                    ("ev_kwh", f"How much energy went into the car at {site}?", [f"{kwh} kWh"], "number"),
                    ("ev_end", f"When did I unplug from the {site} charger?", [hm(start + mins)], "time"),
                    ("ev_batt", f"What was the battery at after charging at {site}?", [f"{soc1}%"], "number"),
                    ("ev_sess", f"What's the session ID of the charge at {site}?", [sess], "code")],
                absent=[("ev_cost", "How much did charging at {X} cost me?", "charge6")])


ARTISTS6 = ["The Marlowe Sisters", "Kite Parade", "Hollow Meridian", "June Calloway", "Saltmarsh Choir",
            "Velvet Antler", "The Northern Lanterns", "Rosa Vantongeren", "Copper Moth", "Ludo & the Tides",
            "Glasshouse Orchestra", "Amber Static"]
VENUES6 = ["Apollo Hall, Manchester", "Riverside Arena, Cardiff", "The Roundhouse, London", "Usher Hall, Edinburgh",
           "O2 Academy, Bristol", "Barrowland Ballroom, Glasgow"]
SUPPORTS6 = ["Pale Sundays", "Wren & Rook", "The Lowfields", "Mossgrove"]


def t_concert_ticket(rng, day, used):
    artist = used.pick("artist6", ARTISTS6, rng)
    venue = rng.choice(VENUES6)
    when = day + dt.timedelta(days=rng.randint(5, 120))
    doors = rng.randint(72, 78) * 15
    support = doors + rng.randint(2, 4) * 15
    show = support + rng.randint(3, 5) * 15
    gate = f"Gate {rng.randint(1, 12)}"
    seat = f"Block {rng.randint(101, 124)}, Row {rng.choice('ABCDEFGHJKLM')}, Seat {rng.randint(1, 40)}"
    order = f"{rng.choice(['TM', 'SK', 'AX'])}{rng.randint(10000000, 99999999)}"
    bought = day - dt.timedelta(days=rng.randint(10, 90))
    return dict(app="Wallet", title=f"{artist} - Tickets", layout="ticket",
                lines=[f"# {artist}", f"Live {when.year}. Ticket 1 of {rng.randint(1, 4)}",
                       ("Venue", venue), ("Date", long_date(when)[0]), ("Doors", hm(doors)),
                       ("Seat", seat), ("Entrance", gate), ("On stage", hm(show)),
                       ("Order", order), ("Price", gbp(rng.randint(35, 120) + 0.5)), ("Holder", people6(rng, 1)[0]),
                       f"Support from {rng.choice(SUPPORTS6)} at {hm(support)}. No re-entry.",
                       f"Bought {long_date(bought)[1]}. The barcode appears 24 hours before the show."],
                qs=[("tk_gate", f"Which way in should I use for {artist}?", [gate], "code"),
                    ("tk_seat", f"Where am I sitting for {artist}?", [seat], "text"),
                    ("tk_doors", f"What time can I get into the venue for {artist}?", [hm(doors)], "time"),
                    ("tk_venue", f"Where is the {artist} concert?", [venue], "place"),
                    ("tk_order", f"What's the order number of my {artist} tickets?", [order], "code"),
                    ("tk_date", f"What date is the {artist} gig?", [long_date(when)[1]], "date")],
                absent=[("tk_doors", "What time can I get into the venue for {X}?", "artist6")])


GROCERS6 = ["Freshway", "Greengate Grocers", "Larder & Co", "Basketly", "Hearth Market", "Orchard Lane Foods",
            "Pantrybox", "Dalemoor Farm Shop", "Cartwheel Foods", "Meadowfield Market", "Shelfsmart", "Crofters Pantry"]


def t_delivery_slots(rng, day, used):
    grocer = used.pick("grocer6", GROCERS6, rng)
    days = [day + dt.timedelta(days=k) for k in range(1, 5)]
    starts = list(range(rng.choice([7, 8]), 22, 2))[:6]
    grid = [[f"{s:02d}:00 - {s + 1:02d}:00",
             *[rng.choice(["Full", gbp(rng.choice([1.5, 2.0, 3.5, 4.0, 5.5, 6.0, 7.0]))]) for _ in days]]
            for s in starts]
    r, c = rng.randrange(len(starts)), rng.randrange(len(days))
    fee = rng.choice([2.5, 3.0, 4.5, 5.0])
    grid[r][1 + c] = gbp(fee)
    cutoff = days[c] - dt.timedelta(days=1)
    edit_at = rng.choice([22 * 60, 23 * 60 + 45, 20 * 60])
    minimum = rng.choice([25.0, 40.0, 50.0])
    addr = f"{rng.randint(2, 120)} {rng.choice(['Beech Grove', 'Harper Street', 'Orchard Close'])}"
    return dict(app="Firefox", title=f"Book a slot - {grocer}", layout="table", selected=r + 1,
                crumbs=[grocer, "Checkout", "Delivery slot"],
                lines=["# Choose a delivery slot", f"Delivering to {addr}",
                       ["Time", *[short_date(d)[0] for d in days]], *grid,
                       f"Reserved: {long_date(days[c])[0]}, {grid[r][0]}, delivery {gbp(fee)}",
                       f"Minimum basket {gbp(minimum)}. Change your order until {hm(edit_at)} on {long_date(cutoff)[1]}."],
                qs=[("gs_slot", f"What time window is my {grocer} delivery in?", [grid[r][0], f"{starts[r]:02d}:00"], "time"),
                    ("gs_fee", f"What is {grocer} charging me to deliver?", [gbp(fee)[1:]], "money"),
                    ("gs_day", f"Which day is the {grocer} shopping coming?", [long_date(days[c])[1]], "date"),
                    ("gs_edit", f"Until what time can I still change the {grocer} order?", [hm(edit_at)], "time"),
                    ("gs_min", f"How much do I have to spend at least with {grocer}?", [gbp(minimum)[1:]], "money")],
                absent=[("gs_fee", "What is {X} charging me to deliver?", "grocer6")])


COMPOSE6 = ["basalt-shop", "quartz-wiki", "feldspar-crm", "gneiss-notes", "mica-forum", "obsidian-chat",
            "pumice-blog", "schist-api", "talc-status", "onyx-pay", "agate-search", "beryl-maps"]


def t_docker_compose(rng, day, used):
    proj = used.pick("compose6", COMPOSE6, rng)
    port, web_port = rng.sample([8000, 8080, 8081, 8888, 9000, 3000, 5000], 2)
    pg = rng.choice(["15.8", "16.4", "16.6", "17.2"])
    app_ver = f"2.{rng.randint(0, 9)}.{rng.randint(0, 9)}"
    down = rng.choice(["worker", "scheduler", "mailer"])
    cfg = rng.choice(["compose.prod.yml", "docker-compose.yml", "compose.staging.yml"])
    t = rng.randint(9 * 3600, 18 * 3600)
    stamp = f"{t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d}"
    rows = [(f"{proj}-web-1", "nginx:1.27", "Up 3 minutes", f"0.0.0.0:{web_port}->80/tcp"),
            (f"{proj}-app-1", f"{proj}/app:{app_ver}", "Up 3 minutes", f"0.0.0.0:{port}->8000/tcp"),
            (f"{proj}-db-1", f"postgres:{pg}", "Up 3 minutes (healthy)", "5432/tcp"),
            (f"{proj}-{down}-1", f"{proj}/app:{app_ver}", "Exited (1) 40 seconds ago", ""),
            (f"{proj}-redis-1", "redis:7.4", "Up 3 minutes", "6379/tcp")]
    cmd = f"docker compose -f {cfg} up -d"
    return dict(app="Terminal", title=f"{proj} - bash - 140x40", layout="plain", mono=True, theme="dark", shrink=4,
                lines=[f"~/deploy/{proj} $ {cmd}", "[+] Running 5/5", f"~/deploy/{proj} $ docker compose ps",
                       f"{'NAME':<24}{'IMAGE':<24}{'STATUS':<28}PORTS",
                       *[f"{a:<24}{b:<24}{c:<28}{p}" for a, b, c, p in rows],
                       f"~/deploy/{proj} $ docker compose logs {down} --tail 2",
                       f"{down}-1  | {stamp} ERROR cannot reach redis://redis:6380/0: connection refused",
                       f"{down}-1  | {stamp} exiting with code 1", f"~/deploy/{proj} $"],
                qs=[("dc_port", f"On which port of my machine does the {proj} app answer?", [str(port)], "number"),
                    ("dc_down", f"Which {proj} container is not running?", [f"{proj}-{down}-1"], "text"),
                    ("dc_pg", f"Which postgres version is the {proj} stack on?", [pg], "number"),
                    ("dc_cmd", f"What did I run to bring the {proj} containers up?", [cmd], "command"),
                    ("dc_file", f"Which compose file did I start {proj} from?", [cfg], "file")],
                absent=[("dc_port", "On which port of my machine does the {X} app answer?", "compose6")])


DBS6 = ["shopfront_prod", "crm_replica", "ledger_archive", "loyalty_db", "bookings_eu", "warehouse_stage",
        "members_prod", "events_analytics", "tickets_replica", "billing_reporting", "fleet_ops", "lettings_db"]
SQL_CITIES = ["Leeds", "Bristol", "Cardiff", "Glasgow", "Norwich", "Derby"]


def t_sql_client(rng, day, used):
    db = used.pick("db6", DBS6, rng)
    city = rng.choice(SQL_CITIES)
    n = rng.randint(4, 6)
    names = people6(rng, n)
    spent = sorted((rng.randint(20000, 900000) / 100 for _ in range(n)), reverse=True)
    orders = [rng.randint(2, 60) for _ in range(n)]
    last = [day - dt.timedelta(days=rng.randint(1, 300)) for _ in range(n)]
    ids = rng.sample(range(1000, 99999), n)
    query = f"SELECT id, name, orders, total_spent, last_order FROM customers WHERE city = '{city}' ORDER BY total_spent DESC;"
    ms = rng.randint(3, 400)
    a, b = rng.sample(range(1, n), 2)
    return dict(app="DBeaver", title=f"<{db}> Script-{rng.randint(2, 19)}", layout="table", numeric_right=True, shrink=2,
                tabs=[f"{db}: customers by city", "orders.sql", "Schema: public"], tab=0,
                lines=[f"# {db} on db-{rng.randint(1, 4)}.internal:5432", query,
                       ["id", "name", "orders", "total_spent", "last_order"],
                       *[[str(i), nm, str(o), f"{s:.2f}", f"{d:%Y-%m-%d}"] for i, nm, o, s, d in zip(ids, names, orders, spent, last)],
                       f"{n} rows fetched in {ms} ms. Auto-commit on."],
                qs=[("sql_top", f"Which customer from {city} has spent the most in {db}?", [names[0]], "person"),
                    ("sql_spent", f"How much has {names[a]} spent according to {db}?", [f"{spent[a]:.2f}"], "money"),
                    ("sql_rows", f"How many rows did my query on {db} return?", [f"{n} rows"], "number"),
                    ("sql_cmd", f"What query did I run on {db}?", [query], "command"),
                    ("sql_last", f"When did {names[b]} last order, going by {db}?", [f"{last[b]:%Y-%m-%d}"], "date")],
                absent=[("sql_rows", "How many rows did my query on {X} return?", "db6")])


HOSTS6 = ["nas-attic", "pi-garage", "hetzner-box", "media-server", "homelab-01", "vps-frankfurt", "backup-vault",
          "mini-pc", "lab-node3", "office-nuc", "build-runner", "ci-cache"]
TIMER_UNITS = [("restic-backup", "Nightly backup"), ("certbot-renew", "Certificate renewal"),
               ("logrotate", "Log rotation"), ("apt-daily-upgrade", "Package upgrades"),
               ("fstrim", "SSD trim"), ("db-dump", "Database dump")]


def t_systemd_timers(rng, day, used):
    host = used.pick("host6", HOSTS6, rng)
    user = rng.choice(["pat", "sam", "alex", "jo"])
    units = rng.sample(TIMER_UNITS, 4)
    now = dt.datetime.combine(day, dt.time(rng.randint(9, 20), rng.randint(0, 59)))
    rows = []
    for unit, _what in units:
        left = rng.randint(20, 36 * 60)
        nxt = now + dt.timedelta(minutes=left)
        nxt = nxt.replace(minute=nxt.minute - nxt.minute % 15, second=0)
        left = int((nxt - now).total_seconds() // 60)
        passed = rng.randint(60, 23 * 60)
        last = now - dt.timedelta(minutes=passed)
        rows.append((nxt, f"{left // 60}h {left % 60}min", last, f"{passed // 60}h ago", f"{unit}.timer",
                     f"{unit}{'-run' if rng.random() < 0.4 else ''}.service"))
    rows.sort()
    cmd = "systemctl list-timers --all"
    lines = [f"{user}@{host}:~$ {cmd}",
             f"{'NEXT':<25}{'LEFT':<11}{'LAST':<25}{'PASSED':<9}{'UNIT':<26}ACTIVATES"]
    lines += [f"{n:%a %Y-%m-%d %H:%M:%S}{'':<2}{lf:<11}{l:%a %Y-%m-%d %H:%M:%S}{'':<2}{p:<9}{u:<26}{a}"
              for n, lf, l, p, u, a in rows]
    lines += ["", f"{len(rows)} timers listed.", f"{user}@{host}:~$ uptime",
              f" {now:%H:%M:%S} up {rng.randint(3, 90)} days, 1 user, load average: 0.{rng.randint(10, 99)}, "
              f"0.{rng.randint(10, 99)}, 0.{rng.randint(10, 99)}", f"{user}@{host}:~$"]
    which = {u.split(".")[0]: (n, lf, a) for n, lf, _l, _p, u, a in rows}
    k, j = rng.sample(range(4), 2)
    ask_k, ask_j = units[k], units[j]
    return dict(app="Terminal", title=f"{user}@{host}: ~ - ssh", layout="plain", mono=True, shrink=5,
                lines=lines,
                qs=[("tm_next", f"When does the {ask_k[1].lower()} on {host} run next?",
                     [f"{which[ask_k[0]][0]:%H:%M}"], "time"),
                    ("tm_left", f"How long was left until the {ask_j[1].lower()} on {host}?", [which[ask_j[0]][1]], "number"),
                    ("tm_unit", f"Which service does the {ask_j[0]} timer start on {host}?", [which[ask_j[0]][2]], "file"),
                    ("tm_cmd", f"What did I type on {host} to see the scheduled jobs?", [cmd], "command"),
                    ("tm_first", f"Which timer on {host} fires soonest?", [rows[0][4]], "text")],
                absent=[("tm_next", "When does the nightly backup on {X} run next?", "host6")])


CURRENCIES6 = [("Swiss francs", "CHF", 0.94), ("Norwegian kroner", "NOK", 11.6), ("Japanese yen", "JPY", 162.0),
               ("Polish zloty", "PLN", 4.28), ("Czech koruna", "CZK", 25.1), ("Danish kroner", "DKK", 7.46),
               ("Hungarian forint", "HUF", 395.0), ("Swedish kronor", "SEK", 11.3), ("Icelandic kronur", "ISK", 150.0),
               ("Canadian dollars", "CAD", 1.49), ("Mexican pesos", "MXN", 19.8), ("Turkish lira", "TRY", 37.2)]
FX_FILLERS = [("US dollar", "USD", 1.08), ("British pound", "GBP", 0.85), ("Australian dollar", "AUD", 1.64)]


def t_currency_converter(rng, day, used):
    name, cur, base = used.pick("currency6", CURRENCIES6, rng)
    rate = round(base * rng.uniform(0.97, 1.03), 4)
    amt = rng.choice([120, 250, 400, 750, 1500, 60])
    got = round(amt * rate, 2)
    fee = rng.choice([3.5, 4.99, 6.0, 8.5])
    bank_rate = round(rate * rng.uniform(0.965, 0.985), 4)
    recv = round((amt - fee) * bank_rate, 2)
    at = rng.randint(8 * 60, 20 * 60)
    return dict(app="Firefox", title=f"EUR to {cur} - Ratewise converter", layout="cards",
                lines=["# Currency converter", f"{amt:,.2f} EUR = {got:,.2f} {cur}",
                       f"1 EUR = {rate} {cur}    1 {cur} = {1 / rate:.4f} EUR",
                       f"Mid-market rate at {hm(at)} UTC, {short_date(day)[0]}",
                       *[(f"1 EUR in {fname}", f"{fr * rng.uniform(0.98, 1.02):.4f} {fc}") for fname, fc, fr in FX_FILLERS],
                       "# Sending it with your bank",
                       f"Fee {fee:.2f} EUR, their rate {bank_rate} (quoted {hm(at - rng.randint(20, 300))}), "
                       f"recipient gets {recv:,.2f} {cur}",
                       f"Rate alert: tell me when 1 EUR is above {round(rate * 1.02, 2)} {cur}"],
                qs=[("fx_amt", f"What did {amt} euros come to in {name}?", [f"{got:,.2f}"], "money"),
                    ("fx_rate", f"How many {name} is one euro worth?", [str(rate)], "number"),
                    ("fx_time", f"What time was the euro to {name} rate from?", [hm(at)], "time"),
                    ("fx_recv", f"How much would arrive in {name} if I sent the {amt} euros through my bank?",
                     [f"{recv:,.2f}"], "money")],
                absent=[("fx_amt", "What did 250 euros come to in {X}?", "currency6")])


ITEMS6 = ["Brompton folding bike", "Le Creuset casserole", "Ercol dining chairs", "Nintendo Switch OLED",
          "Technics turntable", "Bugaboo pushchair", "Herman Miller desk chair", "Dyson V11 vacuum",
          "Canon EOS R6 body", "Kitchenaid stand mixer", "Ikea Kallax shelf unit", "Vintage Raleigh racer"]
AREAS6 = ["Chorlton, Manchester", "Easton, Bristol", "Leith, Edinburgh", "Roath, Cardiff", "Jesmond, Newcastle"]


def t_marketplace(rng, day, used):
    item = used.pick("item6", ITEMS6, rng)
    seller, reviewer = people6(rng, 2)
    ask = rng.randint(8, 60) * 10
    offer = ask - rng.randint(3, 8) * 10
    agreed = (ask + offer) // 2 // 5 * 5
    area = rng.choice(AREAS6)
    addr = f"{rng.randint(3, 90)} {rng.choice(['Wilton Road', 'Alma Street', 'Grange Avenue', 'Cecil Street'])}"
    pick = rng.choice(["Thursday", "Friday", "Saturday"])
    after = rng.randint(34, 40) * 30
    sf = seller.split()[0]
    link = f"https://secondloop.example/i/{rng.randint(10 ** 7, 10 ** 8 - 1)}"
    return dict(app="Firefox", title=f"{item} - Secondloop", layout="chat", reading=True,
                lines=[f"# {item}", f"£{ask}.00. Collection in {area}, or postage {gbp(rng.randint(8, 25) - 0.01)}",
                       f"Listed {rng.randint(2, 9)} days ago by {seller}. 4.9 stars from {rng.randint(8, 60)} reviews",
                       f"Latest review: \"quick and friendly\" from {reviewer}. Share: {link}",
                       dict(who="Me", time=hm(after - 300), text=f"Hi! Is it still available? Would you take £{offer}?", me=True),
                       dict(who=sf, time=hm(after - 280), text=f"Hi, yes it is. Lowest I can do is £{agreed}."),
                       dict(who="Me", time=hm(after - 270), text=f"Deal at £{agreed}. When could I collect?", me=True),
                       dict(who=sf, time=hm(after - 250), text=f"{pick} after {hm(after)} works, {addr}. Bring cash please.")],
                qs=[("mk_ask", f"How much was the {item} listed for?", [f"£{ask}.00", f"{ask}.00"], "money"),
                    ("mk_agreed", f"What price did the seller and I settle on for the {item}?", [f"£{agreed}"], "money"),
                    ("mk_who", f"Who is selling the {item}?", [seller], "person"),
                    ("mk_when", f"From what time can I pick up the {item}?", [hm(after)], "time"),
                    ("mk_where", f"Where do I collect the {item} from?", [addr], "place"),
                    ("mk_link", f"What's the web address of the {item} ad?", [link], "url")],
                absent=[("mk_ask", "How much was the {X} listed for?", "item6")],
                activity=[item])


PRACTICES6 = ["Bridge Street Dental", "Kelvin Smile Studio", "Abbeyfield Dental Care", "Moorgate Dentistry",
              "Orchard House Dental", "Riverbank Dental Clinic", "St Giles Dental Practice", "Wharfside Dental",
              "Elmtree Family Dentists", "Castlegate Dental", "Beacon Hill Dental", "Harlow Lane Dental"]
DENTAL_WORK = [("Crown, porcelain", 540, 720), ("White filling", 95, 180), ("Root canal, molar", 420, 690),
               ("Hygienist clean", 60, 95), ("Extraction", 120, 210), ("Night guard", 180, 320)]


def t_treatment_plan(rng, day, used):
    practice = used.pick("practice6", PRACTICES6, rng)
    patient, dentist = people6(rng, 2)
    work = [DENTAL_WORK[0], *rng.sample(DENTAL_WORK[1:], 3)]
    rng.shuffle(work)
    teeth = rng.sample(["UR6", "UL7", "LR5", "LL6", "UR4", "LL7", "UL5", "LR7"], 4)
    rows, pays = [], []
    for (what, lo, hi), tooth in zip(work, teeth):
        tooth = {"Hygienist clean": "All", "Night guard": "Upper"}.get(what, tooth)
        fee = rng.randint(lo, hi) + rng.choice([0.0, 0.5])
        cover = round(fee * rng.choice([0.5, 0.6, 0.8]), 2)
        rows.append([what, tooth, gbp(fee), gbp(cover), gbp(fee - cover)])
        pays.append(fee - cover)
    crown = next(r for r in rows if r[0].startswith("Crown"))
    other = rng.choice([r for r in rows if r is not crown and r[1] in teeth])
    v1 = day + dt.timedelta(days=rng.randint(3, 14))
    v2 = v1 + dt.timedelta(days=rng.randint(14, 28))
    t1, t2 = rng.sample(range(34, 70), 2)
    pay_url = f"https://pay.{practice.lower().replace(' ', '')}.example/plan/{rng.randint(1000, 9999)}"
    return dict(app="Document Viewer", title=f"treatment-plan-{patient.split()[1].lower()}.pdf", layout="table",
                numeric_right=True, reading=True, groups=[("", 2), ("Cost", 3)],
                lines=[f"# {practice}: treatment plan", f"Patient {patient}. Dentist Dr {dentist}.",
                       ["Treatment", "Tooth", "Fee", "Insurance", "You pay"], *rows,
                       f"Total you pay {gbp(sum(pays))} of {gbp(sum(float(r[2][1:].replace(',', '')) for r in rows))}",
                       f"Visit 1: {long_date(v1)[0]} at {hm(t1 * 15)}, {other[0].lower()} and crown preparation",
                       f"Visit 2: {long_date(v2)[0]} at {hm(t2 * 15)}, crown fitted",
                       "This plan is valid for 3 months. A deposit of £50.00 secures the lab work.",
                       f"Pay it online: {pay_url}"],
                qs=[("tp_crown", f"What will the crown at {practice} cost me once insurance has paid?", [crown[4][1:]], "money"),
                    ("tp_tooth", f"Which tooth is the {other[0].lower()} at {practice} for?", [other[1]], "code"),
                    ("tp_total", f"What's my share of the whole {practice} treatment?", [gbp(sum(pays))[1:]], "money"),
                    ("tp_second", f"When is my second appointment at {practice}?", [long_date(v2)[1]], "date"),
                    ("tp_dentist", f"Which dentist is treating me at {practice}?", [dentist], "person"),
                    ("tp_pay", f"Where can I pay the deposit for the {practice} treatment?", [pay_url], "url")],
                absent=[("tp_crown", "What will the crown at {X} cost me once insurance has paid?", "practice6")],
                activity=[f"{practice}: treatment plan", "treatment plan"])


PRINTERS6 = ["Finance-MFP-2", "Library-Colour-1", "Studio-A3-Plotter", "Reception-Laser", "Lab-Brother-4",
             "Office-Epson-3", "Floor2-Kyocera", "Design-Canon-1", "Warehouse-Zebra", "Annex-HP-5",
             "Staffroom-Ricoh", "Print-Room-Xerox"]
PRINT_DOCS = ["Q3 board pack.pdf", "Lease renewal.docx", "Timesheets week 14.xlsx", "Poster A2 final.pdf",
              "Boarding passes.pdf", "Minutes 12 March.docx", "Invoice batch 0412.pdf", "Floor plan rev C.dwg",
              "Name badges.pdf", "Safety induction.pptx"]


def t_print_queue(rng, day, used):
    printer = used.pick("printer6", PRINTERS6, rng)
    docs = rng.sample(PRINT_DOCS, 5)
    owners = [*people6(rng, 4), "You"]
    rng.shuffle(owners)
    pages = rng.sample(range(1, 80), 5)
    start = rng.randint(9 * 60, 16 * 60)
    times = sorted(rng.sample(range(start, start + 90), 5))
    states = ["Error: paper jam in tray 2", "Waiting", "Waiting", "Held: enter PIN at the printer", "Waiting"]
    rows = [(doc, f"{o}, {p} page{'s' if p > 1 else ''}, sent {hm(t)}", s)
            for doc, o, p, t, s in zip(docs, owners, pages, times, states)]
    mine = owners.index("You")
    k = rng.choice([i for i in range(5) if i != mine])
    j = rng.choice([i for i in range(1, 5)])
    ip = f"10.{rng.randint(0, 40)}.{rng.randint(0, 20)}.{rng.randint(10, 250)}"
    return dict(app="Settings", title=f"Print queue - {printer}", layout="list",
                sidebar=["Printers", f"  {printer}", "  PDF printer", "  Home inkjet", "Scanners"],
                status=[f"{printer}", f"IPP {ip}", "Toner 18%", f"{len(rows)} jobs"],
                lines=[f"# {printer}", "Paused: the first job needs attention. Jobs print in the order sent.",
                       *[(d_, det, s.split(":")[0]) for d_, det, s in rows],
                       f"Details: {states[0]}. {states[3]}."],
                qs=[("pq_stuck", f"Which document is holding up the {printer} queue?", [docs[0]], "file"),
                    ("pq_pages", f"How many pages does {docs[j]} have, in the {printer} queue?",
                     [f"{pages[j]} page{'s' if pages[j] > 1 else ''}"], "number"),
                    ("pq_who", f"Who sent {docs[k]} to {printer}?", [owners[k]], "person"),
                    ("pq_when", f"What time did I send my job to {printer}?", [hm(times[mine])], "time"),
                    ("pq_ip", f"What's the network address of {printer}?", [ip], "text"),
                    ("pq_next", f"Which job is in line right after {docs[0]} on {printer}?", [docs[1]], "file")],
                absent=[("pq_stuck", "Which document is holding up the {X} queue?", "printer6")])


CARRIERS6 = ["Skylink Mobile", "Pebble Telecom", "Fennec Mobile", "Orbitel", "Kestrel Connect", "Lumo Mobile",
             "Tidal Telecom", "Nimbus Mobile", "Bramble Mobile", "Vireo Networks", "Quayside Mobile", "Hearthphone"]
ROAM_PLACES = ["Spain", "France", "Italy", "Greece", "Portugal", "Croatia"]


def t_phone_bill(rng, day, used):
    carrier = used.pick("carrier6", CARRIERS6, rng)
    plan = rng.choice([12.0, 15.0, 18.5, 22.0, 25.0])
    handset = rng.choice([0.0, 21.5, 32.99, 41.0])
    place = rng.choice(ROAM_PLACES)
    days_abroad = rng.randint(2, 9)
    roam = round(days_abroad * rng.choice([2.0, 2.5, 2.99]), 2)
    premium = rng.randint(100, 1500) / 100
    extra = rng.choice([0.0, 5.0, 10.0])
    total = plan + handset + roam + premium + extra
    bill = day.replace(day=rng.randint(1, 12))
    take = bill + dt.timedelta(days=rng.randint(7, 14))
    acct = f"{rng.randint(100, 999)} {rng.randint(1000, 9999)} {rng.randint(10, 99)}"
    used_gb, allowance = round(rng.uniform(3, 29), 1), rng.choice([30, 50, 100])
    rows = [["Monthly plan", f"{allowance} GB, unlimited minutes", gbp(plan)],
            ["Roaming", f"{place}, {days_abroad} days at the daily rate", gbp(roam)],
            ["Calls to 09 numbers", f"{rng.randint(2, 9)} calls, {rng.randint(8, 60)} min", gbp(premium)]]
    if handset:
        rows.insert(1, ["Phone instalment", f"{rng.randint(2, 23)} of 24", gbp(handset)])
    if extra:
        rows.append(["Data add-on", "5 GB booster", gbp(extra)])
    return dict(app="Chromium", title=f"Your bill - {carrier}", layout="kv",
                sidebar=["Dashboard", "Bills", "Usage", "Add-ons", "Upgrade", "Help"],
                lines=[f"# {carrier} bill, {bill.day} {bill:%B %Y}",
                       ("Account number", acct), ("Data used", f"{used_gb} GB of {allowance} GB"),
                       ("Payment", f"Direct Debit on {long_date(take)[1]}"),
                       ["Charge", "Details", "Amount"], *rows,
                       f"Total this month {gbp(total)} (last month {gbp(total - rng.randint(-600, 900) / 100 - 3)})"],
                qs=[("pb_roam", f"How much did using my phone abroad add to the {carrier} bill?", [gbp(roam)[1:]], "money"),
                    ("pb_total", f"What does the {carrier} bill come to this month?", [gbp(total)[1:]], "money"),
                    ("pb_take", f"When will {carrier} take the payment?", [long_date(take)[1]], "date"),
                    ("pb_data", f"How much mobile data have I got through on {carrier}?", [f"{used_gb} GB"], "number"),
                    ("pb_acct", f"What's my {carrier} account number?", [acct], "code")],
                absent=[("pb_total", "What does the {X} bill come to this month?", "carrier6")])


FOODS6 = ["chicken katsu curry", "salmon poke bowl", "halloumi wrap", "beef pho", "mushroom risotto",
          "falafel salad box", "spaghetti carbonara", "paneer tikka masala", "tuna nicoise", "pulled pork burrito",
          "lentil dahl with rice", "prawn pad thai"]
FOOD_BREAKFASTS = [("Porridge with banana", 320, 11), ("Greek yoghurt and honey", 210, 14), ("Flat white", 110, 7),
                   ("Two boiled eggs on toast", 340, 19), ("Orange juice", 95, 1)]
FOOD_SNACKS = [("Apple", 80, 0), ("Protein bar", 200, 20), ("Crisps", 130, 2), ("Banana", 105, 1), ("Oat biscuits", 150, 3)]
FOOD_MAINS = [("Jacket potato with beans", 455, 17), ("Chicken caesar salad", 480, 36), ("Veg stir fry with noodles", 430, 14),
              ("Cheese toastie", 440, 19), ("Tomato soup and bread", 360, 10)]


def t_food_diary(rng, day, used):
    food = used.pick("food6", FOODS6, rng)
    kcal, protein = rng.randint(520, 880), rng.randint(18, 45)
    meal = rng.choice(["Lunch", "Dinner"])
    other = "Lunch" if meal == "Dinner" else "Dinner"
    entries = [*[("Breakfast", *b) for b in rng.sample(FOOD_BREAKFASTS, 2)],
               *[("Snacks", *b) for b in rng.sample(FOOD_SNACKS, 2)],
               (meal, food.capitalize(), kcal, protein), (other, *rng.choice(FOOD_MAINS))]
    order = {"Breakfast": 0, "Lunch": 1, "Dinner": 2, "Snacks": 3}
    entries.sort(key=lambda e: order[e[0]])
    eaten = sum(e[2] for e in entries)
    goal = rng.choice([1900, 2100, 2300, 2500])
    burned = rng.randint(150, 600)
    left = goal - eaten + burned
    big = max((e for e in entries if e[1] != food.capitalize()), key=lambda e: e[2])
    return dict(app="Chromium", title=f"Food diary - Nutrilog - {short_date(day)[0]}", layout="tiles",
                lines=[f"# Today, {long_date(day)[0]}", "Calories remaining = goal - food + exercise",
                       (f"{goal:,}", "Goal"), (f"{eaten:,}", "Food"), (f"{burned}", "Exercise"), (f"{left:,}", "Remaining"),
                       ["Meal", "Food", "kcal", "Protein"],
                       *[[m, f_, str(k), f"{p} g"] for m, f_, k, p in entries],
                       f"Water {rng.randint(3, 8)} of 8 glasses. Steps {rng.randint(2000, 14000):,}."],
                qs=[("fd_kcal", f"How many calories were in the {food} I logged?", [str(kcal)], "number"),
                    ("fd_left", f"How many calories did I still have spare on the day I had the {food}?",
                     [f"{left:,}"], "number"),
                    ("fd_meal", f"Did I have the {food} for lunch or dinner?", [meal], "text"),
                    ("fd_big", f"Apart from the {food}, what was the most calorific thing I ate that day?", [big[1]], "text"),
                    ("fd_protein", f"How much protein did the {food} have?", [f"{protein} g"], "number")],
                absent=[("fd_kcal", "How many calories were in the {X} I logged?", "food6")])


CHILDREN6 = ["Poppy", "Alfie", "Isla", "Juno", "Matilda", "Freddie", "Nancy", "Otis", "Wilf", "Reuben",
             "Clemmie", "Bertie"]
SUBJECTS6 = {"Maths": "M4", "English": "E2", "Chemistry": "S3", "Biology": "S1", "History": "H2", "French": "L5",
             "Art": "A1", "PE": "Sports hall", "Geography": "G3", "Music": "Music 1", "Computing": "IT2"}


def t_school_timetable(rng, day, used):
    child = used.pick("child6", CHILDREN6, rng)
    year = rng.randint(7, 11)
    teachers = dict(zip(SUBJECTS6, people6(rng, len(SUBJECTS6))))
    starts = [8 * 60 + 50, 9 * 60 + 50, 11 * 60 + 5, 12 * 60 + 5, 13 * 60 + 45, 14 * 60 + 45]
    starts = [s + rng.choice([0, 5]) for s in starts]
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    subjects = list(SUBJECTS6)
    grid = [[rng.choice(subjects) for _ in starts] for _ in days]
    for col in grid:  # no subject twice running
        for p in range(1, len(col)):
            while col[p] == col[p - 1]:
                col[p] = rng.choice(subjects)
    cols = [("", *[f"P{p + 1}  {hm(s)}" for p, s in enumerate(starts)])]
    cols += [(dname[:3], *[f"{subj}\n{SUBJECTS6[subj]}" for subj in grid[k]]) for k, dname in enumerate(days)]
    d1, d2 = rng.sample(range(5), 2)
    subj_room = grid[d2][rng.randint(0, 5)]
    subj_t = rng.choice([s for s in subjects if s in {x for col in grid for x in col} and s != subj_room])
    key = sorted({x for col in grid for x in col})
    key_lines = []
    line = ""
    for s in key:
        part = f"{s}: {teachers[s]}"
        if len(line) + len(part) > 95:
            key_lines.append(line.rstrip("; "))
            line = ""
        line += part + "; "
    key_lines.append(line.rstrip("; "))
    return dict(app="Firefox", title=f"Timetable - {child} - Year {year} - School Hub", layout="week", shrink=2,
                lines=[f"# {child}'s timetable, Year {year}", f"Lunch {hm(starts[3] + 60)} to {hm(starts[4])}. Week A.",
                       *cols, *key_lines],
                qs=[("tt_first", f"What is {child}'s first lesson on {days[d1]}?", [grid[d1][0]], "text"),
                    ("tt_room", f"Which room is {child}'s {subj_room} lesson on {days[d2]} in?",
                     [SUBJECTS6[subj_room]], "code"),
                    ("tt_p4", f"What time does {child}'s fourth period begin?", [hm(starts[3])], "time"),
                    ("tt_teacher", f"Who teaches {child} {subj_t}?", [teachers[subj_t]], "person"),
                    ("tt_after", f"What does {child} have straight after lunch on {days[d2]}?", [grid[d2][4]], "text")],
                absent=[("tt_first", "What is {X}'s first lesson on Monday?", "child6")])


FIRST7 = ["Annika", "Barnaby", "Cosima", "Dorian", "Eleni", "Fabian", "Gwendolyn", "Horatio", "Imke",
          "Jolyon", "Kasimir", "Liesel", "Magnus", "Nerys", "Osric", "Pernille", "Quentin", "Solveig"]
LAST7 = ["Achterberg", "Bellamy", "Danvers", "Eversley", "Fairbairn", "Gilchrist", "Hargreaves", "Innes",
         "Jessop", "Kingsley", "Lockhart", "Merriweather", "Northcott", "Oyelowo", "Penhaligon", "Quayle"]


people7 = people_of(FIRST7, LAST7)   # the seventh pool


TODO_LISTS7 = ["House move", "Garden makeover", "Wedding admin", "Tax paperwork", "Kitchen refit", "Allotment jobs",
               "Passport renewal", "Bathroom leak", "Selling the Golf", "Charity bake sale", "Loft clear-out",
               "Book club night"]
TODO_TASKS7 = ["Book the removal van", "Call the letting agent", "Cancel the broadband", "Order a skip",
               "Send the meter readings", "Chase the plumber's quote", "Print the boarding cards", "Buy picture hooks",
               "Return the library books", "Sign the consent form", "Pay the window cleaner", "Email the solicitor",
               "Measure the alcove", "Photograph the damp patch", "Renew the parking permit", "Post the birthday card"]


def t_todo_list(rng, day, used):
    lst = used.pick("todo7", TODO_LISTS7, rng)
    tasks = rng.sample(TODO_TASKS7, 6)
    offsets = [-rng.randint(2, 4), 0, 0, 1, 1, rng.randint(3, 6)]
    prios = [rng.choice(["P2", "P3", "P4"]) for _ in tasks]
    urgent = rng.randint(1, 5)
    prios[urgent] = "P1"
    times = [None, rng.randint(36, 44) * 15, rng.randint(60, 76) * 15, rng.randint(38, 50) * 15, None,
             rng.choice([None, rng.randint(40, 70) * 15])]
    who = people7(rng, 2)
    assigned = rng.sample(range(1, 6), 2)
    moved = rng.choice([k for k in (4, 5) if k not in assigned] or [5])
    was = day + dt.timedelta(days=offsets[moved] - rng.randint(1, 2))
    items, heads = [], {}
    for k, (task, off, pr, tm) in enumerate(zip(tasks, offsets, prios, times)):
        d = day + dt.timedelta(days=off)
        head = {-1: "Overdue", 0: "Today", 1: "Tomorrow"}.get(max(off, -1))
        head = f"{head}  \u00b7  {short_date(d)[0]}" if head else short_date(d)[0]
        if head not in heads:
            heads[head] = d
            items.append((head,))
        detail = [pr]
        if k in assigned:
            detail.append(f"assigned by {who[assigned.index(k)]}")
        if k == moved:
            detail.append(f"moved from {short_date(was)[0]}")
        items.append((hm(tm) if tm else "", task, ", ".join(detail)))
    n_open = rng.randint(9, 24)
    j = rng.choice([k for k in range(1, 6) if times[k]])
    dj = rng.choice([k for k in range(1, 6) if k != j])
    return dict(app="Tickd", title=lst, layout="agenda",
                sidebar=["Inbox", "Today", "Upcoming", "Lists", f"  {lst}", "  Groceries", "  Someday"],
                lines=[f"# {lst}", f"{n_open} open tasks, {rng.randint(1, 5)} done this week. Sorted by due date.",
                       *items],
                qs=[("td_due", f"When is \"{tasks[dj].lower()}\" on my {lst} list due?",
                     [short_date(day + dt.timedelta(days=offsets[dj]))[1]], "date"),
                    ("td_time", f"What time is \"{tasks[j].lower()}\" set for on my {lst} list?", [hm(times[j])], "time"),
                    ("td_urgent", f"Which job on my {lst} list is flagged most urgent?", [tasks[urgent]], "text"),
                    ("td_who", f"Who put \"{tasks[assigned[0]].lower()}\" on my {lst} list?", [who[0]], "person"),
                    ("td_moved", f"What day was \"{tasks[moved].lower()}\" due before I pushed it back?",
                     [short_date(was)[1]], "date"),
                    ("td_late", f"Which of my {lst} jobs have I missed the deadline on?", [tasks[0]], "text")],
                absent=[("td_urgent", "Which job on my {X} list is flagged most urgent?", "todo7")])


PETS7 = ["Biscuit", "Pickle", "Mochi", "Pudding", "Waffles", "Nutmeg", "Clementine", "Fudge", "Marmite", "Toffee",
         "Ziggy", "Crumpet"]
PET_KINDS7 = [("Dog", "Cocker spaniel", ["DHPPi booster", "Leptospirosis L4", "Kennel cough", "Rabies"]),
              ("Cat", "British shorthair", ["Cat flu and enteritis", "Feline leukaemia", "Rabies"]),
              ("Rabbit", "Mini lop", ["Myxomatosis and RHD1", "RHD2"])]
VET_BRANCHES7 = ["14 Cranbrook Road, Ilford", "2 Station Parade, Harpenden", "Unit 5, Abbey Retail Park, Reading",
                 "88 Gloucester Road, Bristol", "31 Church Street, Ormskirk", "7 Market Square, Lewes"]


def t_vet_booking(rng, day, used):
    pet = used.pick("pet7", PETS7, rng)
    kind, breed, vaccines = rng.choice(PET_KINDS7)
    vets = [f"Dr {n}" for n in rng.sample(LAST7, 3)]
    branch = rng.choice(VET_BRANCHES7)
    when = day + dt.timedelta(days=rng.randint(3, 20))
    old, new = rng.sample([t * 15 for t in range(36, 70, 2)], 2)
    cost, consult = rng.randint(55, 140) + 0.5, rng.choice([42.0, 48.0, 52.5])
    chip = "".join(str(rng.randint(0, 9)) for _ in range(15))
    rows, dues = [], []
    for k, vac in enumerate(vaccines[:3]):
        given = day - dt.timedelta(days=rng.randint(200, 700))
        due = given + dt.timedelta(days=365 * (1 if k < 2 else 3))
        rows.append([vac, f"{given:%d/%m/%Y}", f"{due:%d/%m/%Y}", vets[1 + k % 2]])
        dues.append(due)
    v = rng.randrange(len(rows))
    return dict(app="Firefox", title=f"{pet} - My Pet Portal - Willowbank Vets", layout="kv",
                sidebar=["My pets", f"  {pet}", "  Rolo", "Appointments", "Prescriptions", "Payments"],
                lines=[f"# {pet}'s health record", f"{kind}, {breed}, {rng.randint(1, 12)} years. Microchip {chip}",
                       ("Next appointment", f"{long_date(when)[0]} at {hm(new)}"),
                       ("Changed", f"Moved by the clinic from {hm(old)}"), ("With", vets[0]), ("Branch", branch),
                       ("Reason", "Annual booster and health check"), ("Estimated cost", gbp(cost)),
                       ["Vaccination", "Given", "Next due", "Vet"], *rows,
                       f"Consultation only {gbp(consult)}. Pet plan members save 10%."],
                qs=[("vt_time", f"What time is {pet}'s vet appointment now?", [hm(new)], "time"),
                    ("vt_where", f"Which surgery am I taking {pet} to?", [branch], "place"),
                    ("vt_due", f"When does {pet} need the next {rows[v][0]} jab?", [rows[v][2]], "date"),
                    ("vt_vet", f"Which vet is seeing {pet} at the appointment?", [vets[0]], "person"),
                    ("vt_cost", f"Roughly what will {pet}'s check-up cost?", [gbp(cost)[1:]], "money"),
                    ("vt_chip", f"What's {pet}'s microchip number?", [chip], "code")],
                absent=[("vt_time", "What time is {X}'s vet appointment now?", "pet7")])


INSURERS7 = ["Hearthguard", "Brickwise Insurance", "Keystone Home Cover", "Larchfield Mutual", "Slate & Thatch",
             "Homestead Direct", "Rooftree Insurance", "Cornerstone Cover", "Lintel Insurance", "Gablewood",
             "Threshold Home", "Mortar Mutual"]
STREETS7 = ["Lavender Hill", "Kingfisher Way", "Oakfield Drive", "Pelham Road", "Saxon Close", "Cromer Street"]


def t_home_insurance(rng, day, used):
    ins = used.pick("insurer7", INSURERS7, rng)
    renew = day + dt.timedelta(days=rng.randint(10, 30))
    last = rng.randint(180, 420) + rng.choice([0.0, 0.49, 0.88])
    now = round(last * rng.uniform(1.08, 1.35), 2)
    comp, vol = rng.choice([100.0, 150.0, 250.0]), rng.choice([50.0, 200.0, 300.0, 350.0])
    contents = rng.choice([40000, 50000, 60000, 75000])
    buildings = rng.choice([300000, 350000, 450000, 500000])
    pol = f"HH{rng.randint(1000000, 9999999)}"
    addr = f"{rng.randint(2, 140)} {rng.choice(STREETS7)}"
    return dict(app="Chromium", title=f"Renewal quote - {ins}", layout="kv", reading=True,
                sidebar=["My policies", "Renewal", "Documents", "Make a claim", "Help"],
                lines=["# Your home insurance renewal", f"Policy {pol}, {addr}. Buildings and contents.",
                       ("Renews on", long_date(renew)[0]),
                       ("Quote issued", long_date(day - dt.timedelta(days=rng.randint(3, 12)))[0]), ("Annual premium", gbp(now)),
                       ("Last year's premium", gbp(last)), ("Paying monthly", f"12 x {gbp(round(now * 1.07 / 12, 2))}"),
                       ("Buildings cover", f"£{buildings:,}"), ("Contents cover", gbp(contents)),
                       ("Compulsory excess", gbp(comp)), ("Voluntary excess", gbp(vol)),
                       ("Accidental damage", rng.choice(["Included", "Not included"])),
                       ("No claims discount", f"{rng.randint(2, 9)} years"),
                       f"We'll renew automatically on {long_date(renew)[1]} unless you tell us before then."],
                qs=[("hi_premium", f"How much is {ins} asking for the coming year?", [gbp(now)[1:]], "money"),
                    ("hi_vol", f"What excess did I choose on top on the {ins} policy?", [gbp(vol)[1:]], "money"),
                    ("hi_last", f"What did I pay {ins} last year?", [gbp(last)[1:]], "money"),
                    ("hi_renew", f"When does the {ins} home policy roll over?", [long_date(renew)[1]], "date"),
                    ("hi_policy", f"What's my {ins} policy number?", [pol], "code"),
                    ("hi_contents", f"How much are my belongings covered for with {ins}?", [gbp(contents)[1:]], "money")],
                absent=[("hi_premium", "How much is {X} asking for the coming year?", "insurer7")],
                activity=[f"Renewal quote - {ins}", "home insurance renewal"])


AUDIOBOOKS7 = ["Harbour of Glass", "The Cartographer's Son", "A Year Without Maps", "Orchard at Midnight",
               "The Ninth Lantern", "Snow on the Causeway", "Borrowed Thunder", "The Quiet Engineers",
               "Letters from Lindisfarne", "Tin Roof Summer", "The Weight of Small Birds", "Winter Kept Its Promise"]
AUDIO_FILLERS7 = ["Atomic Mornings", "The Salt Road", "Nine Bridges", "A Short History of Rain", "The Lighthouse Accounts",
                  "Moths of the Fens"]


def t_audiobook_library(rng, day, used):
    book = used.pick("audiobook7", AUDIOBOOKS7, rng)
    titles = [book, *rng.sample(AUDIO_FILLERS7, 4)]
    names = people7(rng, 10)
    lengths = rng.sample(range(300, 1500), 5)
    progress = [rng.randint(15, 85), 100, 0, rng.randint(5, 60), rng.choice([0, 100])]
    rows = []
    lefts = []
    for k, t in enumerate(titles):
        left = round(lengths[k] * (100 - progress[k]) / 100)
        lefts.append(left)
        state = "Finished" if progress[k] == 100 else "Not started" if progress[k] == 0 else f"{progress[k]}%"
        rows.append([t, names[2 * k], names[2 * k + 1], span(lengths[k]),
                     state, "" if progress[k] == 100 else f"{span(left)} left"])
    order = [0, *rng.sample(range(1, 5), 4)]
    rows = [rows[k] for k in order]
    titles = [titles[k] for k in order]
    lefts = [lefts[k] for k in order]
    lengths = [lengths[k] for k in order]
    most = titles[lefts.index(max(lefts))]
    chapters = rng.randint(18, 40)
    ch = rng.randint(3, chapters - 2)
    o = rng.randint(1, 4)
    return dict(app="Listenwell", title="Library", layout="table", theme="dark", selected=1,
                sidebar=["Home", "Library", "Wishlist", "Downloads", "Stats"],
                lines=["# My library", ["Title", "Author", "Narrated by", "Length", "Progress", "Remaining"], *rows,
                       f"Now playing: {book}, chapter {ch} of {chapters}. Speed 1.25x, sleep timer 30 min.",
                       f"{rng.randint(1, 4)} credits left. Next credit on {long_date(day + dt.timedelta(days=rng.randint(3, 25)))[1]}."],
                qs=[("ab_narr", f"Who reads the audiobook of {book}?", [rows[0][2]], "person"),
                    ("ab_left", f"How long have I got left of {book}?", [span(lefts[0])], "number"),
                    ("ab_len", f"When I was listening to {book}, how long did my library say {titles[o]} runs?",
                     [span(lengths[o])], "number"),
                    ("ab_chapter", f"Which chapter of {book} am I up to?", [f"chapter {ch}"], "number"),
                    ("ab_most", f"Looking at my library with {book} in it, which book has the most listening left?",
                     [most], "text")],
                absent=[("ab_narr", "Who reads the audiobook of {X}?", "audiobook7")])


SENDERS7 = ["Papercrane Stationery", "Woolhouse Yarns", "Kilnworks Pottery", "Tandem Coffee Roasters", "Fernery Plants",
            "Loomstate Linen", "Bellows Kitchenware", "Inkwell Pens", "Chalkboard Toys", "Grainger Bakeware",
            "Saddleback Leather", "Moss & Stone Candles"]
DEPOTS7 = [("Stoke-on-Trent", "collected"), ("Daventry hub", "sorted"), ("Rugby depot", "sorted"),
           ("Northampton depot", "arrived"), ("Milton Keynes hub", "sorted"), ("Leicester depot", "arrived"),
           ("Coventry depot", "arrived")]
SAFE_PLACES7 = ["In the porch", "Behind the side gate", "With a neighbour", "In the recycling box", "In the garage"]


def t_courier_map(rng, day, used):
    sender = used.pick("sender7", SENDERS7, rng)
    start, *middle = rng.sample(DEPOTS7, 4)
    stops = [start, *middle]
    cur = rng.randint(2, 3)
    t0 = rng.randint(5 * 60, 8 * 60)
    gaps = [rng.randint(70, 150) for _ in stops]
    pins = []
    for k, (place, verb) in enumerate(stops):
        when = hm(t0 - sum(gaps[k:cur])) if k <= cur else "next"
        cap = f"Now: {verb} {when}" if k == cur else (f"{verb.capitalize()} {when}" if k < cur else "Next stop")
        pins.append((place, cap))
    pins.append(("Your address", "Delivery"))
    track = f"{rng.choice(['JD', 'HX', 'TQ'])}{rng.randint(100000000, 999999999)}GB"
    a = rng.randint(10, 15) * 60 + rng.choice([0, 20, 40])
    old_a = a - rng.randint(2, 4) * 60
    n_stops = rng.randint(4, 19)
    safe = rng.choice(SAFE_PLACES7)
    return dict(app="Firefox", title=f"Track {track} - Swiftparcel", layout="map",
                lines=[f"# Your {sender} parcel", f"Tracking {track}. {rng.randint(1, 3)} item(s), {rng.uniform(0.4, 6):.1f} kg.",
                       *pins,
                       f"Arriving {long_date(day)[0]} between {hm(a)} and {hm(a + 60)} (earlier estimate {hm(old_a)} - {hm(old_a + 60)})",
                       f"Your driver has {n_stops} stops before you. Safe place if you're out: {safe.lower()}."],
                qs=[("pm_window", f"When should the {sender} parcel turn up?", [f"{hm(a)} and {hm(a + 60)}", hm(a)], "time"),
                    ("pm_where", f"Where is my {sender} parcel right now?", [stops[cur][0]], "place"),
                    ("pm_stops", f"How many drops does the driver have before my {sender} delivery?", [str(n_stops)], "number"),
                    ("pm_track", f"What's the tracking code for the {sender} order?", [track], "code"),
                    ("pm_before", f"Where was the {sender} parcel before it reached {stops[cur][0]}?",
                     [stops[cur - 1][0]], "place"),
                    ("pm_safe", f"Where will they leave the {sender} parcel if nobody's in?", [safe.lower()], "text")],
                absent=[("pm_where", "Where is my {X} parcel right now?", "sender7")])


WATCHES7 = ["Vanta Band 3", "Kairo Watch S", "Strata Fit 2", "Nimbus Ring", "Orbis Watch 4", "Tempo HR", "Quill Band",
            "Lumen Sleep Ring", "Pacer 5", "Halo Band Pro", "Ember Watch", "Drift Ring"]


def _hmin(minutes: int) -> str:
    return f"{minutes // 60}h {minutes % 60:02d}m"


def t_sleep_report(rng, day, used):
    watch = used.pick("watch7", WATCHES7, rng)
    monday = day - dt.timedelta(days=day.weekday() + 7)
    names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    asleep = rng.sample(range(300, 560), 7)
    deep = [rng.randint(40, 110) for _ in names]
    short, long_ = asleep.index(min(asleep)), asleep.index(max(asleep))
    beds = {long_: rng.randint(21 * 60 + 30, 23 * 60 + 30), short: rng.randint(23 * 60 + 45, 25 * 60 + 30)}
    rhr, last_rhr = rng.sample(range(48, 66), 2)
    k, j = rng.sample(range(7), 2)
    avg = sum(asleep) // 7
    return dict(app="Pulse", title=f"Sleep - {watch}", layout="chart",
                lines=[f"# Sleep, week of {long_date(monday)[1]}",
                       f"Average {_hmin(avg)} a night. Resting heart rate {rhr} bpm (previous week {last_rhr} bpm).",
                       ("Hours a night", "Asleep", "Deep sleep"),
                       *[(n, _hmin(a), _hmin(dp)) for n, a, dp in zip(names, asleep, deep)],
                       f"Longest night: {names[long_]}, asleep {hm(beds[long_])}, up {hm(beds[long_] + asleep[long_] + 25)}.",
                       f"Shortest night: {names[short]}, asleep {hm(beds[short])}, up {hm(beds[short] + asleep[short] + 15)}."],
                qs=[("sl_night", f"How long did I sleep on {names[k]} night, going by my {watch}?", [_hmin(asleep[k])], "number"),
                    ("sl_short", f"Which night did my {watch} say I slept least?", [names[short]], "text"),
                    ("sl_deep", f"How much deep sleep did the {watch} record on {names[j]}?", [_hmin(deep[j])], "number"),
                    ("sl_rhr", f"What's my resting heart rate on the {watch} this week?", [f"{rhr} bpm"], "number"),
                    ("sl_wake", f"What time did I get up after my shortest night, according to the {watch}?",
                     [hm(beds[short] + asleep[short] + 15)], "time")],
                absent=[("sl_rhr", "What's my resting heart rate on the {X} this week?", "watch7")])


CLIENTS7 = ["Brightmoor Logistics", "Halewood Dental", "Ostara Foods", "Pennine Glazing", "Quillon Legal",
            "Redfern Joinery", "Sunbury Vets", "Tidemark Marine", "Upland Breweries", "Vale Print Works",
            "Wychwood Hotels", "Yardley Motors"]
CRM_FILLERS7 = ["Acorn Nurseries", "Bexley Scaffolding", "Cinder Studios", "Dunmore Gyms", "Elland Bakeries",
                "Fosse Architects", "Granby Estates", "Hurst Opticians", "Ivel Clinics", "Jubilee Cabs"]
CRM_STAGES7 = ["Lead", "Qualified", "Proposal sent", "Negotiation", "Won"]
CRM_STEPS7 = ["send the revised quote", "book a demo with their IT lead", "chase the signed contract",
              "agree the delivery date", "call about the discount"]


def t_crm_pipeline(rng, day, used):
    client = used.pick("client7", CLIENTS7, rng)
    owners = people7(rng, 4)
    companies = rng.sample(CRM_FILLERS7, 9)
    at = rng.randrange(1, 4)
    pos = rng.randrange(3)
    cols, deals = [], {}
    for s, stage in enumerate(CRM_STAGES7):
        filled = rng.randint(1, 3) if s != at else 3
        cells = []
        for r in range(3):
            co = client if (s == at and r == pos) else (companies.pop() if r < filled and companies else None)
            if co is None:
                cells.append("")
                continue
            val = rng.randint(20, 480) * 100
            own = rng.choice(owners)
            close = day + dt.timedelta(days=rng.randint(-20, -1) if stage == "Won" else rng.randint(5, 90))
            deals[co] = (stage, val, own, close)
            cells.append(f"{co}\n{gbp(val)}\n{own}\n{'Won' if stage == 'Won' else 'Close'} {short_date(close)[1]}")
        cols.append((stage, *cells))
    stage, val, own, close = deals[client]
    step = rng.choice(CRM_STEPS7)
    step_by = day + dt.timedelta(days=rng.randint(1, 6))
    total = sum(v for _s, v, _o, _c in deals.values() if _s != "Won")
    return dict(app="Chromium", title="Pipeline - Dealflow CRM", layout="week", shrink=2,
                lines=[f"# Sales pipeline, {day:%B %Y}", f"Open pipeline {gbp(total)} across {len(deals) - sum(d[0] == 'Won' for d in deals.values())} deals.",
                       *cols,
                       f"{client}: next step, {step} by {short_date(step_by)[0]}."],
                qs=[("cr_value", f"How much is the {client} deal worth?", [gbp(val)[1:]], "money"),
                    ("cr_owner", f"Who is looking after the {client} deal?", [own], "person"),
                    ("cr_stage", f"How far along is the {client} deal?", [stage], "text"),
                    ("cr_close", f"When is the {client} deal expected to close?", [short_date(close)[1]], "date"),
                    ("cr_step", f"What's the next thing to do on the {client} deal?", [step], "text")],
                absent=[("cr_value", "How much is the {X} deal worth?", "client7")])


SERVICES7 = ["checkout-api", "search-indexer", "auth-gateway", "billing-worker", "image-resizer", "notify-svc",
             "ledger-sync", "catalog-api", "upload-proxy", "geo-lookup", "quote-engine", "session-store"]


def t_metrics_dashboard(rng, day, used):
    svc = used.pick("service7", SERVICES7, rng)
    h0 = rng.randint(8, 12)
    hours = [f"{h0 + k:02d}:00" for k in range(7)]
    p95 = rng.sample(range(180, 760), 7)
    p50 = [rng.randint(40, min(170, p - 20)) for p in p95]
    peak = p95.index(max(p95))
    fire = f"{h0 + peak:02d}:{rng.choice([5, 10, 15, 25, 35]):02d}"
    v = (2, rng.randint(3, 19), rng.randint(1, 9))
    new_v, old_v = f"v{v[0]}.{v[1]}.{v[2]}", f"v{v[0]}.{v[1]}.{v[2] - 1}"
    dep = f"{h0 + rng.randint(0, 5):02d}:{rng.choice([12, 24, 40, 48]):02d}"
    err, err_avg = round(rng.uniform(0.6, 4.9), 1), round(rng.uniform(0.1, 0.5), 1)
    k = rng.randrange(7)
    return dict(app="Chromium", title=f"{svc} - Dashboards - Grafana", layout="chart", theme="dark",
                crumbs=["Dashboards", "Production", svc],
                lines=[f"# {svc}: latency, {long_date(day - dt.timedelta(days=1))[0]}",
                       f"Deployed {new_v} at {dep} (was {old_v}). Error rate {err}% (7-day average {err_avg}%).",
                       ("Latency (ms), 1h buckets", "p95", "p50"), *[(h, str(a), str(b)) for h, a, b in zip(hours, p95, p50)],
                       f"Alert \"{svc} p95 > 400ms\" fired at {fire}, resolved at {hm(int(fire[:2]) * 60 + rng.randint(70, 140))}."],
                qs=[("md_p95", f"What was {svc}'s p95 latency in the {hours[k]} hour?", [str(p95[k])], "number"),
                    ("md_peak", f"At which hour was {svc} slowest?", [hours[peak]], "time"),
                    ("md_ver", f"Which version of {svc} did we ship?", [new_v], "code"),
                    ("md_alert", f"What time did the {svc} latency alert go off?", [fire], "time"),
                    ("md_err", f"What share of {svc} requests were failing?", [f"{err}%"], "number")],
                absent=[("md_ver", "Which version of {X} did we ship?", "service7")])


FOLDERS7 = ["Tax return 2025", "Wedding photos", "Boiler manuals", "Allotment plans", "Kitchen quotes",
            "Flat viewing notes", "Visa documents", "Pension letters", "Band rehearsals", "Thesis drafts",
            "Car paperwork", "School forms"]
FILES7 = ["receipts_march.pdf", "notes.txt", "IMG_4821.jpg", "quote_v2.docx", "budget.xlsx", "floorplan.png",
          "contract_signed.pdf", "summary.md", "archive.zip", "voice_memo.m4a", "slides.pptx", "invoice_0419.pdf",
          "scan_002.pdf", "checklist.odt"]


def t_file_manager(rng, day, used):
    folder = used.pick("folder7", FOLDERS7, rng)
    user = rng.choice(["sam", "alex", "jo", "kim"])
    names = rng.sample(FILES7, 8)
    sizes = rng.sample(range(3, 9000), 8)
    ages = rng.sample(range(0, 200), 8)
    subs = rng.sample(["old", "originals", "signed", "to print"], 2)

    def size_text(kb):
        return f"{kb} kB" if kb < 1000 else f"{kb / 1000:.1f} MB"
    icons = [(s, "Folder") for s in subs]
    for n, s, a in zip(names, sizes, ages):
        d = day - dt.timedelta(days=a)
        icons.append((n, f"{size_text(s)}, {d.day} {d:%b}"))
    big = names[sizes.index(max(sizes))]
    new = names[ages.index(min(ages))]
    k, j = rng.sample(range(8), 2)
    dj = day - dt.timedelta(days=ages[j])
    path = f"/home/{user}/Documents/{folder}"
    free = f"{rng.uniform(8, 240):.1f} GB free"
    return dict(app="Files", title=folder, layout="icons",
                sidebar=["Recent", "Home", "Documents", "Downloads", "Pictures", "Trash"],
                crumbs=["Home", "Documents", folder],
                status=[f"{len(icons)} items", free, path],
                lines=[f"# {folder}", *icons],
                qs=[("fm_size", f"How big is {names[k]} in my {folder} folder?", [size_text(sizes[k])], "number"),
                    ("fm_date", f"When did I last change {names[j]} in {folder}?", [f"{dj.day} {dj:%b}"], "date"),
                    ("fm_big", f"What's the largest file in {folder}?", [big], "file"),
                    ("fm_path", f"Where on disk is the {folder} folder?", [path], "file"),
                    ("fm_free", f"How much disk space was free when I had {folder} open?", [free], "number"),
                    ("fm_new", f"Which file in {folder} did I touch most recently?", [new], "file")],
                absent=[("fm_big", "What's the largest file in {X}?", "folder7")])


HOSTS7 = ["render-node2", "db-primary", "gitlab-runner", "plex-box", "k3s-worker1", "jupyter-gpu", "edge-proxy",
          "minecraft-srv", "mail-relay", "stats-vm", "ci-builder7", "home-assistant"]
PROCS7 = [("python3", "python3 train.py --epochs 40 --batch 64"), ("java", "java -Xmx4g -jar indexer.jar"),
          ("ffmpeg", "ffmpeg -i talk.mkv -c:v libx264 -crf 23 talk.mp4"), ("node", "node dist/server.js --port 3000"),
          ("postgres", "postgres: checkpointer"), ("rsync", "rsync -a /srv/photos/ backup:/photos/"),
          ("gzip", "gzip -9 access.log.1"), ("dockerd", "/usr/bin/dockerd -H fd://"),
          ("redis-server", "redis-server *:6379"), ("nginx", "nginx: worker process")]


def t_process_list(rng, day, used):
    host = used.pick("host7", HOSTS7, rng)
    user = rng.choice(["pat", "sam", "alex", "jo"])
    procs = rng.sample(PROCS7, 7)
    cpus = sorted(rng.sample(range(2, 1800), 7), reverse=True)
    cpus = [c / 10 for c in cpus]
    mems = [round(rng.uniform(0.1, 22.0), 1) for _ in procs]
    pids = rng.sample(range(300, 99999), 7)
    owners = [{"postgres": "postgres", "nginx": "www-data", "redis-server": "redis", "dockerd": "root"}.get(b)
              or rng.choice(["root", user]) for b, _c in procs]
    now = f"{rng.randint(8, 22):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    up_days = rng.randint(2, 140)
    load = [round(rng.uniform(0.2, 7.5), 2) for _ in range(3)]
    total = rng.choice([7839.2, 15895.4, 31986.1])
    used_mem = round(total * rng.uniform(0.3, 0.8), 1)
    n_tasks = rng.randint(150, 380)
    lines = [f"{user}@{host}:~$ top -c -o %CPU",
             f"top - {now} up {up_days} days,  {rng.randint(0, 23)}:{rng.randint(0, 59):02d},  2 users,  "
             f"load average: {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f}",
             f"Tasks: {n_tasks} total,   2 running, {n_tasks - 2} sleeping,   0 stopped,   0 zombie",
             f"%Cpu(s): {rng.uniform(5, 60):4.1f} us,  {rng.uniform(1, 9):3.1f} sy,  0.0 ni, {rng.uniform(20, 90):4.1f} id,  0.3 wa",
             f"MiB Mem : {total:8.1f} total, {total - used_mem - 900:8.1f} free, {used_mem:8.1f} used,    900.0 buff/cache",
             "",
             f"{'PID':>7} {'USER':<9}{'PR':>3}{'NI':>4}{'RES':>9} {'S'} {'%CPU':>6}{'%MEM':>6}{'TIME+':>10}  COMMAND"]
    for pid, own, c, m, (_b, cmd) in zip(pids, owners, cpus, mems, procs):
        res = f"{int(m * total * 10.24)}"
        tm = f"{rng.randint(0, 300)}:{rng.randint(0, 59):02d}.{rng.randint(0, 99):02d}"
        lines.append(f"{pid:>7} {own:<9}{20:>3}{0:>4}{res:>9} {rng.choice('SR')} {c:>6.1f}{m:>6.1f}{tm:>10}  {cmd}")
    k, j = rng.sample(range(7), 2)
    return dict(app="Terminal", title=f"{user}@{host}: top", layout="plain", mono=True, theme="dark", shrink=5,
                lines=lines,
                qs=[("tp_pid", f"What was the process ID of {procs[k][0]} on {host}?", [str(pids[k])], "number"),
                    ("tp_cpu", f"What was hogging the CPU on {host}?", [procs[0][1]], "command"),
                    ("tp_mem", f"What percentage of {host}'s memory was {procs[j][0]} using?", [f"{mems[j]:.1f}"], "number"),
                    ("tp_load", f"What was the one-minute load average on {host}?", [f"{load[0]:.2f}"], "number"),
                    ("tp_up", f"How long had {host} been running without a reboot?", [f"{up_days} days"], "number")],
                absent=[("tp_load", "What was the one-minute load average on {X}?", "host7")])


PROGRAMS7 = ["Parcelly", "Fintrove", "Stayhop", "Quillpay", "Tandemly", "Rentwise", "Lodgely", "Clipboardly",
             "Trailmix Maps", "Bookwyrm", "Nestfinder", "Orbitcash"]
VULNS7 = [("IDOR on invoice download exposes other users' invoices", "/api/v2/invoices/"),
          ("Stored XSS in profile display name", "/settings/profile"),
          ("Password reset token leaked in Referer header", "/account/reset"),
          ("SSRF via webhook URL reaches internal metadata", "/api/webhooks"),
          ("Open redirect after login", "/login?next="),
          ("Rate limit bypass on OTP check", "/api/v1/otp/verify")]


def t_bug_bounty(rng, day, used):
    prog = used.pick("program7", PROGRAMS7, rng)
    vuln, path = rng.choice(VULNS7)
    url = f"https://app.{prog.lower().replace(' ', '')}.example{path}"
    rid = f"#{rng.randint(1000000, 2999999)}"
    triager, dev = people7(rng, 2)
    d0 = day - dt.timedelta(days=rng.randint(25, 60))
    ds = sorted(d0 + dt.timedelta(days=o) for o in rng.sample(range(1, 24), 4))
    first, final = rng.choice([(9.1, 7.5), (8.6, 6.5), (7.1, 5.3), (9.8, 8.2)])
    bounty, bonus = rng.choice([750, 1000, 1500, 2500, 4000]), rng.choice([100, 250, 500])

    def when(d):
        return f"{d.day} {d:%b} {rng.randint(8, 19):02d}:{rng.randint(0, 59):02d}"
    events = [(when(ds[3]), "Resolved", f"Fix deployed by {dev}, retest passed"),
              (when(ds[2]), f"Bonus awarded: {usd5(bonus)}", "For a clear write-up and proof of concept"),
              (when(ds[1]), f"Bounty awarded: {usd5(bounty)}", f"{prog} security team"),
              (when(ds[0]), f"Triaged by {triager}", f"Severity changed from Critical ({first}) to High ({final})"),
              (when(d0), "Report submitted", "By you")]
    return dict(app="Firefox", title=f"Report {rid} - {prog} - Bountyhive", layout="timeline", reading=True,
                sidebar=["Inbox", "My reports", "Programs", "Payouts", "Settings"],
                lines=[f"# {vuln}", f"Report {rid} to {prog}. Status: Resolved. Severity High ({final})",
                       f"Asset: {url}", *events,
                       f"Total paid {usd5(bounty + bonus)}. Disclosure requested by {prog}: pending."],
                qs=[("bb_bounty", f"How much was the bounty {prog} awarded for my report?", [usd5(bounty)[1:]], "money"),
                    ("bb_sev", f"What severity score did {prog}'s triager settle on?", [str(final)], "number"),
                    ("bb_who", f"Who triaged my {prog} report?", [triager], "person"),
                    ("bb_url", f"Which address was the {prog} bug on?", [url], "url"),
                    ("bb_id", f"What's the number of my {prog} report?", [rid, rid[1:]], "code"),
                    ("bb_fixed", f"When did {prog} close the report as fixed?", [f"{ds[3].day} {ds[3]:%b}"], "date")],
                absent=[("bb_who", "Who triaged my {X} report?", "program7")],
                activity=[vuln, f"Report {rid}"])


UNIS7 = ["University of Eastmoor", "Calder Valley University", "Kingsbridge University", "University of Wyndham",
         "St Brannock's College", "Penmarric University", "University of Loxley", "Tarnside University",
         "Holmfirth Institute", "Ravensbourne Hill University", "University of Aldermoor", "Fenwick College London"]
MODULES7 = [("ECN201", "Intermediate Microeconomics"), ("ECN202", "Macroeconomic Policy"), ("ECN210", "Econometrics I"),
            ("ECN215", "Game Theory"), ("MTH220", "Statistics II"), ("ECN230", "Economic History"),
            ("ECN240", "Public Finance"), ("BUS205", "Corporate Finance"), ("ECN250", "Labour Economics"),
            ("ECN260", "Development Economics")]


def t_grade_transcript(rng, day, used):
    uni = used.pick("uni7", UNIS7, rng)
    student = people7(rng, 1)[0]
    sid = str(rng.randint(2000000, 2999999))
    mods = rng.sample(MODULES7, 6)
    credits = [rng.choice([15, 15, 30]) for _ in mods]
    marks = rng.sample(range(48, 86), 6)
    resit = rng.randrange(6)
    fail = rng.randint(28, 39)
    marks[resit] = 40

    def grade(m):
        return ("First" if m >= 70 else "Upper second" if m >= 60 else "Lower second" if m >= 50 else "Third" if m >= 40
                else "Fail")
    rows = [[c, n, str(cr), str(m), grade(m) + (" (resit)" if k == resit else "")]
            for k, ((c, n), cr, m) in enumerate(zip(mods, credits, marks))]
    avg = round(sum(m * c for m, c in zip(marks, credits)) / sum(credits), 1)
    y1 = round(rng.uniform(52, 72), 1)
    best = mods[marks.index(max(marks))][1]
    k, j = rng.sample([i for i in range(6) if i != resit], 2)
    issued = day - dt.timedelta(days=rng.randint(1, 20))
    return dict(app="Document Viewer", title=f"transcript-{sid}.pdf", layout="table", numeric_right=True,
                reading=True, groups=[("Module", 2), ("Result", 3)],
                lines=[f"# {uni}: academic transcript", f"{student}, student number {sid}. BSc Economics, year 2.",
                       ["Code", "Title", "Credits", "Mark", "Grade"], *rows,
                       f"{mods[resit][1]}: first attempt {fail}, resit mark capped at 40.",
                       f"Year 2 average {avg}% (credit weighted). Year 1 average {y1}% (does not count).",
                       f"Issued {long_date(issued)[1]} {issued.year} by Student Records."],
                qs=[("gt_mark", f"What did I get in {mods[k][1]} at {uni}?", [str(marks[k])], "number"),
                    ("gt_best", f"Which module did I do best in at {uni}?", [best], "text"),
                    ("gt_avg", f"What's my second-year average at {uni}?", [f"{avg}%"], "number"),
                    ("gt_credits", f"How many credits is {mods[j][1]} worth at {uni}?", [str(credits[j])], "number"),
                    ("gt_first", f"What did I score in {mods[resit][1]} at {uni} before the resit?", [str(fail)], "number"),
                    ("gt_id", f"What's my student number at {uni}?", [sid], "code")],
                absent=[("gt_avg", "What's my second-year average at {X}?", "uni7")],
                activity=[f"{uni}: academic transcript", "academic transcript"])


WORKPLACES7 = ["Riverside Garden Centre", "Kettle & Crumb Cafe", "Northfield Leisure Centre", "Brookhouse Care Home",
               "Lantern Cinema", "Hollybush Pharmacy", "Quayside Hotel", "Tollgate Bookshop", "Canal Street Deli",
               "Ashgrove Library", "Beacon Climbing Wall", "Eastgate Bakery"]
SHIFTS7 = [(7 * 60, 15 * 60), (8 * 60, 14 * 60), (9 * 60 + 30, 17 * 60 + 30), (12 * 60, 20 * 60), (16 * 60, 22 * 60)]


def t_shift_rota(rng, day, used):
    wp = used.pick("work7", WORKPLACES7, rng)
    monday = day - dt.timedelta(days=day.weekday()) + dt.timedelta(days=7)
    days = [monday + dt.timedelta(days=k) for k in range(7)]
    staff = people7(rng, 6)
    me = staff[0]

    def sh(s):
        return f"{hm(s[0])}-{hm(s[1])}"
    grid = {n: [rng.choice([*SHIFTS7, None, None]) for _ in days] for n in staff}
    off = rng.sample(range(7), 2)
    work = [k for k in range(7) if k not in off]
    for k in range(7):
        grid[me][k] = None if k in off else rng.choice(SHIFTS7)
    opener_day = rng.randrange(7)
    opener = rng.choice(staff[1:])
    for n in staff:
        if grid[n][opener_day] and grid[n][opener_day][0] <= 7 * 60 and n != opener:
            grid[n][opener_day] = SHIFTS7[3]
    grid[opener][opener_day] = SHIFTS7[0]
    swapped = rng.choice(work)
    was = rng.choice([s for s in SHIFTS7[1:] if s != grid[me][swapped]])
    ask = rng.choice([k for k in work if k != swapped])
    other = next(n for n in staff[1:] if n != opener)
    grid[other][swapped] = was
    hours = sum((s[1] - s[0] - 30) / 60 for s in grid[me] if s)
    heads = [f"{d:%a} {d.day} {d:%b}" for d in days]
    rows = [[f"{n} (you)" if n == me else n, *[sh(s) if s else "Off" for s in grid[n]]] for n in staff]
    rows = [rows[0], *rng.sample(rows[1:], 5)]
    return dict(app="Chromium", title=f"Rota - {wp} - Shiftboard", layout="table", selected=1, shrink=4,
                lines=[f"# {wp}: rota for the week of {long_date(monday)[1]}", ["Staff", *heads], *rows,
                       f"Swap approved: your {days[swapped]:%A} was {sh(was)}, now {sh(grid[me][swapped])} (swapped with {other}).",
                       f"Your hours this week: {hours:g} (unpaid 30 min break a shift). Published {short_date(day)[0]}."],
                qs=[("sr_start", f"When does my shift at {wp} start on {days[ask]:%A}?", [hm(grid[me][ask][0])], "time"),
                    ("sr_off", f"Which is my first day off at {wp} that week?", [heads[min(off)], f"{days[min(off)].day} {days[min(off)]:%b}"], "date"),
                    ("sr_open", f"Who's opening up at {wp} on {days[opener_day]:%A}?", [opener], "person"),
                    ("sr_hours", f"How many hours am I down for at {wp} that week?", [f"{hours:g}"], "number"),
                    ("sr_was", f"What was my {days[swapped]:%A} shift at {wp} before the swap?", [sh(was), hm(was[0])], "time")],
                absent=[("sr_start", "When does my shift at {X} start on Monday?", "work7")])


PCN_COUNCILS7 = ["Hartsmere Borough Council", "Kilnsey City Council", "Wrexby District Council", "Penbury Council",
                 "Strathmore Borough Council", "Oldcastle City Council", "Fenmouth District Council", "Barrowby Council",
                 "Elmsford Borough Council", "Corvedale Council", "Tamworth Vale Council", "Sandhurst Bay Council"]
PCN_STREETS7 = ["Albion Street", "Marlborough Road", "Queens Parade", "Victoria Terrace", "Bridge Street car park",
                "St Mary's Walk", "Hillside Avenue", "Chapel Lane"]


def t_penalty_notice(rng, day, used):
    council = used.pick("council7", PCN_COUNCILS7, rng)
    pcn = f"{council[:2].upper()}{rng.randint(10000000, 99999999)}"
    reg = f"{rng.choice(['LK', 'YD', 'BV', 'MA', 'SN'])}{rng.randint(62, 74)} {''.join(rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ') for _ in range(3))}"
    seen = day - dt.timedelta(days=rng.randint(2, 6))
    t1 = rng.randint(8 * 60, 18 * 60)
    t2 = t1 + rng.randint(5, 12)
    street = rng.choice(PCN_STREETS7)
    full = rng.choice([70.0, 110.0, 60.0])
    cheap, late = full / 2, full * 1.5
    by = seen + dt.timedelta(days=14)
    slug = council.lower().split()[0]
    url = f"https://{slug}.gov.example/pay-pcn"
    return dict(app="Document Viewer", title=f"PCN-{pcn}.pdf", reading=True,
                lines=[f"# {council}: Penalty Charge Notice", f"PCN number {pcn}",
                       f"Vehicle {reg}, {rng.choice(['silver', 'blue', 'black', 'red'])} {rng.choice(['Ford Fiesta', 'VW Polo', 'Nissan Leaf', 'Mini Cooper'])}",
                       "Contravention 12: parked in a residents' or shared use place without a valid permit",
                       f"Location {street}. Observed from {hm(t1)} to {hm(t2)} on {long_date(seen)[0]}",
                       f"Civil enforcement officer {rng.randint(1000, 1999)}. Photographs taken: {rng.randint(3, 8)}",
                       f"The penalty is {gbp(full)}. It is reduced to {gbp(cheap)} if paid by {long_date(by)[0]}.",
                       f"If it is not paid within 28 days it may rise to {gbp(late)}.",
                       f"Pay or challenge online at {url} or call 0300 {rng.randint(100, 999)} {rng.randint(1000, 9999)}."],
                qs=[("pf_amt", f"How much do I pay if I settle the {council} fine quickly?", [gbp(cheap)[1:]], "money"),
                    ("pf_by", f"By when do I have to pay the {council} fine to get it cheaper?", [long_date(by)[1]], "date"),
                    ("pf_where", f"Where was the car when {council} ticketed it?", [street], "place"),
                    ("pf_num", f"What's the reference on the {council} parking ticket?", [pcn], "code"),
                    ("pf_url", f"Which website do I use to appeal the {council} ticket?", [url], "url"),
                    ("pf_time", f"What time did the warden first spot the car, per the {council} notice?", [hm(t1)], "time")],
                absent=[("pf_amt", "How much do I pay if I settle the {X} fine quickly?", "council7")],
                activity=["Penalty Charge Notice", f"PCN-{pcn}.pdf"])


DESTS7 = {"Palermo": "PMO", "Zadar": "ZAD", "Bordeaux": "BOD", "Gdansk": "GDN", "Salzburg": "SZG", "Faro": "FAO",
          "Bilbao": "BIO", "Vilnius": "VNO", "Catania": "CTA", "Dubrovnik": "DBV", "Nantes": "NTE", "Innsbruck": "INN"}
ORIGINS7 = ["London Gatwick (LGW)", "Manchester (MAN)", "Bristol (BRS)", "Edinburgh (EDI)", "London Luton (LTN)"]


def t_boarding_pass(rng, day, used):
    city = used.pick("dest7", list(DESTS7), rng)
    flight = f"{rng.choice(['EZY', 'U2', 'BA', 'FR'])}{rng.randint(100, 8999)}"
    dep = rng.randint(24, 84) * 5 + 5 * 60
    board, closes = dep - 40, dep - 20
    old_gate = f"{rng.choice('ABC')}{rng.randint(1, 40)}"
    new_gate = f"{rng.choice('ABC')}{rng.randint(41, 60)}"
    seat = f"{rng.randint(2, 33)}{rng.choice('ABCDEF')}"
    ref = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6))
    origin = rng.choice(ORIGINS7)
    when = day + dt.timedelta(days=rng.randint(0, 2))
    name = people7(rng, 1)[0]
    return dict(app="Wallet", title=f"{flight} to {city} - Boarding pass", layout="ticket",
                toast=("Gate change", [f"{flight} to {city} now boards from gate {new_gate} (was {old_gate}).",
                                       f"Gate closes {hm(closes)}."]),
                lines=[f"# {origin.split(' (')[0]} to {city}", f"{long_date(when)[0]}. Boarding pass 1 of 1",
                       "Be at the gate before it closes. Only one small bag under the seat.",
                       ("Passenger", name), ("Flight", flight), ("Seat", seat),
                       ("From", origin), ("To", f"{city} ({DESTS7[city]})"), ("Gate", old_gate),
                       ("Boarding", hm(board)), ("Departs", hm(dep)), ("Booking ref", ref),
                       ("Sequence", f"{rng.randint(1, 190):03d}"), ("Bags", rng.choice(["Cabin bag only", "1 x 23kg hold"])),
                       ("Speedy boarding", rng.choice(["Yes", "No"]))],
                qs=[("bp_gate", f"Which gate is my {city} flight going from now?", [new_gate], "code"),
                    ("bp_seat", f"Where am I sitting on the flight to {city}?", [seat], "code"),
                    ("bp_board", f"What time does boarding start for {city}?", [hm(board)], "time"),
                    ("bp_ref", f"What's my booking reference for the {city} trip?", [ref], "code"),
                    ("bp_from", f"Which airport does my {city} flight leave from?", [origin, origin.split(' (')[0]], "place")],
                absent=[("bp_gate", "Which gate is my {X} flight going from now?", "dest7")])


LOCKERS7 = ["Tesco Hornsey", "Co-op Pimlico", "Leyton Mills", "Finsbury Park station", "Morrisons Camden",
            "Stratford Westfield", "Brixton Rec", "Peckham Rye station", "Holloway Road", "Ealing Broadway",
            "Walthamstow Central", "Clapham Junction"]
MERCHANTS7 = ["Greggs Angel", "Pret Kings Cross", "Boots Islington", "Timpson Holborn", "Waterstones Piccadilly",
              "Lidl Seven Sisters", "Screwfix Tottenham", "Itsu Old Street", "Wasabi Bank", "Sainsbury's Local Euston",
              "Rymans Camden", "Foyles Charing Cross"]
EVENTS7 = ["Quarterly planning", "Design crit", "Budget review", "Onboarding walkthrough", "Vendor demo",
           "Roadmap sync", "Hiring panel", "Sprint retro", "Pricing workshop", "Board prep", "Security briefing",
           "Launch rehearsal"]


def t_notification_centre(rng, day, used):
    locker = used.pick("locker7", LOCKERS7, rng)
    merchant = used.pick("merchant7", MERCHANTS7, rng)
    event = used.pick("event7", EVENTS7, rng)
    person_, other = people7(rng, 2)
    shop = rng.choice(SHOPS)
    pick = str(rng.randint(100000, 999999))
    otp = f"{rng.randint(100, 999)} {rng.randint(100, 999)}"
    until = day + dt.timedelta(days=rng.randint(2, 5))
    spent = rng.randint(150, 4800) / 100
    bal = rng.randint(20000, 300000) / 100
    old_t = rng.randint(40, 66) * 15
    new_t = old_t + rng.choice([30, 45, 60, 90])
    ts = sorted(rng.sample(range(6 * 60, 8 * 60), 6), reverse=True)  # before the day's first screen
    notes = [("Lockerbox", ts[0], "Your parcel is ready",
              f"Your {shop} parcel is at {locker}. Pick-up code {pick}, collect by {short_date(until)[0]} 20:00."),
             ("Northwind Bank", ts[1], f"You paid {gbp(spent)}", f"To {merchant}. Balance {gbp(bal)}."),
             ("Calendar", ts[2], f"{event} moved", f"{event} is now at {hm(new_t)} in Room {rng.randint(2, 9)} (was {hm(old_t)})."),
             ("Slack", ts[3], f"{person_} in #team", f"Could you send me the slides before {event}?"),
             ("Messages", ts[4], "Fennel Bank", f"Your login code is {otp}. Never share it. Expires in 10 minutes."),
             ("Slack", ts[5], f"{other} in #general", "Cake in the kitchen on the second floor!")]
    return dict(app="Notification Centre", title="Notifications", layout="notices",
                lines=["# Notifications", f"Today, {long_date(day)[0]}. Do not disturb is off.",
                       *[(a, hm(t), ttl, body) for a, t, ttl, body in notes]],
                qs=[("nc_code", f"What's the code to open the locker at {locker}?", [pick], "code"),
                    ("nc_until", f"When do I have to collect the parcel from {locker} by?", [short_date(until)[1]], "date"),
                    ("nc_paid", f"How much did I spend at {merchant}?", [gbp(spent)[1:]], "money"),
                    ("nc_event", f"What time is {event} now?", [hm(new_t)], "time"),
                    ("nc_who", f"Who asked me for slides before {event}?", [person_], "person")],
                absent=[("nc_code", "What's the code to open the locker at {X}?", "locker7")])


# --- round 8 (issue 18): a further held-out measure, written blind to the answer code like rounds 4
# to 7: new kinds of screen, an eighth name pool, and each question's entity from its own pool.
FIRST8 = ["Araminta", "Benedetta", "Cedric", "Dagmar", "Emrys", "Flavia", "Gunnar", "Henrietta", "Ivo",
          "Jacinta", "Lazlo", "Mireille", "Nesta", "Odile", "Piran", "Rowena", "Sigrid", "Tancredi"]
LAST8 = ["Abercrombie", "Blackburn", "Cartwright", "Dunwoody", "Ellingham", "Fontaine", "Greenhalgh", "Hawthorne",
         "Ironside", "Kilbride", "Lamberti", "Mountjoy", "Nettleton", "Ormerod", "Pilkington", "Rutherford"]


people8 = people_of(FIRST8, LAST8)   # the eighth pool


ROUTER_NETS8 = ["Foxglove-Home", "Wrenfield_5G", "Tansy-Net", "Larkhill-WiFi", "Hazelnook", "Pipistrelle-5G",
                "Marram-Home", "Cobnut_Net", "Sedgemoor-WiFi", "Quince-LAN", "Rushmere-5G", "Elderholt"]
ROUTER_MODELS8 = ["Archer AX55", "Nighthawk RAX40", "FRITZ!Box 7590", "Deco X20", "ZenWiFi XT8", "RT-AX58U"]
WIRELESS8 = ["{f}'s iPhone", "{f}'s MacBook Air", "Living room TV", "HP OfficeJet 8015", "Nest thermostat",
             "Ring doorbell", "Kindle Paperwhite", "Sonos One", "work-laptop-0417", "{f}'s Galaxy S23"]
WIRED8 = ["PlayStation 5", "Synology NAS", "Raspberry Pi 4", "Xbox Series X", "Desktop PC"]
FORWARDS8 = [("Plex", 32400), ("SSH", 22), ("Home Assistant", 8123), ("Minecraft", 25565), ("WireGuard", 51820),
             ("Web server", 443)]


def t_router_admin(rng, day, used):
    net = used.pick("net8", ROUTER_NETS8, rng)
    model = rng.choice(ROUTER_MODELS8)
    owner = rng.choice(FIRST8)
    sub = rng.choice([0, 1, 50, 68, 178])
    hosts = rng.sample(range(2, 250), 8)
    names = [w.format(f=owner) for w in rng.sample(WIRELESS8, 5)]
    wired = rng.choice(WIRED8)
    pos = rng.randrange(1, 6)
    names.insert(pos, wired)
    rows = []
    for k, nm in enumerate(names):
        mac = ":".join(f"{rng.randint(0, 255):02X}" for _ in range(6))
        conn = "Ethernet, port 2" if nm == wired else f"Wi-Fi {rng.choice(['2.4', '5'])} GHz, -{rng.randint(38, 79)} dBm"
        rows.append([nm, f"192.168.{sub}.{hosts[k]}", mac, conn,
                     f"{rng.uniform(0, 40):.1f} / {rng.uniform(0, 6):.1f} Mbps"])
    fw = f"{rng.randint(1, 3)}.{rng.randint(0, 9)}.{rng.randint(10, 60)}"
    fw_new = fw[:-2] + str(int(fw[-2:]) + rng.randint(1, 9))
    fwd = rng.sample(FORWARDS8, 3)
    ext = [rng.choice([p, rng.randint(20000, 60000)]) for _s, p in fwd]
    ports = [[svc, str(e), f"192.168.{sub}.{hosts[6 + (k % 2)]}:{p}", rng.choice(["TCP", "UDP", "TCP/UDP"])]
             for k, ((svc, p), e) in enumerate(zip(fwd, ext))]
    wan = f"{rng.choice([81, 86, 92, 151, 212])}.{rng.randint(1, 254)}.{rng.randint(1, 254)}.{rng.randint(1, 254)}"
    k = rng.choice([i for i in range(6) if i != pos])
    f = rng.randrange(3)
    return dict(app="Firefox", title=f"{model} - Connected devices", layout="table", shrink=2,
                sidebar=["Status", "Connected devices", "Wi-Fi", "Port forwarding", "Parental controls", "Firmware",
                         "System log"],
                lines=["# Connected devices",
                       f"Network {net}: {len(rows)} devices online. Firmware {fw} (version {fw_new} is available).",
                       f"Internet connected for {rng.randint(2, 60)} days, public address {wan}.",
                       ["Device", "IP address", "MAC address", "Connection", "Down / up"], *rows,
                       "Port forwarding rules",
                       ["Service", "Outside port", "Sent to", "Protocol"], *ports],
                qs=[("ra_ip", f"What address does the {names[k]} have on my {net} network?", [rows[k][1]], "number"),
                    ("ra_fw", f"Which firmware is the {net} router running?", [fw], "code"),
                    ("ra_port", f"Which port from the internet goes through to {fwd[f][0]} on {net}?", [str(ext[f])],
                     "number"),
                    ("ra_cable", f"What's plugged into the {net} router with a cable?", [wired], "text")],
                absent=[("ra_fw", "Which firmware is the {X} router running?", "net8")])


PHOTO_TITLES8 = ["Lighthouse at dusk", "Grandma's 90th cake", "Frosty allotment", "Kayaks on the loch",
                 "Market stall oranges", "Fog over the viaduct", "Puffins on the cliff", "Night ferry lights",
                 "Bluebell woods", "Rooftops after rain", "Old tram depot", "Tulip fields in the mist"]
CAMERAS8 = [("FUJIFILM X-T5", "XF16-80mmF4 R OIS WR"), ("Canon EOS R6m2", "RF24-105mm F4 L IS USM"),
            ("SONY ILCE-7M4", "FE 35mm F1.8"), ("Apple iPhone 15 Pro", "Main camera 6.8 mm f/1.78"),
            ("NIKON Z 6_2", "NIKKOR Z 24-70mm f/4 S"), ("OM SYSTEM OM-1", "M.Zuiko 12-40mm F2.8 PRO II"),
            ("Google Pixel 8", "Main camera 6.9 mm f/1.68")]
PHOTO_PLACES8 = ["Mull of Galloway, Scotland", "Whitstable, Kent", "Glencoe, Highland", "Stanage Edge, Derbyshire",
                 "Hebden Bridge, West Yorkshire", "St Ives, Cornwall", "Llandudno, Conwy", "Bamburgh, Northumberland"]


def t_photo_info(rng, day, used):
    title = used.pick("photo8", PHOTO_TITLES8, rng)
    cam, lens = rng.choice(CAMERAS8)
    taken = day - dt.timedelta(days=rng.randint(3, 300))
    at = rng.randint(6 * 60, 21 * 60)
    imported = taken + dt.timedelta(days=rng.randint(1, 9))
    edited = imported + dt.timedelta(days=rng.randint(0, 30))
    place = rng.choice(PHOTO_PLACES8)
    user = rng.choice(["sam", "alex", "jo", "kim", "robin"])
    album = f"{taken:%Y-%m} {place.split(',')[0]}"
    stem = rng.choice(["DSCF", "IMG_", "_DSC", "PXL_"])
    fname = f"{stem}{rng.randint(1000, 9999)}.JPG"
    path = f"/home/{user}/Pictures/{taken.year}/{album}/{fname}"
    iso = rng.choice([64, 100, 125, 200, 400, 800, 1600, 3200, 6400])
    focal = rng.choice([16, 23, 24, 28, 35, 50, 56, 70, 85])
    speed = rng.choice(["1/15", "1/60", "1/125", "1/250", "1/500", "1/1000", "1/4000"])
    fstop = rng.choice(["1.8", "2.8", "4", "5.6", "8", "11"])
    w, h = rng.choice([(6240, 4160), (6000, 4000), (5712, 4284), (4032, 3024), (7008, 4672)])
    mb = round(rng.uniform(3.2, 28.0), 1)
    n, m = rng.randint(2, 40), rng.randint(41, 400)
    return dict(app="Photos", title=f"{fname} - {album}", layout="photo", theme="dark",
                status=[f"{n} of {m}", path, f"{mb} MB"],
                lines=[f"# {title}", f"In {album}. Rated {rng.randint(0, 5)} of 5, {rng.choice(['no faces', 'one face', 'two faces'])} tagged.",
                       ("Title", title), ("Taken", f"{taken:%A} {taken.day} {taken:%B} {taken.year}, {hm(at)}"),
                       ("Camera", cam), ("Lens", lens), ("Exposure", f"{speed} s at f/{fstop}"), ("ISO", str(iso)),
                       ("Focal length", f"{focal} mm"), ("Size", f"{w} x {h}, {mb} MB"), ("Location", place),
                       ("Imported", f"{imported.day} {imported:%B} {imported.year}"),
                       ("Edited", f"{edited.day} {edited:%B} {edited.year}")],
                qs=[("pi_when", f"What day did I take the {title} photo?", [f"{taken.day} {taken:%B}"], "date"),
                    ("pi_camera", f"What was {title} shot on?", [cam], "text"),
                    ("pi_where", f"Where was I when I took {title}?", [place, place.split(",")[0]], "place"),
                    ("pi_file", f"Where on my computer is the {title} photo saved?", [path], "file")],
                absent=[("pi_camera", "What was {X} shot on?", "photo8")])


TS_JOBS8 = ["Harlow Bridge survey", "Quayside flats fit-out", "Greenway school extension", "Millbrook depot roof",
            "Castlegate office refurb", "Riverbank car park", "Elmstead surgery", "Northway retail unit",
            "Kingsmead bus station", "Alder Court care home", "Ferry Lane housing", "Westgate library"]
TS_FILLERS8 = ["Internal: training", "Internal: admin", "Bid: Portway depot", "Site visits (general)",
               "Holborough culvert inspection", "Tender: Marsh Road"]


def t_timesheet(rng, day, used):
    job = used.pick("job8", TS_JOBS8, rng)
    me, mgr, deputy = people8(rng, 3)
    monday = day - dt.timedelta(days=day.weekday())
    days = [monday + dt.timedelta(days=k) for k in range(5)]
    jobs = [job, *rng.sample(TS_FILLERS8, 3)]
    codes = ["".join(w[0] for w in j.replace(":", "").split()[:2]).upper() + f"-{rng.randint(1000, 9999)}" for j in jobs]
    order = rng.sample(range(4), 4)
    hours = [[0.0] * 5 for _ in jobs]
    for c in range(5):
        units = rng.choice([15, 15, 16, 18])
        for _ in range(units):
            hours[rng.choices(range(4), weights=[5, 2, 2, 1])[0]][c] += 0.5
    ask = rng.choice([c for c in range(5) if hours[0][c]])
    totals = [sum(col) for col in zip(*hours)]
    grand = sum(totals)
    rows = [[codes[j], jobs[j], *[f"{h:g}" if h else "" for h in hours[j]], f"{sum(hours[j]):g}"] for j in order]
    prev = rng.choice([35.5, 37.5, 38, 40.5])
    miles = rng.randint(12, 140)
    return dict(app="Chromium", title=f"Timesheet week {days[0].isocalendar()[1]} - Clockwise", layout="table",
                numeric_right=True, shrink=2, groups=[("", 2), ("Hours", 5), ("", 1)],
                status=[f"Approver: {mgr}", "Status: Draft", f"Autosaved {hm(rng.randint(9 * 60, 17 * 60))}"],
                lines=[f"# Timesheet, week of {long_date(days[0])[1]}",
                       f"{me}, site engineering. Submit by {days[4]:%A} 17:00 for approval.",
                       ["Code", "Job", *[short_date(d)[0] for d in days], "Total"], *rows,
                       ["", "Total", *[f"{t:g}" for t in totals], f"{grand:g}"],
                       f"Last week: {prev:g} hours, approved by {deputy} on {short_date(days[0] - dt.timedelta(days=rng.randint(1, 3)))[0]}.",
                       f"Mileage this week: {miles} miles ({gbp(miles * 0.45)})."],
                qs=[("ts_day", f"How many hours did I put down for {job} on {days[ask]:%A}?", [f"{hours[0][ask]:g}"],
                     "number"),
                    ("ts_total", f"What do the hours add up to on my timesheet with {job} on it?", [f"{grand:g}"],
                     "number"),
                    ("ts_code", f"Which job code do I book {job} time to?", [codes[0]], "code"),
                    ("ts_who", f"Who has to approve my week on {job}?", [mgr], "person")],
                absent=[("ts_code", "Which job code do I book {X} time to?", "job8")])


OUTAGE_AREAS8 = ["Kesgrave Heath", "Little Brampton", "Upper Wraxall", "Saxtead Green", "Nether Stowey", "Coddenham",
                 "Great Bealings", "Fressingfield", "Lower Slaughter", "Long Melford", "Hintlesham", "Brantham"]
WATER_COS8 = ["Eastbrook Water", "Severnside Water", "Wessex Vale Water", "Pennine Water Services"]
OUTAGE_STREETS8 = ["Mill Road", "Quay Lane", "Orchard Rise", "Church Walk", "The Street", "Chapel Hill",
                   "Rectory Lane", "Back Lane", "Vicarage Road"]
WATER_POINTS8 = ["Village hall car park", "Co-op car park", "Community centre", "Recreation ground", "Primary school gates"]


def t_water_outage(rng, day, used):
    area = used.pick("area8", OUTAGE_AREAS8, rng)
    company = rng.choice(WATER_COS8)
    streets = rng.sample(OUTAGE_STREETS8, 5)
    t0 = rng.randint(24, 40) * 15
    old = t0 + rng.randint(16, 24) * 15
    upd = t0 + rng.randint(8, 15) * 15
    new = old + rng.randint(6, 14) * 15
    water_at = upd + rng.randint(2, 6) * 15
    point = f"{rng.choice(WATER_POINTS8)}, {streets[4]}"
    ref = f"INC-{rng.randint(1000000, 9999999)}"
    homes = rng.randint(180, 4200)
    title = f"Supply interruption: {area}"
    return dict(app="Firefox", title=f"{title} - {company}", layout="alerts", reading=True,
                crumbs=[company, "Help", "Problems in your area", area],
                lines=[f"# {title}", f"Last updated {hm(upd)} today, {long_date(day)[0]}.",
                       ("warning", f"No water in {area}",
                        f"We're repairing a burst main on {streets[0]}. Supply went off at {hm(t0)}. When it's back, "
                        "taps may run cloudy for a while: run the cold kitchen tap until it clears."),
                       ("info", f"Update at {hm(upd)}",
                        f"The repair is taking longer than we hoped. We now expect supply back by {hm(new)}, "
                        f"not {hm(old)} as we said this morning."),
                       ("Reference", ref), ("Homes affected", f"{homes:,}"),
                       ("Streets", f"{', '.join(streets[:3])}, {streets[3]} and {rng.randint(3, 14)} more"),
                       ("Bottled water", f"{point}, from {hm(water_at)}"),
                       ("Priority Services", f"Call 0800 {rng.randint(100, 999)} {rng.randint(1000, 9999)}: we deliver water"),
                       ("Compensation", f"{gbp(rng.choice([30.0, 40.0, 50.0]))} if you're off for over 12 hours")],
                qs=[("wo_back", f"When should the taps in {area} be working again?", [hm(new)], "time"),
                    ("wo_bottles", f"Where can people in {area} get bottled water?", [point], "place"),
                    ("wo_ref", f"What's the reference for the {area} water cut?", [ref], "code"),
                    ("wo_homes", f"How many homes lost water in {area}?", [f"{homes:,}"], "number")],
                absent=[("wo_back", "When should the taps in {X} be working again?", "area8")],
                activity=[f"{title} - {company}", title])


BACKUP_JOBS8 = ["Studio projects", "Thesis and notes", "Accounts folder", "Podcast masters", "Home videos",
                "Client archive", "Scans and letters", "Allotment records", "Game saves", "Choir recordings",
                "Garden journal", "Novel drafts"]
DRIVES8 = ["SEAGATE_4TB", "WD_PASSPORT", "SAMSUNG_T7", "LACIE_RUGGED", "TOSHIBA_2TB"]


def t_backup_status(rng, day, used):
    job = used.pick("backup8", BACKUP_JOBS8, rng)
    user = rng.choice(["sam", "alex", "jo", "kim", "robin"])
    drive = rng.choice(DRIVES8)
    slug = job.lower().replace(" ", "-")
    src = f"/home/{user}/{job.replace(' ', '_')}"
    dest = f"/media/{user}/{drive}/Backups/{slug}"
    sched = rng.choice([60, 90, 120, 150, 180, 22 * 60 + 30, 23 * 60])
    keep = rng.choice([30, 60, 90, 180])
    fail_back = rng.randint(1, 4)
    rows, added = [], []
    for k in range(5):
        d = day - dt.timedelta(days=k + (1 if sched > 20 * 60 else 0))
        start = sched + rng.randint(0, 3)
        if k == fail_back:
            rows.append([f"{short_date(d)[0]}, {hm(start)}", "0 min", "0", "-", "Failed: drive not connected"])
            continue
        gb = f"{rng.uniform(0.1, 9.5):.1f} GB" if rng.random() < 0.6 else f"{rng.randint(12, 950)} MB"
        added.append(gb)
        rows.append([f"{short_date(d)[0]}, {hm(start)}", f"{rng.randint(2, 48)} min", f"{rng.randint(3, 4800):,}", gb,
                     "Completed"])
    fail = day - dt.timedelta(days=fail_back + (1 if sched > 20 * 60 else 0))
    nxt = day + dt.timedelta(days=0 if sched > 20 * 60 else 1)
    free, cap = rng.randint(40, 1800), rng.choice([2, 4, 5])
    return dict(app="Backups", title=job, layout="kv",
                sidebar=["Overview", "Restore", "Schedule", "Storage", "Preferences"],
                status=[f"{drive}: {free} GB free of {cap} TB", f"{rng.randint(2000, 90000):,} files kept",
                        "Backups 44.1"],
                lines=[f"# {job}", "Your files are backed up automatically.",
                       ("Folder", src), ("Saved to", dest), ("Schedule", f"Every day at {hm(sched)}, kept for {keep} days"),
                       ("Next backup", f"{long_date(nxt)[0]} at {hm(sched)}"), ("Encryption", "On, with a password"),
                       ["Started", "Took", "Files changed", "Added", "Result"], *rows],
                qs=[("bk_dest", f"Which folder does my {job} backup go into?", [dest], "file"),
                    ("bk_fail", f"When did the {job} backup last fail?", [short_date(fail)[1]], "date"),
                    ("bk_added", f"How much did the most recent {job} backup add?", [added[0]], "number"),
                    ("bk_next", f"What time will the {job} backup run next?", [hm(sched)], "time")],
                absent=[("bk_dest", "Which folder does my {X} backup go into?", "backup8")])


TEST_REPOS8 = ["kestrel-billing", "puffin-auth", "gannet-search", "shrike-reports", "linnet-api", "merlin-sync",
               "siskin-etl", "dunnock-web", "redpoll-jobs", "whinchat-cli", "twite-mailer", "brambling-core"]
TEST_FAILS8 = [("tests/test_refunds.py", "test_refund_rounds_to_pence", "assert Decimal('4.34') == Decimal('4.33')"),
               ("tests/test_tokens.py", "test_expired_token_is_rejected", "assert 200 == 401"),
               ("tests/api/test_export.py", "test_csv_has_header_row", "AssertionError: assert 'id,name' in ''"),
               ("tests/test_dates.py", "test_clocks_change_day", "assert '01:30' == '02:30'"),
               ("tests/test_slugs.py", "test_unicode_title_slug", "assert 'caf' == 'cafe'"),
               ("tests/db/test_migrations.py", "test_0042_adds_index", "sqlite3.OperationalError: no such table: orders")]
TEST_SLOW8 = ["tests/api/test_export.py::test_full_export_zip", "tests/db/test_migrations.py::test_all_migrations_apply",
              "tests/test_search.py::test_reindex_10k_rows", "tests/test_mailer.py::test_batch_send_retry",
              "tests/test_pdf.py::test_invoice_pdf_render"]
TEST_CMDS8 = ["python -m pytest -q --durations=3", "pytest -q --durations=3 tests/",
              ".venv/bin/pytest -q --durations=3 -k 'not slow'", "uv run pytest -q --durations=3 -p no:randomly",
              "poetry run pytest -q --durations=3"]


def t_test_run(rng, day, used):
    repo = used.pick("repo8", TEST_REPOS8, rng)
    user, host = rng.choice(["sam", "alex", "jo", "kim"]), rng.choice(["thinkpad", "xps13", "framework", "devbox"])
    cmd = rng.choice(TEST_CMDS8)
    fails = rng.sample(TEST_FAILS8, rng.randint(1, 2))
    slow = rng.sample(TEST_SLOW8, 3)
    secs = sorted((round(rng.uniform(0.4, 9.9), 2) for _ in slow), reverse=True)
    n_pass, n_skip = rng.randint(90, 230), rng.randint(0, 6)
    total = n_pass + n_skip + len(fails)
    marks = ["."] * n_pass + ["s"] * n_skip + ["F"] * len(fails)
    rng.shuffle(marks)
    dots, done = [], 0
    for i in range(0, total, 80):
        chunk = "".join(marks[i:i + 80])
        done += len(chunk)
        dots.append(f"{chunk:<80} [{round(100 * done / total):>3}%]")
    took = round(rng.uniform(4, 95), 2)
    lines = [f"{user}@{host}:~/code/{repo}$ {cmd}", *dots, f"{'=' * 36} FAILURES {'=' * 36}"]
    for path, name, msg in fails:
        lines += [f"{'_' * 24} {name} {'_' * 24}", f"{path}:{rng.randint(20, 240)}: in {name}", f"E   {msg}"]
    lines.append(f"{'=' * 30} slowest 3 durations {'=' * 30}")
    lines += [f"{s:.2f}s call     {t}" for s, t in zip(secs, slow)]
    lines.append(f"{'=' * 28} short test summary info {'=' * 28}")
    lines += [f"FAILED {path}::{name} - {msg}" for path, name, msg in fails]
    skipped = f", {n_skip} skipped" if n_skip else ""
    lines.append(f"{'=' * 20} {len(fails)} failed, {n_pass} passed{skipped} in {took}s {'=' * 20}")
    lines.append(f"{user}@{host}:~/code/{repo}$")
    return dict(app="Terminal", title=f"{user}@{host}: ~/code/{repo}", layout="plain", mono=True, theme="dark", shrink=5,
                lines=lines,
                qs=[("pt_cmd", f"How did I run the {repo} test suite?", [cmd], "command"),
                    ("pt_failed", f"How many {repo} tests failed?", [f"{len(fails)} failed"], "number"),
                    ("pt_file", f"Which file is the failing {fails[0][1]} test of {repo} in?", [fails[0][0]], "file"),
                    ("pt_slow", f"Which {repo} test was the slowest?", [slow[0], slow[0].split("::")[1]], "code")],
                absent=[("pt_failed", "How many {X} tests failed?", "repo8")])


MEETINGS8 = ["Allotment committee", "Quiz night planning", "Orchestra section leads", "Street party planning",
             "Thesis supervision", "PTA finance group", "Choir committee", "Five-a-side organisers",
             "Housing co-op board", "Book fair volunteers", "Cycling club rides", "Tenants' association"]


def t_video_call(rng, day, used):
    meeting = used.pick("meeting8", MEETINGS8, rng)
    people = people8(rng, rng.randint(5, 7))
    host, presenter = people[0], people[rng.randrange(1, len(people))]
    tiles = [(p, "Host" if p == host else "Presenting" if p == presenter else rng.choice(["", "Muted", "Muted", ""]))
             for p in people]
    tiles.insert(rng.randrange(1, len(tiles) + 1), ("You", "Muted"))
    t = rng.randint(18 * 60, 20 * 60)
    hall = day + dt.timedelta(days=rng.randint(10, 40))
    leaflets = day + dt.timedelta(days=rng.randint(3, 9))
    nxt = day + dt.timedelta(days=rng.randint(7, 21))
    h1 = rng.randint(9, 13) * 60
    nt = rng.choice([18 * 60 + 30, 19 * 60, 19 * 60 + 30, 20 * 60])
    flt, strip = rng.choice([40.0, 45.0, 50.0, 60.0, 75.0]), rng.choice([1.0, 1.5, 2.0])
    a, b, c = rng.sample(people, 3)
    chat = [dict(who=a, time=hm(t + 4), text=f"Hall's booked for {long_date(hall)[0]}, {hm(h1)} to {hm(h1 + 240)}."),
            dict(who=b, time=hm(t + 9), text=f"Leaflets have to be with the printer by {long_date(leaflets)[0]}."),
            dict(who=c, time=hm(t + 15), text=f"Can we have {gbp(flt)} in the float? Raffle tickets {gbp(strip)} a strip."),
            dict(who="You", time=hm(t + 21), text=f"Next meeting {long_date(nxt)[0]} at {hm(nt)}? Same link.", me=True)]
    mid = f"{rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
    return dict(app="Huddle", title=meeting, layout="gallery", theme="dark",
                lines=[f"# {meeting}", f"Meeting ID {mid}. {len(tiles)} people. Recording for {rng.randint(12, 58)} min.",
                       *tiles, *chat],
                qs=[("vc_host", f"Who was hosting the {meeting} call?", [host], "person"),
                    ("vc_hall", f"What date did they say the hall is booked for, on the {meeting} call?",
                     [long_date(hall)[1]], "date"),
                    ("vc_float", f"How much did someone want for the float on the {meeting} call?", [gbp(flt)[1:]], "money"),
                    ("vc_next", f"What time did I suggest for the next {meeting} meeting?", [hm(nt)], "time")],
                absent=[("vc_host", "Who was hosting the {X} call?", "meeting8")])


FILMS8 = ["The Glass Orchard", "Midnight at Kessler's", "Salt and Iron", "Paper Moons", "The Last Ferryman", "Copper Sky",
          "A Quiet Mutiny", "North of Nowhere", "The Clockmaker's Wager", "Velvet Static", "Lanterns Over Lyme",
          "Wildfire Season"]
CINEMAS8 = ["Rex Cinema, Berkhamsted", "Everyman Harrogate", "The Electric, Birmingham", "Broadway, Nottingham",
            "Plaza Cinema, Stockport", "Curzon Canterbury"]


def t_cinema_seats(rng, day, used):
    film = used.pick("film8", FILMS8, rng)
    cinema = rng.choice(CINEMAS8)
    when = day + dt.timedelta(days=rng.randint(0, 5))
    times = sorted(rng.sample(range(11 * 12, 22 * 12), 4))
    times = [t * 5 for t in times]
    k = rng.randrange(4)
    show = times[k]
    n = rng.choice([2, 2, 3])
    letters = "ABCDEFGHJ"
    r = rng.randrange(3, 9)
    a = rng.randint(1, 16 - n + 1)
    mine = [f"{letters[r]}{a + i}" for i in range(n)]
    rows = []
    for i, letter in enumerate(letters):
        seats = ["x" if rng.random() < 0.35 else "." for _ in range(16)]
        if i == r:
            for j in range(a - 1, a - 1 + n):
                seats[j] = "o"
        s = "".join(seats)
        rows.append((letter, f"{s[:4]} {s[4:12]} {s[12:]}"))
    price = rng.choice([9.5, 10.75, 11.5, 12.95, 14.0])
    fee = rng.choice([0.95, 1.2, 1.5])
    total = round(n * price + fee, 2)
    screen = f"Screen {rng.randint(1, 9)}"
    return dict(app="Firefox", title=f"Choose seats - {film} - {cinema.split(',')[0]}", layout="seats",
                lines=[f"# {film} ({rng.choice(['12A', '15', 'PG'])})",
                       f"{cinema}, {screen}. {long_date(when)[0]}, {hm(show)}. {rng.randint(95, 160)} min.",
                       *rows,
                       f"Your seats: {', '.join(mine)}. {n} x {gbp(price)}, booking fee {gbp(fee)}. Total {gbp(total)}",
                       f"Other times that day: {', '.join(hm(t) for t in times if t != show)}."],
                qs=[("cs_seats", f"Which seats have I got for {film}?", [", ".join(mine)], "code"),
                    ("cs_time", f"What time does {film} start?", [hm(show)], "time"),
                    ("cs_total", f"How much is {film} going to cost me all in?", [gbp(total)[1:]], "money"),
                    ("cs_screen", f"Which screen is {film} on?", [screen], "number")],
                absent=[("cs_time", "What time does {X} start?", "film8")])


PENSIONS8 = ["Greyfriars Pensions", "Ashlar Retirement", "Bellwether Pension Trust", "Cloverleaf Workplace Pension",
             "Dunstan Lifetime", "Evenlode Pensions", "Fallowfield Retirement", "Garnet Pension Plan",
             "Hollins Master Trust", "Ivybridge Pensions", "Kelmscott Retirement", "Lindley Pension Scheme"]
FUNDS8 = ["Global equity index", "UK equity index", "Corporate bonds", "Government bonds", "Property", "Cash",
          "Emerging markets", "Sustainable growth"]


def t_pension_statement(rng, day, used):
    scheme = used.pick("scheme8", PENSIONS8, rng)
    funds = rng.sample(FUNDS8, rng.randint(3, 5))
    cuts = sorted(rng.sample(range(4, 96), len(funds) - 1))
    shares = [b - a for a, b in zip([0, *cuts], [*cuts, 100])]
    while len(set(shares)) < len(shares) or min(shares) < 3:
        cuts = sorted(rng.sample(range(4, 96), len(funds) - 1))
        shares = [b - a for a, b in zip([0, *cuts], [*cuts, 100])]
    pot = rng.randint(1500000, 22000000) / 100
    last = round(pot * rng.uniform(0.78, 0.93), 2)
    you, emp = rng.randint(90000, 480000) / 100, rng.randint(60000, 520000) / 100
    charges = round(pot * 0.0045, 2)
    age = rng.choice([65, 66, 67, 68])
    income = round(pot * rng.uniform(0.06, 0.11), 2)
    sd = dt.date(day.year - (1 if day.month < 5 else 0), 4, 5)
    member = f"{rng.choice(['GF', 'PN', 'MT'])}{rng.randint(100000, 999999)}"
    order = sorted(range(len(funds)), key=lambda i: -shares[i])
    rows = [(funds[i], f"{shares[i]}%", gbp(round(pot * shares[i] / 100, 2))) for i in order]
    title = f"Annual statement {sd.year} - {scheme}"
    return dict(app="Chromium", title=title, layout="donut", reading=True,
                sidebar=["Summary", "Statements", "Investments", "Contributions", "Beneficiaries", "Help"],
                lines=["# Your annual pension statement",
                       f"{scheme}, member {member}. Statement date {long_date(sd)[1]} {sd.year}.",
                       f"Your pot is worth {gbp(pot)} (a year ago {gbp(last)}).",
                       f"This year you paid in {gbp(you)} and your employer paid {gbp(emp)}. Charges were {gbp(charges)}.",
                       ("Where your money is invested", "Share", "Value"), *rows,
                       f"If you retire at {age}, we estimate an income of {gbp(income)} a year in today's money.",
                       f"Nominated beneficiary: {people8(rng, 1)[0]}. Update it any time."],
                qs=[("ps_pot", f"What's my {scheme} pension worth at the moment?", [gbp(pot)[1:]], "money"),
                    ("ps_emp", f"How much did my employer pay into {scheme} over the year?", [gbp(emp)[1:]], "money"),
                    ("ps_fund", f"What is most of my {scheme} money invested in?", [funds[order[0]]], "text"),
                    ("ps_age", f"What retirement age does {scheme} base its income estimate on?", [str(age)], "number")],
                absent=[("ps_pot", "What's my {X} pension worth at the moment?", "scheme8")],
                activity=[title, "annual pension statement"])


MOT_REGS8 = ["KX19 HBF", "LB68 TZO", "YR17 MWD", "SN20 PLK", "BD66 VXC", "WU18 KEJ", "GF70 NRA", "DY21 OHS",
             "MA15 CZU", "EO69 BYT", "PN67 FLX", "HJ22 WRM"]
MOT_CARS8 = ["Ford Fiesta", "Vauxhall Corsa", "Volkswagen Golf", "Nissan Qashqai", "Toyota Auris", "Peugeot 208"]
MOT_GARAGES8 = ["Hollybank Garage, Leek", "Kwik Fit, Chesterfield", "Halfords Autocentre, Derby",
                "Station Road Motors, Matlock", "A1 Autos, Buxton", "Ashbourne Tyre and MOT, Ashbourne"]
MOT_FAILS8 = ["Nearside front tyre tread below the legal limit", "Offside rear brake light not working",
              "Windscreen wiper blade deteriorated", "Front anti-roll bar link excessively worn",
              "Headlamp aim too high", "Exhaust emissions over the limit"]
MOT_ADVISORIES8 = ["front brake discs slightly worn", "oil leak, not excessive", "rear tyres close to the limit",
                   "corrosion on the subframe", "suspension arm bush deteriorating", "none"]


def t_mot_history(rng, day, used):
    reg = used.pick("reg8", MOT_REGS8, rng)
    car = rng.choice(MOT_CARS8)
    garages = rng.sample(MOT_GARAGES8, 4)
    last = day - dt.timedelta(days=rng.randint(20, 300))
    expiry = last + dt.timedelta(days=364)
    miles = rng.randint(24000, 96000)
    tests = [(last, "Pass", miles, garages[0])]
    fail_year = rng.randint(1, 2)
    m, d = miles, last
    for k in range(1, 4):
        d = d - dt.timedelta(days=rng.randint(355, 375))
        m -= rng.randint(5200, 11800)
        if k == fail_year:
            tests.append((d, "Pass", m + rng.randint(2, 30), garages[k]))
            d = d - dt.timedelta(days=rng.randint(2, 9))
            tests.append((d, "Fail", m, garages[k]))
        else:
            tests.append((d, "Pass", m, garages[k]))
    reason = rng.choice(MOT_FAILS8)
    events = []
    for when, result, mi, garage in tests:
        note = f"Failed: {reason}" if result == "Fail" else f"Advisory: {rng.choice(MOT_ADVISORIES8)}"
        events.append((f"{when.day} {when:%b} {when.year}", f"{result}, {mi:,} miles", f"{garage}. {note}"))
    first = d - dt.timedelta(days=rng.randint(365 * 3 - 20, 365 * 3))
    title = f"{reg} MOT history - GOV.UK"
    return dict(app="Firefox", title=title, layout="timeline", reading=True,
                lines=[f"# {reg}: {car}",
                       f"{rng.choice(['Silver', 'Blue', 'Red', 'Grey', 'White'])}, {rng.choice(['petrol', 'diesel', 'hybrid'])}. "
                       f"First registered {long_date(first)[1]} {first.year}.",
                       f"MOT valid until {long_date(expiry)[0]} {expiry.year}", *events,
                       "Check the mileage goes up at every test. Report anything wrong to the DVSA."],
                qs=[("mot_due", f"When does the MOT on {reg} run out?", [long_date(expiry)[1]], "date"),
                    ("mot_miles", f"How many miles were on {reg} at its latest MOT?", [f"{miles:,}"], "number"),
                    ("mot_fail", f"Why did {reg} fail its MOT?", [reason], "text"),
                    ("mot_where", f"Which garage did the most recent MOT on {reg}?", [garages[0], garages[0].split(",")[0]],
                     "place")],
                absent=[("mot_due", "When does the MOT on {X} run out?", "reg8")],
                activity=[title, f"{reg}: {car}"])


BIN_STREETS8 = ["Larkspur Close", "Tolpuddle Way", "Cowslip Meadow", "Nightjar Rise", "Pennycress Road",
                "Wagtail Drive", "Sorrel Gardens", "Fieldfare Court", "Yarrowby Lane", "Teasel Walk",
                "Harebell Avenue", "Chiffchaff Row"]
BIN_COUNCILS8 = ["Wealdon District Council", "Harrowby Borough Council", "Thornmere City Council",
                 "East Calder Council"]


def t_bin_collections(rng, day, used):
    street = used.pick("street8", BIN_STREETS8, rng)
    council = rng.choice(BIN_COUNCILS8)
    wd = rng.randrange(5)
    c0 = day + dt.timedelta(days=(wd - day.weekday()) % 7 or 7)
    c1 = c0 + dt.timedelta(days=7)
    black, blue = rng.sample([c0, c1], 2)
    green = rng.choice([c0, c1])
    glass = c0 + dt.timedelta(days=7 * rng.randint(0, 3))
    out = rng.choice([6 * 60, 6 * 60 + 30, 7 * 60])
    fee, bulky = rng.choice([45.0, 52.0, 58.5, 64.0]), rng.choice([22.5, 28.0, 35.0])
    sub_end = dt.date(day.year + 1, 3, 31)
    items = [("Food waste", "Grey caddy, every week", short_date(c0)[0]),
             ("Rubbish", "Black bin, every two weeks", short_date(black)[0]),
             ("Recycling", "Blue bin, every two weeks", short_date(blue)[0]),
             ("Garden waste", f"Green bin, every two weeks. Paid until {short_date(sub_end)[1]} {sub_end.year}",
              short_date(green)[0]),
             ("Glass", "Black box, every four weeks", short_date(glass)[0])]
    rng.shuffle(items)
    return dict(app="Bin Day", title=f"Collections - {street}", layout="list",
                lines=[f"# {rng.randint(2, 140)} {street}",
                       f"{council}. Collection day: {c0:%A}. Bins out by {hm(out)}; crews work until {hm(15 * 60)}.",
                       *items,
                       f"Garden waste costs {gbp(fee)} a year. Bulky items from {gbp(bulky)}, booked online."],
                qs=[("bc_green", f"When will they next empty the green bin on {street}?", [short_date(green)[1]], "date"),
                    ("bc_out", f"By what time do the bins have to be out on {street}?", [hm(out)], "time"),
                    ("bc_fee", f"How much is the garden bin a year on {street}?", [gbp(fee)[1:]], "money"),
                    ("bc_day", f"Which day of the week are the bins collected on {street}?", [f"{c0:%A}"], "text")],
                absent=[("bc_green", "When will they next empty the green bin on {X}?", "street8")])


CERT_DOMAINS8 = ["intranet.alderbank.co.uk", "portal.hesketh-lettings.com", "mail.cobbleworth.org",
                 "pay.tillingham-energy.com", "my.brackenfield.ac.uk", "shop.pellingwood.co.uk", "vpn.ostlers-law.com",
                 "book.hartcliffe-leisure.org", "app.quernmore.io", "login.sallowfield.net", "docs.wexham-studio.com",
                 "tickets.ambleside-arts.org"]
CERT_CAS8 = ["Let's Encrypt R11", "DigiCert Global G2 TLS RSA", "Sectigo RSA DV Secure Server CA",
             "GlobalSign GCC R3 DV TLS CA", "Google Trust Services WR1", "Amazon RSA 2048 M02"]


def t_cert_viewer(rng, day, used):
    domain = used.pick("domain8", CERT_DOMAINS8, rng)
    org = domain.split(".")[1].replace("-", " ").title()
    ca = rng.choice(CERT_CAS8)
    issued = day - dt.timedelta(days=rng.randint(10, 300))
    expires = issued + dt.timedelta(days=89 if ca.startswith("Let's") else 396)
    serial = ":".join(f"{rng.randint(0, 255):02X}" for _ in range(10))
    sha = " ".join(f"{rng.randint(0, 65535):04X}" for _ in range(6))
    url = f"https://{domain}/{rng.choice(['login', 'signin', 'account/login', 'auth'])}?next=/{rng.choice(['dashboard', 'home', 'inbox'])}"
    email = f"{rng.choice(FIRST8).lower()}@{'.'.join(domain.split('.')[1:])}"
    return dict(app="Chromium", title=f"Sign in - {org}", layout="form",
                tabs=[f"Sign in - {org}", "New Tab"], tab=0,
                lines=[url, f"# Sign in to {org}", "Use your work account.",
                       ("Email address", email), ("Password", "\u2022" * rng.randint(9, 14)),
                       "Forgotten your password?  Need help?"],
                modal=(f"Certificate: {domain}",
                       [f"Issued to: {domain}", f"Issued by: {ca}",
                        f"Valid from: {issued.day} {issued:%B} {issued.year}",
                        f"Expires on: {expires.day} {expires:%B} {expires.year}",
                        f"Serial: {serial}", f"SHA-256: {sha} ..."],
                       ["Export", "Close"]),
                qs=[("cv_expiry", f"When does the {domain} certificate run out?",
                     [f"{expires.day} {expires:%B} {expires.year}"], "date"),
                    ("cv_issuer", f"Who issued the certificate for {domain}?", [ca], "text"),
                    ("cv_serial", f"What's the serial number of the {domain} certificate?", [serial], "code"),
                    ("cv_url", f"Which page was I on when I checked the certificate for {domain}?", [url], "url")],
                absent=[("cv_expiry", "When does the {X} certificate run out?", "domain8")])


RIDE_DESTS8 = ["Waverley Station", "Murrayfield Stadium", "The Usher Hall", "Leith Theatre", "Edinburgh Airport",
               "Dynamic Earth", "Bridgewater Hall", "Manchester Piccadilly", "Salford Quays", "Etihad Campus",
               "Victoria Baths", "Aviva Studios"]
RIDE_PICKUPS8 = ["14 Marchmont Crescent", "3 Albert Street", "27 Canonmills Road", "9 Wilmslow Road",
                 "61 Burton Road", "2 Cheetham Hill Road"]
RIDE_CARS8 = ["Toyota Prius", "Skoda Octavia", "Kia Niro", "Tesla Model 3", "Hyundai Ioniq", "Ford Galaxy"]


def t_taxi_receipt(rng, day, used):
    dest = used.pick("ride8", RIDE_DESTS8, rng)
    me, driver = people8(rng, 2)
    when = day - dt.timedelta(days=rng.randint(1, 3))
    pu = rng.randint(7 * 60, 22 * 60)
    mins = rng.randint(9, 48)
    fare = round(rng.uniform(7.5, 42), 2)
    wait, fee, tip = rng.choice([0.0, 0.6, 1.2]), rng.choice([0.95, 1.5, 2.0]), rng.choice([0.0, 1.0, 2.0, 3.0])
    total = round(fare + wait + fee + tip, 2)
    letters = "ABCDEFGHJKLMNPRSTVWXY"
    plate = (f"{rng.choice(letters)}{rng.choice(letters)}{rng.choice(['23', '73', '24', '74'])} "
             f"{''.join(rng.choice(letters) for _ in range(3))}")
    car = f"{rng.choice(['white', 'black', 'grey', 'silver'])} {rng.choice(RIDE_CARS8)}"
    title = f"Receipt: trip to {dest}"
    return dict(app="Thunderbird", title=title, layout="kv", reading=True,
                sidebar=["Inbox (3)", "Receipts", "Sent", "Archive", "Spam"],
                lines=[f"From: Ridewell <receipts@ridewell.example>   To: {me}",
                       f"# Thanks for riding, {me.split()[0]}",
                       f"{long_date(when)[0]}. Here's your receipt.",
                       ("Trip fare", gbp(fare)), ("Waiting time", gbp(wait)), ("Booking fee", gbp(fee)), ("Tip", gbp(tip)),
                       ("Total", gbp(total)), ("Paid with", f"Visa ending {rng.randint(1000, 9999)}"),
                       f"{hm(pu)}   Picked up at {rng.choice(RIDE_PICKUPS8)}",
                       f"{hm(pu + mins)}   Dropped off at {dest}",
                       f"{round(mins * rng.uniform(0.25, 0.45), 1)} miles, {mins} min. Your driver was {driver}, "
                       f"{car}, {plate}."],
                qs=[("tx_total", f"What did the ride to {dest} cost me altogether?", [gbp(total)[1:]], "money"),
                    ("tx_driver", f"Who was my driver to {dest}?", [driver], "person"),
                    ("tx_pickup", f"What time did the car pick me up for {dest}?", [hm(pu)], "time"),
                    ("tx_plate", f"What was the registration of the car that took me to {dest}?", [plate], "code")],
                absent=[("tx_driver", "Who was my driver to {X}?", "ride8")],
                activity=[title, f"trip to {dest}"])


HISTORY_PAGES8 = [("Sourdough hydration calculator", "https://www.breadlab.example/tools/hydration"),
                  ("How to bleed a radiator", "https://www.homefixer.example/heating/bleed-a-radiator"),
                  ("Ferry timetable: Oban to Craignure", "https://www.westferries.example/timetables/oban-craignure"),
                  ("Best hybrid bikes under 800 pounds", "https://www.pedalreview.example/guides/hybrid-bikes-800"),
                  ("Repotting a fiddle leaf fig", "https://www.leafandroot.example/care/fiddle-leaf-fig"),
                  ("Passport photo rules", "https://www.gov.example/photos-for-passports"),
                  ("Chickpea and spinach curry", "https://www.pottage.example/recipes/chickpea-spinach-curry"),
                  ("Removing limescale from a kettle", "https://www.cleverclean.example/kitchen/kettle-limescale"),
                  ("Learn to read sheet music", "https://www.notewise.example/lessons/reading-music-1"),
                  ("Pruning apple trees in winter", "https://www.orchardtalk.example/pruning/apple-winter"),
                  ("Choosing a tent for wild camping", "https://www.fellgear.example/advice/wild-camping-tents"),
                  ("Setting up a home VPN", "https://www.netnerd.example/guides/home-vpn-wireguard")]
HISTORY_FILLERS8 = [("Inbox (3) - Fastmail", "https://app.fastmail.example/mail/Inbox"),
                    ("BBC Weather - Leeds", "https://www.bbc.example/weather/2644688"),
                    ("Your orders", "https://www.amazon.example/gp/your-account/order-history"),
                    ("Cuttlefish - Wikipedia", "https://en.wikipedia.example/wiki/Cuttlefish"),
                    ("Hacker News", "https://news.ycombinator.example/"),
                    ("Live departures: Leeds", "https://www.nationalrail.example/live-trains/departures/LDS"),
                    ("Notifications - GitHub", "https://github.example/notifications"),
                    ("Cryptic crossword No 29,641", "https://www.theguardian.example/crosswords/cryptic/29641"),
                    ("Council tax: pay online", "https://www.leeds.gov.example/council-tax/pay"),
                    ("Sea shanty playlist - YouTube", "https://www.youtube.example/playlist?list=PLsh4nty")]


def t_browser_history(rng, day, used):
    title, url = used.pick("page8", HISTORY_PAGES8, rng)
    visits = rng.sample(HISTORY_FILLERS8, 7)
    pos = rng.randrange(7)
    visits.insert(pos, (title, url))
    times = sorted(rng.sample(range(8 * 60, 23 * 60), 4), reverse=True) + sorted(rng.sample(range(8 * 60, 23 * 60), 4),
                                                                              reverse=True)
    items, when = [], {}
    for k, (t, (ttl, u)) in enumerate(zip(times, visits)):
        d = day - dt.timedelta(days=k // 4)
        if k % 4 == 0:
            items.append((f"{'Today' if k == 0 else 'Yesterday'} - {long_date(d)[0]}",))
        items.append((hm(t), ttl, u))
        when[ttl] = d
    prev = visits[pos + 1][0] if pos < 7 else None
    qs = [("bh_time", f"What time did I have \"{title}\" open?", [hm(times[pos])], "time"),
          ("bh_day", f"Which day did I read \"{title}\"?", [long_date(when[title])[1]], "date"),
          ("bh_url", f"What was the web address of \"{title}\"?", [url], "url")]
    if prev:
        qs.append(("bh_before", f"What had I been looking at just before \"{title}\"?", [prev], "text"))
    return dict(app="Firefox", title="History", layout="history", shrink=2,
                sidebar=["History", "Tabs from other devices", "Clear browsing data"],
                lines=["# History", "Search history", *items],
                qs=qs,
                absent=[("bh_time", "What time did I have \"{X}\" open?", "page8")])


DOOR_CAMS8 = ["Porch doorbell", "Side gate camera", "Garage camera", "Driveway cam", "Back door camera", "Shed camera",
              "Bike store cam", "Studio door cam", "Carport camera", "Patio camera", "Alley gate cam", "Annexe door cam"]
COURIERS8 = ["DPD", "Evri", "Royal Mail", "Amazon", "DHL", "Yodel"]


def t_doorbell_events(rng, day, used):
    cam = used.pick("cam8", DOOR_CAMS8, rng)
    answerer, other = people8(rng, 2)
    times = sorted(rng.sample(range(7 * 60, 19 * 60), 6))
    first = times[0]
    kinds = [("Motion", rng.choice(["Car on the drive", "Cat in the front garden", "Fox by the bins"])),
             ("Person detected", "Walked up the path and left"),
             ("Package delivered", f"{rng.choice(COURIERS8)} driver left a parcel on the step"),
             ("Doorbell rang", f"Answered by {answerer} on the app"),
             ("Motion", rng.choice(["Neighbour's dog", "Bin lorry", "Leaves blowing"])),
             ("Person detected", "Window cleaner")]
    order = [0, *rng.sample(range(1, 6), 5)]
    events = [(hm(t), kinds[o][0], f"{kinds[o][1]} \u00b7 {rng.randint(8, 95)} s clip") for t, o in zip(times, order)]
    pkg = times[order.index(2)]
    bat = rng.randint(12, 96)
    charged = day - dt.timedelta(days=rng.randint(10, 90))
    return dict(app="Homeguard", title=f"{cam} - Activity", layout="timeline", theme="dark",
                lines=[f"# {cam}", f"Yesterday, {long_date(day - dt.timedelta(days=1))[0]}: {len(events)} events. "
                       "Clips are kept for 30 days.",
                       f"Battery {bat}%, last charged {short_date(charged)[1]}. Wi-Fi -{rng.randint(40, 75)} dBm. Shared with {other}.",
                       *reversed(events)],
                qs=[("db_parcel", f"What time did the {cam} see yesterday's parcel arrive?", [hm(pkg)], "time"),
                    ("db_who", f"Who answered the {cam} when it rang?", [answerer], "person"),
                    ("db_battery", f"How much charge is left in the {cam}?", [f"{bat}%"], "number"),
                    ("db_first", f"When did the {cam} first pick up movement yesterday?", [hm(first)], "time")],
                absent=[("db_parcel", "What time did the {X} see yesterday's parcel arrive?", "cam8")])


TIDE_PORTS8 = {"Brixham": "Devon", "Whitby": "North Yorkshire", "Padstow": "Cornwall", "Tobermory": "Isle of Mull",
               "Aberdaron": "Gwynedd", "Lyme Regis": "Dorset", "Wells-next-the-Sea": "Norfolk", "Mousehole": "Cornwall",
               "Staithes": "North Yorkshire", "Portree": "Isle of Skye", "Kinsale": "County Cork", "Crail": "Fife"}


def t_tide_table(rng, day, used):
    port = used.pick("port8", list(TIDE_PORTS8), rng)
    h0 = rng.randint(30, 105)
    days = [day + dt.timedelta(days=k) for k in range(5)]
    highs = rng.sample([x / 10 for x in range(38, 62)], 10)
    lows = rng.sample([x / 10 for x in range(3, 20)], 10)
    rows, hi2, lo = [], [], []
    for k, d in enumerate(days):
        t1 = h0 + 50 * k + rng.randint(-4, 4)
        ts = [t1, t1 + 372 + rng.randint(-6, 6), t1 + 745, t1 + 1117 + rng.randint(-6, 6)]
        hs = [highs[2 * k], lows[2 * k], highs[2 * k + 1], lows[2 * k + 1]]
        rows.append([short_date(d)[0], *[f"{hm(t)}  {h:.1f} m" for t, h in zip(ts, hs)]])
        hi2.append((ts[2], hs[0]))
        lo.append(min(hs[1], hs[3]))
    a, b = rng.sample(range(1, 5), 2)
    low_day = days[lo.index(min(lo))]
    sunrise = rng.randint(5 * 60, 7 * 60 + 30)
    sunset = rng.randint(18 * 60 + 30, 21 * 60 + 15)
    return dict(app="Firefox", title=f"{port} tide times - TideWatch", layout="table", selected=1,
                crumbs=["Tide times", TIDE_PORTS8[port], port],
                lines=[f"# {port} tide times", "Times are local. Heights are above chart datum.",
                       ["Day", "High water", "Low water", "High water", "Low water"], *rows,
                       ("Sunrise today", hm(sunrise)), ("Sunset today", hm(sunset)),
                       ("Moon", rng.choice(["Waxing gibbous", "Full moon", "Waning crescent", "First quarter"])),
                       "Predictions only: strong winds and high pressure change the water level."],
                qs=[("tw_high", f"When is the afternoon high tide at {port} on {days[a]:%A}?", [hm(hi2[a][0])], "time"),
                    ("tw_height", f"How high does the morning high tide get at {port} on {days[b]:%A}?",
                     [f"{hi2[b][1]:.1f} m"], "number"),
                    ("tw_sunset", f"What time does the sun go down at {port} today?", [hm(sunset)], "time"),
                    ("tw_lowest", f"Which day this week has the lowest low tide at {port}?", [short_date(low_day)[1]],
                     "date")],
                absent=[("tw_sunset", "What time does the sun go down at {X} today?", "port8")])


TEMPLATES = [t_invoice_mail, t_parcel, t_shop_order, t_bank, t_calendar, t_dentist, t_chat, t_terminal,
             t_pip, t_editor, t_ticket, t_subscription, t_flight, t_wifi, t_article, t_doc_page,
             t_notes, t_spreadsheet, t_download, t_contact, t_recipe, t_slack, t_route,
             t_payslip, t_train, t_pull_request,
             # held out (issue 18): only in a day asked for with --templates fresh (or all)
             t_power_bill, t_car_rental, t_gym_class, t_library, t_weather, t_password_entry,
             t_receipt, t_hotel, t_ci_pipeline, t_kanban, t_video_invite, t_conf_talks,
             t_sheet_grid, t_sysmon, t_parcel_sms, t_letter,
             # round 3, the final held-out set (issue 18): only with --templates round3 (or all)
             t_bank_statement, t_lab_results, t_school_message, t_rental_listing, t_month_calendar,
             t_email_thread, t_github_issue, t_kubectl, t_supplier_invoice, t_departures, t_group_chat,
             t_claim_form, t_car_park, t_sports_results, t_podcast,
             # round 4, written blind to the answer code (issue 18): only with --templates round4 (or all)
             t_flight_itinerary, t_pharmacy_refill, t_tracking_timeline, t_code_review, t_ide_problems,
             t_app_settings, t_recipe_ingredients, t_staff_payroll, t_music_player, t_drive_route,
             t_stock_watchlist, t_clinic_portal, t_course_progress, t_meter_reading, t_translator,
             t_security_code,
             # round 5, the held-out measure, written blind (issue 18): only with --templates round5 (or all)
             t_hardware_cart, t_job_tracker, t_car_service, t_tax_summary, t_git_log, t_bike_ride,
             t_visa_appointment, t_dns_records, t_cloud_bill, t_npm_outdated, t_restaurant_booking,
             t_wedding_rsvp, t_card_limits, t_room_booking, t_puzzle_stats, t_council_tax,
             t_energy_dashboard, t_ebook_reader,
             # round 6, the held-out measure from the day the reader is tuned on round 4, written blind
             # (issue 18): only with --templates round6 (or all)
             t_loan_schedule, t_thermostat, t_split_expenses, t_ev_charging, t_concert_ticket, t_delivery_slots,
             t_docker_compose, t_sql_client, t_systemd_timers, t_currency_converter, t_marketplace, t_treatment_plan,
             t_print_queue, t_phone_bill, t_food_diary, t_school_timetable,
             # round 7, a further held-out measure written blind (issue 18): only with --templates round7
             # (or all)
             t_todo_list, t_vet_booking, t_home_insurance, t_audiobook_library, t_courier_map, t_sleep_report,
             t_crm_pipeline, t_metrics_dashboard, t_file_manager, t_process_list, t_bug_bounty, t_grade_transcript,
             t_shift_rota, t_penalty_notice, t_boarding_pass, t_notification_centre,
             # round 8, a further held-out measure written blind (issue 18): only with --templates round8
             # (or all)
             t_router_admin, t_photo_info, t_timesheet, t_water_outage, t_backup_status, t_test_run, t_video_call,
             t_cinema_seats, t_pension_statement, t_mot_history, t_bin_collections, t_cert_viewer, t_taxi_receipt,
             t_browser_history, t_doorbell_events, t_tide_table]
CLASSIC = TEMPLATES[:26]  # the default day: what the answer reader was developed and tuned on
TEMPLATE_SETS = {"classic": CLASSIC, "fresh": TEMPLATES[26:42], "round3": TEMPLATES[42:57],
                 "round4": TEMPLATES[57:73], "round5": TEMPLATES[73:91], "round6": TEMPLATES[91:107],
                 "round7": TEMPLATES[107:123], "round8": TEMPLATES[123:], "all": TEMPLATES}


def select_templates(spec: str) -> list:
    """Templates named by a comma list of set names (classic, fresh, round3, round4, round5, round6, round7,
    round8, all), template names or prefixes ("t_gym" or "gym"), in TEMPLATES order."""
    chosen: set = set()
    for token in filter(None, (t.strip() for t in spec.split(","))):
        hits = TEMPLATE_SETS.get(token) or [t for t in TEMPLATES if t.__name__.startswith(token)
                                            or t.__name__.startswith("t_" + token)]
        if not hits:
            raise ValueError(f"no screen template matches {token!r} (sets: {', '.join(TEMPLATE_SETS)})")
        chosen.update(hits)
    if not chosen:
        raise ValueError("no screen templates named")
    return [t for t in TEMPLATES if t in chosen]


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


THEMES = {  # window colours; "light" is the look every default-day screen has always had
    "light": dict(window=(255, 255, 255), border=(180, 180, 180), bar=(222, 226, 232), title=(30, 30, 30),
                  side=(246, 247, 249), side_text=(90, 90, 90), heading=(20, 20, 20), text=(35, 35, 35),
                  label=(120, 124, 132), card=(244, 246, 249), rule=(220, 224, 230), head_row=(232, 236, 242),
                  select=(204, 224, 250), bubble=(236, 238, 242), mine=(214, 240, 214), field=(255, 255, 255),
                  tab=(206, 211, 219)),
    "dark": dict(window=(36, 38, 44), border=(20, 20, 24), bar=(52, 55, 63), title=(232, 232, 236),
                 side=(44, 46, 53), side_text=(170, 172, 180), heading=(245, 245, 250), text=(222, 224, 230),
                 label=(150, 154, 164), card=(50, 53, 61), rule=(64, 67, 76), head_row=(58, 62, 72),
                 select=(40, 74, 120), bubble=(56, 59, 68), mine=(34, 84, 64), field=(30, 32, 37),
                 tab=(44, 46, 53)),
}
LAYOUTS = ("plain", "table", "cards", "form", "chat", "kv", "timeline", "panes")
# A scene's "layout"; its lines may hold table rows (lists; "selected": the index of a highlighted
# row, the header being 0), cards or, in a "form", fields (tuples: label, value) and chat messages
# (dicts: who, time, text, me). "tabs" (titles) with "tab" (the active one) draws a browser's tab strip.
# Round 4: in a "kv", "timeline" or "panes" scene the tuples are (label, value) rows, (when, what,
# where) events or (left, right) pane lines; "numeric_right" right-aligns a table's numbers, "diff"
# shades a numbered diff's + and - lines, and "shrink" draws the text that many pixels smaller.


def scene_texts(scene) -> list[str]:
    """Every text drawn for a scene, one string a line, table cell or card part."""
    out = [scene["title"], f"{scene['title']} - {scene['app']}", *scene.get("sidebar", []), *scene.get("tabs", [])]
    for line in scene["lines"]:
        if isinstance(line, dict):
            out.extend(line[k] for k in ("who", "time", "text") if line.get(k))
            continue
        out.extend([line[2:] if line.startswith("# ") else line] if isinstance(line, str) else line)
    if scene.get("toast"):
        out.extend([scene["toast"][0], *scene["toast"][1]])
    out.extend([*scene.get("crumbs", []), *scene.get("status", []), *(g for g, _n in scene.get("groups", []) if g)])
    if scene.get("modal"):  # round 5: a dialog's title, lines and buttons
        out.extend([scene["modal"][0], *scene["modal"][1], *scene["modal"][2]])
    return out


@functools.cache
def _font(name, size):
    """A font, loaded once per name and size (layouts ask for theirs on every screen and item)."""
    return ImageFont.truetype(FONTS + name, size)


def _wrap(d, text, font, width):
    lines, cur = [], ""
    for word in text.split():
        if cur and d.textlength(f"{cur} {word}", font=font) > width:
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}".strip()
    return lines + [cur]


def _table(d, rows, bx, y, right, size, pal, sans, selected=None, numeric_right=False):
    """Rows of cells in columns at fixed x offsets; the first row is the header. With
    `numeric_right`, a cell below the header that is a number is right-aligned in its column."""
    gap = 40
    while True:
        font, bold = _font(sans, size), _font("DejaVuSans-Bold.ttf", size)
        widths = [max(d.textlength(r[c], font=bold if i == 0 else font) for i, r in enumerate(rows) if c < len(r))
                  for c in range(max(map(len, rows)))]
        if sum(widths) + gap * (len(widths) - 1) <= right - bx or size <= 14:
            break
        size -= 2
    xs = [bx + sum(widths[:c]) + gap * c for c in range(len(widths))]
    rh = size + 18
    d.rectangle([bx - 10, y - 6, right, y - 6 + rh], fill=pal["head_row"])
    for i, row in enumerate(rows):
        if i and i == selected:
            d.rectangle([bx - 10, y - 6, right, y - 6 + rh], fill=pal["select"])
        for c, cell in enumerate(row):
            x = xs[c]
            if numeric_right and i and NUMERIC_CELL.fullmatch(cell):
                x += widths[c] - d.textlength(cell, font=font)
            d.text((x, y), cell, font=bold if i == 0 else font, fill=pal["heading" if i == 0 else "text"])
        d.line([bx - 10, y - 6 + rh, right, y - 6 + rh], fill=pal["rule"])
        y += rh
    return y + 14, xs[-1] + widths[-1]


def _cards(d, cards, bx, y, right, size, pal):
    """(label, value) cards in a grid: the label small and grey above the value, large."""
    cols, gap = 3, 20
    cw = (right - bx - gap * (cols - 1)) // cols
    label = _font("DejaVuSans.ttf", 15)
    ch = 15 + size + 44
    for i, (lab, val) in enumerate(cards):
        cx, cy = bx + (i % cols) * (cw + gap), y + (i // cols) * (ch + gap)
        d.rounded_rectangle([cx, cy, cx + cw, cy + ch], radius=8, fill=pal["card"], outline=pal["rule"])
        d.text((cx + 14, cy + 12), lab, font=label, fill=pal["label"])
        vs = size + 4
        while d.textlength(val, font=_font("DejaVuSans.ttf", vs)) > cw - 28 and vs > 12:
            vs -= 1
        d.text((cx + 14, cy + 36), val, font=_font("DejaVuSans.ttf", vs), fill=pal["heading"])
    return y + ((len(cards) + cols - 1) // cols) * (ch + gap) + 10


def _form(d, fields, bx, y, right, size, pal):
    """(label, value) fields of a form being filled in, two a row: the label above an input box."""
    cols, gap = 2, 36
    cw = (right - bx - gap * (cols - 1)) // cols
    label, font = _font("DejaVuSans-Bold.ttf", 15), _font("DejaVuSans.ttf", size)
    fh, y = 22 + size + 24, y + 8
    for i, (lab, val) in enumerate(fields):
        cx, cy = bx + (i % cols) * (cw + gap), y + (i // cols) * (fh + 18)
        d.text((cx, cy), lab, font=label, fill=pal["label"])
        d.rectangle([cx, cy + 22, cx + cw, cy + fh], fill=pal["field"], outline=pal["rule"])
        d.text((cx + 12, cy + 32), val, font=font, fill=pal["text"])
        if d.textlength(val, font=font) > cw - 24:
            raise ValueError(f"form value {val!r} does not fit its field")
    return y + ((len(fields) + cols - 1) // cols) * (fh + 18) + 6


def _bubbles(d, msgs, bx, y, right, size, pal):
    """Chat messages as bubbles: others' on the left with the sender's name above the text, mine
    on the right; the time small in each bubble's corner."""
    fs = min(size - 2, 19)
    font, small, name = (_font("DejaVuSans.ttf", fs), _font("DejaVuSans.ttf", 13), _font("DejaVuSans-Bold.ttf", 15))
    most = int((right - bx) * 0.62)
    for m in msgs:
        body = _wrap(d, m["text"], font, most - 32)
        wide = max([d.textlength(b, font=font) for b in body] + [0 if m.get("me") else d.textlength(m["who"], font=name)])
        w = int(wide) + 90
        head = 0 if m.get("me") else 21
        h = 7 + head + len(body) * (fs + 3) + 15
        x = right - w if m.get("me") else bx
        d.rounded_rectangle([x, y, x + w, y + h], radius=14, fill=pal["mine" if m.get("me") else "bubble"])
        if not m.get("me"):
            d.text((x + 16, y + 7), m["who"], font=name, fill=m.get("colour") or (60, 110, 190))
        for k, b in enumerate(body):
            d.text((x + 16, y + 7 + head + k * (fs + 3)), b, font=font, fill=pal["text"])
        d.text((x + w - 54, y + h - 18), m["time"], font=small, fill=pal["label"])
        y += h + 8
    return y + 4


def _tabs(d, tabs, active, x0, top, x1, pal):
    """A browser's tab strip under the title bar; returns where the page starts."""
    font = _font("DejaVuSans.ttf", 14)
    tw = min(300, (x1 - x0 - 20) // len(tabs))
    d.rectangle([x0 + 1, top, x1 - 1, top + 34], fill=pal["tab"])
    for i, t in enumerate(tabs):
        tx = x0 + 8 + i * tw
        if i == active:
            d.rectangle([tx, top + 4, tx + tw - 4, top + 34], fill=pal["window"])
        text = t
        while d.textlength(text, font=font) > tw - 24 and len(text) > 4:
            text = text[:-2]
        if text != t:
            raise ValueError(f"tab title {t!r} does not fit its tab")
        d.text((tx + 10, top + 11), text, font=font, fill=pal["title"])
    return top + 34


def _toast(d, toast, x1, y0):
    """A desktop notification over the window, top right."""
    head, lines = toast
    w, font = 540, _font("DejaVuSans.ttf", 17)
    body = [part for line in lines for part in _wrap(d, line, font, w - 40)]
    h = 50 + 26 * len(body) + 12
    tx, ty = x1 - w - 20, y0 + 50
    d.rounded_rectangle([tx + 4, ty + 4, tx + w + 4, ty + h + 4], radius=12, fill=(150, 150, 150))
    d.rounded_rectangle([tx, ty, tx + w, ty + h], radius=12, fill=(44, 46, 54))
    d.ellipse([tx + 18, ty + 16, tx + 34, ty + 32], fill=(90, 170, 120))
    d.text((tx + 44, ty + 14), head, font=_font("DejaVuSans-Bold.ttf", 15), fill=(190, 194, 204))
    for i, part in enumerate(body):
        d.text((tx + 20, ty + 48 + 26 * i), part, font=font, fill=(238, 238, 242))


def _kv(d, pairs, bx, y, right, size, pal):
    """(label, value) rows of a details page: the label on the left in grey, the values in one
    column beside the labels; a value "On" or "Off" is drawn with its switch after it."""
    label, font = _font("DejaVuSans.ttf", size - 2), _font("DejaVuSans.ttf", size)
    col = bx + max(d.textlength(lab, font=label) for lab, _ in pairs) + 48
    rh = size + 20
    for lab, val in pairs:
        d.text((bx, y + 2), lab, font=label, fill=pal["label"])
        d.text((col, y), val, font=font, fill=pal["heading"])
        end = col + d.textlength(val, font=font)
        if val in ("On", "Off"):
            sx, on = end + 20, val == "On"
            d.rounded_rectangle([sx, y + 1, sx + 2 * size, y + size + 1], radius=size // 2,
                                fill=(64, 132, 226) if on else pal["label"])
            kx = sx + size + 2 if on else sx + 2
            d.ellipse([kx, y + 3, kx + size - 4, y + size - 1], fill=(255, 255, 255))
            end = sx + 2 * size
        if end > right:
            raise ValueError(f"value {val!r} does not fit the page")
        d.line([bx, y + rh - 9, right, y + rh - 9], fill=pal["rule"])
        y += rh
    return y + 10


def _timeline(d, events, bx, y, right, size, pal):
    """(when, what, where) events, newest first, down a vertical line: the time on the left, a dot
    on the line, the event in bold with its place under it in grey."""
    small, bold = _font("DejaVuSans.ttf", size - 4), _font("DejaVuSans-Bold.ttf", size - 2)
    lx = bx + max(d.textlength(w, font=small) for w, _, _ in events) + 34
    rh = 2 * size + 22
    d.line([lx, y + 12, lx, y + 12 + rh * (len(events) - 1)], fill=pal["label"], width=3)
    for k, (when, what, where) in enumerate(events):
        d.text((bx, y + 3), when, font=small, fill=pal["label"])
        d.ellipse([lx - 8, y + 4, lx + 8, y + 20], fill=(40, 150, 90) if k == 0 else pal["label"])
        d.text((lx + 30, y), what, font=bold, fill=pal["heading"])
        d.text((lx + 30, y + size + 2), where, font=small, fill=pal["label"])
        if lx + 30 + max(d.textlength(what, font=bold), d.textlength(where, font=small)) > right:
            raise ValueError(f"event {what!r} does not fit the page")
        y += rh
    return y + 6


def _panes(d, rows, bx, y, right, size, pal):
    """A translator's two panes side by side: the first (left, right) pair names the languages
    above the panes, every later pair is a line of the text and of its translation."""
    gap, lh = 30, size + 20
    pw = (right - bx - gap) // 2
    head, font = _font("DejaVuSans-Bold.ttf", size - 2), _font("DejaVuSans.ttf", size + 2)
    top, h = y + size + 12, 40 + lh * (len(rows) - 1) + 50
    for k in range(2):
        px = bx + k * (pw + gap)
        d.text((px + 4, y), rows[0][k], font=head, fill=pal["label"])
        d.rounded_rectangle([px, top, px + pw, top + h], radius=10, fill=pal["card" if k else "field"],
                            outline=pal["rule"])
        for n, row in enumerate(rows[1:]):
            if d.textlength(row[k], font=font) > pw - 40:
                raise ValueError(f"text {row[k]!r} does not fit its pane")
            d.text((px + 20, top + 24 + n * lh), row[k], font=font, fill=pal["text"])
    return top + h + 18


PANELS = {"kv": _kv, "timeline": _timeline, "panes": _panes}  # round-4 layouts of (label, value…) lines
DIFF_FILL = {"light": {"+": (218, 246, 224), "-": (252, 226, 226)},  # a diff's added and removed lines
             "dark": {"+": (30, 78, 50), "-": (96, 38, 44)}}
NUMERIC_CELL = re.compile(r"[+\-£$€]?\d[\d,.:]*\s?(?:%|[A-Za-z]{1,4})?")  # right-aligned with numeric_right


def _tiles(d, tiles, bx, y, right, size, pal):
    """Round 5: (value, label) tiles four a row, the value large and its label small under it."""
    cols, gap = 4, 18
    tw = (right - bx - gap * (cols - 1)) // cols
    label, th = _font("DejaVuSans.ttf", 15), size + 14 + 56
    for i, (val, lab) in enumerate(tiles):
        tx, ty = bx + (i % cols) * (tw + gap), y + (i // cols) * (th + gap)
        d.rounded_rectangle([tx, ty, tx + tw, ty + th], radius=10, fill=pal["card"], outline=pal["rule"])
        font = _font("DejaVuSans-Bold.ttf", size + 14)
        if d.textlength(val, font=font) > tw - 28 or d.textlength(lab, font=label) > tw - 28:
            raise ValueError(f"tile {val!r} / {lab!r} does not fit")
        d.text((tx + 14, ty + 12), val, font=font, fill=pal["heading"])
        d.text((tx + 14, ty + th - 28), lab, font=label, fill=pal["label"])
    return y + ((len(tiles) + cols - 1) // cols) * (th + gap) + 8


PANELS["tiles"] = _tiles
LAYOUTS5 = ("tiles", "modal", "crumbs", "status", "groups")
# Round 5 scene keys: "tiles" layout (tuples are (value, label) tiles); "modal" (title, lines,
# buttons) a dialog over the dimmed window; "crumbs" a breadcrumb trail over the page; "status"
# small texts in a status bar along the window's foot; "groups" (label, columns spanned) merged
# group headers over the first table's header row.
CRUMB_SEP = "  \u203a  "


def _crumbs(d, crumbs, bx, y, pal):
    """A breadcrumb trail, small and grey, the last part dark; returns where the page goes on."""
    font = _font("DejaVuSans.ttf", 15)
    x = bx
    for k, part in enumerate(crumbs):
        d.text((x, y - 10), part, font=font, fill=pal["heading" if k == len(crumbs) - 1 else "label"])
        x += d.textlength(part, font=font)
        if k < len(crumbs) - 1:
            d.text((x, y - 10), CRUMB_SEP, font=font, fill=pal["label"])
            x += d.textlength(CRUMB_SEP, font=font)
    return y + 26


def _status(d, status, x0, x1, y1, pal):
    """A status bar of small texts along the foot of the window; returns its top."""
    font, top = _font("DejaVuSans.ttf", 13), y1 - 26
    d.rectangle([x0 + 1, top, x1 - 1, y1 - 1], fill=pal["bar"])
    x = x0 + 14
    for k, part in enumerate(status):
        if k:
            d.line([x - 14, top + 5, x - 14, y1 - 6], fill=pal["label"])
        d.text((x, top + 6), part, font=font, fill=pal["title"])
        x += d.textlength(part, font=font) + 28
    if x > x1:
        raise ValueError("the status bar does not fit")
    return top


def _group_heads(d, rows, groups, bx, y, right, size, sans, pal):
    """Merged headers over a table's header row: each (label, n) spans the next n columns. The
    column widths are those `_table` will choose for the same rows."""
    gap = 40
    while True:
        font, bold = _font(sans, size), _font("DejaVuSans-Bold.ttf", size)
        widths = [max(d.textlength(r[c], font=bold if i == 0 else font) for i, r in enumerate(rows) if c < len(r))
                  for c in range(max(map(len, rows)))]
        if sum(widths) + gap * (len(widths) - 1) <= right - bx or size <= 14:
            break
        size -= 2
    xs = [bx + sum(widths[:c]) + gap * c for c in range(len(widths))] + [right + gap - 10]
    head, rh, c = _font("DejaVuSans-Bold.ttf", size - 4), size + 12, 0
    for label, n in groups:
        left, end = xs[c] - 10, xs[c + n] - gap + 10
        if label:
            d.rectangle([left, y - 6, end, y - 6 + rh], fill=pal["rule"])
            tw = d.textlength(label, font=head)
            if tw > end - left:
                raise ValueError(f"group header {label!r} does not fit")
            d.text((left + (end - left - tw) / 2, y - 2), label, font=head, fill=pal["heading"])
        c += n
    return y + rh + 4


def _modal(img, d, modal, x0, y0, x1, y1, pal):
    """A dialog over the window, which is dimmed behind it: a title, lines and buttons."""
    title, lines, buttons = modal
    box = (x0, y0, x1 + 1, y1 + 1)
    img.paste(Image.blend(img.crop(box), Image.new("RGB", (box[2] - box[0], box[3] - box[1]), (0, 0, 0)), 0.4), box[:2])
    head, font, small = _font("DejaVuSans-Bold.ttf", 22), _font("DejaVuSans.ttf", 19), _font("DejaVuSans.ttf", 16)
    w, lh = 680, 32
    h = 70 + lh * len(lines) + 76
    mx, my = (x0 + x1 - w) // 2, (y0 + y1 - h) // 2
    d.rounded_rectangle([mx + 6, my + 6, mx + w + 6, my + h + 6], radius=14, fill=(30, 30, 34))
    d.rounded_rectangle([mx, my, mx + w, my + h], radius=14, fill=pal["window"], outline=pal["border"])
    d.text((mx + 28, my + 22), title, font=head, fill=pal["heading"])
    d.text((mx + w - 40, my + 20), "\u00d7", font=head, fill=pal["label"])
    for k, line in enumerate(lines):
        if d.textlength(line, font=font) > w - 56:
            raise ValueError(f"dialog line {line!r} does not fit")
        d.text((mx + 28, my + 66 + lh * k), line, font=font, fill=pal["text"])
    bx = mx + w - 24
    for k, label in enumerate(reversed(buttons)):
        bw = int(d.textlength(label, font=small)) + 36
        d.rounded_rectangle([bx - bw, my + h - 54, bx, my + h - 18], radius=8,
                            fill=(52, 120, 220) if k == 0 else pal["card"], outline=pal["rule"])
        d.text((bx - bw + 18, my + h - 45), label, font=small, fill=(255, 255, 255) if k == 0 else pal["text"])
        bx -= bw + 14


def _week(d, cols, bx, y, right, size, pal):
    """Round 6: a week's columns side by side (a heating schedule, a timetable): each tuple is a
    column, its first text the heading and the rest its cells, in rows aligned across the columns;
    an empty text leaves a cell blank, a column headed "" is a row label column without boxes, and
    a cell's "\\n" starts its second line."""
    gap, fs = 10, size - 4
    cw = (right - bx - gap * (len(cols) - 1)) // len(cols)
    font, head = _font("DejaVuSans.ttf", fs), _font("DejaVuSans-Bold.ttf", fs)
    lines = max(cell.count("\n") + 1 for col in cols for cell in col[1:])
    ch = lines * (fs + 6) + 14
    for k, col in enumerate(cols):
        cx = bx + k * (cw + gap)
        d.text((cx + 8, y), col[0], font=head, fill=pal["heading"])
        for r, cell in enumerate(col[1:]):
            cy = y + fs + 16 + r * (ch + 6)
            if cell and col[0]:
                d.rounded_rectangle([cx, cy, cx + cw, cy + ch], radius=6, fill=pal["card"], outline=pal["rule"])
            for m, part in enumerate(cell.split("\n")):
                if d.textlength(part, font=font) > cw - 14:
                    raise ValueError(f"week cell {part!r} does not fit its column")
                d.text((cx + 8, cy + 8 + m * (fs + 6)), part, font=font, fill=pal["text" if col[0] else "label"])
    return y + fs + 16 + (max(map(len, cols)) - 1) * (ch + 6) + 10


def _ticket(d, fields, bx, y, right, size, pal):
    """Round 6: an e-ticket: (label, value) fields three a row in a rounded box, each label small
    and grey above its value in bold, and behind a dashed perforation a stub with a barcode (its
    bars come from the values' characters: no rng is drawn)."""
    cols, stub = 3, 230
    w = right - bx
    fh = size + 44
    h = 24 + ((len(fields) + cols - 1) // cols) * fh + 14
    d.rounded_rectangle([bx, y, bx + w, y + h], radius=18, fill=pal["card"], outline=pal["border"], width=2)
    px = bx + w - stub
    for yy in range(y + 12, y + h - 12, 14):
        d.line([px, yy, px, yy + 7], fill=pal["label"], width=2)
    cw = (px - bx - 30) // cols
    label, font = _font("DejaVuSans.ttf", 14), _font("DejaVuSans-Bold.ttf", size - 2)
    for i, (lab, val) in enumerate(fields):
        cx, cy = bx + 26 + (i % cols) * cw, y + 22 + (i // cols) * fh
        if d.textlength(val, font=font) > cw - 14:
            raise ValueError(f"ticket field {val!r} does not fit")
        d.text((cx, cy), lab, font=label, fill=pal["label"])
        d.text((cx, cy + 20), val, font=font, fill=pal["heading"])
    x = px + 34
    for c in "".join(v for _l, v in fields):
        if x > bx + w - 36:
            break
        bw = 1 + ord(c) % 4
        d.rectangle([x, y + 30, x + bw, y + h - 30], fill=pal["heading"])
        x += bw + 2 + ord(c) % 3
    return y + h + 18


def _list(d, items, bx, y, right, size, pal):
    """Round 6: a phone app's list: (title, detail, value) rows, the title over its detail in
    small grey text and the value right-aligned in bold, a rule between rows."""
    big, small, bold = _font("DejaVuSans.ttf", size), _font("DejaVuSans.ttf", size - 5), _font("DejaVuSans-Bold.ttf", size)
    rh = 2 * size + 20
    for title, detail, val in items:
        vw = d.textlength(val, font=bold)
        if bx + max(d.textlength(title, font=big), d.textlength(detail, font=small)) + 40 > right - 10 - vw:
            raise ValueError(f"list row {title!r} does not fit")
        d.text((bx, y), title, font=big, fill=pal["heading"])
        d.text((bx, y + size + 5), detail, font=small, fill=pal["label"])
        d.text((right - 10 - vw, y + size // 2), val, font=bold, fill=pal["heading"])
        d.line([bx, y + rh - 9, right, y + rh - 9], fill=pal["rule"])
        y += rh
    return y + 8


PANELS.update(week=_week, ticket=_ticket, list=_list)
LAYOUTS6 = ("week", "ticket", "list")
# Round 6 layouts of tuple lines: "week" (a tuple is a column: heading, then cells), "ticket"
# ((label, value) fields on an e-ticket) and "list" ((title, detail, value) rows).


def _agenda(d, items, bx, y, right, size, pal):
    """Round 7: a to-do app's agenda: a 1-tuple is a day heading over a rule, a (when, task,
    detail) tuple a task with a round checkbox (red for "P1", orange for "P2"), its time in a
    column of its own, the task over its detail in small grey text."""
    head, big, small = _font("DejaVuSans-Bold.ttf", size - 2), _font("DejaVuSans.ttf", size), _font("DejaVuSans.ttf", size - 6)
    tx = bx + 44 + max([d.textlength(it[0], font=small) for it in items if len(it) == 3] + [0]) + 24
    for it in items:
        if len(it) == 1:
            y += 6
            d.text((bx, y), it[0], font=head, fill=pal["heading"])
            d.line([bx, y + size + 6, right, y + size + 6], fill=pal["rule"], width=2)
            y += size + 16
            continue
        when, task, detail = it
        if tx + max(d.textlength(task, font=big), d.textlength(detail, font=small)) > right - 10:
            raise ValueError(f"agenda task {task!r} does not fit")
        ring = {"P1": (220, 60, 60), "P2": (232, 140, 40)}.get(detail[:2], pal["label"])
        d.ellipse([bx + 4, y + 3, bx + 4 + size - 2, y + 1 + size], outline=ring, width=2)
        d.text((bx + 44, y + 3), when, font=small, fill=pal["label"])
        d.text((tx, y), task, font=big, fill=pal["heading"])
        d.text((tx, y + size + 4), detail, font=small, fill=pal["label"])
        y += 2 * size + 10
    return y + 6


CHART_COLOURS = [(66, 133, 244), (246, 158, 52), (80, 178, 110)]


def _chart_value(text: str) -> float:
    m = re.fullmatch(r"(\d+)h (\d+)m", text)
    if m:
        return int(m.group(1)) + int(m.group(2)) / 60
    return float(re.search(r"\d[\d,]*\.?\d*", text).group().replace(",", ""))


def _chart(d, rows, bx, y, right, size, pal):
    """Round 7: a bar chart: the first tuple is (axis title, series names…) drawn above the plot
    with a legend of coloured keys, each later tuple (category, values…) a group of bars with its
    values over the bars and the category under them; the bars' heights come from the values."""
    title, *series = rows[0]
    small, label = _font("DejaVuSans.ttf", max(13, size - 7)), _font("DejaVuSans.ttf", size - 4)
    d.text((bx, y), title, font=label, fill=pal["label"])
    lx = right - 10
    for k in reversed(range(len(series))):
        lx -= d.textlength(series[k], font=label)
        d.text((lx, y), series[k], font=label, fill=pal["text"])
        lx -= 26
        d.rectangle([lx, y + 4, lx + 16, y + 20], fill=CHART_COLOURS[k])
        lx -= 24
    if lx < bx + d.textlength(title, font=label) + 20:
        raise ValueError("the chart's legend does not fit beside its title")
    top, h = y + size + 24, 250
    base = top + h
    for k in range(5):
        gy = top + k * h // 4
        d.line([bx, gy, right, gy], fill=pal["rule"])
    d.line([bx, base, right, base], fill=pal["label"], width=2)
    groups = rows[1:]
    most = max(_chart_value(v) for g in groups for v in g[1:]) * 1.12
    slot = (right - bx) / len(groups)
    bw = min(56, (slot - 24) / len(series))
    for g, (cat, *vals) in enumerate(groups):
        gx = bx + g * slot + (slot - bw * len(series)) / 2
        for k, v in enumerate(vals):
            bh = int((h - 24) * _chart_value(v) / most)
            x = gx + k * bw
            d.rectangle([x + 2, base - bh, x + bw - 2, base - 1], fill=CHART_COLOURS[k])
            vw = d.textlength(v, font=small)
            if vw > slot / len(series) + 10:
                raise ValueError(f"chart value {v!r} does not fit over its bar")
            d.text((x + bw / 2 - vw / 2, base - bh - size + 2), v, font=small, fill=pal["text"])
        cw = d.textlength(cat, font=label)
        if cw > slot - 6:
            raise ValueError(f"chart category {cat!r} does not fit under its bars")
        d.text((bx + g * slot + (slot - cw) / 2, base + 8), cat, font=label, fill=pal["text"])
    return base + size + 24


ICON_COLOURS = {"pdf": (214, 64, 52), "jpg": (52, 150, 200), "png": (52, 150, 200), "docx": (44, 98, 190),
                "odt": (44, 98, 190), "xlsx": (36, 140, 76), "pptx": (220, 110, 40), "zip": (130, 110, 90),
                "m4a": (150, 80, 190)}


def _icons(d, items, bx, y, right, size, pal):
    """Round 7: a file manager's icon grid: (name, detail) items, a folder drawn for a name
    without an extension and a page with a folded corner, coloured by its extension, for a file;
    the name centred under the icon and the detail (size, date) small and grey under the name."""
    cols = max(1, int((right - bx) // 200))
    cw = (right - bx) / cols
    name, small = _font("DejaVuSans.ttf", size - 5), _font("DejaVuSans.ttf", size - 8)
    ch = 84 + 2 * size + 18
    for i, (nm, detail) in enumerate(items):
        cx, cy = bx + (i % cols) * cw, y + (i // cols) * ch
        mid = cx + cw / 2
        ext = nm.rsplit(".", 1)[1] if "." in nm else ""
        if not ext:
            d.rounded_rectangle([mid - 34, cy + 8, mid - 4, cy + 20], radius=4, fill=(226, 178, 60))
            d.rounded_rectangle([mid - 34, cy + 14, mid + 34, cy + 66], radius=6, fill=(240, 196, 80))
        else:
            c = ICON_COLOURS.get(ext, (150, 156, 166))
            d.polygon([(mid - 26, cy + 4), (mid + 12, cy + 4), (mid + 26, cy + 18), (mid + 26, cy + 70),
                       (mid - 26, cy + 70)], fill=(250, 250, 252), outline=(170, 174, 182))
            d.polygon([(mid + 12, cy + 4), (mid + 12, cy + 18), (mid + 26, cy + 18)], fill=(210, 214, 220))
            d.rectangle([mid - 26, cy + 44, mid + 26, cy + 62], fill=c)
            tag = _font("DejaVuSans-Bold.ttf", 11)
            d.text((mid - d.textlength(ext.upper(), font=tag) / 2, cy + 47), ext.upper(), font=tag, fill=(255, 255, 255))
        for text, font, dy, fill in ((nm, name, 78, pal["heading"]), (detail, small, 84 + size, pal["label"])):
            tw = d.textlength(text, font=font)
            if tw > cw - 8:
                raise ValueError(f"icon caption {text!r} does not fit")
            d.text((mid - tw / 2, cy + dy), text, font=font, fill=fill)
    return y + ((len(items) + cols - 1) // cols) * ch + 6


def _map(d, pins, bx, y, right, size, pal):
    """Round 7: a map with labelled pins along a route: (place, caption) pins in route order, left
    to right, drawn on fixed, drawn streets (no rng); the pin whose caption starts "Now" is red and
    the route after it dashed. Maps stay light in a dark window, as map tiles do."""
    h, n = 300, len(pins)
    d.rectangle([bx, y, right, y + h], fill=(234, 238, 226), outline=pal["rule"])
    for k in range(1, 6):  # streets and a river, from the box alone
        d.line([bx, y + k * h // 6, right, y + k * h // 6 + (k % 3 - 1) * 40], fill=(255, 255, 255), width=5)
        gx = bx + k * (right - bx) // 6
        d.line([gx, y, gx + (k % 2) * 60 - 30, y + h], fill=(255, 255, 255), width=5)
    d.line([bx, y + h - 60, bx + (right - bx) // 3, y + h - 20, right, y + h - 90], fill=(170, 204, 232), width=14)
    slot = (right - bx - 40) / n
    pts = [(bx + 20 + slot * (k + 0.5), y + (120 if k % 2 else 210)) for k in range(n)]
    now = next((k for k, (_p, cap) in enumerate(pins) if cap.startswith("Now")), n - 1)
    for k in range(n - 1):
        (ax, ay), (cx, cy) = pts[k], pts[k + 1]
        if k < now:
            d.line([ax, ay, cx, cy], fill=(60, 110, 200), width=5)
        else:
            for s in range(0, 20, 2):
                t0, t1 = s / 20, (s + 1) / 20
                d.line([ax + (cx - ax) * t0, ay + (cy - ay) * t0, ax + (cx - ax) * t1, ay + (cy - ay) * t1],
                       fill=(110, 120, 130), width=4)
    bold, small = _font("DejaVuSans-Bold.ttf", size - 6), _font("DejaVuSans.ttf", size - 8)
    for k, ((place, cap), (px, py)) in enumerate(zip(pins, pts)):
        colour = (214, 52, 52) if k == now else (60, 110, 200) if k < now else (120, 126, 136)
        d.ellipse([px - 11, py - 30, px + 11, py - 8], fill=colour)
        d.polygon([(px - 9, py - 15), (px + 9, py - 15), (px, py)], fill=colour)
        d.ellipse([px - 4, py - 23, px + 4, py - 15], fill=(255, 255, 255))
        bw = max(d.textlength(place, font=bold), d.textlength(cap, font=small)) + 20
        if bw > slot - 8:
            raise ValueError(f"map pin {place!r} does not fit its place")
        ly = py + 8 if k % 2 else py - 36 - 2 * size
        d.rounded_rectangle([px - bw / 2, ly, px + bw / 2, ly + 2 * size + 4], radius=6, fill=(255, 255, 255),
                            outline=(150, 156, 166))
        d.text((px - bw / 2 + 10, ly + 4), place, font=bold, fill=(30, 30, 30))
        d.text((px - bw / 2 + 10, ly + size), cap, font=small, fill=(90, 96, 104))
    return y + h + 18


def _notices(d, notes, bx, y, right, size, pal):
    """Round 7: a notification centre's stack: (app, time, title, body) cards, newest first, each
    with its app's round badge (coloured from the app's name, no rng), the app and time small on
    top, the title in bold and the body under it, wrapped to at most two lines."""
    w = min(1100, right - bx)
    tiny, bold, font = _font("DejaVuSans.ttf", 14), _font("DejaVuSans-Bold.ttf", size - 2), _font("DejaVuSans.ttf", size - 4)
    for app, when, title, body in notes:
        lines = _wrap(d, body, font, w - 110)
        if len(lines) > 2 or d.textlength(title, font=bold) > w - 110:
            raise ValueError(f"notification {title!r} does not fit its card")
        h = 26 + size + 2 + len(lines) * (size + 2) + 8
        d.rounded_rectangle([bx, y, bx + w, y + h], radius=14, fill=pal["card"], outline=pal["rule"])
        hue = sum(map(ord, app))
        d.ellipse([bx + 18, y + 16, bx + 58, y + 56], fill=(60 + hue % 150, 90 + hue * 7 % 120, 120 + hue * 13 % 110))
        d.text((bx + 38 - d.textlength(app[0], font=bold) / 2, y + 24), app[0], font=bold, fill=(255, 255, 255))
        d.text((bx + 76, y + 8), app, font=tiny, fill=pal["label"])
        d.text((bx + w - 18 - d.textlength(when, font=tiny), y + 8), when, font=tiny, fill=pal["label"])
        d.text((bx + 76, y + 26), title, font=bold, fill=pal["heading"])
        for k, line in enumerate(lines):
            d.text((bx + 76, y + 28 + size + k * (size + 2)), line, font=font, fill=pal["text"])
        y += h + 8
    return y + 4


PANELS.update(agenda=_agenda, chart=_chart, icons=_icons, map=_map, notices=_notices)
LAYOUTS7 = ("agenda", "chart", "icons", "map", "notices")
# Round 7 layouts of tuple lines: "agenda" ((heading,) and (when, task, detail)), "chart" ((axis
# title, series…) then (category, values…)), "icons" ((name, detail) files), "map" ((place,
# caption) pins) and "notices" ((app, time, title, body) notifications).


def _gallery(d, tiles, bx, y, right, size, pal):
    """Round 8: a video call's gallery: (name, note) tiles four a row, dark whatever the theme, as
    camera tiles are: a round badge with the initials in the middle (coloured from the name, no
    rng), the name on a strip along the foot and the note ("Host", "Muted", "Presenting") in a
    pill at the top left; the presenter's tile has a green frame."""
    cols, gap, th = 4, 12, 104
    tw = (right - bx - gap * (cols - 1)) // cols
    name_f, note_f, ini_f = _font("DejaVuSans-Bold.ttf", size - 6), _font("DejaVuSans.ttf", 13), _font("DejaVuSans-Bold.ttf", 22)
    for i, (name, note) in enumerate(tiles):
        tx, ty = bx + (i % cols) * (tw + gap), y + (i // cols) * (th + gap)
        on = note == "Presenting"
        d.rounded_rectangle([tx, ty, tx + tw, ty + th], radius=10, fill=(28, 30, 36),
                            outline=(60, 190, 110) if on else (70, 74, 84), width=3 if on else 1)
        hue = sum(map(ord, name))
        cx, cy = tx + tw // 2, ty + 40
        d.ellipse([cx - 26, cy - 26, cx + 26, cy + 26], fill=(70 + hue % 140, 80 + hue * 7 % 120, 110 + hue * 13 % 120))
        initials = "".join(p[0] for p in name.split()[:2]).upper()
        d.text((cx - d.textlength(initials, font=ini_f) / 2, cy - 14), initials, font=ini_f, fill=(255, 255, 255))
        if d.textlength(name, font=name_f) > tw - 24:
            raise ValueError(f"call tile {name!r} does not fit")
        d.text((tx + 12, ty + th - size - 2), name, font=name_f, fill=(240, 240, 244))
        if note:
            nw = d.textlength(note, font=note_f) + 18
            d.rounded_rectangle([tx + 8, ty + 8, tx + 8 + nw, ty + 28], radius=9,
                                fill=(46, 150, 84) if on else (200, 64, 64) if note == "Muted" else (60, 64, 76))
            d.text((tx + 17, ty + 11), note, font=note_f, fill=(255, 255, 255))
    return y + ((len(tiles) + cols - 1) // cols) * (th + gap) + 8


def _photo(d, rows, bx, y, right, size, pal):
    """Round 8: a photo viewer: the picture on the left (a landscape drawn from the first value's
    characters, no rng: a sky shading to the horizon, a sun, hills and water) and an info panel on
    the right of (label, value) rows, the label small and grey beside its value."""
    pw = 540
    px = right - pw
    label, font = _font("DejaVuSans.ttf", 14), _font("DejaVuSans.ttf", size - 4)
    rh = size + 14
    h = max(430, 28 + rh * len(rows))
    seed = sum(map(ord, rows[0][1]))
    top, horizon = (40 + seed % 90, 90 + seed * 3 % 80, 150 + seed * 7 % 100), (230, 190 - seed % 60, 150 + seed % 70)
    iw, ground = px - 24 - bx, y + h * 3 // 5
    for k in range(ground - y):
        t = k / max(1, ground - y)
        d.line([bx, y + k, bx + iw, y + k], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, horizon)))
    sx = bx + iw * (20 + seed % 60) // 100
    d.ellipse([sx - 34, ground - 120, sx + 34, ground - 52], fill=(255, 226, 160))
    d.polygon([(bx, ground), (bx + iw // 4, ground - 90), (bx + iw // 2, ground - 20), (bx + iw * 3 // 4, ground - 110),
               (bx + iw, ground - 30), (bx + iw, ground + 40), (bx, ground + 40)], fill=(52, 84 + seed % 40, 64))
    d.rectangle([bx, ground + 40, bx + iw, y + h], fill=(40, 70 + seed % 30, 110 + seed % 40))
    for k in range(6):
        wy = ground + 60 + k * (h * 2 // 5 - 60) // 6
        d.line([bx + 30 + k * 40, wy, bx + iw - 60 - k * 30, wy], fill=(120, 160, 190), width=2)
    d.rounded_rectangle([px, y, right, y + h], radius=10, fill=pal["card"], outline=pal["rule"])
    col = px + 20 + max(d.textlength(lab, font=label) for lab, _v in rows) + 20
    for k, (lab, val) in enumerate(rows):
        ry = y + 16 + k * rh
        if col + d.textlength(val, font=font) > right - 16:
            raise ValueError(f"photo detail {val!r} does not fit the panel")
        d.text((px + 20, ry + 3), lab, font=label, fill=pal["label"])
        d.text((col, ry), val, font=font, fill=pal["heading"])
    return y + h + 16


ALERT_COLOURS = {"warning": ((255, 243, 205), (214, 150, 20)), "info": ((222, 236, 252), (52, 120, 220)),
                 "ok": ((222, 244, 228), (46, 150, 80))}


def _alerts(d, rows, bx, y, right, size, pal):
    """Round 8: a status page: a (level, title, body) tuple is an alert ("warning" amber, "info"
    blue, "ok" green: a tinted box with a coloured bar down its left edge, the title in bold over
    the body, wrapped to at most three lines), a (label, value) tuple a detail row as in "kv"."""
    bold, font = _font("DejaVuSans-Bold.ttf", size - 2), _font("DejaVuSans.ttf", size - 4)
    k = 0
    while k < len(rows):
        j = k
        while j < len(rows) and len(rows[j]) == len(rows[k]):
            j += 1
        if len(rows[k]) == 2:
            y = _kv(d, rows[k:j], bx, y, right, size, pal) + 4
            k = j
            continue
        for level, title, body in rows[k:j]:
            fill, bar = ALERT_COLOURS[level]
            lines = _wrap(d, body, font, right - bx - 60)
            if len(lines) > 3 or d.textlength(title, font=bold) > right - bx - 60:
                raise ValueError(f"alert {title!r} does not fit")
            h = 18 + size + len(lines) * (size - 1) + 12
            d.rounded_rectangle([bx, y, right, y + h], radius=8, fill=fill)
            d.rectangle([bx, y, bx + 6, y + h], fill=bar)
            d.text((bx + 26, y + 12), title, font=bold, fill=(30, 30, 34))
            for m, line in enumerate(lines):
                d.text((bx + 26, y + 18 + size + m * (size - 1)), line, font=font, fill=(44, 44, 50))
            y += h + 12
        k = j
    return y + 4


def _seats(d, rows, bx, y, right, size, pal):
    """Round 8: a cinema's seat map: the screen as a curve at the top, then (row, seats) tuples, the
    row letter at both ends and a seat for each character of `seats` ("." free, "x" taken, "o" a
    seat picked, " " an aisle), numbered from 1 at the left; a legend under the map."""
    sw, gap = 34, 6
    n = max(len(s) for _r, s in rows)
    width = n * (sw + gap) + 100
    if width > right - bx:
        raise ValueError("the seat map does not fit")
    x = bx + (right - bx - width) // 2 + 50
    span_ = n * (sw + gap) - gap
    d.arc([x, y, x + span_, y + 60], 200, 340, fill=pal["label"], width=4)
    small, row_f = _font("DejaVuSans.ttf", 12), _font("DejaVuSans-Bold.ttf", 16)
    d.text((x + span_ / 2 - d.textlength("SCREEN", font=small) / 2, y + 14), "SCREEN", font=small, fill=pal["label"])
    y += 44
    colours = {".": ((196, 214, 236), (40, 60, 90)), "x": ((150, 152, 160), (240, 240, 244)),
               "o": ((46, 160, 90), (255, 255, 255))}
    for letter, seats in rows:
        d.text((x - 36, y + 6), letter, font=row_f, fill=pal["heading"])
        d.text((x + span_ + 20, y + 6), letter, font=row_f, fill=pal["heading"])
        num = 0
        for c, ch in enumerate(seats):
            if ch == " ":
                continue
            num += 1
            sx = x + c * (sw + gap)
            fill, ink = colours[ch]
            d.rounded_rectangle([sx, y, sx + sw, y + sw - 6], radius=6, fill=fill)
            d.text((sx + sw / 2 - d.textlength(str(num), font=small) / 2, y + 7), str(num), font=small, fill=ink)
        y += sw + 2
    lx, font = x, _font("DejaVuSans.ttf", size - 6)
    for ch, name in ((".", "Available"), ("x", "Taken"), ("o", "Your seats")):
        d.rounded_rectangle([lx, y + 12, lx + 22, y + 30], radius=4, fill=colours[ch][0])
        d.text((lx + 30, y + 11), name, font=font, fill=pal["text"])
        lx += 60 + d.textlength(name, font=font)
    return y + 48


DONUT_COLOURS = [(66, 133, 244), (246, 158, 52), (80, 178, 110), (170, 90, 200), (228, 88, 88), (70, 190, 200)]


def _donut(d, rows, bx, y, right, size, pal):
    """Round 8: a donut chart with its legend beside it: the first tuple heads the legend's
    columns, each later (label, share, value) tuple is a slice (its share a percentage, the slices
    clockwise from the top in the legend's order, no rng) and a legend row: a coloured key, the
    label, the share and the value right-aligned."""
    head, *rows = rows
    r = 120
    cx, cy = bx + r + 10, y + r + 10
    shares = [float(s.rstrip("%")) for _l, s, _v in rows]
    start = -90.0
    for k, s in enumerate(shares):
        end = start + 360 * s / sum(shares)
        d.pieslice([cx - r, cy - r, cx + r, cy + r], start, end, fill=DONUT_COLOURS[k % len(DONUT_COLOURS)])
        start = end
    d.ellipse([cx - r * 0.58, cy - r * 0.58, cx + r * 0.58, cy + r * 0.58], fill=pal["window"])
    font, bold, small = _font("DejaVuSans.ttf", size - 2), _font("DejaVuSans-Bold.ttf", size - 2), _font("DejaVuSans.ttf", size - 6)
    lx = bx + 2 * r + 70
    name_w = max(d.textlength(lab, font=font) for lab, _s, _v in rows)
    sx = lx + 32 + max(name_w, d.textlength(head[0], font=small)) + 40
    rh = size + 18
    ly = max(y, cy - rh * (len(rows) + 1) // 2)
    d.text((lx, ly), head[0], font=small, fill=pal["label"])
    d.text((sx, ly), head[1], font=small, fill=pal["label"])
    d.text((right - 10 - d.textlength(head[2], font=small), ly), head[2], font=small, fill=pal["label"])
    for k, (lab, share, value) in enumerate(rows):
        yy = ly + rh * (k + 1)
        vw = d.textlength(value, font=bold)
        if sx + d.textlength(share, font=font) + 30 > right - 10 - vw:
            raise ValueError(f"legend row {lab!r} does not fit")
        d.rectangle([lx, yy + 3, lx + 18, yy + 21], fill=DONUT_COLOURS[k % len(DONUT_COLOURS)])
        d.text((lx + 32, yy), lab, font=font, fill=pal["text"])
        d.text((sx, yy), share, font=font, fill=pal["text"])
        d.text((right - 10 - vw, yy), value, font=bold, fill=pal["heading"])
        d.line([lx, yy + rh - 8, right, yy + rh - 8], fill=pal["rule"])
    return max(y + 2 * r + 30, ly + rh * (len(rows) + 1) + 10)


def _history(d, items, bx, y, right, size, pal):
    """Round 8: a browser's history: a 1-tuple is a day heading, a (time, title, address) tuple a
    visit: the time small and grey in a column of its own, a site badge (the host's first letter on
    a colour from the host's name, no rng), the title and, under it, the address in small grey."""
    head, big, small = _font("DejaVuSans-Bold.ttf", size - 2), _font("DejaVuSans.ttf", size), _font("DejaVuSans.ttf", size - 6)
    tx = bx + max([d.textlength(it[0], font=small) for it in items if len(it) == 3] + [0]) + 28
    for it in items:
        if len(it) == 1:
            y += 6
            d.text((bx, y), it[0], font=head, fill=pal["heading"])
            d.line([bx, y + size + 6, right, y + size + 6], fill=pal["rule"], width=2)
            y += size + 16
            continue
        when, title, url = it
        if tx + 36 + max(d.textlength(title, font=big), d.textlength(url, font=small)) > right - 10:
            raise ValueError(f"history entry {title!r} does not fit")
        host = url.split("/")[2].removeprefix("www.")
        hue = sum(map(ord, host))
        d.text((bx, y + 4), when, font=small, fill=pal["label"])
        d.rounded_rectangle([tx, y + 3, tx + 22, y + 25], radius=5,
                            fill=(50 + hue % 160, 70 + hue * 5 % 140, 90 + hue * 11 % 140))
        letter = _font("DejaVuSans-Bold.ttf", 13)
        d.text((tx + 11 - d.textlength(host[0].upper(), font=letter) / 2, y + 6), host[0].upper(), font=letter,
               fill=(255, 255, 255))
        d.text((tx + 36, y), title, font=big, fill=pal["heading"])
        d.text((tx + 36, y + size + 4), url, font=small, fill=pal["label"])
        y += 2 * size + 12
    return y + 6


PANELS.update(gallery=_gallery, photo=_photo, alerts=_alerts, seats=_seats, donut=_donut, history=_history)
LAYOUTS8 = ("gallery", "photo", "alerts", "seats", "donut", "history")
# Round 8 layouts of tuple lines: "gallery" ((name, note) call tiles, chat messages after them as
# bubbles), "photo" ((label, value) details beside a drawn picture), "alerts" ((level, title,
# body) alerts and (label, value) details), "seats" ((row, seats) of a seat map), "donut" ((title,
# share, value) legend rows beside a donut) and "history" ((day,) and (time, title, address)).


def render(scene, stamp: dt.datetime, rng) -> Image.Image:
    """A screenshot of the scene. A scene without "layout" or "theme" draws exactly as it always
    has, with the same `rng` draws, so an earlier seed's default day stays byte-identical."""
    f = _font
    pal = THEMES[scene.get("theme", "light")]
    img = Image.new("RGB", (W, H), rng.choice([(236, 239, 244), (222, 228, 236), (240, 236, 230)]))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, W, 28], fill=(40, 44, 52))
    d.text((W // 2 - 60, 5), f"{stamp:%a %d %b %H:%M}", font=f("DejaVuSans.ttf", 15), fill=(220, 220, 220))
    x0, y0, x1, y1 = rng.randint(30, 60), rng.randint(40, 60), W - rng.randint(30, 60), H - 30
    d.rectangle([x0, y0, x1, y1], fill=pal["window"], outline=pal["border"])
    d.rectangle([x0, y0, x1, y0 + 36], fill=pal["bar"])
    d.text((x0 + 14, y0 + 8), f"{scene['title']} - {scene['app']}", font=f("DejaVuSans-Bold.ttf", 17),
           fill=pal["title"])
    bx, top = x0 + 24, y0 + 36
    if scene.get("tabs"):
        top = _tabs(d, scene["tabs"], scene.get("tab", 0), x0, top, x1, pal)
    if scene.get("sidebar"):
        d.rectangle([x0, top, x0 + 230, y1], fill=pal["side"])
        for i, s in enumerate(scene["sidebar"]):
            d.text((x0 + 16, top + 24 + i * 32), s, font=f("DejaVuSans.ttf", 16), fill=pal["side_text"])
        bx = x0 + 260
    size = rng.choice([20, 22, 24]) - scene.get("shrink", 0)  # no rng drawn for "shrink"
    sans = "DejaVuSansMono.ttf" if scene.get("mono") else "DejaVuSans.ttf"
    body = f(sans, size)
    y, widest = top + 28, 0
    if scene.get("crumbs"):  # round 5; no rng drawn for it, nor for "groups", "status" or "modal"
        y = _crumbs(d, scene["crumbs"], bx, y, pal)
    lines = scene["lines"]
    i = 0
    while i < len(lines):
        line = lines[i]
        if not isinstance(line, str):  # a run of table rows or of cards
            j = i
            while j < len(lines) and type(lines[j]) is type(line):
                j += 1
            if isinstance(line, list):
                if scene.get("groups") and not any(isinstance(prev, list) for prev in lines[:i]):
                    y = _group_heads(d, lines[i:j], scene["groups"], bx, y, x1 - 24, size, sans, pal)
                y, right = _table(d, lines[i:j], bx, y, x1 - 24, size, pal, sans, scene.get("selected"),
                                  scene.get("numeric_right", False))
                widest = max(widest, right)
            elif isinstance(line, dict):
                y = _bubbles(d, lines[i:j], bx, y, x1 - 24, size, pal)
            elif scene.get("layout") == "form":
                y = _form(d, lines[i:j], bx, y, x1 - 24, size, pal)
            elif scene.get("layout") in PANELS:
                y = PANELS[scene["layout"]](d, lines[i:j], bx, y, x1 - 24, size, pal)
            else:
                y = _cards(d, lines[i:j], bx, y, x1 - 24, size, pal)
            i = j
            continue
        if line.startswith("# "):
            font = f("DejaVuSans-Bold.ttf", size + 6)
            d.text((bx, y), line[2:], font=font, fill=pal["heading"])
            widest = max(widest, bx + d.textlength(line[2:], font=font))
            y += size + 22
        else:
            if scene.get("diff") and line[12:13] in ("+", "-") and not line[:12].strip(" 0123456789"):
                d.rectangle([bx - 10, y - 5, x1 - 24, y + size + 7], fill=DIFF_FILL[scene.get("theme", "light")][line[12]])
            d.text((bx, y), line, font=body, fill=pal["text"])
            widest = max(widest, bx + d.textlength(line, font=body))
            y += size + 14
        i += 1
    if scene.get("toast"):
        _toast(d, scene["toast"], x1, y0)
    if scene.get("status") and y > _status(d, scene["status"], x0, x1, y1, pal) - 6:
        raise ValueError(f"scene {scene['title']!r} runs under its status bar")
    if scene.get("modal"):
        _modal(img, d, scene["modal"], x0, y0, x1, y1, pal)
    if "layout" in scene and (y > y1 - 10 or widest > x1 - 10):
        raise ValueError(f"scene {scene['title']!r} does not fit the window")
    mx, my = rng.randint(x0 + 40, x1 - 40), rng.randint(y1 - 120, y1 - 40)
    d.polygon([(mx, my), (mx, my + 22), (mx + 6, my + 16), (mx + 15, my + 15)], fill=(0, 0, 0))
    return img


def generate(seed: int, out: Path, instances: int = 7, test_share: float = 0.45,
             split_of: dict[str, str] | None = None, templates: list | None = None,
             scenes_out: list | None = None) -> dict:
    """A day of the given templates (default: CLASSIC, so a seed's default day never changes);
    `scenes_out` collects (frame file, scene) for checks on what each frame shows."""
    chosen = list(templates or CLASSIC)
    rng = random.Random(seed)
    day = dt.date(2026, rng.randint(1, 11), rng.randint(1, 28))
    order = chosen[:]
    rng.shuffle(order)
    n_test = round(len(order) * test_share)
    split = {t.__name__: ("test" if i < n_test else "train") for i, t in enumerate(order)}
    if split_of:  # an earlier day's split; a template it does not know is held out
        split = {t.__name__: split_of.get(t.__name__, "test") for t in chosen}
    used = Used()
    scenes = [(t, t(rng, day, used)) for t in chosen for _ in range(instances)]
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
        if scenes_out is not None:
            scenes_out.append((name, sc))
        frames.append({"file": name, "timestamp": stamp.isoformat(timespec="seconds"),
                       "app": sc["app"], "window_title": sc["title"]})
        for form, q, answers, shape in sc["qs"]:
            ask(t.__name__, form, q, answers, shape, [name])
        if sc.get("activity"):
            hh = stamp.replace(minute=stamp.minute - stamp.minute % 5, second=0)
            q = rng.choice(["What was I reading around {t}?", "What was I looking at around {t}?",
                            "Which page did I have open around {t}?"])
            ask(t.__name__, "activity", q.format(t=f"{hh:%H:%M}"), sc["activity"], "title", [name])
    for t in chosen:  # unanswerable questions per template, about an entity never shown
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
    p.add_argument("--templates", default="classic", metavar="NAMES",
                   help="comma list of template sets (classic, fresh: the held-out templates of "
                        "issue 18, round3: the final held-out set, round4: a fourth held-out set "
                        "written blind to the answer code, round5: the held-out measure nobody "
                        "tunes on, round6: the held-out measure once round4 is tuned on, round7: a "
                        "further held-out measure written blind, round8: another held-out measure "
                        "written blind, all), "
                        "template names or prefixes "
                        "(default: classic)")
    p.add_argument("--split-of", type=Path, metavar="QUESTIONS",
                   help="keep the train/test split of an earlier day's questions.jsonl (a "
                        "template it does not hold goes to test)")
    args = p.parse_args()
    try:
        templates = select_templates(args.templates)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        raise SystemExit(2) from None
    split_of = None
    if args.split_of:
        try:
            rows = [json.loads(l) for l in args.split_of.read_text().splitlines() if l.strip()]
            split_of = {q["template"].split(":")[0]: q["split"] for q in rows
                        if not q["template"].startswith("unused_app")}
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise SystemExit(f"error: cannot read the split of {args.split_of}: {e}") from None
    print(json.dumps(generate(args.seed, args.out, args.instances, split_of=split_of, templates=templates)))


if __name__ == "__main__":
    main()
