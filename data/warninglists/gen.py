#!/usr/bin/env python3
"""Generates data/warninglists/*.txt, the benign and reference lists that
secsearch uses to give each indicator a role (observable / reference / benign)
at query time.

Source: the MISP warning lists, as shipped in the PyPI package
`pymispwarninglists` (the lists are CC0 1.0, the package BSD-3-Clause; see
data/LICENSES.md). Needs (installs nothing itself):

    pip install pymispwarninglists==1.7.0

Run from the repository root:

    python3 data/warninglists/gen.py                 # writes the files
    python3 data/warninglists/gen.py --lists DIR     # lists from another copy
                                                     # (DIR/<name>/list.json)

Output files (one value a line, optional TAB + list name(s), `#` comments):

    benign-cidr.txt        private, documentation, loopback, link-local,
                           multicast ranges; well-known public DNS resolvers;
                           sinkholes
    benign-hostname.txt    top sites (Tranco top 10k), special-use names,
                           Google/Microsoft/Apple infrastructure, captive-portal
                           and "what is my IP" hosts. A line matches the name
                           and every subdomain, except a line starting with
                           `=`: that one matches the exact name only (a shared
                           hosting suffix, dynamic DNS, URL shortener or
                           "living off trusted sites" domain whose subdomains
                           or paths belong to anyone, attackers included)
    benign-hash.txt        hashes of empty files, EICAR, MISP's
                           common-ioc-false-positive
    reference-hostname.txt security vendors, researchers' blogs, sandboxes,
                           security media, CERTs, vulnerability databases
                           (security-provider-blogpost, automated-malware-
                           analysis, and the INTL_REFERENCE seed below)

See data/warninglists/README.md for why each list is (or is not) used.
"""
from __future__ import annotations

import argparse
import ipaddress
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# --- hand-curated additions (MIT, like the project) -------------------------

# Special-use names that MISP's rfc6761 list does not carry (it has only the
# example.* names and the reverse zones of RFC 1918). `.onion` is deliberately
# absent: an onion address is an observable.
SPECIAL_NAMES = [
    ("localhost", "rfc6761"),
    ("invalid", "rfc6761"),
    ("test", "rfc6761"),
    ("example", "rfc6761"),
    ("local", "rfc6762"),
    ("home.arpa", "rfc8375"),
    ("localdomain", "special-use"),
]

# IPv6 ranges that no MISP list carries.
SPECIAL_V6 = [
    ("::/128", "rfc4291"),  # unspecified
    ("::1/128", "rfc4291"),  # loopback
    ("fc00::/7", "rfc4193"),  # unique local
    ("ff00::/8", "rfc4291"),  # multicast
]

# Well-known public DNS resolvers (operator's published anycast addresses).
# MISP's public-dns-v4 holds 62,745 addresses, mostly open resolvers on home
# routers and hosted servers found by scanning: far too many (1.2 MB) and some
# of them are exactly the kind of host an attacker controls. We keep the
# operators' published addresses and say whether MISP lists them too.
PUBLIC_DNS = """
8.8.8.8 8.8.4.4 2001:4860:4860::8888 2001:4860:4860::8844
1.1.1.1 1.0.0.1 2606:4700:4700::1111 2606:4700:4700::1001
9.9.9.9 149.112.112.112 2620:fe::fe 2620:fe::9
208.67.222.222 208.67.220.220 2620:119:35::35 2620:119:53::53
4.2.2.1 4.2.2.2 64.6.64.6 64.6.65.6 8.26.56.26 8.20.247.20
77.88.8.8 77.88.8.1 94.140.14.14 94.140.15.15 185.222.222.222 76.76.2.0
114.114.114.114 114.114.115.115 223.5.5.5 223.6.6.6 2400:3200::1 2400:3200:baba::1
119.29.29.29 182.254.116.116 180.76.76.76 2400:da00::6666
1.2.4.8 210.2.4.8 101.226.4.6 218.30.118.6 123.125.81.6 117.50.10.10 52.80.66.66
""".split()

