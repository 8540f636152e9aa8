"""Command line: python -m nklabor {build,stats,dictionary,release,plot} ..."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nklabor", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="validate data/raw and write data/processed")
    b.add_argument("--raw", type=Path, help="folder of raw CSV tables (default data/raw)")
    b.add_argument("--out", type=Path, help="output folder (default data/processed)")
    b.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    sub.add_parser("stats", help="rows per table, coverage, confidence and source mix")
    d = sub.add_parser("dictionary", help="write docs/data-dictionary.md from the schemas")
    d.add_argument("--check", action="store_true", help="exit 1 if the file on disk is stale")
    r = sub.add_parser("release", help="write dist/nklabor-data-VERSION/ and its zip, and releases/VERSION.json")
    r.add_argument("--version", required=True, help="calendar version YYYY.MM.N, e.g. 2026.11.0")
    r.add_argument("--replace", action="store_true", help="rewrite an existing, never published VERSION")
    from nklabor.plots.cli import add_plot_parser

    add_plot_parser(sub)
    args = parser.parse_args(argv)

    if args.command == "plot":
        from nklabor.plots.cli import run_plot

        return run_plot(args)

    if args.command == "release":
        from nklabor.problems import InvalidData
        from nklabor.release import ReleaseError, release

        try:
            release(args.version, replace=args.replace)
        except InvalidData as err:
            print(err.report(), file=sys.stderr)
            return 1
        except ReleaseError as err:
            print(f"nklabor release: {err}", file=sys.stderr)
            return 1
        return 0

    if args.command == "build":
        from nklabor.build import build
        from nklabor.problems import InvalidData

        try:
            build(args.raw, args.out, force=args.force)
        except InvalidData as err:
            print(err.report(), file=sys.stderr)
            return 1
        return 0
    if args.command == "stats":
        from nklabor.stats import report

        print(report())
        return 0
    if args.command == "dictionary":
        from nklabor.dictionary import render
        from nklabor.paths import ROOT

        path = ROOT / "docs" / "data-dictionary.md"
        text = render()
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                print(f"{path} is stale; run `python -m nklabor dictionary`", file=sys.stderr)
                return 1
            return 0
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
