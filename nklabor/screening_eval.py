"""How well the screen works, measured: a labelled set made by rule from the data, precision and recall.

Positives: for every entity and person, variants of its name made by fixed rules (upper case, hyphens and
spacing, surname last, Revised Romanisation spellings, a dropped letter, company suffixes swapped or dropped, the
Hangul name), each labelled with the record it must find. Negatives: ordinary company and person names with no
DPRK link, drawn with a fixed seed from the word lists below (English, Spanish, German, Chinese, Russian and
South Korean names; companies from common trade words); a negative whose folded key equals a listed name is left
out (a true namesake is a hit a screen must show). `nklabor screen --evaluate` prints the table,
`--write-docs` writes docs/SCREENING.md and `--check-docs` fails when it is stale.
"""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd

from nklabor import screening as scr

FIRST = ("James Mary John Patricia Robert Jennifer Michael Linda David Elizabeth William Barbara Richard Susan "
         "Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew Lisa Anthony Betty Mark Sandra Paul Ashley "
         "Steven Emily Andrew Donna Kenneth Michelle Joshua Carol Kevin Amanda Brian Melissa George Deborah Maria "
         "Jose Carmen Juan Ana Luis Laura Carlos Sofia Hans Anna Klaus Petra Stefan Monika Pierre Claire Marco "
         "Giulia Ahmed Fatima Omar Aisha Ravi Priya Arjun").split()
LAST = ("Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson "
        "Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis "
        "Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall "
        "Rivera Campbell Mitchell Carter Roberts Mueller Schmidt Schneider Fischer Weber Meyer Wagner Becker "
        "Dubois Moreau Rossi Russo Ferrari Khan Patel Sharma Singh Hussain").split()
CHINESE_SURNAMES = "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo".split()
CHINESE_GIVEN = ("Wei Fang Na Min Jing Lei Qiang Jun Yan Jie Tao Ming Chao Xiu Hui Yong Lan Bo Ping Hao Yu Xin "
                 "Jian Feng Long").split()
RUSSIAN = [("Ivan", "Petrov"), ("Sergei", "Ivanov"), ("Dmitri", "Smirnov"), ("Alexei", "Kuznetsov"),
           ("Nikolai", "Popov"), ("Olga", "Vasilieva"), ("Tatiana", "Sokolova"), ("Andrei", "Mikhailov"),
           ("Yuri", "Novikov"), ("Elena", "Fedorova"), ("Pavel", "Morozov"), ("Natalia", "Volkova"),
           ("Mikhail", "Alekseev"), ("Irina", "Lebedeva"), ("Vladimir", "Semenov"), ("Anna", "Egorova"),
           ("Oleg", "Pavlov"), ("Svetlana", "Kozlova"), ("Igor", "Stepanov"), ("Maria", "Nikolaeva")]
KOREAN_SURNAMES = "Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song Yoo Hong".split()
KOREAN_GIVEN = ("Min-jun Seo-yeon Ji-ho Ha-eun Do-yun Ji-woo Seo-jun Ye-jun Ha-yoon Joo-won Eun-woo Ji-an Si-woo "
                "Su-ah Yu-jin Hyun-woo Ji-hoon Soo-min Da-eun Jae-won Ye-eun Tae-yang Na-yeon Sung-min Hye-jin "
                "Dong-hyun Eun-ji Young-ho Mi-kyung Sang-woo").split()
COMPANY_A = ("Global Pacific Northern Atlantic Sunrise Apex Harbor Evergreen Summit Pioneer Horizon Coastal Silver "
             "Golden Crescent Union Royal Prime United Eastern Western Metro Alpine Delta Orion Phoenix Sterling "
             "Riverside Lakeside Oakwood Maple Cedar Granite Nova Vertex Bright Swift Blue Red").split()
COMPANY_B = ("Logistics Construction Textiles Software Seafood Foods Engineering Consulting Shipping Electronics "
             "Medical Furniture Plastics Motors Energy Solutions Systems Services Builders Garments Fisheries "
             "Timber Mining Hotels Restaurants Pharma Printing Packaging Steel Cement").split()
COMPANY_SUFFIX = ["Ltd.", "LLC", "Co., Ltd.", "GmbH", "Inc.", "S.A.", "Pte. Ltd.", "Corporation", "JSC", "Limited",
                  "Group", "& Sons", "Holdings", "SARL", "Sdn. Bhd."]

