"""The training curves for someone who has never trained a model: the window's palette, whole-number epochs on
the x axis, legends outside the plots (never over a line, never cut off), phases named in plain words.

Fed the progress events the worker sends (`ProgressEvent.to_message` dicts, decoded by
`ProgressEvent.from_message` as the client decodes them), through the client's own ``progress`` signal into the
dock, as in a real run.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QPalette

from annotator.core.worker_messages import ProgressEvent
from annotator.ui.model.features import install_model_features
from annotator.ui.model.training_curves import TrainingCurves

LOSS_KEYS = ("loss", "box_loss", "cls_loss", "grid_loss", "mask_loss")
METRIC_KEYS = ("box_iou", "cls_accuracy", "mask_miou")


def _event(
    kind: str, phase: str, epoch: int = 0, epochs: int = 0, step: float = 0.0, **extra
) -> ProgressEvent:
    losses = {k: 2.0 - step + i for i, k in enumerate(LOSS_KEYS)}
    losses.update({f"val_{k}": v + 0.1 for k, v in losses.items()})
    metrics = {k: 0.2 + step / 10 for k in METRIC_KEYS}
    metrics.update({f"val_{k}": v - 0.05 for k, v in metrics.items()})
    return ProgressEvent.from_message(
        {
            "kind": kind,
            "phase": phase,
            "epoch": epoch,
            "epochs": epochs,
            "batch": extra.get("batch", 0),
            "batches": extra.get("batches", 0),
            "losses": losses if kind == "epoch" else {},
            "metrics": {**metrics, "learning_rate": 0.001} if kind == "epoch" else {},
            "eta_s": extra.get("eta_s"),
            "message": extra.get("message", ""),
        }
    )


@pytest.fixture
def features(window):
    f = install_model_features(window)
    yield f
    f.client.shutdown()


def _feed(qtbot, f, events: list[ProgressEvent]) -> None:
    for e in events:
        f.client.progress.emit(e)
    curves = f.training_dock.curves
    qtbot.waitUntil(
        lambda: not curves._curve_queue and len(curves._curves) == 2 * len(LOSS_KEYS + METRIC_KEYS)
    )


def _two_phase_run() -> list[ProgressEvent]:
    events = [_event("phase", "heads", 0, 2, message="2 epochs of 1 batches")]
    events += [_event("epoch", "heads", e, 2, step=e / 10) for e in (1, 2)]
    events += [_event("epoch", "fine_tune", e, 5, step=(2 + e) / 10) for e in range(1, 6)]
    return events


def _in(widget, ancestor) -> QRect:
    return QRect(widget.mapTo(ancestor, widget.rect().topLeft()), widget.size())


def test_the_epoch_axis_has_whole_numbers_only(qtbot, window, features):
    dock = features.training_dock
    dock.tabs.setCurrentWidget(dock.curves)
    _feed(qtbot, features, _two_phase_run()[:2])  # one epoch: a view around x = 1
    for plot in (dock.curves.loss_plot, dock.curves.metric_plot):
        axis = plot.getAxis("bottom")
        lo, hi = plot.getViewBox().viewRange()[0]
        levels = axis.tickValues(lo, hi, 300)
        ticks = [v for _, values in levels for v in values]
        assert ticks and all(float(v).is_integer() for v in ticks), ticks
        assert all("." not in s for s in axis.tickStrings(ticks, 1.0, 1.0))
    _feed(qtbot, features, _two_phase_run()[2:])
    plot = dock.curves.loss_plot
    lo, hi = plot.getViewBox().viewRange()[0]
    for width in (80, 300, 1200):  # a narrow dock and a wide one
        ticks = [v for _, values in plot.getAxis("bottom").tickValues(lo, hi, width) for v in values]
        assert ticks and all(float(v).is_integer() for v in ticks) and max(ticks) <= 7


def test_legends_sit_outside_the_plots_and_are_not_cut_off(qtbot, window, features):
    dock = features.training_dock
    window.resize(1366, 768)
    dock.tabs.setCurrentWidget(dock.curves)
    _feed(qtbot, features, _two_phase_run())
    curves = dock.curves
    qtbot.waitUntil(lambda: curves.loss_legend.isVisible() and curves.loss_legend.height() > 0)
    for plot, legend, names in (
        (curves.loss_plot, curves.loss_legend, ("total loss", "box loss", "mask loss")),
        (curves.metric_plot, curves.metric_legend, ("box IoU", "class accuracy", "mask IoU")),
    ):
        assert plot.plotItem.legend is None  # nothing drawn inside the view box
        text = legend.text()
        assert all(name in text for name in names)
        body = curves.body  # what the curves tab shows (it scrolls when the dock is short)
        assert not _in(legend, body).intersects(_in(plot, body))
        assert legend.height() >= legend.heightForWidth(legend.width())  # every wrapped line has room
        assert _in(legend, body).bottom() <= body.height() and legend.width() <= body.width()
    assert curves.line_note.text() == "solid: training, dashed: validation"  # once, under both plots
    assert "learning rate" not in curves.loss_legend.text() + curves.metric_legend.text()
    assert len(curves.curve_data("val_box_iou")) == 7 and len(curves.curve_data("loss")) == 7


def test_phases_are_named_in_plain_words(qtbot, window, features):
    dock = features.training_dock
    events = _two_phase_run()
    features.client.progress.emit(_event("batch", "features", batch=3, batches=9, eta_s=65))
    assert dock.progress_bar.format() == (
        "passing the images through the pretrained network once  batch 3 of 9  ETA 1:05"
    )
    # said in a wrapped line under the bar, whole in a narrow panel (inside the bar it was cut)
    label = dock.progress_label
    assert label.text() == dock.progress_bar.format() and not dock.progress_bar.isTextVisible()
    assert label.wordWrap()
    _feed(qtbot, features, events[:3])
    assert dock.progress_bar.format() == "training the new layers: epoch 2 of 2"
    assert "[training the new layers] 2 epochs of 1 batches" in dock.log.toPlainText()
    _feed(qtbot, features, events[3:])
    assert dock.progress_bar.format() == "fine-tuning the pretrained network: epoch 5 of 5"
    assert dock.curves.phase_label.text() == (
        "epochs 1-2: training the new layers\nepochs 3-7: fine-tuning the pretrained network"
    )
    log = dock.log.toPlainText()
    assert "fine-tuning the pretrained network: epoch 3 of 5: " in log
    for internal in ("heads", "fine_tune", "(full)"):
        assert internal not in dock.progress_bar.format() + dock.curves.phase_label.text()
    window.actions.language_ko.trigger()
    try:
        assert dock.curves.phase_label.text().startswith("에포크 1-2: 새 층 학습")
        assert "상자 IoU" in dock.curves.metric_legend.text()
    finally:
        window.actions.language_en.trigger()


def test_the_plots_take_the_windows_palette(qtbot):
    curves = TrainingCurves()
    qtbot.addWidget(curves)
    base = curves.palette().color(QPalette.ColorRole.Base)
    assert curves.loss_plot.backgroundBrush().color() == base
    assert base.lightness() > 200  # the default light palette, not pyqtgraph's black
    dark = QPalette(curves.palette())
    dark.setColor(QPalette.ColorRole.Base, QColor(30, 30, 30))
    dark.setColor(QPalette.ColorRole.Text, QColor(230, 230, 230))
    curves.setPalette(dark)
    assert curves.metric_plot.backgroundBrush().color() == QColor(30, 30, 30)
    assert curves.loss_plot.getAxis("left").textPen().color() == QColor(230, 230, 230)


def test_a_started_run_gets_room_for_both_plots_with_their_tick_labels(qtbot, window, features, image_folder):
    """On a 1920 x 1080 screen's first window (1440 x 900): F9, then a run starting, gives the Training panel
    most of the side, and the Curves tab shows both plots whole, tick labels and all, with no scrolling; the
    scores read 0.2 - 0.8 (no "x0.001" prefix)."""
    window.resize(1440, 900)
    window.open_path(image_folder)
    window.place_side_docks(features.side_docks)  # as run_gui does
    dock, curves = features.training_dock, features.training_dock.curves
    features.training.toggle.open()  # what F9 does
    dock.tabs.setCurrentWidget(curves)  # what Start does, with the signal it sends
    dock.run_started.emit()
    _feed(qtbot, features, _two_phase_run())
    viewport = curves.body.parentWidget()
    qtbot.waitUntil(lambda: curves.body.height() <= viewport.height())
    for plot in (curves.loss_plot, curves.metric_plot):
        axis = plot.getAxis("bottom")
        assert _in(plot, viewport).bottom() <= viewport.height()  # the x tick labels are on screen
        assert axis.isVisible() and plot.height() >= 130
        assert not plot.getAxis("left").autoSIPrefix
    assert _in(curves.phase_label, viewport).bottom() <= viewport.height()
    assert dock.height() >= 0.6 * (dock.height() + window.file_dock.height() + window.box_dock.height())
