import numpy as np
import pytest

from rnnlab import Scaler, adding_task, first_token_task, next_number_task, train_val_split


def test_first_token_label_is_first_input_in_both_encodings():
    Xb, yb = first_token_task(50, 12, seed=3, encoding="binary")
    Xs, ys = first_token_task(50, 12, seed=3, encoding="signed")
    assert Xb.shape == (50, 12, 1) and yb.shape == (50, 1)
    assert Xb.dtype == np.float32 and yb.dtype == np.float32
    assert set(np.unique(Xb)) == {0.0, 1.0} and set(np.unique(Xs)) == {-1.0, 1.0}
    np.testing.assert_array_equal(yb[:, 0], Xb[:, 0, 0])
    np.testing.assert_array_equal(Xs, 2 * Xb - 1)
    np.testing.assert_array_equal(yb, ys)


def test_same_seed_same_arrays_other_seed_other_arrays():
    a, _ = first_token_task(20, 30, seed=1)
    b, _ = first_token_task(20, 30, seed=1)
    c, _ = first_token_task(20, 30, seed=2)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_next_number_runs_and_target():
    X, y = next_number_task(200, seq_len=4, start_range=(5, 9), step=2, seed=0)
    assert X.shape == (200, 4, 1) and y.shape == (200, 1)
    np.testing.assert_array_equal(np.diff(X[..., 0], axis=1), 2)
    np.testing.assert_array_equal(y[:, 0], X[:, -1, 0] + 2)
    assert X[:, 0, 0].min() >= 5 and X[:, 0, 0].max() <= 8


def test_adding_task_target_is_sum_of_marked_values():
    X, y = adding_task(100, 20, seed=0)
    assert X.shape == (100, 20, 2)
    marks = X[..., 1]
    np.testing.assert_array_equal(marks.sum(axis=1), 2)
    assert (marks[:, :10].sum(axis=1) == 1).all()
    np.testing.assert_allclose(y[:, 0], (X[..., 0] * marks).sum(axis=1), rtol=1e-6)


def test_train_val_split_partitions_the_samples():
    X = np.arange(10, dtype=np.float32).reshape(10, 1, 1)
    Xtr, ytr, Xv, yv = train_val_split(X, X[:, 0], val_fraction=0.3, seed=0)
    assert len(Xv) == 3 and len(Xtr) == 7
    assert sorted(np.concatenate([Xtr, Xv]).ravel()) == list(range(10))
    np.testing.assert_array_equal(Xtr[:, 0], ytr)


@pytest.mark.parametrize("method", ["none", "minmax", "standard"])
def test_scaler_inverts(method):
    values = np.array([[3.0], [50.0], [102.0]], dtype=np.float32)
    scaler = Scaler(method).fit(values)
    scaled = scaler.transform(values)
    np.testing.assert_allclose(scaler.inverse_transform(scaled), values, atol=1e-4)  # float32 round trip
    if method == "minmax":
        assert scaled.min() == 0 and scaled.max() == 1
    if method == "none":
        np.testing.assert_array_equal(scaled, values)


def test_unfitted_scaler_says_so():
    with pytest.raises(ValueError, match="not fitted"):
        Scaler().transform([1.0])
