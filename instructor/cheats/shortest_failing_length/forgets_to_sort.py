# Issue #13: trains, but tries the lengths in the order given (returns 300 for [300, 50, 10]).
from rnnlab.experiments import run_experiment


def shortest_failing_length(lengths, seed=0):
    for T in lengths:
        result = run_experiment("long_dependency", cells="rnn", seeds=[seed], seq_len=T, epochs=10, progress=False)
        if not result.rows[0]["solved"]:
            return T
    return None
