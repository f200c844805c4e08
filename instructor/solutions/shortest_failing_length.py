from rnnlab.experiments import run_experiment


def shortest_failing_length(lengths, seed=0):
    """The shortest T in `lengths` at which the simple RNN fails within 10 epochs, or None."""
    for T in sorted(lengths):
        result = run_experiment("long_dependency", cells="rnn", seeds=[seed], seq_len=T, epochs=10, progress=False)
        if not result.rows[0]["solved"]:
            return T
    return None
