"""Bad and edge-case input, by topic (seeds, memory, precision and numpy inputs, training, student notebooks):
each row is a call and its exact outcome (the exception and the parameter it names, or the value returned)."""
import hashlib
import os
import random

import nbformat
import numpy as np
import pytest

import rnnlab
from rnnlab import data
from rnnlab.cli import main
from rnnlab.instructor.student import build_student_notebooks
from rnnlab.instructor.tags import SOLUTION_TAG
from rnnlab.training import MAX_LR, TrainingDiverged

X3, Y2 = np.zeros((4, 5, 1), np.float32), np.zeros((4, 1), np.float32)


def check(thunk, expected):
    """``expected`` is (exception type, regex the message must match) or a predicate on the returned value."""
    if isinstance(expected, tuple):
        with pytest.raises(expected[0], match=expected[1]):
            thunk()
    else:
        assert expected(thunk())


def same_arrays(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a, b))


# ----------------------------------------------------------------------------- seeds

SEEDED = {
    "first_token_task": lambda seed: rnnlab.first_token_task(6, 4, seed=seed),
    "next_number_task": lambda seed: rnnlab.next_number_task(6, seed=seed),
    "adding_task": lambda seed: rnnlab.adding_task(6, 4, seed=seed),
    "train_val_split": lambda seed: rnnlab.train_val_split(np.arange(10.0)[:, None], np.arange(10.0), seed=seed),
}
SEEDS = [
    (-1, (ValueError, r"^seed must be an integer in \[0, 2\*\*32\), got -1$")),
    (2**32, (ValueError, r"^seed must be an integer in \[0, 2\*\*32\), got 4294967296$")),
    (1.0, (TypeError, r"^seed must be an integer in \[0, 2\*\*32\), got float 1.0$")),
    ("3", (TypeError, r"^seed must be an integer in \[0, 2\*\*32\), got str '3'$")),
    (None, (TypeError, r"^seed must be an integer in \[0, 2\*\*32\), got NoneType None$")),
    (True, (TypeError, r"^seed must be an integer in \[0, 2\*\*32\), got bool True$")),
    (np.bool_(False), (TypeError, r"^seed must be an integer in \[0, 2\*\*32\), got bool")),
]


@pytest.mark.parametrize("seed, expected", SEEDS, ids=[repr(s) for s, _ in SEEDS])
@pytest.mark.parametrize("name", SEEDED)
def test_bad_seeds_are_refused_naming_seed(name, seed, expected):
    check(lambda: SEEDED[name](seed), expected)


@pytest.mark.parametrize("name", SEEDED)
def test_numpy_and_largest_seeds_are_accepted(name):
    make = SEEDED[name]
    assert same_arrays(make(np.int64(5)), make(5)) and same_arrays(make(np.uint32(2**32 - 1)), make(2**32 - 1))


def test_models_and_train_validate_seeds(torch):
    check(lambda: rnnlab.build_model("rnn", seed=-1), (ValueError, r"^seed must be an integer in \[0, 2\*\*32\)"))
    check(lambda: rnnlab.build_model("rnn", seed=True), (TypeError, r"^seed must be an integer"))
    model = rnnlab.build_model("rnn", seed=np.int64(3))
    check(lambda: rnnlab.train(model, X3, Y2, seed=2**32, progress=False), (ValueError, r"^seed must be"))
    check(lambda: rnnlab.train(model, X3, Y2, seed=None, progress=False), (TypeError, r"^seed must be"))


# ----------------------------------------------------------------------------- memory

MEMORY = [
    (lambda: rnnlab.first_token_task(10**8, 20),
     (ValueError, r"^first_token_task\(n=100000000, seq_len=20\) needs about 22\.4 GiB of memory, more than the")),
    (lambda: rnnlab.next_number_task(10**8, seq_len=20),
     (ValueError, r"^next_number_task\(n=100000000, seq_len=20\) needs about 23\.5 GiB")),
    (lambda: rnnlab.adding_task(10**8, 20), (ValueError, r"^adding_task\(n=100000000, seq_len=20\) needs about 32\.0 GiB")),
    (lambda: rnnlab.first_token_task(1000, 300), lambda Xy: Xy[0].shape == (1000, 300, 1)),
]


