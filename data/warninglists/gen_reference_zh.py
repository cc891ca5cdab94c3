#!/usr/bin/env python3
"""Generates data/warninglists/reference-zh.txt: Chinese security vendors,
media, CERTs, vulnerability platforms and government portals that Chinese
security articles cite, so that secsearch gives them the role `reference`
(a source the article cites), not `observable`.

The list is the hand-curated SEED below (MIT, written for secsearch: each
domain with the publishers of the archive that belong to it, as their
front-matter `source:` names them), checked against a corpus of articles:

    python3 data/warninglists/gen_reference_zh.py CORPUS_DIR [--min-sources 3]

CORPUS_DIR holds Markdown articles with front matter `source:` and `url:`
(e.g. wechat-10k unpacked). For every domain mentioned in the articles (URLs
and bare names), the script counts the articles and the distinct sources
mentioning it, annotates the seed with those counts, and lists as comment
lines (`# candidate`) the Chinese domains (.cn, or a seed publisher's name in
the source) that many distinct sources mention but the seed lacks, for a
person to judge: a domain is added by editing SEED, never automatically (an
attacker's domain cited by many publishers must stay observable).
Nothing of the corpus is copied but domain names and counts.

Output (UTF-8, `#` comments):

    domain<TAB>reference-zh<TAB>kind<TAB>publishers<TAB>articles/sources

* a domain matches itself and its subdomains (gov.cn: every government site);
* kind: vendor | media | cert | vulndb | gov | community | platform;
* publishers: the archive's `source:` names that belong to it, `|`-separated
  (empty when none publishes in the archive);
* articles/sources: how many articles and distinct sources of the corpus the
  list was built on mention it (0/0: kept from the seed all the same).
"""
from __future__ import annotations

