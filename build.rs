// The migrations are embedded with `sqlx::migrate!()`; a new file in migrations/ must rebuild
// the crate, which cargo does not know on its own.
//
// The message files are embedded too: every folder in locales/ is a language, and every `.ftl`
// file in it is part of that language. The list is written here so that adding a language is
// adding a folder, with no list in the code to edit.
use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=locales");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    let mut languages: Vec<_> = std::fs::read_dir(&root)
        .expect("locales/ holds one folder per language")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_dir())
        .collect();
    languages.sort();
    let mut out = String::from("pub(super) static LANGUAGES: &[(&str, &[(&str, &str)])] = &[\n");
    for language in languages {
        let code = language.file_name().unwrap().to_string_lossy().into_owned();
        let mut files: Vec<_> = std::fs::read_dir(&language)
            .unwrap()
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "ftl"))
            .collect();
        files.sort();
        writeln!(out, "    ({code:?}, &[").unwrap();
        for file in files {
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            writeln!(
                out,
                "        ({name:?}, include_str!({:?})),",
                file.display()
            )
            .unwrap();
        }
        out.push_str("    ]),\n");
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("locales.rs");
    std::fs::write(dest, out).unwrap();
}
