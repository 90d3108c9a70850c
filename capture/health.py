"""Frames that show nothing true: a black screen, or a stream that froze.

On Wayland an X11 client (mss) reads black; a screen-cast stream whose producer stopped
keeps handing out its last frame. Either way capture must say so and store nothing, not
report "recording". `FrameHealth.check` is asked for every grab, on X11 as on Wayland.

Black: every pixel darker than `black_max` for `black_grabs` grabs in a row (one black
grab — a video fading out — is dropped without alarm).
Frozen: the image stayed identical (a hash of a 128x72 copy, byte for byte) across
`frozen_switches` window switches in a row, while the window source saw other windows come
to the front.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import cast

from PIL import Image


@dataclass(frozen=True)
class HealthTuning:
    black_max: int = 8            # 0-255: a channel value at most this counts as black
    black_grabs: int = 3          # black grabs in a row before capture reports it
    frozen_switches: int = 3      # window switches with an identical image before it reports


BLACK = ("The screen reads as black: nothing is stored. On Wayland, Commonplace needs "
         "grim (sway, wlroots) or the screen-cast portal; see `commonplace doctor`.")
FROZEN = ("The screen image does not change when windows do (the capture stream seems "
          "frozen): nothing is stored until it moves again.")


class FrameHealth:
    def __init__(self, tuning: HealthTuning = HealthTuning()) -> None:
        self._t = tuning
        self._black = 0
        self._same_switches = 0
        self._last_hash: str | None = None

    def check(self, image: Image.Image, *, window_changed: bool) -> str | None:
        """None for a frame worth keeping; else "black" or "frozen" (drop the frame), with
        `problem` saying whether it has lasted long enough to report."""
        small = image.convert("RGB").resize((128, 72), Image.Resampling.BILINEAR)
        phash = hashlib.blake2b(small.tobytes(), digest_size=16).hexdigest()
        extrema = cast("tuple[tuple[int, int], ...]", small.getextrema())  # RGB: one per band
        hi = max(h for _, h in extrema)
        if hi <= self._t.black_max:
            self._black += 1
            self._last_hash = phash
            return "black"
        self._black = 0
        same = phash == self._last_hash
        self._last_hash = phash
        if window_changed:
            self._same_switches = self._same_switches + 1 if same else 0
        elif not same:
            self._same_switches = 0
        if self._same_switches >= self._t.frozen_switches:
            return "frozen"
        return None

    def problem(self, verdict: str | None) -> str | None:
        """The message to show for a verdict, once it has lasted long enough."""
        if verdict == "black" and self._black >= self._t.black_grabs:
            return BLACK
        if verdict == "frozen":
            return FROZEN
        return None
