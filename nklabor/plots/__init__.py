"""Figures of the dataset: maps of deployments, timelines of enforcement, country profiles.

The helpers import matplotlib and geopandas, so they load on first use; `nklabor.plots.cli` stays light.
"""

from __future__ import annotations

__all__ = ["deployment_map", "deployment_maps", "enforcement_timeline", "country_profile", "series"]
_HOME = {"deployment_map": "maps", "deployment_maps": "maps", "enforcement_timeline": "timeline",
         "country_profile": "profile", "series": "band"}


def __getattr__(name: str):
    if name in _HOME:
        from importlib import import_module

        from nklabor.plots.style import text_as_text

        text_as_text()
        return getattr(import_module(f"nklabor.plots.{_HOME[name]}"), name)
    raise AttributeError(f"module 'nklabor.plots' has no attribute {name!r}")
