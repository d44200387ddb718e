"""Access to files shipped in `resources/` (installed as the package `annotator.resources`)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def resource_path(name: str) -> Path:
    """The path of a shipped resource file, e.g. ``resource_path("predefined_classes.txt")``."""
    try:
        return Path(str(resources.files("annotator.resources").joinpath(name)))
    except ModuleNotFoundError:  # running from a source tree that was never installed
        return Path(__file__).resolve().parents[2] / "resources" / name


def predefined_classes() -> list[str]:
    """The five flower classes shipped with the app, in file order."""
    text = resource_path("predefined_classes.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]
