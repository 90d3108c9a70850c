"""Settings sections owned by capture: how to capture, and what never to capture."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_EXCLUDED_APPS = ("keepassxc", "keepass", "1password", "bitwarden", "lastpass",
                         "gnome-keyring", "seahorse", "kwalletmanager")
DEFAULT_EXCLUDED_TITLES = (r"(?i)private browsing", r"(?i)incognito", r"(?i)inprivate",
                           r"(?i)\block screen\b", r"(?i)screen ?saver", r"(?i)password")


@dataclass(frozen=True)
class CaptureSettings:
    interval_s: float = 2.0          # base grab interval
    max_interval_s: float = 30.0     # back-off ceiling when nothing changes
    keyframe_s: float = 300.0        # a frame is kept at least this often
    busy_gap_s: float = 10.0         # a window that keeps changing (typing, video) is kept
                                     # at most this often, plus its state once it settles
    monitor: int = 0                 # 0 = all monitors, N = monitor N (mss numbering)
    ocr_max_width: int = 1280
    ocr_threads: int = 1             # OCR threads while capturing (0 = all cores): one
                                     # thread spends ~25% less CPU than two spinning
    full_ocr_every: int = 20         # re-OCR the whole frame every N changed frames
    batch_seconds: float = 60.0      # observation batch: time ...
    batch_frames: int = 20           # ... or unique frames, whichever first
    idle_after_s: float = 300.0      # no input for this long = idle: capture stops
    max_frames_mb: int = 20_000      # disk budget for frame images
    max_frame_age_days: int = 90     # retention for images (text and memories stay)
    min_free_disk_mb: int = 1024     # capture pauses below this
    image_quality: int = 82
    window_poll_s: float = 0.5       # how often the active window/idle state is checked
    retention_every_s: float = 600.0  # how often the disk budget and age limit are enforced
    a11y_text: bool = True           # read the focused window's text from its accessibility
                                     # tree (AT-SPI) first; OCR where the tree has none
    a11y_budget_ms: int = 100        # past this a tree read stops and OCR reads the frame

    def __post_init__(self) -> None:
        if not 0.05 <= self.window_poll_s <= 10:
            raise ValueError("capture.window_poll_s must be between 0.05 and 10 seconds")
        if self.retention_every_s < 10:
            raise ValueError("capture.retention_every_s must be at least 10 seconds")
        if self.full_ocr_every < 1 or self.batch_frames < 1 or self.batch_seconds <= 0:
            raise ValueError("capture.full_ocr_every and batch_frames must be at least 1, "
                             "batch_seconds positive")
        if not 0.2 <= self.interval_s <= 3600:
            raise ValueError("capture.interval_s must be between 0.2 and 3600 seconds")
        if self.max_interval_s < self.interval_s:
            raise ValueError("capture.max_interval_s must be at least capture.interval_s")
        if not 0 <= self.busy_gap_s <= 3600:
            raise ValueError("capture.busy_gap_s must be between 0 (off) and 3600 seconds")
        if self.monitor < 0:
            raise ValueError("capture.monitor must be 0 (all) or a monitor number")
        if not 10 <= self.image_quality <= 100:
            raise ValueError("capture.image_quality must be between 10 and 100")
        if not 0 <= self.ocr_threads <= 64:
            raise ValueError("capture.ocr_threads must be between 0 (all cores) and 64")
        if not 10 <= self.a11y_budget_ms <= 2000:
            raise ValueError("capture.a11y_budget_ms must be between 10 and 2000")
        if self.ocr_max_width < 320:
            raise ValueError("capture.ocr_max_width must be at least 320")


@dataclass(frozen=True)
class PrivacySettings:
    encrypt: bool = True             # new data directories are encrypted at rest
    excluded_apps: tuple[str, ...] = DEFAULT_EXCLUDED_APPS
    excluded_titles: tuple[str, ...] = DEFAULT_EXCLUDED_TITLES  # regular expressions
    redact: bool = True              # mask card numbers, IBANs, keys before storage

    def __post_init__(self) -> None:
        import re
        object.__setattr__(self, "excluded_apps", tuple(a.lower() for a in self.excluded_apps))
        object.__setattr__(self, "excluded_titles", tuple(self.excluded_titles))
        for p in self.excluded_titles:
            try:
                re.compile(p)
            except re.error as e:
                raise ValueError(
                    f"privacy.excluded_titles: {p!r} is not a valid pattern: {e}") from None
