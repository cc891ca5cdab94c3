#!/usr/bin/env python3
"""Generates data/regional/tw-hk-phrases.txt: Taiwan and Hong Kong IT and
security vocabulary with its mainland term (資訊安全 -> 信息安全, 伺服器 ->
服务器, 駭客 -> 黑客), for synonym groups.

secsearch already folds traditional characters to simplified ones with
zhconv (`勒索軟體` -> `勒索软件`); this file covers what character folding
cannot: a different word (記憶體 / 内存, 零時差 / 零日), or a regional word
written with characters mainland text uses too (程式 / 程序).

Sources:

* OpenCC's dictionaries (Apache-2.0, BYVoid and contributors), read from an
  OpenCC source tree (`--opencc-src DIR`, holding data/dictionary/) or a git
  directory of BYVoid/OpenCC (`--opencc-git DIR`):
  - TWPhrases.txt (mainland phrase in traditional characters -> Taiwan
    phrases): the pairs whose mainland side or Taiwan side holds one of the
    IT_WORDS below (OpenCC's list also holds place names, people, medicine,
    music: left out);
  - HKPhrases.txt, the same filter;
  - TSCharacters.txt / TSPhrases.txt: to write the mainland side in
    simplified characters (OpenCC's t2s: longest phrase, else first character
    candidate).
* SECURITY_SEED below: security terms OpenCC does not list (資安, 駭客,
  零時差, 社交工程, 進階持續性威脅...), written for secsearch (MIT).
* jieba's dictionary (MIT; `--jieba-dict`, default: jieba-rs's dict.txt in the
  cargo registry or the `jieba` PyPI package): a regional form whose
  simplified spelling is a common mainland word (资料, 程序, 云端) is marked
  `shared`: fold it only as a query-time synonym, never in the text.

Output, UTF-8, `#` comments:

    regional<TAB>mainland<TAB>kind<TAB>source

* regional: the phrase as Taiwan / Hong Kong write it (traditional);
* mainland: the mainland term in simplified characters;
* kind: `regional` (the regional form, once its characters are simplified,
  is not a common mainland word: safe to fold in text and queries) or
  `shared` (it is a mainland word too, often with another meaning: 資料 is
  "data" in Taiwan, 资料 "documents" on the mainland; use as a synonym at
  most);
* source: TWPhrases | HKPhrases | secsearch (the hand seed).

A regional phrase appears on one line only (the first mainland term wins).

    python3 data/regional/gen.py --opencc-git /path/to/OpenCC.git
    python3 data/regional/gen.py --opencc-src /path/to/OpenCC --check
    # --check: which of the 25 COMMON terms meet their mainland term by
    # character folding alone (OpenCC t2s) and with this file
"""
from __future__ import annotations

import argparse
import glob
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# Words that make an OpenCC phrase IT/security vocabulary (matched as
# substrings of the simplified mainland side or of the traditional regional
# side).
IT_WORDS = """
软件 硬件 固件 程序 程式 代码 源码 编码 码 数据 资料 信息 资讯 网络 网路 网 服务器 伺服器
计算机 电脑 内存 记忆体 硬盘 硬碟 光盘 光碟 磁盘 盘 存储 储存 缓存 快取 文件 档案 文件夹 资料夹
字符 字元 字节 位元 比特 字 端口 接口 介面 界面 协议 协定 驱动 驱 键 鼠标 滑鼠 光标 游标 标识
图标 菜单 选单 窗口 视窗 屏 桌面 打印 列印 扫描 调用 呼叫 调试 侦错 编程 编译 函数 函式 变量 变数
参数 数组 阵列 链表 指针 指标 算法 演算法 优化 最佳化 进程 线程 执行绪 运行 执行 默认 预设 设置 设定
配置 选项 模式 视频 视讯 音频 音讯 数字 数位 在线 线上 宽带 频宽 带宽 芯片 晶片 晶体 半导体 集成
整合 宏 脚本 命令 指令 日志 补丁 升级 下载 上传 邮件 邮箱 短信 简讯 移动 行动 手机 通信 通讯
互联网 网际网路 以太 路由 客户端 用户 使用者 帐 账 登录 登入 注册 密码 加密 解密 黑客 骇客 病毒
木马 漏洞 攻击 安全 认证 验证 云 虚拟 服务 系统 操作 界 插件 外挂 附件 兼容 相容 分辨率 解析度
像素 画素 激光 雷射 全角 半角 全形 半形 剪贴 粘贴 复制 拷贝 格式 模块 模组 对象 物件 实例 实体
类 字段 栏位 表单 数据库 资料库 服务 调制 数据机 寻址 定址 内核 核心 机器 网卡 声卡 显卡 主板 主机板
操作系统 作业系统 人工智能 人工智慧 智能 智慧 物联 信号 讯号 频 传输 带 流量 比特率 位元率 软 硬
""".split()

