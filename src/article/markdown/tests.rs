// Unit tests, compiled only under #[cfg(test)] (see the `mod tests` line of mod.rs).

use super::syntax::*;
use super::*;

#[test]
fn layout_tags_file_drives_tag_stripping() {
    let inline = ["a", "b", "span", "strong", "wbr"];
    let block = ["br", "td", "section", "figcaption", "h6", "ul"];
    assert!(LAYOUT_TAGS.len() >= 60, "only {} tags", LAYOUT_TAGS.len());
    for (name, leaves) in LAYOUT_TAGS.iter() {
        // The tag reader looks at names of at most 10 alphanumerics.
        assert!(name.len() <= 10, "{name:?}");
        assert!(name.iter().all(u8::is_ascii_alphanumeric), "{name:?}");
        let name = std::str::from_utf8(name).unwrap();
        let html = format!("x<{name} class=\"k\">y</{}>z", name.to_uppercase());
        let want = if leaves.is_empty() { "xyz" } else { "x y z" };
        assert_eq!(clean_body(&html), want, "{name}");
    }
    for name in inline {
        assert_eq!(tag_replacement(name.as_bytes()), Some(""), "{name}");
    }
    for name in block {
        assert_eq!(tag_replacement(name.as_bytes()), Some(" "), "{name}");
    }
    for name in ["script", "img", "iframe", "svg", "style", "inline", "block"] {
        assert_eq!(tag_replacement(name.as_bytes()), None, "{name}");
    }
}

#[test]
fn images_removed_entirely() {
    assert_eq!(
        clean_body("前![cover_image](https://i.example/a.png)后"),
        "前后"
    );
    assert_eq!(clean_body("a ![图片](x.png \"t\") b"), "a  b");
    assert_eq!(clean_body("![alt][ref] 文"), " 文");
    assert_eq!(
        clean_body("x\n\n![](https://i/x.png)\n\n![]()\n\n\n\ny"),
        "x\n\ny"
    );
    // Cut off by a truncated file: literal text, as a reader sees it.
    assert_eq!(
        clean_body("文字 ![作者头像](http://mmbiz.example/abc"),
        "文字 ![作者头像](http://mmbiz.example/abc"
    );
    assert_eq!(
        clean_body("* [![Some long alt te..."),
        "* [![Some long alt te..."
    );
    assert_eq!(
        clean_body("[![](https://i/a.png)](http://mp.example/s?sn=549e#we..."),
        "[](http://mp.example/s?sn=549e#we..."
    );
    // A destination with blanks, as converters write it.
    assert_eq!(clean_body("[![logo](img/a b.png)](/) 名"), " 名");
    // Rust macros are not images.
    assert_eq!(clean_body("vec![1, 2] 和 vec![3]"), "vec![1, 2] 和 vec![3]");
}

#[test]
fn links_keep_their_text() {
    assert_eq!(
        clean_body("见[微信公众平台](https://mp.example/x)说明"),
        "见微信公众平台说明"
    );
    assert_eq!(clean_body("[a [nested] b](u) c"), "a [nested] b c");
    assert_eq!(clean_body("[link](<a b.html> \"title\")"), "link");
    assert_eq!(clean_body("[wiki](https://e.org/x_(y)) z"), "wiki z");
    assert_eq!(clean_body("[![](https://i/a.png)](https://t) 后"), " 后");
    assert_eq!(clean_body("[ref link][1] and [x][]"), "ref link and x");
    assert_eq!(clean_body("[1]: https://example.com/ref\n正文"), "正文");
    assert_eq!(clean_body("[^1]: 脚注保留"), "[^1]: 脚注保留");
    // No `](`: literal.
    assert_eq!(
        clean_body("数组 a[0] 与 [x] 和 [未闭合"),
        "数组 a[0] 与 [x] 和 [未闭合"
    );
    assert_eq!(clean_body("[text]\n(not a link)"), "[text]\n(not a link)");
}

#[test]
fn bare_urls_and_domains_stay() {
    for text in [
        "地址 https://a.example/x?y=1&z=2 结束",
        "地址：http://a.example/path项目地址",
        "(see https://a.example/x) ok",
        "visit www.example.com now",
        "HTTPS://UPPER.EXAMPLE/ done",
        "`curl https://a.example/x`",
        "```\nwget http://e.example/p.sh\n```",
        "回连 evil[.]com 与 hxxp://1.2.3[.]4:8080/a.php",
    ] {
        assert_eq!(clean_body(text), text);
    }
    assert_eq!(
        clean_body("自动链接 <https://a.example/x> 后"),
        "自动链接 https://a.example/x 后"
    );
    assert_eq!(
        clean_body("a https://e.example/x_y?a=1&amp;b=2 b"),
        "a https://e.example/x_y?a=1&b=2 b"
    );
}

