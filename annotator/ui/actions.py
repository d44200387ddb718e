"""The window's actions, declared once as data: menus, shortcuts and the help page all come from here.

`ACTION_SPECS` lists each action's name, text, shortcuts and menu; `create_actions` makes the `QAction`s.
`CANVAS_KEYS` lists the keys the canvas handles itself (they are not actions but the help page shows them and
the shortcut test checks they collide with no action).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QAction, QBrush, QColor, QIcon, QKeySequence, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QStyle

from annotator.ui.translations import n as _n
from annotator.ui.translations import strip_mnemonic
from annotator.ui.translations import tr as _tr


@dataclass(frozen=True)
class ActionSpec:
    name: str
    menu: str
    text: str
    shortcuts: tuple[str, ...] = ()
    checkable: bool = False
    tip: str = ""


ACTION_SPECS: tuple[ActionSpec, ...] = (
    ActionSpec("open_image", "file", _n("&Open image..."), ("Ctrl+O",)),
    ActionSpec("open_folder", "file", _n("Open &folder..."), ("Ctrl+U",)),
    ActionSpec("change_save_dir", "file", _n("Change &save folder..."), ("Ctrl+R",)),
    ActionSpec("save", "file", _n("&Save"), ("Ctrl+S",)),
    ActionSpec("save_format_voc", "file", _n("Save as Pascal &VOC"), (), True),
    ActionSpec("save_format_yolo", "file", _n("Save as &YOLO"), (), True),
    ActionSpec("save_format_createml", "file", _n("Save as &CreateML"), (), True),
    ActionSpec("autosave", "file", _n("&Autosave"), (), True),
    ActionSpec("delete_image", "file", _n("&Delete image to trash..."), ("Ctrl+Shift+Delete",)),
    ActionSpec("quit", "file", _n("&Quit"), ("Ctrl+Q",)),
    ActionSpec("undo", "edit", _n("&Undo"), ("Ctrl+Z",)),
    ActionSpec("redo", "edit", _n("&Redo"), ("Ctrl+Shift+Z", "Ctrl+Y")),
    ActionSpec("create_box", "edit", _n("Create &box"), ("W",)),
    ActionSpec("edit_label", "edit", _n("&Edit label..."), ("Ctrl+E",)),
    ActionSpec("delete_box", "edit", _n("De&lete box"), ("Delete",)),
    ActionSpec("duplicate_box", "edit", _n("Dupli&cate box"), ("Ctrl+D",)),
    ActionSpec("copy_previous", "edit", _n("Copy &previous image's boxes"), ("Ctrl+Shift+V",)),
    ActionSpec("verify", "edit", _n("&Verify image"), ("Space",)),
    ActionSpec("single_class", "edit", _n("&Single-class mode"), (), True),
    ActionSpec("next_image", "navigate", _n("&Next image"), ("D",)),
    ActionSpec("prev_image", "navigate", _n("&Previous image"), ("A",)),
    ActionSpec("next_unlabelled", "navigate", _n("Next &unlabelled image"), ("Shift+D",)),
    ActionSpec("zoom_in", "view", _n("Zoom &in"), ("Ctrl++", "Ctrl+=")),
    ActionSpec("zoom_out", "view", _n("Zoom &out"), ("Ctrl+-",)),
    ActionSpec("fit_window", "view", _n("&Fit window"), ("Ctrl+F",)),
    ActionSpec("fit_width", "view", _n("Fit &width"), ("Ctrl+Shift+F",)),
    ActionSpec("zoom_original", "view", _n("&100%"), ("Ctrl+0",)),
    ActionSpec("show_boxes", "view", _n("Show &boxes"), ("Ctrl+H",), True),
    ActionSpec("show_labels", "view", _n("Show &label text"), ("Ctrl+Shift+L",), True),
    ActionSpec("language_system", "view", _n("Language: system"), (), True),
    ActionSpec("language_en", "view", _n("Language: English"), (), True),
    ActionSpec("language_ko", "view", _n("Language: Korean"), (), True),
    ActionSpec("shortcuts_help", "help", _n("&Keyboard shortcuts"), ("F1",)),
    ActionSpec("about", "help", _n("&About"), ()),
)

MENU_TITLES = {
    "file": _n("&File"),
    "edit": _n("&Edit"),
    "navigate": _n("&Navigate"),
    "view": _n("&View"),
    "help": _n("&Help"),
}

CANVAS_KEYS: tuple[tuple[str, str], ...] = (
    ("W, drag", _n("Draw a box (hold Shift for a square)")),
    ("Esc", _n("Cancel drawing or dragging")),
    ("Left/Right/Up/Down", _n("Nudge the selected box by 1 pixel")),
    ("Shift+Left/Right/Up/Down", _n("Nudge the selected box by 10 pixels")),
    ("Ctrl+Wheel", _n("Zoom around the cursor")),
    ("Wheel, Shift+Wheel", _n("Scroll vertically / horizontally")),
    ("Middle drag, Space+drag", _n("Pan")),
    ("Double-click", _n("Edit the label of a box")),
)
"""Keys the canvas handles itself: (keys as shown, description)."""


class WindowActions:
    """The window's `QAction`s by name (``actions.save``), plus the specs they came from."""

    def __init__(self, parent: QObject) -> None:
        self._actions: dict[str, QAction] = {}
        self.specs = {spec.name: spec for spec in ACTION_SPECS}
        for spec in ACTION_SPECS:
            action = QAction(_tr(spec.text), parent)
            action.setObjectName(spec.name)
            if spec.shortcuts:
                action.setShortcuts([QKeySequence(s) for s in spec.shortcuts])
            action.setCheckable(spec.checkable)
            self._actions[spec.name] = action

    def __getattr__(self, name: str) -> QAction:
        try:
            return self.__dict__["_actions"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __iter__(self):
        return iter(self._actions.values())

    def in_menu(self, menu: str) -> list[QAction]:
        return [self._actions[s.name] for s in ACTION_SPECS if s.menu == menu]

    def retranslate(self) -> None:
        for spec in ACTION_SPECS:
            action = self._actions[spec.name]
            action.setText(_tr(spec.text))
            action.setToolTip(tooltip_with_shortcut(action))
            action.setIconText(strip_mnemonic(action.text()).rstrip("."))  # toolbar: no "(F)" left of "(&F)"


def tooltip_with_shortcut(action: QAction) -> str:
    """``"Next image (D)"``: the action's text without mnemonics, plus its first shortcut when it has one."""
    text = strip_mnemonic(action.text()).rstrip(".")
    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    return f"{text} ({keys})" if keys else text


_ICONS: dict[str, tuple[str, str]] = {
    "open_folder": ("document-open-folder", "SP_DirOpenIcon"),
    "save": ("document-save", "SP_DialogSaveButton"),
    "prev_image": ("go-previous", "SP_ArrowBack"),
    "next_image": ("go-next", "SP_ArrowForward"),
    "verify": ("emblem-ok", "SP_DialogApplyButton"),
    "zoom_in": ("zoom-in", ""),
    "zoom_out": ("zoom-out", ""),
    "fit_window": ("zoom-fit-best", ""),
    "create_box": ("draw-rectangle", ""),
}


def toolbar_icon(name: str, style) -> QIcon:
    """The icon theme's icon for action ``name``, else Qt's standard one, else a small drawn one (a desktop
    without an icon theme still gets an icon for every toolbar button)."""
    theme, standard = _ICONS.get(name, ("", ""))
    if theme and QIcon.hasThemeIcon(theme):
        return QIcon.fromTheme(theme)
    if standard:
        return style.standardIcon(getattr(QStyle.StandardPixmap, standard))
    return _drawn_icon(name)


def _drawn_icon(name: str) -> QIcon:
    pixmap = QPixmap(32, 32)
    pixmap.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(QColor(40, 40, 40), 2.5)
    painter.setPen(pen)
    if name == "create_box":
        painter.setBrush(QBrush(QColor(40, 170, 60), Qt.BrushStyle.BDiagPattern))
        painter.drawRect(QRectF(5, 7, 22, 18))
    elif name in ("zoom_in", "zoom_out"):
        painter.drawEllipse(QRectF(4, 4, 18, 18))
        painter.drawLine(QPointF(19, 19), QPointF(28, 28))
        painter.drawLine(QPointF(8, 13), QPointF(18, 13))
        if name == "zoom_in":
            painter.drawLine(QPointF(13, 8), QPointF(13, 18))
    else:  # fit window: four corners
        for x, y, dx, dy in ((4, 4, 1, 1), (28, 4, -1, 1), (4, 28, 1, -1), (28, 28, -1, -1)):
            painter.drawLine(QPointF(x, y), QPointF(x + 8 * dx, y))
            painter.drawLine(QPointF(x, y), QPointF(x, y + 8 * dy))
    painter.end()
    return QIcon(pixmap)


def shortcut_table(
    actions: WindowActions, extra: list[QAction] | tuple[QAction, ...] = ()
) -> list[tuple[str, str]]:
    """Every shortcut of the window as ``(keys, what it does)``, generated from the live actions (plus
    ``extra`` ones other parts added to the window) and `CANVAS_KEYS`, so the help page never goes stale."""
    rows: list[tuple[str, str]] = []
    for action in [*actions, *extra]:
        keys = [s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts()]
        if keys:
            rows.append((", ".join(keys), strip_mnemonic(action.text()).rstrip(".")))
    rows += [(keys, _tr(text)) for keys, text in CANVAS_KEYS]
    return rows