# International security vendors, media, CERTs and vulnerability databases
# that Chinese articles cite and that neither security-provider-blogpost nor
# the Chinese list covers (registrable domains; subdomains match).
INTL_REFERENCE = """
bleepingcomputer.com thehackernews.com securityweek.com darkreading.com
therecord.media krebsonsecurity.com theregister.com zdnet.com wired.com
helpnetsecurity.com infosecurity-magazine.com securityaffairs.com
cyberscoop.com scmagazine.com hackread.com databreaches.net threatpost.com
arstechnica.com techcrunch.com csoonline.com govinfosecurity.com
cisa.gov us-cert.gov nist.gov cve.org mitre.org first.org ncsc.gov.uk
cert.europa.eu enisa.europa.eu jpcert.or.jp krcert.or.kr cert.ssi.gouv.fr
exploit-db.com packetstormsecurity.com cvedetails.com vulndb.cyberriskanalytics.com
virustotal.com hybrid-analysis.com any.run joesandbox.com tria.ge
malwarebazaar.abuse.ch abuse.ch urlhaus.abuse.ch threatfox.abuse.ch
otx.alienvault.com shodan.io censys.io fofa.info zoomeye.org
msrc.microsoft.com mandiant.com
crowdstrike.com paloaltonetworks.com unit42.paloaltonetworks.com
fortinet.com fortiguard.com checkpoint.com research.checkpoint.com
sophos.com trendmicro.com kaspersky.com securelist.com eset.com
welivesecurity.com symantec.com broadcom.com mcafee.com trellix.com
sentinelone.com cisco.com talosintelligence.com proofpoint.com
recordedfuture.com volexity.com secureworks.com rapid7.com tenable.com
qualys.com bitdefender.com avast.com malwarebytes.com group-ib.com
zscaler.com akamai.com cloudflare.com f-secure.com withsecure.com
cyble.com cybereason.com lookout.com huntress.com redcanary.com
elastic.co sekoia.io intezer.com ahnlab.com nsfocusglobal.com
hunt.io threatbook.io volexity.com dragos.com claroty.com nozominetworks.com
attack.mitre.org cwe.mitre.org cve.mitre.org nvd.nist.gov
""".split()

# --- list selection ---------------------------------------------------------

# role file -> [(MISP list name, how it is used)]
BENIGN_CIDR = ["rfc1918", "rfc5735", "rfc6598", "rfc3849", "ipv6-linklocal",
               "multicast", "sinkholes"]
BENIGN_HASH = ["empty-hashes", "common-ioc-false-positive", "eicar.com"]
TOP_LIST = "tranco10k"
BENIGN_HOST_SMALL = ["rfc6761", "google", "microsoft", "microsoft-office365",
                     "microsoft-win10-connection-endpoints", "captive-portals",
                     "whats-my-ip", "findip-host"]
REFERENCE_HOST = ["security-provider-blogpost", "automated-malware-analysis"]
# Lists used only to decide exact-only (`=`) entries: their subdomains and
# paths belong to whoever registers them.
SHARED_SUFFIX = ["second-level-tlds", "dynamic-dns", "url-shortener",
                 "lots-project", "public-ipfs-gateways"]


def find_lists_dir(arg: str | None) -> str:
    if arg:
        return arg
    try:
        import pymispwarninglists  # noqa: F401
    except ImportError:
        sys.exit("pymispwarninglists is not installed: pip install pymispwarninglists==1.7.0 "
                 "(or pass --lists DIR)")
    base = os.path.dirname(pymispwarninglists.__file__)
    return os.path.join(base, "data", "misp-warninglists", "lists")


def package_version() -> str:
    try:
        from importlib.metadata import version
        return version("pymispwarninglists")
    except Exception:
        return "unknown"


class Lists:
    def __init__(self, root: str):
        self.root = root
        self.meta: dict[str, dict] = {}

    def get(self, name: str) -> list[str]:
        with open(os.path.join(self.root, name, "list.json"), encoding="utf-8") as f:
            j = json.load(f)
        self.meta[name] = {"version": j.get("version"), "type": j.get("type"),
                           "n": len(j["list"]), "name": j.get("name")}
        return [str(x).strip() for x in j["list"] if str(x).strip()]