import argparse
import collections
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# domain -> (kind, publishers as `source:` writes them)
SEED: dict[str, tuple[str, list[str]]] = {
    # vendors and their research teams
    "qianxin.com": ("vendor", ["奇安信威胁情报中心", "奇安信 CERT", "奇安信病毒响应中心", "奇安信集团",
                               "奇安信XLab", "奇安信技术研究院"]),
    "ti.qianxin.com": ("vendor", ["奇安信威胁情报中心"]),
    "360.cn": ("vendor", ["360数字安全", "三六零CERT", "360威胁情报中心", "360漏洞研究院"]),
    "360.net": ("vendor", ["360数字安全", "360威胁情报中心", "360 Netlab"]),
    "nsfocus.net": ("vendor", ["绿盟科技", "绿盟科技研究通讯", "绿盟科技CERT", "绿盟科技威胁情报"]),
    "nsfocus.com": ("vendor", ["绿盟科技"]),
    "nsfocus.com.cn": ("vendor", ["绿盟科技"]),
    "sangfor.com.cn": ("vendor", ["深信服千里目安全技术中心", "深信服科技"]),
    "sangfor.com": ("vendor", ["深信服千里目安全技术中心"]),
    "antiy.com": ("vendor", ["安天集团", "安天AVL移动安全"]),
    "antiy.cn": ("vendor", ["安天集团"]),
    "threatbook.cn": ("vendor", ["微步在线", "微步在线研究响应中心"]),
    "threatbook.com": ("vendor", ["微步在线"]),
    "venustech.com.cn": ("vendor", ["启明星辰", "ADLab"]),
    "topsec.com.cn": ("vendor", ["天融信", "天融信阿尔法实验室"]),
    "dbappsecurity.com.cn": ("vendor", ["安恒信息", "安恒研究院", "DAS-Security"]),
    "chaitin.cn": ("vendor", ["长亭科技", "长亭安全应急响应中心"]),
    "chaitin.com": ("vendor", ["长亭科技"]),
    "hillstonenet.com": ("vendor", ["山石网科安全技术研究院", "山石网科"]),
    "hillstonenet.com.cn": ("vendor", ["山石网科安全技术研究院"]),
    "huorong.cn": ("vendor", ["火绒安全"]),
    "knownsec.com": ("vendor", ["知道创宇", "知道创宇404实验室"]),
    "seebug.org": ("vendor", ["知道创宇404实验室"]),
    "zoomeye.org": ("vendor", ["知道创宇"]),
    "rising.com.cn": ("vendor", ["瑞星"]),
    "jiangmin.com": ("vendor", ["江民"]),
    "h3c.com": ("vendor", ["新华三"]),
    "winicssec.com": ("vendor", ["威努特安全网络"]),
    "moresec.cn": ("vendor", ["默安科技"]),
    "slowmist.com": ("vendor", ["慢雾科技"]),
    "qingteng.cn": ("vendor", ["青藤云安全"]),
    "xmirror.cn": ("vendor", ["悬镜安全"]),
    "jeeseen.com": ("vendor", ["锦行科技"]),
    "websaas.com.cn": ("vendor", ["威努特安全网络"]),
    "cas.cn": ("gov", ["中国科学院"]),
    "tencent.com": ("vendor", ["腾讯安全", "腾讯玄武实验室", "腾讯安全应急响应中心", "腾讯安全科恩实验室",
                               "腾讯安全朱雀实验室"]),
    "xlab.tencent.com": ("vendor", ["腾讯玄武实验室"]),
    "security.tencent.com": ("vendor", ["腾讯安全应急响应中心"]),
    "aliyun.com": ("vendor", ["阿里云安全", "阿里安全响应中心", "阿里安全"]),
    "xz.aliyun.com": ("community", ["先知社区"]),
    "alibaba.com": ("vendor", ["阿里安全"]),
    "huawei.com": ("vendor", ["华为安全", "华为PSIRT"]),
    "bsrc.baidu.com": ("vendor", ["百度安全应急响应中心"]),
    "anquan.baidu.com": ("vendor", ["百度安全实验室"]),
    "bytedance.com": ("vendor", ["字节跳动技术团队", "字节跳动安全中心"]),
    "security.bytedance.com": ("vendor", ["字节跳动安全中心"]),
    "security.jd.com": ("vendor", ["京东安全应急响应中心"]),
    "security.oppo.com": ("vendor", ["OPPO安全中心"]),
    "security.vivo.com.cn": ("vendor", ["vivo千镜安全实验室"]),
    "sec.xiaomi.com": ("vendor", ["小米安全中心"]),
    "butian.net": ("vulndb", ["补天平台"]),
    "vulbox.com": ("vulndb", ["漏洞盒子"]),
    "datacon.qianxin.com": ("community", ["DataCon大数据安全分析竞赛"]),
    # media and communities
    "freebuf.com": ("media", ["FreeBuf"]),
    "anquanke.com": ("media", ["安全客"]),
    "secrss.com": ("media", ["安全内参", "互联网安全内参"]),
    "4hou.com": ("media", ["嘶吼专业版"]),
    "aqniu.com": ("media", ["安全牛"]),
    "kanxue.com": ("community", ["看雪学苑", "看雪学院"]),
    "pediy.com": ("community", ["看雪学苑"]),
    "52pojie.cn": ("community", ["吾爱破解论坛"]),
    "security419.com": ("media", ["安全419"]),
    "dsalliance.cn": ("media", ["数世咨询"]),
    "secpulse.com": ("media", ["安全脉搏"]),
    "cnbeta.com.tw": ("media", []),
    "ithome.com": ("media", []),
    "ithome.com.tw": ("media", []),
    "doonsec.com": ("media", ["Doonsec's feed"]),
    "geekpark.net": ("media", ["极客公园"]),
    "infosecurity.com.cn": ("media", ["中国信息安全"]),
    "chinainfosec.org.cn": ("media", ["中国信息安全"]),
    "inforsec.org": ("community", ["安全学术圈"]),
    "gossip.sec": ("community", ["安全研究GoSSIP"]),
    "tidesec.com": ("community", ["Tide安全团队"]),
    "kcon.knownsec.com": ("community", ["KCon 黑客大会"]),
    "xfocus.net": ("community", []),
    "t00ls.com": ("community", []),
    "t00ls.net": ("community", []),
    "seclover.com": ("community", []),
    # WeChat articles cited as sources
    "mp.weixin.qq.com": ("platform", []),
    "weixin.qq.com": ("platform", []),
    # CERTs and vulnerability databases
    "cert.org.cn": ("cert", ["国家互联网应急中心CNCERT", "CNCERT国家工程研究中心"]),
    "cncert.org.cn": ("cert", ["国家互联网应急中心CNCERT"]),
    "cnvd.org.cn": ("vulndb", ["CNVD漏洞平台"]),
    "cnnvd.org.cn": ("vulndb", ["CNNVD"]),
    "cnnvd.com.cn": ("vulndb", ["CNNVD"]),
    "itsec.gov.cn": ("cert", ["中国信息安全测评中心"]),
    "cverc.org.cn": ("cert", ["国家计算机病毒应急处理中心"]),
    "nfsec.cn": ("community", []),
    "ics-cert.org.cn": ("cert", ["关键基础设施安全应急响应中心"]),
    "cics-cert.org.cn": ("cert", ["关键基础设施安全应急响应中心"]),
    "tc260.org.cn": ("gov", ["全国网络安全标准化技术委员会"]),
    "cybersecurity.cn": ("gov", []),
    "hkcert.org": ("cert", ["香港网络安全事故协调中心"]),
    "twcert.org.tw": ("cert", ["TWCERT/CC"]),
    "nics.nat.gov.tw": ("cert", []),
    # government portals
    "gov.cn": ("gov", []),
    "cac.gov.cn": ("gov", ["网信中国"]),
    "miit.gov.cn": ("gov", ["工信微报"]),
    "mps.gov.cn": ("gov", ["公安部网安局"]),
    "news.cn": ("media", ["新华社"]),
    "xinhuanet.com": ("media", ["新华社"]),
    "people.com.cn": ("media", ["人民日报"]),
    "cctv.com": ("media", ["央视新闻"]),
    "chinanews.com.cn": ("media", []),
    "caict.ac.cn": ("gov", ["中国信通院CAICT"]),
    "gov.hk": ("gov", []),
    "gov.tw": ("gov", []),
}

