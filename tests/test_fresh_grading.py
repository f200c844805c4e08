"""rnnlab.instructor.fresh: a coding exercise graded in a fresh process and judged outside it.

A tiny hidden test (``count``: an exact int; ``double``: a float array) exercises every path: the program taken
from the cells, exact types, the frames the submission can reach, a process that dies or loops, and bad
arguments."""
from __future__ import annotations

import pytest

from rnnlab.instructor.fresh import grade_exercise, library_names_in, submission_statements

COUNT_TEST = '''
import numpy as np

def inputs(rng):
    calls = [int(v) for v in rng.integers(1, 1000, size=5)]
    return {"calls": calls}, {"want": [3 * c for c in calls]}

def drive(fn, inputs, grading):
    return [grading.exact_int(grading.call("count", fn, c), "count's answer") for c in inputs["calls"]]

def judge(inputs, private, results):
    assert results == private["want"], "count is wrong"
'''

DOUBLE_TEST = '''
import numpy as np

def inputs(rng):
    x = rng.normal(size=(3, 4))
    return {"x": x}, {"want": 2 * x}

def drive(fn, inputs, grading):
    return grading.float_array(grading.call("double", fn, inputs["x"].copy()), "double's answer")

def judge(inputs, private, results):
    assert type(results) is np.ndarray and results.dtype == np.float64, "not a plain float64 array"
    assert np.array_equal(results, private["want"]), "double is wrong"
'''


def grade(source, test=COUNT_TEST, name="count", timeout=60, cells_before=()):
    return grade_exercise(name, test, [*cells_before, source], timeout=timeout)


def test_a_correct_answer_passes_and_demo_lines_of_the_narrative_are_skipped():
    narrative = "import math\nTHREE = 3\n\ndef triple(v):\n    return THREE * v\n\nbig = run_everything()\n"
    verdict = grade("def count(n):\n    return triple(n)\n\nprint(count(undefined_variable))\n%timeit count(3)\n",
                    cells_before=[narrative])
    assert verdict.passed, verdict
    computed = "import numpy as np\nTHREE = int(np.int64(3))\n"   # computed in the narrative: not carried over
    verdict = grade("def count(n):\n    return THREE * n\n", cells_before=[computed])
    assert not verdict.passed and "NameError" in verdict.message, verdict


def test_statements_keep_what_the_function_uses_only():
    cells = ["import numpy as np\nimport json\n\ndef helper(v):\n    return np.sign(v)\n\ndef unused():\n    pass\n",
             "!pip install nothing\nx = heavy()\n", "def f(v):\n    return helper(v)\n\nprint(f(1))\n"]
    statements = submission_statements(cells, "f")
    assert statements == ["import numpy as np", "def helper(v):\n    return np.sign(v)",
                          "def f(v):\n    return helper(v)", "print(f(1))"]
    assert submission_statements(["def g(:\n"], "g") == []


@pytest.mark.parametrize("source, message", [
    ("class C(int):\n    def __eq__(self, o):\n        return True\n\ndef count(n):\n    return C(3 * n)\n",
     "not an int"),
    ("def count(n):\n    return 3.0 * n\n", "float, not an int"),
    ("def count(n):\n    return True\n", "bool, not an int"),
    ("def count(n):\n    raise NotImplementedError\n", "not implemented yet"),
    ("def count(n):\n    raise SystemExit(0)\n", "raised SystemExit"),
    ("import os\n\ndef count(n):\n    os._exit(3)\n", "exit status 3"),
    ("def count(n):\n    return 3 * n\n\nraise SystemExit('stop')\n", "ended the grading process"),
    ("import sys\n\ndef count(n):\n    f = sys._getframe(1)\n    while f:\n"
     "        if 'want' in f.f_locals or 'private' in f.f_locals:\n            return 0\n        f = f.f_back\n"
     "    return -1\n", "count is wrong"),
    ("import numpy as np\nnp.array_equal = lambda *a: True\n\ndef count(n):\n    return 0\n", "count is wrong"),
    ("x = 1\n", "not defined as a function"),
])
def test_what_fails_and_the_line_that_says_why(source, message):
    verdict = grade(source)
    assert not verdict.passed and message in verdict.message, verdict


def test_exact_types_of_arrays():
    subclass = ("import numpy as np\n\nclass A(np.ndarray):\n    def __eq__(self, o):\n        return True\n\n"
                "def double(x):\n    return (2 * np.asarray(x)).view(A)\n")
    assert grade(subclass, DOUBLE_TEST, "double").passed, "an array subclass is converted to a plain array"
    assert grade("def double(x):\n    return (2 * x).tolist()\n", DOUBLE_TEST, "double").passed
    verdict = grade("def double(x):\n    return None\n", DOUBLE_TEST, "double")
    assert not verdict.passed and "None" in verdict.message
    verdict = grade("def double(x):\n    return 'ab'\n", DOUBLE_TEST, "double")
    assert not verdict.passed and "not an array of numbers" in verdict.message


def test_an_endless_loop_is_stopped_at_the_time_limit():
    verdict = grade("def count(n):\n    while True:\n        pass\n", timeout=3)
    assert not verdict.passed and "did not finish within 3 s" in verdict.message and verdict.seconds < 30


def test_library_names_are_found_in_the_function_and_what_it_calls():
    statements = ["def helper(x):\n    return rnnlab.reference.rnn_forward(x)",
                  "def step(x):\n    return helper(x)", "def other():\n    return torch.nn.GRUCell"]
    assert library_names_in(statements, "step") == ["reference", "rnn_forward"]
    assert library_names_in(statements, "other") == ["GRUCell"]


@pytest.mark.parametrize("kwargs, error", [({"timeout": 0}, ValueError), ({"timeout": True}, ValueError),
                                           ({"timeout": float("nan")}, ValueError)])
def test_bad_arguments_are_refused(kwargs, error):
    with pytest.raises(error, match="timeout"):
        grade_exercise("count", COUNT_TEST, ["def count(n):\n    return 3 * n\n"], **kwargs)
    with pytest.raises(ValueError, match="name"):
        submission_statements(["x = 1"], "not a name")
    with pytest.raises(TypeError, match="cells"):
        submission_statements([1], "f")
    with pytest.raises(ValueError, match="defines no judge"):
        grade_exercise("count", "def inputs(rng):\n    pass\ndef drive(f, i, g):\n    pass\n", [], timeout=5)


def test_the_otter_plugin_without_otter_says_what_to_install():
    """Only a grading machine has otter-grader; elsewhere importing its plugin names the pip command."""
    import subprocess
    import sys

    probe = ("import sys\nsys.modules['otter'] = None  # as if otter-grader were not installed\n"
             "import rnnlab.instructor.otter_grading")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode != 0
    assert 'ImportError: rnnlab.instructor.otter_grading plugs into otter-grader' in done.stderr
    assert 'pip install "rnnlab[graders]"' in done.stderr
