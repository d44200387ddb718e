"""`flower-annotator evaluate --report DIR` and the per-class / confusion figures of `--json`."""

from __future__ import annotations

import base64
import csv
import json
from html.parser import HTMLParser

import cv2
import numpy as np

from annotator import cli
from annotator.core import voc


class _Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.srcs, self.links, self.tables = [], [], 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.srcs.append(a.get("src", ""))
        if tag in ("link", "script") or (tag == "a" and a.get("href", "").startswith("http")):
            self.links.append(tag)
        self.tables += tag == "table"


def test_report_written_inline_and_json_figures(scratch_run, tiny_voc, tmp_path, capsys):
    _, _, model = scratch_run
    out = tmp_path / "report"
    assert cli.main(["evaluate", str(model), str(tiny_voc), "--json", "--report", str(out)]) == 0
    result = json.loads(capsys.readouterr().out)
    names = result["confusion"]["labels"][:-1]
    assert result["confusion"]["labels"][-1] == "background"
    matrix = np.array(result["confusion"]["matrix"])
    n_gt = {n: 0 for n in names}
    for xml in tiny_voc.glob("*.xml"):
        for obj in voc.read(xml).objects:
            n_gt[obj.name] += 1
    assert {n: result["per_class"][n]["n_gt"] for n in names} == n_gt
    # every labelled box is in exactly one cell of its row: found, another class, or missed
    assert matrix[:-1].sum(axis=1).tolist() == [n_gt[n] for n in names]
    for n in names:
        fig = result["per_class"][n]
        assert 0.0 <= fig["ap50"] <= 1.0 and 0.0 <= fig["recall"] <= 1.0

    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["report.html", "confusion.png", "pr_curves.png", "iou_histogram.png", "per_class.csv", "images.csv"]
    )
    parser = _Images()
    parser.feed((out / "report.html").read_text(encoding="utf-8"))
    assert len(parser.srcs) == 3 and parser.links == [] and parser.tables >= 2
    for src in parser.srcs:
        assert src.startswith("data:image/png;base64,")
        png = np.frombuffer(base64.b64decode(src.split(",", 1)[1]), np.uint8)
        assert cv2.imdecode(png, cv2.IMREAD_COLOR).shape[0] > 100
    rows = list(csv.DictReader((out / "images.csv").open(encoding="utf-8")))
    assert len(rows) == 24 and set(rows[0]) == {
        "image",
        "matches",
        "misses",
        "false_alarms",
        "wrong_classes",
        "mean_iou",
    }
    ids = {xml.stem for xml in tiny_voc.glob("*.xml")}
    assert {r["image"] for r in rows} == ids
    # one labelled box per image: each is a match, a miss or a wrong class
    assert all(int(r["matches"]) + int(r["misses"]) + int(r["wrong_classes"]) == 1 for r in rows)
    classes = list(csv.DictReader((out / "per_class.csv").open(encoding="utf-8")))
    assert [r["class"] for r in classes] == names
    assert float(classes[0]["ap50"]) == round(result["per_class"][names[0]]["ap50"], 4)


def test_bad_threshold_is_a_one_line_error(tmp_path, capsys):
    try:
        rc = cli.main(["evaluate", str(tmp_path / "m.keras"), str(tmp_path), "--score-threshold", "2"])
    except SystemExit as exc:  # argparse's own exit
        rc = exc.code
    assert rc == 2
    err = capsys.readouterr().err
    assert "--score-threshold" in err and "'2'" in err and "Traceback" not in err
