"""What a training run leaves behind: :class:`History`, one record per epoch, the same on both backends."""
from __future__ import annotations

from dataclasses import dataclass, field

from ._validation import check_choice

HEADS = ("binary", "regression")
"""The two heads a model can have: one logit per output (sigmoid cross-entropy) or a regression output."""


class TrainingDiverged(FloatingPointError):
    """A loss or metric became inf/NaN during :func:`train`; ``history`` holds the epochs run, that one included."""

    def __init__(self, message, history):
        super().__init__(message)
        self.history = history


@dataclass
class History:
    """Per-epoch records: epoch, steps, seconds (cumulative wall time), loss, val_loss and either
    accuracy/val_accuracy (binary head) or mae/val_mae (regression head)."""

    head: str
    target: float | None = None
    records: list = field(default_factory=list)

    def __post_init__(self):
        check_choice(self.head, "head", HEADS)

    def __getitem__(self, name):
        """The per-epoch values of one column, e.g. ``history['val_accuracy']``."""
        if not self.records or name not in self.records[0]:
            allowed = sorted(self.records[0]) if self.records else []
            raise KeyError(f"no column {name!r} in this history; columns: {allowed}")
        return [r[name] for r in self.records]

    @property
    def target_metric(self):
        return "val_accuracy" if self.head == "binary" else "val_loss"

    def reached(self, record):
        """True when ``record`` meets the target (accuracy at least, or loss at most, ``target``)."""
        if self.target is None or self.target_metric not in record:
            return False
        value = record[self.target_metric]
        return value >= self.target if self.head == "binary" else value <= self.target

    @property
    def solved(self):
        return any(self.reached(r) for r in self.records)

    @property
    def final(self):
        return self.records[-1] if self.records else {}

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame(self.records)
