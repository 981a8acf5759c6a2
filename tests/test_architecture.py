"""The package's import structure: layers that import only downward, no cycles, no private leaks.

The layers, lowest first (a folder may import from its own folder and from lower layers only)::

    0  _validate, _progress, _version, _deprecated
    1  base, theory, datasets
    2  models
    3  sampling
    4  evidence, criteria, learning_coefficient, fisher, phases, exact, selection
    5  quantities
    6  comparison, plots, sweep
    7  study
    8  commands, cli

The package root ``pymc_slt/__init__.py`` re-exports the public names and may import anything.
A name or module starting with ``_`` may be imported only inside its own folder; the root's
private modules (``_validate``, ``_progress``, ``_version``) are the package's shared internals:
the lowest layer, open to every folder. Every import counts, including those inside functions
and under ``TYPE_CHECKING``, so the graph is the one a reader sees.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
from pathlib import Path

import pytest

import pymc_slt
from pymc_slt.base.spec import Spec

PACKAGE = Path(pymc_slt.__file__).parent
LAYERS = (
    {"_validate", "_progress", "_version", "_deprecated"},
    {"base", "theory", "datasets"},
    {"models"},
    {"sampling"},
    {"evidence", "criteria", "learning_coefficient", "fisher", "phases", "exact", "selection"},
    {"quantities"},
    {"comparison", "plots", "sweep"},
    {"study"},
    {"commands", "cli"},
)
SHARED_PRIVATE = {"_validate", "_progress", "_version", "_deprecated"}


def _module_name(path: Path) -> str:
    parts = ["pymc_slt", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(module imported, names imported from it, line) for every pymc_slt import in ``path``.

    ``from pymc_slt import models`` counts as an import of ``pymc_slt.models``.
    """
    tree = ast.parse(path.read_text(), filename=str(path))
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [
                (a.name, [], node.lineno) for a in node.names if a.name.startswith("pymc_slt")
            ]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.rsplit(".", node.level - 1)[0]
                module = f"{base}.{module}" if module else base
            if module == "pymc_slt":
                found += [(f"pymc_slt.{a.name}", [], node.lineno) for a in node.names]
            elif module.startswith("pymc_slt."):
                found.append((module, [a.name for a in node.names], node.lineno))
    return found


