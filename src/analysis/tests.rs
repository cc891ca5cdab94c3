// Unit tests, compiled only under #[cfg(test)] (see the `mod tests` line of mod.rs).

use super::links::*;
use super::normalize::*;
use super::segment::*;
use super::tokenizer::*;
use super::units::*;
use crate::error::Error;
use tantivy::tokenizer::{TokenStream, Tokenizer};

#[test]
fn punctuation_kept_as_is_is_what_the_general_path_gives() {
    for u in BLOCKS.iter().flat_map(|&(lo, hi)| lo..hi) {
        let Some(c) = char::from_u32(u) else { continue };
        if c.is_ascii() || matches!(u, 0x3000 | 0x0D) {
            continue;
        }
        let mut general = String::new();
        if nfkc_stable(c) {
            push_lowercase(c, &mut general);
        } else {
            use unicode_normalization::UnicodeNormalization;
            std::iter::once(c)
                .nfkc()
                .for_each(|d| push_lowercase(d, &mut general));
        }
        let mut fast = String::new();
        push_normalized(c, &mut fast);
        assert_eq!(fast, general, "U+{u:04X}");
        if kept_punctuation(c) {
            assert_eq!(general, c.to_string(), "U+{u:04X}");
        }
    }
    assert!(kept_punctuation('。') && kept_punctuation('“') && !kept_punctuation('…'));
}

#[test]
fn the_class_table_agrees_with_unicode_for_every_character() {
    for c in (0..=0x10_ffff).filter_map(char::from_u32) {
        let u = c as u32;
        let cjk = matches!(u, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
            | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0x20000..=0x323AF);
        let want = if cjk { Class::Cjk } else { class_of(c) };
        assert_eq!(class(c), want, "U+{u:04X}");
    }
    assert_eq!(class('，'), Class::Punct);
    assert_eq!(class('々'), Class::Word);
    assert_eq!(class('\u{3000}'), Class::Space);
}

#[test]
fn the_shipped_dictionary_loads() {
    assert!(build_jieba(None).is_ok());
}

#[test]
fn a_bad_user_dictionary_line_is_named_by_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("dict.txt");
    std::fs::write(&p, "勒索软件 100 n\n\n挖矿木马\r\n供应链 many n\n").unwrap();
    let e = UserDict::read(&p).unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, Error::UserDict { line: 4, .. }), "{e:?}");
    assert!(msg.contains(&format!("{}:4:", p.display())), "{msg}");
    assert!(msg.contains("'many'"), "{msg}");
    std::fs::write(&p, "勒索软件 100 n\n挖矿木马\n").unwrap();
    assert!(UserDict::read(&p).is_ok());
}

#[test]
fn a_missing_user_dictionary_is_an_error_with_its_cause() {
    let dir = tempfile::tempdir().unwrap();
    let e = UserDict::read(&dir.path().join("none.txt")).unwrap_err();
    assert!(matches!(e, Error::Io { .. }), "{e:?}");
    assert!(std::error::Error::source(&e).is_some());
}

fn units(s: &str) -> Vec<(usize, String)> {
    let mut v = Vec::new();
    recall_units(&normalize(s), |p, _, t, _, _| v.push((p, t.to_string())));
    v
}

fn u(v: &[(usize, &str)]) -> Vec<(usize, String)> {
    v.iter().map(|(p, t)| (*p, t.to_string())).collect()
}

#[test]
fn cjk_runs_become_bigrams_and_lone_chars_unigrams() {
    assert_eq!(
        units("勒索软件"),
        u(&[(0, "勒索"), (1, "索软"), (2, "软件")])
    );
    assert_eq!(units("洞"), u(&[(0, "洞")]));
    assert_eq!(units("a洞b"), u(&[(0, "a"), (1, "洞"), (2, "b")]));
}

#[test]
fn words_are_lowercased_whole_and_punctuation_kept() {
    assert_eq!(
        units("CVE-2024-3094"),
        u(&[(0, "cve"), (1, "-"), (2, "2024"), (3, "-"), (4, "3094")])
    );
    assert_eq!(units("APT29组织"), u(&[(0, "apt29"), (1, "组织")]));
}

#[test]
fn whitespace_and_newlines_are_tokens() {
    assert_eq!(units("a b"), u(&[(0, "a"), (1, " "), (2, "b")]));
    assert_eq!(units("勒索 软件"), u(&[(0, "勒索"), (1, " "), (2, "软件")]));
    assert_eq!(units("a\r\nb"), u(&[(0, "a"), (1, "\n"), (2, "b")]));
    assert_eq!(units("a \n\n b"), u(&[(0, "a"), (1, "\n"), (2, "b")]));
    assert_eq!(units("a  b"), u(&[(0, "a"), (1, "  "), (2, "b")]));
}

