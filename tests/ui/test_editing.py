"""Drawing, labelling, selecting, moving, resizing, nudging, deleting, duplicating, undo/redo: real events."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, Qt
from ui_helpers import drag, press_escape, settle, type_label, widget_point

from annotator.core import voc
from annotator.core.dataset import ImageStatus


def boxes(window):
    return [(b.name, b.xyxy()) for b in window.document.objects]


def draw_box(qtbot, window, start, end, label="roses", modifier=Qt.KeyboardModifier.NoModifier):
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_W)
    assert window.canvas.drawing
    seen = type_label(qtbot, label)
    drag(qtbot, window.canvas, start, end, modifier)
    qtbot.waitUntil(lambda: not window.canvas.drawing)
    settle(qtbot, window)
    return seen


def test_draw_label_undo_redo(qtbot, window, image_folder: Path):
    window.open_path(image_folder)
    seen = draw_box(qtbot, window, (20, 30), (80, 90), "tul")  # type-ahead: "tul" -> tulips
    assert seen, "the label dialog did not open"
    assert boxes(window) == [("tulips", (20.0, 30.0, 80.0, 90.0))]
    assert window.canvas.selected == 0
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert boxes(window) == []
    qtbot.keyClick(
        window.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert boxes(window) == [("tulips", (20.0, 30.0, 80.0, 90.0))]
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.canvas, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert len(boxes(window)) == 1


def test_new_label_typed_and_difficult(qtbot, window, image_folder: Path):
    window.open_path(image_folder)
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_W)
    type_label(qtbot, "lotus", difficult=True)
    drag(qtbot, window.canvas, (10, 10), (60, 50))
    qtbot.waitUntil(lambda: len(window.document.objects) == 1)
    box = window.document.objects[0]
    assert (box.name, box.difficult) == ("lotus", True)
    assert "lotus" in window.settings.label_history


def test_shift_keeps_square_and_box_clamped_to_image(qtbot, window, image_folder: Path):
    window.open_path(image_folder)
    draw_box(qtbot, window, (100, 50), (190, 80), "daisy", Qt.KeyboardModifier.ShiftModifier)
    x0, y0, x1, y1 = window.document.objects[0].xyxy()
    assert (x1 - x0) == (y1 - y0) == 30
    draw_box(qtbot, window, (150, 100), (400, 400), "daisy")  # drag far outside the 200x150 image
    assert window.document.objects[1].xyxy() == (150.0, 100.0, 200.0, 150.0)


def test_escape_click_and_double_click_create_nothing(qtbot, window, image_folder: Path):
    window.open_path(image_folder)
    canvas = window.canvas
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_W)
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert not canvas.drawing
    qtbot.keyClick(canvas, Qt.Key.Key_W)
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=widget_point(canvas, 50, 50))  # zero-size drag
    qtbot.keyClick(canvas, Qt.Key.Key_W)
    qtbot.mouseDClick(canvas, Qt.MouseButton.LeftButton, pos=widget_point(canvas, 60, 60))
    qtbot.wait(50)
    assert boxes(window) == []
    assert window.undo_stack.count() == 0


def test_cancelled_label_dialog_adds_no_box(qtbot, window, image_folder: Path):
    window.open_path(image_folder)
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_W)
    seen = press_escape(qtbot)
    drag(qtbot, window.canvas, (10, 10), (60, 60))
    qtbot.waitUntil(lambda: bool(seen))
    assert boxes(window) == []


def test_select_move_resize_and_undo(qtbot, window, image_folder: Path):
    window.open_path(image_folder)
    draw_box(qtbot, window, (20, 20), (60, 60))
    window.canvas.set_selected(None)
    drag(qtbot, window.canvas, (40, 40), (70, 50))  # press inside: select + move by (30, 10)
    assert window.canvas.selected == 0
    assert boxes(window) == [("roses", (50.0, 30.0, 90.0, 70.0))]
    drag(qtbot, window.canvas, (90, 70), (120, 100))  # bottom-right handle
    assert boxes(window) == [("roses", (50.0, 30.0, 120.0, 100.0))]
    drag(qtbot, window.canvas, (50, 65), (10, 65))  # left handle
    assert boxes(window) == [("roses", (10.0, 30.0, 120.0, 100.0))]
    drag(
        qtbot, window.canvas, (65, 30), (65, 130)
    )  # top handle dragged past the bottom: flips, no inverted box
    assert boxes(window) == [("roses", (10.0, 100.0, 120.0, 130.0))]
    for expected in [(10.0, 30.0, 120.0, 100.0), (50.0, 30.0, 120.0, 100.0), (50.0, 30.0, 90.0, 70.0)]:
        window.undo_group.undo()
        assert boxes(window) == [("roses", expected)]


def test_move_stays_inside_image(qtbot, window, image_folder: Path):
    window.open_path(image_folder)
    draw_box(qtbot, window, (20, 20), (60, 60))
    drag(qtbot, window.canvas, (40, 40), (-100, -100))
    assert boxes(window) == [("roses", (0.0, 0.0, 40.0, 40.0))]


def test_nudge_delete_duplicate(qtbot, window, image_folder: Path):
    window.open_path(image_folder)
    draw_box(qtbot, window, (20, 20), (60, 60))
    canvas = window.canvas
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    qtbot.keyClick(canvas, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert boxes(window) == [("roses", (22.0, 30.0, 62.0, 70.0))]
    window.undo_group.undo()  # consecutive nudges are one undo step
    assert boxes(window) == [("roses", (20.0, 20.0, 60.0, 60.0))]
    qtbot.keyClick(canvas, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert boxes(window) == [("roses", (20.0, 20.0, 60.0, 60.0)), ("roses", (30.0, 30.0, 70.0, 70.0))]
    assert canvas.selected == 1
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert boxes(window) == [("roses", (20.0, 20.0, 60.0, 60.0))]
    window.undo_group.undo()
    assert len(boxes(window)) == 2


def test_edit_label_by_shortcut_and_double_click(qtbot, window, image_folder: Path):
    window.open_path(image_folder)
    draw_box(qtbot, window, (20, 20), (60, 60))
    type_label(qtbot, "sunflowers")
    qtbot.keyClick(window.canvas, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: boxes(window)[0][0] == "sunflowers")
    settle(qtbot, window)
    type_label(qtbot, "daisy")
    qtbot.mouseDClick(window.canvas, Qt.MouseButton.LeftButton, pos=widget_point(window.canvas, 40, 40))
    qtbot.waitUntil(lambda: boxes(window)[0][0] == "daisy")
    window.undo_group.undo()
    assert boxes(window)[0][0] == "sunflowers"


def test_space_verifies_and_saves_verified(qtbot, window, image_folder: Path):
    window.open_path(image_folder)
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Space)
    assert window.document.verified
    assert window.save()
    assert voc.read(image_folder / "img_00.xml").verified
    assert window.file_panel.model.status(window.current_path) is ImageStatus.VERIFIED
    qtbot.keyClick(window.canvas, Qt.Key.Key_Space)
    assert not window.document.verified


def test_copy_previous_image_boxes(qtbot, window, image_folder: Path):
    window.open_path(image_folder)
    draw_box(qtbot, window, (20, 20), (60, 60), "roses")
    draw_box(qtbot, window, (100, 80), (150, 120), "daisy")
    window.next_image()
    qtbot.keyClick(
        window.canvas, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert boxes(window) == [("roses", (20.0, 20.0, 60.0, 60.0)), ("daisy", (100.0, 80.0, 150.0, 120.0))]
    window.undo_group.undo()
    assert boxes(window) == []


def test_single_class_mode_skips_dialog(qtbot, window, image_folder: Path):
    window.settings.single_class = "dandelion"
    window.actions.single_class.setChecked(True)
    window.open_path(image_folder)
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_W)
    drag(qtbot, window.canvas, (10, 10), (50, 50))
    assert boxes(window) == [("dandelion", (10.0, 10.0, 50.0, 50.0))]


def test_undo_history_is_per_image_for_the_session(qtbot, window, image_folder: Path):
    window.open_path(image_folder)
    draw_box(qtbot, window, (20, 20), (60, 60))
    window.next_image()
    draw_box(qtbot, window, (30, 30), (70, 70), "daisy")
    window.prev_image()
    assert window.undo_stack.canUndo()
    window.undo_group.undo()
    assert boxes(window) == []
    window.next_image()
    assert boxes(window) == [("daisy", (30.0, 30.0, 70.0, 70.0))]


def test_class_colours_are_stable_and_distinct(window):
    from annotator.ui.canvas.box_painter import ClassColors

    colours = [window.class_colors.color(name).name() for name in window.classes]
    assert len(set(colours)) == len(colours)  # the predefined classes are told apart
    other = ClassColors()  # unknown names: hashed, the same in another window and session
    assert window.class_colors.color("lotus").name() == other.color("lotus").name()


def test_box_list_and_canvas_selection_follow_each_other(qtbot, window, image_folder: Path):
    window.open_path(image_folder)
    draw_box(qtbot, window, (20, 20), (60, 60), "roses")
    draw_box(qtbot, window, (100, 80), (150, 120), "daisy")
    box_list = window.box_list
    assert box_list.count() == 2 and box_list.currentIndex().row() == 1
    rect = box_list.visualRect(box_list.model().index(0, 0))
    qtbot.mouseClick(box_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.canvas.selected == 0
    qtbot.mouseClick(window.canvas, Qt.MouseButton.LeftButton, pos=widget_point(window.canvas, 120, 100))
    assert window.canvas.selected == 1 and box_list.currentIndex().row() == 1


def test_box_partly_outside_the_image_is_kept_and_a_move_brings_it_inside(qtbot, window, image_folder: Path):
    (image_folder / "img_00.xml").write_text(
        "<annotation><size><width>200</width><height>150</height><depth>3</depth></size><object><name>roses"
        "</name><bndbox><xmin>150</xmin><ymin>100</ymin><xmax>260</xmax><ymax>149</ymax></bndbox></object>"
        "</annotation>",
        encoding="utf-8",
    )
    window.open_path(image_folder)
    assert boxes(window) == [("roses", (149.0, 99.0, 260.0, 149.0))]  # shown as the file says, not dropped
    drag(qtbot, window.canvas, (170, 120), (160, 120))
    # a move brings it wholly inside the image (the shift needed to fit wins over the small drag)
    assert boxes(window) == [("roses", (89.0, 99.0, 200.0, 149.0))]


def test_label_dialog_arrow_keys_pick_from_the_filtered_list(qtbot, window, image_folder: Path):
    from PySide6.QtWidgets import QWidget
    from ui_helpers import when_modal

    def answer(dialog):
        edit = dialog.findChild(QWidget, "label_edit")
        edit.selectAll()
        qtbot.keyClicks(edit, "s")  # daisy, roses, sunflowers, tulips contain an "s"
        qtbot.keyClick(edit, Qt.Key.Key_Down)
        qtbot.keyClick(edit, Qt.Key.Key_Down)
        qtbot.keyClick(edit, Qt.Key.Key_Return)

    window.open_path(image_folder)
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_W)
    when_modal(answer)
    drag(qtbot, window.canvas, (10, 10), (50, 50))
    qtbot.waitUntil(lambda: len(window.document.objects) == 1)
    assert window.document.objects[0].name == "roses"  # second visible row


def test_label_tags_are_drawn_from_a_cache_with_the_class_colour_and_readable_text(qapp):
    from PySide6.QtGui import QColor, QFont, QImage, QPainter, QTransform

    from annotator.core.annotation import BoxObject
    from annotator.ui.canvas.box_painter import hashed_color, label_image, paint_boxes

    font = QFont()
    font.setPointSizeF(9.0)
    light, dark = QColor(250, 240, 120), QColor(20, 30, 120)
    assert label_image("daisy", light, font) is label_image("daisy", light, font)  # rendered once
    assert label_image("daisy", dark, font) is not label_image("daisy", light, font)
    # text is black on a light tag and white on a dark one
    for colour, ink in ((light, 0), (dark, 255)):
        tag = label_image("daisy", colour, font)
        values = {tag.pixelColor(x, y).red() for x in range(tag.width()) for y in range(tag.height())}
        assert colour.red() in values and any(abs(v - ink) < 40 for v in values)

    canvas = QImage(300, 200, QImage.Format.Format_RGB32)
    canvas.fill(QColor(0, 0, 0))
    painter = QPainter(canvas)
    paint_boxes(painter, [BoxObject("roses", 50, 80, 150, 150)], QTransform(2, 0, 0, 1, -50, 0))
    painter.end()
    colour = hashed_color("roses").rgb()
    tag = label_image("roses", hashed_color("roses"), font)
    # the box (x 50..150 -> 50..250 on the canvas) and its tag right above its top-left corner
    assert canvas.pixelColor(150, 80).rgb() == colour  # top edge, mapped by the transform
    assert canvas.pixelColor(51, 80 - tag.height() + 1).rgb() == colour  # the tag's background
    assert canvas.pixelColor(51, 80 - tag.height() - 2).rgb() == QColor(0, 0, 0).rgb()  # nothing above it


def test_canvas_layers_edit_reuses_the_scaled_image_zoom_and_new_image_redraw_it(qtbot):
    from PySide6.QtGui import QColor, QImage

    from annotator.core.annotation import BoxObject, ImageAnnotation
    from annotator.ui.canvas.widget import Canvas
    from annotator.ui.document import DocumentModel
    from annotator.ui.undo import AddBoxesCommand

    canvas = Canvas()
    qtbot.addWidget(canvas)
    canvas.resize(400, 300)
    canvas.show()
    qtbot.waitExposed(canvas)
    green = QImage(200, 150, QImage.Format.Format_RGB32)
    green.fill(QColor(0, 160, 0))
    canvas.set_image(green)
    doc = DocumentModel(ImageAnnotation(filename="g.png", width=200, height=150))
    canvas.set_document(doc)
    canvas.grab()  # paints through paintEvent, like a repaint on screen
    scaled = canvas._image_layer
    assert scaled is not None
    centre = canvas.image_to_widget().map(QPointF(100, 75)).toPoint()
    assert canvas.grab().toImage().pixelColor(centre).green() == 160

    from PySide6.QtGui import QUndoStack

    stack = QUndoStack()
    stack.push(AddBoxesCommand(doc, [BoxObject("roses", 80, 60, 120, 90)]))  # an edit
    canvas.grab()  # paints through paintEvent, like a repaint on screen
    assert canvas._image_layer is scaled  # the photo was not scaled again
    top_left = canvas.image_to_widget().map(QPointF(80, 75)).toPoint()
    assert canvas.grab().toImage().pixelColor(top_left) != QColor(0, 160, 0)  # the new box's edge is drawn

    canvas.zoom_by(1.25)
    canvas.grab()  # paints through paintEvent, like a repaint on screen
    assert canvas._image_layer is not scaled  # a zoom scales the photo again

    red = QImage(200, 150, QImage.Format.Format_RGB32)
    red.fill(QColor(200, 0, 0))
    canvas.set_image(red, keep_view=True)  # same view, another picture: never the cached one
    canvas.grab()  # paints through paintEvent, like a repaint on screen
    assert (
        canvas.grab().toImage().pixelColor(canvas.image_to_widget().map(QPointF(30, 30)).toPoint()).red()
        == 200
    )
