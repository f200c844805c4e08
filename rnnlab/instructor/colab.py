"""Where a handout opens on Colab and what its set-up cell installs there: argument checks and rewriting.

A notebook's set-up cell (tag ``colab-setup``) holds, after ``import sys``, the block that
:func:`setup_block` writes: inside ``if "google.colab" in sys.modules:`` it installs ``RNNLAB = "SPEC"`` with pip
(or an rnnlab wheel the student uploaded to ``/content``), and if pip fails it stops with one sentence saying what
to do instead of pip's error and a ModuleNotFoundError. Set-up cells of older notebooks hold a line
``!pip install -q --no-deps "SPEC"`` instead; both are read and rewritten. Its markdown may hold Open-in-Colab
links ``https://colab.research.google.com/github/OWNER/NAME/blob/REF/PATH.ipynb``. The functions here check an
``OWNER/NAME[@REF]``, an install spec and a folder path, and rewrite or remove the links and the install line
of one notebook (in memory; :mod:`rnnlab.instructor.student` writes the files). Checking an install
spec needs ``packaging`` (pip's own requirement parser), which ``rnnlab[instructor]`` installs.
"""
from __future__ import annotations

import posixpath
import re
from urllib.parse import quote, urlsplit

import rnnlab._project as _project
from .notebook_io import INSTALL_HINT
from .tags import SETUP_TAG

__all__ = ["COLAB_BLOCK", "COLAB_LINK", "COLAB_URL", "DEFAULT_REF", "INSTALL_LINE", "PIP_INSTALL_LINE", "SETUP_TAG",
           "SPEC_EXAMPLES", "check_install_spec", "check_path", "colab_links", "colab_url", "git_install_spec",
           "install_lines", "install_spec", "parse_repo", "point_links", "remove_install", "remove_links",
           "set_install", "setup_block", "setup_cells"]

DEFAULT_REF = "main"
COLAB_URL = re.compile(r"https://colab\.research\.google\.com/github/[^\s()<>\"']+")
# a link or badge whose target is a Colab URL: [text](url), [![alt](image)](url) or <a href="url">…</a>
COLAB_LINK = re.compile(r"\[(?:!\[[^\]]*\]\([^)]*\)|(?P<text>[^\]]*))\]\(\s*" + COLAB_URL.pattern + r"\s*\)"
                        r"|<a\s[^>]*href=[\"']" + COLAB_URL.pattern + r"[\"'][^>]*>.*?</a>", re.S)
INSTALL_LINE = re.compile(r'^(?P<head>[ \t]+RNNLAB = )"(?P<spec>[^"\n]*)"[ \t]*$', re.M)   # written by setup_block
PIP_INSTALL_LINE = re.compile(r'^(?P<head>[ \t]*[!%]pip install (?:-[\w-]+ +)*)"(?P<spec>[^"\n]*)"[ \t]*$', re.M)  # older
COLAB_BLOCK = re.compile(r'^if "google\.colab" in sys\.modules:[^\n]*\n(?:[ \t]+[^\n]*(?:\n|$))+', re.M)