URL_RE = re.compile(r"https?://([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
BARE_RE = re.compile(r"(?<![A-Za-z0-9.@/-])((?:[A-Za-z0-9-]+\.)+(?:com\.cn|org\.cn|gov\.cn|edu\.cn|net\.cn|ac\.cn|"
                     r"cn|com|net|org|io))(?![A-Za-z0-9-])")
CN_SUFFIXES = (".cn", ".com.cn", ".org.cn", ".gov.cn", ".edu.cn", ".net.cn", ".ac.cn")


def front(text: str, key: str) -> str:
    m = re.search(rf"^{key}:\s*(.*)$", text[:2000], re.M)
    return m.group(1).strip().strip("'\"") if m else ""


def registrable(host: str) -> str:
    parts = host.split(".")
    if len(parts) >= 3 and ".".join(parts[-2:]) in ("com.cn", "org.cn", "gov.cn", "edu.cn", "net.cn", "ac.cn",
                                                    "com.tw", "org.tw", "gov.tw", "com.hk", "gov.hk"):
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


def scan(corpus: str):
    arts: collections.Counter = collections.Counter()
    srcs: dict[str, set] = collections.defaultdict(set)
    n = 0
    for root, _, files in os.walk(corpus):
        for f in files:
            if not f.endswith(".md"):
                continue
            n += 1
            with open(os.path.join(root, f), encoding="utf-8", errors="replace") as fh:
                text = fh.read()
            source = front(text, "source") or "?"
            hosts = {h.lower().rstrip(".") for h in URL_RE.findall(text)}
            hosts |= {h.lower() for h in BARE_RE.findall(text)}
            seen = set()
            for h in hosts:
                h = h[4:] if h.startswith("www.") else h
                # count the host and every parent, so a seed domain counts
                # its subdomains' mentions
                parts = h.split(".")
                for i in range(len(parts) - 1):
                    seen.add(".".join(parts[i:]))
            for d in seen:
                arts[d] += 1
                srcs[d].add(source)
    return n, arts, srcs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", help="folder of Markdown articles (front matter source:/url:)")
    ap.add_argument("--min-sources", type=int, default=3,
                    help="distinct sources for a non-seed domain to be listed as a candidate")
    ap.add_argument("--out", default=os.path.join(HERE, "reference-zh.txt"))
    args = ap.parse_args()
    if not os.path.isdir(args.corpus):
        sys.exit(f"{args.corpus}: not a folder")
    n, arts, srcs = scan(args.corpus)
    # the publishers of the archive that the seed names
    all_sources = collections.Counter()
    for s in srcs.values():
        all_sources.update(s)
    lines = [
        "# Chinese reference sites: security vendors, media, CERTs, vulnerability platforms,",
        "# government portals that Chinese security articles cite (role `reference`).",
        "# GENERATED by `python3 data/warninglists/gen_reference_zh.py CORPUS`; do not edit,",
        "# edit SEED in the generator. Hand-curated (MIT), counted on a corpus of",
        f"# {n} articles.",
        "# Format: domain<TAB>reference-zh<TAB>kind<TAB>publishers<TAB>articles/sources;",
        "# a domain matches itself and its subdomains.",
    ]
    for d in sorted(SEED, key=lambda d: (-len(srcs.get(d, ())), d)):
        kind, pubs = SEED[d]
        lines.append(f"{d}\treference-zh\t{kind}\t{'|'.join(pubs)}\t{arts.get(d, 0)}/{len(srcs.get(d, ()))}")
    # candidates for a person to judge
    seeded = set(SEED)
    cands = []
    for d, s in srcs.items():
        if d in seeded or any(d.endswith("." + x) for x in seeded) or len(s) < args.min_sources:
            continue
        if d != registrable(d) or d in {x.lstrip(".") for x in CN_SUFFIXES}:
            continue
        if d.endswith(CN_SUFFIXES):
            cands.append((len(s), arts[d], d))
    cands.sort(reverse=True)
    lines.append("# Candidates: Chinese domains that several distinct sources mention but SEED lacks;")
    lines.append("# judged by hand (add to SEED if a vendor/media/CERT/government site):")
    for ns, na, d in cands[:60]:
        lines.append(f"# candidate\t{d}\t{na}/{ns}")
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    seen_seed = sum(1 for d in SEED if arts.get(d))
    print(f"{args.out}: {len(SEED)} domains ({seen_seed} mentioned in the corpus of {n} articles), "
          f"{len(cands)} candidates listed as comments")


if __name__ == "__main__":
    main()
