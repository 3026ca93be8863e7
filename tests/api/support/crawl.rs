//! What a crawler needs to find its way round the app: every route the source declares, and
//! the links and forms of a page, read with a small HTML scan (our templates write every
//! attribute in double quotes).

use std::path::Path;

/// Every path pattern given to `.route(` or `.route_service(` anywhere in `src/`, read from the
/// source itself so a new route cannot be missed by a list kept by hand. (`/static` is the one
/// nested service; the fuzz test tries it by hand.)
pub fn route_patterns() -> Vec<String> {
    let mut patterns = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                let mut rest = text.as_str();
                while let Some(at) = rest.find(".route") {
                    rest = &rest[at + ".route".len()..];
                    let Some(after) = ["(", "_service("].iter().find_map(|o| rest.strip_prefix(o))
                    else {
                        continue;
                    };
                    rest = after;
                    let literal = rest.trim_start();
                    let pattern = literal
                        .strip_prefix('"')
                        .and_then(|l| l.split_once('"'))
                        .map(|(p, _)| p.to_string())
                        .unwrap_or_else(|| {
                            panic!("a route whose path is not a literal in {path:?}")
                        });
                    patterns.push(pattern);
                }
            }
        }
    }
    patterns.sort();
    patterns.dedup();
    patterns
}

/// The route pattern a path (without its query) falls under: the one with most literal
/// segments among those that fit, as the router prefers `/scenes/new` to `/scenes/{id}`.
pub fn pattern_of<'a>(path: &str, patterns: &'a [String]) -> Option<&'a str> {
    let segments: Vec<&str> = path.split('/').collect();
    patterns
        .iter()
        .filter(|pattern| {
            let parts: Vec<&str> = pattern.split('/').collect();
            parts.len() == segments.len()
                && parts.iter().zip(&segments).all(|(p, s)| {
                    (p.starts_with('{') && p.ends_with('}') && !s.is_empty()) || p == s
                })
        })
        .max_by_key(|pattern| pattern.split('/').filter(|p| !p.starts_with('{')).count())
        .map(String::as_str)
}

/// A form as a browser would send it untouched.
#[derive(Clone, Debug)]
pub struct Form {
    pub method: String,
    pub action: String,
    /// What is sent as the page stands: checked boxes only, each select's chosen option.
    pub fields: Vec<(String, String)>,
    /// Every named control, sent or not (an unchecked box too), each once.
    pub names: Vec<String>,
}

/// A tag's attributes: `name="value"` pairs and bare words (`checked`).
fn attributes(tag: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let inner = tag.trim_start_matches('<');
    let inner = inner.split_once(char::is_whitespace).map_or("", |(_, a)| a);
    let mut chars = inner
        .trim_end_matches('>')
        .trim_end_matches('/')
        .chars()
        .peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let name: String =
            std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace() && *c != '=')).collect();
        if name.is_empty() {
            break;
        }
        let value = if chars.next_if_eq(&'=').is_some() {
            let quote = chars.next_if(|c| *c == '"' || *c == '\'');
            let value: String = match quote {
                Some(q) => std::iter::from_fn(|| chars.next().filter(|c| *c != q)).collect(),
                None => std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace())).collect(),
            };
            Some(unescape(&value))
        } else {
            None
        };
        out.push((name.to_ascii_lowercase(), value));
    }
    out
}

fn attr(tag: &str, name: &str) -> Option<String> {
    attributes(tag)
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.unwrap_or_default())
}

fn has(tag: &str, name: &str) -> bool {
    attributes(tag).iter().any(|(n, _)| n == name)
}

/// The entities askama writes.
pub fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Each `<tag …>` opening tag of these names in `html`, with where its text ends.
fn tags<'a>(html: &'a str, names: &[&str]) -> Vec<(usize, &'a str)> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = lower[at..].find('<') {
        let start = at + i;
        let Some(len) = html[start..].find('>') else {
            break;
        };
        let tag = &html[start..start + len + 1];
        let name: String = lower[start + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if names.contains(&name.as_str()) {
            out.push((start + len + 1, tag));
        }
        at = start + 1;
    }
    out
}

/// Same-site links of a page, as absolute paths with their query.
pub fn links(html: &str) -> Vec<String> {
    tags(html, &["a"])
        .into_iter()
        .filter_map(|(_, tag)| attr(tag, "href"))
        .filter(|href| href.starts_with('/') && !href.starts_with("//"))
        .map(|href| href.split('#').next().unwrap_or_default().to_string())
        .collect()
}

