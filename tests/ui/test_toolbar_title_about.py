"""The toolbar (icons, tooltips with shortcuts, real clicks), the "n / total" counter and Help > About."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox


def test_toolbar_buttons_have_icons_and_shortcut_tooltips(qtbot, window):
    names = [a.objectName() for a in window.toolbar.actions() if a.objectName()]
    for name in ("open_folder", "prev_image", "next_image", "create_box", "verify", "save", "fit_window"):
        assert name in names
    for action in window.toolbar.actions():
        if action.objectName():
            assert not action.icon().isNull(), action.objectName()
    a = window.actions
    assert a.next_image.toolTip() == "Next image (D)"
    assert a.open_folder.toolTip() == "Open folder (Ctrl+U)"
    assert a.verify.toolTip() == "Verify image (Space)"
    button = window.toolbar.widgetForAction(a.save)
    assert button.toolTip() == "Save (Ctrl+S)"


def test_toolbar_clicks_navigate_and_the_title_counts(qtbot, window, image_folder: Path):
    window.open_path(image_folder)
    assert window.windowTitle().startswith("Flower Annotator - img_00.jpg")
    assert "(1 / 4)" in window.windowTitle()
    with qtbot.waitSignal(window.image_shown, timeout=5000):
        qtbot.mouseClick(window.toolbar.widgetForAction(window.actions.next_image), Qt.MouseButton.LeftButton)
    assert window.current_path.endswith("img_01.jpg")
    assert "(2 / 4)" in window.windowTitle()
    qtbot.mouseClick(window.toolbar.widgetForAction(window.actions.create_box), Qt.MouseButton.LeftButton)
    assert window.canvas.drawing
    assert window.toolbar_zoom.text().strip().endswith("%")


def test_about_shows_the_version(qtbot, window):
    seen = {}

    def read_box(tries: int = 200) -> None:
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        if boxes:
            seen["text"] = boxes[0].text()
            boxes[0].accept()
        elif tries:
            QTimer.singleShot(20, lambda: read_box(tries - 1))

    QTimer.singleShot(0, read_box)
    window.actions.about.trigger()
    assert f"Flower Annotator {version('flower-annotator')}" in seen["text"]


def test_korean_translates_qt_buttons_and_has_no_mnemonic_markers(qtbot, window):
    import re

    from PySide6.QtWidgets import QDialogButtonBox

    window.set_language("ko")
    try:
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.Close
            | QDialogButtonBox.StandardButton.Yes
            | QDialogButtonBox.StandardButton.No
        )
        qtbot.addWidget(box)
        texts = {
            b: box.button(b).text().replace("&", "")
            for b in (
                QDialogButtonBox.StandardButton.Ok,
                QDialogButtonBox.StandardButton.Cancel,
                QDialogButtonBox.StandardButton.Close,
                QDialogButtonBox.StandardButton.Yes,
                QDialogButtonBox.StandardButton.No,
            )
        }
        assert texts[QDialogButtonBox.StandardButton.Ok] == "확인"
        assert texts[QDialogButtonBox.StandardButton.Cancel] == "취소"
        assert "닫기" in texts[QDialogButtonBox.StandardButton.Close]
        assert "예" in texts[QDialogButtonBox.StandardButton.Yes]
        assert "아니요" in texts[QDialogButtonBox.StandardButton.No]
        markers = re.compile(r"\([A-Z0-9]\)")
        for action in window.actions:
            assert not markers.search(action.toolTip().rsplit(" (", 1)[0]), action.toolTip()
        assert window.actions.next_image.toolTip() == "다음 이미지 (D)"
        assert window.toolbar.widgetForAction(window.actions.open_folder).text() == "폴더 열기"
        assert window.menus["file"].title() == "파일(&F)"  # the menu keeps its Alt key
        from annotator.ui.actions import shortcut_table

        for _keys, text in shortcut_table(window.actions):  # the help page: no "(O)" left from "(&O)"
            assert not markers.search(text), text
    finally:
        window.set_language("en")
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "") == "Cancel"


def test_the_box_being_drawn_is_hatched_with_a_solid_outline(qtbot, window, image_folder: Path):
    from PySide6.QtCore import QPoint, QRectF

    window.open_path(image_folder)
    canvas = window.canvas
    qtbot.keyClick(canvas, Qt.Key.Key_W)
    start, end = QPoint(200, 150), QPoint(300, 230)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(canvas, end)
    image = canvas.grab().toImage()
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)  # cancel: releasing would ask for a label
    assert canvas._drag is None
    ratio = image.devicePixelRatio()
    box = canvas.image_to_widget().mapRect(
        QRectF(canvas.widget_to_image(start.toPointF()), canvas.widget_to_image(end.toPointF()))
    )

    def greenish(x: int, y: int) -> bool:
        c = image.pixelColor(int(x * ratio), int(y * ratio))
        return c.green() > 150 and c.green() > c.red() + 60 and c.green() > c.blue() + 40

    left, right, top, bottom = round(box.left()), round(box.right()), round(box.top()), round(box.bottom())
    outline = sum(greenish(x, top) or greenish(x, top + 1) for x in range(left + 5, right - 5))
    assert outline > 0.9 * (right - left - 10)  # a solid line, not dashes
    inside = [greenish(x, y) for x in range(left + 6, right - 6) for y in range(top + 6, bottom - 6)]
    assert 0.05 < sum(inside) / len(inside) < 0.6  # hatched: green lines with the photo between them
