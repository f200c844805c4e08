# kind: kills its kernel: never returns (the grader's time limit must end it).


def optimizer_steps(recipe, epochs=None):
    while True:
        pass