#[test]
fn common_cjk_characters_are_their_own_normal_form() {
    use unicode_normalization::UnicodeNormalization;
    let all = (0x3400..=0x4DBF)
        .chain(0x4E00..=0x9FFF)
        .chain(0xAC00..=0xD7A3);
    for c in all.filter_map(char::from_u32) {
        assert!(caseless_ideograph(c));
        assert!(c.to_lowercase().eq([c]), "{c}");
        assert!(std::iter::once(c).nfkc().eq([c]), "{c}");
    }
}

#[test]
fn compatibility_characters_fold_as_nfkc() {
    assert_eq!(normalize("关于今年HW的⼀些思考"), "关于今年hw的一些思考");
    assert_eq!(normalize("⽂件 ﬁle ①"), "文件 file 1");
    assert_eq!(normalize("Ⅻ ㈱"), "xii (株)");
    assert_eq!(normalize("勒索软件。"), "勒索软件。");
    let (norm, map) = normalize_with_map("a⼀b");
    assert_eq!(norm, "a一b");
    assert_eq!(map, vec![0, 1, 1, 1, 4, 5]);
}

#[test]
fn wechat_links_are_indexed_by_their_identity() {
    let url = "https://mp.weixin.qq.com/s?__biz=MzU3==&mid=22&idx=1&sn=07ed&chksm=fcdd&scene=58#rd";
    assert_eq!(
        link_index_form(url),
        "https://mp.weixin.qq.com/s?__biz=MzU3==&mid=22&idx=1"
    );
    let other = "https://github.com/a/b?x=1\nhttp://mp.weixin.qq.com/s?sn=1&chksm=2";
    assert_eq!(
        link_index_form(other),
        "https://github.com/a/b?x=1\nhttp://mp.weixin.qq.com/s"
    );
    assert!(matches!(
        link_index_form("https://e.org/x?chksm=1"),
        std::borrow::Cow::Borrowed(_)
    ));
}

#[test]
fn full_width_is_folded() {
    assert_eq!(normalize("ＣＶＥ－２０２４　Log4J"), "cve-2024 log4j");
}

#[test]
fn traditional_lines_become_simplified_and_simplified_stays() {
    assert_eq!(normalize("勒索軟體"), "勒索软件");
    assert_eq!(normalize("網絡攻擊"), "网络攻击");
    assert_eq!(normalize("显著\n著名"), "显著\n著名");
    // punctuation around a converted run stays as written
    assert_eq!(normalize("「aaronp」據郭明錤"), "「aaronp」据郭明𫓹");
    let (n, map) = normalize_with_map("甲\n資料庫外洩");
    assert_eq!(n, "甲\n数据库外泄");
    // highlights map back into the original line
    let at = n.find("外泄").unwrap();
    assert_eq!(map[at] as usize, "甲\n資料庫".len());
}

#[test]
fn shipped_traditional_list_matches_zhconv() {
    let mut want = String::new();
    for u in 0x3400u32..=0x9FFF {
        if let Some(c) = char::from_u32(u) {
            let s = c.to_string();
            if zhconv::zhconv(&s, zhconv::Variant::ZhHans) != s {
                want.push(c);
            }
        }
    }
    assert_eq!(HANT_CHARS.trim_end(), want);
}

#[test]
fn map_points_back_to_original() {
    let (n, map) = normalize_with_map("ＡB漏");
    assert_eq!(n, "ab漏");
    assert_eq!(map[0], 0);
    assert_eq!(map[1], 3);
    assert_eq!(map[2], 4);
    assert_eq!(*map.last().unwrap(), "ＡB漏".len() as u32);
}

#[test]
fn long_words_are_chunked() {
    let s = "a".repeat(MAX_WORD_BYTES * 2 + 5);
    let v = units(&s);
    assert_eq!(v.len(), 3);
    assert!(v.iter().all(|(_, t)| t.len() <= MAX_WORD_BYTES));
}

#[test]
fn query_units_mark_open_ends() {
    let q = query_units("log4j");
    assert_eq!(q.len(), 1);
    assert!(q[0].open_left && q[0].open_right);
    let q = query_units("全漏洞利");
    assert_eq!(q.len(), 3);
    assert!(q[0].open_left && !q[0].open_right);
    assert!(q[2].open_right && !q[2].open_left);
}

fn runs(s: &str) -> Vec<String> {
    let mut v = Vec::new();
    ident_runs(&normalize(s), |t, _, _| v.push(t.to_string()));
    v
}

