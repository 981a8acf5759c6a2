"""Sphinx configuration of the pymc-slt documentation (``make docs``).

The API reference is generated from the docstrings of the installed package. Each concept folder
(``pymc_slt.evidence``, ``pymc_slt.criteria``, ...) has one page made by the ``slt-api``
directive below, which documents exactly the names in that folder's ``__all__``: the page does
not depend on which submodule defines a function, so moving code between submodules does not
touch the documentation.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import os
import pkgutil
import types
from collections.abc import Sequence
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.ext.autosummary import extract_summary
from sphinx.pycode import ModuleAnalyzer
from sphinx.util.docutils import SphinxDirective

import pymc_slt

project = "pymc-slt"
author = "pymc-slt developers"
copyright = "pymc-slt developers"
release = pymc_slt.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_nb",  # MyST markdown, and executes the pages written as text notebooks
    "sphinx-mathjax-offline",  # MathJax copied into _static: formulas render offline
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb"}
root_doc = "index"
exclude_patterns = [
    "_build", "**/.venv*", "README.md", "**/README.md", "api/generated", "_generated", "_ipython",
]  # fmt: skip

myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3

# myst-nb: the tutorials and how-tos (MyST text notebooks, ``file_format: mystnb``) run at every
# build, each with small settings; outputs are cached by jupyter-cache under _build, so a second
# build of an unchanged page is instant, and any error in a cell fails the build.
# The kernels start with docs/_ipython's profile: warnings print as "Class: message", wrapped.
os.environ["IPYTHONDIR"] = os.path.join(os.path.dirname(__file__), "_ipython")
nb_execution_mode = "cache"
nb_execution_cache_path = os.path.join(os.path.dirname(__file__), "_build", ".jupyter_cache")
nb_execution_timeout = 900
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True

# autodoc / numpydoc: signatures without type hints (the numpydoc sections state the types);
# class members are documented by ``:members:`` in the ``slt-api`` directive, so numpydoc must
# not add its own member tables (they would list the same objects twice).
autodoc_typehints = "none"
autodoc_member_order = "bysource"
autodoc_default_options = {"exclude-members": "__init__, __new__"}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

# Every cross-reference must resolve: re-exports and submodule paths are mapped to their API
# page by _resolve_api_reference; a reference to nothing that exists fails the build (-W).
nitpicky = True

html_theme = "furo"
html_title = f"pymc-slt {release}"

#: The concept folders (and modules) of the package, in the order of the API index.
CONCEPTS = (
    "pymc_slt.models",
    "pymc_slt.sampling",
    "pymc_slt.evidence",
    "pymc_slt.criteria",
    "pymc_slt.learning_coefficient",
    "pymc_slt.fisher",
    "pymc_slt.phases",
    "pymc_slt.selection",
    "pymc_slt.theory",
    "pymc_slt.exact",
    "pymc_slt.comparison",
    "pymc_slt.plots",
    "pymc_slt.sweep",
    "pymc_slt.study",
    "pymc_slt.datasets",
    "pymc_slt.base",
    "pymc_slt.cli",
)


def _public_names(module: types.ModuleType) -> list[str]:
    return list(getattr(module, "__all__", []))


def _attribute_doc(module: types.ModuleType, name: str) -> list[str]:
    """The ``#:`` comment of a module-level constant, looked up in the module and its submodules."""
    modnames = [module.__name__]
    if hasattr(module, "__path__"):
        modnames += [f"{module.__name__}.{m.name}" for m in pkgutil.iter_modules(module.__path__)]
    for modname in modnames:
        try:
            docs = ModuleAnalyzer.for_module(modname).find_attr_docs()
        except Exception:  # a module without source simply has no comment
            continue
        if ("", name) in docs:
            return list(docs[("", name)])
    return []


def _kind(obj: Any) -> str:
    if isinstance(obj, types.ModuleType):
        return "module"
    if inspect.isclass(obj):
        return "class"
    if callable(obj):
        return "function"
    return "data"


def _summary(obj: Any, settings: Any) -> str:
    """The first sentence of an object's docstring (as autosummary shows it)."""
    doc = (inspect.getdoc(obj) or "").splitlines()
    return extract_summary(doc, settings) if doc else ""


def _summary_table(rows: list[tuple[str, str]], *, set_module: bool = False) -> list[str]:
    """Rows ``(qualified name, one-line summary)`` as a reST list-table.

    With ``set_module``, each summary is read in the module of its object, so that a summary's
    relative references (``:func:`phase_sweep```) resolve on a page of objects of several modules.
    """
    lines = [".. list-table::", "   :widths: 35 65", ""]
    for target, summary in rows:
        lines += [f"   * - :py:obj:`~{target}`"]
        if set_module:
            module = target.rpartition(".")[0]
            lines += [f"     - .. currentmodule:: {module}", "", f"       {summary or ' '}"]
        else:
            lines += [f"     - {summary or ' '}"]
    return [*lines, "", *([".. currentmodule:: None", ""] if set_module else [])]


