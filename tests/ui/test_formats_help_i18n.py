"""Save formats, the shortcuts help page, unique shortcuts, and the Korean interface."""

from __future__ import annotations

import ast
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QTableWidget
from ui_helpers import when_modal

from annotator.core.annotation import BoxObject
from annotator.ui.actions import ACTION_SPECS, CANVAS_KEYS
from annotator.ui.undo import AddBoxCommand

ROOT = Path(__file__).resolve().parents[2]


def add_two_boxes(window):
    doc = window.document_model
    window.undo_stack.push(AddBoxCommand(doc, BoxObject("roses", 20, 30, 60, 90)))
    window.undo_stack.push(AddBoxCommand(doc, BoxObject("lotus", 100, 50, 200, 150)))


def test_save_as_yolo_writes_txt_and_keeps_class_order(qtbot, window, image_folder: Path):
    (image_folder / "classes.txt").write_text("tulips\nroses\n", encoding="utf-8")
    window.open_path(image_folder)
    window.actions.save_format_yolo.trigger()
    add_two_boxes(window)
    assert window.save()
    lines = (image_folder / "img_00.txt").read_text().splitlines()
    assert lines == ["1 0.200000 0.400000 0.200000 0.400000", "2 0.750000 0.666667 0.500000 0.666667"]
    classes = (image_folder / "classes.txt").read_text().splitlines()
    assert classes[:2] == ["tulips", "roses"] and classes[2] == "lotus"
    assert not (image_folder / "img_00.xml").exists()
    window.next_image()  # reopening reads the YOLO file back
    window._forget(str(image_folder / "img_00.jpg"))
    window.prev_image()
    assert [(b.name, b.xyxy()) for b in window.document.objects] == [
        ("roses", (20.0, 30.0, 60.0, 90.0)),
        ("lotus", (100.0, 50.0, 200.0, 150.0)),
    ]


def test_save_as_createml_writes_json(qtbot, window, image_folder: Path):
    window.open_path(image_folder)
    window.actions.save_format_createml.trigger()
    add_two_boxes(window)
    assert window.save()
    data = json.loads((image_folder / "img_00.json").read_text(encoding="utf-8"))
    assert data[0]["image"] == "img_00.jpg"
    assert data[0]["annotations"][0] == {
        "label": "roses",
        "coordinates": {"x": 40, "y": 60, "width": 40, "height": 60},
    }
    assert window.settings.save_format == "createml"


def test_help_lists_every_shortcut(qtbot, window):
    seen = []

    def read_and_close(dialog):
        table = dialog.findChild(QTableWidget)
        seen.append({(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())})
        dialog.close()

    when_modal(read_and_close)
    window.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: bool(seen))
    keys = {k for k, _ in seen[0]}
    for spec in ACTION_SPECS:
        for shortcut in spec.shortcuts:
            native = QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)
            assert any(native in k.split(", ") for k in keys), f"{spec.name} {shortcut} missing from help"
    assert {k for k, _ in CANVAS_KEYS} <= keys


def test_no_two_actions_share_a_shortcut(window):
    from PySide6.QtGui import QAction

    owners: dict[str, str] = {}
    sequences = [
        (a.objectName(), s) for a in window.findChildren(QAction) for s in a.shortcuts() if not s.isEmpty()
    ]
    try:  # the model features add their own actions to this window later: check them too
        from annotator.ui.model.features import MODEL_ACTIONS

        sequences += [(spec.name, QKeySequence(spec.shortcut)) for spec in MODEL_ACTIONS]
    except ImportError:
        pass
    canvas_keys = {
        "Space",
        "Esc",
        "Left",
        "Right",
        "Up",
        "Down",
        "Shift+Left",
        "Shift+Right",
        "Shift+Up",
        "Shift+Down",
    }
    for name, sequence in sequences:
        key = sequence.toString(QKeySequence.SequenceFormat.PortableText)
        assert key not in owners, f"{key} is used by both {owners[key]} and {name}"
        owners[key] = name
        if name != "verify":
            assert key not in canvas_keys, f"{name} takes {key}, which the canvas handles"
    assert len(owners) >= 30


def _marked_strings() -> set[str]:
    pattern = re.compile(r'_(?:tr|n)\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)\)', re.S)
    found = set()
    # every UI module, new ones included, and the core modules whose sentences the UI shows through its tr
    paths = sorted((ROOT / "annotator" / "ui").rglob("*.py")) + sorted(
        (ROOT / "annotator" / "core").rglob("*.py")
    )
    for path in paths:
        source = path.read_text(encoding="utf-8")
        for match in pattern.finditer(source):
            found.add("".join(ast.literal_eval(p) for p in re.findall(r'"(?:[^"\\]|\\.)*"', match.group(1))))
    return found


