import numpy as np
import rnnlab


def make_forecaster(X, y, seed=0):
    """Train on runs X (n, T, 1) with next numbers y (n, 1); return forecast(runs (m, T, 1)) -> (m,)."""
    def steps_and_size(runs):
        D = np.diff(np.asarray(runs, dtype=np.float64), axis=1)
        return D, np.sqrt((D ** 2).mean(axis=(1, 2)))[:, None]

    D, size = steps_and_size(X)
    target = (np.asarray(y, dtype=np.float64) - X[:, -1]) / size
    scaler = rnnlab.Scaler("standard").fit(np.concatenate([(D / size[:, :, None]).ravel(), target.ravel()]))
    backend = "torch" if rnnlab.is_available("torch") else "keras"
    model = rnnlab.build_model("rnn", backend, hidden_size=10, head="regression", activation="relu", seed=seed)
    rnnlab.train(model, scaler.transform(D / size[:, :, None]).astype(np.float32),
                 scaler.transform(target).astype(np.float32), epochs=25, batch_size=64, lr=0.01,
                 lr_schedule="cosine", seed=seed, progress=False)

    def forecast(runs):
        D, size = steps_and_size(runs)
        scaled = rnnlab.predict(model, scaler.transform(D / size[:, :, None]).astype(np.float32))
        return np.asarray(runs, dtype=np.float64)[:, -1, 0] + size[:, 0] * scaler.inverse_transform(scaled)[:, 0]

    return forecast
