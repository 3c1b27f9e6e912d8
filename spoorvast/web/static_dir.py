"""Where the static files (CSS, JS, the licence of anything vendored) live."""

from pathlib import Path

STATIC = Path(__file__).parent / "static"
