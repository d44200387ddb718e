"""Zoom/pan, status bar, settings, bad images and XML, trash, Save/Discard/Cancel, EXIF: real events."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication
from ui_helpers import click_button, drag, settle, type_label, widget_point

from annotator.core import voc
from annotator.core.annotation import BoxObject
from annotator.ui.undo import AddBoxCommand


def wheel(canvas, pos: QPoint, dy: int, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    event = QWheelEvent(
        QPointF(pos),
        QPointF(canvas.mapToGlobal(pos)),
        QPoint(0, 0),
        QPoint(0, dy),
        Qt.MouseButton.NoButton,
        modifiers,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(canvas, event)


def test_ctrl_wheel_zoom_keeps_point_under_cursor(qtbot, window, image_folder: Path):
    window.open_path(image_folder)
    canvas = window.canvas
    pos = widget_point(canvas, 50, 40)
    before = canvas.widget_to_image(QPointF(pos))
    scale = canvas.scale
    wheel(canvas, pos, 240, Qt.KeyboardModifier.ControlModifier)
    assert canvas.scale > scale * 1.2
    after = canvas.widget_to_image(QPointF(pos))
    assert abs(after.x() - before.x()) < 0.01 and abs(after.y() - before.y()) < 0.01
    assert window.zoom_label.text() == f"{canvas.scale * 100:.0f}%"


def test_zoom_keys_fit_and_original(qtbot, window, image_folder: Path):
    window.open_path(image_folder)
    canvas = window.canvas
    canvas.setFocus()
    fit = canvas.scale
    qtbot.keyClick(canvas, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert canvas.scale == fit * 1.25
    qtbot.keyClick(canvas, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert abs(canvas.scale - fit) < 1e-9
    qtbot.keyClick(canvas, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert canvas.scale == 1.0
    qtbot.keyClick(canvas, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert canvas.scale == fit
    qtbot.keyClick(
        canvas, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert abs(canvas.scale * 200 - (canvas.width() - 8)) < 1


def test_pan_by_middle_drag_space_drag_and_wheel(qtbot, window, image_folder: Path):
    window.open_path(image_folder)
    canvas = window.canvas
    start = canvas.offset
    qtbot.mousePress(canvas, Qt.MouseButton.MiddleButton, pos=QPoint(100, 100))
    qtbot.mouseMove(canvas, QPoint(130, 90))
    qtbot.mouseRelease(canvas, Qt.MouseButton.MiddleButton, pos=QPoint(130, 90))
    assert (canvas.offset.x() - start.x(), canvas.offset.y() - start.y()) == (30, -10)
    canvas.setFocus()
    qtbot.keyPress(canvas, Qt.Key.Key_Space)
    drag(qtbot, canvas, (50, 50), (40, 50))
    qtbot.keyRelease(canvas, Qt.Key.Key_Space)
    assert not window.document.verified  # Space held for panning is not a verify tap
    assert window.document.objects == []
    offset = canvas.offset
    wheel(canvas, QPoint(100, 100), -120)
    assert canvas.offset.y() == offset.y() - 60


def test_status_bar_shows_size_zoom_and_cursor(qtbot, window, image_folder: Path):
    window.open_path(image_folder)
    assert window.size_label.text() == "200 x 150 px"
    qtbot.mouseMove(window.canvas, widget_point(window.canvas, 120.5, 33.5))
    assert window.cursor_label.text() == "x 120, y 33"


def test_settings_persist_between_windows(qtbot, settings, image_folder: Path):
    from annotator.ui.main_window import MainWindow

    first = MainWindow(settings=settings)
    qtbot.addWidget(first)
    first.actions.save_format_yolo.trigger()
    first.actions.autosave.setChecked(False)
    first.actions.show_labels.setChecked(False)
    first.open_path(image_folder)
    first.close()
    second = MainWindow(settings=settings)
    qtbot.addWidget(second)
    assert second.actions.save_format_yolo.isChecked()
    assert not second.actions.autosave.isChecked()
    assert not second.canvas.show_labels
    assert settings.recent_folders == [str(image_folder)]
    second.recent_menu.aboutToShow.emit()
    assert [a.text() for a in second.recent_menu.actions()] == [str(image_folder)]
    second.recent_menu.actions()[0].trigger()
    assert second.current_path.endswith("img_00.jpg")
    second.cache.shutdown()


def test_unreadable_image_shows_message_and_navigation_goes_on(qtbot, window, image_folder: Path):
    bad = image_folder / "img_01.jpg"
    bad.write_bytes(b"this is not a jpeg")
    window.open_path(image_folder)
    assert window.next_image()
    assert window.current_path == str(bad)
    assert window.canvas.image is None and "Cannot show this image" in window.canvas.message
    assert window.file_panel.model.error(str(bad))
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_W)
    assert not window.canvas.drawing  # nothing to draw on
    assert window.next_image() and window.current_path.endswith("img_02.jpg")


def test_broken_xml_is_read_only_with_banner_until_overwrite(qtbot, window, image_folder: Path):
    xml = image_folder / "img_00.xml"
    broken = b"<annotation><object><name>roses</name><bndbox><xmin>oops</xmin></bndbox></object>"
    xml.write_bytes(broken)
    window.open_path(image_folder)
    assert window.document_model.read_only
    assert window.banner.isVisible()
    assert "img_00.xml" in window.banner_label.text()
    assert window.file_panel.model.error(window.current_path)
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_W)
    assert not window.canvas.drawing
    qtbot.keyClick(window.canvas, Qt.Key.Key_Space)
    assert not window.save()
    window.next_image()
    window.prev_image()
    assert xml.read_bytes() == broken  # never overwritten behind the user's back
    qtbot.mouseClick(window.banner_button, Qt.MouseButton.LeftButton)
    assert not window.banner.isVisible()
    assert (image_folder / "img_00.xml.bak").read_bytes() == broken
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_W)
    type_label(qtbot, "roses")
    drag(qtbot, window.canvas, (10, 10), (40, 40))
    qtbot.waitUntil(lambda: len(window.document.objects) == 1)
    assert window.save()
    assert voc.read(xml).objects[0].name == "roses"


def test_delete_image_moves_it_and_its_xml_to_trash(qtbot, window, image_folder: Path):
    window.open_path(image_folder)
    window.undo_stack.push(AddBoxCommand(window.document_model, BoxObject("roses", 1, 1, 20, 20)))
    window.save()
    window.canvas.setFocus()
    click_button("No")
    qtbot.keyClick(
        window.canvas,
        Qt.Key.Key_Delete,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert (image_folder / "img_00.jpg").exists()
    settle(qtbot, window)
    seen = click_button("Yes")
    qtbot.keyClick(
        window.canvas,
        Qt.Key.Key_Delete,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert seen
    assert not (image_folder / "img_00.jpg").exists() and not (image_folder / "img_00.xml").exists()
    assert (image_folder / ".trash" / "img_00.jpg").exists() and (
        image_folder / ".trash" / "img_00.xml"
    ).exists()
    assert window.current_path.endswith("img_01.jpg")
    assert window.file_panel.model.rowCount() == 3


def test_autosave_off_asks_save_discard_cancel(qtbot, window, image_folder: Path):
    window.actions.autosave.setChecked(False)
    window.open_path(image_folder)
    xml = image_folder / "img_00.xml"
    window.undo_stack.push(AddBoxCommand(window.document_model, BoxObject("roses", 1, 1, 20, 20)))
    qtbot.wait(1000)
    assert not xml.exists()  # no autosave
    click_button("Cancel")
    assert not window.next_image()
    assert window.current_path.endswith("img_00.jpg") and len(window.document.objects) == 1
    click_button("Discard")
    assert window.next_image()
    assert not xml.exists()
    window.prev_image()
    assert window.document.objects == []  # discarded edits are gone
    window.undo_stack.push(AddBoxCommand(window.document_model, BoxObject("daisy", 1, 1, 20, 20)))
    click_button("Save")
    assert window.next_image()
    assert voc.read(xml).objects[0].name == "daisy"


def test_close_with_unsaved_changes_can_be_cancelled(qtbot, window, image_folder: Path):
    window.actions.autosave.setChecked(False)
    window.open_path(image_folder)
    window.undo_stack.push(AddBoxCommand(window.document_model, BoxObject("roses", 1, 1, 20, 20)))
    click_button("Cancel")
    window.close()
    assert window.isVisible()


def test_exif_rotated_photo_shows_and_saves_in_the_displayed_frame(qtbot, window, tmp_path: Path):
    folder = tmp_path / "exif"
    folder.mkdir()
    pixels = np.zeros((100, 200, 3), np.uint8)  # stored 200 wide x 100 high
    pixels[:, :20] = (255, 0, 0)  # a red band at the stored left edge
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    Image.fromarray(pixels).save(folder / "phone.jpg", exif=exif.tobytes(), quality=95)
    window.open_path(folder)
    assert window.canvas.image_size() == (100, 200)  # displayed 100 wide x 200 high
    top = window.canvas.image.pixelColor(50, 5)  # stored left edge becomes the displayed top
    assert top.red() > 200 and top.green() < 60
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_W)
    type_label(qtbot, "tulips")
    drag(qtbot, window.canvas, (10, 5), (60, 150))
    qtbot.waitUntil(lambda: len(window.document.objects) == 1)
    assert window.save()
    saved = voc.read(folder / "phone.xml")
    assert (saved.width, saved.height) == (100, 200)
    assert saved.objects[0].xyxy() == (10.0, 5.0, 60.0, 150.0)
    assert os.path.getsize(folder / "phone.jpg") > 0


def test_big_photo_preview_first_then_full_image_same_frame(qtbot, window, tmp_path: Path):
    from annotator.ui.canvas.image_cache import decode_reduced

    folder = tmp_path / "big"
    folder.mkdir()
    pixels = np.full((1600, 2400, 3), 90, np.uint8)
    pixels[:, 1200:] = (250, 250, 0)
    Image.fromarray(pixels).save(folder / "big.jpg", quality=90)
    quick = decode_reduced(str(folder / "big.jpg"))
    assert quick.partial and quick.size == (2400, 1600) and quick.preview.width() == 600
    window.open_path(folder)
    canvas = window.canvas
    canvas.set_image(None, quick.preview, size=quick.size)  # what a D press shows before the full decode
    assert canvas.image_size() == (2400, 1600) and canvas.has_image()
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_W)
    type_label(qtbot, "roses")
    drag(qtbot, canvas, (100, 100), (2000, 1500))
    qtbot.waitUntil(lambda: len(window.document.objects) == 1)
    x0, y0, x1, y1 = window.document.objects[0].xyxy()
    assert abs(x0 - 100) <= 3 and abs(x1 - 2000) <= 3 and abs(y1 - 1500) <= 3  # full-resolution frame
    window.full_image_timer.start()
    qtbot.waitUntil(lambda: canvas.image is not None)
    assert canvas.image.size().toTuple() == (2400, 1600)
    assert canvas.image.pixelColor(2000, 800).red() > 200


def test_previews_are_32_bit_with_the_photo_colours(qapp, tmp_path: Path):
    """Previews are what the canvas scales at every zoom: 32-bit pixels (no conversion per paint), same colours."""
    from PySide6.QtGui import QImage

    from annotator.ui.canvas.image_cache import decode, decode_reduced

    pixels = np.zeros((1600, 2400, 3), np.uint8)
    pixels[:, :1200] = (220, 40, 10)  # red-orange left, blue right: a swapped channel order would show
    pixels[:, 1200:] = (10, 60, 230)
    Image.fromarray(pixels).save(tmp_path / "big.png")
    full = decode(str(tmp_path / "big.png"))
    quick = decode_reduced(str(tmp_path / "big.png"))
    for preview in (full.preview, quick.preview):
        assert preview.format() == QImage.Format.Format_RGB32
        w, h = preview.width(), preview.height()
        left, right = preview.pixelColor(w // 4, h // 2), preview.pixelColor(3 * w // 4, h // 2)
        assert (left.red(), left.green(), left.blue()) == (220, 40, 10)
        assert (right.red(), right.green(), right.blue()) == (10, 60, 230)
    assert full.image.pixelColor(100, 100).red() == 220  # the full frame itself is unchanged


def _qimage_rgb(image) -> np.ndarray:
    from PySide6.QtGui import QImage

    image = image.convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width() * 3].reshape(image.height(), image.width(), 3).copy()  # while it lives


def test_qt_stand_in_is_the_loaders_frame_or_nothing(qapp, tmp_path: Path):
    """The first image after start is shown by Qt's decoder while OpenCV is still loading: the same displayed
    frame and (up to JPEG rounding) the same pixels as the loader's; a big photo at screen size; for what the
    loader shows otherwise (transparency, 16-bit) no stand-in, the window waits for the loader."""
    from annotator.core import imaging
    from annotator.ui.canvas.image_cache import PREVIEW_MAX_SIDE, decode_with_qt

    pixels = np.zeros((100, 200, 3), np.uint8)  # stored 200 wide x 100 high, shown turned
    pixels[:, :20] = (255, 0, 0)
    pixels[:, 20:] = (30, 120, 200)
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.fromarray(pixels).save(tmp_path / "phone.jpg", exif=exif.tobytes(), quality=95)
    stand_in = decode_with_qt(str(tmp_path / "phone.jpg"))
    assert stand_in is not None and stand_in.partial and stand_in.image is None
    assert stand_in.size == imaging.image_size(tmp_path / "phone.jpg") == (100, 200)
    diff = np.abs(_qimage_rgb(stand_in.preview).astype(int) - imaging.load_image(tmp_path / "phone.jpg"))
    assert diff.mean() < 2 and diff.max() < 40

    big = np.full((1500, 4000, 3), 90, np.uint8)
    Image.fromarray(big).save(tmp_path / "big.jpg", quality=90)
    stand_in = decode_with_qt(str(tmp_path / "big.jpg"))
    assert stand_in.size == (4000, 1500) and stand_in.preview.width() == PREVIEW_MAX_SIDE

    rgba = np.zeros((40, 60, 4), np.uint8)  # transparent: the loader puts it over white, Qt would not
    Image.fromarray(rgba).save(tmp_path / "clear.png")
    Image.fromarray(np.full((40, 60), 4000, np.uint16)).save(tmp_path / "deep.png")
    (tmp_path / "junk.jpg").write_bytes(b"not an image")
    for name in ("clear.png", "deep.png", "junk.jpg", "missing.jpg"):
        assert decode_with_qt(str(tmp_path / name)) is None, name


def test_first_image_shows_before_the_loader_is_ready_then_the_loaders_pixels(
    qtbot, window, image_folder: Path, monkeypatch
):
    """Opening a folder while OpenCV is still loading (the first seconds after start) shows the image at once
    from Qt's decoder, boxes in the same frame, and swaps the loader's decode in when it is done."""
    from annotator.core import imaging
    from annotator.ui.canvas import image_cache

    loading = threading.Event()  # the loader's import, still going on
    real_decode = image_cache.decode

    def decode_once_loaded(path: str):
        loading.wait(10)
        return real_decode(path)

    monkeypatch.setattr(image_cache, "decoders_ready", lambda: loading.is_set())
    monkeypatch.setattr(image_cache, "decode", decode_once_loaded)
    assert window.open_path(image_folder)
    canvas = window.canvas
    first = str(image_folder / "img_00.jpg")
    assert window.current_path == first and canvas.has_image()
    assert canvas.image is None and canvas.preview is not None  # Qt's stand-in on screen
    assert canvas.image_size() == imaging.image_size(first)
    assert (window.document.width, window.document.height) == imaging.image_size(first)
    loading.set()
    qtbot.waitUntil(lambda: canvas.image is not None, timeout=5000)  # the loader's decode swapped in
    assert np.array_equal(_qimage_rgb(canvas.image), imaging.load_image(first))
