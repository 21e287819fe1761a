"""The public API re-exported from ``tariffsim``: every name resolves to what it names."""

from __future__ import annotations

import importlib
import pkgutil
import types

import tariffsim


def test_exports_are_not_shadowed_by_submodules() -> None:
    # importing a submodule binds its name on the package: an export named like a module
    # would then resolve to the module instead of the function
    for info in pkgutil.walk_packages(tariffsim.__path__, "tariffsim."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)
    for name in tariffsim.__all__:
        value = getattr(tariffsim, name)
        assert not isinstance(value, types.ModuleType), f"tariffsim.{name} is a module"
        assert value.__name__ == name
