//! Helpers for the language tests: a client whose browser asks for a language, the message keys
//! the code and templates use, and the English words a page in another language must not show.

use std::collections::BTreeSet;
use std::path::Path;

use closedset::i18n::Lang;

use super::{Client, PASSWORD, TestApp};

/// A client whose browser sends `Accept-Language: header` (none when `None`), signed in as
/// `email` when given.
pub async fn client_asking(app: &TestApp, header: Option<&str>, email: Option<&str>) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(header) = header {
        headers.insert("accept-language", header.parse().unwrap());
    }
    let mut client = app.client();
    client.http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap();
    if let Some(email) = email {
        let page = client.sign_in(email, PASSWORD).await;
        assert_eq!(
            page.status,
            reqwest::StatusCode::SEE_OTHER,
            "{email} signs in"
        );
    }
    client
}

/// The `lang` of a page's `<html>`.
pub fn html_lang(body: &str) -> &str {
    let start = body
        .find("<html lang=\"")
        .expect("an html element with lang")
        + 12;
    let end = body[start..].find('"').unwrap() + start;
    &body[start..end]
}

/// Message keys the code and templates name, and the families they look up by item
/// (`t_of("role", …)` uses every `role-…`). The call forms are those of `closedset::i18n`:
/// `.t("k")`, `.t1("k"`, `.t2("k"`, `.t3("k"`, `.tn("k"`, `.t_of("family"`, `Key("k")`, and
/// `keyed_page(status, "k")`, which uses `k` and `k-title`. Tests at the foot of a Rust file
/// (after `#[cfg(test)]`) and comments are not code that shows a page.
pub fn used_keys() -> (BTreeSet<String>, BTreeSet<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    collect(&root.join("src"), "rs", &mut files);
    collect(&root.join("templates"), "html", &mut files);
    let mut keys = BTreeSet::new();
    let mut families = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let text = if file.extension().is_some_and(|e| e == "rs") {
            let code = text.split("#[cfg(test)]").next().unwrap_or("");
            code.lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n")
        } else {
            text
        };
        for (call, after_dot) in [
            ("t(", true),
            ("t1(", true),
            ("t2(", true),
            ("t3(", true),
            ("tn(", true),
            ("Key(", false),
        ] {
            keys.extend(literal_arguments(&text, call, after_dot));
        }
        families.extend(literal_arguments(&text, "t_of(", true));
        for at in text.match_indices("keyed_page(").map(|(i, _)| i) {
            let rest = &text[at..];
            let call = &rest[..rest.find(')').unwrap_or(rest.len())];
            if let Some(key) = call.split('"').nth(1) {
                keys.insert(key.to_string());
                keys.insert(format!("{key}-title"));
            }
        }
    }
    (keys, families)
}

fn collect(dir: &Path, ext: &str, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// The string literal each `call` in `text` starts with (`call` preceded by a dot when
/// `after_dot`, else by no identifier character).
fn literal_arguments(text: &str, call: &str, after_dot: bool) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices(call) {
        let before = text[..at].chars().next_back();
        let fits = if after_dot {
            before == Some('.')
        } else {
            !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
        };
        if !fits {
            continue;
        }
        let rest = text[at + call.len()..].trim_start();
        if let Some(rest) = rest.strip_prefix('"')
            && let Some(end) = rest.find('"')
        {
            out.push(rest[..end].to_string());
        }
    }
    out
}

