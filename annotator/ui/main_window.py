"""The labelling window: canvas in the middle, file list and box list in docks, menus from `actions`.

Behaviour lives in two mixins: `navigation.NavigationMixin` (folders, images, saving, autosave, trash) and
`editing.EditingMixin` (canvas intents and Edit menu -> undo commands). This module builds the widgets and
wires them. Automation/benchmark API: `open_path`, `next_image`, `prev_image` (return once shown), `save`,
`install_model_features`, and the attributes `current_path`, `document`, `document_model`, `undo_stack`,
`canvas`, `model_features`, signal `image_shown`.
"""

from __future__ import annotations

import os
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QActionGroup, QCloseEvent, QGuiApplication, QUndoGroup, QUndoStack
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from annotator.core.annotation import ImageAnnotation
from annotator.core.resources import predefined_classes
from annotator.ui.actions import MENU_TITLES, WindowActions, toolbar_icon
from annotator.ui.box_list import BoxList
from annotator.ui.canvas.box_painter import ClassColors
from annotator.ui.canvas.image_cache import ImageCache
from annotator.ui.canvas.widget import Canvas
from annotator.ui.document import DocumentModel
from annotator.ui.editing import EditingMixin
from annotator.ui.file_list import FileListPanel
from annotator.ui.folder_watch import FolderWatch
from annotator.ui.navigation import NavigationMixin
from annotator.ui.settings import Settings
from annotator.ui.translations import tr as _tr
from annotator.ui.wheel_guard import guard_wheel

if TYPE_CHECKING:
    from annotator.core.annotation_files import FolderEntry
    from annotator.core.folder_labels import FolderLabels
    from annotator.ui.model.features import ModelFeatures

AUTOSAVE_DELAY_MS = 800
FIRST_WINDOW_SIZE = (1440, 900)
FIRST_WINDOW_MARGIN = 20
TITLE_BAR_ALLOWANCE = 40
"""Room left for the window manager's title bar, which Qt cannot measure before the window is shown."""
DOCK_SCROLL_HEIGHT = 220
PANEL_SHARE = 0.55
"""Share of the side's height a Model or Training panel gets when the user brings it to the front."""
SIDE_SHARE = 0.3
"""The most of the window's width the side panels take when one is brought to the front."""


def _scroll_tall_contents(dock: QDockWidget) -> None:
    body = dock.widget()
    if body is None or isinstance(body, QScrollArea) or getattr(dock, "SCROLLS_ITSELF", False):
        return
    hint = body.minimumSizeHint()
    if hint.height() <= DOCK_SCROLL_HEIGHT and hint.width() <= 360:
        return
    scroll = QScrollArea(dock)
    scroll.setObjectName(f"{dock.objectName()}_scroll")
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidgetResizable(True)
    scroll.setWidget(body)
    scroll.setMinimumHeight(min(hint.height(), 120))
    bar = scroll.verticalScrollBar().sizeHint().width()
    scroll.setMinimumWidth(min(hint.width(), 400) + bar)
    dock.setWidget(scroll)