_OWNER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")
_NAME = re.compile(r"[A-Za-z0-9._-]{1,100}")
_REF = re.compile(r"[A-Za-z0-9._/-]{1,200}")
_ARCHIVES = (".whl", ".tar.gz", ".zip", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar")
_VCS_SCHEMES = {"git+https", "git+http", "git+ssh", "git+git", "git+file"}
_DIRECT_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@")   # NAME[extras] @ URL
_SHELL_UNSAFE = set('"$`\\{}\n\r')   # would end the quoted argument or be expanded by IPython's ! line
SPEC_EXAMPLES = ('give e.g. rnnlab==0.1.0, "rnnlab @ git+https://github.com/OWNER/NAME@REF", a wheel URL '
                 "https://…/rnnlab-0.1.0-py3-none-any.whl or a path /content/drive/MyDrive/rnnlab-0.1.0-py3-none-any.whl")


def parse_repo(repo):
    """``"OWNER/NAME"`` or ``"OWNER/NAME@REF"`` → ``(owner, name, ref)``; REF defaults to ``main``."""
    if not isinstance(repo, str):
        raise TypeError(f"repo (--repo) must be a string OWNER/NAME[@REF], got {type(repo).__name__} {repo!r}")
    form = f"repo (--repo): {repo!r} is not OWNER/NAME or OWNER/NAME@REF (a GitHub repository, and a branch or " \
           "tag, e.g. alice/rnnlab@v0.1.0)"
    if "://" in repo or repo.startswith(("github.com", "git@")):
        raise ValueError(f"{form}: give the repository's OWNER/NAME, not its URL")
    slug, at, ref = repo.partition("@")
    owner, slash, name = slug.partition("/")
    if not slash:
        raise ValueError(f"{form}: no '/' between OWNER and NAME")
    if not _OWNER.fullmatch(owner):
        raise ValueError(f"{form}: the owner must be a GitHub user or organisation name (letters, digits, "
                         "single hyphens inside)")
    if not _NAME.fullmatch(name) or name in (".", ".."):
        raise ValueError(f"{form}: the repository name may hold letters, digits, '.', '-' and '_' only")
    if name.endswith(".git"):
        raise ValueError(f"{form}: drop the '.git' ending")
    if at:
        _check_ref(ref, form)
    return owner, name, ref if at else DEFAULT_REF


def _check_ref(ref, form):
    """A branch or tag name that git accepts (git check-ref-format) and that needs no escaping in a URL."""
    parts = ref.split("/")
    if (not _REF.fullmatch(ref) or ".." in ref or ref.startswith("-")
            or any(not p or p.startswith(".") or p.endswith((".", ".lock")) for p in parts)):
        raise ValueError(f"{form}: REF must be a git branch or tag name (letters, digits, '.', '-', '_', '/'; "
                         "no '..', no empty or dot-started part)")


def check_path(path):
    """The folder, inside the repository, that holds the handouts: a relative POSIX path without '..'
    (``""`` or ``"."`` for the repository's top folder); returned normalised, without a trailing slash."""
    if not isinstance(path, str):
        raise TypeError(f"path (--path) must be a string, got {type(path).__name__} {path!r}")
    norm = posixpath.normpath(path) if path else "."
    if path.startswith("/") or "\\" in path or norm.split("/")[0] == ".." or any(c in path for c in "\n\r#?"):
        raise ValueError(f"path (--path) must be a folder inside the repository, relative to its top, with '/' "
                         f"separators and no '..', e.g. student, got {path!r}")
    return "" if norm == "." else norm


def check_install_spec(spec):
    """Return ``spec`` stripped if pip can install rnnlab from it, else raise ValueError naming --install.

    Accepted: a requirement (``rnnlab==0.1.0``, ``rnnlab @ URL``), a wheel or sdist URL, a VCS URL
    (``git+https://…``), or a path to a wheel, an sdist or a project folder. Refused: what pip's requirement
    parser (``packaging.requirements.Requirement``) rejects, another package, a pip option, a URL that is
    neither an archive nor a VCS URL, and characters that would break the notebook's ``!pip`` line.
    """
    try:
        from packaging.requirements import InvalidRequirement, Requirement
        from packaging.utils import canonicalize_name
    except ImportError as exc:
        raise _needs_packaging(exc) from None

    if not isinstance(spec, str):
        raise TypeError(f"install (--install) must be a string, got {type(spec).__name__} {spec!r}")
    spec = spec.strip()
    if not spec:
        raise _bad_spec("it is empty")
    unsafe = sorted(c for c in set(spec) if c in _SHELL_UNSAFE)
    if unsafe:
        raise _bad_spec(f"{spec!r} contains {' '.join(map(repr, unsafe))}, which would break the set-up cell's install line")
    if spec.startswith("-"):
        raise _bad_spec(f"{spec!r} is a pip option (the set-up cell passes its own)")
    if not _DIRECT_REFERENCE.match(spec):   # NAME @ URL is a requirement; other URLs and paths are checked here
        if "://" in spec.split(" ")[0]:
            _check_url(spec)
            return spec
        if spec.startswith(("/", "./", "../")) or spec.endswith(_ARCHIVES) or spec == ".":
            _check_archive_name(posixpath.basename(spec), spec)
            return spec
    try:
        requirement = Requirement(spec)
    except InvalidRequirement as exc:
        raise _bad_spec(f"pip would reject {spec!r} ({str(exc).splitlines()[0]})") from None
    if canonicalize_name(requirement.name) != "rnnlab":
        raise _bad_spec(f"{spec!r} would install {requirement.name}, not rnnlab")
    if requirement.url:
        _check_url(requirement.url)
    return spec


def _needs_packaging(exc):
    return ImportError(f"checking install (--install) needs packaging ({exc}): {INSTALL_HINT}")


def _bad_spec(reason):
    return ValueError(f"install (--install): {reason}; {SPEC_EXAMPLES}")


def _check_url(url):
    parts = urlsplit(url)
    if parts.scheme in _VCS_SCHEMES:
        if not (parts.netloc or parts.scheme == "git+file") or not parts.path.strip("/"):
            raise _bad_spec(f"{url!r} names no repository")
        return
    if parts.scheme not in ("https", "http", "file") or (parts.scheme != "file" and not parts.netloc):
        raise _bad_spec(f"{url!r} is not a URL pip installs from (https://, http://, file:// or git+https://)")
    if not parts.path.endswith(_ARCHIVES):
        raise _bad_spec(f"the URL {url!r} names neither a wheel or sdist file (.whl, .tar.gz, .zip) nor a git "
                        "repository (git+https://github.com/OWNER/NAME@REF)")
    _check_archive_name(posixpath.basename(parts.path), url)


def _check_archive_name(filename, spec):
    """A wheel or sdist file name must be a valid one, of rnnlab; a folder (no archive ending) is not checked."""
    try:
        from packaging.utils import (InvalidSdistFilename, InvalidWheelFilename, parse_sdist_filename,
                                     parse_wheel_filename)
    except ImportError as exc:
        raise _needs_packaging(exc) from None

    try:
        if filename.endswith(".whl"):
            name = parse_wheel_filename(filename)[0]
        elif filename.endswith((".tar.gz", ".zip")):
            name = parse_sdist_filename(filename)[0]
        else:
            return
    except (InvalidWheelFilename, InvalidSdistFilename) as exc:
        raise _bad_spec(f"pip would reject {spec!r} ({exc})") from None
    if name != "rnnlab":
        raise _bad_spec(f"{spec!r} is a distribution of {name}, not rnnlab")


def colab_url(owner, name, ref, path):
    """The Open-in-Colab URL of the notebook at ``path`` (inside the repository) on branch or tag ``ref``."""
    return f"https://colab.research.google.com/github/{owner}/{name}/blob/{ref}/{quote(path, safe='/')}"


def git_install_spec(owner, name, ref):
    """The install spec for rnnlab from a GitHub repository at a branch or tag."""
    return f"rnnlab @ git+https://github.com/{owner}/{name}@{ref}"


def setup_cells(nb):
    """The code cells tagged ``colab-setup``."""
    return [c for c in nb.cells if c.cell_type == "code" and SETUP_TAG in c.get("metadata", {}).get("tags", [])]


def install_lines(source):
    """The install lines of a set-up cell's source, in order: ``RNNLAB = "SPEC"`` (:func:`setup_block`) or an
    older ``!pip install … "SPEC"`` line; each a ``re.Match`` with groups ``head`` and ``spec``."""
    return sorted([*INSTALL_LINE.finditer(source), *PIP_INSTALL_LINE.finditer(source)], key=lambda m: m.start())


def install_spec(nb):
    """The spec the set-up cell installs on Colab, or None when there is no set-up cell or install line."""
    for cell in setup_cells(nb):
        found = install_lines(cell.source)
        if found:
            return found[0]["spec"]
    return None


def setup_block(spec=None):
    """The Colab part of a set-up cell (the cell imports ``sys`` before it), installing ``spec`` (checked; by
    default this release from the project's repository, :func:`rnnlab._project.install_spec`).

    On Colab, which has torch, Keras, numpy and ipywidgets already, it installs rnnlab alone (``--no-deps``):
    an rnnlab wheel the student uploaded to ``/content`` (Colab's Files panel) if there is one, else ``spec``.
    If pip fails, the cell stops with one sentence saying what to do, instead of pip's error followed by a
    ModuleNotFoundError at ``import rnnlab``; pip's own message stays in the variable ``pip`` (``pip.stderr``).
    Elsewhere the block does nothing. ``tools/pin_notebooks.py`` writes it into the notebooks.
    """
    spec = check_install_spec(_project.install_spec() if spec is None else spec)
    return f"""if "google.colab" in sys.modules:   # on Colab, which has torch, Keras, numpy and ipywidgets: add rnnlab
    import glob
    import subprocess
    RNNLAB = "{spec}"
    uploaded = sorted(glob.glob("/content/rnnlab-*.whl"))   # an rnnlab package file put in Colab's Files panel
    target = uploaded[-1] if uploaded else RNNLAB
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", target],
                         capture_output=True, text=True)
    if pip.returncode != 0:
        class SetupStopped(Exception):
            def _render_traceback_(self):   # Jupyter and Colab show this sentence alone, without a traceback
                return [str(self)]
        raise SetupStopped(f"rnnlab could not be installed from {{target}}: ask your instructor for this notebook "
                           "made with 'rnnlab student --repo' or '--install', or upload the rnnlab package file "
                           "(rnnlab-….whl) to Colab's Files panel and run this cell again.")
"""


def colab_links(nb):
    """Every Colab URL in the notebook's markdown cells, in order."""
    return [m.group(0) for c in nb.cells if c.cell_type == "markdown" for m in COLAB_URL.finditer(c.source)]


def _setup_cell(nb, label, option):
    cells = setup_cells(nb)
    if len(cells) != 1:
        raise ValueError(f"{label}: {option} needs exactly one code cell tagged '{SETUP_TAG}' holding the Colab "
                         f"install line, found {len(cells)}; tag the set-up cell (JupyterLab: Property Inspector → "
                         "Cell Tags)")
    lines = install_lines(cells[0].source)
    if len(lines) != 1:
        raise ValueError(f'{label}: {option} needs exactly one install line RNNLAB = "SPEC" (or !pip install … "SPEC") '
                         f"in the cell tagged '{SETUP_TAG}', found {len(lines)}")
    return cells[0]


def set_install(nb, spec, label, option="--install"):
    """Make the set-up cell install ``spec`` (already checked) on Colab."""
    cell = _setup_cell(nb, label, option)
    (line,) = install_lines(cell.source)
    cell.source = f'{cell.source[:line.start()]}{line["head"]}"{spec}"{cell.source[line.end():]}'


def remove_install(nb):
    """Remove the ``if "google.colab" in sys.modules:`` block from the set-up cells (and ``import sys`` if
    nothing else in the cell uses it)."""
    for cell in setup_cells(nb):
        source = COLAB_BLOCK.sub("", cell.source)
        if not re.search(r"\bsys\.", source):
            source = re.sub(r"^import sys[ \t]*\n", "", source, count=1, flags=re.M)
        cell.source = source


def point_links(nb, url_for, label):
    """Point every Colab link at ``url_for(file_name)`` (the file name the link names now); raise when the
    notebook has none."""
    if not colab_links(nb):
        raise ValueError(f"{label}: --repo rewrites the Open-in-Colab link, and this notebook has none (a markdown "
                         "link to https://colab.research.google.com/github/…); add one or leave out --repo")
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = COLAB_URL.sub(lambda m: url_for(posixpath.basename(urlsplit(m.group(0)).path)), cell.source)


def remove_links(nb):
    """Remove every Open-in-Colab link: a line that holds nothing else goes, a link inside prose keeps its text
    (a badge goes), a bare URL goes."""
    for cell in nb.cells:
        if cell.cell_type != "markdown" or not COLAB_URL.search(cell.source):
            continue
        kept = []
        for line in cell.source.split("\n"):
            if not COLAB_URL.search(line):
                kept.append(line)
                continue
            without = COLAB_URL.sub("", COLAB_LINK.sub(lambda m: m["text"] or "", line))
            if COLAB_URL.sub("", COLAB_LINK.sub("", line)).strip():
                kept.append(without.rstrip())
        cell.source = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")