SEED = 20
N_NEGATIVE = {"person (English and European)": 600, "person (Chinese)": 200, "person (Russian)": 100,
              "person (South Korean)": 300, "company": 1000}


def _rr(word: str) -> str:
    """A Revised Romanisation spelling of a McCune-Reischauer syllable: k/p/t/ch initial -> g/b/d/j, o -> eo,
    u -> eu (Kyong -> Gyeong, Chol -> Cheol, Kum -> Geum)."""
    w = word.lower()
    for a, b in (("ch", "j"), ("k", "g"), ("p", "b"), ("t", "d")):
        if w.startswith(a):
            w = b + w[len(a):]
            break
    w = w.replace("o", "eo", 1) if "eo" not in w and "o" in w[1:] else w.replace("u", "eu", 1) if "u" in w else w
    return w.capitalize()


def _variant(word: str) -> str:
    """Another spelling of a word from the ROMANISATION table (the next one in its row), else the word."""
    canon = scr._WORD.get(word.lower())
    if canon is None:
        return word
    row = scr.ROMANISATION[canon].split()
    return row[(row.index(word.lower()) + 1) % len(row)].capitalize()


def _drop_letter(text: str) -> str:
    words = text.split()
    i = max(range(len(words)), key=lambda j: len(words[j]))
    w = words[i]
    if len(w) < 5:
        return text
    words[i] = w[: len(w) // 2] + w[len(w) // 2 + 1:]
    return " ".join(words)


def person_variants(name: str, name_ko: str | None, korean: bool = True) -> list[tuple[str, str]]:
    words = name.replace("-", " ").split()
    out = [("upper case", name.upper()), ("a dropped letter", _drop_letter(name))]
    if not korean and len(words) >= 3:
        out.append(("middle names dropped", f"{words[0]} {words[-1]}"))
    if len(words) >= 2:
        out.append(("surname last", " ".join(words[1:] + words[:1])))
        out.append(("surname, given name", f"{words[0]}, {' '.join(words[1:])}"))
    if len(words) == 3:
        out.append(("given name hyphenated", f"{words[0]} {words[1]}-{words[2].lower()}"))
        out.append(("given name joined", f"{words[0].upper()} {words[1]}{words[2].lower()}"))
    swapped = [_variant(w) for w in words]
    if swapped != words:
        out.append(("romanisation variant (table)", " ".join(swapped)))
    if len(words) >= 2 and all(w.isascii() for w in words):
        out.append(("Revised Romanisation of the given name", " ".join(words[:1] + [_rr(w) for w in words[1:]])))
    if isinstance(name_ko, str) and name_ko:
        out.append(("Hangul", name_ko))
    return out


def entity_variants(name: str, name_ko: str | None, aliases: list[str]) -> list[tuple[str, str]]:
    words = name.split()
    core = [w for w in words if scr.plain_words(w) and scr.plain_words(w)[0] not in scr.SUFFIXES] or words
    out = [("upper case", name.upper()), ("a dropped letter", _drop_letter(name)),
           ("suffixes dropped", " ".join(core)), ("suffix Co., Ltd.", " ".join(core) + " Co., Ltd."),
           ("lower case with punctuation", ", ".join(w.lower() for w in words) + ".")]
    out += [("alias in upper case", a.upper()) for a in aliases[:2]]
    if isinstance(name_ko, str) and name_ko:
        out.append(("Hangul", name_ko))
    return out


def labelled_set(tables: dict | None = None) -> pd.DataFrame:
    """query, expected_id (None for negatives), rule, kind, designated."""
    from nklabor import analyst

    get = analyst._getter(tables)
    des = analyst.designations(tables)
    listed = set(des["target_id"])
    rows = []
    for e in get("entities").sort_values("entity_id").itertuples(index=False):
        for rule, q in entity_variants(e.name, e.name_ko, analyst.split(e.aliases)):
            rows.append({"query": q, "expected_id": e.entity_id, "rule": rule, "kind": "entity",
                         "designated": e.entity_id in listed})
    for p in get("persons").sort_values("person_id").itertuples(index=False):
        for rule, q in person_variants(p.name, p.name_ko, not scr.has_middle_names(p.name, p.nationality, p.name_ko)):
            rows.append({"query": q, "expected_id": p.person_id, "rule": rule, "kind": "person",
                         "designated": p.person_id in listed})
    positives = pd.DataFrame(rows).drop_duplicates(["query", "expected_id"])
    return pd.concat([positives, negatives(tables)], ignore_index=True)


def negatives(tables: dict | None = None, n: dict | None = None, seed: int = SEED) -> pd.DataFrame:
    """Ordinary names with no DPRK link; none whose folded key equals a name in the data."""
    from nklabor import analyst

    get = analyst._getter(tables)
    taken = set()
    for frame, company in ((get("entities"), True), (get("persons"), False)):
        for r in frame.itertuples(index=False):
            for text in [r.name, *analyst.split(r.aliases)]:
                taken.update(scr.keys(text, company)[1])
    rng = random.Random(seed)
    makers = {
        "person (English and European)": lambda: f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        "person (Chinese)": lambda: f"{rng.choice(CHINESE_SURNAMES)} {rng.choice(CHINESE_GIVEN)}"
                                    f"{rng.choice(CHINESE_GIVEN).lower()}",
        "person (Russian)": lambda: "{} {}".format(*rng.choice(RUSSIAN)) if rng.random() < 0.5 else
                                    f"{rng.choice(RUSSIAN)[0]} {rng.choice(RUSSIAN)[1]}",
        "person (South Korean)": lambda: f"{rng.choice(KOREAN_SURNAMES)} {rng.choice(KOREAN_GIVEN)}",
        "company": lambda: f"{rng.choice(COMPANY_A)} {rng.choice(COMPANY_B)} {rng.choice(COMPANY_SUFFIX)}",
    }
    rows, seen = [], set()
    for rule, count in (n or N_NEGATIVE).items():
        made, tries = 0, 0
        while made < count and tries < count * 50:
            tries += 1
            q = makers[rule]()
            if q in seen or set(scr.keys(q, rule == "company")[1]) & taken:
                continue
            seen.add(q)
            rows.append({"query": q, "expected_id": None, "rule": rule, "kind": "none", "designated": False})
            made += 1
    return pd.DataFrame(rows)


def measure(labelled: pd.DataFrame, thresholds=range(60, 101), index=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(metrics per threshold, hits at the lowest threshold). An alert is a query with at least one row; it is
    correct when the expected record is among the rows. recall = positives whose record is found / positives;
    precision = correct alerts / all alerts (a negative's alert, or a positive's alert without its record, is
    false)."""
    lowest = min(thresholds)
    hits = scr.screen(labelled["query"].tolist(), threshold=lowest, index=index)
    hits = hits.merge(labelled[["expected_id"]].reset_index(names="query_row"), on="query_row", how="left")
    hits["correct"] = hits["matched_id"] == hits["expected_id"]
    pos = labelled["expected_id"].notna()
    rows = []
    for t in thresholds:
        h = hits[hits["score"] >= t]
        alerted = set(h["query_row"])
        found = set(h.loc[h["correct"], "query_row"])
        tp = len(found)
        fp = len(alerted - found)
        n_pos = int(pos.sum())
        neg_alerts = len(alerted & set(labelled.index[~pos]))
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / n_pos if n_pos else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append({"threshold": t, "precision": precision, "recall": recall, "f1": f1, "true_alerts": tp,
                     "false_alerts": fp, "negatives_alerted": neg_alerts,
                     "false_alerts_per_1000_ordinary_names": 1000 * neg_alerts / max(1, int((~pos).sum()))})
    return pd.DataFrame(rows), hits


def best_threshold(metrics: pd.DataFrame) -> int:
    """The threshold with the highest F1; of equals, the highest threshold (fewer alerts)."""
    top = metrics["f1"].max()
    return int(metrics.loc[metrics["f1"] >= top - 1e-12, "threshold"].max())


def by_rule(labelled: pd.DataFrame, hits: pd.DataFrame, threshold: int) -> pd.DataFrame:
    h = hits[hits["score"] >= threshold]
    found, alerted = set(h.loc[h["correct"], "query_row"]), set(h["query_row"])
    out = labelled.assign(found=[i in found for i in labelled.index], alerted=[i in alerted for i in labelled.index])
    pos = out[out["expected_id"].notna()]
    neg = out[out["expected_id"].isna()]
    rows = [{"set": f"{k} names: {rule}", "queries": len(g), "result": f"{g['found'].mean():.1%} found"}
            for (k, rule), g in pos.groupby(["kind", "rule"], sort=True)]
    plural = {"entity": "entities", "person": "persons"}
    rows += [{"set": f"designated {plural[k]}, all rules", "queries": len(g),
              "result": f"{g['found'].mean():.1%} found"}
             for k, g in pos[pos["designated"]].groupby("kind", sort=True)]
    rows += [{"set": f"ordinary names: {rule}", "queries": len(g),
              "result": f"{g['alerted'].mean():.1%} alerted ({int(g['alerted'].sum())})"}
             for rule, g in neg.groupby("rule", sort=True)]
    return pd.DataFrame(rows)


def held_out_aliases(tables: dict | None = None) -> pd.DataFrame:
    """A test the rules did not write: every curated alias (spellings found in the sources, e.g. Park Heung Ryong
    for Pak Hung Ryong) screened against an index built with every alias removed. One row per alias with the
    score of its own record (0 when below 50) and whether it is the top candidate."""
    from nklabor import analyst

    tables = dict(analyst.loaded(tables))
    rows = []
    for name in ("entities", "persons"):
        idcol = "entity_id" if name == "entities" else "person_id"
        frame = tables[name]
        for r in frame.itertuples(index=False):
            rows += [{"query": a, "expected_id": getattr(r, idcol), "kind": name[:-1].replace("entitie", "entity")}
                     for a in analyst.split(r.aliases)]
        tables[name] = frame.assign(aliases=pd.array([None] * len(frame), dtype="string"))
    queries = pd.DataFrame(rows)
    hits = scr.screen(queries["query"].tolist(), threshold=50, index=scr.Index(tables))
    own = hits.merge(queries[["expected_id"]].reset_index(names="query_row"), on="query_row")
    top = own.groupby("query_row").head(1)
    own = own[own["matched_id"] == own["expected_id"]]
    queries["score"] = queries.index.map(dict(zip(own["query_row"], own["score"]))).fillna(0).astype(int)
    queries["top"] = queries.index.isin(top.loc[top["matched_id"] == top["expected_id"], "query_row"])
    return queries


def report(tables: dict | None = None) -> dict:
    labelled = labelled_set(tables)
    index = scr.Index(tables) if tables is not None else None
    metrics, hits = measure(labelled, index=index)
    return {"labelled": labelled, "metrics": metrics, "hits": hits, "best": best_threshold(metrics),
            "rules": by_rule(labelled, hits, scr.DEFAULT_THRESHOLD), "aliases": held_out_aliases(tables)}


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def render(result: dict) -> str:
    lab, m, best, t = result["labelled"], result["metrics"], result["best"], scr.DEFAULT_THRESHOLD
    at = m.set_index("threshold").loc[t]
    n_pos = int(lab["expected_id"].notna().sum())
    n_neg = len(lab) - n_pos
    n_records = lab.loc[lab["expected_id"].notna(), "expected_id"].nunique()
    shown = m[m["threshold"].isin(sorted({70, 75, 80, 82, 84, 85, 86, 87, 88, 89, 90, 92, 95, 100, t, best}))]
    examples = result["hits"]
    miss = lab[lab["expected_id"].notna()].index.difference(
        examples.loc[examples["correct"] & (examples["score"] >= t), "query_row"])
    false = examples[(examples["score"] >= t) & examples["expected_id"].isna()].drop_duplicates("query_row")
    lines = [
        "# Screening names: how it matches and how well", "",
        "<!-- Written by `nklabor screen --write-docs` (nklabor/screening_eval.py); a test fails when it is stale. -->",
        "", "`nklabor screen NAME` or `nklabor screen FILE.csv --column name` (and `nklabor.screen(names)` in "
        "Python) compares each name with every name, alias and Korean name of the entities and persons in nklabor "
        "and returns each candidate scoring at least the threshold, best first, with the name that matched, why, "
        "the designations (authority, date, legal basis, reference), host countries and the source URL. How a "
        "name is compared is described at the top of `nklabor/screening.py`: case, accents, punctuation, spacing and "
        "hyphens are ignored; word order does not matter; company suffixes are dropped; Hangul is romanised; "
        "Korean romanisation variants are joined by a small table and letter folds.", "",
        "## The default threshold", "",
        f"**{t}** of 100. Measured on the labelled set below it gives **precision {_pct(at['precision'])}** and "
        f"**recall {_pct(at['recall'])}** (F1 {at['f1']:.3f}); "
        f"{at['false_alerts_per_1000_ordinary_names']:.1f} of every 1,000 ordinary names raise a false alert. "
        f"The threshold with the best F1 on this set is {best}"
        + (" (the default)." if best == t else f"; the default is {t}.")
        + " A lower threshold finds more spelling variants and raises more false alerts; pass `--threshold` "
          "(or `threshold=`) to choose.", "",
        "| threshold | precision | recall | F1 | correct alerts | false alerts | ordinary names alerted per 1,000 |",
        "|---|---|---|---|---|---|---|",
        *[f"| {r.threshold} | {_pct(r.precision)} | {_pct(r.recall)} | {r.f1:.3f} | {r.true_alerts} | "
          f"{r.false_alerts} | {r.false_alerts_per_1000_ordinary_names:.1f} |" for r in shown.itertuples()], "",
        "## The labelled set", "",
        f"{n_pos:,} positive queries, each a variant of the name of one of the {n_records} "
        f"entities and persons, made by rule (`nklabor/screening_eval.py`), and {n_neg:,} ordinary names with no DPRK "
        f"link drawn with a fixed seed ({SEED}) from common first names, surnames and company words. An ordinary "
        "name whose folded key equals a name in the data is left out: a namesake is a hit a screen must show.", "",
        "An *alert* is a query with at least one row. It is correct when the record the variant was made from is "
        "among the rows. Recall is the share of positive queries whose record is found; precision is the share of "
        "alerts that are correct (an ordinary name's alert, or a variant's alert that misses its record, is "
        "false). A variant that also finds another record (Kim Kwang Jin and Kim Kang Jin) still counts as "
        "correct: such neighbours are shown to the analyst, best first.", "",
        f"Found and alerted by rule at the default threshold ({t}):", "",
        "| queries | n | result |", "|---|---|---|",
        *[f"| {r.set} | {r.queries} | {r.result} |" for r in result["rules"].itertuples()], "",
        "## A test the rules did not write: curated aliases held out", "",
        f"The {len(result['aliases'])} aliases curated from the sources (spellings the naming documents and the "
        "press use: Park Heung Ryong for Pak Hung Ryong, Kim Chul Min for Kim Chol Min, Societe Alzema SARL, "
        "Cyrillic and Chinese forms) screened against an index with every alias removed, so each must be found "
        f"from the record's main name and Korean name alone: at the default threshold ({t}) "
        f"**{(result['aliases']['score'] >= t).mean():.1%}** find their record "
        f"({int((result['aliases']['score'] >= t).sum())}), and "
        f"{result['aliases']['top'].mean():.1%} have it as the top candidate at any score. Aliases that are "
        "abbreviations or other names (MOP, Bryan Cho) cannot be found from the name; that is what aliases in "
        "the data are for.", "",
        "| kind | aliases | found at the default threshold | found at 80 |", "|---|---|---|---|",
        *[f"| {k} | {len(g)} | {(g['score'] >= t).mean():.1%} | {(g['score'] >= 80).mean():.1%} |"
          for k, g in result["aliases"].groupby("kind", sort=True)], "",
        "Not found at the default threshold: " + "; ".join(
            f"'{r.query}' ({r.score})" for r in result["aliases"][result["aliases"]["score"] < t].head(12)
            .itertuples()) + ".", "",
        "## Limits", "",
        "- The positives are made by the same kinds of rule the matcher knows (that is what they test); spellings "
        "outside the table and folds, and names transliterated from Russian or Chinese in other ways, are found "
        "only when they are close in spelling.",
        "- Common Korean names collide: a South Korean namesake of a listed North Korean scores high. The score "
        "says how alike two names are, not that they are one person: check the date of birth, nationality and the "
        "record's source.",
        "- A name in nklabor is a lead, not a listing: the `status` column says whether an entity is sanctioned, "
        "named by a government or only reported, and whether a person is designated or named in an indictment.",
        "",
        f"Examples of missed variants at {t}: "
        + "; ".join(f"'{lab.loc[i, 'query']}' ({lab.loc[i, 'rule']})" for i in list(miss)[:8]) + ".", "",
        f"Examples of false alerts at {t}: "
        + "; ".join(f"'{r.query}' -> {r.matched_name} ({r.score})" for r in false.head(8).itertuples()) + ".", "",
        "Time to screen 10,000 names: see `benchmarks/results.md` (`make bench`).", "",
    ]
    return "\n".join(lines)


def write_docs(path: Path, check: bool = False) -> bool:
    text = render(report())
    if check:
        return path.exists() and path.read_text(encoding="utf-8") == text
    path.write_text(text, encoding="utf-8")
    return True