# OpenCC entries that the IT_WORDS filter lets through but are not IT terms.
NOT_IT = set("""
冷盤 宏都拉斯 愛滋病毒 漢他病毒 史他汀類 正子斷層造影 快捷半導體 執行長 資訊長
""".split())

# Security and IT terms that OpenCC does not list, written for secsearch.
# regional -> mainland
SECURITY_SEED = [
    ("資安", "信息安全"), ("資訊安全", "信息安全"), ("資通安全", "信息安全"),
    ("駭客", "黑客"), ("駭侵", "黑客入侵"), ("白帽駭客", "白帽黑客"),
    ("資料外洩", "数据泄露"), ("外洩", "泄露"), ("個資外洩", "个人信息泄露"),
    ("個資", "个人信息"), ("個人資料", "个人信息"), ("資料保護", "数据保护"),
    ("零時差", "零日"), ("零時差漏洞", "零日漏洞"), ("零時差攻擊", "零日攻击"),
    ("網域", "域名"), ("網域名稱", "域名"), ("網域控制站", "域控制器"),
    ("社交工程", "社会工程"), ("社交工程攻擊", "社会工程攻击"),
    ("進階持續性威脅", "高级持续性威胁"), ("進階持續威脅", "高级持续性威胁"),
    ("惡意軟體", "恶意软件"), ("惡意程式", "恶意程序"), ("惡意程式碼", "恶意代码"),
    ("勒索軟體", "勒索软件"), ("間諜軟體", "间谍软件"), ("防毒軟體", "杀毒软件"),
    ("防毒", "杀毒"), ("殭屍網路", "僵尸网络"), ("僵屍網路", "僵尸网络"),
    ("阻斷服務", "拒绝服务"), ("阻斷服務攻擊", "拒绝服务攻击"),
    ("分散式阻斷服務", "分布式拒绝服务"), ("分散式阻斷服務攻擊", "分布式拒绝服务攻击"),
    ("網路釣魚", "网络钓鱼"), ("網路攻擊", "网络攻击"), ("網路犯罪", "网络犯罪"),
    ("網路安全", "网络安全"), ("網際網路", "互联网"), ("網路", "网络"),
    ("威脅情資", "威胁情报"), ("情資", "情报"), ("入侵偵測", "入侵检测"),
    ("偵測", "检测"), ("數位鑑識", "数字取证"), ("鑑識", "取证"),
    ("弱點掃描", "漏洞扫描"), ("修補程式", "补丁"), ("更新檔", "补丁"),
    ("原始碼", "源代码"), ("程式碼", "代码"), ("作業系統", "操作系统"),
    ("身分驗證", "身份验证"), ("身份驗證", "身份验证"), ("多因素驗證", "多因素认证"),
    ("帳密", "账号密码"), ("加密貨幣", "加密货币"), ("虛擬貨幣", "虚拟货币"),
    ("人工智慧", "人工智能"), ("演算法", "算法"), ("晶片", "芯片"),
    ("封包", "数据包"), ("雲端", "云"), ("行動裝置", "移动设备"),
    ("隨身碟", "U盘"), ("記憶體", "内存"), ("伺服器", "服务器"), ("程式", "程序"),
    ("軟體", "软件"), ("硬體", "硬件"), ("韌體", "固件"), ("資料庫", "数据库"),
    ("資料", "数据"), ("資訊", "信息"), ("資料竊取", "数据窃取"),
    ("供應鏈攻擊", "供应链攻击"), ("水坑攻擊", "水坑攻击"), ("網路間諜", "网络间谍"),
    ("資安事件", "安全事件"), ("資安漏洞", "安全漏洞"), ("資安廠商", "安全厂商"),
    ("資安業者", "安全厂商"), ("資安研究人員", "安全研究人员"),
]

