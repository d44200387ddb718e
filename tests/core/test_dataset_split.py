"""train_val_split: deterministic, written as VOC ImageSets/Main lists, reused and updated on later calls."""

from __future__ import annotations

import os

import pytest

from annotator.core.dataset import train_val_split

IDS = [f"flower_{i:05d}" for i in range(50)]


def read_list(path) -> list[str]:
    return path.read_text(encoding="utf-8").split()


def test_first_split_is_deterministic_and_written(tmp_path):
    a = tmp_path / "a"
    b = tmp_path / "b"
    train, val = train_val_split(a, IDS, val_fraction=0.2, seed=3)
    assert len(val) == 10 and len(train) == 40
    assert set(train) | set(val) == set(IDS) and not set(train) & set(val)
    assert train == sorted(train) and val == sorted(val)
    main = a / "ImageSets" / "Main"
    assert read_list(main / "train.txt") == train
    assert read_list(main / "val.txt") == val
    assert (main / "train.txt").read_text().endswith("\n")
    # Same ids in another order, same seed, elsewhere: the same split.
    assert train_val_split(b, list(reversed(IDS)), val_fraction=0.2, seed=3) == (train, val)
    # Another seed: another split.
    assert train_val_split(tmp_path / "c", IDS, val_fraction=0.2, seed=4)[1] != val


def test_existing_lists_are_reused_even_with_another_seed(tmp_path):
    first = train_val_split(tmp_path, IDS, seed=0)
    assert train_val_split(tmp_path, IDS, seed=99) == first


def test_lists_written_by_another_tool_are_respected(tmp_path):
    main = tmp_path / "ImageSets" / "Main"
    main.mkdir(parents=True)
    (main / "train.txt").write_text("\n".join(IDS[:45]) + "\n")
    (main / "val.txt").write_text("\r\n".join(IDS[45:]) + "\r\n")
    train, val = train_val_split(tmp_path, IDS, val_fraction=0.5)
    assert val == IDS[45:] and train == IDS[:45]


def test_new_ids_are_dealt_out_and_vanished_ids_dropped(tmp_path):
    train0, val0 = train_val_split(tmp_path, IDS, val_fraction=0.2)
    gone = {train0[0], val0[0]}
    new = [f"rose_{i}" for i in range(10)]
    ids = [i for i in IDS if i not in gone] + new
    train, val = train_val_split(tmp_path, ids, val_fraction=0.2)
    assert set(train) | set(val) == set(ids) and not set(train) & set(val)
    assert not gone & (set(train) | set(val))
    # Nobody moves: old ids stay on their side.
    assert set(train0) - gone <= set(train) and set(val0) - gone <= set(val)
    assert len(val) == round(len(ids) * 0.2)  # 58 ids -> 12 in validation: 9 kept + 3 new
    assert read_list(tmp_path / "ImageSets" / "Main" / "val.txt") == val
    # Deterministic: the same call on a copy of the old lists deals the new ids out the same way.
    other = tmp_path / "other"
    train_val_split(other, IDS, val_fraction=0.2)
    assert train_val_split(other, ids, val_fraction=0.2) == (train, val)


def test_unchanged_lists_are_not_rewritten(tmp_path):
    train_val_split(tmp_path, IDS)
    path = tmp_path / "ImageSets" / "Main" / "train.txt"
    os.utime(path, (1_000_000, 1_000_000))
    train_val_split(tmp_path, IDS)
    assert path.stat().st_mtime == 1_000_000


def test_small_and_edge_fractions(tmp_path):
    assert train_val_split(tmp_path / "two", ["a", "b"], val_fraction=0.2) in ((["a"], ["b"]), (["b"], ["a"]))
    assert train_val_split(tmp_path / "one", ["a"], val_fraction=0.2) == (["a"], [])
    assert train_val_split(tmp_path / "none", IDS, val_fraction=0.0) == (IDS, [])
    assert train_val_split(tmp_path / "all", IDS, val_fraction=1.0) == ([], IDS)
    assert train_val_split(tmp_path / "empty", [], val_fraction=0.2) == ([], [])
    assert train_val_split(tmp_path / "dup", ["a", "a", "b", "c"], val_fraction=0.34)[1].__len__() == 1


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="got 1.5"):
        train_val_split(tmp_path, IDS, val_fraction=1.5)
    with pytest.raises(ValueError, match="white space"):
        train_val_split(tmp_path, ["my photo"])
    assert not (tmp_path / "ImageSets").exists()


def test_write_false_computes_without_touching_the_folder(tmp_path):
    assert train_val_split(tmp_path, IDS, write=False) == train_val_split(tmp_path / "x", IDS)
    assert not (tmp_path / "ImageSets").exists()
    first = train_val_split(tmp_path, IDS, seed=1)
    train, val = train_val_split(tmp_path, IDS + ["new_1"], seed=1, write=False)
    assert "new_1" in train + val
    assert "new_1" not in (tmp_path / "ImageSets" / "Main" / "train.txt").read_text()
    assert train_val_split(tmp_path, IDS, seed=5, write=False) == first  # existing lists honoured
