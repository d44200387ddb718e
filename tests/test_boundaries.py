"""The import rules of DESIGN.md, checked in fresh subprocesses so nothing imported by other tests leaks in."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _modules(package: str) -> list[str]:
    pkg_dir = ROOT.joinpath(*package.split("."))
    return [package] + [
        f"{package}.{m.name}" for m in pkgutil.walk_packages([str(pkg_dir)]) if "." not in m.name
    ]


def _loaded_after_import(modules: list[str]) -> set[str]:
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    env = {"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env, timeout=120
    )
    assert out.returncode == 0, out.stderr
    return set(out.stdout.split())


def _roots(names: set[str]) -> set[str]:
    return {n.split(".")[0] for n in names}


def test_core_imports_neither_qt_nor_tensorflow():
    roots = _roots(_loaded_after_import(_modules("annotator.core")))
    assert not roots & {"PySide6", "tensorflow", "keras", "models"}


def test_ui_never_imports_tensorflow_or_models():
    roots = _roots(_loaded_after_import(_modules("annotator.ui") + ["annotator.cli"]))
    assert not roots & {"tensorflow", "keras", "models"}


def test_models_never_import_qt():
    pytest.importorskip("tensorflow")
    roots = _roots(_loaded_after_import(_modules("models")))
    assert "PySide6" not in roots and "pyqtgraph" not in roots


def test_importing_models_package_is_cheap():
    roots = _roots(_loaded_after_import(["models", "models.cli"]))
    assert "tensorflow" not in roots and "keras" not in roots
