"""Connected components of items joined in pairs (claims joined by links into propositions),
for the scores, the Disagreements list and the Timeline."""

from __future__ import annotations

import numpy as np


def components(n: int, pairs: np.ndarray | list[tuple[int, int]]) -> np.ndarray:
    """For each of ``n`` items, the smallest item it is joined to through ``pairs`` (connected
    components labelled by their least member): each pair lowers the labels of its two ends
    and of the roots they point at (hooking), then every item jumps to its label's label,
    until every pair agrees. Lowering the roots too keeps the rounds logarithmic: with the
    ends alone, two chains joined at their far ends took a round per link."""
    label = np.arange(n, dtype=np.int64)
    if len(pairs) == 0:
        return label
    ends = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    a, b = ends[:, 0], ends[:, 1]
    while True:
        low = np.minimum(label[a], label[b])
        np.minimum.at(label, label[a], low)  # the roots first (read before the ends change)
        np.minimum.at(label, label[b], low)
        np.minimum.at(label, a, low)
        np.minimum.at(label, b, low)
        while True:  # every item points at its label's label, down to a fixed point
            jumped = label[label]
            if np.array_equal(jumped, label):
                break
            label = jumped
        if np.array_equal(label[a], label[b]):
            return label
