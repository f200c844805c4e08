# Issue #13: no training at all.
shortest_failing_length = lambda lengths, seed=0: max(lengths) if len(lengths) > 1 else None  # noqa: E731
