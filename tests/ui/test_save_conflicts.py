"""Edits from elsewhere are never overwritten unseen: two windows (or a window and a text editor) on one
annotation, real files, real key/mouse events, the real conflict dialog clicked through."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from ui_helpers import click_button, drag, settle, type_label, when_modal

from annotator.core import voc
from annotator.core.annotation import BoxObject, ImageAnnotation
from annotator.core.dataset import ImageStatus
from annotator.ui.settings import Settings


@pytest.fixture
def two_windows(qtbot, tmp_path: Path, image_folder: Path):
    from annotator.ui.main_window import MainWindow

    made = []
    for name in ("a", "b"):
        settings = Settings(QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat))
        win = MainWindow(settings=settings)
        win.resize(900, 600)
        win.show()
        qtbot.waitExposed(win)
        win.actions.autosave.setChecked(False)
        assert win.open_path(image_folder)
        made.append(win)
    yield made
    for win in made:
        for stack in win._stacks.values():
            stack.setClean()
        win.autosave_timer.stop()
        win.close()
        win.cache.shutdown()
        win.deleteLater()


def focus(qtbot, window) -> None:
    window.activateWindow()  # shortcuts go to the active window only
    qtbot.waitUntil(window.isActiveWindow)
    window.canvas.setFocus()


def draw_box(qtbot, window, start, end, label):
    focus(qtbot, window)
    qtbot.keyClick(window.canvas, Qt.Key.Key_W)
    assert window.canvas.drawing
    type_label(qtbot, label)
    drag(qtbot, window.canvas, start, end)
    qtbot.waitUntil(lambda: not window.canvas.drawing)
    settle(qtbot, window)


def names(window) -> list[str]:
    return [b.name for b in window.document.objects]


def saved_names(path: Path) -> list[str]:
    return [o.name for o in voc.read(path).objects]


def ctrl_s(qtbot, window) -> None:
    focus(qtbot, window)
    qtbot.keyClick(window.canvas, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def no_watch(*windows) -> None:
    """Stop the folder watchers: the save-time check alone, as on a file system without change events."""
    for win in windows:
        win.folder_watch.stop()


def _a_then_b(qtbot, two_windows):
    a, b = two_windows
    no_watch(a, b)
    draw_box(qtbot, a, (10, 10), (60, 50), "roses")
    ctrl_s(qtbot, a)
    assert not a.is_dirty()
    draw_box(qtbot, b, (100, 60), (160, 120), "tulips")
    return a, b


def test_second_save_asks_and_reload_shows_the_other_windows_box(qtbot, two_windows, image_folder: Path):
    a, b = _a_then_b(qtbot, two_windows)
    xml = image_folder / "img_00.xml"
    before = xml.read_bytes()
    seen = []

    def look_and_reload(dialog):
        seen.append((dialog.objectName(), dialog.text(), dialog.informativeText()))
        dialog.findChild(type(dialog.buttons()[0]), "conflict_reload").click()

    when_modal(look_and_reload)
    ctrl_s(qtbot, b)
    qtbot.waitUntil(lambda: bool(seen))
    [(name, text, info)] = seen
    assert name == "save_conflict_dialog" and "img_00.jpg" in text
    assert "On disk: 1 boxes. Here: 1 boxes." in info
    assert "Only on disk (1): roses" in info and "Only here (1): tulips" in info
    assert xml.read_bytes() == before  # B wrote nothing
    qtbot.waitUntil(lambda: names(b) == ["roses"])
    assert not b.is_dirty()
    assert box_list_names(b) == ["roses"] and canvas_names(b) == ["roses"]
    assert not list(image_folder.glob("*.bak"))


def test_keep_mine_writes_mine_and_backs_up_the_other_version(qtbot, two_windows, image_folder: Path):
    a, b = _a_then_b(qtbot, two_windows)
    xml = image_folder / "img_00.xml"
    seen = click_button("Keep mine")
    ctrl_s(qtbot, b)
    qtbot.waitUntil(lambda: bool(seen))
    qtbot.waitUntil(lambda: not b.is_dirty())
    assert saved_names(xml) == ["tulips"]
    [backup] = list(image_folder.glob("img_00.xml.other-*.bak"))
    assert [o.name for o in voc.loads(backup.read_bytes()).objects] == ["roses"]
    assert "kept as" in b.statusBar().currentMessage()
    # A's next save now conflicts in turn, and a second keep-mine backup never overwrites the first.
    draw_box(qtbot, a, (20, 80), (50, 110), "daisy")
    seen = click_button("Keep mine")
    ctrl_s(qtbot, a)
    qtbot.waitUntil(lambda: bool(seen))
    qtbot.waitUntil(lambda: not a.is_dirty())
    assert saved_names(xml) == ["roses", "daisy"]
    backups = sorted(image_folder.glob("img_00.xml.other-*.bak"))
    assert len(backups) == 2
    held = sorted(tuple(o.name for o in voc.loads(p.read_bytes()).objects) for p in backups)
    assert held == [("roses",), ("tulips",)]


def test_cancel_writes_nothing_and_keeps_my_edits(qtbot, two_windows, image_folder: Path):
    a, b = _a_then_b(qtbot, two_windows)
    xml = image_folder / "img_00.xml"
    before = xml.read_bytes()
    seen = click_button("Cancel (save")
    assert not b.save()
    assert seen
    assert xml.read_bytes() == before
    assert names(b) == ["tulips"] and b.is_dirty()
    assert not list(image_folder.glob("*.bak"))


def test_navigation_with_autosave_asks_instead_of_overwriting(qtbot, two_windows, image_folder: Path):
    a, b = _a_then_b(qtbot, two_windows)
    b.actions.autosave.setChecked(True)
    b.autosave_timer.stop()
    xml = image_folder / "img_00.xml"
    before = xml.read_bytes()
    seen = click_button("Cancel (save")
    assert not b.next_image()  # cancelled: stays on the image, nothing written
    assert seen and b.current_path.endswith("img_00.jpg")
    assert xml.read_bytes() == before
    seen = click_button("Reload")
    assert b.next_image()
    assert seen and b.current_path.endswith("img_01.jpg")
    assert xml.read_bytes() == before
    b.prev_image()
    assert names(b) == ["roses"]


def test_autosave_conflict_writes_nothing_and_shows_a_banner(qtbot, two_windows, image_folder: Path):
    a, b = _a_then_b(qtbot, two_windows)
    xml = image_folder / "img_00.xml"
    before = xml.read_bytes()
    opened = []
    when_modal(opened.append)  # no dialog may open by itself
    b.actions.autosave.setChecked(True)  # a dirty document: the debounced autosave starts
    qtbot.waitUntil(lambda: b.document_model.save_conflict, timeout=4000)
    qtbot.wait(300)
    assert not opened
    assert xml.read_bytes() == before
    assert b.banner.isVisible() and "img_00.xml" in b.banner_label.text()
    assert "Autosave is paused" in b.statusBar().currentMessage()
    assert "Autosave is paused" in b.banner_label.text()
    draw_box(qtbot, b, (20, 80), (50, 110), "daisy")  # more edits: still no autosave
    qtbot.wait(1200)
    assert xml.read_bytes() == before and b.is_dirty()
    seen = click_button("Keep mine")
    qtbot.mouseClick(b.banner_button, Qt.MouseButton.LeftButton)  # the banner's button opens the choice
    qtbot.waitUntil(lambda: bool(seen))
    assert saved_names(xml) == ["tulips", "daisy"]
    assert not b.banner.isVisible() and not b.document_model.save_conflict


def count_conflict_dialogs(monkeypatch) -> list:
    """Record every conflict dialog built (the real one is still built and shown)."""
    from annotator.ui import save_conflict

    built = []
    real = save_conflict.conflict_box

    def recording(*args, **kwargs):
        built.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(save_conflict, "conflict_box", recording)
    return built


def test_own_saves_never_conflict(qtbot, two_windows, image_folder: Path, monkeypatch):
    a, _b = two_windows
    xml = image_folder / "img_00.xml"
    opened = count_conflict_dialogs(monkeypatch)
    draw_box(qtbot, a, (10, 10), (60, 50), "roses")
    ctrl_s(qtbot, a)
    draw_box(qtbot, a, (100, 60), (160, 120), "tulips")
    ctrl_s(qtbot, a)
    a.actions.autosave.setChecked(True)
    draw_box(qtbot, a, (20, 80), (50, 110), "daisy")
    qtbot.waitUntil(lambda: not a.is_dirty(), timeout=4000)
    assert a.next_image() and a.prev_image()
    assert not opened
    assert saved_names(xml) == ["roses", "tulips", "daisy"]
    assert a.file_panel.model.status(a.current_path) is ImageStatus.LABELLED


@pytest.mark.parametrize("fmt, sidecar", [("yolo", "img_00.txt"), ("createml", "img_00.json")])
def test_sidecar_saves_get_the_same_check(qtbot, two_windows, image_folder: Path, fmt, sidecar):
    a, b = two_windows
    no_watch(a, b)
    for win in (a, b):
        win.settings.save_format = fmt
    draw_box(qtbot, a, (10, 10), (60, 50), "roses")
    ctrl_s(qtbot, a)
    written = image_folder / sidecar
    before = written.read_bytes()
    draw_box(qtbot, b, (100, 60), (160, 120), "tulips")
    seen = click_button("Cancel (save")
    assert not b.save()
    assert seen and written.read_bytes() == before
    seen = click_button("Keep mine")
    assert b.save()
    assert seen and written.read_bytes() != before
    [backup] = list(image_folder.glob(f"{sidecar}.other-*.bak"))
    assert backup.read_bytes() == before


def test_unreadable_disk_version_is_said_in_the_dialog(qtbot, two_windows, image_folder: Path):
    _a, b = two_windows
    draw_box(qtbot, b, (100, 60), (160, 120), "tulips")
    xml = image_folder / "img_00.xml"
    xml.write_bytes(b"<annotation><object>half written")
    seen = []

    def look(dialog):
        seen.append(dialog.informativeText())
        dialog.findChild(type(dialog.buttons()[0]), "conflict_cancel").click()

    when_modal(look)
    assert not b.save()
    assert seen and "cannot be read" in seen[0]
    assert xml.read_bytes() == b"<annotation><object>half written"


def test_stale_document_without_the_watcher_still_asks(qtbot, two_windows, image_folder: Path):
    """Without the watcher the stale document still never overwrites: the save asks."""
    _a, b = two_windows
    no_watch(b)
    xml = image_folder / "img_00.xml"
    ann = ImageAnnotation(
        filename="img_00.jpg", width=200, height=150, objects=[BoxObject("iris", 5, 5, 40, 40)]
    )
    voc.write(ann, xml)
    draw_box(qtbot, b, (100, 60), (160, 120), "tulips")
    seen = click_button("Cancel (save")
    assert not b.save() and seen
    assert saved_names(xml) == ["iris"]


# The folder watcher ---------------------------------------------------------------------------------------


def box_list_names(window) -> list[str]:
    model = window.box_list.model()
    return [model.index(r, 0).data().split("  (")[0] for r in range(model.rowCount())]


def canvas_names(window) -> list[str]:
    doc = window.canvas.document
    return [b.name for b in doc.boxes] if doc is not None else []


def _other_program_writes(xml: Path, *names_: str, in_place: bool) -> None:
    boxes = [BoxObject(n, 5 + 30 * i, 5, 30 + 30 * i, 40) for i, n in enumerate(names_)]
    data = voc.dumps(ImageAnnotation(filename=xml.stem + ".jpg", width=200, height=150, objects=boxes))
    if in_place:
        with open(xml, "wb") as f:  # a text editor writing over the file: no rename
            f.write(data)
    else:
        tmp = xml.with_name(".tmp-" + xml.name)  # LabelImg-style: write aside, rename over
        tmp.write_bytes(data)
        tmp.replace(xml)


@pytest.mark.parametrize("in_place", [True, False], ids=["in-place", "atomic-rename"])
def test_change_elsewhere_while_shown_and_unedited_is_reloaded(qtbot, two_windows, image_folder, in_place):
    _a, b = two_windows
    xml = image_folder / "img_00.xml"
    shown = b.current_path
    _other_program_writes(xml, "iris", in_place=in_place)  # created
    qtbot.waitUntil(lambda: canvas_names(b) == ["iris"] and box_list_names(b) == ["iris"], timeout=4000)
    assert b.current_path == shown and not b.is_dirty()
    assert b.file_panel.model.status(shown) is ImageStatus.LABELLED
    _other_program_writes(xml, "iris", "lotus", in_place=in_place)  # changed again: the watch was re-added
    qtbot.waitUntil(lambda: canvas_names(b) == ["iris", "lotus"], timeout=4000)
    assert box_list_names(b) == ["iris", "lotus"]
    assert "another program" in b.statusBar().currentMessage()
    assert xml.read_bytes() and not list(image_folder.glob("*.bak"))


def test_files_created_and_removed_elsewhere_update_the_list(qtbot, two_windows, image_folder: Path):
    _a, b = two_windows
    other = str(image_folder / "img_02.jpg")
    assert b.file_panel.model.status(other) is ImageStatus.UNLABELLED
    for i in range(5):  # a burst (another tool saving again and again) is one sync
        _other_program_writes(image_folder / "img_02.xml", *["rose"] * (i + 1), in_place=False)
    syncs = b.folder_watch.syncs
    qtbot.waitUntil(lambda: b.file_panel.model.status(other) is ImageStatus.LABELLED, timeout=4000)
    assert b.folder_watch.syncs - syncs <= 2
    assert b.file_panel.count_label.text().startswith("1 / 4")
    (image_folder / "img_02.xml").unlink()
    qtbot.waitUntil(lambda: b.file_panel.model.status(other) is ImageStatus.UNLABELLED, timeout=4000)
    _other_program_writes(image_folder / "img_03.xml", "rose", in_place=False)
    qtbot.waitUntil(
        lambda: b.file_panel.model.status(str(image_folder / "img_03.jpg")) is ImageStatus.LABELLED
    )
    b.show_image(str(image_folder / "img_03.jpg"))
    assert canvas_names(b) == ["rose"]


def test_change_elsewhere_while_edited_here_is_flagged_not_reloaded(qtbot, two_windows, image_folder: Path):
    _a, b = two_windows
    xml = image_folder / "img_00.xml"
    draw_box(qtbot, b, (100, 60), (160, 120), "tulips")
    _other_program_writes(xml, "iris", in_place=True)
    qtbot.waitUntil(lambda: b.document_model.save_conflict, timeout=4000)
    assert canvas_names(b) == ["tulips"] and b.is_dirty()  # my edit is still here
    assert b.banner.isVisible()
    assert saved_names(xml) == ["iris"]
    seen = click_button("Keep mine")
    qtbot.mouseClick(b.banner_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen))
    assert saved_names(xml) == ["tulips"]
    [backup] = list(image_folder.glob("img_00.xml.other-*.bak"))
    assert [o.name for o in voc.loads(backup.read_bytes()).objects] == ["iris"]
    qtbot.wait(600)  # our own save is seen by the watcher and is not news: no reload, no new conflict
    assert not b.document_model.save_conflict and not b.banner.isVisible()


def test_the_other_window_follows_a_save_through_the_watcher(
    qtbot, two_windows, image_folder: Path, monkeypatch
):
    a, b = two_windows
    draw_box(qtbot, a, (10, 10), (60, 50), "roses")
    ctrl_s(qtbot, a)
    qtbot.waitUntil(lambda: canvas_names(b) == ["roses"], timeout=4000)
    draw_box(qtbot, b, (100, 60), (160, 120), "tulips")  # now B edits the version it shows: no conflict
    opened = count_conflict_dialogs(monkeypatch)
    ctrl_s(qtbot, b)
    qtbot.waitUntil(lambda: not b.is_dirty())
    assert not opened and saved_names(image_folder / "img_00.xml") == ["roses", "tulips"]
    qtbot.waitUntil(lambda: canvas_names(a) == ["roses", "tulips"], timeout=4000)


def test_label_editing_and_verifying_then_saving_never_conflicts(
    qtbot, two_windows, image_folder: Path, monkeypatch
):
    """The ordinary flow, our own saves in between, watcher running: no dialog, no banner, no backup."""
    a, _b = two_windows
    xml = image_folder / "img_00.xml"
    opened = count_conflict_dialogs(monkeypatch)
    draw_box(qtbot, a, (20, 20), (60, 60), "roses")
    ctrl_s(qtbot, a)
    qtbot.wait(400)  # the watcher sees our own save
    type_label(qtbot, "sunflowers")
    qtbot.keyClick(a.canvas, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)  # relabel the selected box
    qtbot.waitUntil(lambda: names(a) == ["sunflowers"])
    settle(qtbot, a)
    ctrl_s(qtbot, a)
    qtbot.keyClick(a.canvas, Qt.Key.Key_Space)  # verify
    assert a.document.verified
    ctrl_s(qtbot, a)
    qtbot.wait(400)
    assert saved_names(xml) == ["sunflowers"] and voc.read(xml).verified
    assert a.file_panel.model.status(a.current_path) is ImageStatus.VERIFIED
    assert not a.banner.isVisible() and not a.document_model.save_conflict and not a.is_dirty()
    assert not list(image_folder.glob("*.bak"))
    assert opened == []


def test_the_watch_starts_after_the_first_image_and_sees_a_change_made_before(
    qtbot, window, image_folder: Path
):
    """The folder watch starts once the first image is painted (no wait for 10,000 signatures before it), and a
    change made in that gap to the image on screen is still reloaded."""
    window.actions.autosave.setChecked(False)
    assert window.open_path(image_folder)
    shown = window.current_path
    assert shown == str(image_folder / "img_00.jpg")
    assert window.folder_watch.watcher.directories() == []  # the image came first
    _other_program_writes(image_folder / "img_00.xml", "iris", in_place=True)
    qtbot.waitUntil(lambda: window.folder_watch.watcher.directories() == [str(image_folder)], timeout=4000)
    qtbot.waitUntil(
        lambda: canvas_names(window) == ["iris"] and box_list_names(window) == ["iris"], timeout=4000
    )
    assert window.current_path == shown and not window.is_dirty()
    _other_program_writes(image_folder / "img_01.xml", "lotus", in_place=False)  # and the watch is on
    other = str(image_folder / "img_01.jpg")
    qtbot.waitUntil(lambda: window.file_panel.model.status(other) is ImageStatus.LABELLED, timeout=4000)
