"""`evaluate` on data whose classes are not the model's says so instead of printing meaningless figures."""

from __future__ import annotations

import json
import shutil

from annotator import cli
from annotator.core import voc


def _relabelled(tiny_voc, folder, rename):
    folder.mkdir()
    for xml in sorted(tiny_voc.glob("*.xml")):
        shutil.copy2(xml.with_suffix(".png"), folder / xml.with_suffix(".png").name)
        ann = voc.read(xml)
        for obj in ann.objects:
            obj.name = rename(obj.name)
        voc.write(ann, folder / xml.name)
    return folder


def test_no_shared_class_is_refused_with_both_class_lists(scratch_run, tiny_voc, tmp_path, capsys):
    _, _, model = scratch_run
    data = _relabelled(tiny_voc, tmp_path / "cacti", lambda name: "cactus")
    assert cli.main(["evaluate", str(model), str(data), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # no accuracy 0 / mIoU figures printed
    (line,) = captured.err.strip().splitlines()
    assert "none of them is labelled" in line and "cactus" in line


def test_partly_shared_classes_are_reported(scratch_run, tiny_voc, tmp_path, capsys):
    result, _, model = scratch_run
    first = result.class_names[0]
    data = _relabelled(tiny_voc, tmp_path / "mixed", lambda name: "cactus" if name == first else name)
    assert cli.main(["evaluate", str(model), str(data), "--json"]) == 0
    captured = capsys.readouterr()
    figures = json.loads(captured.out)
    assert figures["model_classes_not_in_data"] == [first]
    assert figures["data_classes_not_in_model"] == ["cactus"]
    assert "cactus" in captured.err and first in captured.err
