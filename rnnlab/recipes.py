"""Named training recipes: the classic demos as published ("original") and the ones that work ("rnnlab")."""
from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Recipe:
    """Everything about a run except the cell, backend, seed, sequence length and hidden size."""

    name: str
    description: str
    n_train: int
    n_val: int
    batch_size: int
    lr: float
    epochs: int
    clip_norm: float | None = None
    encoding: str = "binary"          # first-token task: inputs in {0,1} or {-1,+1}
    forget_bias: object = "default"   # gated cells only
    activation: str = "tanh"
    scaling: str = "none"             # next-number task: Scaler method
    lr_schedule: str = "constant"
    jit_compile: bool = False         # Keras: XLA pays off on long sequences only

    def with_(self, **changes):
        return replace(self, **changes)


LONG_DEPENDENCY = {
    "original": Recipe(
        "original", "the classic PyTorch demo: {0,1} inputs, default init, full batch, Adam 1e-2, 20 epochs",
        n_train=1000, n_val=1000, batch_size=1000, lr=1e-2, epochs=20, jit_compile=True),
    "rnnlab": Recipe(
        "rnnlab", "±1 inputs, chrono forget-gate init, minibatches of 32, Adam 1e-2, gradient clipping at 1",
        n_train=2048, n_val=512, batch_size=32, lr=1e-2, epochs=150, clip_norm=1.0,
        encoding="signed", forget_bias="chrono", jit_compile=True),
}

NEXT_NUMBER = {
    "original": Recipe(
        "original", "the classic Keras demo: unscaled numbers, relu cells, Adam 1e-3, batch 32, 10 epochs",
        n_train=1000, n_val=200, batch_size=32, lr=1e-3, epochs=10, activation="relu"),
    "rnnlab": Recipe(
        "rnnlab", "standardised numbers, relu cells, 4000 sequences, Adam 1e-1 with cosine decay, batch 64, 25 epochs",
        n_train=4000, n_val=200, batch_size=64, lr=1e-1, lr_schedule="cosine", epochs=25, activation="relu",
        scaling="standard"),
}
