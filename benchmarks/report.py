"""Shared by the benchmark scripts: naming the machine, versions and commit a table was measured on, writing
the report, and one thread per run."""
import os
import platform

from rnnlab.settings import ONE_THREAD_ENV

# Environment for a child interpreter that should compute on one thread (torch, TensorFlow and JAX/XLA), quiet.
ONE_THREAD = {**ONE_THREAD_ENV, "TF_CPP_MIN_LOG_LEVEL": "3"}


def machine():
    """'PROCESSOR, N cores, Python X.Y.Z': the processor first, which rnnlab.tables.measured_here compares."""
    from rnnlab.tables import processor

    return f"{processor()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def commit():
    """The short git commit of the benchmarked tree ('… plus uncommitted changes to rnnlab/' when the package
    differs from it), or 'unknown' outside a checkout. rnnlab/tables/ is left out of that comparison: the stored
    tables are what the benchmarks write, not code they measure, and a script that writes its table before it asks
    for the commit would otherwise always report its own output as a change."""
    import subprocess

    def git(*args):
        return subprocess.run(["git", *args], capture_output=True, text=True, check=True,
                              cwd=os.path.dirname(os.path.abspath(__file__))).stdout.strip()

    try:
        dirty = git("status", "--porcelain", "--", "../rnnlab", ":(exclude)../rnnlab/tables")
        return git("rev-parse", "--short", "HEAD") + (" plus uncommitted changes to rnnlab/" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def versions(*dists):
    """{distribution: version} for the given distributions that are installed."""
    from importlib import metadata

    found = {}
    for dist in dists:
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            pass
    return found


def provenance(*dists):
    """'Machine: …; dist version, …; commit …' for a report's header line."""
    found = ", ".join(f"{k} {v}" for k, v in versions(*dists).items())
    return f"Machine: {machine()}; {found}; commit {commit()}."


def write_report(name, lines):
    """Write ``lines`` as benchmarks/results/NAME.md and print them."""
    from pathlib import Path

    out = Path(__file__).resolve().parent / "results" / f"{name}.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
