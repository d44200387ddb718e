"""Before the window opens: can Qt's X11 ("xcb") platform plugin load on this desktop?

Qt 6.5+ needs ``libxcb-cursor0`` and a few other X libraries that a bare Debian/Ubuntu lacks; without them Qt
aborts with "Could not load the Qt platform plugin "xcb"" and a core dump. `check_xcb` runs ``ldd`` on PySide6's
``plugins/platforms/libqxcb.so`` (about 20 ms, and no Qt import) and, when a library is missing, returns a
message naming the exact ``apt-get install`` line. No Qt here, so it can run before PySide6 is imported;
`start_xcb_check` starts ``ldd`` and lets the window's modules be imported meanwhile (start-up pays no wait).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import subprocess

DEBIAN_PACKAGES: dict[str, str] = {
    "libxcb-cursor": "libxcb-cursor0",
    "libxcb-icccm": "libxcb-icccm4",
    "libxcb-keysyms": "libxcb-keysyms1",
    "libxcb-image": "libxcb-image0",
    "libxcb-render-util": "libxcb-render-util0",
    "libxcb-randr": "libxcb-randr0",
    "libxcb-shape": "libxcb-shape0",
    "libxcb-xkb": "libxcb-xkb1",
    "libxcb-xfixes": "libxcb-xfixes0",
    "libxcb-sync": "libxcb-sync1",
    "libxcb-shm": "libxcb-shm0",
    "libxcb-render": "libxcb-render0",
    "libxcb-util": "libxcb-util1",
    "libxcb-xinput": "libxcb-xinput0",
    "libxcb-glx": "libxcb-glx0",
    "libxcb": "libxcb1",
    "libX11-xcb": "libx11-xcb1",
    "libX11": "libx11-6",
    "libxkbcommon-x11": "libxkbcommon-x11-0",
    "libxkbcommon": "libxkbcommon0",
    "libGL": "libgl1",
    "libEGL": "libegl1",
    "libOpenGL": "libopengl0",
    "libfontconfig": "libfontconfig1",
    "libfreetype": "libfreetype6",
    "libglib-2.0": "libglib2.0-0",
    "libgthread-2.0": "libglib2.0-0",
    "libdbus-1": "libdbus-1-3",
    "libSM": "libsm6",
    "libICE": "libice6",
}
"""Shared-library name (without ``.so.N``) -> the Debian/Ubuntu package that ships it."""

XCB_PACKAGES = ("libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxkbcommon-x11-0", "libegl1")
"""What a bare Debian/Ubuntu desktop usually lacks for Qt 6.5+ (the README's set-up line)."""

_NOT_FOUND = r"^\s*(\S+)\s*=>\s*not found"


@dataclass(frozen=True)
class XcbProblem:
    missing: tuple[str, ...]
    """Shared-library names the plugin needs and the loader cannot find."""
    packages: tuple[str, ...]
    """Debian/Ubuntu packages that provide them (those known)."""
    unknown: tuple[str, ...]
    """Missing libraries with no known package."""

    def message(self) -> str:
        lines = [
            "flower-annotator: Qt cannot open a window on this X11 desktop: its xcb platform plugin needs "
            "libraries that are not installed: " + ", ".join(self.missing) + "."
        ]
        if self.packages:
            lines.append("Install them with:")
            lines.append("    sudo apt-get install " + " ".join(self.packages))
        for name in self.unknown:
            lines.append(f"    (find the package of {name} with: apt-file search {name})")
        lines.append(
            "Then run flower-annotator again. (Commands without a window, such as 'flower-annotator train', "
            "work already.)"
        )
        return "\n".join(lines)


def package_for(soname: str) -> str | None:
    """The Debian package for a library name such as ``libxcb-cursor.so.0`` (None when unknown)."""
    base = soname.split(".so", 1)[0]
    return DEBIAN_PACKAGES.get(base)


def xcb_plugin_path() -> Path | None:
    """PySide6's ``Qt/plugins/platforms/libqxcb.so``, found without importing PySide6 (None when absent)."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        plugin = Path(folder) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if plugin.is_file():
            return plugin
    return None


def _start_ldd(plugin: Path) -> subprocess.Popen[str] | None:
    ldd = shutil.which("ldd")
    if ldd is None:
        return None
    import subprocess  # here, not at the top: about 15 ms the offscreen, Wayland, macOS and Windows starts skip

    try:
        return subprocess.Popen(
            [ldd, str(plugin)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
    except OSError:
        return None


def _not_found(process: subprocess.Popen[str] | None) -> tuple[str, ...]:
    if process is None:
        return ()
    import subprocess

    try:
        stdout, _ = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return ()
    return tuple(dict.fromkeys(re.findall(_NOT_FOUND, stdout or "", re.MULTILINE)))


def missing_libraries(plugin: Path) -> tuple[str, ...]:
    """The libraries ``ldd`` reports as "not found" for ``plugin`` (empty when all load or ldd is absent)."""
    return _not_found(_start_ldd(plugin))


def uses_xcb(environ: dict[str, str] | os._Environ[str] | None = None) -> bool:
    """Whether Qt will pick the xcb plugin: Linux, and QT_QPA_PLATFORM is xcb, or unset outside a Wayland
    session (offscreen, wayland, vnc ... need no X libraries)."""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return False
    platform = env.get("QT_QPA_PLATFORM", "").split(":", 1)[0].split(";", 1)[0].strip()
    if platform:
        return platform == "xcb"
    return env.get("XDG_SESSION_TYPE", "") != "wayland" or not env.get("WAYLAND_DISPLAY")


class PendingXcbCheck:
    """A `check_xcb` under way: ``ldd`` runs in its own process while the caller imports Qt (importing PySide6
    loads no platform plugin; creating the QApplication does). Call `result` before the QApplication."""

    def __init__(self, process: subprocess.Popen[str] | None) -> None:
        self._process = process
        self._result: XcbProblem | None = None
        self._done = process is None

    def result(self) -> XcbProblem | None:
        """None when the window can use the xcb plugin (or Qt will not use it); else what is missing."""
        if not self._done:
            self._done = True
            missing = _not_found(self._process)
            if missing:
                packages = tuple(dict.fromkeys(p for p in (package_for(m) for m in missing) if p))
                unknown = tuple(m for m in missing if package_for(m) is None)
                self._result = XcbProblem(missing, packages, unknown)
        return self._result


def start_xcb_check(plugin: Path | None = None, environ: dict[str, str] | None = None) -> PendingXcbCheck:
    """Start `check_xcb` without waiting for it (the same arguments); `PendingXcbCheck.result` gives its answer."""
    if not uses_xcb(environ):
        return PendingXcbCheck(None)
    plugin = plugin if plugin is not None else xcb_plugin_path()
    return PendingXcbCheck(None if plugin is None else _start_ldd(plugin))


def check_xcb(plugin: Path | None = None, environ: dict[str, str] | None = None) -> XcbProblem | None:
    """None when the window can use the xcb plugin (or Qt will not use it); else what is missing.

    Args:
        plugin: the plugin to check (default: PySide6's ``libqxcb.so``).
        environ: the environment Qt will see (default: ``os.environ``).
    """
    return start_xcb_check(plugin, environ).result()
