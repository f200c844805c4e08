# A correct answer computed with Keras 3 operations in float32 (on the configured backend): must get full marks.
from keras import ops


def gru_step_cho(x_t, h, w):
    t = lambda a: ops.convert_to_tensor(a, dtype="float32")  # noqa: E731
    x_t, h, w = t(x_t), t(h), {k: t(v) for k, v in w.items()}
    lin = lambda a, m: ops.matmul(a, ops.transpose(m))  # noqa: E731
    r = ops.sigmoid(lin(x_t, w["W_r"]) + lin(h, w["U_r"]) + w["b_r"])
    z = ops.sigmoid(lin(x_t, w["W_z"]) + lin(h, w["U_z"]) + w["b_z"])
    n = ops.tanh(lin(x_t, w["W_n"]) + lin(r * h, w["U_n"]) + w["b_n"])
    return (1 - z) * n + z * h
