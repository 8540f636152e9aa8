"""`python -m nklabor plot ...`: the figures from the shell. Heavy imports wait until a plot is asked for."""

from __future__ import annotations

import argparse
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
    ("map-2024.png", "deployment_map", {"year": 2024}),
    ("series-WLD.png", "series", {"iso3": "WLD"}),
    ("series-RUS.png", "series", {"iso3": "RUS"}),
    ("series-CHN.png", "series", {"iso3": "CHN"}),
]


def add_plot_parser(sub) -> None:
    p = sub.add_parser("plot", help="draw a map, timeline or country profile to a PNG/SVG/PDF file")
    kinds = p.add_subparsers(dest="kind", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-o", "--output", type=Path, required=True, help="file to write (folder for `key`)")
    common.add_argument("--dpi", type=int, default=150)
    m = kinds.add_parser("map", parents=[common], help="world map of one year")
    m.add_argument("--year", required=True)
    m.add_argument("--labels", choices=["name", "iso3"], default="name")
    ms = kinds.add_parser("maps", parents=[common], help="small multiples of several years, one scale")
    ms.add_argument("--years", nargs="+", required=True)
    ms.add_argument("--ncols", type=int, default=2)
    t = kinds.add_parser("timeline", parents=[common], help="enforcement actions over time")
    t.add_argument("--country", nargs="*", help="host country ISO3 codes (as target or actor)")
    t.add_argument("--entity", nargs="*", help="targeted entity ids")
    t.add_argument("--type", nargs="*", help="action types")
    t.add_argument("--start", help="first year")
    t.add_argument("--end", help="last year")
    pr = kinds.add_parser("profile", parents=[common], help="one host country: figures and actions over time")
    pr.add_argument("iso3", nargs="?", help="host country ISO3 code")
    pr.add_argument("--country", help="the same, as an option")
    pr.add_argument("--measures", nargs="*", help="only these measures (default: all)")
    pr.add_argument("--start", help="first year")
    pr.add_argument("--end", help="last year")
    se = kinds.add_parser("series", parents=[common], help="best-estimate band over time with the sourced stocks")
    se.add_argument("iso3", nargs="?", default="WLD", help="host country ISO3 code, or WLD (default)")
    se.add_argument("--flows", action="store_true", help="also show flows (arrivals, repatriations, ...)")
    se.add_argument("--start", help="first year")
    se.add_argument("--end", help="last year")
    kinds.add_parser("key", parents=[common], help="render the key figures into a folder (make figures)")


def _save(fig, path: Path, dpi: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    png = path.suffix.lower() == ".png"  # zlib level 3: a tenth of a second sooner than 6, a file 4% larger
    fig.savefig(path, dpi=dpi, facecolor="white", **({"pil_kwargs": {"compress_level": 3}} if png else {}))
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
    """Check every argument first (one line on error, see nklabor.args), then draw and save."""
    from nklabor import args as check

    if args.kind == "key":
        import matplotlib

        matplotlib.use("Agg")
        render_key(args.output, args.dpi)
        return 0
    out = check.figure_path(args.output)
    if args.kind == "profile":
        code = args.iso3 or args.country
        if not code:
            raise check.ArgumentError("say which country: nklabor plot profile ISO3 (e.g. RUS)")
        kwargs = {"iso3": check.country(code), "start": args.start, "end": args.end, "measures": args.measures}
        helper = "country_profile"
    elif args.kind == "series":
        kwargs = {"iso3": args.iso3, "start": args.start, "end": args.end, "flows": args.flows}
        helper = "series"
    elif args.kind == "map":
        kwargs, helper = {"year": args.year, "labels": args.labels}, "deployment_map"
    elif args.kind == "maps":
        kwargs, helper = {"years": args.years, "ncols": args.ncols}, "deployment_maps"
    else:
        kwargs = {"countries": args.country, "entities": args.entity, "types": args.type, "start": args.start,
                  "end": args.end}
        helper = "enforcement_timeline"
    import matplotlib

    matplotlib.use("Agg")
    from nklabor import plots

    fig, _ = getattr(plots, helper)(**kwargs)
    _save(fig, out, args.dpi)
    return 0
