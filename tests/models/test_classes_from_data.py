"""Training takes its classes from the images it reads (not the five sample flowers), in natural order whatever
the split or the file order, saves them in the model file, and `evaluate` names the model's classes a dataset
does not have."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from annotator import cli
from annotator.core import voc
from annotator.core.natsort import natural_sorted

# 17 names that sort differently as plain strings, by first use and naturally (numbers, case, Korean).
SEVENTEEN = [
    "zebra",
    "class10",
    "Owl",
    "class2",
    "ant",
    "너구리",
    "Bee",
    "class1",
    "heron",
    "crane",
    "class20",
    "fox",
    "Deer",
    "badger",
    "mole",
    "class3",
    "otter",
]


def _relabelled(tiny_voc: Path, folder: Path, names: list[str], *, reverse: bool = False) -> Path:
    """``tiny_voc``'s images with box k (in file order, or reversed) named ``names[k % len(names)]``."""
    folder.mkdir()
    xmls = sorted(tiny_voc.glob("*.xml"))
    for k, xml in enumerate(reversed(xmls) if reverse else xmls):
        shutil.copy2(xml.with_suffix(".png"), folder / xml.with_suffix(".png").name)
        ann = voc.read(xml)
        for obj in ann.objects:
            obj.name = names[k % len(names)]
        voc.write(ann, folder / xml.name)
    return folder


def _train(data: Path, out: Path, seed: int) -> tuple[dict, str]:
    import contextlib
    import io

    args = ["train", str(data), "--out", str(out), "--backbone", "tiny_test", "--weights", "none"]
    args += ["--image-size", "32", "--epochs", "1", "--seed", str(seed), "--json"]
    out_text, err_text = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out_text), contextlib.redirect_stderr(err_text):
        assert cli.main(args) == 0
    return json.loads(out_text.getvalue().strip().splitlines()[-1]), err_text.getvalue() + out_text.getvalue()


@pytest.fixture(scope="module")
def seventeen(tiny_voc, tmp_path_factory):
    """A model trained on ``tiny_voc`` relabelled with the 17 classes: ``(folder, model, result, log)``."""
    root = tmp_path_factory.mktemp("seventeen")
    data = _relabelled(tiny_voc, root / "data", SEVENTEEN)
    result, log = _train(data, root / "m.keras", 0)
    return data, root / "m.keras", result, log


def test_seventeen_classes_train_seventeen_in_natural_order_saved_in_the_model(seventeen, tiny_voc, tmp_path):
    from models.modelfile import read_info

    _, model, result, log = seventeen
    expected = natural_sorted(SEVENTEEN)
    assert expected[:6] == ["ant", "badger", "Bee", "class1", "class2", "class3"]
    assert result["classes"] == expected
    assert read_info(model).class_names == expected  # what predict and the window read
    assert f"17 classes {', '.join(expected)}" in log

    # The same labels on other files in another order, another seed, and a split that leaves five classes
    # (each on one image only) to validation: the same class indices, and those five named.
    again = _relabelled(tiny_voc, tmp_path / "reordered", SEVENTEEN, reverse=True)
    names = {x.stem: voc.read(x).objects[0].name for x in again.glob("*.xml")}
    once = [i for i, n in sorted(names.items()) if list(names.values()).count(n) == 1][:5]
    main = again / "ImageSets" / "Main"
    main.mkdir(parents=True)
    (main / "val.txt").write_text("".join(f"{i}\n" for i in once))
    (main / "train.txt").write_text("".join(f"{i}\n" for i in sorted(names) if i not in once))
    second, second_log = _train(again, tmp_path / "b.keras", 7)
    assert second["classes"] == expected and second["n_val"] == 5
    missing = [c for c in expected if c in {names[i] for i in once}]
    assert len(missing) == 5 and f"no training image has {', '.join(missing)}" in second_log


def test_evaluate_names_the_model_classes_the_data_lacks(seventeen, tiny_voc, tmp_path, capsys):
    _, model, _, _ = seventeen
    few = _relabelled(tiny_voc, tmp_path / "few", ["heron", "Owl", "walrus"])
    assert cli.main(["evaluate", str(model), str(few), "--json", "--no-refine"]) == 0
    captured = capsys.readouterr()
    figures = json.loads(captured.out)
    lacking = [c for c in natural_sorted(SEVENTEEN) if c not in {"heron", "Owl"}]
    assert figures["model_classes_not_in_data"] == lacking
    assert figures["data_classes_not_in_model"] == ["walrus"]
    assert "walrus" in captured.err and "badger" in captured.err
