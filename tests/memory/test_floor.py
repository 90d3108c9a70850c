from memory.floor import (
    content_lines,
    extract_commands,
    extract_entities,
    extract_steps,
    extract_vault,
    floor_candidates,
    resources_from_title,
    window_sessions,
)
from memory.items import EPISODIC, PROCEDURAL, RESOURCE, SEMANTIC, VAULT, Observation


def _values(lines):
    return {(v["entry_type"], v["value"]): v for v in extract_vault(lines)}


def test_vault_patterns():
    found = _values([
        "Confirmation code: NWB-55710-K",
        "Order #A12345 shipped; booking ref XJ-99812",
        "Amount: 1,240.00 GBP and $15.99 and 6,500 EUR",
        "Write to billing@marrowstudio.co or call +44 20 7946 0958",
        "Docs at https://example.org/guide?x=1",
        "Flight on 24 February at 19:30",
    ])
    assert ("confirmation_number", "NWB-55710-K") in found
    assert ("order_number", "A12345") in found
    assert ("booking_number", "XJ-99812") in found
    assert ("code", "AB-1234") in _values(["see AB-1234 in the log"])
    assert {("amount", "1,240.00 GBP"), ("amount", "$15.99"), ("amount", "6,500 EUR")} <= set(found)
    assert ("email", "billing@marrowstudio.co") in found
    assert ("phone", "+44 20 7946 0958") in found
    assert ("url", "https://example.org/guide?x=1") in found
    assert ("date", "24 February") in found and ("time", "19:30") in found
    assert found[("confirmation_number", "NWB-55710-K")]["caption"] == "Confirmation code: NWB-55710-K"


def test_secrets_are_sensitive_and_captioned_without_value():
    found = extract_vault(["password: s3cr3t-Pass", "key AKIAABCDEFGHIJKLMNOP here",
                           "token: [redacted]"])
    secrets = [v for v in found if v["sensitivity"] == "high"]
    assert {v["value"] for v in secrets} == {"s3cr3t-Pass", "AKIAABCDEFGHIJKLMNOP"}
    assert all(v["value"] not in v["caption"] for v in secrets)
    assert not any("[redacted]" in v["value"] for v in found)


def test_secrets_come_from_the_one_redaction_table():
    found = extract_vault([
        "postgres://admin:Xylophone77Secret@db.internal:5432/prod",
        "Passwort: Glockenspiel42",
        "Password",
        "Tr0ub4dor&3zebra",
        "export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYzqxKEY",
        "card 4111 1111 1111 1111 CVV 737, write to billing@marrowstudio.co",
        "Mail leo@example.org at 19:30",
    ])
    high = {(v["entry_type"], v["value"]) for v in found if v["sensitivity"] == "high"}
    assert high == {("password", "Xylophone77Secret"), ("password", "Glockenspiel42"),
                    ("password", "Tr0ub4dor&3zebra"),
                    ("api_key", "wJalrXUtnFEMIK7MDENGbPxRfiCYzqxKEY")}
    low = [v for v in found if v["sensitivity"] == "low"]
    # no secret (nor a card) reaches an unsealed entry or a caption: the DB-URL password is
    # not offered as an e-mail address "Xylophone77Secret@db.internal"
    for secret in ("Xylophone77Secret", "Glockenspiel42", "Tr0ub4dor", "wJalrXUtn", "4111", "737"):
        assert not any(secret in v["value"] or secret in v["caption"] for v in found
                       if v["sensitivity"] == "low"), secret
    assert ("email", "leo@example.org") in {(v["entry_type"], v["value"]) for v in low}
    assert all(v["caption"] == v["entry_type"] for v in found if v["sensitivity"] == "high")


def test_already_redacted_text_gives_no_vault_secret():
    found = extract_vault(["postgres://admin:[redacted]@db.internal:5432/prod",
                           "Password", "[redacted]", "api_key: [redacted]"])
    assert found == []


def test_numbered_steps_and_commands():
    lines = ["How to release", "1. Bump the version", "2. Tag it", "Step 3: Push the tag",
             "unrelated", "$ docker compose up -d", "leo@studio:~/app$ npx lhci autorun",
             "Container started"]
    procs = extract_steps(lines)
    assert procs == [{"entry_type": "steps", "description": "How to release",
                      "steps": ["Bump the version", "Tag it", "Push the tag"]}]
    assert extract_commands(lines) == ["docker compose up -d", "npx lhci autorun"]
    assert extract_steps(["1. only one step"]) == []


