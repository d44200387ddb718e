"""Opening a folder, the file list, navigating with D/A, saving and autosave, with real key events."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, Qt

from annotator.core import voc
from annotator.core.annotation import BoxObject
from annotator.core.dataset import ImageStatus
from annotator.ui.undo import AddBoxCommand


def test_open_folder_shows_first_image_and_list(window, image_folder: Path):
    shown = []
    window.image_shown.connect(shown.append)
    assert window.open_path(image_folder)
    assert window.current_path == str(image_folder / "img_00.jpg")
    assert shown == [window.current_path]
    assert window.canvas.image_size() == (200, 150)
    assert window.document is not None and window.document.width == 200
    assert window.file_panel.model.rowCount() == 4
    assert window.file_panel.count_label.text() == "0 / 4 labelled"


def test_d_and_a_keys_navigate(qtbot, window, image_folder: Path):
    window.open_path(image_folder)
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_D)
    qtbot.waitUntil(lambda: window.current_path.endswith("img_01.jpg"))
    qtbot.keyClick(window.canvas, Qt.Key.Key_D)
    qtbot.waitUntil(lambda: window.current_path.endswith("img_02.jpg"))
    qtbot.keyClick(window.canvas, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: window.current_path.endswith("img_01.jpg"))
    assert window.prev_image() and window.current_path.endswith("img_00.jpg")
    assert not window.prev_image()  # already first


def test_autosave_on_navigation_writes_voc(qtbot, window, image_folder: Path):
    window.open_path(image_folder)
    doc = window.document_model
    window.undo_stack.push(AddBoxCommand(doc, BoxObject("roses", 10, 20, 50, 60)))
    assert window.is_dirty()
    window.next_image()
    xml = image_folder / "img_00.xml"
    saved = voc.read(xml)
    assert [(o.name, o.xyxy()) for o in saved.objects] == [("roses", (10.0, 20.0, 50.0, 60.0))]
    assert window.file_panel.model.status(str(image_folder / "img_00.jpg")) is ImageStatus.LABELLED
    assert window.file_panel.count_label.text() == "1 / 4 labelled"
    assert window.file_panel.model.status(str(image_folder / "img_01.jpg")) is ImageStatus.UNLABELLED


def test_autosave_after_edit_is_debounced(qtbot, window, image_folder: Path):
    window.open_path(image_folder)
    window.undo_stack.push(AddBoxCommand(window.document_model, BoxObject("daisy", 1, 2, 30, 40)))
    xml = image_folder / "img_00.xml"
    assert not xml.exists()  # not written at once
    qtbot.waitUntil(xml.exists, timeout=3000)
    assert voc.read(xml).objects[0].name == "daisy"
    assert not window.is_dirty()


def test_last_image_per_folder_is_restored(qtbot, settings, image_folder: Path):
    from annotator.ui.main_window import MainWindow

    first = MainWindow(settings=settings)
    qtbot.addWidget(first)
    first.open_path(image_folder)
    first.next_image()
    first.next_image()
    first.close()
    second = MainWindow(settings=settings)
    qtbot.addWidget(second)
    second.open_path(image_folder)
    assert second.current_path.endswith("img_02.jpg")
    assert str(image_folder) in settings.recent_folders
    second.cache.shutdown()


def test_file_list_filters_by_name_and_status_and_click_opens(qtbot, window, image_folder: Path):
    (image_folder / "other.jpg").write_bytes((image_folder / "img_00.jpg").read_bytes())
    window.open_path(image_folder)
    window.undo_stack.push(AddBoxCommand(window.document_model, BoxObject("roses", 10, 20, 50, 60)))
    window.save()
    panel = window.file_panel
    assert panel.proxy.rowCount() == 5
    qtbot.keyClicks(panel.filter_edit, "IMG_0")
    assert panel.proxy.rowCount() == 4
    panel.status_combo.setCurrentIndex(panel.status_combo.findData(ImageStatus.LABELLED.value))
    assert panel.proxy.rowCount() == 1
    panel.status_combo.setCurrentIndex(panel.status_combo.findData(ImageStatus.UNLABELLED.value))
    assert panel.proxy.rowCount() == 3
    index = panel.proxy.index(1, 0)
    qtbot.mouseClick(
        panel.view.viewport(), Qt.MouseButton.LeftButton, pos=panel.view.visualRect(index).center()
    )
    assert window.current_path.endswith("img_02.jpg")
    panel.set_extra_status(window.current_path, "unreviewed predictions")
    assert "unreviewed predictions" in panel.proxy.data(index)


def test_shift_d_jumps_to_next_unlabelled(qtbot, window, image_folder: Path):
    for name in ("img_01", "img_02"):
        voc.write(
            voc.loads(
                b"<annotation><size><width>200</width><height>150</height><depth>3</depth></size>"
                b"<object><name>roses</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>9</xmax>"
                b"<ymax>9</ymax></bndbox></object></annotation>",
                name,
            ),
            image_folder / f"{name}.xml",
        )
    window.open_path(image_folder)
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_D, Qt.KeyboardModifier.ShiftModifier)
    assert window.current_path.endswith("img_03.jpg")
    assert window.file_panel.count_label.text() == "2 / 4 labelled"


def test_hide_boxes_and_labels_toggle_what_is_drawn(qtbot, window, image_folder: Path):
    window.open_path(image_folder)
    window.undo_stack.push(AddBoxCommand(window.document_model, BoxObject("roses", 10, 10, 150, 120)))
    canvas = window.canvas
    canvas.set_selected(None)

    def pixel():
        return canvas.grab().toImage().pixelColor(canvas.image_to_widget().map(QPointF(10, 60)).toPoint())

    shown = pixel()
    qtbot.keyClick(canvas, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert not canvas.show_boxes and pixel() != shown
    qtbot.keyClick(canvas, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert canvas.show_boxes and pixel() == shown
    qtbot.keyClick(
        canvas, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert not canvas.show_labels and not window.settings.show_labels
