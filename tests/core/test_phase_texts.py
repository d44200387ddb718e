"""Plain-language training phases and curve names (no Qt): what the progress bar, the log and the legends say."""

from __future__ import annotations

from annotator.core.phase_texts import PHASE_TEXTS, batch_text, curve_name, phase_line, phase_name


def test_every_phase_the_trainer_reports_has_a_plain_name():
    # The phases `models.training` emits (progress.py documents them; the worker adds "starting").
    for phase in ("starting", "loading", "features", "heads", "fine_tune", "full"):
        assert phase in PHASE_TEXTS
        assert "_" not in phase_name(phase) and phase_name(phase) != phase
    assert phase_name("heads") == "training the new layers"
    assert phase_name("fine_tune") == "fine-tuning the pretrained network"
    assert phase_name("full") == "training the whole network"


def test_phase_line_names_the_phase_and_counts_epochs_in_words():
    assert phase_line("heads", 3, 20) == "training the new layers: epoch 3 of 20"
    assert phase_line("full", 1, 60) == "training the whole network: epoch 1 of 60"
    assert phase_line("features") == "passing the images through the pretrained network once"
    assert phase_line("features", 0, 0) == phase_line("features")  # no epochs while caching features
    assert phase_line("", 2, 5) == "epoch 2 of 5"
    assert phase_line("some_new_phase", 1, 2) == "some_new_phase: epoch 1 of 2"  # shown as it came, not lost
    assert phase_line("") == ""


def test_phase_line_goes_through_the_callers_translation():
    korean = {
        "training the new layers": "새 층 학습",
        "epoch {0} of {1}": "에포크 {0}/{1}",
        "{0}: {1}": "{0}: {1}",
    }
    assert phase_line("heads", 3, 20, tr=lambda s: korean.get(s, s)) == "새 층 학습: 에포크 3/20"


def test_batch_text_and_curve_names():
    assert batch_text(5, 12) == "batch 5 of 12" and batch_text(0, 12) == "" and batch_text(None, None) == ""
    assert curve_name("loss") == "total loss"
    assert curve_name("val_box_iou") == "box IoU (validation)"
    assert curve_name("cls_accuracy") == "class accuracy"
    assert (
        curve_name("val_refined_box_iou") == "refined box iou (validation)"
    )  # unknown: underscores to spaces