def _parse(directive: SphinxDirective, lines: list[str]) -> list[nodes.Node]:
    """Parse generated reST lines in the context of ``directive``."""
    container = nodes.container()
    source = directive.get_source_info()[0]
    directive.state.nested_parse(
        StringList(lines, source=source), directive.content_offset, container
    )
    return container.children


class ConceptAPI(SphinxDirective):
    """``.. slt-api:: pymc_slt.evidence``: a concept folder's docstring, summary and members.

    Writes the module docstring (``automodule``), a table of the names in ``__all__`` with the
    first sentence of each docstring, and then every name in ``__all__`` (``autoclass`` with
    its members, ``autofunction`` or ``autodata``). A module without ``__all__`` gets its
    docstring only.
    """

    required_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = {"no-summary": directives.flag}

    def run(self) -> list[nodes.Node]:
        modname = self.arguments[0]
        module = importlib.import_module(modname)
        settings = self.state.document.settings
        lines = [f".. automodule:: {modname}", "   :no-members:", ""]
        rows, body = [], []
        for name in _public_names(module):
            obj = getattr(module, name)
            target = f"{modname}.{name}"
            kind = _kind(obj)
            if kind == "module":
                continue
            if kind == "data":
                doc = _attribute_doc(module, name)
                rows.append((target, extract_summary(doc, settings) if doc else ""))
            else:
                rows.append((target, _summary(obj, settings)))
            if kind == "class":
                body += [f".. autoclass:: {target}", "   :members:", ""]
            elif kind == "function":
                body += [f".. autofunction:: {target}", ""]
            else:  # autodata would show the docstring of the value's type (tuple, dict, ...)
                # the short name: automodule made ``modname`` the current module, and a dotted
                # name here would be read as ``modname.<target>`` (an anchor nothing links to)
                body += [f".. py:data:: {name}"]
                if len(repr(obj)) <= 80:
                    body += [f"   :value: {obj!r}"]
                body += ["", *(f"   {line}" for line in _attribute_doc(module, name)), ""]
        if rows and "no-summary" not in self.options:
            lines += [".. rubric:: Summary", "", *_summary_table(rows)]
        if body:
            lines += [".. rubric:: Reference", "", *body]
        return _parse(self, lines)


class RootAPI(SphinxDirective):
    """``.. slt-root-api::``: the names of ``import pymc_slt as slt``, linked to their folder."""

    def run(self) -> list[nodes.Node]:
        settings = self.state.document.settings
        rows = []
        for name in _public_names(pymc_slt):
            obj = getattr(pymc_slt, name)
            if isinstance(obj, types.ModuleType):
                rows.append((obj.__name__, _summary(obj, settings)))
                continue
            home = next(
                (
                    c
                    for c in CONCEPTS
                    if name in _public_names(importlib.import_module(c))
                    and getattr(importlib.import_module(c), name) is obj
                ),
                None,
            )
            if home is None:  # e.g. __version__, described in the page's text
                continue
            rows.append((f"{home}.{name}", _summary(obj, settings)))
        return _parse(self, _summary_table(rows, set_module=True))


class CLIHelp(SphinxDirective):
    """``.. slt-cli-help:: study``: the ``--help`` text of ``pymc-slt [command]``, as run now."""

    optional_arguments = 1

    def run(self) -> list[nodes.Node]:
        from pymc_slt.cli import main

        argv = [*self.arguments, "--help"]
        out = io.StringIO()
        old = os.environ.get("COLUMNS")
        os.environ["COLUMNS"] = "100"
        try:
            with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
                main(argv)
        finally:
            if old is None:
                del os.environ["COLUMNS"]
            else:
                os.environ["COLUMNS"] = old
        text = f"$ pymc-slt {' '.join(argv)}\n{out.getvalue().rstrip()}"
        block = nodes.literal_block(text, text)
        block["language"] = "text"
        return [block]


def _module_sections_as_rubrics(app, what, name, obj, options, lines: list[str]) -> None:
    """Turn numpydoc section headers of *module* docstrings into rubrics, in place.

    numpydoc formats the docstrings of functions and classes but leaves those of modules alone, so
    a module's ``References`` / ``----------`` would become a section of the API page (and two
    such sections on two pages clash as the same label ``references``).
    """
    if what != "module":
        return
    for i in range(len(lines) - 1):
        title, underline = lines[i].strip(), lines[i + 1].strip()
        if (
            title
            and len(underline) >= 3
            and set(underline) == {"-"}
            and len(underline) >= len(title)
        ):
            lines[i], lines[i + 1] = f".. rubric:: {title}", ""


def _skip_namedtuple_fields(app, what, name, obj, skip, options) -> bool | None:
    """Leave out a NamedTuple's generated field docs ("Alias for field number 0")."""
    if (getattr(obj, "__doc__", None) or "").startswith("Alias for field number"):
        return True
    return None


_RESULTS = os.path.join(os.path.dirname(__file__), "..", "benchmarks", "results")
_GENERATED = os.path.join(os.path.dirname(__file__), "_generated")


