"""Name screening: which entities and persons in nklabor a name (or a list of names) may be.

Every name, alias and Korean name of an entity or person is a candidate name. A query and each candidate are
brought to comparable keys, then compared with rapidfuzz's normalised Indel similarity (0-100):

1. Case, accents and punctuation go; hyphens and spaces split words (Kim Kwang-jin = KIM Kwang Jin). Letters of
   other scripts (Cyrillic, Chinese) are kept as they are, so an alias in them matches itself.
2. Hangul is romanised syllable by syllable (Revised Romanisation, `korean-romanizer`), so 김관진 meets
   Gim Gwan Jin and, through the next steps, Kim Kwan Jin.
3. Whole words are mapped by the table ROMANISATION (Ri/Rhee/Lee/Yi, Pak/Park/Bak, Choe/Choi, Jong/Chong/Jeong,
   Chol/Cheol/Chul, ...), then letters by FOLDS (eo->o, eu->u, ch->j, g->k, d->t, b->p, l->r, ...), which join the
   McCune-Reischauer spellings the DPRK and the UN use with the Revised Romanisation of South Korea.
4. For entities, company suffixes and generic words (Co., Ltd., LLC, Corporation, General Trading, ...: SUFFIXES,
   and words one letter away from the longer ones: Corpoation) are dropped; for persons they are kept.
5. A person of a nationality other than Korean with three names or more is also known by first and last name
   (Christina Chapman for Christina Marie Chapman).
6. Keys: the words joined without spaces in each rotation of their order (surname first or last), and sorted; a
   query is scored against every key of a candidate and keeps the best (word order and spacing do not matter).

A query's optional country nudges a score by COUNTRY_BONUS where it agrees with the candidate's countries
(nationality, base, host countries) and a date of birth by DOB_BONUS / DOB_PENALTY where the candidate has one.
The default threshold (DEFAULT_THRESHOLD) was chosen by measuring precision and recall on a labelled set made
from the data (nklabor/screening_eval.py; docs/SCREENING.md).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

import pandas as pd

from nklabor import words
from nklabor.args import ArgumentError

#: Chosen by `nklabor screen --evaluate` (docs/SCREENING.md): the threshold with the best F1 on the labelled set.
DEFAULT_THRESHOLD = 89
COUNTRY_BONUS = 3
DOB_BONUS = 5
DOB_PENALTY = 20

#: Words of a company's legal form or generic trade words, dropped from entity names before comparing.
SUFFIXES = frozenset("""
co company companies corp corporation inc incorporated ltd limited llc llp plc gmbh ag sa sarl sas srl spa bv nv
jsc ojsc cjsc pjsc ooo oao zao tov pte pty bhd sdn kk kabushiki kaisha lc fze fzco fzc wll
liability joint stock venture closed open public private pvt societe ste sociedad anonima limitada ltda cia
general trading trade enterprise enterprises group holding holdings firm the of and
""".split())

#: Romanisation variants of Korean name syllables: every spelling on the left is read as the one on the right.
#: Applied to whole words (a word joined from syllables, Kwangjin, is left to the letter folds and the fuzzy score).
ROMANISATION = {
    "ri": "ri rhee lee yi rhie li i rhi ree",
    "pak": "pak park bak pack bahk paik baek paek",
    "choe": "choe choi choy chwe",
    "jong": "jong chong jeong jung chung cheong joung",
    "chol": "chol cheol chul",
    "kyong": "kyong kyung gyeong kyeong",
    "song": "song sung seong",
    "hyok": "hyok hyeok hyuk",
    "hyon": "hyon hyun hyeon",
    "myong": "myong myung myeong",
    "yong": "yong young yeong",
    "kwang": "kwang gwang",
    "kim": "kim gim",
    "rim": "rim lim im",
    "ryu": "ryu lyu yu yoo you",
    "sin": "sin shin",
    "ko": "ko koh go",
    "o": "o oh",
    "jon": "jon jeon chon",
    "jang": "jang chang",
    "ro": "ro roh no noh",
    "yun": "yun yoon",
    "son": "son sohn",
    "kum": "kum geum keum",
    "un": "un eun",
    "il": "il ill",
}
_WORD = {spelling: canon for canon, spellings in ROMANISATION.items() for spelling in spellings.split()}

#: Letter folds applied in order to every word after ROMANISATION (McCune-Reischauer and Revised spellings meet).
FOLDS = (("sh", "s"), ("ch", "j"), ("eo", "o"), ("eu", "u"), ("oo", "u"), ("ee", "i"), ("ph", "p"), ("th", "t"),
         ("kh", "k"), ("g", "k"), ("d", "t"), ("b", "p"), ("l", "r"))

#: Nationalities whose names are not shortened to first and last name (Kim Kwang Jin is not Kim Jin).
KOREAN = frozenset({"PRK", "KOR"})



def has_middle_names(name: str, nationality, name_ko) -> bool:
    """Three names or more, of a nationality other than Korean (or, where none is given, with no Korean name)."""
    code = words.country_code(nationality)
    korean = code in KOREAN if code else isinstance(name_ko, str) and bool(name_ko)
    return len(str(name).split()) >= 3 and not korean


_HANGUL = re.compile("[\uac00-\ud7a3]")
_SPLIT = re.compile(r"[\W_]+")  # letters of any script are kept: a Cyrillic or Chinese alias matches itself


@lru_cache(maxsize=16384)
def _syllable(ch: str) -> str:
    from korean_romanizer.romanizer import Romanizer

    return Romanizer(ch).romanize().lower()


def plain_words(text: str) -> list[str]:
    """Lower-case words without accents or punctuation; Hangul syllables romanised one by one."""
    text = unicodedata.normalize("NFKC", str(text)).replace("'", "").replace("\u2019", "")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()
    text = unicodedata.normalize("NFC", text)
    out = []
    for word in _SPLIT.split(text):
        if not word:
            continue
        if _HANGUL.search(word):
            out += [_syllable(c) if _HANGUL.match(c) else c for c in word if c.strip()]
        else:
            out.append(word)
    return [w for w in out if w]


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """One plain word in the shared spelling: ROMANISATION for whole words, then FOLDS."""
    word = _WORD.get(word, word)
    for a, b in FOLDS:
        word = word.replace(a, b)
    return word


@lru_cache(maxsize=65536)
def is_suffix(word: str) -> bool:
    """A word of SUFFIXES, or one letter away from one of five letters or more (Corpoation, Tradng)."""
    if word in SUFFIXES:
        return True
    if len(word) < 4:
        return False
    from rapidfuzz.distance import Levenshtein

    return any(len(s) >= 5 and Levenshtein.distance(word, s, score_cutoff=1) <= 1 for s in SUFFIXES)


def keys(text: str, company: bool) -> tuple[str, list[str]]:
    """(joined key, every key) of a name: rotations of its folded words joined without spaces, and sorted."""
    tokens = plain_words(text)
    if company:
        kept = [t for t in tokens if not is_suffix(t)]
        tokens = kept or tokens
    folded = [fold(t) for t in tokens]
    if not folded:
        return "", []
    n = len(folded)
    rots = ["".join(folded[i:] + folded[:i]) for i in range(n)] if n <= 6 else ["".join(folded)]
    return rots[0], list(dict.fromkeys(rots + ["".join(sorted(folded))]))


@dataclass(frozen=True)
class Name:
    record: int  # index into Index.records
    field: str  # "name", "alias" or "Korean name"
    text: str


class Index:
    """Candidate names of every entity and person, with their keys, and what the screen reports about each."""

    def __init__(self, tables: dict | None = None):
        from nklabor import analyst

        tables = analyst.loaded(tables)
        get = analyst._getter(tables)
        self.records: list[dict] = []
        self.names: list[Name] = []
        des = analyst.designations(tables)
        info = {"entity": analyst.entity_list(tables, des).set_index("entity_id").to_dict("index"),
                "person": analyst.person_list(tables, des).set_index("person_id").to_dict("index")}
        listed = {kind: analyst.by_target(des, kind) for kind in ("entity", "person")}
        ents, pers = get("entities"), get("persons")
        e_hosts, p_hosts = analyst.entity_hosts(tables), analyst.person_hosts(tables)
        for kind, frame, idcol in (("entity", ents, "entity_id"), ("person", pers, "person_id")):
            for row in frame.sort_values(idcol).itertuples(index=False):
                rid = getattr(row, idcol)
                card = info[kind][rid]
                mine = listed[kind].get(rid, [])
                countries = set((e_hosts if kind == "entity" else p_hosts).get(rid, []))
                own = row.country_iso3 if kind == "entity" else words.country_code(row.nationality)
                if isinstance(own, str):
                    countries.add(own)
                birth = getattr(row, "birth_date", None)
                status = card["status"] if kind == "entity" else "designated" if mine else _named_in(card["named_in"])
                self.records.append({
                    "kind": kind, "matched_id": rid, "matched_name": row.name, "status": status,
                    "designated_by": card["designated_by"],
                    "first_designated": card["first_designated"],
                    "legal_basis": card["legal_bases"],
                    "reference": "; ".join(dict.fromkeys(r["reference"] for r in mine
                                                         if isinstance(r["reference"], str))) or None,
                    "designations": _designation_text(mine),
                    "host_countries": card["host_countries"], "source_url": card["source_url"],
                    "countries": frozenset(countries),
                    "birth_date": birth if isinstance(birth, str) and birth else None})
                r = len(self.records) - 1
                self.names.append(Name(r, "name", row.name))
                self.names += [Name(r, "alias", a) for a in analyst.split(row.aliases)]
                if isinstance(row.name_ko, str) and row.name_ko:
                    self.names.append(Name(r, "Korean name", row.name_ko))
                if kind == "person" and has_middle_names(row.name, row.nationality, row.name_ko):
                    parts = str(row.name).split()
                    self.names.append(Name(r, "name without middle names", f"{parts[0]} {parts[-1]}"))
        self._keys = {}
        for kind in ("entity", "person"):
            choices, owner = [], []
            for i, n in enumerate(self.names):
                if self.records[n.record]["kind"] == kind:
                    for k in keys(n.text, kind == "entity")[1]:
                        choices.append(k)
                        owner.append(i)
            self._keys[kind] = (choices, owner)

    def match(self, queries: list[str], threshold: float) -> list[tuple[int, int, float]]:
        """(query index, name index, raw score) for every query and record whose best key scores >= threshold
        - COUNTRY_BONUS - DOB_BONUS (the nudges are applied later); one row per query and record."""
        import numpy as np
        from rapidfuzz import fuzz, process

        floor = max(0.0, threshold - COUNTRY_BONUS - DOB_BONUS)
        best: dict[tuple[int, int], tuple[float, int]] = {}
        for kind in ("entity", "person"):
            choices, owner = self._keys[kind]
            if not choices:
                continue
            owner_arr = np.asarray(owner)
            qkeys = [keys(q, kind == "entity")[1] for q in queries]
            flat, qof = [], []
            for qi, ks in enumerate(qkeys):
                flat += ks
                qof += [qi] * len(ks)
            if not flat:
                continue
            scores = process.cdist(flat, choices, scorer=fuzz.ratio, score_cutoff=floor, workers=-1,
                                   dtype=np.uint8)
            rows, cols = np.nonzero(scores)
            for r, c in zip(rows.tolist(), cols.tolist()):
                qi, ni, s = qof[r], int(owner_arr[c]), float(scores[r, c])
                key = (qi, self.names[ni].record)
                if key not in best or s > best[key][0] or (s == best[key][0] and ni < best[key][1]):
                    best[key] = (s, ni)
        return [(qi, ni, s) for (qi, _rec), (s, ni) in best.items()]


def _designation_text(rows) -> str | None:
    """One entry per authority and date, however many action rows record it: 'United States, 2017-10-26, under
    E.O. 13687; E.O. 13722'."""
    grouped: dict[tuple, tuple[dict, dict]] = {}
    for r in rows:
        bases, refs = grouped.setdefault((r["authority"], f"{r['designated_on']:%Y-%m-%d}"), ({}, {}))
        for value, into in ((r["legal_basis"], bases), (r["reference"], refs)):
            if isinstance(value, str):
                into.update(dict.fromkeys(part.strip() for part in value.split(";") if part.strip()))
    parts = [f"{who}, {when}" + (f", under {'; '.join(bases)}" if bases else "")
             + (f" (ref. {'; '.join(refs)})" if refs else "") for (who, when), (bases, refs) in grouped.items()]
    return " | ".join(parts) or None


