"""The wheel ships the resources and both packages, so a non-editable `pip install .` works."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_contains_packages_and_resources(tmp_path):
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    (wheel,) = tmp_path.glob("flower_annotator-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "annotator/resources/predefined_classes.txt" in names
    assert "annotator/core/voc.py" in names or "annotator/core/annotation.py" in names
    assert "models/__init__.py" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "flower-annotator = annotator.cli:main" in text


def test_python_dash_m_annotator_prints_help():
    out = subprocess.run(
        [sys.executable, "-m", "annotator", "--help"], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert out.returncode == 0
    assert "sample-data" in out.stdout and "train" in out.stdout


def test_every_package_folder_is_listed_in_pyproject():
    """A sub-package left out of pyproject's list would be missing from a non-editable install."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        str(init.parent.relative_to(ROOT)).replace("/", ".")
        for top in ("annotator", "models")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert found <= listed, sorted(found - listed)
