"""Screenshot of the save-conflict dialog: the window edits an image whose annotation another program
rewrote meanwhile, then Save is pressed. Needs an X display (Xvfb + a window manager) and imagemagick's
``import``; writes the whole screen.

    DISPLAY=:23 .venv/bin/python benchmarks/screenshot_save_conflict.py [--lang ko] [--out PNG]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

RACCOON = Path("/work/shared/datasets/raccoon")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="en")
    parser.add_argument("--out", default="docs/images/save_conflict.png")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)

    from annotator.core import voc
    from annotator.core.annotation import BoxObject
    from annotator.ui.main_window import MainWindow
    from annotator.ui.settings import Settings
    from annotator.ui.undo import AddBoxCommand

    work = Path(tempfile.mkdtemp(prefix="conflict_shot_"))
    folder = work / "photos"
    folder.mkdir()
    image = folder / "raccoon-1.jpg"
    if (RACCOON / "images" / "raccoon-1.jpg").is_file():
        shutil.copyfile(RACCOON / "images" / "raccoon-1.jpg", image)
    else:
        import cv2
        import numpy as np

        cv2.imwrite(str(image), np.full((480, 640, 3), 120, np.uint8))
    settings = Settings(QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat))
    settings.autosave = False
    win = MainWindow(settings=settings, classes=["raccoon", "cat", "dog"])
    win.set_language(args.lang)
    win.resize(1300, 700)
    win.show()
    win.open_path(folder)
    w, h = win.canvas.image_size()
    win.undo_stack.push(
        AddBoxCommand(win.document_model, BoxObject("raccoon", w * 0.2, h * 0.1, w * 0.7, h * 0.9))
    )
    win.undo_stack.push(
        AddBoxCommand(win.document_model, BoxObject("cat", w * 0.05, h * 0.5, w * 0.3, h * 0.95))
    )
    disk = win.document_model.annotation.__class__(
        filename=image.name, folder="photos", width=w, height=h,
        objects=[BoxObject("raccoon", w * 0.25, h * 0.12, w * 0.72, h * 0.88), BoxObject("dog", 5, 5, 80, 80)],
    )  # fmt: skip
    voc.write(disk, folder / "raccoon-1.xml")  # "another program" saves meanwhile
    for _ in range(100):
        app.processEvents()
        time.sleep(0.01)

    def shoot() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(50, shoot)
            return
        for _ in range(30):
            app.processEvents()
            time.sleep(0.01)
        subprocess.run(["import", "-window", "root", args.out], check=True)
        dialog.reject()

    QTimer.singleShot(200, shoot)
    saved = win.save()
    print(f"wrote {args.out}; save returned {saved} (cancelled: nothing written)")
    for stack in win._stacks.values():
        stack.setClean()
    win.close()
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