def _named_in(document: str | None) -> str | None:
    """'indictment' -> 'named in an indictment (not designated)'."""
    if not document:
        return None
    document = document.removeprefix("other ")
    return f"named in {'an' if document[0] in 'aeiou' else 'a'} {document} (not designated)"


@cache
def _index() -> Index:
    return Index()


def _why(query: str, name: Name, record: dict, score: float) -> str:
    """Plain words for why a query matched a candidate name."""
    field = name.field
    company = record["kind"] == "entity"
    q, n = plain_words(query), plain_words(name.text)
    hangul = bool(_HANGUL.search(query)) or bool(_HANGUL.search(name.text))
    if q == n:
        how = "the same name, ignoring case, spacing, hyphens and punctuation"
    elif "".join(q) == "".join(n):
        how = "the same letters, spaced or hyphenated differently"
    elif sorted(q) == sorted(n):
        how = "the same words in another order"
    elif company and [t for t in q if t not in SUFFIXES] == [t for t in n if t not in SUFFIXES]:
        how = "the same name without company suffixes (Co., Ltd., LLC, Trading, ...)"
    elif keys(query, company)[0] and keys(query, company)[0] in keys(name.text, company)[1]:
        how = "the same name under romanisation variants (e.g. Ri/Lee, Pak/Park, Jong/Chong, Chol/Chul)"
    else:
        how = f"a similar spelling (similarity {score:.0f} of 100)"
    if hangul:
        how += "; Hangul compared through its romanisation"
    return f"{field} '{name.text}': {how}"


