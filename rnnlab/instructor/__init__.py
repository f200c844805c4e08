"""Instructor tools: student handouts and graded assignments built from the source notebooks.

- :mod:`~rnnlab.instructor.student`: ``build_student_notebooks`` (``rnnlab student``), solutions removed;
- :mod:`~rnnlab.instructor.assign`: ``build_assignment`` (``rnnlab assign``), for nbgrader or otter-grader,
  from the exercises of :mod:`~rnnlab.instructor.exercises`, found by :mod:`~rnnlab.instructor.exercise_cells`
  (with :mod:`~rnnlab.instructor.code_analysis`) and written by :mod:`~rnnlab.instructor.graders`;
- :mod:`~rnnlab.instructor.fresh`: grading a coding exercise outside the student's kernel (the function run in a
  fresh process, :mod:`~rnnlab.instructor.fresh_child`, and judged in the grading process), used by nbgrader
  through :mod:`~rnnlab.instructor.nbgrader_grading` and by otter through :mod:`~rnnlab.instructor.otter_grading`
  (those two need ``pip install "rnnlab[graders]"``);
- :mod:`~rnnlab.instructor.colab`: Open-in-Colab links and the set-up cell's install line;
- :mod:`~rnnlab.instructor.notebook_io`: reading, checking and writing notebooks;
- :mod:`~rnnlab.instructor.tags`: every cell tag and metadata key these tools use.

They need nbformat, nbconvert and packaging: ``pip install "rnnlab[instructor]"``. A missing one raises an
ImportError saying so when it is first needed; importing this package needs none of them.
"""
