"""`make bench`: time the build, the import and the validated pipeline at scale; write benchmarks/results.md.

Every measurement runs in a fresh child process, so times include nothing cached in this one and the peak
memory (max RSS, from wait4) is that child's alone. Synthetic tables come from benchmarks/synthetic.py.
Usage: python benchmarks/run.py [--sizes 10000,100000,1000000] [--full-build-max 100000]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PY = sys.executable

BARE = """
import sys, pandas as pd
pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False).to_parquet(sys.argv[2], engine="pyarrow")
"""

# raw CSV -> validated, typed parquet of worker_estimates, timed stage by stage (the other raw tables are small)
PIPELINE = """
import sys, time
from pathlib import Path
t0 = time.perf_counter()
from nklabor.build import _write_parquet
from nklabor.derive import typed_table
from nklabor.schemas import WorkerEstimates
from nklabor.validate import validate_raw
t1 = time.perf_counter()
frames = validate_raw(Path(sys.argv[1]))
t2 = time.perf_counter()
table = typed_table(frames["worker_estimates"], WorkerEstimates.to_schema())
_write_parquet(table, Path(sys.argv[2]))
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2)
"""


def timed(args: list[str], **kw) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MB, stdout) of one child process, reaped with wait4 to get its own peak."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(args, cwd=kw.get("cwd", ROOT), stdout=out, stderr=err,
                                 env={**os.environ, **kw.get("env", {})})
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode:
            raise SystemExit(f"failed ({child.returncode}): {' '.join(map(str, args))}\n{err.read()}")
        return seconds, usage.ru_maxrss / 1024, out.read()


def median_of(n: int, args: list[str]) -> float:
    return statistics.median(timed(args)[0] for _ in range(n))


def _wall_and_cpu(args: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, from wait4) of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"failed: {' '.join(map(str, args))}")
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def paired(n: int, command: list[str], floor: list[str]) -> dict[str, float]:
    """The command against its floor, run in turn (one warm-up each, then n pairs), so a machine whose speed
    drifts moves both alike: medians of each, and the median of the pairwise differences, wall and CPU."""
    _wall_and_cpu(command), _wall_and_cpu(floor)
    pairs = [(_wall_and_cpu(command), _wall_and_cpu(floor)) for _ in range(n)]
    med = statistics.median
    return {"wall": med(a[0] for a, _ in pairs), "floor_wall": med(b[0] for _, b in pairs),
            "over_wall": med(a[0] - b[0] for a, b in pairs), "over_cpu": med(a[1] - b[1] for a, b in pairs)}


def bench_real(work: Path) -> list[tuple[str, str, str]]:
    raw = work / "real" / "raw"
    shutil.copytree(ROOT / "data" / "raw", raw)
    out = work / "real" / "processed"
    build = [PY, "-m", "nklabor", "build", "--raw", str(raw), "--out", str(out)]
    full, full_mb, _ = timed(build)
    noop = median_of(5, build)
    subprocess.run(["make", "-s", "data"], cwd=ROOT, check=True, capture_output=True)  # bring data/ up to date
    make_noop = median_of(5, ["make", "-s", "data"])
    return [("full build of the real data from scratch (`python -m nklabor build`)", f"{full:.2f} s",
             f"{full_mb:.0f} MB"),
            ("no-op rebuild (`python -m nklabor build`, nothing changed), median of 5", f"{noop:.2f} s", ""),
            ("no-op `make data`, median of 5 (target < 1 s)", f"{make_noop:.2f} s",
             "met" if make_noop < 1 else "MISSED")]


FLOOR = """
import sys
from pathlib import Path
import pandas as pd
raw, out = Path(sys.argv[1]), Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
for path in sorted(raw.glob("*.csv")):
    pd.read_csv(path, dtype=str, keep_default_na=False).to_parquet(out / (path.stem + ".parquet"))
