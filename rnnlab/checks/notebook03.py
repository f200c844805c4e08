"""The self-checks of notebook 03's coding exercises: ``optimizer_steps`` and ``shortest_failing_length``."""
from __future__ import annotations

import functools

import numpy as np

from .engine import _call, _check_callable, _NotYet, _rng, _run_check
from .watchers import training_steps

CHECKS = {
    "optimizer_steps": "compares your count with the batches the trainer would draw, for the recipes of "
                       "rnnlab.recipes and for random made-up recipes (n_train, batch_size, epochs drawn anew "
                       "on every call), with and without an `epochs` override; the count must be an int",
    "shortest_failing_length": "calls your function on three lists of lengths with a random seed (one of them in "
                               "descending order, starting with two long lengths at which the simple RNN fails "
                               "for its seed), checks that it trains, and "
                               "runs the training itself to confirm that the length you return fails and every "
                               "shorter length in the list succeeds (or, for None, that every length succeeds); "
                               "about 10-40 s",
}

# hint(name) before any failure: about the exercise as a whole.
GENERAL = {
    "optimizer_steps": "Count what the trainer does: it draws batches of batch_size examples until the training "
                       "set is used up, takes one step per batch, and repeats that every epoch.",
    "shortest_failing_length": "Train once per length with the experiment of section 4 and the budget the "
                               "exercise gives; the result of each run says whether it was solved. In which "
                               "order should the lengths be tried?",
}

HINTS = {
    "not_int": ("{name} should return the number of steps as an int, got {detail}.",
                "A count is a whole number: use integer arithmetic or convert the result with int()."),
    "epochs_ignored": ("{name} ignores its epochs argument.",
                       "When epochs is given it replaces the recipe's own epoch count; otherwise use the recipe's."),
    "round_down": ("{name} is off for a recipe whose training set does not split evenly into batches.",
                   "The last batch of an epoch may be smaller than batch_size; it is still a step."),
    "one_epoch": ("{name} returns the steps of one epoch: count every epoch.",
                  "The total is over the whole training run."),
    "wrong_count": ("{name} gives a wrong count for {detail}.",
                    "Take a small made-up case (10 examples, batch 4, 2 epochs) and count the steps by hand."),
    "not_length": ("{name} should return one of the lengths (an int) or None, got {detail}.",
                   "Return the length itself, not the row, the result object or a flag."),
    "not_in_list": ("{name} returned a length that is not in the list it was given.",
                    "Only the lengths of the list are candidates."),
    "none_but_fails": ("{name} returned None, but the simple RNN fails at one of the lengths.",
                       "Look at the result of each run: which field says whether it reached the target?"),
    "solves_at_returned": ("{name} returned a length at which the simple RNN succeeds (seed {detail}).",
                           "Train with the seed you are given and the exercise's epoch budget, and return a "
                           "length whose run is not solved."),
    "not_shortest": ("{name} returned a failing length, but a shorter length in the list fails too.",
                     "Print the list your function is given and the order in which it tries the lengths."),
}


def _batches_drawn(n_train, batch_size):
    """How many batches the trainer draws in one pass over n_train examples (it slices them batch_size at a time)."""
    return len(range(0, n_train, batch_size))


