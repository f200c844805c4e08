"""rnnlab.checks.prediction: the "predict, then run" comparison of a recorded prediction with a measurement."""
import pytest

from rnnlab import checks

CHOICES = ("grows", "shrinks")


def test_a_matching_prediction_is_confirmed_with_the_measurement(capsys):
    assert checks.prediction("shrinks", "shrinks", choices=CHOICES, measured="factor 0.50") is True
    out = capsys.readouterr().out
    assert "Well done" in out and "'shrinks'" in out and "factor 0.50" in out


def test_a_wrong_prediction_gets_the_measurement_as_the_answer(capsys):
    assert checks.prediction("grows", "shrinks", choices=CHOICES) is False
    out = capsys.readouterr().out
    assert "Not yet" in out and "you predicted 'grows'" in out and "says 'shrinks'" in out


@pytest.mark.parametrize("placeholder", ["...", "", "  ", "…", None])
def test_a_missing_prediction_is_said_not_compared(capsys, placeholder):
    assert checks.prediction(placeholder, "grows", choices=CHOICES) is None
    out = capsys.readouterr().out
    assert out.startswith("No prediction recorded") and "'grows'" in out and "Well done" not in out


def test_bad_arguments_name_the_parameter():
    with pytest.raises(ValueError, match=r"my_prediction must be one of 'grows', 'shrinks'"):
        checks.prediction("it grows", "grows", choices=CHOICES)
    with pytest.raises(ValueError, match="outcome must be one of"):
        checks.prediction("grows", "explodes", choices=CHOICES)
    with pytest.raises(TypeError, match="choices must be a tuple"):
        checks.prediction("grows", "grows", choices="grows")
    with pytest.raises(ValueError, match="at least two"):
        checks.prediction("grows", "grows", choices=("grows",))
    with pytest.raises(ValueError, match="must not repeat"):
        checks.prediction("grows", "grows", choices=("grows", "grows"))
    with pytest.raises(TypeError, match="measured must be a string"):
        checks.prediction("grows", "grows", choices=CHOICES, measured=1.5)
