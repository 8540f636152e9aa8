"""Read a processed parquet file without starting Arrow's thread pools.

`pd.read_parquet` goes through Arrow's dataset reader, which starts a pool of native worker threads. Our tables
are a few thousand rows, so the pool buys nothing, and a process that ends right after a read (a command that
stops on a bad argument) could tear the pool down while a worker was still starting: the C++ runtime then aborts
with "terminate called without an active exception" (exit 134). `ParquetFile.read(use_threads=False)` decodes on
the calling thread and starts no pool, so there is nothing native left to tear down at exit.
"""

from __future__ import annotations

from pathlib import Path


def read_frame(source: bytes | Path | str, columns: list[str] | None = None):
    """A parquet file (path or its bytes) as a pandas DataFrame, decoded on this thread only."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    handle = pa.BufferReader(source) if isinstance(source, (bytes, bytearray, memoryview)) else str(source)
    table = pq.ParquetFile(handle).read(columns=columns, use_threads=False)
    return table.to_pandas(use_threads=False)
