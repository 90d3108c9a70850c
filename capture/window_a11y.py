"""Window metadata from the accessibility tree, where nothing else names windows.

On a Wayland desktop without a compositor IPC Commonplace can read (GNOME, KDE), the
focused application and window title come from AT-SPI: the top-level frame whose state
is ACTIVE. The windows that show are the frames with SHOWING set; where they are on
screen a Wayland client cannot know, so `rect` and `shown` stay None — capture then
skips a frame in which an excluded window shows anywhere, instead of cropping it.
Applications without a tree (some games, Xwayland clients without a bridge) are not seen.
"""

from __future__ import annotations

from capture.a11y import A11yReader, A11yTuning
from capture.window import WindowInfo, with_url


class A11yWindowSource:
    def __init__(self, reader: A11yReader | None = None) -> None:
        self._reader = reader or A11yReader(tuning=A11yTuning(budget_s=0.25))

    def active(self) -> WindowInfo | None:
        windows = self._reader.windows()
        active = [w for w, is_active in windows or () if is_active]
        return with_url(active[0]) if active else None

    def visible(self) -> list[WindowInfo] | None:
        windows = self._reader.windows()
        return None if windows is None else [with_url(w) for w, _ in windows]

    def close(self) -> None:
        self._reader.close()
