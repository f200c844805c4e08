"""Progress bars shared by the training loops of both adapters (tqdm: a text bar, or a widget in Jupyter)."""
from __future__ import annotations

import contextlib


def epoch_bar(epochs, progress):
    """The bar over a run's epochs; hidden when ``progress`` is False, gone from the screen once closed."""
    from tqdm.auto import tqdm

    # No time-remaining estimate: a run stops as soon as it is solved, and the first epoch of a Keras run includes
    # compiling, so an estimate over the whole budget said minutes for runs that took seconds.
    return tqdm(total=epochs, desc="epochs (stops once solved)", disable=not progress, leave=False,
                bar_format="{desc}: {n_fmt}/{total_fmt} |{bar}| {elapsed}")


def finish_bar(bar):
    """Close an epoch bar; a run that stopped early at its target is complete, not failed.

    tqdm's notebook bar turns red when closed before ``total``; an early stop is a success, so the
    total becomes the epochs actually run.
    """
    bar.total = bar.n
    bar.close()


@contextlib.contextmanager
def bars_closed_on_error():
    """Close the progress bars a failed or interrupted fit leaves open (the adapters close them only on success)."""
    from tqdm import tqdm

    before = set(tqdm._instances)
    try:
        yield
    except BaseException:
        for bar in set(tqdm._instances) - before:
            bar.close()
        raise
