//! A rider as a structured document and its one plain-text form: the text is what is hashed and
//! signed, and the reading view is parsed back from that exact text, so nothing shown can differ.

/// A list with the sentence that introduces it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct List {
    pub lead: String,
    pub items: Vec<String>,
}

/// One block of a rider document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// The document's title, underlined with `=` in the text.
    Title(String),
    /// A section (one scene, the footage, your rights), underlined with `-`.
    Heading(String),
    /// One sentence or a few, on one line.
    Paragraph(String),
    /// A lead-in line, then one `- ` line per item.
    List(List),
}

/// A rider document: blocks in reading order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Document {
    pub blocks: Vec<Block>,
}

/// A value on one line: every run of whitespace (line breaks included) becomes one space, so
/// typed text can never start a block of its own.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn underline(text: &str, mark: char) -> String {
    std::iter::repeat_n(mark, text.chars().count().max(3)).collect()
}

fn is_underline(line: &str, mark: char) -> bool {
    line.len() >= 3 && line.chars().all(|c| c == mark)
}

impl Document {
    pub fn push(&mut self, block: Block) {
        self.blocks.push(block);
    }

    /// The canonical plain text: blocks separated by one blank line, `\n` line ends.
    pub fn text(&self) -> String {
        let mut groups = Vec::new();
        for block in &self.blocks {
            let group = match block {
                Block::Title(t) => format!("{t}\n{}", underline(t, '=')),
                Block::Heading(t) => format!("{t}\n{}", underline(t, '-')),
                Block::Paragraph(t) => t.clone(),
                Block::List(list) => {
                    let mut g = list.lead.clone();
                    for item in &list.items {
                        g.push_str("\n- ");
                        g.push_str(item);
                    }
                    g
                }
            };
            groups.push(group);
        }
        let mut text = groups.join("\n\n");
        text.push('\n');
        text
    }

    /// The document a text was rendered from, or `None` when the text is not in this form
    /// (riders delivered before it existed are plain text).
    pub fn parse(text: &str) -> Option<Document> {
        let body = text.strip_suffix('\n')?;
        let mut doc = Document::default();
        for group in body.split("\n\n") {
            let lines: Vec<&str> = group.split('\n').collect();
            let first = *lines.first()?;
            if first.trim().is_empty() || first.starts_with("- ") {
                return None;
            }
            let block = match lines.as_slice() {
                [only] => Block::Paragraph(only.to_string()),
                [t, u] if is_underline(u, '=') => Block::Title(t.to_string()),
                [t, u] if is_underline(u, '-') => Block::Heading(t.to_string()),
                [lead, items @ ..] => Block::List(List {
                    lead: lead.to_string(),
                    items: items
                        .iter()
                        .map(|l| l.strip_prefix("- ").map(str::to_string))
                        .collect::<Option<Vec<_>>>()?,
                }),
                [] => return None,
            };
            doc.push(block);
        }
        Some(doc)
    }
}

/// How a stored rider text reads on a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reading {
    /// A text in the document form, shown with headings and lists.
    Document(Document),
    /// Any other text (a rider delivered before the document form): shown as it is.
    Plain(String),
}

impl Reading {
    /// Whether the text is shown as it is, without the document's own headings.
    pub fn is_plain(&self) -> bool {
        matches!(self, Reading::Plain(_))
    }

    /// The reading view of exactly this text: structured only when the document renders back
    /// to the same bytes, so the view never shows anything the hash does not cover.
    pub fn of(text: &str) -> Reading {
        match Document::parse(text) {
            Some(doc) if doc.text() == text => Reading::Document(doc),
            _ => Reading::Plain(text.to_string()),
        }
    }
}
