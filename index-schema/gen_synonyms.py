#!/usr/bin/env python3
"""Generates index-schema/synonyms.txt, the synonym and threat-actor alias
groups that secsearch applies at query time.

Needs (installs nothing itself):

    pip install pymispgalaxies wordfreq

Run from the repository root:

    python3 index-schema/gen_synonyms.py            # writes index-schema/synonyms.txt
    python3 index-schema/gen_synonyms.py --report   # also lists every dropped term

Sources, in order of precedence (a term belongs to one group only):

1. index-schema/synonyms-security.txt  - security terms, written by hand.
2. index-schema/synonyms-actors-zh.txt - Chinese actor names, written by hand.
3. MISP galaxy `threat-actor` clusters (value + meta.synonyms), shipped in the
   pymispgalaxies package; dual-licensed CC0 1.0 / BSD-2-Clause (its
   LICENSE.md, recorded in the output header).
4. MISP galaxy `360net` clusters (360's APT-C-xx names, many Chinese).

Why the filters: a query term that is in a group is searched together with the
group's other terms, so one bad alias turns every search for an ordinary word
into a search for a threat actor (and the other way round). Dropped:

* ASCII terms shorter than 3 characters, CJK terms shorter than 2, and
  galaxy aliases of three letters (CCA, TSB: acronyms of many things);
* MITRE ATT&CK group ids (G0050): nobody types them and they crowd the
  "also searched" line;
* galaxy terms that are one ordinary English word (wordfreq Zipf >= 3.0:
  "Storm", "Pawn", "Cobalt", "Tick") or a chemical element (Microsoft's old
  actor names: STRONTIUM, COPPER) - multi-word names ("Pawn Storm") stay;
* the CJK names listed in CJK_AMBIGUOUS (everyday words) - rewritten as
  "X组织" where news writes it so, else dropped.

Rule for a term in two groups:

* inside the threat-actor galaxy, MISP keeps the clusters apart on purpose,
  so a term claimed by several clusters names none of them: it stays only in
  the cluster whose value it is, and is dropped from the rest (from all, when
  it is no cluster's value);
* a 360net line joins the group holding its APT-C id (360 assigns those ids;
  two 360 lines never share one), else the group with which it shares the
  most terms; its terms already in another group are dropped;
* a hand-written actor line merges every group holding one of its terms
  (it says they are one actor);
* hand-written security terms win over any actor term.

Groups left with fewer than two terms are dropped (nothing to expand).
"""

import argparse
import datetime
import json
import re
import sys
import unicodedata
from pathlib import Path

import pymispgalaxies
from wordfreq import zipf_frequency

HERE = Path(__file__).resolve().parent
GALAXY = Path(pymispgalaxies.__file__).resolve().parent / "data" / "misp-galaxy"

ELEMENTS = set(
    """hydrogen helium lithium beryllium boron carbon nitrogen oxygen fluorine
    neon sodium magnesium aluminium aluminum silicon phosphorus sulfur chlorine
    argon potassium calcium scandium titanium vanadium chromium manganese iron
    cobalt nickel copper zinc gallium germanium arsenic selenium bromine krypton
    rubidium strontium yttrium zirconium niobium molybdenum technetium
    ruthenium rhodium palladium silver cadmium indium tin antimony tellurium
    iodine xenon caesium cesium barium lanthanum cerium praseodymium neodymium
    promethium samarium europium gadolinium terbium dysprosium holmium erbium
    thulium ytterbium lutetium hafnium tantalum tungsten rhenium osmium iridium
    platinum gold mercury thallium lead bismuth polonium astatine radon
    francium radium actinium thorium protactinium uranium neptunium plutonium
    americium curium berkelium californium einsteinium fermium mendelevium
    nobelium lawrencium rutherfordium dubnium seaborgium bohrium hassium
    meitnerium darmstadtium roentgenium copernicium nihonium flerovium
    moscovium livermorium tennessine oganesson""".split()
)

# CJK names that are everyday words: None drops the term, a string replaces it.
CJK_AMBIGUOUS = {
    "方程式": "方程式组织",  # equation
    "美人鱼": "美人鱼组织",  # mermaid
    "人面狮": "人面狮组织",  # sphinx (人面狮身)
    "潜行者": "潜行者组织",  # stalker, also a game
    "毒针": "毒针组织",  # poison needle
    "飞鲨": "飞鲨组织",  # a fighter jet's nickname
    "白海豚": None,  # the animal
    "绿斑": None,  # a green spot
}

CJK = re.compile(r"[\u3400-\u9fff]")
MITRE_ID = re.compile(r"^G\d{4}$")
GENERIC = re.compile(r"^(group|team|unit) \d+$", re.I)
APT_C = re.compile(r"^APT-C-\d+$")

# Terms that name something else in security news: vendors, agencies, generic
# acronyms.
NOT_ALIASES = {"QiAnXin", "CIA", "CNC", "NSA", "SCWX CTU", "IBM", "UPS", "GOP", "SEA", "GIF89a",
               "Palo Alto", "Alibaba"}


