# kind: kills its kernel: os._exit ends the process running the function (in the old design, the student's kernel:
# nbgrader's autograde stopped with exit status 1 and otter wrote no results at all).
import os


def first_bit_readout(states, bits):
    os._exit(0)