def _top(module: str) -> str:
    """The first-level folder (or root module) of a dotted pymc_slt name; '' for the root."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _layer(top: str) -> int:
    for k, layer in enumerate(LAYERS):
        if top in layer:
            return k
    raise AssertionError(f"pymc_slt.{top} is in no layer; add it to LAYERS in {__file__}")


def _graph() -> dict[str, list[tuple[str, list[str], int]]]:
    return {_module_name(p): _imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(module: str, names: list[str], modules: set[str]) -> list[str]:
    """The package modules an import statement loads (``from pkg import sub`` loads pkg.sub)."""
    out = [module] if module in modules else []
    out += [f"{module}.{n}" for n in names if f"{module}.{n}" in modules]
    return out


def test_every_folder_has_a_layer():
    tops = {_top(m) for m in _graph()} - {""}
    for top in tops:
        _layer(top)


def test_imports_only_run_downward():
    bad = []
    for module, imports in _graph().items():
        src = _top(module)
        if not src:  # the root __init__ re-exports everything
            continue
        for target, _, line in imports:
            dst = _top(target)
            if not dst:
                bad.append(f"{module}:{line} imports the package root {target}")
            elif dst != src and _layer(dst) >= _layer(src):
                bad.append(
                    f"{module}:{line} (layer {_layer(src)}) imports {target} (layer {_layer(dst)})"
                )
    assert not bad, "imports that do not run downward:\n" + "\n".join(bad)


def test_no_private_name_crosses_a_folder():
    bad = []
    for module, imports in _graph().items():
        src = _top(module)
        for target, names, line in imports:
            dst = _top(target)
            if dst == src or dst in SHARED_PRIVATE:
                continue
            private_parts = [p for p in target.split(".")[1:] if p.startswith("_")]
            private_names = [n for n in names if n.startswith("_")]
            if private_parts or private_names:
                bad.append(f"{module}:{line} imports {target} {private_names or ''}".rstrip())
    assert not bad, "private names imported from another folder:\n" + "\n".join(bad)


def test_no_import_cycles():
    graph = _graph()
    modules = set(graph)
    edges = {
        m: sorted({t for target, names, _ in imps for t in _resolve(target, names, modules)} - {m})
        for m, imps in graph.items()
    }
    # a package's __init__ importing its own submodules is how re-exports work, not a cycle
    for m in edges:
        edges[m] = [t for t in edges[m] if not (t.startswith(m + ".") and m in _packages(modules))]
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in edges[node]:
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt) :], nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)


def _packages(modules: set[str]) -> set[str]:
    return {m for m in modules if any(o.startswith(m + ".") for o in modules)}


def test_module_sizes():
    """Modules stay readable: under 500 lines, except the ones named here with the reason."""
    allowed = {
        # 594 lines of which 412 are the formulas, their conditions, the published checks
        # and the references in the docstrings of six functions; splitting them apart would
        # separate each λ from the derivation a reader checks it against.
        "pymc_slt.theory.rlct": 620,
    }
    long = {
        _module_name(p): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text().splitlines())) > allowed.get(_module_name(p), 500)
    }
    assert not long, f"modules over 500 lines: {long}"


#: The settings each sampler family holds (:mod:`pymc_slt.sampling.samplers`), with its default.
SAMPLER_SETTINGS = ("draws", "tune", "chains", "target_accept")


def _public_functions():
    for name in pymc_slt.__all__:
        obj = getattr(pymc_slt, name)
        if inspect.isfunction(obj):
            yield name, obj


def _stated_sampler_defaults() -> set[str]:
    """Every place in the package's source that gives a sampler setting a non-None default: a
    function parameter or a class field named ``draws``, ``tune``, ``chains`` or
    ``target_accept`` (``module:function(name=value)`` or ``module:Class.name=value``)."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        module = _module_name(path)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                args = node.args
                positional = args.posonlyargs + args.args
                defaulted = positional[len(positional) - len(args.defaults) :]
                pairs = list(zip(defaulted, args.defaults, strict=True))
                pairs += [
                    (a, d)
                    for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)
                    if d is not None
                ]
                for arg, default in pairs:
                    if arg.arg in SAMPLER_SETTINGS and ast.unparse(default) != "None":
                        found.add(f"{module}:{node.name}({arg.arg}={ast.unparse(default)})")
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if (
                        isinstance(item, ast.AnnAssign)
                        and isinstance(item.target, ast.Name)
                        and item.target.id in SAMPLER_SETTINGS
                        and item.value is not None
                        and ast.unparse(item.value) != "None"
                    ):
                        found.add(
                            f"{module}:{node.name}.{item.target.id}={ast.unparse(item.value)}"
                        )
    return found


def test_no_sampler_default_is_defined_in_more_than_one_place():
    """The defaults of ``draws``, ``tune``, ``chains`` and ``target_accept`` are stated once, in
    the sampler types (:mod:`pymc_slt.sampling.samplers`), and nowhere else in the package:
    no function or other class states its own, so no two can disagree. (Methods whose
    measured NUTS default differs state it as a sampler value or a ``target_accept`` constant
    beside the measurement: ``LADDER_NUTS``, ``DEFAULT_NUTS``.)"""
    allowed = {
        "pymc_slt.sampling.samplers:NUTS.draws=1000",
        "pymc_slt.sampling.samplers:NUTS.tune=1000",
        "pymc_slt.sampling.samplers:NUTS.chains=4",
        "pymc_slt.sampling.samplers:SMC.draws=1000",
        "pymc_slt.sampling.samplers:SMC.chains=4",
        "pymc_slt.sampling.samplers:HMCSMC.draws=1000",
        "pymc_slt.sampling.samplers:HMCSMC.chains=4",
        "pymc_slt.sampling.samplers:HMCSMC.target_accept=0.7",
        # minibatch SGLD (local λ̂ and WBIC of networks), a sampler type of its own
        "pymc_slt.sampling.sgld:SGLD.chains=8",
        "pymc_slt.sampling.sgld:SGLD.draws=100",
        # noisy gradient descent's value: one chain by default, stated once (it is the "SGD with
        # noise is Gibbs sampling" demonstration, not a sampler of sample_tempered)
        "pymc_slt.sampling.langevin:Langevin.chains=1",
        # independent prior draws (pm.draw) of a Monte-Carlo integral, not a sampler's run
        "pymc_slt.evidence.prior_mass:prior_mass(draws=PRIOR_MASS_DRAWS)",
        "pymc_slt.sampling.points:prior_tail(draws=1000)",
    }
    extra = _stated_sampler_defaults() - allowed
    assert not extra, f"sampler defaults stated outside the sampler types: {sorted(extra)}"