def norm_host(h: str) -> str:
    h = h.strip().lower().rstrip(".")
    if "://" in h:
        h = h.split("://", 1)[1]
    h = h.split("/", 1)[0]
    h = h.lstrip(".")
    if h.startswith("www."):
        h = h[4:]
    return h


def norm_cidr(c: str) -> str:
    net = ipaddress.ip_network(c.strip(), strict=False)
    return str(net)


def header(title: str, fmt: str, lists: Lists, names: list[str]) -> list[str]:
    out = [f"# secsearch warning list: {title}",
           "# GENERATED by `python3 data/warninglists/gen.py`; do not edit, edit the",
           "# generator and regenerate (see data/warninglists/README.md).",
           f"# Source: MISP warning lists (CC0 1.0) from pymispwarninglists {package_version()}"
           " (BSD-3-Clause), plus the generator's hand-curated entries.",
           f"# Format: {fmt}"]
    for n in names:
        m = lists.meta.get(n)
        if m:
            out.append(f"#   {n}: MISP version {m['version']}, {m['n']} entries - {m['name']}")
    return out


def write(path: str, lines: list[str]) -> int:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    return os.path.getsize(path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lists", help="MISP lists dir (default: the installed package's)")
    ap.add_argument("--out", default=HERE)
    ap.add_argument("--top", default=TOP_LIST, help="top-site list (default tranco10k)")
    args = ap.parse_args()
    L = Lists(find_lists_dir(args.lists))

    # ---- benign-cidr
    cidrs: dict[str, list[str]] = {}
    order: list[str] = []

    def add_cidr(c: str, label: str) -> None:
        c = norm_cidr(c)
        if c not in cidrs:
            cidrs[c] = []
            order.append(c)
        if label not in cidrs[c]:
            cidrs[c].append(label)

    for n in BENIGN_CIDR:
        for c in L.get(n):
            add_cidr(c, n)
    for c, lab in SPECIAL_V6:
        add_cidr(c, lab)
    dns4 = {norm_cidr(c) for c in L.get("public-dns-v4")}
    dns6 = {norm_cidr(c) for c in L.get("public-dns-v6")}
    for ip in PUBLIC_DNS:
        c = norm_cidr(ip)
        v6 = ":" in ip
        in_misp = c in (dns6 if v6 else dns4)
        add_cidr(c, ("public-dns-v6" if v6 else "public-dns-v4") if in_misp else "public-dns-hand")

    def cidr_key(c: str):
        n = ipaddress.ip_network(c)
        return (n.version, int(n.network_address), n.prefixlen)

    lines = header("benign IP ranges", "CIDR<TAB>list[,list...]; a bare address is a /32 or /128 "
                   "written as CIDR; IPv6 in compressed lower case",
                   L, BENIGN_CIDR + ["public-dns-v4", "public-dns-v6"])
    lines += [f"{c}\t{','.join(cidrs[c])}" for c in sorted(order, key=cidr_key)]
    sizes = {"benign-cidr.txt": (write(os.path.join(args.out, "benign-cidr.txt"), lines), len(order))}

    # ---- benign-hash
    hashes: dict[str, list[str]] = {}
    for n in BENIGN_HASH:
        for h in L.get(n):
            h = h.lower()
            if not all(ch in "0123456789abcdef" for ch in h) or len(h) not in (32, 40, 56, 64, 96, 128):
                continue  # e.g. the ssdeep "3::" of the empty file
            hashes.setdefault(h, [])
            if n not in hashes[h]:
                hashes[h].append(n)
    lines = header("benign file hashes", "lower-case hex hash (MD5/SHA-1/SHA-224/SHA-256/SHA-384/SHA-512)"
                   "<TAB>list[,list...]", L, BENIGN_HASH)
    lines += [f"{h}\t{','.join(v)}" for h, v in sorted(hashes.items(), key=lambda kv: (len(kv[0]), kv[0]))]
    sizes["benign-hash.txt"] = (write(os.path.join(args.out, "benign-hash.txt"), lines), len(hashes))

    # ---- shared suffixes (exact-only names)
    shared: set[str] = set()
    for n in SHARED_SUFFIX:
        for h in L.get(n):
            h = h.strip().lower().lstrip("*").lstrip(".").rstrip(".")
            if h and not h.startswith("!"):
                shared.add(h)
    # a public suffix of one label (com, cn) is not interesting; keep the
    # multi-label ones (com.cn, github.io, duckdns.org)
    shared = {h for h in shared if "." in h}

    # ---- reference-hostname
    ref: dict[str, list[str]] = {}
    # a hosting platform (a shared suffix: github.com, raw.githubusercontent.com)
    # is not a source but infrastructure everybody uses: benign, exact only
    moved: list[tuple[str, str]] = []
    for n in REFERENCE_HOST:
        for h in L.get(n):
            h = norm_host(h)
            if h in shared:
                moved.append((h, n))
            elif h:
                ref.setdefault(h, [])
                if n not in ref[h]:
                    ref[h].append(n)
    for h in INTL_REFERENCE:
        h = norm_host(h)
        if "/" in h or not h:
            continue
        ref.setdefault(h, [])
        if "reference-hand" not in ref[h] and not ref[h]:
            ref[h].append("reference-hand")

    # the Chinese list (gen_reference_zh.py) is kept in its own file; its
    # names are removed from the benign file like the ones above
    zh_path = os.path.join(args.out, "reference-zh.txt")
    zh: set[str] = set()
    if os.path.exists(zh_path):
        with open(zh_path, encoding="utf-8") as f:
            for line in f:
                line = line.split("#", 1)[0].strip()
                if line:
                    zh.add(norm_host(line.split("\t")[0].lstrip("=")))

    # ---- benign-hostname
    benign: dict[str, list[str]] = {}
    exact: set[str] = set()

    def add_host(h: str, label: str) -> None:
        raw = h.strip().lower()
        h = norm_host(raw)
        if not h or h in ref or h in zh:
            return
        benign.setdefault(h, [])
        if label not in benign[h]:
            benign[h].append(label)
        if h in shared:
            exact.add(h)

    for h, lab in SPECIAL_NAMES:
        add_host(h, lab)
    for h, lab in moved:
        add_host(h, lab)
    for n in BENIGN_HOST_SMALL:
        for h in L.get(n):
            add_host(h, n)
    for h in L.get(args.top):
        add_host(h, args.top)
    # drop a name already covered by a listed parent that matches subdomains
    def covered(h: str) -> bool:
        parts = h.split(".")
        for i in range(1, len(parts)):
            p = ".".join(parts[i:])
            if p in benign and p not in exact:
                return True
        return False

    kept = sorted(h for h in benign if not covered(h))
    lines = header("benign host names",
                   "[=]hostname<TAB>list[,list...]; a name matches itself and its subdomains; "
                   "a leading `=` matches the exact name only (shared suffix: dynamic DNS, URL "
                   "shortener, hosting platform, public suffix)",
                   L, BENIGN_HOST_SMALL + [args.top] + SHARED_SUFFIX)
    lines += [f"{'=' if h in exact else ''}{h}\t{','.join(benign[h])}" for h in kept]
    sizes["benign-hostname.txt"] = (write(os.path.join(args.out, "benign-hostname.txt"), lines), len(kept))

    refkept = sorted(ref)
    lines = header("reference host names (security vendors, researchers, sandboxes, media, CERTs)",
                   "[=]hostname<TAB>list[,list...]; a name matches itself and its subdomains; "
                   "Chinese sites are in reference-zh.txt",
                   L, REFERENCE_HOST)
    lines += [f"{h}\t{','.join(ref[h])}" for h in refkept]
    sizes["reference-hostname.txt"] = (write(os.path.join(args.out, "reference-hostname.txt"), lines),
                                       len(refkept))

    total = 0
    for name, (size, n) in sizes.items():
        total += size
        print(f"{name:24s} {n:6d} entries {size:8d} bytes")
    print(f"{'total':24s} {'':14s} {total:8d} bytes")


if __name__ == "__main__":
    main()
