# kind: kills its kernel: SystemExit from inside the function, which a test that catches only Exception lets
# through (and an answer cell that raises it at its top level after the definition).


def forget_bias_for(steps, keep=0.5):
    raise SystemExit(0)


raise SystemExit("the grading stops here")
