"""packaging/autostart.py: the XDG autostart entry, written and removed only on request."""

from __future__ import annotations

import configparser
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def autostart(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    # Loaded by path: a `packaging` package would shadow the PyPI library of that name.
    spec = importlib.util.spec_from_file_location("cp_autostart", REPO / "packaging" / "autostart.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _desktop(path: Path) -> dict:
    cp = configparser.ConfigParser(interpolation=None)
    cp.optionxform = str
    cp.read(path, encoding="utf-8")
    return dict(cp["Desktop Entry"])


def test_enable_writes_a_valid_entry_under_xdg_config_home(autostart, tmp_path):
    assert not autostart.is_enabled()
    path = autostart.enable("/opt/commonplace/commonplace run")
    assert path == tmp_path / "xdg" / "autostart" / "commonplace.desktop"
    entry = _desktop(path)
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "/opt/commonplace/commonplace run"
    assert entry["Name"] == "Commonplace"
    assert autostart.is_enabled()
    assert not list(path.parent.glob(".*tmp*")), "the temporary file was left behind"


def test_disable_removes_only_our_entry(autostart, tmp_path):
    other = tmp_path / "xdg" / "autostart" / "other.desktop"
    other.parent.mkdir(parents=True)
    other.write_text("[Desktop Entry]\nName=Other\n")
    autostart.enable("x run")
    assert autostart.disable() is True
    assert not autostart.is_enabled()
    assert autostart.disable() is False  # idempotent
    assert other.exists()


def test_default_location_and_relative_xdg_is_ignored(autostart, tmp_path):
    env = {"XDG_CONFIG_HOME": "relative/dir"}
    assert autostart.entry_path(env) == Path.home() / ".config" / "autostart" / "commonplace.desktop"
    assert autostart.entry_path({}) == Path.home() / ".config" / "autostart" / "commonplace.desktop"


def test_switched_off_entry_counts_as_disabled(autostart):
    path = autostart.enable("x run")
    path.write_text(path.read_text().replace("X-GNOME-Autostart-enabled=true",
                                             "X-GNOME-Autostart-enabled=false"))
    assert not autostart.is_enabled()


def test_command_line(tmp_path):
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    run = lambda *a: subprocess.run([sys.executable, str(REPO / "packaging" / "autostart.py"), *a],  # noqa: E731
                                    env=env, capture_output=True, text=True, check=True).stdout
    assert "enabled" in run("enable", "--exec", "commonplace run")
    assert (tmp_path / "xdg" / "autostart" / "commonplace.desktop").exists()
    assert "autostart enabled" in run("status")
    assert "disabled" in run("disable")
    assert not (tmp_path / "xdg" / "autostart" / "commonplace.desktop").exists()


def test_shipped_desktop_file_is_valid():
    entry = _desktop(REPO / "packaging" / "commonplace.desktop")
    assert entry["Exec"].split()[0] == "commonplace"
    assert entry["Icon"] == "commonplace"
    assert entry["Type"] == "Application"