"""


def bench_floor(work: Path) -> list[tuple[str, str, str]]:
    """The full build of the real data against the bare floor (pandas + pyarrow read every raw CSV and write
    parquet), run in turn so that drift moves both alike (issue 19: within 2.5x). The imports the build cannot do
    without (pandas, pyarrow, pandera) are timed too: they are the part of the build that no data work can shrink."""
    raw = work / "floor" / "raw"
    shutil.copytree(ROOT / "data" / "raw", raw)
    build = [PY, "-m", "nklabor", "build", "--force", "--raw", str(raw), "--out", str(work / "fb")]
    pair = paired(5, build, [PY, "-c", FLOOR, str(raw), str(work / "floor" / "bare")])
    imports = median_of(5, [PY, "-c", "import pandas, pyarrow.parquet, pandera.pandas"])
    ratio = pair["wall"] / pair["floor_wall"]
    return [("bare floor: pandas reads every raw CSV and writes parquet, median of 5 run in turn with the build",
             f"{pair['floor_wall']:.2f} s", ""),
            ("full build (`nklabor build --force`), median of 5", f"{pair['wall']:.2f} s",
             f"{ratio:.1f}x the floor (target 2.5x): " + ("met" if ratio <= 2.5 else "MISSED")),
            ("`import pandas, pyarrow.parquet, pandera.pandas` (the build's imports), median of 5",
             f"{imports:.2f} s", f"{imports / pair['floor_wall']:.1f}x the floor before any data is read")]


def bench_cli(work: Path) -> list[tuple[str, str, str]]:
    """Commands against their floors: a look-up within 0.5 s of importing pandas, a map within 2 s of importing
    matplotlib and geopandas (issue 19)."""
    pandas = median_of(5, [PY, "-c", "import pandas"])
    figures = median_of(5, [PY, "-m", "nklabor", "figures", "RUS"])
    estimate = median_of(5, [PY, "-m", "nklabor", "estimate", "RUS"])
    m = paired(5, [PY, "-m", "nklabor", "plot", "map", "--year", "2017", "-o", str(work / "map.png")],
               [PY, "-c", "import pandas, matplotlib.pyplot, geopandas"])

    def verdict(t, floor, margin):
        met = "met" if t <= floor + margin else "MISSED"
        return f"{t - floor:+.2f} s over the floor (target +{margin} s): {met}"

    return [("`import pandas` (floor for look-ups), median of 5", f"{pandas:.2f} s", ""),
            ("`nklabor figures RUS`, median of 5", f"{figures:.2f} s", verdict(figures, pandas, 0.5)),
            ("`nklabor estimate RUS`, median of 5", f"{estimate:.2f} s", verdict(estimate, pandas, 0.5)),
            ("`import pandas, matplotlib.pyplot, geopandas` (floor for maps), median of 5", f"{m['floor_wall']:.2f} s",
             ""),
            ("`nklabor plot map --year 2017`, median of 5 run in turn with the floor", f"{m['wall']:.2f} s",
             f"{m['over_wall']:+.2f} s over the floor, median of the pairs (target +2 s): "
             + ("met" if m["over_wall"] <= 2 else "MISSED") + f"; CPU {m['over_cpu']:+.2f} s over")]


def bench_suite() -> list[tuple[str, str, str]]:
    """`make test` as a whole (after `make data`), once: the suite's budget is 5 minutes on 2 cores."""
    seconds = timed(["make", "-s", "test"])[0]
    return [("`make test`, whole suite on every core", f"{seconds:.0f} s",
             "target 300 s: " + ("met" if seconds <= 300 else "MISSED"))]


def bench_import() -> list[tuple[str, str, str]]:
    pandas = median_of(7, [PY, "-c", "import pandas"])
    nklabor = median_of(7, [PY, "-c", "import nklabor"])
    heavy = timed([PY, "-c", "import sys, nklabor; print(sorted(m for m in ('matplotlib', 'geopandas', 'pandas', "
                             "'pandera') if m in sys.modules))"])[2].strip()
    bare = median_of(7, [PY, "-c", "pass"])
    return [("`python -c pass` (interpreter start-up), median of 7", f"{bare:.3f} s", ""),
            ("`import pandas`, median of 7", f"{pandas:.3f} s", ""),
            ("`import nklabor`, median of 7 (target within 0.1 s of pandas)", f"{nklabor:.3f} s",
             "met" if nklabor <= pandas + 0.1 else "MISSED"),
            ("heavy modules loaded by `import nklabor`", heavy, "")]


ESTIMATE = """
import sys, time
from pathlib import Path
import pandas as pd
from nklabor.derive import typed_table
from nklabor.estimate import estimate_tables
from nklabor.schemas import Countries, WorkerEstimates
from nklabor.validate import validate_raw
frames = validate_raw(Path(sys.argv[1]))
est = typed_table(frames["worker_estimates"], WorkerEstimates.to_schema())
countries = typed_table(frames["countries"], Countries.to_schema())
t0 = time.perf_counter()
if len(sys.argv) > 2:
    from nklabor.estimate.backtest import backtest
    backtest(est, countries, legacy_too=False)
else:
    estimate_tables(est, countries)
print(time.perf_counter() - t0, len(est))
"""


