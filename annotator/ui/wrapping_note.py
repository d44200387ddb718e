"""A read-only note that wraps anywhere, so a long file name or path never widens a narrow panel.

A word-wrapped QLabel breaks lines only between words: a name like
``mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5`` is one word, and the label asks for its
whole width (the Training panel then scrolled sideways at 1366 x 768). `WrappingNote` breaks between words where it
can and inside a word where it must, is as tall as its text at the width it gets, and its text can be selected and
copied exactly as written (the user may need the file name).
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPalette, QTextOption
from PySide6.QtWidgets import QFrame, QSizePolicy, QTextEdit, QWidget


class WrappingNote(QTextEdit):
    """Plain text shown like a QLabel (no frame, the panel's background), wrapped at the width it is given.

    `setText` / `text` read like a QLabel's, so the note can stand where a label stood.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.viewport().setAutoFillBackground(False)
        self.setBackgroundRole(QPalette.ColorRole.Window)
        self.document().setDocumentMargin(0)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.document().contentsChanged.connect(self.updateGeometry)

    def setText(self, text: str) -> None:  # noqa: N802 - QLabel's name
        self.setPlainText(text)

    def text(self) -> str:
        return self.toPlainText()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        frame = 2 * self.frameWidth()
        document = self.document().clone()
        document.setTextWidth(max(width - frame, 1))
        return int(document.size().height() + 0.999) + frame

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        width = max(self.fontMetrics().averageCharWidth() * 30, 1)
        return QSize(width, self.heightForWidth(self.width() if self.width() > 1 else width))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(self.fontMetrics().averageCharWidth() * 8, self.fontMetrics().lineSpacing())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self.height() != self.heightForWidth(self.width()):
            self.updateGeometry()
