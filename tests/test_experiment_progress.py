"""run_experiment's bars: with several runs in this process, each run shows its epoch bar under the bar over runs,
so a notebook cell that trains a few models is never silent while a run trains."""
import pytest

from rnnlab import experiments


def _progress_seen(monkeypatch, **kwargs):
    seen = []
    real = experiments._RUNNERS["long_dependency"]

    def spy(run, progress):
        seen.append(progress)
        return real(run, progress)

    monkeypatch.setitem(experiments._RUNNERS, "long_dependency", spy)
    experiments.run_experiment("long_dependency", cells=["rnn", "lstm"], seeds=1, seq_len=5, hidden_size=4,
                               epochs=1, **kwargs)
    return seen


def test_every_run_in_this_process_gets_its_epoch_bar(monkeypatch):
    pytest.importorskip("torch")
    assert _progress_seen(monkeypatch, progress=True) == [True, True]


def test_no_bars_when_progress_is_off(monkeypatch):
    pytest.importorskip("torch")
    assert _progress_seen(monkeypatch, progress=False) == [False, False]


def test_worker_processes_turn_their_bars_off(monkeypatch):
    seen = []
    monkeypatch.setattr(experiments, "execute", lambda run, progress: (seen.append(progress), None))
    monkeypatch.setattr(experiments, "use_one_thread", lambda: None)
    experiments._execute_in_worker(0, type("Run", (), {"backend": "keras"})(), parent_pid=-1, progress=True)
    assert seen == [False]
