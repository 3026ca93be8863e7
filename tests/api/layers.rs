//! The floor plan holds: reads `src/` and fails, naming file and line, on any `crate::` path that
//! points to a higher layer than the file's own, or that closes a circle between modules. The
//! layers are the `//! layer:` lines at the top of `src/lib.rs`, lowest first.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One `crate::` path in a source file: where it is and the top-level module it names.
#[derive(Debug)]
struct Import {
    file: String,
    line: usize,
    target: String,
}

/// Module name -> layer number, from the `//! layer: a b c` lines of `src/lib.rs`.
fn layers(lib: &str) -> BTreeMap<String, usize> {
    lib.lines()
        .filter_map(|l| l.trim().strip_prefix("//! layer:"))
        .enumerate()
        .flat_map(|(rank, names)| {
            names
                .split_whitespace()
                .map(move |name| (name.to_string(), rank))
        })
        .collect()
}

/// The top-level module a file belongs to: `src/consent/riders.rs` is in `consent`,
/// `src/clock.rs` is `clock`; `lib.rs` and `main.rs` are the roof and belong to none.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).ok()?;
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "lib" && name != "main").then(|| name.to_string())
}

/// The code of a line without its `//` comment (string contents are kept: a path in a string
/// is rare, and reporting it errs on the side of a look).
fn code(line: &str) -> &str {
    match line.find("//") {
        Some(at) => &line[..at],
        None => line,
    }
}

/// Every top-level module named after `crate::` in the text, with the line it starts on.
/// `use crate::{a::X, b}` names `a` and `b`, across lines.
fn imports(file: &str, text: &str) -> Vec<Import> {
    let lines: Vec<&str> = text.lines().map(code).collect();
    let joined = lines.join("\n");
    let line_of = |offset: usize| joined[..offset].matches('\n').count() + 1;
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = joined[from..].find("crate::") {
        let start = from + found;
        from = start + "crate::".len();
        // `closedset::crate::` never happens; a preceding identifier character means another
        // word ending in "crate" (`$crate::` in a macro names this crate too).
        let before = joined[..start].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &joined[from..];
        if let Some(group) = rest.strip_prefix('{') {
            // A group: each top-level item's first segment.
            let mut depth = 0;
            let mut item_start = 0;
            let mut end = group.len();
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        end = i;
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        push_first_segment(&mut out, file, &group[item_start..i], |lead| {
                            line_of(from + 1 + item_start + lead)
                        });
                        item_start = i + 1;
                    }
                    _ => {}
                }
            }
            push_first_segment(&mut out, file, &group[item_start..end], |lead| {
                line_of(from + 1 + item_start + lead)
            });
        } else {
            push_first_segment(&mut out, file, rest, |_| line_of(start));
        }
    }
    out
}

fn push_first_segment(
    out: &mut Vec<Import>,
    file: &str,
    item: &str,
    line: impl FnOnce(usize) -> usize,
) {
    let lead = item.len() - item.trim_start().len();
    let item = item.trim_start();
    let name: String = item
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if !name.is_empty() && name != "self" {
        out.push(Import {
            file: file.to_string(),
            line: line(lead),
            target: name,
        });
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// What breaks the floor plan in `src`, one line each; empty when it holds.
fn breaches(src: &Path) -> Vec<String> {
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let layer = layers(&lib);
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut problems = Vec::new();
    // Module -> modules it uses, with one place each use is made, for the circle check.
    let mut edges: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for path in &files {
        let Some(module) = module_of(src, path) else {
            continue;
        };
        let shown = path.strip_prefix(src.parent().unwrap()).unwrap().display();
        let Some(&own) = layer.get(&module) else {
            problems.push(format!(
                "{shown}: module `{module}` is on no `//! layer:` line of src/lib.rs"
            ));
            continue;
        };
        let text = std::fs::read_to_string(path).unwrap();
        for import in imports(&shown.to_string(), &text) {
            let at = format!("{}:{}", import.file, import.line);
            if import.target == module {
                continue;
            }
            match layer.get(&import.target) {
                None => problems.push(format!(
                    "{at}: `crate::{}` names something of src/lib.rs, the roof; name the module \
                     that defines it",
                    import.target
                )),
                Some(&theirs) if theirs > own => problems.push(format!(
                    "{at}: `{module}` (layer {own}) uses `{}` (layer {theirs}), a higher layer",
                    import.target
                )),
                Some(_) => {
                    edges
                        .entry(module.clone())
                        .or_default()
                        .entry(import.target.clone())
                        .or_insert(at);
                }
            }
        }
    }
    problems.dedup();
    problems.extend(circles(&edges));
    problems
}

/// Circles among modules of one layer (imports between layers only go down, so they cannot
/// close one): each circle once, with where each step of it is taken.
fn circles(edges: &BTreeMap<String, BTreeMap<String, String>>) -> Vec<String> {
    let mut found = BTreeSet::new();
    let mut out = Vec::new();
    for start in edges.keys() {
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        while let Some((at, path)) = stack.pop() {
            for next in edges.get(&at).map(|e| e.keys()).into_iter().flatten() {
                if next == start {
                    let mut key = path.clone();
                    key.sort();
                    if found.insert(key) {
                        let steps: Vec<String> = path
                            .iter()
                            .zip(path.iter().skip(1).chain([start]))
                            .map(|(a, b)| format!("{a} -> {b} at {}", edges[a][b]))
                            .collect();
                        out.push(format!("circle: {}", steps.join("; ")));
                    }
                } else if !path.contains(next) {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    out
}

#[test]
fn nothing_in_src_imports_upward_or_in_a_circle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let problems = breaches(&src);
    assert!(
        problems.is_empty(),
        "the floor plan of src/lib.rs is broken:\n{}",
        problems.join("\n")
    );
}

/// The check itself: a tree with an upward import, one to the roof and a circle within a
/// layer is caught, each named with its file and line; the same tree without them passes.
#[test]
fn the_layer_check_names_an_upward_import_and_a_circle() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(src.join("high")).unwrap();
    let write = |name: &str, text: &str| std::fs::write(src.join(name), text).unwrap();
    write(
        "lib.rs",
        "//! layer: low\n//! layer: left right\n//! layer: high\npub mod low;\n",
    );
    write(
        "high/mod.rs",
        "use crate::low::Thing;\nuse crate::left::X;\n",
    );
    write("left.rs", "use crate::low::Thing;\n");
    write("right.rs", "pub fn r() {}\n");
    write(
        "low.rs",
        "// use crate::high::Y; (a comment)\npub struct Thing;\n",
    );
    assert_eq!(breaches(&src), Vec::<String>::new());

    write(
        "low.rs",
        "pub struct Thing;\nfn f() -> crate::high::Y {\n    todo!()\n}\n",
    );
    write("left.rs", "use crate::{low::Thing,\n    right::r};\n");
    write("right.rs", "use crate::left::L;\nuse crate::AppState;\n");
    let problems = breaches(&src);
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("src/low.rs:2: `low` (layer 0) uses `high` (layer 2)")),
        "{problems:#?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("src/right.rs:2: `crate::AppState` names something")),
        "{problems:#?}"
    );
    assert!(
        problems.iter().any(|p| p
            == "circle: left -> right at src/left.rs:2; right -> left at src/right.rs:1"),
        "{problems:#?}"
    );
    assert_eq!(problems.len(), 3, "{problems:#?}");
}