#[test]
fn link_targets_are_collected_apart() {
    let (body, links) = clean_body_with_links(
        "见[GitHub](https://github.com/a/b \"t\")与[x](<c d.html>)，\
         <https://auto.example/p>\n[1]: http://ref.example/r\n![](https://img.example/i.png)\n\
         [wiki](https://e.org/x_(y)) [cut](https://cut.example/a",
    );
    assert_eq!(
        body,
        "见GitHub与x，https://auto.example/p\n\nwiki [cut](https://cut.example/a"
    );
    assert_eq!(
        links,
        [
            "https://github.com/a/b",
            "c d.html",
            "https://auto.example/p",
            "http://ref.example/r",
            "https://e.org/x_(y)",
        ]
    );
}

#[test]
fn escaped_words_are_kept_as_written() {
    let c = clean("见 https://e.example/d?notice\\_only\\_key=1 与 copy\\_to 和 `a\\_b`");
    assert_eq!(
        c.text,
        "见 https://e.example/d?notice_only_key=1 与 copy_to 和 `a\\_b`"
    );
    assert_eq!(
        c.escaped,
        ["https://e.example/d?notice\\_only\\_key=1", "copy\\_to"]
    );
}

#[test]
fn html_tags_stripped_entities_decoded() {
    let html = "<table><tr><td style=\"x\">甲</td><td>乙</td></tr></table>";
    assert_eq!(clean_body(html).trim(), "甲  乙");
    assert_eq!(clean_body("a<br/>b<br>c"), "a b c");
    assert_eq!(
        clean_body("<span style=\"color:red\">红</span>色</p>"),
        "红色"
    );
    assert_eq!(clean_body("前<!-- 注释 -->后"), "前后");
    assert_eq!(
        clean_body("前<!--\n多行\n注释\n-->后\n下一行"),
        "前\n后\n下一行"
    );
    assert_eq!(clean_body("<!-- 没有结尾"), "<!-- 没有结尾");
    assert_eq!(
        clean_body("&nbsp;A&amp;B &lt;tag&gt; &quot;q&quot; &#39;s&#39; &#x4e2d; &bogus; & x"),
        " A&B <tag> \"q\" 's' 中 &bogus; & x"
    );
}

#[test]
fn subject_tags_stay_as_text() {
    assert_eq!(clean_body("#include <stdio.h>"), "#include <stdio.h>");
    assert_eq!(
        clean_body("payload <script>alert(1)</script> 和 <img src=x onerror=alert(1)>"),
        "payload <script>alert(1)</script> 和 <img src=x onerror=alert(1)>"
    );
    assert_eq!(clean_body("List<String> a < b"), "List<String> a < b");
    assert_eq!(clean_body("`<br>` 与 `&amp;`"), "`<br>` 与 `&amp;`");
    assert_eq!(
        clean_body("```\n<td>&amp;</td>\n```"),
        "```\n<td>&amp;</td>\n```"
    );
}

#[test]
fn escapes_undone_outside_code() {
    assert_eq!(
        clean_body("copy\\_to\\_user \\*p \\[x\\](y)"),
        "copy_to_user *p [x](y)"
    );
    assert_eq!(clean_body("C:\\Windows\\path"), "C:\\Windows\\path");
    assert_eq!(clean_body("`a\\_b`"), "`a\\_b`");
}

#[test]
fn whitespace_normalised() {
    assert_eq!(clean_body("\n\n a  \n\n\n\n b\t\n\n"), " a\n\n b");
    assert_eq!(clean_body("x\n\u{200d}\n\n\u{200b}\ny"), "x\n\ny");
}

#[test]
/// Runs to the end on inputs that would make a backtracking cleaner
/// quadratic; how long it takes is `bench/pathological.sh`'s job.
fn pathological_inputs_finish() {
    let n = 200_000;
    for unit in [
        "[", "![", "`", "<!--", "<span ", "](", "[a](", "&#", "http://", "\\",
    ] {
        let s = unit.repeat(n / unit.len());
        assert!(clean_body(&s).len() <= s.len(), "{unit:?} grew");
    }
    let brackets = "[x](".repeat(50_000) + &")".repeat(50_000);
    assert!(clean_body(&brackets).len() <= brackets.len());
    let lines = "[\n".repeat(100_000);
    assert!(clean_body(&lines).len() <= lines.len());
}