def test_every_marked_string_has_a_korean_translation():
    tree = ET.parse(ROOT / "resources" / "i18n" / "annotator_ko.ts")
    translated = {m.findtext("source"): m.findtext("translation") for m in tree.iter("message")}
    missing = sorted(s for s in _marked_strings() if not translated.get(s))
    assert not missing, f"untranslated: {missing}"
    assert (ROOT / "resources" / "i18n" / "annotator_ko.qm").stat().st_size > 1000


def test_switching_to_korean_retranslates_the_window(qtbot, window, image_folder: Path):
    window.open_path(image_folder)
    assert window.menus["file"].title() == "&File"
    window.actions.language_ko.trigger()
    try:
        assert window.menus["file"].title() == "파일(&F)"
        assert window.actions.save.text() == "저장(&S)"
        assert window.file_dock.windowTitle() == "파일"
        assert window.file_panel.count_label.text() == "0 / 4 레이블 완료"
        assert window.settings.language == "ko"
    finally:
        window.actions.language_en.trigger()
    assert window.menus["file"].title() == "&File"


def test_translations_keep_placeholders_and_mnemonics():
    tree = ET.parse(ROOT / "resources" / "i18n" / "annotator_ko.ts")
    placeholder = re.compile(r"\{\d[^}]*\}|%[ds]")
    wrong = [
        (source, translation)
        for m in tree.iter("message")
        if (source := m.findtext("source")) and (translation := m.findtext("translation"))
        if sorted(placeholder.findall(source)) != sorted(placeholder.findall(translation))
        or source.count("&") != translation.count("&")
    ]
    assert not wrong, wrong


def _view_texts(window) -> list[str]:
    return [a.text() for a in window.menus["view"].actions()]


def test_model_features_follow_a_language_switch(qtbot, window, image_folder: Path):
    from annotator.ui.model.features import install_model_features
    from annotator.ui.translations import install_translator

    window.open_path(image_folder)
    f = install_model_features(window)  # widgets only: no request is sent, so no model worker starts
    dock, panel = f.training_dock, f.model_panel
    try:
        qtbot.waitUntil(lambda: "labelled" in dock.dataset_label.text())  # counted on a background thread
        assert f.menu.title() == "&Model" and dock.start_button.text() == "Start training"
        window.actions.language_ko.trigger()
        try:
            assert f.menu.title() == "모델(&M)"
            assert f.actions["load_model"].text() == "모델 불러오기(&L)..."
            assert "예측 표시(&P)" in _view_texts(window) and "학습 패널(&T)" in _view_texts(window)
            assert dock.windowTitle() == "학습" and dock.start_button.text() == "학습 시작"
            assert dock.tabs.tabText(3) == "지난 학습" and dock.progress_bar.format() == "대기 중"
            assert dock.runs_table.horizontalHeaderItem(2).text() == "상태"
            assert "이미지 4개, 레이블 0개, 확인 0개" in dock.dataset_label.text()
            assert dock.start_button.toolTip().startswith("레이블이 있는 이미지가 0개뿐입니다")
            assert panel.windowTitle() == "모델" and panel.model_label.text().startswith(
                "불러온 모델이 없습니다."
            )
            assert panel.accept_all_button.text() == "표시된 예측 모두 수락"
        finally:
            window.actions.language_en.trigger()
        assert f.menu.title() == "&Model" and "Show &predictions" in _view_texts(window)
        assert dock.windowTitle() == "Training" and dock.start_button.text() == "Start training"
        assert "4 images, 0 labelled, 0 verified" in dock.dataset_label.text()
        assert panel.model_label.text().startswith("No model loaded")
        # A translator installed any other way reaches the docks and the menu through Qt's LanguageChange event.
        install_translator("ko")
        try:
            qtbot.waitUntil(lambda: f.menu.title() == "모델(&M)" and dock.cancel_button.text() == "취소")
            assert panel.load_button.text() == "모델 불러오기..."
        finally:
            install_translator("en")
        qtbot.waitUntil(lambda: f.menu.title() == "&Model" and dock.cancel_button.text() == "Cancel")
        assert not f.client.worker_running()
    finally:
        f.client.shutdown()
