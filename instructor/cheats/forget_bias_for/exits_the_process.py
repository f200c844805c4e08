# kind: kills its kernel: os._exit ends the process running the function (in the old design, the student's kernel:
# nbgrader's autograde stopped with exit status 1 and otter wrote no results at all).
import os


def forget_bias_for(steps, keep=0.5):
    os._exit(0)