# 25 common terms for --check and bench/regional_terms.py.
COMMON = [
    ("資安", "信息安全"), ("駭客", "黑客"), ("資料外洩", "数据泄露"), ("零時差", "零日"),
    ("伺服器", "服务器"), ("記憶體", "内存"), ("網域", "域名"), ("程式", "程序"),
    ("社交工程", "社会工程"), ("進階持續性威脅", "高级持续性威胁"),
    ("惡意軟體", "恶意软件"), ("勒索軟體", "勒索软件"), ("網路", "网络"),
    ("資料庫", "数据库"), ("軟體", "软件"), ("硬體", "硬件"), ("網際網路", "互联网"),
    ("作業系統", "操作系统"), ("原始碼", "源代码"), ("防毒軟體", "杀毒软件"),
    ("殭屍網路", "僵尸网络"), ("阻斷服務攻擊", "拒绝服务攻击"), ("身分驗證", "身份验证"),
    ("演算法", "算法"), ("人工智慧", "人工智能"),
]


def read_dict(args, name: str) -> list[tuple[str, list[str]]]:
    if args.opencc_src:
        with open(os.path.join(args.opencc_src, "data", "dictionary", name), encoding="utf-8") as f:
            text = f.read()
    else:
        text = subprocess.run(["git", "--git-dir", args.opencc_git, "show", f"HEAD:data/dictionary/{name}"],
                              check=True, capture_output=True).stdout.decode("utf-8")
    out = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        k, _, v = line.partition("\t")
        out.append((k.strip(), v.split()))
    return out


class T2S:
    """OpenCC's t2s, enough for dictionary phrases: longest TSPhrases match,
    else the first candidate of TSCharacters."""

    def __init__(self, args):
        self.chars = {k: v[0] for k, v in read_dict(args, "TSCharacters.txt") if v}
        self.phrases = {k: v[0] for k, v in read_dict(args, "TSPhrases.txt") if v}
        self.maxlen = max(map(len, self.phrases)) if self.phrases else 1

    def __call__(self, s: str) -> str:
        out, i = [], 0
        while i < len(s):
            for n in range(min(self.maxlen, len(s) - i), 1, -1):
                p = self.phrases.get(s[i:i + n])
                if p is not None:
                    out.append(p)
                    i += n
                    break
            else:
                out.append(self.chars.get(s[i], s[i]))
                i += 1
        return "".join(out)