def test_resources_from_titles():
    gh = resources_from_title("Chromium", "Pull request #418 - quillbyte/parser - GitHub")
    assert {"title": "quillbyte/parser", "resource_type": "repository"}.items() <= gh[0].items()
    f = resources_from_title("Sublime Text", "lexer.rs - parser")
    assert f[0]["title"] == "lexer.rs" and f[0]["resource_type"] == "code file"
    assert resources_from_title("Okular", "report-Q1.pdf")[0]["resource_type"] == "document"
    web = resources_from_title("Firefox", "Red lentil dal", "https://salt.example/dal")
    assert web[0]["resource_type"] == "web page" and web[0]["uri"] == "https://salt.example/dal"
    assert resources_from_title("Konsole", "leo@studio: ~/orchard-audit")[0]["title"] == "~/orchard-audit"
    assert resources_from_title("Signal", "Sven Aaltonen - Signal") == []


def test_entities():
    names = extract_entities(["Attendees: Leo Hartmann, Marta Lindqvist", "Tuesday 17 February",
                              "ping @nadia-f about it", "mail leo@example.org"])
    assert "Leo Hartmann" in names and "Marta Lindqvist" in names and "@nadia-f" in names
    assert not any("February" in n or "example" in n for n in names)
    chat = extract_entities(["Caroline: Woohoo Melanie! Hey Mel, last Friday I met Ed Sheeran.",
                             "Melanie: Wow Caroline, Last Friday? Congrats Caroline!"])
    assert chat == ["Ed Sheeran"]


def _obs(i, ts, app, title, text="", sources=None, kind="frame", session=""):
    return Observation(ref=f"{kind}:{i}", kind=kind, ref_id=i, ts=f"2026-02-17T{ts}+00:00",
                       ts_epoch=1771286400 + int(ts[:2]) * 3600 + int(ts[3:5]) * 60 + int(ts[6:8]),
                       app=app, title=title, url=None, text=text,
                       sources=tuple(sources or [f"f{i}.png"]), session=session)


def test_window_sessions_make_episodes_even_without_text():
    obs = [_obs(1, "09:10:00", "Chromium", "PR #418"), _obs(2, "09:12:00", "Chromium", "PR #418"),
           _obs(3, "09:30:00", "Chromium", "PR #418"), _obs(4, "09:31:00", "Zoom", "Call")]
    sessions = window_sessions(obs)
    assert [[o.ref_id for o in s] for s in sessions] == [[1, 2], [3], [4]]
    eps = [c for c in floor_candidates(obs) if c.type == EPISODIC]
    assert len(eps) == 3 and eps[0].sources == ["f1.png", "f2.png"]
    assert eps[0].fields["summary"] == "Chromium: PR #418"
    assert eps[0].fields["ended_at"].startswith("2026-02-17T09:12")
    assert all(c.tier == "floor" for c in floor_candidates(obs))


def test_candidates_cite_their_own_observation():
    obs = [_obs(1, "15:10:00", "Chromium", "Payments - Northwind Bank",
                "Activities\nTue 17 Feb 15:10\nConfirmation code: NWB-55710-K", ["a.png", "b.png"]),
           _obs(2, "15:40:00", "Signal", "Sven Aaltonen - Signal", "Sven Aaltonen 15:38\nhi",
                ["c.png"])]
    assert content_lines(obs[0]) == ["Confirmation code: NWB-55710-K"]
    cands = floor_candidates(obs)
    code = next(c for c in cands if c.type == VAULT and c.fields["value"] == "NWB-55710-K")
    assert code.sources == ["a.png", "b.png"]
    assert any(c.type == RESOURCE for c in cands)
    sven = next(c for c in cands if c.type == SEMANTIC and c.fields["name"] == "Sven Aaltonen")
    assert sven.sources == ["c.png"]


def test_chat_turns_give_session_episode_entities_and_vault():
    turns = [_obs(1, "10:00:00", "chat", "", "Caroline: I met Melanie Brooks at the LGBTQ "
                  "support group", ["s1:D1:1"], kind="turn", session="s1#1"),
             _obs(2, "10:00:30", "chat", "", "Melanie: call me on +1 415 555 0134", ["s1:D1:2"],
                  kind="turn", session="s1#1")]
    turns = [t.__class__(**{**t.__dict__, "speaker": t.text.split(":")[0]}) for t in turns]
    cands = floor_candidates(turns)
    eps = [c for c in cands if c.type == EPISODIC]
    assert len(eps) == 1 and eps[0].sources == ["s1:D1:1", "s1:D1:2"]
    assert "Caroline and Melanie" in eps[0].fields["summary"]
    assert any(c.type == SEMANTIC and c.fields["name"] == "Melanie Brooks" for c in cands)
    phone = next(c for c in cands if c.type == VAULT and c.fields["entry_type"] == "phone")
    assert phone.sources == ["s1:D1:2"]
    assert not [c for c in cands if c.type == PROCEDURAL]