def _benchmark_tables(app) -> None:
    """Write ``docs/_generated/<name>.md`` from each ``benchmarks/results/<name>.json`` that holds
    a ``table``: the pages ``{include}`` these, so their numbers are the result files', never
    pasted.

    A results file is one JSON object, written by a benchmark's full run
    (``benchmarks/_store.py``): ``version`` (pymc-slt's), ``machine``, ``python`` and
    ``command`` (what made it), ``table`` (markdown: a table, with any lines of text around it),
    and optionally ``recorded`` (how the file came to be, when no run wrote it: a table moved
    from the hand-written pages, or one built from a benchmark's older store), ``measured``
    (when) and the data the table was built from (``rows``, ...; not shown). The table is
    written under a line naming the command, version, machine and Python, the ``measured`` date
    and the ``recorded`` note.
    """
    import json

    os.makedirs(_GENERATED, exist_ok=True)
    for stale in os.listdir(_GENERATED):  # an include whose results file is gone must fail
        if stale.endswith(".md"):
            os.remove(os.path.join(_GENERATED, stale))
    for name in sorted(os.listdir(_RESULTS)) if os.path.isdir(_RESULTS) else []:
        if not name.endswith(".json"):
            continue
        with open(os.path.join(_RESULTS, name)) as handle:
            result = json.load(handle)
        if "table" not in result:
            continue
        notes = f"; measured {result['measured']}" if "measured" in result else ""
        notes += f"; {result['recorded']}" if "recorded" in result else ""
        made = (
            f"*Made by `{result['command']}` (pymc-slt {result['version']}, "
            f"{result['machine']}, Python {result['python']}){notes}.*"
        )
        with open(os.path.join(_GENERATED, name.removesuffix(".json") + ".md"), "w") as out:
            out.write(result["table"] + "\n\n" + made + "\n")


def _lookup(dotted: str) -> Any:
    """The object a dotted ``pymc_slt…`` name denotes (module, then attributes), or None."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr, None)
            if obj is None:
                return None
        return obj
    return None


def _contexts(node) -> list[str]:
    """Where a bare name in ``node`` may live: the scopes of the docstring it was written in
    (``docstring of pymc_slt.fisher.spectrum.FisherRank``: that class, then its module), then
    the page's current class and module."""
    source = str(node.source or "")
    scopes = []
    if "docstring of " in source:
        parts = source.split("docstring of ", 1)[1].split(".")
        scopes = [".".join(parts[:k]) for k in range(len(parts), 1, -1)]
    for key in ("py:class", "py:module"):
        if node.get(key):
            scopes.append(node[key])
    return scopes


def _documented_name(target: str, contexts: Sequence[str]) -> str | None:
    """Where the API pages document what ``target`` names: ``pymc_slt.compare`` (a re-export)
    and ``pymc_slt.comparison.table.compare`` (its submodule) are both documented as
    ``pymc_slt.comparison.compare``; a submodule, on its concept folder's page. A bare name is
    looked up in the scopes it was written in (``contexts``)."""
    candidates = [target] if target.startswith("pymc_slt") else []
    candidates += [f"{scope}.{target}" for scope in contexts]
    for dotted in candidates:
        obj = _lookup(dotted)
        if obj is None:
            continue
        if isinstance(obj, types.ModuleType):
            return next((c for c in CONCEPTS if obj.__name__.startswith(c)), None)
        for length in range(dotted.count(".") + 1, 0, -1):  # a class, then its member
            owner_name = ".".join(dotted.split(".")[:length])
            owner = _lookup(owner_name)
            member = dotted.split(".")[length:]
            for concept in CONCEPTS:
                module = importlib.import_module(concept)
                for name in _public_names(module):
                    if getattr(module, name, None) is owner and owner is not None:
                        return ".".join([concept, name, *member])
    return None


def _resolve_api_reference(app, env, node, contnode):
    """Resolve a reference to a pymc-slt object by the name its API page documents it under
    (:func:`_documented_name`), so re-exports and submodule paths link instead of dangling."""
    if node.get("refdomain") != "py":
        return None
    reftarget, contexts = node["reftarget"], _contexts(node)
    target = _documented_name(reftarget, contexts)
    if target is not None and target != reftarget:
        domain = env.get_domain("py")
        for role in (node["reftype"], "obj", "mod"):
            found = domain.resolve_xref(
                env, node["refdoc"], app.builder, role, target, node, contnode
            )
            if found is not None:
                return found
    # an object that exists but has no page here (a private helper, another package's
    # function): its name stays as code, unlinked; a name that exists nowhere still warns
    names = [reftarget, *(f"{scope}.{reftarget}" for scope in contexts)]
    if any(_lookup(name) is not None for name in names):
        return contnode
    return None


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", _benchmark_tables)
    app.connect("missing-reference", _resolve_api_reference)
    app.connect("autodoc-process-docstring", _module_sections_as_rubrics)
    app.connect("autodoc-skip-member", _skip_namedtuple_fields)
    app.add_directive("slt-api", ConceptAPI)
    app.add_directive("slt-root-api", RootAPI)
    app.add_directive("slt-cli-help", CLIHelp)
    return {"parallel_read_safe": True}
