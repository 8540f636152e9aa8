"""The `nklabor` command and the public functions: every bad argument gets one line naming it, before any work."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import nklabor

ROOT = Path(__file__).resolve().parents[1]
EXE = Path(sys.executable).parent / "nklabor"

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
]


@pytest.fixture(scope="module", autouse=True)
def built():
    """The processed tables exist before any command runs, so no build message mixes into stderr."""
    nklabor.load("countries")


@pytest.mark.parametrize("args,message", BAD_COMMANDS, ids=[" ".join(a) for a, _ in BAD_COMMANDS])
def test_bad_command_line_arguments_get_one_line(args, message, tmp_path):
    result = subprocess.run([sys.executable, "-m", "nklabor", *args], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr and not list(tmp_path.iterdir())  # nothing written


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
]


@pytest.mark.parametrize("call,message", BAD_CALLS, ids=[m for _, m in BAD_CALLS])
def test_bad_arguments_to_public_functions_raise_one_line_value_errors(call, message):
    with pytest.raises(ValueError) as caught:
        call()
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_command_is_on_path_with_the_expected_subcommands():
    result = subprocess.run([str(EXE), "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    for sub in ("build", "stats", "figures", "estimate", "plot", "export", "release", "serve", "site"):
        assert sub in result.stdout


def test_figures_and_estimate_print_tables():
    out = subprocess.run([str(EXE), "figures", "rus"], capture_output=True, text=True)
    assert out.returncode == 0 and "estimate_id" in out.stdout and "not reconstructions" in out.stdout
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


@pytest.mark.skipif(not shutil.which("pip") and not (Path(sys.executable).parent / "pip").exists(),
                    reason="pip not available")
def test_what_make_data_and_make_test_install_comes_as_wheels(tmp_path):
    """A resolver run that refuses every source distribution: no compiler is ever needed."""
    env = {**os.environ, "PIP_ONLY_BINARY": ":all:"}
    result = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
                             "--only-binary", ":all:", "--report", str(tmp_path / "report.json"), *_requirements()],
                            capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "followthemoney" not in " ".join(_requirements())
