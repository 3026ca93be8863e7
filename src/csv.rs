//! CSV as accounts and producers open it: RFC 4180 (CRLF, quoted fields, doubled quotes) with a
//! UTF-8 byte-order mark, formula-looking text defused, file names from a production's title.

/// One field as RFC 4180 wants it: quoted when it holds a comma, quote, CR or LF, quotes doubled.
pub fn field(text: &str) -> String {
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// Free text typed by people: a leading `=`, `+`, `-` or `@` would make a spreadsheet run it as
/// a formula, so such text starts with an apostrophe (shown by no spreadsheet, kept by all).
pub fn text_field(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        field(&format!("'{text}"))
    } else {
        field(text)
    }
}

/// A new file: the byte-order mark (so spreadsheet software reads £ and € right) and the header.
pub fn start(header: &[&str]) -> String {
    let mut out = String::from("\u{feff}");
    push_row(
        &mut out,
        &header.iter().map(|h| field(h)).collect::<Vec<_>>(),
    );
    out
}

/// One row of fields already written with `field` or `text_field`, ended by CRLF.
pub fn push_row(out: &mut String, fields: &[String]) {
    out.push_str(&fields.join(","));
    out.push_str("\r\n");
}

/// A file name from the production's title and what the file holds:
/// `file_name("Night Swim", "ic-budget")` is `night-swim-ic-budget.csv`. ASCII letters, digits
/// and hyphens only, so a Content-Disposition header needs no quoting rules for it.
pub fn file_name(title: &str, what: &str) -> String {
    let mut slug = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        format!("{what}.csv")
    } else {
        format!("{slug}-{what}.csv")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_starts_with_a_bom_and_rows_end_with_crlf() {
        let mut out = start(&["a", "b, c"]);
        push_row(&mut out, &[text_field("=1"), field("x")]);
        assert_eq!(out, "\u{feff}a,\"b, c\"\r\n'=1,x\r\n");
    }

    #[test]
    fn file_names_name_what_the_file_holds() {
        assert_eq!(
            file_name("Night Swim", "footage-use"),
            "night-swim-footage-use.csv"
        );
        assert_eq!(file_name("夜", "footage-use"), "footage-use.csv");
    }
}