def key(term):
    """The matching key: NFKC (full-width to half-width), lower case, one
    space between words - what src/synonyms.rs folds a query term to."""
    return " ".join(unicodedata.normalize("NFKC", term).lower().split())


def split_terms(raw):
    """'APT37（Reaper）' -> APT37, Reaper; 'Turla, Waterbug' -> Turla, Waterbug."""
    raw = unicodedata.normalize("NFKC", raw)
    out = []
    for part in re.split(r"[()]", raw):
        for t in re.split(r",\s+|;\s*|/\s+", part):
            t = " ".join(t.split()).strip(" .,-")
            if t:
                out.append(t)
    return out


def junk(term, trusted):
    """Why a term is dropped, or None to keep it."""
    if term in NOT_ALIASES:
        return "names something else"
    if ":" in term:
        return "not a name"
    if MITRE_ID.match(term):
        return "MITRE id"
    if GENERIC.match(term):
        return "generic phrase"
    if CJK.search(term):
        if len(term) < 2:
            return "too short"
        return None
    if len(term) < 3:
        return "too short"
    if len(term) > 40 or "?" in term:
        return "not a name"
    if trusted:
        return None
    if re.fullmatch(r"[A-Za-z]+", term):
        if len(term) <= 3:
            return "three-letter acronym"
        if term.lower() in ELEMENTS:
            return "chemical element"
        if zipf_frequency(term.lower(), "en") >= 3.0:
            return "ordinary English word"
    return None


def clean(terms, trusted, report):
    out, seen = [], set()
    for t in terms:
        if t in CJK_AMBIGUOUS:
            report.append((t, "everyday Chinese word"))
            t = CJK_AMBIGUOUS[t]
            if t is None:
                continue
        why = junk(t, trusted)
        if why:
            report.append((t, why))
        elif key(t) not in seen:
            seen.add(key(t))
            out.append(t)
    return out


def read_hand_file(path):
    groups = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        terms = [t.strip() for t in line.split("|") if t.strip()]
        if len(terms) < 2:
            sys.exit(f"{path.name}:{n}: a group needs at least two terms")
        groups.append(terms)
    return groups


def cluster_file(name):
    return json.loads((GALAXY / "clusters" / f"{name}.json").read_text(encoding="utf-8"))


def galaxy_groups(report):
    """threat-actor clusters, a term claimed by several clusters resolved."""
    data = cluster_file("threat-actor")
    raw = []
    for v in data["values"]:
        terms = split_terms(v["value"])
        for s in v.get("meta", {}).get("synonyms", []):
            terms += split_terms(s)
        raw.append(clean(terms, False, report))
    owners = {}
    for i, g in enumerate(raw):
        for t in g:
            owners.setdefault(key(t), set()).add(i)
    groups = []
    for i, g in enumerate(raw):
        keep = []
        for j, t in enumerate(g):
            k = key(t)
            if len(owners[k]) == 1:
                keep.append(t)
                continue
            values = [o for o in owners[k] if key(raw[o][0]) == k] if raw[i] else []
            if j == 0 and values == [i]:
                keep.append(t)
            else:
                report.append((t, "claimed by several galaxy clusters"))
        groups.append(keep)
    return groups, data.get("version")


def net360_groups(report):
    """'海莲花 - APT-C-00' + synonyms -> 海莲花, APT-C-00, ..."""
    data = cluster_file("360net")
    out = []
    for v in data["values"]:
        terms = [t.strip() for t in v["value"].split(" - ")]
        for s in v.get("meta", {}).get("synonyms", []):
            terms += split_terms(s)
        out.append(clean(terms, True, report))
    return out, data.get("version")


