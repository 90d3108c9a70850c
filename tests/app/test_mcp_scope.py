"""The [mcp] settings and a client's scope as plain data (no store, no server)."""

from __future__ import annotations

import datetime as dt

import pytest

from memory.store.sources import Moment


def _moment(app="Chromium", ts="2026-02-17T12:00:00+00:00", kind="frame", title="t"):
    return Moment(source="frame:1", kind=kind, id=1, ts=ts, app=app, title=title)


def test_off_by_default_and_round_trips_through_the_settings_file(tmp_path):
    import tomli_w

    from app.settings import load_settings, to_toml_dict

    cfg = tmp_path / "c.toml"
    assert load_settings(data_dir=tmp_path, config_file=cfg).mcp.enabled is False
    cfg.write_text('[mcp]\nenabled = true\nmax_limit = 20\n[mcp.clients.zed]\n'
                   'apps = ["Chromium"]\nsince = "2026-01-01"\nmax_age_days = 7\n'
                   'images = true\n', "utf-8")
    s = load_settings(data_dir=tmp_path, config_file=cfg)
    zed = s.mcp.client("zed")
    assert s.mcp.enabled and s.mcp.max_limit == 20
    assert zed.apps == ("chromium",) and zed.images and not zed.chats
    # the settings dialog writes everything back: [mcp] must survive it unchanged
    cfg.write_bytes(tomli_w.dumps(to_toml_dict(s)).encode())
    assert load_settings(data_dir=tmp_path, config_file=cfg).mcp == s.mcp


@pytest.mark.parametrize("toml, words", [
    ('[mcp.clients.x]\nsince = "last week"\n', "mcp.clients.x"),
    ('[mcp.clients.x]\nappz = []\n', "Unknown setting"),
    ('[mcp.clients.x]\nimages = "yes"\n', "images must be a bool"),
    ('[mcp]\nmax_limit = 0\n', "max_limit"),
    ('[mcp]\nclients = 3\n', "one table per client"),
])
def test_bad_mcp_settings_are_refused_clearly(tmp_path, toml, words):
    from app.settings import SettingsError, load_settings

    cfg = tmp_path / "c.toml"
    cfg.write_text(toml, "utf-8")
    with pytest.raises(SettingsError, match=words):
        load_settings(data_dir=tmp_path, config_file=cfg)


def test_an_unknown_client_is_refused_and_default_is_narrow():
    from app.mcp_server.scope import ClientScope, McpSettings
    from app.settings import SettingsError

    mcp = McpSettings(clients=(ClientScope(name="zed"),))
    with pytest.raises(SettingsError, match="No MCP client 'zedd'.*configured: zed"):
        mcp.client("zedd")
    default = mcp.client("default")
    assert not default.images and not default.chats and default.apps == ()


def test_a_scope_keeps_apps_times_chats_and_privacy_exclusions():
    from app.mcp_server.scope import ClientScope, Scope
    from capture.settings import PrivacySettings

    privacy = PrivacySettings(excluded_apps=("keepassxc", "zoom"),
                              excluded_titles=("(?i)incognito",))
    now = dt.datetime(2026, 2, 20, tzinfo=dt.UTC).timestamp()
    s = Scope(ClientScope(apps=("Chromium", "Zoom"), until="2026-02-17T13:30:00+00:00",
                          max_age_days=7), privacy, clock=lambda: now)
    assert s.allows_moment(_moment())
    assert not s.allows_moment(_moment(app="Evolution"))            # not its app
    assert not s.allows_moment(_moment(app="zoom"))                 # excluded by privacy
    assert not s.allows_moment(_moment(title="New Incognito tab"))  # excluded title
    assert not s.allows_moment(_moment(ts="2026-02-17T14:00:00+00:00"))  # after until
    assert not s.allows_moment(_moment(ts="2026-02-12T12:00:00+00:00"))  # older than 7 days
    assert not s.allows_moment(_moment(kind="turn", app="chat"))    # chats not allowed
    assert not s.allows_moment(_moment(ts=""))                      # no time: not provable
    assert s.clip(None, None) == (now - 7 * 86400, s.window()[1])
    assert s.clip(now, None) is None                                # meets nothing


def test_the_vault_mask_reaches_every_string_but_the_image():
    from app.mcp_server.scope import VaultMask
    from memory.items import MASK

    data = {"hits": [{"text": "pw: s3cret-value here", "sources": ["frame:1"]}],
            "answer": "s3cret-value", "image": {"base64": "s3cret-value"}, "n": 3}
    got = VaultMask(store=None).apply(data, ["s3cret-value"])
    assert got == {"hits": [{"text": f"pw: {MASK} here", "sources": ["frame:1"]}],
                   "answer": MASK, "image": {"base64": "s3cret-value"}, "n": 3}


def test_returned_sources_are_read_from_every_shape():
    from app.mcp_server.service import returned_sources

    assert returned_sources({"hits": [{"sources": ["a", "b"]}, {"sources": ["b"]}],
                             "citations": ["c"], "source": "d",
                             "summaries": {"summary_day": [{"sources": ["e"]}]}}) == \
        ["a", "b", "c", "d", "e"]