/// The forms of a page found at `page_path`.
pub fn forms(html: &str, page_path: &str) -> Vec<Form> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    for (open_end, tag) in tags(html, &["form"]) {
        let close = lower[open_end..]
            .find("</form")
            .map_or(html.len(), |i| open_end + i);
        let inner = &html[open_end..close];
        let mut form = Form {
            method: attr(tag, "method")
                .unwrap_or_else(|| "get".into())
                .to_ascii_uppercase(),
            action: attr(tag, "action").unwrap_or_else(|| page_path.to_string()),
            fields: Vec::new(),
            names: Vec::new(),
        };
        let inner_lower = inner.to_ascii_lowercase();
        for (end, control) in tags(inner, &["input", "textarea", "select"]) {
            let Some(name) = attr(control, "name") else {
                continue;
            };
            if has(control, "disabled") {
                continue;
            }
            if !form.names.contains(&name) {
                form.names.push(name.clone());
            }
            let kind = control[1..].split_whitespace().next().unwrap_or("");
            let value = match kind.to_ascii_lowercase().as_str() {
                "textarea" => {
                    let stop = inner_lower[end..]
                        .find("</textarea")
                        .map_or(end, |i| end + i);
                    Some(unescape(&inner[end..stop]))
                }
                "select" => {
                    let stop = inner_lower[end..].find("</select").map_or(end, |i| end + i);
                    let options = tags(&inner[end..stop], &["option"]);
                    let chosen = options
                        .iter()
                        .find(|(_, o)| has(o, "selected"))
                        .or(options.first());
                    chosen.map(|(o_end, o)| {
                        attr(o, "value").unwrap_or_else(|| {
                            let text = &inner[end + o_end..stop];
                            unescape(text.split('<').next().unwrap_or("").trim())
                        })
                    })
                }
                _ => match attr(control, "type").unwrap_or_default().as_str() {
                    "checkbox" | "radio" if !has(control, "checked") => None,
                    "checkbox" | "radio" => Some(attr(control, "value").unwrap_or("on".into())),
                    "submit" | "button" | "reset" | "image" => None,
                    _ => Some(attr(control, "value").unwrap_or_default()),
                },
            };
            if let Some(value) = value {
                form.fields.push((name, value));
            }
        }
        out.push(form);
    }
    out
}

/// `application/x-www-form-urlencoded`, as a browser encodes a form.
pub fn encode(fields: &[(String, String)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", super::urlencode(k), super::urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[test]
fn the_scan_reads_our_forms_as_a_browser_would() {
    let html = r#"<form method="post" action="/a/1?x=1&amp;y=2">
        <input type="hidden" name="csrf" value="t&amp;k">
        <input type="checkbox" name="kinds" value="kiss" checked>
        <input type="checkbox" name="kinds" value="nudity">
        <input type="checkbox" name="locked" value="yes" checked disabled>
        <select id="s" name="phase"><option value="a">A</option><option value="b" selected>B</option></select>
        <select name="bare"><option>First one</option></select>
        <textarea id="n" name="notes" rows="3">line &lt;1&gt;</textarea>
        <button type="submit">Save</button></form><a href="/b?c=1#top">b</a>"#;
    let forms = forms(html, "/here");
    assert_eq!(forms.len(), 1);
    assert_eq!(forms[0].method, "POST");
    assert_eq!(forms[0].action, "/a/1?x=1&y=2");
    let fields: Vec<(&str, &str)> = forms[0]
        .fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("csrf", "t&k"),
            ("kinds", "kiss"),
            ("phase", "b"),
            ("bare", "First one"),
            ("notes", "line <1>")
        ]
    );
    assert_eq!(forms[0].names, ["csrf", "kinds", "phase", "bare", "notes"]);
    assert_eq!(links(html), ["/b?c=1"]);
    let declared = route_patterns();
    for route in [
        "/",
        "/signin",
        "/productions/{production_id}/scenes/{scene_id}",
    ] {
        assert!(
            declared.iter().any(|r| r == route),
            "{route} is read from src/"
        );
    }
    let patterns = vec!["/s/{id}".to_string(), "/s/new".to_string()];
    assert_eq!(pattern_of("/s/new", &patterns), Some("/s/new"));
    assert_eq!(pattern_of("/s/7", &patterns), Some("/s/{id}"));
    assert_eq!(pattern_of("/s/7/x", &patterns), None);
}