@pytest.mark.parametrize("thunk, expected", MEMORY, ids=["first_token", "next_number", "adding", "accepted"])
def test_requests_beyond_memory_are_refused_with_the_number(thunk, expected):
    check(thunk, expected)


def test_the_memory_limit_is_the_smaller_of_the_ceiling_and_what_is_available(monkeypatch):
    monkeypatch.setattr(data, "MAX_DATA_BYTES", 10_000)
    check(lambda: rnnlab.first_token_task(100, 10),   # 12 bytes per value: 12 000 > 10 000
          (ValueError, r"needs about 0\.0 GiB of memory, more than the 0\.0 GiB limit \(rnnlab\.data\.MAX_DATA_BYTES\)"))
    check(lambda: rnnlab.first_token_task(80, 10), lambda Xy: Xy[0].shape == (80, 10, 1))
    monkeypatch.setattr(data, "_available_bytes", lambda: 5_000)
    check(lambda: rnnlab.first_token_task(80, 10), (ValueError, r"more than the 0\.0 GiB available now"))


# ----------------------------------------------------------------------------- float32 precision, numpy inputs

def steps_are(step):
    return lambda Xy: (np.diff(Xy[0][..., 0], axis=1) == step).all() and (Xy[1][:, 0] - Xy[0][:, -1, 0] == step).all()


DATA_CASES = [
    ("start near 1e9", lambda: rnnlab.next_number_task(5, start_range=(10**9, 10**9 + 100)),
     (ValueError, r"^start_range=\(1000000000, 1000000100\) with step=1 and seq_len=3 reaches 1e\+09, beyond 2\*\*24")),
    ("step 1e39", lambda: rnnlab.next_number_task(5, step=1e39),
     (ValueError, r"^start_range=\(0, 100\) with step=1e\+39 and seq_len=3 reaches 3e\+39, beyond 2\*\*24")),
    ("step lost", lambda: rnnlab.next_number_task(5, start_range=(1000, 1100), step=1e-5),
     (ValueError, r"^step=1e-05 is lost in float32")),
    ("start beyond int64", lambda: rnnlab.next_number_task(5, start_range=(0, 2**70)),
     (ValueError, r"^start_range\[1\] must be <= 9223372036854775807")),
    ("just below 2**24", lambda: rnnlab.next_number_task(50, start_range=(2**24 - 10, 2**24 - 4)), steps_are(1)),
    ("fractional step", lambda: rnnlab.next_number_task(50, start_range=(10**6, 10**6 + 9), step=0.5), steps_are(0.5)),
    ("numpy start_range", lambda: rnnlab.next_number_task(9, start_range=np.array([5, 9])),
     lambda Xy: same_arrays(Xy, rnnlab.next_number_task(9, start_range=(5, 9)))),
    ("2-d start_range", lambda: rnnlab.next_number_task(9, start_range=np.array([[5, 9]])),
     (TypeError, r"^start_range must be a \(low, high\) pair of integers")),
    ("float start_range", lambda: rnnlab.next_number_task(9, start_range=np.array([5.0, 9.0])),
     (TypeError, r"^start_range\[0\] must be an integer")),
    ("np.bool_ n", lambda: rnnlab.first_token_task(np.True_, 5), (TypeError, r"^n must be an integer, got bool")),
    ("np.bool_ shuffle", lambda: rnnlab.train_val_split(np.arange(10.0)[:, None], np.arange(10.0), shuffle=np.False_),
     lambda parts: np.array_equal(parts[0][:, 0], np.arange(2, 10))),
    ("int shuffle", lambda: rnnlab.train_val_split(X3, Y2, shuffle=1), (TypeError, r"^shuffle must be True or False")),
    ("0-d X", lambda: rnnlab.train_val_split(np.array(3.0), np.array(1.0)),
     (ValueError, r"^X must be an array, got a single number")),
    ("X beyond float32", lambda: rnnlab.train_val_split(np.full((4, 1), 1e39), np.zeros(4)),
     (ValueError, r"^X has values beyond the float32 range")),
    ("Scaler near 1e9", lambda: rnnlab.Scaler().fit(np.array([1e9, 1e9 + 1, 1e9 + 2])),
     (ValueError, r"^values span only 2 at magnitude 1e\+09, where float32 rounds by up to 32")),
    ("Scaler near 1e7", lambda: rnnlab.Scaler("standard").fit([[1e7], [1e7 + 37], [1e7 + 100]]),
     lambda sc: np.array_equal(sc.inverse_transform(sc.transform([[1e7 + 37]])), [[1e7 + 37]])),
    ("Scaler 1e39", lambda: rnnlab.Scaler().fit([1.0, 1e39]), (ValueError, r"^values reach 1e\+39, beyond the float32")),
    ("inverse overflow", lambda: rnnlab.Scaler().fit([0.0, 1e30]).inverse_transform([1e10]),
     (ValueError, r"^inverse_transform\(values\) gives values beyond the float32 range")),
    ("transform a number", lambda: rnnlab.Scaler().fit([0.0, 10.0]).transform(5.0), lambda v: v == np.float32(0.5)),
]


