"""Releases: a citable, reproducible bundle of the processed tables (`nklabor release --version YYYY.MM.N`).

bundle.py puts the bundle together; fields.py describes each published column (from the pandera models);
formats.py writes CSV, parquet, SQLite with Datasette metadata and the Data Package; workbook.py writes the
spreadsheet; ftm.py the FollowTheMoney entities; history.py keeps release manifests and the changelog.
"""

from nklabor.release.bundle import release
from nklabor.release.history import ReleaseError

__all__ = ["release", "ReleaseError"]
