"""The API page lists every public module of rnnlab, found by walking the package, so a new module appears on it.

``docs/api.md`` holds the marker line below; when Sphinx reads that page the marker becomes one section per
module, each an ``automodule`` of the module's documented members. A module is public when no part of its
dotted name starts with ``_``; the deprecated aliases kept for one release (their docstring starts with
"Deprecated alias") and ``rnnlab.__main__`` are left out. Modules are found without importing them.
"""
from __future__ import annotations

import ast
import pkgutil
from pathlib import Path

MARKER = "<!-- rnnlab-api-modules -->"


def public_modules(package_dir, package="rnnlab"):
    """Dotted names of the public modules under ``package_dir`` (the folder of ``package``), sorted."""
    package_dir = Path(package_dir)
    if not (package_dir / "__init__.py").is_file():
        raise ValueError(f"package_dir: {package_dir} is not a Python package (no __init__.py)")
    names = [package]
    for info in pkgutil.walk_packages([str(package_dir)], prefix=f"{package}."):
        parts = info.name.split(".")[1:]
        if any(p.startswith("_") for p in parts):
            continue
        relative = Path(*parts)
        path = package_dir / relative / "__init__.py" if info.ispkg else package_dir / relative.with_suffix(".py")
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        if not doc.startswith("Deprecated alias"):
            names.append(info.name)
    return sorted(names)


def module_sections(names):
    """MyST text: a section per module, with its docstring and members (the package itself: docstring only)."""
    sections = []
    for name in names:
        options = "   :no-members:\n" if "." not in name else "   :members:\n"
        sections.append(f"## `{name}`\n\n```{{eval-rst}}\n.. automodule:: {name}\n{options}```\n")
    return "\n".join(sections)


def _fill(app, docname, source):
    if docname == "docs/api" and MARKER in source[0]:
        package_dir = Path(app.confdir).parent / "rnnlab"
        source[0] = source[0].replace(MARKER, module_sections(public_modules(package_dir)))


def setup(app):
    app.connect("source-read", _fill)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