def bench_estimates(work: Path) -> list[tuple[str, str, str]]:
    """The reconstruction on the real data and on 100x as many rows (is it linear?), the back-test, the site."""
    sys.path.insert(0, str(HERE))
    from synthetic import synthetic_raw

    real_s, _, out = timed([PY, "-c", ESTIMATE, str(ROOT / "data" / "raw")])
    seconds, n_real = map(float, out.split())
    n = int(n_real)
    big = synthetic_raw(work / "est100" / "raw", 100 * n, ROOT / "data" / "raw")
    small = synthetic_raw(work / "est1" / "raw", n, ROOT / "data" / "raw")
    s1 = float(timed([PY, "-c", ESTIMATE, str(small)])[2].split()[0])
    s100 = float(timed([PY, "-c", ESTIMATE, str(big)])[2].split()[0])
    bt_s, _, backtest = timed([PY, "-m", "nklabor", "estimate", "--backtest"])
    rows32 = synthetic_raw(work / "est32" / "raw", 32 * n, ROOT / "data" / "raw")
    b1 = float(timed([PY, "-c", ESTIMATE, str(small), "backtest"])[2].split()[0])
    b32 = float(timed([PY, "-c", ESTIMATE, str(rows32), "backtest"])[2].split()[0])
    site_s, site_mb, _ = timed([PY, "-m", "nklabor", "site", "--out", str(work / "site")])
    line = next((x for x in backtest.splitlines() if x.startswith("| (a)")), "?")
    cover = line.split("|")[4].strip() if line != "?" else "?"
    return [(f"best_estimates + world_year on the real data ({n:,} figures; target < 1 s)", f"{seconds:.3f} s",
             "met" if seconds < 1 else "MISSED"),
            (f"the same on synthetic data, {n:,} rows vs {100 * n:,} rows (100x)", f"{s1:.3f} s vs {s100:.2f} s",
             f"{s100 / s1:.0f}x the time for 100x the rows"),
            ("back-test, new method only, synthetic data: 1x vs 32x the rows (target under 10x the time)",
             f"{b1:.2f} s vs {b32:.2f} s", f"{b32 / b1:.1f}x" + (" met" if b32 / b1 < 10 else " MISSED")),
            ("`nklabor estimate --backtest` (new and old method, all protocols), 80% range covers under (a)", cover,
             f"{bt_s:.1f} s"),
            ("`nklabor site` on the real data (target < 30 s)", f"{site_s:.1f} s",
             ("met" if site_s < 30 else "MISSED") + f", {site_mb:.0f} MB")]


def bench_scale(work: Path, sizes: list[int], full_build_max: int) -> list[list[str]]:
    sys.path.insert(0, str(HERE))
    from synthetic import synthetic_raw

    rows = []
    for n in sizes:
        raw = synthetic_raw(work / f"syn{n}" / "raw", n, ROOT / "data" / "raw")
        csv = raw / "worker_estimates.csv"
        bare, bare_mb, _ = timed([PY, "-c", BARE, str(csv), str(work / f"bare{n}.parquet")])
        total, pipe_mb, out = timed([PY, "-c", PIPELINE, str(raw), str(work / f"pipe{n}.parquet")])
        imports, validate, write = map(float, out.split())
        work_s = validate + write
        full = "skipped"
        if n <= full_build_max:
            seconds, full_mb, _ = timed([PY, "-m", "nklabor", "build", "--raw", str(raw), "--out",
                                         str(work / f"syn{n}" / "processed")])
            full = f"{seconds:.1f} s / {full_mb:.0f} MB"
        rows.append([f"{n:,}", f"{csv.stat().st_size / 1e6:.0f} MB", f"{bare:.2f} s", f"{bare_mb:.0f} MB",
                     f"{validate:.2f} s", f"{write:.2f} s", f"{total:.2f} s", f"{pipe_mb:.0f} MB",
                     f"{total / bare:.1f}x", f"{work_s / n * 1e6:.1f} µs", full])
    return rows


SCREEN_NAMES = """
import sys
import pandas as pd
from nklabor import screening_eval as ev
n = int(sys.argv[2])
lab = ev.labelled_set()
pos = lab[lab["expected_id"].notna()]["query"].tolist()
share = {k: v * 10 for k, v in ev.N_NEGATIVE.items()}
neg = ev.negatives(n=share, seed=1)["query"].tolist()
names = (pos + neg) * (n // (len(pos) + len(neg)) + 1)
pd.DataFrame({"name": names[:n]}).to_csv(sys.argv[1], index=False)
print(len(pos), min(len(neg), n - len(pos)))
"""

SCREEN_QUALITY = """
from nklabor import screening, screening_eval as ev
r = ev.report()
m = r["metrics"].set_index("threshold").loc[screening.DEFAULT_THRESHOLD]
print(screening.DEFAULT_THRESHOLD, m["precision"], m["recall"], len(r["labelled"]), r["best"])
"""