class MainWindow(EditingMixin, NavigationMixin, QMainWindow):
    """The labelling window.

    Args:
        settings: where preferences persist (default: the user's QSettings).
        classes: predefined class names (default: ``resources/predefined_classes.txt``).
        save_dir: folder for annotation files (default: beside the images); opening a folder keeps it.
    """

    image_shown = Signal(str)
    """Emitted with the image path once an image (or its error message) is on screen."""
    annotation_changed = Signal(str)
    """Emitted with an image path when its annotation changed on disk: saved here (autosave included), reloaded
    after another program changed it, or moved to the trash with its image."""

    def __init__(
        self,
        settings: Settings | None = None,
        classes: list[str] | None = None,
        save_dir: str | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        self.settings = settings if settings is not None else Settings()
        self.classes = list(classes) if classes is not None else predefined_classes()
        self.save_dir = os.path.abspath(save_dir) if save_dir else None
        self.root: str | None = None
        self.current_path: str | None = None
        self.document_model: DocumentModel | None = None
        self.undo_stack: QUndoStack | None = None
        self.undo_group = QUndoGroup(self)
        self._documents: dict[str, DocumentModel] = {}
        self._stacks: dict[str, QUndoStack] = {}
        self._entries: dict[str, FolderEntry] = {}
        self._folder_labels: FolderLabels | None = None  # built on the first label dialog of a folder
        self._navigating = False
        self.model_features: ModelFeatures | None = None
        self.cache = ImageCache()
        self.class_colors = ClassColors(self.classes, self.settings.class_colors)

        self.canvas = Canvas(self, self.class_colors)
        self.banner = self._make_banner()
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.canvas, 1)
        self.setCentralWidget(central)

        self.file_panel = FileListPanel(self)
        self.file_dock = QDockWidget(self)
        self.file_dock.setObjectName("file_dock")
        self.file_dock.setWidget(self.file_panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.file_dock)
        self.box_list = BoxList(self.class_colors, self)
        self.box_dock = QDockWidget(self)
        self.box_dock.setObjectName("box_dock")
        self.box_dock.setWidget(self.box_list)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.box_dock)
        self.splitDockWidget(self.box_dock, self.file_dock, Qt.Orientation.Vertical)

        self.size_label, self.zoom_label, self.cursor_label = QLabel(), QLabel(), QLabel()
        for label in (self.cursor_label, self.size_label, self.zoom_label):
            self.statusBar().addPermanentWidget(label)

        self.autosave_timer = QTimer(self)
        self.autosave_timer.setSingleShot(True)
        self.autosave_timer.setInterval(AUTOSAVE_DELAY_MS)
        self.autosave_timer.timeout.connect(self._autosave)
        self.full_image_timer = QTimer(self)
        self.full_image_timer.setInterval(15)
        self.full_image_timer.timeout.connect(self._swap_in_full_image)
        self._last_step = 1
        self.folder_watch = FolderWatch(self)

        self.actions = WindowActions(self)
        self.menus: dict[str, QMenu] = {}
        self._build_menus()
        self._build_toolbar()
        self._connect()
        self._apply_settings()
        self.retranslate_ui()
        self.guard_panel_wheels()
        self._show_nothing(_tr("Open a folder of images (Ctrl+U) or an image (Ctrl+O)."))

    # Contract attributes -----------------------------------------------------------------------------------
    @property
    def document(self) -> ImageAnnotation | None:
        """The shown image's annotation (change it only through commands on `undo_stack`)."""
        return self.document_model.annotation if self.document_model is not None else None

    def install_model_features(self) -> ModelFeatures:
        """Add the model worker client, the Training and Model docks, the Model menu and the overlays (once;
        later calls return the same `ModelFeatures`). Imported here, on first use, so the window appears
        without them."""
        if self.model_features is None:
            from annotator.ui.model.features import ModelFeatures

            self.model_features = ModelFeatures(self)
            self.guard_panel_wheels()
        return self.model_features

    def guard_panel_wheels(self) -> None:
        """In every dock, the wheel scrolls the panel; a combo box, spin box or slider takes it only while it has
        keyboard focus (`annotator.ui.wheel_guard`)."""
        for dock in self.findChildren(QDockWidget):
            guard_wheel(dock)

    # Construction ------------------------------------------------------------------------------------------
    def _make_banner(self) -> QFrame:
        banner = QFrame(self)
        banner.setObjectName("error_banner")
        banner.setStyleSheet("#error_banner { background: #fff1c2; border-bottom: 1px solid #d9b440; }")
        row = QHBoxLayout(banner)
        self.banner_label = QLabel(banner)
        self.banner_label.setObjectName("banner_label")
        self.banner_label.setWordWrap(True)
        self.banner_label.setStyleSheet("color: #5a4300;")
        self.banner_button = QPushButton(banner)
        self.banner_button.setObjectName("banner_overwrite")
        self.banner_button.clicked.connect(self._banner_clicked)
        row.addWidget(self.banner_label, 1)
        row.addWidget(self.banner_button)
        banner.hide()
        return banner

    def _build_menus(self) -> None:
        a = self.actions
        for key in MENU_TITLES:
            self.menus[key] = self.menuBar().addMenu("")
        file_menu = self.menus["file"]
        for action in (a.open_image, a.open_folder, a.change_save_dir):
            file_menu.addAction(action)
        self.recent_menu = file_menu.addMenu("")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(a.save)
        self.format_group = QActionGroup(self)
        for action in (a.save_format_voc, a.save_format_yolo, a.save_format_createml):
            self.format_group.addAction(action)
            file_menu.addAction(action)
        file_menu.addAction(a.autosave)
        file_menu.addSeparator()
        file_menu.addAction(a.delete_image)
        file_menu.addSeparator()
        file_menu.addAction(a.quit)
        for key in ("edit", "navigate", "help"):
            for action in a.in_menu(key):
                self.menus[key].addAction(action)
        view = self.menus["view"]
        for action in (a.zoom_in, a.zoom_out, a.fit_window, a.fit_width, a.zoom_original):
            view.addAction(action)
        view.addSeparator()
        view.addAction(a.show_boxes)
        view.addAction(a.show_labels)
        self.docks_menu_separator = view.addSeparator()
        view.addAction(self.file_dock.toggleViewAction())
        view.addAction(self.box_dock.toggleViewAction())
        view.addSeparator()
        self.language_group = QActionGroup(self)
        for action in (a.language_system, a.language_en, a.language_ko):
            self.language_group.addAction(action)
            view.addAction(action)

    def _build_toolbar(self) -> None:
        """LabelImg's toolbar: the actions a labeller clicks most, with icons; tooltips carry the shortcut."""
        a = self.actions
        self.toolbar = self.addToolBar("")
        self.toolbar.setObjectName("main_toolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        groups = (
            (a.open_folder, a.save),
            (a.prev_image, a.next_image),
            (a.create_box, a.verify),
            (a.zoom_in, a.zoom_out, a.fit_window),
        )
        for group in groups:
            for action in group:
                action.setIcon(toolbar_icon(action.objectName(), self.style()))
                self.toolbar.addAction(action)
            self.toolbar.addSeparator()
        self.toolbar_zoom = QLabel(self.toolbar)
        self.toolbar_zoom.setObjectName("toolbar_zoom")
        self.toolbar_zoom.setMinimumWidth(48)
        self.toolbar.addWidget(self.toolbar_zoom)

    def _connect(self) -> None:
        a, c = self.actions, self.canvas
        a.open_image.triggered.connect(self._choose_image)
        a.open_folder.triggered.connect(self._choose_folder)
        a.change_save_dir.triggered.connect(self._choose_save_dir)
        a.save.triggered.connect(self.save)
        a.save_format_voc.triggered.connect(partial(self._set_format, "voc"))
        a.save_format_yolo.triggered.connect(partial(self._set_format, "yolo"))
        a.save_format_createml.triggered.connect(partial(self._set_format, "createml"))
        a.autosave.toggled.connect(self._set_autosave)
        a.delete_image.triggered.connect(lambda: self.delete_current_image())
        a.quit.triggered.connect(self.close)
        a.undo.triggered.connect(self.undo_group.undo)
        a.redo.triggered.connect(self.undo_group.redo)
        self.undo_group.canUndoChanged.connect(a.undo.setEnabled)
        self.undo_group.canRedoChanged.connect(a.redo.setEnabled)
        a.undo.setEnabled(False)
        a.redo.setEnabled(False)
        a.create_box.triggered.connect(c.start_drawing)
        a.edit_label.triggered.connect(lambda: self.edit_label())
        a.delete_box.triggered.connect(self.delete_box)
        a.duplicate_box.triggered.connect(self.duplicate_box)
        a.copy_previous.triggered.connect(self.copy_previous_boxes)
        a.verify.triggered.connect(self.toggle_verified)
        a.single_class.toggled.connect(self._set_single_class)
        a.next_image.triggered.connect(self.next_image)
        a.prev_image.triggered.connect(self.prev_image)
        a.next_unlabelled.triggered.connect(self.next_unlabelled)
        a.zoom_in.triggered.connect(lambda: c.zoom_by(1.25))
        a.zoom_out.triggered.connect(lambda: c.zoom_by(0.8))
        a.fit_window.triggered.connect(c.fit_window)
        a.fit_width.triggered.connect(c.fit_width)
        a.zoom_original.triggered.connect(c.zoom_original)
        a.show_boxes.toggled.connect(self._set_show_boxes)
        a.show_labels.toggled.connect(self._set_show_labels)
        a.language_system.triggered.connect(partial(self.set_language, ""))
        a.language_en.triggered.connect(partial(self.set_language, "en"))
        a.language_ko.triggered.connect(partial(self.set_language, "ko"))
        a.shortcuts_help.triggered.connect(self.show_shortcuts)
        a.about.triggered.connect(self.show_about)
        for action in a:
            self.addAction(action)  # shortcuts work even with the menu bar hidden
        c.box_drawn.connect(self._on_box_drawn)
        c.box_edited.connect(self._on_box_edited)
        c.nudge_requested.connect(self._on_nudge)
        c.edit_label_requested.connect(self.edit_label)
        c.verify_requested.connect(self.toggle_verified)
        c.selection_changed.connect(self.box_list.select_box)
        c.cursor_moved.connect(self._show_cursor)
        c.drawing_size.connect(
            lambda w, h: self.statusBar().showMessage(_tr("New box: %d x %d px") % (w, h), 2000)
        )
        c.zoom_changed.connect(lambda s: self.zoom_label.setText(f"{s * 100:.0f}%"))
        c.zoom_changed.connect(lambda s: self.toolbar_zoom.setText(f" {s * 100:.0f}%"))
        self.box_list.box_selected.connect(c.set_selected)
        self.box_list.box_activated.connect(self.edit_label)
        self.file_panel.image_activated.connect(self.show_image)

    def _apply_settings(self) -> None:
        s, a = self.settings, self.actions
        {"voc": a.save_format_voc, "yolo": a.save_format_yolo, "createml": a.save_format_createml}[
            s.save_format
        ].setChecked(True)
        a.autosave.setChecked(s.autosave)
        a.single_class.setChecked(bool(s.single_class))
        a.show_boxes.setChecked(True)
        a.show_labels.setChecked(s.show_labels)
        self.canvas.show_labels = s.show_labels
        {"": a.language_system, "en": a.language_en, "ko": a.language_ko}.get(
            s.language, a.language_system
        ).setChecked(True)
        if s.geometry is not None:
            self.restoreGeometry(s.geometry)
        else:
            self.fit_first_window()
        if s.window_state is not None:
            self.restoreState(s.window_state)

    def fit_first_window(self) -> None:
        """Size a first window (no saved geometry) from the screen's free area: at most 1440 x 900, and on a
        1366 x 768 laptop the frame, title bar included, still fits, status bar and all."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(1280, 800)
            return
        free = screen.availableGeometry()
        width = min(FIRST_WINDOW_SIZE[0], free.width() - 2 * FIRST_WINDOW_MARGIN)
        height = min(FIRST_WINDOW_SIZE[1], free.height() - FIRST_WINDOW_MARGIN - TITLE_BAR_ALLOWANCE)
        self.resize(width, height)
        self.move(
            free.x() + (free.width() - width) // 2,
            free.y() + max(0, (free.height() - height - TITLE_BAR_ALLOWANCE) // 2),
        )

    def place_side_docks(self, docks: list[QDockWidget] | tuple[QDockWidget, ...]) -> None:
        """Place docks added after the window was built (the Model and Training panels).

        Where the user left them last time; on a first start the first one goes below the file list (the
        boxes and files stay in view) and the others wait, hidden, until first asked for. A dock whose contents are taller than `DOCK_SCROLL_HEIGHT` scrolls instead of
        forcing its height on the window (the training panel alone wanted 667 px)."""
        first: QDockWidget | None = None
        for dock in docks:
            _scroll_tall_contents(dock)
            if self.in_saved_state(dock) and self.restoreDockWidget(dock):
                continue
            if first is None:
                self.splitDockWidget(self.file_dock, dock, Qt.Orientation.Vertical)
                first = dock
            else:  # shown when first asked for (F9, the Model menu), so the first window stays uncluttered
                self.tabifyDockWidget(first, dock)
                dock.hide()

    def make_room_for(self, dock: QDockWidget, share: float = PANEL_SHARE) -> None:
        """Give a side panel just opened or brought to the front (F8, F9, a model loaded) at least ``share`` of
        the side's height; the other panels of that side shrink in proportion, never below their minimum."""
        area = self.dockWidgetArea(dock)
        if dock.isFloating() or area not in (
            Qt.DockWidgetArea.LeftDockWidgetArea,
            Qt.DockWidgetArea.RightDockWidgetArea,
        ):
            return
        behind = set(self.tabifiedDockWidgets(dock))  # they share its place
        others = [
            d
            for d in self.findChildren(QDockWidget)
            if d is not dock
            and d not in behind
            and d.isVisible()
            and not d.isFloating()
            and self.dockWidgetArea(d) == area
        ]
        column = dock.height() + sum(d.height() for d in others)
        want = int(column * share)
        if others and dock.height() < want:
            rest = column - want
            current = sum(d.height() for d in others)
            sizes = [max(d.minimumSizeHint().height(), d.height() * rest // max(current, 1)) for d in others]
            self.resizeDocks([*others, dock], [*sizes, column - sum(sizes)], Qt.Orientation.Vertical)
        # Shown, a panel asks for the width of its widest contents (the training settings: 530 px, 630 in
        # Korean): keep the side at most `SIDE_SHARE` of the window, the image keeps the rest.
        widest = max(int(self.width() * SIDE_SHARE), dock.minimumSizeHint().width())
        if dock.width() > widest:
            self.resizeDocks([dock], [widest], Qt.Orientation.Horizontal)

    def in_saved_state(self, dock: QDockWidget) -> bool:
        """Whether the window state saved last time places ``dock`` (restore it then, else place it anew)."""
        # saveState writes each dock's objectName as a QString (UTF-16 big-endian). Without that entry
        # restoreDockWidget still "succeeds" and leaves the dock hidden.
        state = self.settings.window_state
        return bool(state) and dock.objectName().encode("utf-16-be") in bytes(state)

    def retranslate_ui(self) -> None:
        self.actions.retranslate()
        for key, title in MENU_TITLES.items():
            self.menus[key].setTitle(_tr(title))
        self.recent_menu.setTitle(_tr("Open &recent folder"))
        self.toolbar.setWindowTitle(_tr("Toolbar"))
        self.file_dock.setWindowTitle(_tr("Files"))
        self.box_dock.setWindowTitle(_tr("Boxes"))
        self._update_banner()
        self._update_title()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # Small handlers ----------------------------------------------------------------------------------------
    def _update_title(self) -> None:
        name = os.path.basename(self.current_path) if self.current_path else ""
        title = "Flower Annotator" + (f" - {name}[*]" if name else "")
        position = self.image_position()
        if position is not None:
            title += f" ({position[0]} / {position[1]})"
        if self.document_model is not None and self.document_model.read_only:
            title += " " + _tr("(read-only)")
        self.setWindowTitle(title)
        self.setWindowModified(self.is_dirty())

    def image_position(self) -> tuple[int, int] | None:
        """(1-based number of the shown image, images in the folder), None when no folder image is shown."""
        model = self.file_panel.model
        if not self.current_path or model.rowCount() == 0:
            return None
        row = model.row_of(self.current_path)
        return (row + 1, model.rowCount()) if row >= 0 else None

    def _update_banner(self) -> None:
        doc = self.document_model
        if doc is not None and doc.read_only:
            self.banner_label.setText(
                _tr(
                    "The annotation file %s cannot be read, so this image is read-only and the file will not be "
                    "changed.\n%s"
                )
                % (doc.annotation_path, doc.load_error)
            )
            self.banner_button.setText(_tr("Overwrite it (keep a backup)"))
            self.banner.show()
        elif doc is not None and doc.save_conflict:
            self.banner_label.setText(
                _tr(
                    "%s was changed by another program while you edited it here. Autosave is paused for this "
                    "image and nothing was written."
                )
                % doc.annotation_path
            )
            self.banner_button.setText(_tr("Compare and choose..."))
            self.banner.show()
        else:
            self.banner.hide()

    def _banner_clicked(self) -> None:
        doc = self.document_model
        if doc is not None and doc.read_only:
            self.overwrite_broken_annotation()
        elif doc is not None and doc.save_conflict:
            self.save()

    def _update_status_size(self) -> None:
        w, h = self.canvas.image_size()
        self.size_label.setText(f"{w} x {h} px" if w else "")

    def _show_cursor(self, x: float, y: float) -> None:
        w, h = self.canvas.image_size()
        inside = 0 <= x < w and 0 <= y < h
        self.cursor_label.setText(f"x {int(x)}, y {int(y)}" if inside else "")

    def _set_format(self, fmt: str) -> None:
        self.settings.save_format = fmt
        self.statusBar().showMessage(_tr("Saving as %s") % fmt.upper(), 3000)

    def _set_autosave(self, on: bool) -> None:
        self.settings.autosave = on
        if on and self.is_dirty():
            self.autosave_timer.start()

    def _set_single_class(self, on: bool) -> None:
        if not on:
            self.settings.single_class = ""
            return
        if not self.settings.single_class:
            answer = self.ask_label(self.default_label())
            if answer is None:
                self.actions.single_class.setChecked(False)
                return
            self.settings.single_class = answer[0]
        self.statusBar().showMessage(
            _tr("Single-class mode: every new box is '%s'") % self.settings.single_class, 4000
        )

    def _set_show_boxes(self, on: bool) -> None:
        self.canvas.show_boxes = on
        self.canvas.update()

    def _set_show_labels(self, on: bool) -> None:
        self.canvas.show_labels = on
        self.settings.show_labels = on
        self.canvas.update()

    def set_language(self, code: str) -> None:
        """Switch the interface language now (``""`` = system, ``"en"``, ``"ko"``) and remember it."""
        from annotator.ui.translations import install_translator

        self.settings.language = code
        install_translator(code)
        self.retranslate_ui()  # now, rather than when the posted LanguageChange events arrive
        self.file_panel.retranslate()

    def show_shortcuts(self) -> None:
        from PySide6.QtGui import QAction

        from annotator.ui.help_dialog import ShortcutsDialog

        own = set(self.actions)
        extra = [a for a in self.findChildren(QAction) if a not in own and not a.shortcut().isEmpty()]
        ShortcutsDialog(self.actions, self, extra).exec()

    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from annotator.ui.help_dialog import app_version

        QMessageBox.about(
            self,
            _tr("About"),
            _tr("Flower Annotator %s") % app_version()
            + "\n\n"
            + _tr("Flower Annotator: boxes in Pascal VOC, YOLO or CreateML, and Keras models."),
        )

    # File dialogs ------------------------------------------------------------------------------------------
    def _choose_image(self) -> None:
        from annotator.core.image_files import IMAGE_EXTENSIONS

        patterns = " ".join(f"*{ext}" for ext in sorted(IMAGE_EXTENSIONS))
        path, _ = QFileDialog.getOpenFileName(
            self, _tr("Open image"), self.root or "", f"Images ({patterns})"
        )
        if path:
            self.open_path(path)

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _tr("Open folder"), self.root or "")
        if folder:
            self.open_path(folder)

    def _choose_save_dir(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, _tr("Save annotations to"), self.save_dir or self.root or ""
        )
        if folder:
            self.set_save_dir(folder)

    def set_save_dir(self, folder: str) -> None:
        """Save annotations into ``folder`` from now on (opening another folder keeps it)."""
        if not self.leave_current_image():
            return
        self.save_dir = os.path.abspath(folder)
        self.settings.last_save_dir = self.save_dir
        if self.root:
            current = self.current_path
            self.current_path = None
            self.open_folder(self.root, show=current)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for folder in self.settings.recent_folders:
            action = self.recent_menu.addAction(folder)
            action.triggered.connect(partial(self.open_path, folder))
            action.setEnabled(os.path.isdir(folder))

    # Closing -----------------------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not self.leave_current_image():
            event.ignore()
            return
        self.settings.geometry = self.saveGeometry()
        self.settings.window_state = self.saveState()
        self.settings.sync()
        self.cache.shutdown()
        self.folder_watch.stop()
        event.accept()
