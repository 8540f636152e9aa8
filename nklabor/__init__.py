"""nklabor: North Korea's overseas forced labour as an open, sourced dataset.

    >>> import nklabor
    >>> nklabor.tables()
    >>> est = nklabor.load("worker_estimates")
    >>> nklabor.describe("worker_estimates")

Light on import: pandas loads with the first `load()`, matplotlib and geopandas only when a plot is asked for.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["load", "tables", "describe", "DataError", "__version__", "deployment_map", "deployment_maps",
           "enforcement_timeline", "country_profile"]
_PLOTS = ("deployment_map", "deployment_maps", "enforcement_timeline", "country_profile")


def __getattr__(name: str):
    """The plotting helpers, imported on first use so that `import nklabor` stays free of matplotlib."""
    if name in _PLOTS:
        from nklabor import plots

        return getattr(plots, name)
    raise AttributeError(f"module 'nklabor' has no attribute {name!r}")


class DataError(RuntimeError):
    """A processed file is missing, damaged or does not match the build manifest."""


def tables() -> list[str]:
    """Names of the processed tables that `load()` accepts."""
    from nklabor.schemas import ALL_TABLES

    return list(ALL_TABLES)


def describe(name: str):
    """The data dictionary of one table: a DataFrame of column, type, required, description."""
    from nklabor.dictionary import table_dictionary

    return table_dictionary(name)


def load(name: str):
    """Return a processed table as a typed pandas DataFrame, building it first if outputs are missing or stale."""
    import hashlib
    import sys

    from nklabor import manifest
    from nklabor.paths import processed_dir, raw_dir

    if name not in tables():
        raise KeyError(f"unknown table {name!r}; choose one of: {', '.join(tables())}")
    out = processed_dir()
    for _attempt in range(3):
        record = manifest.read(out)
        if record is None or (raw_dir().exists() and record.get("inputs") != manifest.input_hashes(raw_dir())):
            from nklabor.build import build

            print("nklabor: processed tables are missing or older than data/raw; building them now", file=sys.stderr)
            record = build(log=lambda msg: print(msg, file=sys.stderr))
        info = record["outputs"].get(name)
        path = out / (info["file"] if info else f"{name}.parquet")
        data = path.read_bytes() if info is not None and path.exists() else None
        if data is not None and hashlib.sha256(data).hexdigest() == info["sha256"]:
            import io

            import pandas as pd

            return pd.read_parquet(io.BytesIO(data))  # the very bytes that were checked, even if a build renames
        from nklabor.build import settle

        settle(out)  # a build may be switching tables right now, or may have died doing it: wait, repair, retry
    raise DataError(f"{path} is missing or does not match its checksum in {out / manifest.MANIFEST}; "
                    f"it was changed or truncated after the build. Rebuild with `make data` "
                    f"(or `python -m nklabor build --force`).")
