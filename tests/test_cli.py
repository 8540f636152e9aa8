"""The `nklabor` command and the public functions: every bad argument gets one line naming it, before any work."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import nklabor

ROOT = Path(__file__).resolve().parents[1]
EXE = Path(sys.executable).parent / "nklabor"
TABLE_CSV = str(ROOT / "tests" / "fixtures" / "raw" / "countries.csv")  # a file of several columns to read names from

# (arguments, text the one error line must contain)
BAD_COMMANDS = [
    (["figures", "XXX"], "unknown country 'XXX'"),
    (["figures", "russia"], "did you mean 'RUS'?"),
    (["figures", "RUS", "--measure", "worker"], "unknown measure 'worker'; did you mean 'workers_present'?"),
    (["estimate", "RUS", "--year", "1950"], "year 1950 is outside the data"),
    (["estimate", "RUS", "--year", "soon"], "year must be a whole number"),
    (["estimate", "--set", "carry=1"], "unknown estimate parameter 'carry'"),
    (["plot", "map", "--year", "1950", "-o", "map.png"], "year 1950 is outside the data"),
    (["plot", "map", "--year", "twenty", "-o", "map.png"], "year must be a whole number"),
    (["plot", "map", "--year", "2017", "-o", "map.xyz"], "unknown suffix '.xyz'"),
    (["plot", "timeline", "--type", "sanction", "-o", "t.png"], "unknown action type 'sanction'; did you mean"),
    (["plot", "timeline", "--country", "XXX", "-o", "t.png"], "unknown country 'XXX'"),
    (["plot", "timeline", "--country", "MLT", "--type", "tip_rating", "--start", "2024", "-o", "t.png"],
     "no enforcement actions match"),
    (["plot", "profile", "XXX", "-o", "p.png"], "unknown country 'XXX'"),
    (["plot", "profile", "RUS", "--measures", "arrival", "-o", "p.png"], "unknown measure 'arrival'"),
    (["plot", "series", "ZZZ", "-o", "s.png"], "unknown country 'ZZZ'"),
    (["export"], "say where to write"),
    (["export", "--xlsx", "out.csv"], "should end in .xlsx"),
    (["nonsense"], "invalid choice: 'nonsense'"),
    (["estimate", "RUS", "--set", "carry_years=abc"], "carry_years must be a whole number, not 'abc'"),
    (["estimate", "RUS", "--set", "exclude_estimator_kinds=medai"], "'medai'; did you mean 'media'?"),
    (["estimate", "RUS", "--set", "min_halfwidth=-1"], "min_halfwidth=-1.0 is out of range"),
    (["estimate", "RUS", "--set", "open_span"], "--set needs NAME=VALUE"),
    (["estimate", "RUS", "--set", "confidence_weight={'lo': 1}"], "unknown key 'lo'"),
    (["estimate", "RUS", "--year", "1850"], "year 1850 is outside the data; allowed: "),
    (["plot", "maps", "--years", "2017", "1850", "-o", "m.png"], "year 1850 is outside the data; allowed: "),
    (["plot", "series", "RUS", "--start", "1850", "-o", "s.png"], "year 1850 is outside the data; allowed: "),
    (["plot", "timeline", "--start", "1850", "-o", "t.png"], "year 1850 is outside the data; allowed: "),
    (["plot", "profile", "RUS", "--start", "1850", "-o", "p.png"], "year 1850 is outside the data; allowed: "),
    (["plot", "profile", "WLD", "-o", "p.png"], "'WLD' is the world"),
    (["figures", "RUS", "--csv", "out.txt"], "unknown suffix '.txt'"),
    (["screen"], "give a name (in quotes) or a .csv/.xlsx file of names"),
    (["screen", "names.csv"], "no such file 'names.csv'"),
    (["screen", "names.txt"], "unknown suffix '.txt'; allowed: .csv, .xlsx"),
    (["screen", TABLE_CSV, "--column", "nme"], "unknown column 'nme'"),
    (["screen", TABLE_CSV], "say which holds the names with --column"),
    (["screen", TABLE_CSV, "--column", "name", "--country-column", "land"], "unknown country column 'land'"),
    (["screen", TABLE_CSV, "--column", "name", "--country", "KP"], "--country and --dob are for a single name"),
    (["screen", "Kim Kwang Jin", "--threshold", "150"], "threshold 150 is out of range; allowed: 0 to 100"),
    (["screen", "Kim Kwang Jin", "--threshold", "high"], "threshold must be a number from 0 to 100, not 'high'"),
    (["screen", "Kim Kwang Jin", "-o", "out.txt"], "unknown suffix '.txt'; allowed: .csv, .xlsx"),
    (["screen", "Kim Kwang Jin", "--column", "name"], "--column is for a .csv or .xlsx file of names"),
    (["screen", "(?)"], "no name to screen: '(?)' has no letters"),
    (["entity", "Zzyzx Qwerty"], "no organisation matches 'Zzyzx Qwerty'"),
    (["entity", "..."], "entity name must be a name with letters, not '...'"),
]


@pytest.fixture(scope="module", autouse=True)
def built():
    """The processed tables exist before any command runs, so no build message mixes into stderr."""
    nklabor.load("countries")


@pytest.mark.parametrize("args,message", BAD_COMMANDS, ids=[" ".join(a) for a, _ in BAD_COMMANDS])
def test_bad_command_line_arguments_get_one_line(args, message, tmp_path, monkeypatch, capsys):
    """In-process (the command's own main), so the table stays fast; an uncaught exception fails the test."""
    from nklabor.cli import main

    monkeypatch.chdir(tmp_path)
    try:
        code = main(args)
    except SystemExit as stop:  # argparse's usage errors
        code = stop.code
    err = capsys.readouterr().err
    assert code not in (0, None)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], err
    assert not list(tmp_path.iterdir())  # nothing written