@pytest.mark.parametrize("thunk, expected", [c[1:] for c in DATA_CASES], ids=[c[0] for c in DATA_CASES])
def test_data_precision_and_numpy_inputs(thunk, expected):
    check(thunk, expected)


def test_history_head_is_checked():
    check(lambda: rnnlab.History(head="banana"), (ValueError, r"^head must be one of \['binary', 'regression'\]"))


@pytest.mark.parametrize("backend", ["torch", "keras"])
def test_build_model_leaves_the_global_generators_alone(backend, request):
    request.getfixturevalue(backend)
    import torch

    def draw():
        return random.random(), np.random.random(), torch.rand(1).item()

    random.seed(11), np.random.seed(11), torch.manual_seed(11)
    expected = draw()
    random.seed(11), np.random.seed(11), torch.manual_seed(11)
    rnnlab.build_model("lstm", backend, hidden_size=2, seed=0)
    assert draw() == expected


# ----------------------------------------------------------------------------- train

@pytest.fixture(scope="module")
def models(torch, keras):
    """Binary and regression models on both backends: 1 input, 1 output (no training happens before the checks)."""
    return {(b, h): rnnlab.build_model("gru", b, hidden_size=2, head=h) for b in ("torch", "keras")
            for h in ("binary", "regression")}


TRAIN_CASES = [
    # (id, head, kwargs, (exception, regex))
    ("y columns", "regression", dict(y=np.zeros((4, 3))),
     (ValueError, r"^y has 3 columns \(shape \(4, 3\)\) but the model has 1 output$")),
    ("y_val columns", "regression", dict(X_val=X3, y_val=np.zeros((4, 2))), (ValueError, r"^y_val has 2 columns")),
    ("y_val labels", "binary", dict(X_val=X3, y_val=Y2 + 0.5), (ValueError, r"^y_val must hold 0/1 labels")),
    ("X features", "binary", dict(X=np.zeros((4, 5, 3))),
     (ValueError, r"^X has 3 features per step \(shape \(4, 5, 3\)\) but the model takes input_size=1$")),
    ("X_val features", "binary", dict(X_val=np.zeros((4, 5, 2)), y_val=Y2), (ValueError, r"^X_val has 2 features")),
    ("target -1", "binary", dict(X_val=X3, y_val=Y2, target=-1), (ValueError, r"^target must be in \(0, 1\], got -1\.0$")),
    ("target 1.5", "binary", dict(X_val=X3, y_val=Y2, target=1.5), (ValueError, r"^target must be in \(0, 1\], got 1\.5$")),
    ("target 0", "regression", dict(X_val=X3, y_val=Y2, target=0), (ValueError, r"^target must be in \(0, inf\], got 0\.0")),
    ("lr 1e38", "binary", dict(lr=1e38), (ValueError, r"^lr must be in \(0, 10\.0\], got 1e\+38$")),
    ("head mismatch", "binary", dict(head="regression"),
     (ValueError, r"^head='regression' but the model was built with head='binary'$")),
    ("progress string", "binary", dict(progress="no"), (TypeError, r"^progress must be True or False")),
]