def _clean_list(values, what: str, n: int) -> list:
    if values is None:
        return [None] * n
    if isinstance(values, str):
        values = [values]
    values = list(values)
    if len(values) != n:
        raise ArgumentError(f"{what} must have one value per name ({n}), not {len(values)}")
    return [v if isinstance(v, str) and v.strip() else None for v in values]


def check_threshold(value) -> float:
    if isinstance(value, bool):
        raise ArgumentError(f"threshold must be a number from 0 to 100, not {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ArgumentError(f"threshold must be a number from 0 to 100, not {value!r}") from None
    if not 0 <= number <= 100:
        raise ArgumentError(f"threshold {value} is out of range; allowed: 0 to 100")
    return number


def check_names(names) -> list[str]:
    if isinstance(names, str):
        names = [names]
    elif isinstance(names, pd.Series):
        names = names.tolist()
    if not isinstance(names, (list, tuple)):
        raise ArgumentError(f"names must be a string or a list of strings, not {names!r}")
    bad = next((n for n in names if not isinstance(n, str) and not (n is None or n != n)), None)
    if bad is not None:
        raise ArgumentError(f"names must be strings; {bad!r} is not")
    if names and not any(isinstance(n, str) and plain_words(n) for n in names):
        raise ArgumentError(f"no name to screen: {names[0]!r} has no letters")
    return ["" if not isinstance(n, str) else n for n in names]


COLUMNS = ["query_row", "query", "kind", "matched_id", "matched_name", "score", "matched_on", "why", "status",
           "designated_by", "first_designated", "legal_basis", "reference", "designations", "host_countries",
           "source_url"]


def screen(names, threshold: float | None = None, countries=None, birth_dates=None,
           index: Index | None = None) -> pd.DataFrame:
    """Screen one name or a list of names against every entity and person in nklabor.

    Returns one row per query and candidate scoring at least `threshold` (default DEFAULT_THRESHOLD, chosen by
    measurement: docs/SCREENING.md), best first within each query: query_row (position in `names`), query, kind
    (entity or person), matched_id, matched_name, score (0-100), matched_on (the name, alias or Korean name that
    matched), why, status, designated_by, first_designated, legal_basis, reference, designations, host_countries,
    source_url. A query with no candidate at or above the threshold has no row. `countries` and `birth_dates`
    (one per name, or None) nudge the score where the candidate's data agree or disagree.
    """
    queries = check_names(names)
    limit = DEFAULT_THRESHOLD if threshold is None else check_threshold(threshold)
    q_countries = [words.country_code(c) if c else None for c in _clean_list(countries, "countries", len(queries))]
    q_births = _clean_list(birth_dates, "birth_dates", len(queries))
    idx = index or _index()
    rows = []
    unique = list(dict.fromkeys(queries))
    where = {q: i for i, q in enumerate(unique)}
    found: dict[int, list] = {}
    for qi, ni, s in idx.match(unique, limit):
        found.setdefault(qi, []).append((ni, s))
    for row, query in enumerate(queries):
        for ni, raw in found.get(where[query], []):
            name = idx.names[ni]
            rec = idx.records[name.record]
            score, notes = raw, []
            country = q_countries[row]
            if country and rec["countries"]:
                if country in rec["countries"]:
                    score, _ = min(100.0, score + COUNTRY_BONUS), notes.append(f"country {words.country(country)} "
                                                                                 "agrees")
                else:
                    notes.append(f"country {words.country(country)} is not among the candidate's")
            born = q_births[row]
            if born and rec["birth_date"]:
                if str(born)[:4] == rec["birth_date"][:4]:
                    score = min(100.0, score + DOB_BONUS)
                    notes.append("year of birth agrees")
                else:
                    score = max(0.0, score - DOB_PENALTY)
                    notes.append(f"born {rec['birth_date']}, not {born}")
            if score < limit:
                continue
            why = "; ".join([_why(query, name, rec, raw), *notes])
            rows.append({"query_row": row, "query": query, "kind": rec["kind"], "matched_id": rec["matched_id"],
                         "matched_name": rec["matched_name"], "score": round(score), "matched_on": name.text,
                         "why": why, **{k: rec[k] for k in COLUMNS[8:]}})
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["score"] = out["score"].astype("int64")
    out["first_designated"] = pd.to_datetime(out["first_designated"])
    out = out.sort_values(["query_row", "score", "kind", "matched_name"], ascending=[True, False, True, True])
    return out.reset_index(drop=True)


def read_names(path, column: str | None, country_column: str | None = None,
               dob_column: str | None = None) -> tuple[list[str], list | None, list | None]:
    """Names (and optional countries and dates of birth) from a column of a CSV or xlsx file."""
    from pathlib import Path

    from nklabor.args import _closest

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ArgumentError(f"cannot read names from {str(path)!r}: unknown suffix {suffix or '(none)'!r}; "
                            "allowed: .csv, .xlsx")
    if not path.is_file():
        raise ArgumentError(f"no such file {str(path)!r}")
    try:
        frame = (pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig") if suffix == ".csv"
                 else pd.read_excel(path, dtype=str).fillna(""))
    except Exception as err:  # noqa: BLE001  (any unreadable file is one line)
        raise ArgumentError(f"cannot read {str(path)!r}: {str(err).splitlines()[0] if str(err) else err}") from None
    cols = [str(c) for c in frame.columns]
    if column is None:
        if len(cols) != 1:
            raise ArgumentError(f"{str(path)!r} has {len(cols)} columns; say which holds the names with --column "
                                f"(one of: {', '.join(cols[:8])})")
        column = cols[0]
    out = []
    for what, col in (("column", column), ("country column", country_column), ("date-of-birth column", dob_column)):
        if col is None:
            out.append(None)
            continue
        if col not in cols:
            raise ArgumentError(f"unknown {what} {col!r} in {str(path)!r}; {_closest(col, cols)}")
        out.append(frame[col].astype(str).tolist())
    return out[0], out[1], out[2]