def test_every_function_that_samples_takes_a_sampler_value():
    """A public function that samples takes ``sampler=`` (default None: the family's or the
    method's default); its loose settings live only in ``**deprecated``."""
    offenders = []
    for name, fn in _public_functions():
        params = inspect.signature(fn).parameters
        if "sampler" in params or "deprecated" in params:
            if params["sampler"].default is not None:
                offenders.append(name)
            offenders += [
                f"{name}({k})" for k in ("draws", "tune", "sampler_kwargs") if k in params
            ]
    assert not offenders, f"functions that sample without sampler=None alone: {offenders}"


def test_no_public_entry_point_exceeds_eight_parameters():
    """Every public function takes at most 8 named parameters (a method's options live in its
    value, a sampler's settings in the sampler value); a ``**`` catch-all may only be
    ``**deprecated`` (replaced arguments kept for one release)."""
    counts, catch_alls = {}, []
    for name, fn in _public_functions():
        params = inspect.signature(fn).parameters.values()
        named = [p for p in params if p.kind is not p.VAR_KEYWORD]
        catch_alls += [f"{name}(**{p.name})" for p in params if p.kind is p.VAR_KEYWORD]
        counts[name] = len(named)
    over = {name: n for name, n in counts.items() if n > 8}
    assert not over, f"public functions over 8 parameters: {over}"
    assert all(c.endswith("(**deprecated)") for c in catch_alls), catch_alls


def test_each_registrys_members_share_one_signature():
    """A new method is one module: every log-Z method's ``run`` takes the one ``EvidenceJob``,
    every λ estimator's the one ``LambdaJob``, every sampler family the same run settings and
    ``kwargs``."""
    from pymc_slt.evidence.methods import METHODS
    from pymc_slt.learning_coefficient.methods import ESTIMATORS
    from pymc_slt.sampling.samplers import SAMPLERS

    for registry in (METHODS, ESTIMATORS):
        runs = {name: list(inspect.signature(e.run).parameters) for name, e in registry.items()}
        assert all(params == ["job"] for params in runs.values()), runs
        for name, entry in registry.items():  # one options type each, named by its key
            value = entry.options()
            assert isinstance(value, Spec) and value.name == name, (name, value)
            assert dataclasses.is_dataclass(value) and type(value).__dataclass_params__.frozen
    for name, family in SAMPLERS.items():
        value = family()
        assert value.name == name
        assert all(isinstance(getattr(value, k), int) for k in ("draws", "tune", "chains"))
        assert list(inspect.signature(value.kwargs).parameters) == ["target_accept"]


def test_base_is_array_mathematics_without_models_or_samplers():
    """``pymc_slt.base`` (bridge iterations, stepping-stone sums, slope fits, ...) imports no
    PyMC, PyTensor or sampler: NumPy, SciPy, xarray and arviz-stats only."""
    banned = {"pymc", "pytensor", "nutpie", "jax", "blackjax"}
    found = []
    for path in (PACKAGE / "base").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            found += [
                f"{_module_name(path)} imports {n}" for n in names if n.split(".")[0] in banned
            ]
    assert not found, found
