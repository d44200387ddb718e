"""`flower-annotator sample-data` and the built-in sample dataset generated on first use."""

from __future__ import annotations

import json

from annotator.cli import main
from annotator.core import voc
from annotator.core.sample_data import MARKER_NAME, default_sample_dir, ensure_sample_dataset, output_paths


def test_cli_writes_images_xml_and_masks(tmp_path, capsys):
    out = tmp_path / "flowers"
    assert main(["sample-data", str(out), "--count", "3", "--seed", "5", "--max-flowers", "2"]) == 0
    assert "wrote 3 images" in capsys.readouterr().out
    for i in range(3):
        image, xml, mask = output_paths(out, i)
        assert image.is_file() and mask.is_file()
        assert 1 <= len(voc.read(xml).objects) <= 2


def test_cli_refuses_to_overwrite_without_force(tmp_path, capsys):
    out = tmp_path / "flowers"
    assert main(["sample-data", str(out), "--count", "2", "--seed", "1"]) == 0
    capsys.readouterr()
    xml = output_paths(out, 0)[1]
    xml.write_text("edited by hand", encoding="utf-8")
    assert main(["sample-data", str(out), "--count", "2", "--seed", "2"]) == 2
    err = capsys.readouterr().err
    assert "would overwrite" in err and "flower_00000.jpg" in err and "--force" in err
    assert xml.read_text(encoding="utf-8") == "edited by hand"
    assert main(["sample-data", str(out), "--count", "2", "--seed", "2", "--force"]) == 0
    assert voc.read(xml).objects


def test_cli_writes_into_a_folder_with_other_files(tmp_path):
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    assert main(["sample-data", str(tmp_path), "--count", "1"]) == 0
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_cli_bad_arguments_give_a_message_not_a_traceback(tmp_path, capsys):
    for argv, line in [
        (["--count", "-2"], "error: argument --count: must be a whole number from 0 to 99999, got '-2'"),
        (
            ["--max-flowers", "0"],
            "error: argument --max-flowers: must be a whole number from 1 to 8, got '0'",
        ),
        (["--count", "1", "--size", "8x8"], "error: argument --size: each side must be 32 to 8192 pixels"),
        (["--count", "1", "--size", "99999x32"], "error: argument --size: each side must be 32 to 8192"),
        (["--count", "1", "--size", "8000x8000"], "at most 16.8 MP, got '8000x8000'"),
        (["--seed", "x"], "error: argument --seed: expected a whole number, got 'x'"),
    ]:
        assert main(["sample-data", str(tmp_path / "a"), *argv]) == 2
        err = capsys.readouterr().err
        assert err.startswith(line) or (line in err and err.startswith("error: argument --size")), err
        assert err.count("\n") == 1 and "Traceback" not in err
    afile = tmp_path / "file.txt"
    afile.write_text("x", encoding="utf-8")
    assert main(["sample-data", str(afile), "--count", "1"]) == 2
    assert "not a folder" in capsys.readouterr().err
    assert not (tmp_path / "a").exists()


def test_cli_size_option(tmp_path):
    assert main(["sample-data", str(tmp_path), "--count", "1", "--size", "200x150"]) == 0
    ann = voc.read(output_paths(tmp_path, 0)[1])
    assert (ann.width, ann.height) == (200, 150)


def test_default_sample_dir_honours_env_and_xdg(tmp_path, monkeypatch):
    monkeypatch.setenv("FLOWER_ANNOTATOR_SAMPLE_DIR", str(tmp_path / "mine"))
    assert default_sample_dir() == tmp_path / "mine"
    monkeypatch.delenv("FLOWER_ANNOTATOR_SAMPLE_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_sample_dir() == tmp_path / "xdg" / "flower-annotator" / "sample"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_sample_dir() == tmp_path / "home" / ".local" / "share" / "flower-annotator" / "sample"


def test_sample_dataset_is_generated_once_and_regenerated_when_half_written(tmp_path, monkeypatch):
    folder = tmp_path / "sample"
    monkeypatch.setenv("FLOWER_ANNOTATOR_SAMPLE_DIR", str(folder))
    assert ensure_sample_dataset(count=3, seed=0) == folder
    marker = folder / MARKER_NAME
    assert json.loads(marker.read_text(encoding="utf-8"))["count"] == 3
    image, xml, mask = output_paths(folder, 2)
    assert image.is_file() and xml.is_file() and mask.is_file()

    # A complete dataset is never regenerated: the user's edits stay.
    xml.write_text("user edit", encoding="utf-8")
    ensure_sample_dataset(count=3, seed=0)
    assert xml.read_text(encoding="utf-8") == "user edit"

    # Without the marker (a killed first run), it is generated again, over the partial files.
    marker.unlink()
    image.unlink()
    ensure_sample_dataset(count=3, seed=0)
    assert image.is_file() and marker.is_file()
    assert voc.read(xml).objects
