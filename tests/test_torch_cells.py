"""rnnlab's torch RNN/GRU (explicit BPTT) compute what nn.RNN/nn.GRU compute, outputs and gradients."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

import rnnlab  # noqa: E402
from rnnlab import torch_bptt  # noqa: E402
from rnnlab.weights import get_weights, set_weights  # noqa: E402

CASES = [("rnn", {"nonlinearity": "tanh"}), ("rnn", {"nonlinearity": "relu"}), ("gru", {})]
NATIVE = {"rnn": nn.RNN, "gru": nn.GRU}
OURS = {"rnn": torch_bptt.RNN, "gru": torch_bptt.GRU}


def pair(cell, kwargs, input_size, hidden, batch_first, seed=0):
    torch.manual_seed(seed)
    ref = NATIVE[cell](input_size, hidden, batch_first=batch_first, **kwargs)
    ours = OURS[cell](input_size, hidden, batch_first=batch_first, **kwargs)
    ours.load_state_dict(ref.state_dict())
    return ref, ours


def outputs_and_grads(layer, x, h0):
    """Outputs, final state and the gradients of a loss that reads every output and the final state."""
    x, h0 = x.clone().requires_grad_(), h0.clone().requires_grad_()
    out, h_n = layer(x, h0)
    weights = torch.linspace(-1, 1, out.shape[-1])
    loss = (out * weights).sum() + (h_n ** 2).sum()
    grads = torch.autograd.grad(loss, [x, h0, *layer.parameters()])
    return [t.detach() for t in (out, h_n, *grads)]


def assert_close(ours, ref):
    for a, b in zip(ours, ref, strict=True):
        assert a.shape == b.shape
        scale = b.abs().max().clamp(min=1e-12)
        assert ((a - b).abs().max() / scale).item() < 1e-5


@pytest.mark.parametrize("cell,kwargs", CASES)
@pytest.mark.parametrize("batch_first", [True, False])
@pytest.mark.parametrize("input_size,hidden,steps", [(1, 16, 60), (3, 5, 1)])
def test_outputs_and_gradients_match_torch(cell, kwargs, batch_first, input_size, hidden, steps):
    ref, ours = pair(cell, kwargs, input_size, hidden, batch_first)
    gen = torch.Generator().manual_seed(1)
    batch = 7
    x = torch.randn((batch, steps, input_size) if batch_first else (steps, batch, input_size), generator=gen)
    h0 = 0.5 * torch.randn(1, batch, hidden, generator=gen)
    assert_close(outputs_and_grads(ours, x, h0), outputs_and_grads(ref, x, h0))


@pytest.mark.parametrize("cell,kwargs", CASES)
def test_default_initial_state_and_no_grad(cell, kwargs):
    ref, ours = pair(cell, kwargs, 2, 4, True)
    x = torch.randn(3, 9, 2)
    with torch.no_grad():
        for a, b in zip(ours(x), ref(x)):
            torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cell,kwargs", CASES)
def test_other_inputs_fall_back_to_torch(cell, kwargs):
    """Unbatched input and stacked layers take nn.RNN/nn.GRU's own path."""
    ref, ours = pair(cell, kwargs, 2, 4, False)
    x = torch.randn(5, 2)
    torch.testing.assert_close(ours(x)[0], ref(x)[0])
    torch.manual_seed(0)
    deep = OURS[cell](2, 4, num_layers=2, **kwargs)
    torch.manual_seed(0)
    torch.testing.assert_close(deep(x[:, None])[0], NATIVE[cell](2, 4, num_layers=2, **kwargs)(x[:, None])[0])


@pytest.mark.parametrize("cell,activation", [("rnn", "tanh"), ("rnn", "relu"), ("gru", "tanh")])
def test_build_model_layers_are_torch_layers_with_torch_weights(cell, activation):
    model = rnnlab.build_model(cell, "torch", hidden_size=6, activation=activation, seed=2)
    assert isinstance(model.rnn, NATIVE[cell]) and type(model.rnn) is OURS[cell]
    assert [name for name, _ in model.rnn.named_parameters()] == \
        ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
    kwargs = {"nonlinearity": activation} if cell == "rnn" else {}
    ref = NATIVE[cell](1, 6, batch_first=True, **kwargs)
    set_weights(ref, get_weights(model))
    x = np.random.default_rng(0).normal(size=(4, 20, 1)).astype(np.float32)
    with torch.no_grad():
        expected = model.head(ref(torch.from_numpy(x))[0][:, -1]).numpy()
    np.testing.assert_allclose(rnnlab.predict(model, x), expected, rtol=1e-5, atol=1e-6)


def test_torch_backend_still_gives_the_layers_and_the_character_model():
    """The layers live in rnnlab.torch_bptt and the character model in rnnlab.torch_char; the adapter keeps
    giving them (rnnlab.char_models reaches build_char and char_* through it)."""
    from rnnlab import torch_backend, torch_char

    assert torch_backend.RNN is torch_bptt.RNN and torch_backend.GRU is torch_bptt.GRU
    for name in ("CharLanguageModel", "build_char", "char_cross_entropy_sum", "char_stepper", "char_hidden_states"):
        assert getattr(torch_backend, name) is getattr(torch_char, name), name