#[test]
fn identifier_runs_are_whole_joined_words() {
    assert_eq!(
        runs("升级到 8.0.0，修复CVE-2023-5631（见 https://x.com/a?b=1）"),
        ["8.0.0", "cve-2023-5631", "https://x.com/a?b=1"]
    );
    assert_eq!(
        runs("联系 Security@Tencent.com 或 evil[.]com"),
        ["security@tencent.com", "evil[.]com"]
    );
    // no joiner, or one character: not a run (the recall word serves)
    assert!(runs("log4j2 漏洞 - a").is_empty());
    // a line break ends a run, as it ends a grep match
    assert_eq!(runs("a.b\nc.d"), ["a.b", "c.d"]);
}

#[test]
fn long_identifier_runs_are_overlapping_windows() {
    let run = format!("{}.{}", "a".repeat(1500), "b".repeat(1500));
    let w = runs(&run);
    assert!(
        w.len() > 2 && w.iter().all(|t| t.len() <= IDENT_WINDOW),
        "{}",
        w.len()
    );
    assert_eq!(w.last().map(|t| t.ends_with('b')), Some(true));
    // every string short enough for the ident path lies inside a window
    for at in (0..run.len() - MAX_IDENT_QUERY_BYTES).step_by(97) {
        let q = &run[at..at + MAX_IDENT_QUERY_BYTES];
        assert!(w.iter().any(|t| t.contains(q)), "at {at}");
    }
}

#[test]
fn only_strings_of_identifier_characters_with_a_joiner_use_runs() {
    for q in [
        "8.0.0",
        "cve-2023-5631",
        ".com",
        "a@b",
        "evil[.]com",
        "c:\\windows",
        " 1.2 ",
    ] {
        assert!(ident_query(&normalize(q)).is_some(), "{q}");
    }
    assert_eq!(ident_query(" 1.2 "), Some("1.2"));
    // a plain word, one character, a space, CJK or other punctuation:
    // the phrase path
    for q in ["log4j", ".", "-", "a b.c", "漏洞.com", "a,b", "a!b", ""] {
        assert!(ident_query(&normalize(q)).is_none(), "{q}");
    }
    assert!(ident_query(&"1.".repeat(MAX_IDENT_QUERY_BYTES)).is_none());
}

fn stream(t: &mut FieldTokenizer, text: &str) -> Vec<String> {
    let mut s = t.token_stream(text);
    let mut v = Vec::new();
    while s.advance() {
        v.push(s.token().text.clone());
    }
    v
}

#[test]
fn a_reused_tokenizer_streams_only_the_tokens_of_its_text() {
    let mut r = FieldTokenizer::recall();
    assert_eq!(
        stream(&mut r, "勒索软件 a"),
        vec!["勒索", "索软", "软件", " ", "a"]
    );
    assert_eq!(stream(&mut r, "b"), vec!["b"], "no slot of the longer text");
    let mut s = r.token_stream("挖矿");
    assert!(s.advance());
    assert_eq!((s.token().position, s.token().offset_to), (0, 6));
    assert!(!s.advance());
    let long = "x ".repeat(KEEP_TOKENS);
    assert_eq!(stream(&mut r, &long).len(), 2 * KEEP_TOKENS);
    assert_eq!(stream(&mut r, "c"), vec!["c"]);
    assert!(
        r.tokens.capacity() <= KEEP_TOKENS,
        "a long text's slots are released"
    );
}

#[test]
fn both_field_tokenizers_share_one_normalization_per_text() {
    let (mut r, mut w) = (FieldTokenizer::recall(), FieldTokenizer::words());
    assert_eq!(stream(&mut r, "ＬＯＧ4J漏洞"), vec!["log4j", "漏洞"]);
    assert_eq!(stream(&mut w, "ＬＯＧ4J漏洞"), vec!["log4j", "漏洞"]);
    // a different text is normalized afresh, not served from the cache
    assert_eq!(stream(&mut w, "勒索軟體"), vec!["勒索软件"]);
    assert_eq!(stream(&mut r, "ab"), vec!["ab"]);
}

#[test]
fn ranking_words_use_jieba_and_drop_punctuation() {
    let mut v = Vec::new();
    ranking_words(
        &normalize("勒索软件攻击医院，Log4j2！"),
        |w, _, _| v.push(w.to_string()),
    );
    assert!(v.contains(&"勒索软件".to_string()), "{v:?}");
    assert!(v.contains(&"医院".to_string()), "{v:?}");
    assert!(v.contains(&"log4j2".to_string()), "{v:?}");
    assert!(!v.iter().any(|w| w == "，" || w == "！"));
}