def bench_screening(work: Path, n: int = 10_000) -> list[tuple[str, str, str]]:
    """`nklabor screen` on a CSV of 10,000 names (variants of listed names and ordinary names), and the measured
    precision and recall of the default threshold (docs/SCREENING.md)."""
    names = work / "names.csv"
    n_pos, _ = timed([PY, "-c", SCREEN_NAMES, str(names), str(n)])[2].split()
    seconds, mb, out = timed([PY, "-m", "nklabor", "screen", str(names), "--column", "name", "-o",
                              str(work / "matches.csv")])
    rows = out.strip().splitlines()[-1]
    cold = median_of(3, [PY, "-m", "nklabor", "screen", "Kim Kwang-jin"])
    threshold, precision, recall, n_lab, best = timed([PY, "-c", SCREEN_QUALITY])[2].split()
    return [(f"`nklabor screen names.csv` on {n:,} names ({n_pos} variants of listed names, the rest ordinary), "
             "whole command (target: seconds)", f"{seconds:.1f} s", ("met" if seconds < 60 else "MISSED")
             + f", {mb:.0f} MB; {rows.split(' A match')[0]}"),
            ("`nklabor screen \"Kim Kwang-jin\"` (one name, whole command), median of 3", f"{cold:.2f} s", ""),
            (f"precision / recall at the default threshold {threshold} on the labelled set ({n_lab} queries; "
             f"best F1 at {best})", f"{float(precision):.1%} / {float(recall):.1%}", "docs/SCREENING.md")]


#: Measured by hand (a cold install needs the network and minutes; `make bench` does not repeat it).
COLD = """## Cold set-up

Measured by hand, not by `make bench` (it needs the network and a fresh clone):
`git clone -q . /tmp/cold && cd /tmp/cold && PIP_NO_CACHE_DIR=1 UV_NO_CACHE=1 PIP_ONLY_BINARY=:all: /usr/bin/time
make data`. Before issue 12, a cold `make data` took 124 s, most of it compiling PyICU for the FollowTheMoney
stack. Without that stack, with pip: 56.9 s (2026-11-29). With uv installing the same wheels: see COLD.txt
beside this file."""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--full-build-max", type=int, default=100000,
                        help="largest size for which to also time the full build with derived tables")
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    parser.add_argument("--no-suite", action="store_true", help="skip timing `make test`")
    parser.add_argument("--only-screening", action="store_true", help="time the screening only and print it")
    args = parser.parse_args()
    if args.only_screening:  # measure the screening alone and put its section into the existing results
        with tempfile.TemporaryDirectory(prefix="nklabor-bench-") as tmp:
            rows = bench_screening(Path(tmp))
        section = "\n".join(["## Screening names", "",
                             f"Measured by `python benchmarks/run.py --only-screening` on {platform.node()}, "
                             f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end.", "",
                             "| what | result | target / note |", "|---|---|---|",
                             *[f"| {a} | {b} | {c} |" for a, b, c in rows], ""])
        text = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if "## Screening names" in text:
            head, rest = text.split("## Screening names", 1)
            tail = rest[rest.find("\n## "):] if "\n## " in rest else ""
            text = head + section + tail
        else:
            text = text.replace("## Cold set-up", section + "\n## Cold set-up", 1)
        args.out.write_text(text, encoding="utf-8")
        print(section)
        return 0
    suite = [] if args.no_suite else bench_suite()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="nklabor-bench-") as tmp:
        work = Path(tmp)
        real = bench_real(work) + bench_floor(work) + bench_cli(work)
        imports = bench_import()
        estimates = bench_estimates(work)
        screening = bench_screening(work)
        scale = bench_scale(work, sizes, args.full_build_max)
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` (`python benchmarks/run.py`) on {platform.node() or 'this machine'}: "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}. "
        "Each figure is one fresh child process (wall time; peak memory is its max RSS).",
        "",
        "## Real data, build and import",
        "",
        "| what | time | memory / target |",
        "|---|---|---|",
        *[f"| {a} | {b} | {c} |" for a, b, c in real + imports + suite],
        "",
        "## Best estimates, back-test and site",
        "",
        "| what | result | target / note |",
        "|---|---|---|",
        *[f"| {a} | {b} | {c} |" for a, b, c in estimates],
        "",
        "## Screening names",
        "",
        "| what | result | target / note |",
        "|---|---|---|",
        *[f"| {a} | {b} | {c} |" for a, b, c in screening],
        "",
        COLD,
        "",
        "## Synthetic worker_estimates: raw CSV to validated parquet",
        "",
        "*bare*: `pandas.read_csv(dtype=str)` then `to_parquet` (pyarrow), no checks. *nklabor*: a child that imports "
        "the package, validates every raw table (`validate_raw`: strict CSV read, pandera models, foreign keys, "
        "order) and writes the typed worker_estimates parquet; its total includes the imports. The ratio is nklabor "
        "total / bare total (target: within 3x at 1M rows). *per row* is validate + write per row (linear growth "
        "keeps it flat). *full build* is `python -m nklabor build` of the same folder, with every derived table.",
        "",
        "| rows | CSV | bare | bare peak | validate | typed + write | nklabor total | nklabor peak | ratio "
        "| per row | full build |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        *["| " + " | ".join(r) + " |" for r in scale],
        "",
    ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
