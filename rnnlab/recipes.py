"""Named training recipes: the classic demos as they are usually written ("original") and the ones that work ("rnnlab")."""
from __future__ import annotations

from dataclasses import dataclass, fields, replace


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

ADDING = {
    "rnnlab": Recipe(
        "rnnlab", "the long-dependency recipe on the adding problem: chrono init, minibatches of 32 over 4096 "
        "sequences, Adam 1e-2, gradient clipping at 1, 20 epochs",
        n_train=4096, n_val=512, batch_size=32, lr=1e-2, epochs=20, clip_norm=1.0, forget_bias="chrono",
        jit_compile=True),
}

# Fields that only say how a run is measured or compiled, not how the model learns.
_NOT_A_CHANGE = ("name", "description", "n_val", "jit_compile")


def changes(recipes):
    """The fields in which ``recipes['rnnlab']`` differs from ``recipes['original']``: {field: (original, rnnlab)}."""
    old, new = recipes["original"], recipes["rnnlab"]
    return {f.name: (getattr(old, f.name), getattr(new, f.name)) for f in fields(Recipe)
            if f.name not in _NOT_A_CHANGE and getattr(old, f.name) != getattr(new, f.name)}


def ablations(recipes):
    """One-change variants: ``original+FIELD`` takes one field from the rnnlab recipe, ``rnnlab-FIELD`` puts
    one field back to the original's. Derived from :func:`changes`, so the list cannot drift from the recipes."""
    out = {}
    for field_name, (old, new) in changes(recipes).items():
        for base, sign, value in (("original", "+", new), ("rnnlab", "-", old)):
            name = f"{base}{sign}{field_name}"
            out[name] = recipes[base].with_(name=name, description=f"{base} with {field_name}={value!r}",
                                            **{field_name: value})
    return out
