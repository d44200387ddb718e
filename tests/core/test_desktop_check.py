"""The xcb check: a copy of PySide6's real libqxcb.so whose needed libraries are renamed to ones no system has
(same length, so the ELF stays valid), checked with the real ldd."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from annotator.core.desktop_check import (
    check_xcb,
    missing_libraries,
    package_for,
    start_xcb_check,
    uses_xcb,
    xcb_plugin_path,
)

XCB = {"QT_QPA_PLATFORM": "xcb"}


def fake_plugin(tmp_path: Path, renames: dict[bytes, bytes]) -> Path:
    real = xcb_plugin_path()
    if real is None or shutil.which("ldd") is None:
        pytest.skip("needs PySide6's xcb plugin and ldd (Linux)")
    qt = tmp_path / "Qt"
    (qt / "plugins" / "platforms").mkdir(parents=True)
    os.symlink(real.parents[2] / "lib", qt / "lib")  # the plugin's RUNPATH is $ORIGIN/../../lib
    data = real.read_bytes()
    for old, new in renames.items():
        assert len(old) == len(new) and old in data
        data = data.replace(old, new)
    plugin = qt / "plugins" / "platforms" / "libqxcb.so"
    plugin.write_bytes(data)
    return plugin


def test_missing_libraries_are_named_with_their_apt_line(tmp_path: Path):
    # What this machine already lacks (a bare desktop lacks some of the same libraries) is named too.
    unmodified = fake_plugin(tmp_path / "unmodified", {})
    already = missing_libraries(unmodified)
    plugin = fake_plugin(
        tmp_path,
        {b"libxcb-cursor.so.0": b"libxcb-cursor.so.9", b"libxcb-keysyms.so.1": b"libxcb-keysyms.so.7"},
    )
    problem = check_xcb(plugin, environ=XCB)
    assert problem is not None
    renamed = ("libxcb-cursor.so.9", "libxcb-keysyms.so.7")
    assert set(problem.missing) == set(already) | set(renamed)
    assert {"libxcb-cursor0", "libxcb-keysyms1"} <= set(problem.packages)
    message = problem.message()
    assert "libxcb-cursor.so.9" in message and "libxcb-keysyms.so.7" in message
    if not already:
        assert problem.missing == renamed
        assert problem.packages == ("libxcb-cursor0", "libxcb-keysyms1")
        assert "sudo apt-get install libxcb-cursor0 libxcb-keysyms1\n" in message
    else:
        assert "sudo apt-get install " + " ".join(problem.packages) + "\n" in message


def test_an_unknown_library_gets_a_way_to_find_its_package(tmp_path: Path):
    plugin = fake_plugin(tmp_path, {b"libxcb-cursor.so.0": b"libzzz-cursor.so.0"})
    problem = check_xcb(plugin, environ=XCB)
    assert problem is not None and problem.unknown == ("libzzz-cursor.so.0",)
    assert "apt-file search libzzz-cursor.so.0" in problem.message()


def test_only_the_xcb_platform_is_checked(tmp_path: Path):
    plugin = fake_plugin(tmp_path, {b"libxcb-cursor.so.0": b"libxcb-cursor.so.9"})
    for env in (
        {"QT_QPA_PLATFORM": "offscreen"},
        {"QT_QPA_PLATFORM": "wayland"},
        {"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"},
    ):
        assert not uses_xcb(env)
        assert check_xcb(plugin, environ=env) is None
    for env in ({}, {"QT_QPA_PLATFORM": "xcb:dpi=96"}, {"XDG_SESSION_TYPE": "x11", "DISPLAY": ":0"}):
        assert uses_xcb(env)
        assert check_xcb(plugin, environ=env) is not None


def test_the_check_started_early_gives_the_same_answer_later(tmp_path: Path):
    """run_gui starts ldd, imports Qt meanwhile, then asks for the answer before the QApplication."""
    plugin = fake_plugin(tmp_path, {b"libxcb-icccm.so.4": b"libxcb-icccm.so.8"})
    pending = start_xcb_check(plugin, environ=XCB)
    problem = pending.result()
    assert (
        problem is not None and "libxcb-icccm.so.8" in problem.missing and "libxcb-icccm4" in problem.packages
    )
    assert pending.result() == problem == check_xcb(plugin, environ=XCB)
    real = xcb_plugin_path()
    assert start_xcb_check(real, environ=XCB).result() == check_xcb(real, environ=XCB)  # whatever it lacks
    assert start_xcb_check(plugin, environ={"QT_QPA_PLATFORM": "offscreen"}).result() is None


def test_package_names():
    assert package_for("libxcb-icccm.so.4") == "libxcb-icccm4"
    assert package_for("libxcb.so.1") == "libxcb1"
    assert package_for("libxcb-render-util.so.0") == "libxcb-render-util0"
    assert package_for("libQt6Gui.so.6") is None