@pytest.mark.parametrize("args", [["plot", "map", "--year", "1850", "-o", "map.png"],
                                  ["estimate", "RUS", "--year", "soon"], ["nonsense"]])
def test_the_real_command_exits_cleanly_with_one_line(args, tmp_path):
    """As a separate process: one line, exit 2, and no native abort at exit (see nklabor/parquet.py)."""
    result = subprocess.run([sys.executable, "-m", "nklabor", *args], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_loading_tables_starts_no_native_threads():
    """The cause of the old exit-134 aborts: Arrow's thread pool, started by pd.read_parquet, torn down at exit
    while a worker was alive. Loading now decodes on the calling thread, so no thread is started."""
    code = ("import os, nklabor; nklabor.load('countries'); before = len(os.listdir('/proc/self/task')); "
            "[nklabor.load(t) for t in nklabor.tables()]; after = len(os.listdir('/proc/self/task')); "
            "assert after == before, (before, after)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_output_folders_are_created(tmp_path):
    from nklabor.cli import main

    assert main(["figures", "RUS", "--csv", str(tmp_path / "new" / "rus.csv")]) == 0
    assert main(["export", "--xlsx", str(tmp_path / "a" / "b" / "f.xlsx")]) == 0
    assert (tmp_path / "new" / "rus.csv").exists() and (tmp_path / "a" / "b" / "f.xlsx").exists()


def test_an_output_path_that_cannot_be_made_is_refused_in_one_line(tmp_path, capsys):
    from nklabor.cli import main

    (tmp_path / "file").write_text("x")
    assert main(["export", "--csv", str(tmp_path / "file" / "out.csv")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot make the folder" in err[0]


BAD_CALLS = [
    (lambda: nklabor.load("estimates"), "unknown table 'estimates'; did you mean 'worker_estimates'?"),
    (lambda: nklabor.describe("estimates"), "unknown table 'estimates'; did you mean 'worker_estimates'?"),
    (lambda: nklabor.views.country_figures("XXX"), "unknown country 'XXX'"),
    (lambda: nklabor.views.country_figures("RUS", measure="worker"), "unknown measure 'worker'"),
    (lambda: nklabor.best_figure("RUS", 1950), "year 1950 is outside the data"),
    (lambda: nklabor.best_figure("RUS", "2017x"), "year must be a whole number"),
    (lambda: nklabor.world(3000), "year 3000 is outside the data"),
    (lambda: nklabor.estimate(carry=1), "unknown estimate parameter 'carry'"),
    (lambda: nklabor.deployment_map(1950), "year 1950 is outside the data"),
    (lambda: nklabor.deployment_map("x"), "year must be a whole number"),
    (lambda: nklabor.enforcement_timeline(types="sanction"), "unknown action type 'sanction'"),
    (lambda: nklabor.country_profile("XXX"), "unknown country 'XXX'"),
    (lambda: nklabor.series("XXX"), "unknown country 'XXX'"),
    (lambda: nklabor.best_figure("WLD", 2017), "use nklabor.world(year)"),
    (lambda: nklabor.estimate(exclude_estimator_kinds="medai"), "did you mean 'media'?"),
    (lambda: nklabor.estimate(exclude_estimator_kinds=["media", "tv"]), "unknown value of exclude_estimator_kinds"),
    (lambda: nklabor.estimate(carry_years="abc"), "carry_years must be a whole number, not 'abc'"),
    (lambda: nklabor.estimate(carry_years=2.5), "carry_years must be a whole number"),
    (lambda: nklabor.estimate(min_halfwidth=-1), "out of range"),
    (lambda: nklabor.world(1850), "year 1850 is outside the data; allowed: "),
    (lambda: nklabor.deployment_maps([2017, 1850]), "year 1850 is outside the data; allowed: "),
    (lambda: nklabor.screen(5), "names must be a string or a list of strings, not 5"),
    (lambda: nklabor.screen(["Kim", 7]), "names must be strings; 7 is not"),
    (lambda: nklabor.screen("Kim", threshold=101), "threshold 101 is out of range; allowed: 0 to 100"),
    (lambda: nklabor.screen("Kim", threshold="x"), "threshold must be a number from 0 to 100, not 'x'"),
    (lambda: nklabor.screen(["a", "b"], countries=["KP"]), "countries must have one value per name (2), not 1"),
    (lambda: nklabor.entity("Zzyzx Qwerty"), "no organisation matches 'Zzyzx Qwerty'"),
    (lambda: nklabor.entity(None), "entity name must be a name with letters, not None"),
]


@pytest.mark.parametrize("call,message", BAD_CALLS, ids=[m for _, m in BAD_CALLS])
def test_bad_arguments_to_public_functions_raise_one_line_value_errors(call, message):
    with pytest.raises(ValueError) as caught:
        call()
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_command_is_on_path_with_the_expected_subcommands():
    result = subprocess.run([str(EXE), "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    for sub in ("build", "stats", "figures", "estimate", "plot", "export", "release", "serve", "site", "screen",
                "entity"):
        assert sub in result.stdout


def test_figures_and_estimate_print_tables():
    out = subprocess.run([str(EXE), "figures", "rus"], capture_output=True, text=True)
    assert out.returncode == 0 and "not reconstructions" in out.stdout and "for Russia, newest first" in out.stdout
    assert "est-0281" in out.stdout and "workers_present" not in out.stdout  # ids to cite, words not codes
    out = subprocess.run([str(EXE), "estimate", "RUS", "--year", "2017"], capture_output=True, text=True)
    assert out.returncode == 0 and "2017" in out.stdout and "Reconstruction" in out.stdout


def test_export_writes_a_bom_csv_and_a_workbook(tmp_path):
    csv, xlsx = tmp_path / "f.csv", tmp_path / "f.xlsx"
    out = subprocess.run([str(EXE), "export", "--csv", str(csv), "--xlsx", str(xlsx)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert csv.read_bytes()[:3] == b"\xef\xbb\xbf"
    openpyxl = pytest.importorskip("openpyxl")
    sheet = openpyxl.load_workbook(xlsx)["estimates_with_sources"]
    assert sheet.max_row == len(nklabor.load("worker_estimates")) + 1


def test_import_stays_light_and_lists_plots_and_views():
    code = ("import sys, nklabor; names = dir(nklabor); "
            "assert {'views', 'series', 'deployment_map', 'best_figure', 'world'} <= set(names), names; "
            "assert 'matplotlib' not in sys.modules and 'geopandas' not in sys.modules; "
            "nklabor.views.country_figures; assert 'matplotlib' not in sys.modules")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def _requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    reqs = list(project["dependencies"])
    for extra in ("test", "release"):
        reqs += [r for r in extras[extra] if not r.startswith("nklabor")]
    return reqs


UV = Path(sys.executable).parent / "uv"


@pytest.mark.skipif(not UV.exists(), reason="uv not in the environment (make data installs it)")
def test_what_make_data_and_make_test_install_comes_as_wheels(tmp_path):
    """A resolver run that refuses every source distribution: no compiler is ever needed. uv, the installer
    `make data` uses, resolves the same requirements in a second where pip took a minute and a half."""
    requirements = tmp_path / "requirements.in"
    requirements.write_text("\n".join(_requirements()) + "\n", encoding="utf-8")
    result = subprocess.run([str(UV), "pip", "compile", str(requirements), "--only-binary", ":all:",
                             "--python-version", "3.11", "--quiet", "-o", str(tmp_path / "resolved.txt")],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "pandas==" in (tmp_path / "resolved.txt").read_text()
    assert "followthemoney" not in " ".join(_requirements())
