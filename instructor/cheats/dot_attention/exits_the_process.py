# kind: kills its kernel: os._exit ends the process running the function (in the old design, the student's kernel:
# nbgrader's autograde stopped with exit status 1 and otter wrote no results at all).
import os


def dot_attention(query, values, mask):
    os._exit(0)
