"""One organisation's card from a name spelled roughly (`nklabor entity NAME`, `nklabor.entity(name)`)."""

from __future__ import annotations

import pandas as pd

from nklabor import analyst, words
from nklabor.args import ArgumentError

#: A look-up below the screening threshold takes the best name if it scores at least this and leads the next
#: organisation by at least LOOKUP_LEAD points (a one-letter typo in a long name scores in the high 80s).
LOOKUP_MIN = 80
LOOKUP_LEAD = 10


def entity(name: str, tables: dict | None = None) -> dict:
    """The best-matching entity's card: names, status, designations, linked persons, host countries, actions and
    sources, all in words. Raises ArgumentError naming the closest names when nothing scores at the threshold."""
    from nklabor import screening as scr

    if not isinstance(name, str) or not scr.plain_words(name):
        raise ArgumentError(f"entity name must be a name with letters, not {name!r}")
    tables = analyst.loaded(tables)
    index = scr.Index(tables)
    found = scr.screen([name], threshold=0, index=index)
    ents = found[found["kind"] == "entity"].drop_duplicates("matched_id")
    top = ents["score"].iloc[0] if len(ents) else 0
    runner_up = ents["score"].iloc[1] if len(ents) > 1 else 0
    # A look-up asks for one organisation and shows which one it chose, so a typo ("Mansudea") may still find it:
    # below the screening threshold, the best name is taken when it is close enough and clearly ahead.
    if top < scr.DEFAULT_THRESHOLD and not (top >= LOOKUP_MIN and top - runner_up >= LOOKUP_LEAD):
        closest = ", ".join(f"'{r.matched_name}' ({r.score})" for r in found.head(3).itertuples())
        raise ArgumentError(f"no organisation matches {name!r} (score >= {scr.DEFAULT_THRESHOLD}); closest: "
                            f"{closest or 'none'}")
    best = ents.iloc[0]
    eid = best["matched_id"]
    get = analyst._getter(tables)
    row = get("entities").set_index("entity_id").loc[eid]
    listing = analyst.entity_list(tables).set_index("entity_id").loc[eid]
    des = analyst.designations(tables)
    des = des[(des["target_kind"] == "entity") & (des["target_id"] == eid)]
    persons = analyst.person_list(tables)
    named_with = set()
    acts = get("enforcement_actions")
    mine = acts[acts["target_entity_id"] == eid].copy()
    for ids in mine["target_person_ids"]:
        named_with.update(analyst.split(ids))
    linked = persons[persons["entities"].fillna("").str.split("; ").apply(lambda xs: row["name"] in xs)
                     | persons["person_id"].isin(named_with)]
    urls = analyst.source_urls(tables)
    mine["when"] = analyst._date(mine, "date")
    actions = pd.DataFrame({
        "date": mine["when"], "action": [words.label("action_type", a) for a in mine["action_type"]],
        "by": [words.authority(a) for a in mine["actor"]], "summary": mine["summary"],
        "source_url": [urls.get(s) for s in mine["source_id"]]}).sort_values("date").reset_index(drop=True)
    src = get("sources").set_index("source_id")
    cited = set(analyst.split(row["source_ids"])) | set(mine["source_id"])
    presence = get("entity_presence")
    cited |= set(presence.loc[presence["entity_id"] == eid, "source_id"])
    sources = src.loc[sorted(s for s in cited if s in src.index), ["title", "publisher", "published", "url"]]
    return {
        "entity_id": eid, "name": row["name"], "name_ko": listing["name_ko"], "aliases": listing["aliases"],
        "kind": listing["kind"], "status": listing["status"], "based_in": listing["based_in"],
        "host_countries": listing["host_countries"], "sectors": listing["sectors"], "note": listing["note"],
        "match": {"query": name, "matched_on": best["matched_on"], "score": int(best["score"]), "why": best["why"]},
        "designations": des[["authority", "designated_on", "legal_basis", "reference", "source_url"]]
        .reset_index(drop=True),
        "persons": linked[["name", "role", "named_in", "designated_by"]].reset_index(drop=True),
        "actions": actions, "sources": sources.reset_index(drop=True)}


def _value(v) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and v != v) or v is pd.NaT:
        return ""
    return f"{v:%Y-%m-%d}" if isinstance(v, pd.Timestamp) else str(v)


def render(card: dict) -> str:
    m = card["match"]
    lines = [card["name"] + (f" ({card['name_ko']})" if isinstance(card["name_ko"], str) else ""),
             f"  matched '{m['query']}' on {m['why']} (score {m['score']})"]
    for label, key in (("also known as", "aliases"), ("kind", "kind"), ("status", "status"),
                       ("based in", "based_in"), ("host countries", "host_countries"), ("sectors", "sectors"),
                       ("note", "note")):
        if _value(card[key]):
            lines.append(f"  {label}: {_value(card[key])}")
    sections = (("Designations", "designations"), ("Persons named with it", "persons"), ("Actions", "actions"),
                ("Sources", "sources"))
    for title, key in sections:
        frame = card[key]
        lines.append(f"\n{title} ({len(frame)})" + ("" if len(frame) else ": none in nklabor"))
        for r in frame.itertuples(index=False):
            lines.append("  - " + " | ".join(_value(v) for v in r if _value(v)))
    return "\n".join(lines)