def jieba_words(path: str | None, min_freq: int) -> set[str]:
    cands = [path] if path else []
    cands += glob.glob(os.path.expanduser("~/.cargo/registry/src/*/jieba-rs-*/src/data/dict.txt"))
    try:
        import jieba  # type: ignore
        cands.append(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"))
    except ImportError:
        pass
    for p in cands:
        if p and os.path.exists(p):
            words = set()
            with open(p, encoding="utf-8") as f:
                for line in f:
                    parts = line.split()
                    if len(parts) >= 2 and int(parts[1]) >= min_freq:
                        words.add(parts[0])
            return words
    sys.exit("jieba's dict.txt not found: pass --jieba-dict PATH (pip install jieba, or jieba-rs in ~/.cargo)")


def is_it(*texts: str) -> bool:
    return any(w in t for t in texts for w in IT_WORDS)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--opencc-src")
    ap.add_argument("--opencc-git", default=os.environ.get("OPENCC_GIT"))
    ap.add_argument("--jieba-dict")
    ap.add_argument("--min-freq", type=int, default=100,
                    help="jieba frequency from which a word is a common mainland word")
    ap.add_argument("--out", default=os.path.join(HERE, "tw-hk-phrases.txt"))
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--secsearch", help="with --check: a secsearch binary, whose `tokenize` "
                    "folding decides 'meets today' (default: OpenCC t2s characters)")
    args = ap.parse_args()
    if not (args.opencc_src or args.opencc_git):
        sys.exit("give --opencc-src DIR or --opencc-git GITDIR (or OPENCC_GIT)")
    t2s = T2S(args)
    common_words = jieba_words(args.jieba_dict, args.min_freq)

    rows: dict[str, tuple[str, str, str]] = {}
    stats = {"TWPhrases": [0, 0], "HKPhrases": [0, 0], "secsearch": [0, 0]}

    def add(regional: str, mainland: str, source: str) -> None:
        if regional in rows or not regional or not mainland:
            return
        folded = t2s(regional)
        if folded == mainland:
            return  # character folding already meets the mainland term
        kind = "shared" if folded in common_words else "regional"
        rows[regional] = (mainland, kind, source)
        stats[source][1] += 1

    for (regional, mainland) in SECURITY_SEED:
        stats["secsearch"][0] += 1
        add(regional, mainland, "secsearch")
    for fname, source in (("TWPhrases.txt", "TWPhrases"), ("HKPhrases.txt", "HKPhrases")):
        for key, values in read_dict(args, fname):
            mainland = t2s(key)
            for v in values:
                stats[source][0] += 1
                if v == key or "·" in v or v in NOT_IT or not is_it(mainland, v, t2s(v)):
                    continue
                add(v, mainland, source)

    # character variants (Taiwan / Hong Kong standard forms) that OpenCC's t2s
    # characters do not fold to the mainland character
    for fname, source in (("TWVariants.txt", "TWVariants"), ("HKVariants.txt", "HKVariants")):
        stats[source] = [0, 0]
        for key, values in read_dict(args, fname):
            for v in values:
                stats[source][0] += 1
                if v != key:
                    add(v, t2s(key), source)

    lines = [
        "# Taiwan / Hong Kong IT and security phrases and their mainland terms.",
        "# GENERATED by `python3 data/regional/gen.py`; do not edit, edit the generator.",
        "# Sources: OpenCC data/dictionary TWPhrases.txt, HKPhrases.txt (IT entries only),",
        "# TWVariants.txt, HKVariants.txt (Apache-2.0, (c) BYVoid and OpenCC contributors);",
        "# secsearch's seed (MIT). Apply in one pass, longest match first, no chaining.",
        "# Format: regional<TAB>mainland<TAB>kind<TAB>source; kind regional|shared",
        "# (shared: the regional form is a common mainland word too - synonym only).",
        f"# {len(rows)} phrases: " + ", ".join(f"{s} {k[1]} (of {k[0]} pairs read)" for s, k in stats.items()),
    ]
    for regional, (mainland, kind, source) in sorted(rows.items(), key=lambda kv: (kv[1][2] != "secsearch", kv[0])):
        lines.append(f"{regional}\t{mainland}\t{kind}\t{source}")
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{args.out}: {len(rows)} phrases "
          f"({sum(r[1] == 'shared' for r in rows.values())} shared); {stats}")

    if args.check:
        keys = sorted(rows, key=len, reverse=True)
        maxlen = max(map(len, keys))

        def fold(s: str) -> str:
            out, i = [], 0
            while i < len(s):
                for n in range(min(maxlen, len(s) - i), 0, -1):
                    r = rows.get(s[i:i + n])
                    if r is not None:
                        out.append(r[0])
                        i += n
                        break
                else:
                    out.append(s[i])
                    i += 1
            return t2s("".join(out))

        def normalized(text: str) -> str:
            p = subprocess.run([args.secsearch, "tokenize", "--", text], capture_output=True, text=True)
            return next(l[12:] for l in p.stdout.splitlines() if l.startswith("normalized: "))

        before = after = 0
        for regional, mainland in COMMON:
            if args.secsearch:
                b = normalized(regional) == normalized(mainland)
            else:
                b = t2s(regional) == mainland
            a = fold(regional) == mainland
            before += b
            after += a
            print(f"  {regional}\t{mainland}\ttoday:{'yes' if b else 'no '}\twith file:{'yes' if a else 'no'}"
                  f"\t{rows.get(regional, ('', '-', ''))[1]}")
        print(f"common terms meeting the mainland term: {before}/{len(COMMON)} today, "
              f"{after}/{len(COMMON)} with this file ('today' = "
              f"{'secsearch tokenize' if args.secsearch else 'OpenCC t2s characters'})")


if __name__ == "__main__":
    main()