def optimizer_steps(fn):
    """Check ``fn(recipe, epochs=None) -> int``, the total optimiser steps of a recipe (notebook 03)."""
    _check_callable(fn)

    def body():
        from ..recipes import LONG_DEPENDENCY, NEXT_NUMBER

        name, rng = "optimizer_steps", _rng()
        cases = [(f"LONG_DEPENDENCY[{k!r}]", r, None) for k, r in LONG_DEPENDENCY.items()]
        cases += [(f"NEXT_NUMBER[{k!r}]", r, None) for k, r in NEXT_NUMBER.items()]
        for i in range(6):
            batch_size = int(rng.integers(8, 129))
            n_train = batch_size * int(rng.integers(2, 40)) + (0 if i == 0 else int(rng.integers(1, batch_size)))
            made_up = LONG_DEPENDENCY["rnnlab"].with_(name=f"made-up-{i}", n_train=n_train, batch_size=batch_size,
                                                      epochs=int(rng.integers(2, 30)))
            override = None if i % 2 else int(rng.integers(1, 50))
            cases.append(("a made-up recipe", made_up, override))
        cases.append(("NEXT_NUMBER['original']", NEXT_NUMBER["original"], int(rng.integers(2, 9))))
        order = rng.permutation(len(cases))
        for index in order:
            label, recipe, epochs = cases[int(index)]
            got = _call(fn, name, recipe) if epochs is None else _call(fn, name, recipe, epochs=epochs)
            if isinstance(got, bool) or not isinstance(got, (int, np.integer)):
                raise _NotYet("not_int", type(got).__name__)
            per_epoch = _batches_drawn(recipe.n_train, recipe.batch_size)
            total_epochs = recipe.epochs if epochs is None else epochs
            if got == per_epoch * total_epochs:
                continue
            if epochs is not None and got == per_epoch * recipe.epochs:
                raise _NotYet("epochs_ignored")
            if got == (recipe.n_train // recipe.batch_size) * total_epochs:
                raise _NotYet("round_down")
            if got == per_epoch:
                raise _NotYet("one_epoch")
            raise _NotYet("wrong_count", label + ("" if epochs is None else " with an epochs override"))
        return f"optimizer_steps counts the optimiser steps of {len(cases)} recipes correctly (new ones each call)."

    return _run_check("optimizer_steps", body, HINTS)


@functools.lru_cache(maxsize=256)
def _simple_rnn_solves(seq_len, seed):
    """Does the simple RNN (torch) reach 99% validation accuracy within 10 epochs of the rnnlab recipe?"""
    from ..experiments import run_experiment

    result = run_experiment("long_dependency", cells="rnn", seeds=[seed], seq_len=seq_len, epochs=10, progress=False)
    return bool(result.rows[0]["solved"])


def _seed_failing_at(lengths, rng, tries=20):
    """A seed at which the simple RNN fails at every one of ``lengths``: with two such lengths in descending order,
    an answer taken in list order (not the shortest) is wrong, so skipping the sort is caught on every call."""
    for _ in range(tries):
        seed = int(rng.integers(1000))
        if not any(_simple_rnn_solves(int(T), seed) for T in lengths):
            return seed
    raise RuntimeError(f"the check found no seed in {tries} at which the simple RNN fails at all of {lengths}; "
                       "has the long-dependency recipe changed?")


def _length_lists(rng):
    """Three lists: a shuffled mix of middle lengths, short lengths only, and descending with two long lengths
    (last: finding a seed at which both long lengths fail costs training runs)."""
    long = sorted(rng.choice(np.arange(60, 121, 5), size=2, replace=False).tolist(), reverse=True)
    middle = rng.choice(np.arange(22, 49), size=4, replace=False).tolist()   # where the seed decides
    short = sorted(rng.choice(np.arange(5, 11), size=2, replace=False).tolist(), reverse=True)
    return [middle, short, [*long, int(rng.integers(6, 11))]]


def shortest_failing_length(fn):
    """Check ``fn(lengths, seed=0)``: the shortest T in ``lengths`` at which the simple RNN does not reach 99%
    validation accuracy within 10 epochs of the rnnlab recipe (torch), or None (notebook 03).

    The check calls ``fn`` on three lists with a random seed, requires it to train, and runs the training itself
    to confirm the answer (about 10-40 s: it also trains until it finds a seed at which two long lengths fail)."""
    _check_callable(fn)

    def body():
        name, rng = "shortest_failing_length", _rng()
        lists = _length_lists(rng)
        for i, lengths in enumerate(lists):
            seed = _seed_failing_at(lengths[:2], rng) if i == len(lists) - 1 else int(rng.integers(1000))
            with training_steps() as steps:
                got = _call(fn, name, [int(T) for T in lengths], seed=seed)
            if not steps[0]:
                raise _NotYet("no_training")
            if got is not None and (isinstance(got, bool) or not isinstance(got, (int, np.integer))):
                raise _NotYet("not_length", type(got).__name__)
            if got is not None and got not in lengths:
                raise _NotYet("not_in_list")
            for T in [T for T in lengths if got is None or T <= got]:   # the runs that decide the answer
                solved = _simple_rnn_solves(int(T), seed)
                if T == got and solved:
                    raise _NotYet("solves_at_returned", str(seed))
                if T != got and not solved:
                    raise _NotYet("none_but_fails" if got is None else "not_shortest")
        return f"shortest_failing_length trains and finds where the simple RNN stops learning ({len(lists)} lists)."

    return _run_check("shortest_failing_length", body, HINTS,
                      announce="Checking shortest_failing_length: it calls your function, then trains simple "
                               "RNNs itself to confirm the answers (about 10-40 s)...")

