use super::*;

/// (kind, value, original text of the span) of every distinct indicator.
fn found(text: &str) -> Vec<(Kind, String, String)> {
    extract(text)
        .into_iter()
        .map(|i| (i.kind, i.value, text[i.span].to_string()))
        .collect()
}

fn values(text: &str, kind: Kind) -> Vec<String> {
    extract(text)
        .into_iter()
        .filter(|i| i.kind == kind)
        .map(|i| i.value)
        .collect()
}

fn has(text: &str, kind: Kind, value: &str) -> bool {
    values(text, kind).iter().any(|v| v == value)
}

#[test]
fn every_kind_is_found_with_its_span() {
    let text = "C2 为 45.33.2.1，域名 evil-c2.top，下载 https://dl.evil.xyz/a/b.php?id=1 ，\
                邮件 Ops.Team@Evil.com ，样本 update.exe 与 发票.docx，\
                MD5 D41D8CD98F00B204E9800998ECF8427E，\
                SHA1 da39a3ee5e6b4b0d3255bfef95601890afd80709，\
                SHA256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855；\
                漏洞 CVE-2024-3094、CNVD-2021-12345、CNNVD-202104-1234，\
                技术 T1059.001 和 T1566，IPv6 2001:db8::8a2e:370:7334。";
    let got = found(text);
    let want: &[(Kind, &str)] = &[
        (Kind::Ipv4, "45.33.2.1"),
        (Kind::Domain, "evil-c2.top"),
        (Kind::Url, "https://dl.evil.xyz/a/b.php?id=1"),
        (Kind::Domain, "dl.evil.xyz"),
        (Kind::Email, "ops.team@evil.com"),
        (Kind::Domain, "evil.com"),
        (Kind::File, "update.exe"),
        (Kind::Md5, "d41d8cd98f00b204e9800998ecf8427e"),
        (Kind::Sha1, "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        (
            Kind::Sha256,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        (Kind::Cve, "CVE-2024-3094"),
        (Kind::Cnvd, "CNVD-2021-12345"),
        (Kind::Cnnvd, "CNNVD-202104-1234"),
        (Kind::Attack, "T1059.001"),
        (Kind::Attack, "T1566"),
        (Kind::Ipv6, "2001:db8::8a2e:370:7334"),
    ];
    for (kind, value) in want {
        let hit = got.iter().find(|(k, v, _)| k == kind && v == value);
        let (_, _, span) = hit.unwrap_or_else(|| panic!("missing {kind:?} {value}: {got:?}"));
        // The span is the text as written: same string up to case.
        assert!(span.eq_ignore_ascii_case(value), "{value} spans {span}");
    }
}

#[test]
fn every_defanged_form_is_refanged_with_the_original_span() {
    let cases = [
        ("evil[.]com", Kind::Domain, "evil.com"),
        ("evil(.)com", Kind::Domain, "evil.com"),
        ("evil{.}com", Kind::Domain, "evil.com"),
        ("evil[dot]com", Kind::Domain, "evil.com"),
        ("evil(dot)com", Kind::Domain, "evil.com"),
        ("evil[DOT]com", Kind::Domain, "evil.com"),
        ("evil。com", Kind::Domain, "evil.com"),
        ("1.2.3[.]4", Kind::Ipv4, "1.2.3.4"),
        ("1[.]2[.]3[.]4", Kind::Ipv4, "1.2.3.4"),
        ("hxxp://evil[.]com/a", Kind::Url, "http://evil.com/a"),
        ("hXXps://evil.com/a", Kind::Url, "https://evil.com/a"),
        (
            "fxp://files.evil.com/x",
            Kind::Url,
            "ftp://files.evil.com/x",
        ),
        ("hxxp[:]//evil.com/a", Kind::Url, "http://evil.com/a"),
        ("http[://]evil.com/a", Kind::Url, "http://evil.com/a"),
        ("admin[@]evil.com", Kind::Email, "admin@evil.com"),
        ("admin[at]evil[.]com", Kind::Email, "admin@evil.com"),
    ];
    for (written, kind, value) in cases {
        let text = format!("见 {written}，");
        let got = extract(&text);
        let hit = got.iter().find(|i| i.kind == kind && i.value == value);
        let hit = hit.unwrap_or_else(|| panic!("{written}: {got:?}"));
        assert_eq!(&text[hit.span.clone()], written);
        assert_eq!(refang(written), value, "refang({written})");
    }
}

#[test]
fn refang_leaves_prose_alone_and_borrows() {
    for prose in [
        "正则 (.) 匹配任意字符",
        "我们[at]北京",
        "句子结束。下一句",
        "a. b",
        "hxxp 不是协议",
    ] {
        assert!(
            matches!(refang(prose), std::borrow::Cow::Borrowed(_)),
            "{prose}"
        );
    }
    // An ideographic full stop after ASCII ends a Chinese sentence unless an
    // ASCII label follows it directly.
    assert_eq!(refang("使用 Windows。攻击者"), "使用 Windows。攻击者");
}

#[test]
fn defanged_spans_list_only_defanged_indicators() {
    let text = "IOC: evil[.]com 与 good.com 以及 hxxp://bad[.]org/x，正则 (.) 无关";
    let spans = defanged_spans(text);
    let plain: Vec<&str> = spans.iter().map(|(_, s)| s.as_str()).collect();
    assert!(plain.contains(&"evil.com"), "{spans:?}");
    assert!(plain.contains(&"http://bad.org/x"), "{spans:?}");
    assert!(plain.contains(&"bad.org"), "{spans:?}");
    assert!(!plain.contains(&"good.com"), "{spans:?}");
    for (range, _) in &spans {
        assert!(
            text[range.clone()].contains(['[', 'x']),
            "{}",
            &text[range.clone()]
        );
    }
}

#[test]
fn versions_are_not_ips() {
    for text in [
        "v1.2.3.4",
        "版本 V1.2.3.4 发布",
        "1.2.3.4.5",
        "1.2.3",
        "256.1.1.1",
        "01.02.03.04",
    ] {
        assert!(
            values(text, Kind::Ipv4).is_empty(),
            "{text}: {:?}",
            extract(text)
        );
    }
}

#[test]
fn ports_cidr_and_ranges_end_an_ip() {
    assert_eq!(
        values("连接 127.0.0.1:8080 成功", Kind::Ipv4),
        ["127.0.0.1"]
    );
    assert_eq!(values("网段 10.0.0.0/8。", Kind::Ipv4), ["10.0.0.0"]);
    assert_eq!(
        values("范围 10.0.0.1-10.0.0.254", Kind::Ipv4),
        ["10.0.0.1", "10.0.0.254"]
    );
    assert_eq!(values("地址是1.2.3.4。", Kind::Ipv4), ["1.2.3.4"]);
}

#[test]
fn file_names_and_code_are_not_domains() {
    for text in [
        "打开 index.html 页面",
        "README.md",
        "main.rs",
        "a.py",
        "payload.zip",
        "System.Net",
        "Foo.Security",
        "com.example.app",
        "ASP.NET",
        "app.run()",
    ] {
        assert!(
            values(text, Kind::Domain).is_empty(),
            "{text}: {:?}",
            extract(text)
        );
    }
    // …but the same TLD is a domain as a URL host.
    assert!(has("https://files.zip/a", Kind::Domain, "files.zip"));
}

#[test]
fn chinese_debris_is_not_a_domain() {
    for text in ["微信.com", "关注公众号.cn", "文件.com.cn", "中文。com"] {
        assert!(
            values(text, Kind::Domain).is_empty(),
            "{text}: {:?}",
            extract(text)
        );
    }
}

#[test]
fn a_domain_needs_a_real_tld() {
    assert!(values("file.notatld 与 host.local 与 a.b", Kind::Domain).is_empty());
    assert_eq!(
        values("访问 WWW.Example.COM 即可", Kind::Domain),
        ["www.example.com"]
    );
}

#[test]
fn hashes_are_whole_hex_runs_of_exact_length() {
    let h32 = "d41d8cd98f00b204e9800998ecf8427e";
    assert_eq!(values(&format!("md5:{h32}"), Kind::Md5), [h32]);
    assert!(extract(&h32[..31]).is_empty());
    assert!(extract(&format!("{h32}a")).is_empty());
    // A 64-run is one sha256, not two md5s; 65 is nothing.
    let h64 = format!("{h32}{h32}");
    assert_eq!(values(&h64, Kind::Sha256), std::slice::from_ref(&h64));
    assert!(values(&h64, Kind::Md5).is_empty());
    assert!(extract(&format!("{h64}0")).is_empty());
    // Glued to letters or an identifier: not a whole run.
    assert!(extract(&format!("x{h32}")).is_empty());
    assert!(extract(&format!("id_{h32}")).is_empty());
    // Decimal digits only: a number.
    assert!(extract(&"1".repeat(32)).is_empty());
}

#[test]
fn wechat_hosts_and_share_links_are_not_indicators() {
    let text =
        "原文 https://mp.weixin.qq.com/s?__biz=MzA5&sn=d41d8cd98f00b204e9800998ecf8427e&x=1 \
                图 https://mmbiz.qpic.cn/mmbiz_png/abc/640 res.wx.qq.com mmbiz.qlogo.cn";
    assert!(extract(text).is_empty(), "{:?}", extract(text));
}

#[test]
fn cve_ids_are_canonical_uppercase() {
    assert_eq!(
        values("漏洞cve-2024-3094已修复", Kind::Cve),
        ["CVE-2024-3094"]
    );
    assert_eq!(values("CVE_2021_44228", Kind::Cve), ["CVE-2021-44228"]);
    assert_eq!(
        values("CVE-2021-442281234", Kind::Cve),
        Vec::<String>::new()
    );
    assert!(values("XCVE-2021-44228", Kind::Cve).is_empty());
    assert_eq!(values("cnvd-c-2021-1234", Kind::Cnvd), ["CNVD-C-2021-1234"]);
}

#[test]
fn attack_ids_are_in_the_technique_range() {
    assert_eq!(
        values("T1003 T1059.001 T0999 T1234567 AT1059", Kind::Attack),
        ["T1003", "T1059.001"]
    );
}

#[test]
fn urls_end_before_chinese_punctuation_and_trailing_marks() {
    assert_eq!(
        values("见https://a.com/x，谢谢", Kind::Url),
        ["https://a.com/x"]
    );
    assert_eq!(values("(https://a.com/x).", Kind::Url), ["https://a.com/x"]);
    assert_eq!(
        values("https://a.com/wiki/X_(y)", Kind::Url),
        ["https://a.com/wiki/X_(y)"]
    );
    assert_eq!(
        values("https://A.com:8443/P?q=1#f。", Kind::Url),
        ["https://a.com:8443/P?q=1#f"]
    );
    assert_eq!(
        values("${jndi:ldap://1.2.3.4:1389/a}", Kind::Url),
        ["ldap://1.2.3.4:1389/a"]
    );
    assert!(values("http://localhost:8080/", Kind::Url).is_empty());
}

#[test]
fn emails_need_a_real_domain() {
    assert_eq!(
        values("联系 a.b+c@corp.com.cn。", Kind::Email),
        ["a.b+c@corp.com.cn"]
    );
    assert!(values("npm i pkg@1.2.3 与 @app.route", Kind::Email).is_empty());
}

#[test]
fn file_names_exclude_software_names() {
    assert_eq!(
        values("投递 Invoice_2024.docx 和 run.PS1", Kind::File),
        ["Invoice_2024.docx", "run.PS1"]
    );
    assert!(values("基于 Node.js 与 Vue.js", Kind::File).is_empty());
    assert_eq!(
        values(r"C:\Windows\System32\cmd.exe", Kind::File),
        ["cmd.exe"]
    );
}

#[test]
fn ipv6_is_strict() {
    assert_eq!(
        values("fe80::1ff:fe23:4567:890a", Kind::Ipv6),
        ["fe80::1ff:fe23:4567:890a"]
    );
    for text in [
        "std::vector",
        "12:30:45",
        "a::b",
        "dead::beef",
        "00:1a:2b:3c:4d:5e",
    ] {
        assert!(
            values(text, Kind::Ipv6).is_empty(),
            "{text}: {:?}",
            extract(text)
        );
    }
}

#[test]
fn extract_keeps_first_span_extract_all_keeps_every_one() {
    let text = "evil.com 然后 EVIL.com";
    let once = extract(text);
    assert_eq!(once.len(), 1);
    assert_eq!(once[0].span, 0..8);
    assert_eq!(extract_all(text).len(), 2);
}

#[test]
fn never_panics_on_odd_text() {
    for text in [
        "",
        "[.]",
        "。",
        "hxxp",
        "://",
        "@",
        "a@",
        "@b.com",
        "http://",
        "\u{fffd}[.]\u{fffd}",
        "x[.",
        "CVE-",
        "T1",
        "::",
    ] {
        let _ = extract(text);
        let _ = defanged_spans(text);
    }
}

#[test]
fn versions_in_context_are_not_ips() {
    for text in [
        "固件版本 1.0.2.60 已修复",
        "Version=10.0.0.0, Culture=neutral",
        "9.0.0.0 <= IBM WebSphere Application Server <= 9.0.5.7",
        "RFC5246 的 7.4.4.1 章节",
        "NTLM 规范的2.2.2.6部分",
        "10.3.6.0、11.1.1.9版本最终",
        "Metabase 0.46 < 0.46.6.1",
        "该漏洞已在1.5.0.0 Beta 4版本中得到解决",
        "version < 5.9.40.8-1",
        "Struts 6.0.0至Struts 6.3.0.2",
        "**1.4.3.1 第一部分**",
        "2.2.1.1 SecureBootUEFI.dat分析",
    ] {
        assert!(
            values(text, Kind::Ipv4).is_empty(),
            "{text}: {:?}",
            extract(text)
        );
    }
    // The same shapes as addresses stay addresses.
    for (text, ip) in [
        ("DNS server 8.8.8.8 响应", "8.8.8.8"),
        ("C2 IP 45.33.2.1 活跃", "45.33.2.1"),
        ("bind = 0.0.0.0", "0.0.0.0"),
        ("用户ip为10.92.209.98。", "10.92.209.98"),
        ("测试机 IP 2.2.1.1 上", "2.2.1.1"),
        ("回连 3.4.5.6:443", "3.4.5.6"),
    ] {
        assert_eq!(values(text, Kind::Ipv4), [ip], "{text}");
    }
}

#[test]
fn code_tickers_and_list_items_are_not_domains() {
    for text in [
        "self.data = []",
        "new URLSearchParams(location.search)",
        "from werkzeug.security import x",
        "import java.io.*;",
        "connection=%fd.name",
        "p->tss.es = 0",
        "zip.id[number]",
        "台积电 (TSM.US) 的帮助",
        "3.IBM WebSphere",
        "17.android经典漏洞",
        "通过 Session.run 的函数",
        "联系方式：xiawei.bj@ccbft.com",
    ] {
        let got = values(text, Kind::Domain);
        assert!(got.iter().all(|d| d == "ccbft.com"), "{text}: {got:?}");
    }
    assert!(values("账号A：33*493@qq.com", Kind::Email).is_empty());
    for (text, d) in [
        ("推特 x.com 上", "x.com"),
        ("访问 Baidu.com 即可", "baidu.com"),
        ("短链 t.co/abc", "t.co"),
        ("CS.MONEY 平台", "cs.money"),
    ] {
        assert_eq!(values(text, Kind::Domain), [d], "{text}");
    }
}

#[test]
fn never_panics_on_any_cut_of_mixed_text() {
    // Every char-boundary window of text mixing CJK, defang markers and
    // indicator shapes: the context rules slice around matches.
    let text = "设置为host-only和版本1.2.3.4，固件 10.0.0.1、11.1.1.9版本 evil[.]com。\
                hxxp://a。com/x，见T1059.001与cve-2024-3094及fe80::1:2:3 a@b。com 置1.1.1.1置";
    let cuts: Vec<usize> = (0..=text.len())
        .filter(|&i| text.is_char_boundary(i))
        .collect();
    for &a in &cuts {
        for &b in cuts.iter().filter(|&&b| b >= a) {
            let piece = &text[a..b];
            for i in extract_all(piece) {
                assert!(piece.get(i.span.clone()).is_some(), "{piece}: {i:?}");
            }
        }
    }
}

#[test]
fn chinese_file_names_need_enclosing_marks() {
    for (text, name) in [
        ("| **文件名称** | 英语成绩单.exe | |", "英语成绩单.exe"),
        (
            "解压出一个名为“违规远程控制软件人员名单.docx.lnk”的文件",
            "违规远程控制软件人员名单.docx.lnk",
        ),
        (
            "标题为“20240739人员名单信息.zip”",
            "20240739人员名单信息.zip",
        ),
        ("《关于开展检查的通知.pdf》", "关于开展检查的通知.pdf"),
        ("| 财政补贴7.22.docx | Word |", "财政补贴7.22.docx"),
        (
            "| *企业员工春节返乡补贴申领通知.docx | Word |",
            "企业员工春节返乡补贴申领通知.docx",
        ),
        (
            "| 2024综合补贴文件申领t通知！.docx | encrypted |",
            "2024综合补贴文件申领t通知！.docx",
        ),
        (
            "附件名：综合津贴官方预约申领通知.xlsx\nMD5",
            "综合津贴官方预约申领通知.xlsx",
        ),
        (
            "文件名如“종신안내장V02_곽성환D.pdf.lnk”，",
            "종신안내장V02_곽성환D.pdf.lnk",
        ),
    ] {
        assert_eq!(values(text, Kind::File), [name], "{text}");
    }
    // No enclosing evidence: only the ASCII name, never the sentence.
    assert_eq!(
        values("攻击者通过将DLL注入svchost.exe，构建", Kind::File),
        ["svchost.exe"]
    );
    assert!(values("详见附件.docx和说明", Kind::File).is_empty());
    for (text, name) in [
        (
            "Remoting 库（通常为agent.jar或remoting.jar）实现",
            "remoting.jar",
        ),
        ("  加载驱动程序TPacket7.sys  ", "TPacket7.sys"),
    ] {
        assert!(
            values(text, Kind::File).contains(&name.to_string()),
            "{text}: {:?}",
            extract(text)
        );
        assert!(
            values(text, Kind::File).iter().all(|v| v.is_ascii()),
            "{text}: {:?}",
            extract(text)
        );
    }
    assert!(values("**2.PDF文档** 与 6.LNK文件", Kind::File).is_empty());
}

#[test]
fn prose_forms_of_ids_mail_and_address_lists() {
    assert!(has(
        "漏洞 CVE 2017-11882 被利用",
        Kind::Cve,
        "CVE-2017-11882"
    ));
    assert!(has(
        "漏洞CVE－2017－11882被利用",
        Kind::Cve,
        "CVE-2017-11882"
    ));
    assert!(has(
        "邮箱 attacker＠evil.com 发信",
        Kind::Email,
        "attacker@evil.com"
    ));
    let both = values("C2地址为45.77.12.34及45.77.12.35", Kind::Ipv4);
    assert_eq!(both, ["45.77.12.34", "45.77.12.35"]);
    for joiner in ["到", "至", "、"] {
        let text = format!("回连 45.77.12.34{joiner}45.77.12.35");
        assert_eq!(values(&text, Kind::Ipv4).len(), 2, "{text}");
    }
    // A joiner followed by a version word is still a version range.
    assert!(values("影响 14.1.4.6到14.1.5.2版本", Kind::Ipv4).is_empty());
    assert!(values("1.0.2.60及以上版本受影响", Kind::Ipv4).is_empty());
    for dotnet in ["基于 Microsoft.NET 开发", "ASP.NET 应用", "VB.NET 代码"] {
        assert!(values(dotnet, Kind::Domain).is_empty(), "{dotnet}");
    }
    assert!(has("访问 example.net 页面", Kind::Domain, "example.net"));
}

#[test]
fn wrong_refangs_of_the_past_are_right() {
    assert!(has("见 foo[-]bar.com", Kind::Domain, "foo-bar.com"));
    assert!(!has("见 foo[-]bar.com", Kind::Domain, "bar.com"));
    assert!(has("见 [www].example.com", Kind::Domain, "www.example.com"));
    assert!(has(
        "见 http://example.com[/]path",
        Kind::Url,
        "http://example.com/path"
    ));
    assert!(values("fooATbar.com", Kind::Domain).is_empty());
    assert!(values("fooATbar.com", Kind::Email).is_empty());
    assert!(has(
        "联系 contact [at] evil.com",
        Kind::Email,
        "contact@evil.com"
    ));
}

#[test]
fn defang_rules_keep_to_indicators() {
    // Numbers in code and a bracketed label are not defanged values.
    assert!(values("uint32_t const k[4] = { 2,2,3,4 };", Kind::Ipv4).is_empty());
    assert_eq!(values(" 1,2,3,4 ", Kind::Ipv4), ["1.2.3.4"]);
    let mail = values("以zip.id[number].[hudsonL@cock.li].Devos命名", Kind::Email);
    assert_eq!(mail, ["hudsonl@cock.li"]);
    assert_eq!(
        values("DDoS 目标 2[.20.81.128", Kind::Ipv4),
        ["2.20.81.128"]
    );
}
