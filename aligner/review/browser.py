"""Where the system's Chromium is and how to start it headless, for the browser tests and
scripts/bench_review.py (the package itself never starts a browser)."""

from __future__ import annotations

import os
import shutil

# As root in a container Chromium needs --no-sandbox; the rest keeps it off the network.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def find_chromium() -> str | None:
    """The path of a Chromium binary: $ALIGNER_CHROMIUM, else chromium, chromium-browser or
    google-chrome on the PATH; None when there is none."""
    for name in (os.environ.get("ALIGNER_CHROMIUM", ""), "chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name) if name else None
        if path:
            return path
    return None