/// The keys a language's files define.
pub fn defined_keys(lang: Lang) -> BTreeSet<String> {
    lang.sources()
        .iter()
        .flat_map(|(_, text)| text.lines())
        .filter_map(|line| {
            let (id, _) = line.split_once('=')?;
            let id = id.trim_end();
            let first = id.chars().next()?;
            (first.is_ascii_alphabetic()
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .then(|| id.to_string())
        })
        .collect()
}

/// The English words a page in `lang` must not show: the text of every English message (cut at
/// its placeholders) that `lang` words differently. A piece that is also in one of `lang`'s own
/// messages ("Production", "Menu", a name like "SAG-AFTRA") is no sign of English, and the
/// languages' own names are shown in the list to choose from.
pub fn english_words(lang: Lang) -> Vec<String> {
    let en = Lang::source();
    let theirs: Vec<String> = defined_keys(lang).iter().map(|k| lang.t(k)).collect();
    let mut words = BTreeSet::new();
    for key in defined_keys(en) {
        if key == "language-name" || en.t(&key) == lang.t(&key) {
            continue;
        }
        for piece in placeholder_free_pieces(&en.t(&key)) {
            let piece = piece
                .trim()
                .trim_matches(|c: char| ",.:;()".contains(c))
                .trim();
            let letters = piece.chars().filter(|c| c.is_alphabetic()).count();
            if letters >= 2 && !theirs.iter().any(|t| t.contains(piece)) {
                words.insert(piece.to_string());
            }
        }
    }
    words.into_iter().collect()
}

/// A message's text as formatted without its values: `{$name}` marks where each would go.
fn placeholder_free_pieces(text: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{$") {
        pieces.push(&rest[..start]);
        rest = rest[start..]
            .find('}')
            .map_or("", |end| &rest[start + end + 1..]);
    }
    pieces.push(rest);
    pieces
}

/// What a person reads on a page: its text and the labels of its controls, unescaped. An
/// element marked `translate="no"` (proper names such as the IANA zone list) is left out, as it
/// is by a browser's translator.
pub fn readable_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        out.push('\n');
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = &rest[open..open + close + 1];
        if tag.contains(" translate=\"no\"") {
            let name: String = tag[1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            let end = format!("</{name}>");
            match rest[open..].find(&end) {
                Some(at) => {
                    rest = &rest[open + at + end.len()..];
                    continue;
                }
                None => break,
            }
        }
        for attribute in ["aria-label=\"", "data-label=\"", "title=\"", "alt=\""] {
            if let Some(at) = tag.find(attribute) {
                let value = &tag[at + attribute.len()..];
                out.push_str(&value[..value.find('"').unwrap_or(value.len())]);
                out.push('\n');
            }
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    super::crawl::unescape(&out)
}

/// The English words of `words` that `text` shows as whole words.
pub fn english_in<'a>(text: &str, words: &'a [String]) -> Vec<&'a str> {
    words
        .iter()
        .filter(|word| {
            text.match_indices(word.as_str()).any(|(at, _)| {
                let before = text[..at].chars().next_back();
                let after = text[at + word.len()..].chars().next();
                !before.is_some_and(char::is_alphanumeric)
                    && !after.is_some_and(char::is_alphanumeric)
            })
        })
        .map(String::as_str)
        .collect()
}

/// Everyday English words that no Spanish or French sentence uses: a page in those languages
/// that shows one still has a phrase written into the code, even one no message file holds.
/// (Words the languages share, such as "Production", "Date", "Notes", "Total", "Budget" or
/// "Page", are left out.)
pub const ENGLISH_GIVEAWAYS: &[&str] = &[
    "the",
    "your",
    "you",
    "and",
    "with",
    "this",
    "that",
    "for",
    "not",
    "are",
    "has",
    "have",
    "will",
    "from",
    "who",
    "what",
    "when",
    "which",
    "been",
    "there",
    "their",
    "only",
    "yet",
    "each",
    "any",
    "before",
    "after",
    "is",
    "of",
    "to",
    "at",
    "by",
    "it",
    "was",
    "be",
    "sign",
    "signed",
    "withdraw",
    "withdrawn",
    "scene",
    "scenes",
    "rider",
    "riders",
    "consent",
    "save",
    "edit",
    "add",
    "delete",
    "cancel",
    "back",
    "day",
    "days",
    "shoot",
    "call",
    "sheet",
    "performer",
    "performers",
    "coordinator",
    "director",
    "producer",
    "yes",
    "none",
    "open",
    "send",
    "show",
    "hide",
    "new",
    "read",
    "unread",
    "week",
    "today",
    "tomorrow",
];

/// The giveaway words `text` shows as whole words, ignoring case.
pub fn giveaways_in(text: &str) -> Vec<&'static str> {
    let words: BTreeSet<String> = text
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .map(str::to_lowercase)
        .collect();
    ENGLISH_GIVEAWAYS
        .iter()
        .copied()
        .filter(|w| words.contains(*w))
        .collect()
}

/// Everything English a page in `lang` (not English) shows, outside what people typed: the
/// text of any English message, and any giveaway word. `html` is the whole page.
pub fn english_left(lang: Lang, html: &str) -> Vec<String> {
    let text = readable_text(html);
    let words = english_words(lang);
    let mut found: Vec<String> = english_in(&text, &words)
        .into_iter()
        .map(str::to_string)
        .collect();
    found.extend(
        giveaways_in(&text)
            .into_iter()
            .map(|w| format!("word “{w}”")),
    );
    found
}
