"""Import Mesa's core (mesa.agent, mesa.model, mesa.time) without editing Mesa.

Mesa 2.4's mesa/__init__.py also imports mesa.batchrunner (needs tqdm), mesa.datacollection (pandas at
use), mesa.space (numpy) and mesa.visualization (mesa_viz_tornado/solara, import errors suppressed). The
port needs none of those. So: first try a plain `import mesa`; if that fails on a package Mesa's core does
not need (tqdm is not installed on Debian 12 by default), register an empty package object named `mesa`
whose __path__ is Mesa's source folder, so that `import mesa.agent` and friends load Mesa's own files
unchanged without running mesa/__init__.py.
"""

import importlib
import importlib.util
import os
import sys
import types


def import_mesa():
    """Returns (version, how) or raises ImportError when Mesa 2.x's core cannot be imported (the port is
    written for Mesa 2.4's API: Agent(unique_id, model), mesa.time's schedulers)."""
    version, how = _import_any_mesa()
    if not version.startswith("2."):
        raise ImportError(f"Mesa {version} found at {sys.modules['mesa'].__path__}; the port needs Mesa 2.4")
    return version, how


def _import_any_mesa():
    try:
        import mesa  # noqa: F401  (the whole package, as a Mesa user would)
        import mesa.agent  # noqa: F401
        import mesa.model  # noqa: F401
        import mesa.time  # noqa: F401

        return mesa.__version__, "import mesa"
    except ImportError as full_error:
        for name in [n for n in sys.modules if n == "mesa" or n.startswith("mesa.")]:
            del sys.modules[name]
        spec = importlib.util.find_spec("mesa")
        if spec is None or not spec.submodule_search_locations:
            raise
        folder = list(spec.submodule_search_locations)[0]
        pkg = types.ModuleType("mesa")
        pkg.__path__ = [folder]
        pkg.__file__ = os.path.join(folder, "__init__.py")
        sys.modules["mesa"] = pkg
        try:
            importlib.import_module("mesa.agent")
            importlib.import_module("mesa.model")
            importlib.import_module("mesa.time")
        except ImportError:
            for name in [n for n in sys.modules if n == "mesa" or n.startswith("mesa.")]:
                del sys.modules[name]
            raise
        version = "unknown"
        with open(pkg.__file__, encoding="utf-8") as f:
            for line in f:
                if line.startswith("__version__"):
                    version = line.split("=", 1)[1].strip().strip("\"'")
        return version, f"mesa.agent/model/time only (import mesa failed: {full_error})"
