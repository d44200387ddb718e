"""Greedy box matching of many images at once, in pycocotools' order, without a Python loop per detection.

Within one image, detections are matched one after another, most confident first: each takes the still free
ground-truth box with the highest IoU (at least the threshold; on equal IoU the later box, as pycocotools
does). Detections of different images never compete for a box. So the r-th detection of *every* image can be
matched in one numpy step ("round" r): a threshold change costs as many rounds as the most detections one
image holds, each a few array operations, instead of one Python step per detection (137 ms -> a few ms for
1,000 images; ``benchmarks/bench_eval_views.py``).

`PairTable` holds every (detection, ground-truth box) pair of the same image with its IoU, sorted once by
(detection rank in its image, detection, IoU, box); `greedy_match` walks it round by round.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PairTable:
    """(detection, ground-truth box) pairs of the same image, flat over all images.

    Attributes:
        det: global detection index (detections numbered image after image, most confident first).
        gt: global ground-truth index (boxes numbered image after image, in stored order).
        iou: their IoU.
        rank: the detection's position in its image (0: its most confident detection).
        bounds: start of each run of equal ``rank`` plus the end (pairs are sorted by rank first).
    """

    det: np.ndarray
    gt: np.ndarray
    iou: np.ndarray
    rank: np.ndarray
    bounds: np.ndarray

    @classmethod
    def build(cls, det: np.ndarray, gt: np.ndarray, iou: np.ndarray, rank: np.ndarray) -> PairTable:
        """Sort pairs for `greedy_match`: by rank, detection, IoU, then box, so the last pair of a detection
        that is still allowed is its choice (highest IoU, the later box on ties)."""
        order = np.lexsort((gt, iou, det, rank))
        return cls._sorted(det[order], gt[order], iou[order], rank[order])

    @classmethod
    def _sorted(cls, det, gt, iou, rank) -> PairTable:
        starts = np.flatnonzero(np.diff(rank)) + 1 if len(rank) else np.zeros(0, np.int64)
        bounds = (
            np.concatenate([[0], starts, [len(rank)]]).astype(np.int64)
            if len(rank)
            else np.zeros(1, np.int64)
        )
        return cls(det, gt, iou, rank, bounds)

    def subset(self, keep: np.ndarray) -> PairTable:
        """The pairs where ``keep`` is true, in the same order."""
        return PairTable._sorted(self.det[keep], self.gt[keep], self.iou[keep], self.rank[keep])

    def __len__(self) -> int:
        return len(self.det)


def greedy_match(pairs: PairTable, taken: np.ndarray, det_active: np.ndarray | None = None) -> np.ndarray:
    """Match detections to free boxes in pycocotools' order; every pair given counts as allowed.

    Args:
        pairs: the allowed pairs (already restricted to the IoU threshold and, for class-aware matching, to
            pairs of the same class).
        taken: (n_gt,) bool, boxes already matched; updated in place.
        det_active: (n_det,) bool, detections that take part (None: all of them).

    Returns:
        Indices into ``pairs`` of the matched pairs (each detection and each box at most once).
    """
    chosen = []
    bounds = pairs.bounds
    for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        free = ~taken[pairs.gt[lo:hi]]
        if det_active is not None:
            free &= det_active[pairs.det[lo:hi]]
        idx = np.flatnonzero(free)
        if not len(idx):
            continue
        det = pairs.det[lo + idx]
        last = np.ones(len(idx), bool)
        last[:-1] = det[1:] != det[:-1]
        pick = lo + idx[last]
        taken[pairs.gt[pick]] = True
        chosen.append(pick)
    return np.concatenate(chosen) if chosen else np.zeros(0, np.int64)
