"""The mistake finder: known mistakes in a crafted dataset rank first; the CLI writes the documented JSON."""

from __future__ import annotations

import json
import shutil

import numpy as np

from annotator import cli
from annotator.core.evaluation import ImageResult
from annotator.core.mistakes import MistakeEntry, mark_ok, read_mistakes
from models.mistakes import rank_mistakes


def _crafted():
    rng = np.random.default_rng(0)
    images = []
    for k in range(30):
        gt = np.array([[10, 10, 60, 60], [100, 100, 170, 160]], float)
        det = gt + rng.normal(0, 2, gt.shape)
        images.append(
            ImageResult(f"i{k}", gt, np.array([0, 1]), det, np.array([0.95, 0.9]), np.array([0, 1]))
        )
    images[3].gt_classes = np.array([1, 1])  # the daisy labelled rose
    images[5].gt_boxes, images[5].gt_classes = (
        images[5].gt_boxes[:1],
        images[5].gt_classes[:1],
    )  # rose unlabelled
    images[7].gt_boxes = images[7].gt_boxes + np.array([[25, 0, 25, 0], [0, 0, 0, 0]])  # daisy box shifted
    return images


def test_known_mistakes_rank_first():
    entries = rank_mistakes(_crafted(), ["daisy", "rose"])
    top = {(e.image, e.kind) for e in entries[:3]}
    assert top == {("i3", "swapped"), ("i5", "overlooked"), ("i7", "badly_located")}
    by_kind = {e.kind: e for e in entries[:3]}
    assert by_kind["swapped"].label == "rose" and by_kind["swapped"].suggested == "daisy"
    assert by_kind["overlooked"].label is None and by_kind["overlooked"].box is None
    assert by_kind["overlooked"].suggested == "rose"
    np.testing.assert_allclose(by_kind["overlooked"].suggested_box, [100, 100, 170, 160], atol=8)
    assert by_kind["badly_located"].box == (35.0, 10.0, 85.0, 60.0)
    scores = [e.score for e in entries]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)
    # the clean images raise nothing above the crafted ones
    assert all(e.image in {"i3", "i5", "i7"} for e in entries[:3])


def test_marked_entries_are_left_out_of_the_next_report(tmp_path):
    from models.mistakes import mistake_report

    images = _crafted()
    first = mistake_report(images, ["daisy", "rose"], marks_root=tmp_path, source="crafted")
    assert [e.image for e in first.entries[:3]] and first.skipped_ok == 0
    mark_ok(tmp_path, first.entries[0])
    again = mistake_report(images, ["daisy", "rose"], marks_root=tmp_path, source="crafted")
    assert again.skipped_ok == 1 and again.entries == first.entries[1:]


def test_cli_with_a_model_writes_the_json_of_its_val_split(scratch_run, tiny_voc, tmp_path, capsys):
    _, _, model = scratch_run
    out = tmp_path / "m.json"
    data_copy = tmp_path / "data"  # marks live beside the data: a copy keeps the session dataset untouched
    shutil.copytree(tiny_voc, data_copy)
    mark_ok(data_copy, MistakeEntry("img_0000", "swapped", "daisy", (1, 2, 3, 4), "roses", None, 0.9))
    assert cli.main(["mistakes", str(data_copy), "--model", str(model), "--out", str(out)]) == 0
    raw = json.loads(out.read_text(encoding="utf-8"))
    val = (tiny_voc / "ImageSets" / "Main" / "val.txt").read_text(encoding="utf-8").split()
    assert raw["n_images"] == len(val) and raw["format"] == "flower-annotator-mistakes"
    assert raw["source"] == "model model.keras on its val split" and raw["skipped_ok"] == 0
    report = read_mistakes(out)
    assert {e.image for e in report.entries} <= set(val)
    assert "likely mistakes in 5 images" in capsys.readouterr().out
    # a marks file that cannot be read is one error line, and nothing is written
    (data_copy / ".flower_annotator" / "mistakes_ok.json").write_text("{not json", encoding="utf-8")
    out.unlink()
    assert cli.main(["mistakes", str(data_copy), "--model", str(model), "--out", str(out)]) == 2
    assert "mistakes_ok.json" in capsys.readouterr().err and not out.exists()
    assert (
        cli.main(["mistakes", str(tiny_voc), "--model", str(tmp_path / "no.keras"), "--out", str(out)]) == 2
    )
    assert "error:" in capsys.readouterr().err


def test_injected_mistakes_in_files_are_found_by_the_benchmark_scoring(tmp_path):
    """The benchmark's injection and recall code on a generated folder, with a model that sees the truth: the
    finder puts every injected mistake in its top N; the label-blind confidence ranking cannot find the swaps."""
    from annotator.core import voc
    from annotator.core.resources import predefined_classes
    from annotator.core.sample_data import generate
    from benchmarks.bench_mistakes import confidence_ranking, finder_ranking, inject_mistakes, recall_at

    folder = tmp_path / "flowers"
    generate(folder, 40, seed=3, max_flowers=2, image_size=(160, 120))
    truth = {f.stem: voc.read(f).objects for f in folder.glob("*.xml")}
    injected = inject_mistakes(folder, 0.1, seed=1)
    kinds = [m.kind for m in injected]
    assert kinds.count("swapped") == kinds.count("overlooked") == kinds.count("badly_located") >= 4
    names = predefined_classes()
    images = []
    for stem, objects in sorted(truth.items()):
        labelled = voc.read(folder / f"{stem}.xml").objects
        assert len(labelled) == len(objects) - sum(
            m.image == stem and m.kind == "overlooked" for m in injected
        )
        images.append(
            ImageResult(
                stem,
                np.array([o.xyxy() for o in labelled]).reshape(-1, 4),
                np.array([names.index(o.name) for o in labelled], int),
                np.array([o.xyxy() for o in objects]).reshape(-1, 4),
                np.full(len(objects), 0.9),
                np.array([names.index(o.name) for o in objects], int),
            )
        )
    n = len(injected)
    finder = finder_ranking(images, names)
    assert recall_at(finder, injected, n) == {"swapped": 1.0, "overlooked": 1.0, "badly_located": 1.0}
    assert recall_at(finder, injected, n, same_kind=True)["swapped"] == 1.0
    assert recall_at(confidence_ranking(images), injected, n)["swapped"] < 0.5