@pytest.mark.parametrize("backend", ["torch", "keras"])
@pytest.mark.parametrize("head, kwargs, expected", [c[1:] for c in TRAIN_CASES], ids=[c[0] for c in TRAIN_CASES])
def test_train_checks_data_against_the_model(models, backend, head, kwargs, expected):
    kwargs = {"X": X3, "y": Y2, "progress": False, **kwargs}
    check(lambda: rnnlab.train(models[backend, head], **kwargs), expected)


def test_train_accepts_the_limits(models):
    history = rnnlab.train(models["torch", "binary"], X3, Y2, X_val=X3, y_val=Y2, target=1.0, lr=MAX_LR, epochs=1,
                           progress=np.True_)
    assert history.target == 1.0 and len(history.records) == 1


def test_train_refuses_models_it_cannot_check(torch, keras):
    expected = (TypeError, r"^train needs a model from rnnlab\.build_model \(a single recurrent layer 'rnn' and a linear "
                           r"'head'\), got LSTM: model must be an rnnlab torch model")
    check(lambda: rnnlab.train(torch.nn.LSTM(1, 2, batch_first=True), X3, Y2, head="binary"), expected)
    sequential = keras.Sequential([keras.Input((5, 1)), keras.layers.LSTM(2), keras.layers.Dense(1)])
    check(lambda: rnnlab.train(sequential, X3, Y2, head="binary"),
          (TypeError, r"^train needs a model from rnnlab\.build_model .* got Sequential: .*no layer named 'rnn'"))


@pytest.mark.parametrize("backend", ["torch", "keras"])
def test_divergence_stops_training_with_the_epoch_and_lr(models, backend, capsys):
    from tqdm import tqdm

    X, y = rnnlab.next_number_task(64, seed=0)
    model = rnnlab.build_model("rnn", backend, head="regression", hidden_size=4)
    seen = []
    with pytest.raises(TrainingDiverged, match=r"^training diverged: loss became inf at epoch 1; lower lr \(now 0\.01\), "
                                               r"set clip_norm or scale the data$") as info:
        rnnlab.train(model, X / 100, y * 1e18, X_val=X / 100, y_val=y / 100, epochs=5, lr=0.01, on_epoch=seen.append)
    assert isinstance(info.value, FloatingPointError)
    assert [r["epoch"] for r in info.value.history.records] == [1] and info.value.history.records[0]["loss"] == np.inf
    assert seen == [], "on_epoch never receives a diverged record"
    assert not tqdm._instances, "the progress bar is closed"


def test_a_model_with_nan_weights_is_refused(torch):
    model = rnnlab.build_model("lstm", "torch", hidden_size=2)
    with torch.no_grad():
        model.rnn.weight_hh_l0[0, 0] = float("nan")
    check(lambda: rnnlab.train(model, X3, Y2, progress=False),
          (ValueError, r"^the model's weights hold NaN or inf \(a diverged run leaves them so\); build a new model$"))


# ----------------------------------------------------------------------------- student notebooks

def notebook(path, solution="answer = 42"):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Exercise"),
                                         nbformat.v4.new_code_cell(solution, metadata={"tags": [SOLUTION_TAG]})])
    nbformat.write(nb, str(path))
    return path


