"""The import rules of DESIGN.md, checked in fresh subprocesses so nothing imported by other tests leaks in."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _modules(package: str) -> list[str]:
    """``package`` and every module of it, sub-packages included (read from the files: importing them here to
    find sub-packages would load TensorFlow into the test process)."""
    pkg_dir = ROOT.joinpath(*package.split("."))
    names = []
    for path in sorted(pkg_dir.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_module_lists_reach_every_sub_package():
    ui, core, models = _modules("annotator.ui"), _modules("annotator.core"), _modules("models")
    assert {"annotator.ui.canvas.widget", "annotator.ui.model.features"} <= set(ui)
    assert {"annotator.core.formats.coco", "annotator.core.flowers.scene"} <= set(core)
    assert {"models.cli.train", "models.heads.grid.loss", "models.training.phases"} <= set(models)
    assert {"models.backbones", "models.heads.loc.refine"} <= set(models)
    assert "annotator.cli.export" in _modules("annotator.cli")


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
    roots = _roots(_loaded_after_import(_modules("annotator.ui") + _modules("annotator.cli")))
    assert not roots & {"tensorflow", "keras", "models"}


def test_models_never_import_qt():
    pytest.importorskip("tensorflow")
    roots = _roots(_loaded_after_import(_modules("models")))
    assert "PySide6" not in roots and "pyqtgraph" not in roots


def test_window_start_imports_no_image_decoder():
    """The window must start as fast as LabelImg: OpenCV, NumPy and Pillow (about 0.15 s) load on a thread once
    the window is up (`annotator.ui.app.preload_core_in_background`), not with the window's modules."""
    roots = _roots(_loaded_after_import(["annotator.cli", "annotator.ui.app", "annotator.ui.main_window"]))
    assert not roots & {"cv2", "numpy", "PIL", "tensorflow", "models"}


def test_importing_models_package_is_cheap():
    roots = _roots(_loaded_after_import(["models", "models.cli"]))
    assert "tensorflow" not in roots and "keras" not in roots


def _imported_roots(path: Path) -> set[str]:
    """Top-level package names of every import statement in ``path`` (inside functions too)."""
    import ast

    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_every_ui_module_uses_qt():
    """DESIGN.md: a module that imports no Qt belongs in annotator/core, so annotator/ui is widgets and wiring."""
    ui = sorted(p for p in (ROOT / "annotator" / "ui").rglob("*.py") if p.name != "__init__.py")
    assert len(ui) > 20
    qt_free = [str(p.relative_to(ROOT)) for p in ui if not _imported_roots(p) & {"PySide6", "pyqtgraph"}]
    assert not qt_free, f"Qt-free modules in annotator/ui (move them to annotator/core): {qt_free}"


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("lint-imports")
    if not exe.exists():
        pytest.fail("lint-imports is not installed: import-linter is in the project's `test` extra")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(cwd)}
    return subprocess.run(
        [str(exe), "--no-cache"], cwd=cwd, capture_output=True, text=True, env=env, timeout=300
    )


def test_import_linter_contracts_are_kept():
    out = _lint_imports(ROOT)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-1000:]
    assert "4 kept, 0 broken" in out.stdout


def test_import_linter_fails_on_a_qt_import_in_core(tmp_path: Path):
    """The contracts can fail: a copy of the tree with ``import PySide6`` in a core module breaks the core one."""
    import shutil

    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("annotator", "models"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=ignore, symlinks=True)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    geometry = tmp_path / "annotator" / "core" / "geometry.py"
    geometry.write_text(geometry.read_text(encoding="utf-8") + "\nimport PySide6  # noqa\n", encoding="utf-8")
    out = _lint_imports(tmp_path)
    assert out.returncode != 0, out.stdout[-3000:]
    assert "annotator.core imports no Qt, no TensorFlow and no models BROKEN" in out.stdout
    assert "annotator.core.geometry -> PySide6" in out.stdout
