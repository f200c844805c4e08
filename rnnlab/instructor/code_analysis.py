"""What the Python of a code cell defines and reads, from its syntax tree (``ast``), never by running it."""
from __future__ import annotations

import ast
import re


def parse_cell(source, where):
    """The AST of a code cell; IPython magics and shell lines become ``pass`` so line numbers stay."""
    lines = [re.sub(r"^(\s*)[%!].*$", r"\1pass", line) for line in source.split("\n")]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError as exc:
        raise ValueError(f"{where}: not valid Python (line {exc.lineno}: {exc.msg})") from None


def functions(tree):
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


def raises_not_implemented(node):
    return isinstance(node, ast.Raise) and node.exc is not None and "NotImplementedError" in ast.dump(node.exc)


def _first_line(node):
    return min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])


def segment(lines, node):
    return "\n".join(lines[_first_line(node) - 1:node.end_lineno])


def bound_names(node):
    """Names a top-level statement binds: a def's or import's names, else every name stored anywhere inside."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del))}


def loaded_names(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def free_names(node):
    """Names ``node`` reads but never binds anywhere inside (parameters, locals, imports, defs): what it needs
    from the notebook's globals (an over-approximation is harmless, the slice only grows)."""
    bound = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    bound |= {a.arg for a in ast.walk(node) if isinstance(a, ast.arg)}
    for n in ast.walk(node):
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)) \
                and n is not node:
            bound |= bound_names(n)
    return loaded_names(node) - bound


def is_docstring(node):
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)


def used_helpers(tree, fn):
    """The solution cell's imports and the top-level definitions ``fn`` needs (transitively), in cell order."""
    others = [n for n in tree.body if n is not fn]
    needed, kept = free_names(fn), set()
    changed = True
    while changed:
        changed = False
        for node in others:
            if id(node) not in kept and (isinstance(node, (ast.Import, ast.ImportFrom)) or bound_names(node) & needed) \
                    and isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef, ast.Assign,
                                          ast.AnnAssign)):
                kept.add(id(node))
                needed |= free_names(node)
                changed = True
    return [n for n in others if id(n) in kept]
