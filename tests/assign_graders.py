"""Grade exported assignments with the real nbgrader or otter-grader (run by tests/test_assign.py in the graders' venv).

    python assign_graders.py nbgrader|otter EXPORTED_DIR INSTRUCTOR_DIR WORK_DIR

For every notebook of EXPORTED_DIR it makes the student version with the grader's own tool
(``nbgrader generate_assignment`` / ``otter assign``), then submissions made from that student version:
``correct`` (each answer cell replaced by ``instructor/solutions/NAME.py``), ``stub`` (untouched),
``honest1``, … (the k-th file of ``instructor/honest/NAME/``: correct answers computed differently, e.g. in
float32) and ``cheat1``, ``cheat2``, … (the k-th file of ``instructor/cheats/NAME/`` in NAME's answer cell, every
other answer left as the stub; a question with fewer files keeps its stub). They are graded with
``nbgrader autograde`` (configured with rnnlab.instructor.nbgrader_grading.configure) / ``otter run`` (whose
autograder carries rnnlab's plugin), and the scores printed as one JSON object on the last line:
``{"submission": {"question": [score, max_score], ...}, ..., "_cheats": {"cheat1": {"NAME": "file.py"}},
"_honest": {...}, "_student_text": "every cell and test file handed to students", "_feedback": "nbgrader's
feedback HTML", "_seconds": {"notebook": seconds per submission}}``.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import time

import nbformat

# otter runs at once. One by default: kernels started at the same moment by separate processes can be handed the
# same ports (jupyter_client issue 487), and a CI run with two at once hung until its hour ran out.
JOBS = int(os.environ.get("RNNLAB_GRADER_JOBS", 1))
# Seconds for one otter run (up to about 70 s here: notebook 03 with a cheat that loops until its 20 s limit) and
# for nbgrader's autograde of every submission of every notebook (about 10 min here).
OTTER_TIMEOUT = int(os.environ.get("RNNLAB_OTTER_RUN_TIMEOUT", 300))
NBGRADER_TIMEOUT = 3000


def run(command, cwd, timeout=NBGRADER_TIMEOUT, attempts=1):
    """Run a grader command; exit with its output if it fails, or if it outlives ``timeout`` (killed with its
    kernels) on every one of ``attempts`` tries. A retry is said on stderr."""
    for attempt in range(1, attempts + 1):
        with subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              start_new_session=True) as process:
            try:
                out, err = process.communicate(timeout=timeout)
                break
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                out, err = process.communicate()
                message = f"{' '.join(map(str, command))} did not finish in {timeout} s (try {attempt} of {attempts})"
                if attempt == attempts:
                    sys.exit(f"{message}:\n{out[-4000:]}\n{err[-4000:]}")
                print(f"{message}; trying again. Its output:\n{out[-2000:]}\n{err[-2000:]}", file=sys.stderr)
    if process.returncode:
        sys.exit(f"{' '.join(map(str, command))} failed ({process.returncode}):\n{out[-4000:]}\n{err[-4000:]}")


def variants(instructor, names):
    """submission name -> {NAME: source of the answer cell}; NAMEs left out keep the stub."""
    out = {"correct": {n: (instructor / "solutions" / f"{n}.py").read_text() for n in names}, "stub": {}}
    for folder, label in (("cheats", "cheat"), ("honest", "honest")):
        files = {n: sorted((instructor / folder / n).glob("*.py")) for n in names}
        for k in range(max((len(c) for c in files.values()), default=0)):
            out[f"{label}{k + 1}"] = {n: c[k].read_text() for n, c in files.items() if len(c) > k}
            out.setdefault(f"_{folder}", {})[f"{label}{k + 1}"] = {n: c[k].name for n, c in files.items()
                                                                   if len(c) > k}
    return out


def fill(nb, answers, is_answer_cell):
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    for cell in nb.cells:
        name = is_answer_cell(cell)
        if name in answers:
            cell.source = answers[name].rstrip("\n")
    return nb


def nbgrader(exported, instructor, work):
    course = work / "course"
    shutil.rmtree(course, ignore_errors=True)
    (course / "source" / "ps").mkdir(parents=True)
    for nb in exported.glob("*.ipynb"):
        shutil.copy(nb, course / "source" / "ps" / nb.name)
    (course / "nbgrader_config.py").write_text(
        "from rnnlab.instructor.nbgrader_grading import configure\n\n"
        'c = get_config()\nc.CourseDirectory.course_id = "rnnlab"\n'
        f"configure(c, instructor={str(instructor)!r})\n")
    run(["nbgrader", "generate_assignment", "ps", "--force"], course)
    released = {p.name: nbformat.read(p, as_version=4) for p in (course / "release" / "ps").glob("*.ipynb")}
    names = [c.metadata["nbgrader"]["grade_id"] for nb in released.values() for c in nb.cells
             if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"]
    subs = variants(instructor, names)
    answer = lambda cell: cell.metadata.get("nbgrader", {}).get("grade_id") if cell.cell_type == "code" else None
    for student, answers in subs.items():
        if student.startswith("_"):
            continue
        folder = course / "submitted" / student / "ps"
        folder.mkdir(parents=True)
        for name, nb in released.items():
            nbformat.write(fill(nb, answers, answer), folder / name)
    started = time.monotonic()
    run(["nbgrader", "autograde", "ps", "--create", "--force"], course)
    seconds = (time.monotonic() - started) / sum(1 for s in subs if not s.startswith("_"))
    run(["nbgrader", "generate_feedback", "ps", "--force"], course)
    from nbgrader.api import Gradebook

    scores = {"_cheats": subs.get("_cheats", {}), "_honest": subs.get("_honest", {}),
              "_student_text": "\n".join(c.source for nb in released.values() for c in nb.cells),
              "_feedback": "\n".join(p.read_text() for p in sorted((course / "feedback").rglob("*.html"))),
              "_seconds": {"all notebooks": seconds}}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in subs:
            if student.startswith("_"):
                continue
            submission = gb.find_submission("ps", student)
            scores[student] = {}
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    question = grade.cell.name.removeprefix("test-")
                    scores[student][question] = [grade.score, grade.max_score]
    return scores


def otter(exported, instructor, work):
    scores = {}
    for master in sorted(exported.glob("*.ipynb")):
        folder = work / master.stem
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        shutil.copy(master, folder / master.name)
        run(["otter", "assign", master.name, "dist"], folder)
        student = nbformat.read(folder / "dist" / "student" / master.name, as_version=4)
        handed_out = [c.source for c in student.cells]
        handed_out += [p.read_text() for p in sorted((folder / "dist" / "student").rglob("*.py"))]
        scores["_student_text"] = scores.get("_student_text", "") + "\n".join(handed_out)
        autograder = next((folder / "dist" / "autograder").glob("*.zip"))
        names = [c.source.split("def ", 1)[1].split("(", 1)[0] for c in student.cells
                 if "otter_answer_cell" in c.metadata.get("tags", []) and c.cell_type == "code"]
        subs = variants(instructor, names)
        for kind in ("_cheats", "_honest"):
            for submission, files in subs.pop(kind, {}).items():
                scores.setdefault(kind, {}).setdefault(submission, {}).update(files)
        answer = lambda cell: (cell.source.split("def ", 1)[1].split("(", 1)[0] if cell.cell_type == "code"
                               and "otter_answer_cell" in cell.metadata.get("tags", []) else None)
        runs = {}
        for name, answers in subs.items():
            path = folder / "submissions" / name / master.name
            path.parent.mkdir(parents=True)
            nbformat.write(fill(student, answers, answer), path)
            (path.parent / "results").mkdir()
            runs[name] = ["otter", "run", "-a", str(autograder), "-o", str(path.parent / "results"), str(path)]
        started = time.monotonic()
        with ThreadPoolExecutor(JOBS) as pool:
            # a run that hangs (a kernel that never answers) is killed and tried once more
            list(pool.map(lambda command: run(command, folder, OTTER_TIMEOUT, attempts=2), runs.values()))
        scores.setdefault("_seconds", {})[master.stem] = (time.monotonic() - started) / len(runs)
        for name in runs:
            results = json.loads((folder / "submissions" / name / "results" / "results.json").read_text())
            for test in results["tests"]:
                if "score" not in test:   # the summary of the public tests
                    continue
                question = test["name"].split(" - ")[0]
                got = scores.setdefault(name, {}).setdefault(question, [0.0, 0.0])
                got[0] += test["score"]
                got[1] += test["max_score"]
    return scores


if __name__ == "__main__":
    grader, exported, instructor, work = sys.argv[1], *map(Path, sys.argv[2:5])
    work.mkdir(parents=True, exist_ok=True)
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    result = {"nbgrader": nbgrader, "otter": otter}[grader](exported.resolve(), instructor.resolve(), work.resolve())
    print(json.dumps(result))