class Groups:
    """Groups with one owner a term."""

    def __init__(self):
        self.groups = []
        self.owner = {}

    def _target(self, terms, anchor):
        """The group a new line joins: the owner of its anchor term if any,
        else the group sharing the most terms (earliest on a tie), else a new one."""
        if anchor is not None and key(anchor) in self.owner:
            return self.owner[key(anchor)]
        links = {}
        for t in terms:
            g = self.owner.get(key(t))
            if g is not None:
                links[g] = links.get(g, 0) + 1
        if links:
            return max(links, key=lambda g: (links[g], -g))
        self.groups.append([])
        return len(self.groups) - 1

    def _release(self, k, report, t, why):
        g = self.owner.pop(k)
        self.groups[g] = [x for x in self.groups[g] if key(x) != k]
        report.append((t, why))

    def join(self, terms, report):
        """Adds a hand-written line: every group holding one of its terms is
        merged into one with it (the line says they are the same actor)."""
        hit = sorted({self.owner[key(t)] for t in terms if key(t) in self.owner})
        for g in hit[1:]:
            for t in self.groups[g]:
                self.owner[key(t)] = hit[0]
                report.append((t, f"group joined by a hand-written line ({terms[0]})"))
            self.groups[hit[0]] += self.groups[g]
            self.groups[g] = []
        self.add(terms, report, front=True)

    def add(self, terms, report, front=False, take=(), anchor=None):
        """Adds a line of terms. `front`: the line's terms lead the group, in
        the line's order. `take`: terms (all with take=True) that leave any
        other group holding them instead of being dropped from this line."""
        target = self._target(terms, anchor)
        for t in terms:
            k = key(t)
            owner = self.owner.get(k)
            if owner is not None and owner != target and (take is True or t in take):
                self._release(k, report, t, "moved to a more authoritative group")
        mine, new = [], []
        for t in terms:
            k = key(t)
            if k not in self.owner:
                self.owner[k] = target
                new.append(t)
                mine.append(k)
            elif self.owner[k] == target:
                mine.append(k)
            else:
                report.append((t, "already in another group"))
        g = self.groups[target]
        if front:
            lead = [t for t in g + new if key(t) in mine]
            lead.sort(key=lambda t: mine.index(key(t)))
            self.groups[target] = lead + [t for t in g if key(t) not in mine]
        else:
            self.groups[target] = g + new


def build(report):
    security = read_hand_file(HERE / "synonyms-security.txt")
    actors_zh = read_hand_file(HERE / "synonyms-actors-zh.txt")
    galaxy, ta_version = galaxy_groups(report)
    net360, net_version = net360_groups(report)
    out = Groups()
    for g in galaxy:
        if g:
            out.add(g, report)
    claimed = set()
    for g in net360:
        # 360 names its own APT-C ids: its id decides the group and wins, but
        # two 360 groups never share one (MISP files APT-C-17 under SideWinder,
        # 360 calls it 飞鲨 and SideWinder APT-C-24).
        ids = [t for t in g if APT_C.match(t)]
        anchor = ids[0] if ids else None
        if anchor is not None and out.owner.get(key(anchor)) in claimed:
            out._release(key(anchor), report, anchor, "moved to its own 360 group")
        out.add(g, report, front=bool(CJK.search(g[0])), take=ids, anchor=anchor)
        if anchor is not None:
            claimed.add(out.owner[key(anchor)])
    for g in actors_zh:
        out.join(clean(g, True, report), report)
    seen = set()
    for g in security:
        g = clean(g, True, report)
        clash = [t for t in g if key(t) in seen]
        if clash:
            sys.exit(f"synonyms-security.txt: {clash} in two groups")
        seen.update(key(t) for t in g)
        out.add(g, report, take=True)
    actor = [g for g in out.groups[: len(out.groups)] if len(g) >= 2]
    return actor, len(security), ta_version, net_version


def header(n_groups, n_security, ta_version, net_version):
    lic = (GALAXY / "LICENSE.md").read_text(encoding="utf-8")
    dual = "CC0 1.0" in lic and "Redistribution and use" in lic
    today = datetime.date.today().isoformat()
    return f"""\
# secsearch synonym and threat-actor alias groups: {n_groups} groups.
# GENERATED by `python3 index-schema/gen_synonyms.py` on {today}; do not edit,
# edit the sources below and regenerate (see index-schema/SYNONYMS.md).
# Format: one group a line, terms separated by " | ", the first term is the
# canonical name; matching folds case and full-width forms; `#` starts a comment.
# Sources:
#   synonyms-security.txt ({n_security} groups) and synonyms-actors-zh.txt,
#     written by hand for secsearch (MIT);
#   MISP galaxy clusters threat-actor (version {ta_version}) and 360net
#     (version {net_version}), from the pymispgalaxies {pkg_version()} package.
#     Licence of the MISP galaxy data, per its LICENSE.md: {
        "dual-licensed CC0 1.0 Universal or BSD 2-Clause" if dual else "SEE LICENSE.md"
    }
#     (Copyright (c) 2015-2018 Alexandre Dulaunoy, CIRCL, Andras Iklody,
#     Raphael Vinot, Deborah Servili and contributors to the MISP Project);
#     used here under CC0 1.0.
"""


def pkg_version():
    from importlib.metadata import version

    return version("pymispgalaxies")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--report", action="store_true", help="list dropped terms on stderr")
    ap.add_argument("--out", default=str(HERE / "synonyms.txt"))
    args = ap.parse_args()
    report = []
    groups, n_security, ta_version, net_version = build(report)
    if len(groups) < 300:
        sys.exit(f"only {len(groups)} groups: the floor is 300")
    body = "".join(" | ".join(g) + "\n" for g in groups)
    Path(args.out).write_text(
        header(len(groups), n_security, ta_version, net_version) + body, encoding="utf-8"
    )
    if args.report:
        for t, why in sorted(set(report), key=lambda r: (r[1], r[0].lower())):
            print(f"dropped {t!r}: {why}", file=sys.stderr)
    print(f"{len(groups)} groups, {len(report)} terms dropped -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
