"""`python -m nklabor plot ...`: the figures from the shell. Heavy imports wait until a plot is asked for."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

#: What `make figures` renders: (file name, helper, keyword arguments).
KEY_FIGURES: list[tuple[str, str, dict]] = [
    ("map-2016.png", "deployment_map", {"year": 2016}),
    ("map-2017.png", "deployment_map", {"year": 2017}),
    ("map-2019.png", "deployment_map", {"year": 2019}),
    ("maps-2016-2018-2020-2024.png", "deployment_maps", {"years": [2016, 2018, 2020, 2024]}),
    ("timeline.png", "enforcement_timeline", {}),
    ("timeline-2016-2020.png", "enforcement_timeline", {"start": 2016, "end": 2020}),
    ("profile-RUS.png", "country_profile", {"iso3": "RUS"}),
    ("profile-CHN.png", "country_profile", {"iso3": "CHN"}),
    ("profile-POL.png", "country_profile", {"iso3": "POL"}),
    ("profile-QAT.png", "country_profile", {"iso3": "QAT"}),
    ("profile-KWT.png", "country_profile", {"iso3": "KWT"}),
    ("profile-MLT.png", "country_profile", {"iso3": "MLT"}),
]


def add_plot_parser(sub) -> None:
    p = sub.add_parser("plot", help="draw a map, timeline or country profile to a PNG/SVG/PDF file")
    kinds = p.add_subparsers(dest="kind", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-o", "--output", type=Path, required=True, help="file to write (folder for `key`)")
    common.add_argument("--dpi", type=int, default=150)
    m = kinds.add_parser("map", parents=[common], help="world map of one year")
    m.add_argument("--year", type=int, required=True)
    m.add_argument("--labels", choices=["name", "iso3"], default="name")
    ms = kinds.add_parser("maps", parents=[common], help="small multiples of several years, one scale")
    ms.add_argument("--years", type=int, nargs="+", required=True)
    ms.add_argument("--ncols", type=int, default=2)
    t = kinds.add_parser("timeline", parents=[common], help="enforcement actions over time")
    t.add_argument("--country", nargs="*", help="host country ISO3 codes (as target or actor)")
    t.add_argument("--entity", nargs="*", help="targeted entity ids")
    t.add_argument("--type", nargs="*", help="action types")
    t.add_argument("--start", type=int)
    t.add_argument("--end", type=int)
    pr = kinds.add_parser("profile", parents=[common], help="one host country: figures and actions over time")
    pr.add_argument("--country", required=True, help="ISO3 code")
    kinds.add_parser("key", parents=[common], help="render the key figures into a folder (make figures)")


def _save(fig, path: Path, dpi: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, facecolor="white")
    print(f"wrote {path}")


def render_key(folder: Path, dpi: int = 150) -> list[Path]:
    import matplotlib.pyplot as plt

    from nklabor import plots

    paths = []
    for name, helper, kwargs in KEY_FIGURES:
        fig, _ = getattr(plots, helper)(**kwargs)
        _save(fig, folder / name, dpi)
        plt.close(fig)
        paths.append(folder / name)
    return paths


def run_plot(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from nklabor import plots

    try:
        if args.kind == "key":
            render_key(args.output, args.dpi)
            return 0
        if args.kind == "map":
            fig, _ = plots.deployment_map(args.year, labels=args.labels)
        elif args.kind == "maps":
            fig, _ = plots.deployment_maps(args.years, ncols=args.ncols)
        elif args.kind == "timeline":
            fig, _ = plots.enforcement_timeline(args.country, args.entity, args.type, start=args.start,
                                                end=args.end)
        else:
            fig, _ = plots.country_profile(args.country.upper())
    except KeyError as err:
        print(f"nklabor plot: {err.args[0]}", file=sys.stderr)
        return 1
    _save(fig, args.output, args.dpi)
    return 0
