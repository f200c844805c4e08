# kind: kills its kernel: never returns (the grader's time limit must end it).


def forget_bias_for(steps, keep=0.5):
    while True:
        pass
