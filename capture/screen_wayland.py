"""Screen grabs on Wayland.

`GrimGrabber` runs grim, which reads the outputs through the wlr-screencopy protocol of
wlroots compositors (sway, labwc, river, Hyprland): no consent dialog, the compositor lets
any client of the session read the screen. PPM on a pipe: no encoding, ~2x faster than
PNG. `UnavailableGrabber` stands in where no source works: every grab fails with one
message saying why, so capture shows that instead of "recording".
"""

from __future__ import annotations

import io
import os
import subprocess

from PIL import Image, UnidentifiedImageError

from capture.screen import ScreenUnavailable


class GrimGrabber:
    def __init__(self, *, output: str | None = None, timeout_s: float = 10.0,
                 env: dict | None = None) -> None:
        self._cmd = ["grim", "-t", "ppm"] + (["-o", output] if output else []) + ["-"]
        self._timeout = timeout_s
        self._env = env
        self.notice = ""

    def grab(self) -> Image.Image:
        try:
            out = subprocess.run(self._cmd, capture_output=True, timeout=self._timeout,
                                 env=self._env if self._env is not None else dict(os.environ),
                                 check=False)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise ScreenUnavailable(f"Screen capture (grim) failed: {e}") from e
        if out.returncode != 0:
            why = out.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
            raise ScreenUnavailable(f"Screen capture (grim) failed: {why[0]}")
        try:
            im: Image.Image = Image.open(io.BytesIO(out.stdout))
            im.load()
        except (UnidentifiedImageError, OSError) as e:
            raise ScreenUnavailable(f"Screen capture (grim) gave no image: {e}") from e
        im = im.convert("RGB")
        im.info["origin"] = (0, 0)   # the output layout's top-left, as sway's rects count
        return im

    def close(self) -> None:
        pass


class UnavailableGrabber:
    def __init__(self, message: str) -> None:
        self.message = message
        self.notice = ""

    def grab(self) -> Image.Image:
        raise ScreenUnavailable(self.message)

    def close(self) -> None:
        pass