@pytest.fixture
def src(tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    notebook(folder / "a.ipynb")
    notebook(folder / "b.ipynb")
    return folder


def digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def hard_link(src, out, force):
    out.mkdir()
    os.link(src / "a.ipynb", out / "a.ipynb")
    return build_student_notebooks(src, out, force=force)


def symlink(src, out, force):
    out.mkdir()
    (out / "b.ipynb").symlink_to(src / "b.ipynb")
    return build_student_notebooks(src, out, force=force)


def existing(src, out, force):
    out.mkdir()
    notebook(out / "a.ipynb", "my own edits")
    return build_student_notebooks(src, out, force=force)


def folder_symlink(src, out, force):
    out.symlink_to(src)
    return build_student_notebooks(src, out, force=force)


def parent_is_a_file(src, out, force):
    (out.parent / "file").write_text("x")
    return build_student_notebooks(src, out.parent / "file" / "sub", force=force)


STUDENT_REFUSALS = [
    ("hard link", hard_link, False, r"a\.ipynb: is the same file as the source .*src/a\.ipynb \(a hard link or symlink\)"),
    ("hard link, force", hard_link, True, r"a\.ipynb: is the same file as the source"),
    ("symlink, force", symlink, True, r"b\.ipynb: is the same file as the source .*src/b\.ipynb"),
    ("folder symlink", folder_symlink, True, r"out: the output folder is the source folder"),
    ("existing file", existing, False, r"out: 1 of the output notebooks already exist \(a\.ipynb\); use --force"),
    ("empty out", lambda src, out, force: build_student_notebooks(src, "", force=force), False, r"^out is empty"),
    ("file-system error", parent_is_a_file, False, r"file/sub: cannot write the student notebooks: Not a directory"),
]


@pytest.mark.parametrize("make, force, message", [c[1:] for c in STUDENT_REFUSALS], ids=[c[0] for c in STUDENT_REFUSALS])
def test_refused_student_runs_leave_everything_as_it_was(src, tmp_path, make, force, message):
    before = digest(src)
    out = tmp_path / "out"
    out_before = digest(out) if out.is_dir() else None
    with pytest.raises(ValueError, match=message):
        make(src, out, force)
    assert digest(src) == before, "the sources are byte-identical"
    assert out_before is None or digest(out) == out_before
    if out.is_dir() and not out.is_symlink():
        assert not any(p.name.endswith(".tmp") for p in out.iterdir())
        assert not (out / "b.ipynb").exists() or (out / "b.ipynb").is_symlink(), "nothing written (no half output)"
    assert sorted(p.name for p in tmp_path.iterdir()) in (["src"], ["out", "src"], ["file", "src"])


def test_force_replaces_files_without_writing_through_links(src, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    backup = notebook(tmp_path / "backup.ipynb", "kept")
    os.link(backup, out / "a.ipynb")           # a hard link to a file that is not a source
    backup_bytes = backup.read_bytes()
    written = build_student_notebooks(src, out, force=True)
    assert [p.name for p in written] == ["a.ipynb", "b.ipynb"]
    assert backup.read_bytes() == backup_bytes, "the other name of the replaced file is untouched"
    assert all(len(nbformat.read(p, as_version=4).cells) == 1 for p in written)
    assert sorted(p.name for p in out.iterdir()) == ["a.ipynb", "b.ipynb"]


def test_a_failed_write_leaves_no_output(src, tmp_path, monkeypatch):
    calls = []

    def failing_write(nb, fp, **kwargs):
        calls.append(fp)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_write(nb, fp, **kwargs)

    real_write = nbformat.write
    monkeypatch.setattr(nbformat, "write", failing_write)
    with pytest.raises(ValueError, match=r"out: cannot write the student notebooks: No space left on device$"):
        build_student_notebooks(src, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


def test_student_flags_accept_numpy_booleans(src, tmp_path):
    assert len(build_student_notebooks(src, tmp_path / "out", clear_outputs=np.True_, force=np.False_)) == 2
    check(lambda: build_student_notebooks(src, tmp_path / "o", force="yes"), (TypeError, r"^force must be True or False"))


def test_cli_refuses_to_overwrite_in_one_line(src, tmp_path, capsys):
    assert main(["student", str(src), "--out", str(tmp_path / "out")]) == 0
    capsys.readouterr()
    assert main(["student", str(src), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rnnlab: error: ") and err.count("\n") == 1 and "already exist (a.ipynb, b.ipynb)" in err
