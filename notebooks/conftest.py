"""nbval's kernel start, made to say why a kernel died and to try once more.

nbval starts one Jupyter kernel per notebook and sends its stderr to /dev/null, so a kernel that dies while
starting leaves only "Kernel died before replying to kernel_info". Under `make test` two notebooks start
their kernels at the same moment (pytest-xdist), and once in a `make benchmarks` run a kernel died that way
before any cell ran. Here the kernel's stderr goes to a temporary file instead; a kernel that dies before it
answers is started again once, with a warning that carries its stderr, and a second death fails with it.
Nothing changes once a kernel is up: a kernel that dies while running a cell still fails that cell.
"""
import tempfile
import warnings

from nbval import kernel as nbval_kernel

_start_new_kernel = nbval_kernel.start_new_kernel


def _start_new_kernel_again_once(*args, **kwargs):
    for attempt in (1, 2):
        # the kernel writes to its own copy of this file's descriptor, so ours can be closed once it is up
        with tempfile.TemporaryFile(mode="w+", prefix="kernel-stderr-") as stderr:
            try:
                return _start_new_kernel(*args, **{**kwargs, "stderr": stderr})
            except RuntimeError as exc:
                stderr.seek(0)
                said = stderr.read()[-3000:].strip() or "(nothing)"
                if attempt == 2:
                    raise RuntimeError(f"{exc}, twice; the kernel's stderr:\n{said}") from exc
                warnings.warn(f"a Jupyter kernel died while starting ({exc}); starting it again. Its stderr:\n{said}")


nbval_kernel.start_new_kernel = _start_new_kernel_again_once
