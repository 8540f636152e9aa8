"""The `nklabor` command (also `python -m nklabor`): build, look up, plot, export, release, serve, site.

Arguments are checked before any work; a bad one ends the command with one line on stderr naming the value and
what is allowed (exit 2), never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nklabor import words


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line naming the problem."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="nklabor", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    b = sub.add_parser("build", help="validate data/raw and write data/processed")
    b.add_argument("--raw", type=Path, help="folder of raw CSV tables (default data/raw)")
    b.add_argument("--out", type=Path, help="output folder (default data/processed)")
    b.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    sub.add_parser("stats", help="rows per table, coverage, confidence and source mix")
    f = sub.add_parser("figures", help="one country's sourced figures with scope, estimator, confidence and source")
    f.add_argument("iso3", help="host country ISO3 code, or WLD for worldwide figures")
    f.add_argument("--measure", help="only this measure (e.g. workers_present)")
    f.add_argument("--csv", type=Path, help="write them to this CSV file instead of printing")
    e = sub.add_parser("estimate", help="the reconstructed best figures: a country, the world, or the back-test")
    e.add_argument("iso3", nargs="?", help="host country ISO3 code, or WLD for the world total (default WLD)")
    e.add_argument("--year", help="one year only")
    e.add_argument("--backtest", action="store_true", help="leave-one-out back-test of the method")
    e.add_argument("--write-docs", action="store_true", help="rewrite the measured part of docs/ESTIMATES.md")
    e.add_argument("--check-docs", action="store_true", help="exit 1 if docs/ESTIMATES.md is stale")
    e.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="change a parameter, e.g. --set carry_years=1 (see docs/ESTIMATES.md)")
    d = sub.add_parser("dictionary", help="write docs/data-dictionary.md from the schemas")
    d.add_argument("--check", action="store_true", help="exit 1 if the file on disk is stale")
    sc = sub.add_parser("screen", help="screen a name, or a CSV/xlsx column of names, against entities and persons")
    sc.add_argument("name", nargs="?", help="a name (in quotes), or a .csv or .xlsx file of names")
    sc.add_argument("--column", help="the file's column of names (needed when it has more than one column)")
    sc.add_argument("--country-column", help="the file's column of countries (name or ISO code), optional")
    sc.add_argument("--dob-column", help="the file's column of dates of birth (YYYY-MM-DD or YYYY), optional")
    sc.add_argument("--country", help="the country of a single name (name or ISO code)")
    sc.add_argument("--dob", help="the date of birth of a single name (YYYY-MM-DD or YYYY)")
    sc.add_argument("--threshold", help="lowest score shown, 0-100 (default: the measured one, docs/SCREENING.md)")
    sc.add_argument("-o", "--output", type=Path, help="write the matches to a .csv or .xlsx file")
    sc.add_argument("--evaluate", action="store_true", help="measure precision and recall on the labelled set")
    sc.add_argument("--write-docs", action="store_true", help="rewrite docs/SCREENING.md from the measurement")
    sc.add_argument("--check-docs", action="store_true", help="exit 1 if docs/SCREENING.md is stale")
    en = sub.add_parser("entity", help="one organisation's card from a name spelled roughly: status, designations, "
                                       "persons, host countries, actions, sources")
    en.add_argument("name", help="the organisation's name, an alias or its Korean name (fuzzy)")
    x = sub.add_parser("export", help="the analyst workbook (designations, prosecutions, entities, persons, figures) "
                                      "or every worker figure as CSV")
    x.add_argument("--xlsx", type=Path, help="write the Excel workbook")
    x.add_argument("--csv", type=Path, help="write a CSV with a byte-order mark (opens cleanly in Excel)")
    r = sub.add_parser("release", help="write dist/nklabor-data-VERSION/ and its zip, and releases/VERSION.json")
    r.add_argument("--version", required=True, help="calendar version YYYY.MM.N, e.g. 2026.11.0")
    r.add_argument("--replace", action="store_true", help="rewrite an existing, never published VERSION")
    r.add_argument("--force", action="store_true", help="release even if dated ahead or nothing changed")
    s = sub.add_parser("serve", help="browse the latest release's SQLite in Datasette on 127.0.0.1")
    s.add_argument("--version", help="release version (default: the newest in dist/)")
    s.add_argument("--port", type=int, default=8001)
    w = sub.add_parser("site", help="write the static explorer site to dist/site/")
    w.add_argument("--out", type=Path, help="output folder (default dist/site)")
    from nklabor.plots.cli import add_plot_parser

    add_plot_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from nklabor.args import ArgumentError
    from nklabor.problems import InvalidData

    try:
        return COMMANDS[args.command](args)
    except ArgumentError as err:
        print(f"nklabor {args.command}: {err}", file=sys.stderr)
        return 2
    except InvalidData as err:
        print(err.report(), file=sys.stderr)
        return 1
    except BrokenPipeError:  # the output went into `head` or a closed pager: stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _build(args) -> int:
    from nklabor.build import build

    build(args.raw, args.out, force=args.force)
    return 0


def _stats(args) -> int:
    from nklabor.stats import report

    print(report())
    return 0


def _figures(args) -> int:

    from nklabor import views

    frame = views.country_figures(args.iso3, measure=args.measure)
    if args.csv:
        from nklabor.args import output_file

        output_file(args.csv, (".csv",), "CSV file")
        frame.to_csv(args.csv, index=False, encoding="utf-8-sig")
        print(f"wrote {len(frame)} figures to {args.csv}")
        return 0
    for line in _figure_lines(frame):
        print(line)
    name = words.country(args.iso3.upper())
    print(f"\n{words.plural('sourced figure', len(frame))} for {name}, newest first. These are figures as their "
          f"sources give them, not reconstructions (for the reconstruction: nklabor estimate {args.iso3.upper()}).")
    return 0


def _figure_lines(frame) -> list[str]:
    """Each sourced figure as three lines a reader can scan: date and figure, who gave it, where it is."""
    import pandas as pd

    lines = []
    for r in frame.iloc[::-1].itertuples(index=False):
        low = None if pd.isna(r.count_low) else int(r.count_low)
        high = None if pd.isna(r.count_high) else int(r.count_high)
        if low is not None and high is not None:
            value = f"{low:,}" if low == high else f"{low:,}\u2013{high:,}"
        elif low is not None:
            value = f"at least {low:,}"
        elif high is not None:
            value = f"at most {high:,}"
        else:
            value = "no number:"
        what = f"{words.label('measure', r.measure)}, {words.label('scope', r.scope)}"
        if r.counted != "workers":
            what += f", {words.label('counted', r.counted)}"
        lines.append(f"{r.as_of:<10}  {value} {what} (as stated: \u201c{r.count_as_stated}\u201d)")
        lines.append(f"{'':<10}  by {r.estimator}; {words.label('confidence', r.confidence)}; {r.estimate_id}")
        lines.append(f"{'':<10}  {r.title}: {r.url}")
    return lines


def _parse_sets(pairs: list[str]) -> dict:
    import ast

    from nklabor.args import ArgumentError

    out = {}
    for pair in pairs:
        if "=" not in pair:
            raise ArgumentError(f"--set needs NAME=VALUE, not {pair!r}")
        name, value = (part.strip() for part in pair.split("=", 1))
        if value.startswith("{"):  # a mapping such as confidence_weight={'low': 0}
            try:
                value = ast.literal_eval(value)
            except (ValueError, SyntaxError):
                raise ArgumentError(f"--set {name}: cannot read {value!r} as a mapping such as "
                                    "{'low': 0.1}") from None
        out[name] = value  # parsed and range-checked by the parameter it names
    return out


def _estimate(args) -> int:
    import pandas as pd

    import nklabor
    from nklabor import args as check
    from nklabor import reconstruct

    params = reconstruct.with_changes(**_parse_sets(args.set))
    if args.write_docs or args.check_docs:
        from nklabor.paths import ROOT

        ok = reconstruct.write_docs(ROOT / "docs" / "ESTIMATES.md", nklabor.load("worker_estimates"),
                                    nklabor.load("countries"), check=args.check_docs)
        if not ok:
            print("docs/ESTIMATES.md is stale; run `nklabor estimate --write-docs`", file=sys.stderr)
            return 1
        print("docs/ESTIMATES.md is current" if args.check_docs else "wrote docs/ESTIMATES.md")
        return 0
    if args.backtest:
        result = reconstruct.backtest(nklabor.load("worker_estimates"), nklabor.load("countries"), params)
        print(reconstruct.backtest_report(result))
        return 0
    tables = nklabor.estimate(**_parse_sets(args.set)) if args.set else {
        "best_estimates": nklabor.load("best_estimates"), "world_year": nklabor.load("world_year")}
    code = "WLD" if not args.iso3 else check.country(args.iso3, allow_world=True)
    frame = tables["world_year"] if code == "WLD" else tables["best_estimates"].query("iso3 == @code")
    if args.year is not None:
        y = check.data_year(args.year)
        frame = frame[frame["year"] == y]
    cols = (["year", "low", "best", "high", "n_countries_counted", "n_countries_presence_only", "share_observed",
             "published_low", "published_high", "published_it_low", "published_it_high"] if code == "WLD" else
            ["year", "low", "best", "high", "basis", "n_inputs", "rests_on_low_confidence"])
    with pd.option_context("display.max_rows", None, "display.width", 200):
        print(frame[cols].to_string(index=False))
    print(f"\nReconstruction for {code}, not a sourced figure: method and limits in docs/ESTIMATES.md; the "
          f"sourced figures: `nklabor figures {code}`.")
    return 0


def _dictionary(args) -> int:
    from nklabor.dictionary import render
    from nklabor.paths import ROOT

    path = ROOT / "docs" / "data-dictionary.md"
    text = render()
    if args.check:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            print(f"{path} is stale; run `nklabor dictionary`", file=sys.stderr)
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    return 0


def _export(args) -> int:
    from nklabor.args import ArgumentError

    if not args.xlsx and not args.csv:
        raise ArgumentError("say where to write: --xlsx FILE.xlsx and/or --csv FILE.csv")
    from nklabor.args import output_file

    for path, suffix in ((args.xlsx, ".xlsx"), (args.csv, ".csv")):
        if path is not None and path.suffix.lower() != suffix:
            raise ArgumentError(f"{str(path)!r} should end in {suffix}")
    for path, suffix in ((args.xlsx, ".xlsx"), (args.csv, ".csv")):
        if path is not None:
            output_file(path, (suffix,))
    import nklabor
    from nklabor.views import estimates_with_sources

    frame = estimates_with_sources()
    if args.csv:
        frame.to_csv(args.csv, index=False, encoding="utf-8-sig", lineterminator="\r\n")
        print(f"wrote {len(frame)} figures with their sources to {args.csv} (UTF-8 with byte-order mark)")
    if args.xlsx:
        import datetime as dt

        from nklabor.release.workbook import write_analyst_workbook

        sheets = write_analyst_workbook(args.xlsx, None, f"nklabor {nklabor.__version__}", dt.date.today().isoformat())
        print(f"wrote the analyst workbook to {args.xlsx}: "
              + ", ".join(f"{name} ({len(f):,} rows)" for name, f in sheets.items()))
    return 0


def _screen(args) -> int:
    from nklabor.args import ArgumentError, output_file
    from nklabor.paths import ROOT

    if args.evaluate or args.write_docs or args.check_docs:
        from nklabor import screening_eval

        if args.write_docs or args.check_docs:
            path = ROOT / "docs" / "SCREENING.md"
            if not screening_eval.write_docs(path, check=args.check_docs):
                print("docs/SCREENING.md is stale; run `nklabor screen --write-docs`", file=sys.stderr)
                return 1
            print("docs/SCREENING.md is current" if args.check_docs else f"wrote {path}")
            return 0
        print(screening_eval.render(screening_eval.report()))
        return 0
    if not args.name:
        raise ArgumentError("give a name (in quotes) or a .csv/.xlsx file of names, e.g. nklabor screen \"Kim Kwang "
                            "Jin\" or nklabor screen names.csv --column name")
    from nklabor import screening as scr

    threshold = scr.check_threshold(args.threshold) if args.threshold is not None else None
    if args.output is not None:
        output_file(args.output, (".csv", ".xlsx"), "list of matches")
    is_file = Path(args.name).suffix.lower() in (".csv", ".xlsx", ".xls", ".txt", ".tsv")
    if is_file:
        if args.country or args.dob:
            raise ArgumentError("--country and --dob are for a single name; for a file use --country-column and "
                                "--dob-column")
        names, countries, dobs = scr.read_names(args.name, args.column, args.country_column, args.dob_column)
    else:
        for flag, value in (("--column", args.column), ("--country-column", args.country_column),
                            ("--dob-column", args.dob_column)):
            if value is not None:
                raise ArgumentError(f"{flag} is for a .csv or .xlsx file of names, not a single name "
                                    f"({args.name!r})")
        names, countries, dobs = [args.name], [args.country], [args.dob]
    frame = scr.screen(names, threshold=threshold, countries=countries, birth_dates=dobs)
    n_hit = frame["query_row"].nunique()
    summary = (f"{len(names):,} {'name' if len(names) == 1 else 'names'} screened: {n_hit:,} with a candidate at or "
               f"above {threshold if threshold is not None else scr.DEFAULT_THRESHOLD:g} of 100 "
               f"({len(frame):,} {'candidate' if len(frame) == 1 else 'candidates'}). A match is a lead to check, "
               "not a finding: see the status, the why and the source.")
    if args.output is not None:
        if args.output.suffix.lower() == ".csv":
            frame.to_csv(args.output, index=False, encoding="utf-8-sig", date_format="%Y-%m-%d")
        else:
            import datetime as dt

            from nklabor.release.workbook import write_workbook

            readme = [("nklabor screening results", ""), ("What this is", summary),
                      ("Method", "docs/SCREENING.md in the nklabor repository: how names are compared, and the "
                                 "measured precision and recall of the default threshold.")]
            write_workbook(args.output, {"matches": frame}, readme, dt.date.today().isoformat())
        print(f"wrote {len(frame):,} rows to {args.output}. {summary}")
        return 0
    print(render_matches(frame, names))
    print(summary)
    return 0


def render_matches(frame, names: list[str]) -> str:
    """The matches as text, one block per query with a candidate."""
    blocks = []
    for row, group in frame.groupby("query_row", sort=True):
        lines = [f"{names[row]!r}"]
        for r in group.itertuples(index=False):
            lines.append(f"  {r.score:3d}  {r.kind:6s}  {r.matched_name} ({r.status or 'no status'})")
            lines.append(f"        why: {r.why}")
            if isinstance(r.designations, str):
                lines.append(f"        designated: {r.designations}")
            if isinstance(r.host_countries, str):
                lines.append(f"        host countries: {r.host_countries}")
            if isinstance(r.source_url, str):
                lines.append(f"        source: {r.source_url}")
        blocks.append("\n".join(lines))
    missing = len(names) - frame["query_row"].nunique() if len(frame) else len(names)
    if missing and len(names) <= 20:
        shown = set(frame["query_row"]) if len(frame) else set()
        blocks.append("no candidate: " + "; ".join(repr(n) for i, n in enumerate(names) if i not in shown))
    return "\n".join(blocks)


def _entity(args) -> int:
    import nklabor
    from nklabor.card import render

    print(render(nklabor.entity(args.name)))
    return 0


def _release(args) -> int:
    from nklabor.release import ReleaseError, release

    try:
        release(args.version, replace=args.replace, force=args.force)
    except ReleaseError as err:
        print(f"nklabor release: {err}", file=sys.stderr)
        return 1
    return 0


def _serve(args) -> int:
    import subprocess

    from nklabor.args import ArgumentError
    from nklabor.paths import ROOT

    dist = ROOT / "dist"
    found = sorted(dist.glob("nklabor-data-*/nklabor.sqlite"))
    if args.version:
        found = [p for p in found if p.parent.name == f"nklabor-data-{args.version}"]
    if not found:
        raise ArgumentError("no release in dist/" + (f" for version {args.version!r}" if args.version else "")
                            + "; make one with `make release VERSION=YYYY.MM.N`")
    db = found[-1]
    try:
        import datasette  # noqa: F401
    except ImportError:
        raise ArgumentError("Datasette is not installed; `make serve` installs it") from None
    return subprocess.call([sys.executable, "-m", "datasette", "serve", "-i", str(db), "-m",
                            str(db.parent / "metadata.json"), "--host", "127.0.0.1", "--port", str(args.port)])


def _site(args) -> int:
    from nklabor.site import build_site

    build_site(args.out)
    return 0


def _plot(args) -> int:
    from nklabor.plots.cli import run_plot

    return run_plot(args)


COMMANDS = {"build": _build, "stats": _stats, "figures": _figures, "estimate": _estimate, "dictionary": _dictionary,
            "export": _export, "screen": _screen, "entity": _entity, "release": _release, "serve": _serve,
            "site": _site, "plot": _plot}
