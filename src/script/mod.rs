//! Screenplays read into scenes, with no database: Fountain (plain text) and Final Draft FDX
//! (XML), each scene's number, heading, length in eighths, synopsis, speaking characters and
//! text; and a later draft compared with the text stored from the last one (`compare`).

pub mod compare;
mod fdx;
mod fountain;
mod paging;

use serde::{Deserialize, Serialize};

/// The largest script file read. A 120-page FDX is 300–600 KB; four times that leaves room for
/// long scripts and revision marks while keeping a hostile upload cheap to refuse.
pub const MAX_SCRIPT_BYTES: usize = 2 * 1024 * 1024;
/// More scenes than any feature or episode has: past this a file is not a script.
const MAX_SCENES: usize = 2000;

/// One scene as the script writes it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptScene {
    /// The number printed beside the heading (`12A`); `None` in an unnumbered draft.
    pub number: Option<String>,
    /// Marked OMITTED: the number is kept, the scene is not shot.
    pub omitted: bool,
    /// `INT.`, `EXT.`, `INT./EXT.` as written; empty for an omitted scene.
    pub int_ext: String,
    /// The set, as written.
    pub set_name: String,
    /// `NIGHT`, `DAY`… as written (may be empty or unusual, `CONTINUOUS`).
    pub time_of_day: String,
    /// Length in eighths of a page, at least one for a scene that is not omitted.
    pub eighths: u32,
    /// The script's synopsis line, or the scene's first line of action.
    pub synopsis: String,
    /// Characters who speak, in capitals, in order of first line, without `(V.O.)` and the like.
    pub characters: Vec<String>,
    /// The scene's lines after the heading, one element a line, blank lines dropped: what the
    /// next draft is compared with.
    pub body: Vec<String>,
}

/// Why a file could not be read as a script; `Display` is the sentence shown beside the field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScriptError {
    #[error("Choose a script file: the one sent was empty.")]
    Empty,
    #[error(
        "This file is larger than 2 MB. A feature script is well under 1 MB: check that this is the script, not a PDF or a package of files."
    )]
    TooLarge,
    #[error(
        "This file is not text. Upload the script as Fountain (.fountain, .txt) or Final Draft (.fdx), not as PDF or a word-processor file."
    )]
    NotText,
    #[error(
        "This Final Draft file is damaged or cut short and could not be read ({0}). Export it again from Final Draft and upload the new file."
    )]
    BrokenXml(String),
    #[error(
        "This file declares a document type (DTD) or its own entities, which scripts never need and which are refused for safety. Export it again from Final Draft."
    )]
    Dtd,
    #[error(
        "This XML file is not a Final Draft script: it has no FinalDraft element with a Content section."
    )]
    NotFinalDraft,
    #[error(
        "No scene headings were found. Each scene must start with a heading such as INT. LAKE HOUSE – NIGHT."
    )]
    NoScenes,
    #[error(
        "This file has more than 2000 scenes, more than any script: check that it is the right file."
    )]
    TooManyScenes,
}

/// The two formats read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Fountain,
    FinalDraft,
}

impl Format {
    /// Final Draft when the name ends in `.fdx` or the text starts as XML; else Fountain.
    pub fn detect(file_name: &str, text: &str) -> Format {
        let start = text.trim_start_matches('\u{feff}').trim_start();
        if file_name.to_ascii_lowercase().ends_with(".fdx") || start.starts_with('<') {
            Format::FinalDraft
        } else {
            Format::Fountain
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Format::Fountain => "Fountain",
            Format::FinalDraft => "Final Draft (FDX)",
        }
    }
}

/// Reads an uploaded file as a script, in whichever of the two formats it is.
pub fn read_script(
    bytes: &[u8],
    file_name: &str,
) -> Result<(Format, Vec<ScriptScene>), ScriptError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ScriptError::Empty);
    }
    if bytes.len() > MAX_SCRIPT_BYTES {
        return Err(ScriptError::TooLarge);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| ScriptError::NotText)?;
    // A byte-order mark some editors write is not part of the first line.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
    {
        return Err(ScriptError::NotText);
    }
    let format = Format::detect(file_name, text);
    let scenes = match format {
        Format::Fountain => fountain::parse(text),
        Format::FinalDraft => fdx::parse(text)?,
    };
    if scenes.is_empty() {
        return Err(ScriptError::NoScenes);
    }
    if scenes.len() > MAX_SCENES {
        return Err(ScriptError::TooManyScenes);
    }
    Ok((format, scenes))
}

/// Splits a heading's text after the place (`LAKE HOUSE BEDROOM - NIGHT`) into set and time:
/// the time is what follows the last dash, when there is one.
fn split_set_and_time(rest: &str) -> (String, String) {
    let rest = rest.trim();
    for dash in [" – ", " — ", " - ", " -- "] {
        if let Some(at) = rest.rfind(dash) {
            let (set, time) = rest.split_at(at);
            return (
                tidy(set),
                tidy(time.trim_start_matches([' ', '-', '–', '—'])),
            );
        }
    }
    (tidy(rest), String::new())
}

/// Splits a heading into place, set and time; `None` when it does not start with a place.
pub(crate) fn split_heading(heading: &str) -> Option<(String, String, String)> {
    let upper = heading.trim().to_uppercase();
    const PLACES: [&str; 10] = [
        "INT./EXT.",
        "INT/EXT.",
        "INT/EXT",
        "EXT./INT.",
        "EXT/INT",
        "I/E.",
        "I/E",
        "INT.",
        "EXT.",
        "EST.",
    ];
    const BARE: [&str; 3] = ["INT ", "EXT ", "EST "];
    let (place, rest) = PLACES
        .iter()
        .chain(BARE.iter())
        .find_map(|p| upper.strip_prefix(p).map(|rest| (*p, rest)))?;
    let place = match place.trim() {
        "INT." | "INT" => "INT.",
        "EXT." | "EXT" | "EST." | "EST" => "EXT.",
        _ => "INT./EXT.",
    };
    let (set, time) = split_set_and_time(rest);
    Some((place.to_string(), set, time))
}

/// Collapses runs of whitespace to one space and trims.
fn tidy(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A character cue without its extensions: `SAM (V.O.)` and `SAM (CONT'D)` are `SAM`.
fn cue_name(cue: &str) -> String {
    let name = cue.split('(').next().unwrap_or(cue);
    tidy(name.trim_end_matches('^')).to_uppercase()
}

/// Words that suggest a scene may hold intimacy, in clinical wording: a hint for the
/// coordinator, who decides.
const INTIMACY_WORDS: [&str; 16] = [
    "kiss",
    "nude",
    "nudity",
    "naked",
    "undress",
    "topless",
    "intimate",
    "intimacy",
    "sex",
    "straddl",
    "caress",
    "make love",
    "makes love",
    "lovemaking",
    "simulated",
    "unbutton",
];

/// The intimacy words a scene's text mentions, for a suggestion: never a decision.
pub fn intimacy_hints(scene: &ScriptScene) -> Vec<&'static str> {
    let text = format!("{}\n{}", scene.synopsis, scene.body.join("\n")).to_lowercase();
    INTIMACY_WORDS
        .iter()
        .copied()
        .filter(|word| {
            text.match_indices(word).any(|(at, _)| {
                // Whole words or their start: "kiss" and "kisses", not "sextant"'s "sex".
                let before_ok = text[..at]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric());
                let after = text[at + word.len()..].chars().next();
                let after_ok = word.len() > 4
                    || after
                        .is_none_or(|c| !c.is_alphanumeric() || matches!(c, 'e' | 's' | 'u' | 'i'));
                before_ok && after_ok
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_split_into_place_set_and_time() {
        assert_eq!(
            split_heading("INT. LAKE HOUSE BEDROOM - NIGHT"),
            Some(("INT.".into(), "LAKE HOUSE BEDROOM".into(), "NIGHT".into()))
        );
        assert_eq!(
            split_heading("int/ext car — day"),
            Some(("INT./EXT.".into(), "CAR".into(), "DAY".into()))
        );
        assert_eq!(
            split_heading("EXT JETTY"),
            Some(("EXT.".into(), "JETTY".into(), String::new()))
        );
        assert_eq!(split_heading("INTERIOR MONOLOGUE"), None);
    }

    #[test]
    fn cues_lose_their_extensions() {
        assert_eq!(cue_name("SAM (V.O.)"), "SAM");
        assert_eq!(cue_name("dr. ines  (CONT'D)"), "DR. INES");
        assert_eq!(cue_name("ALEX ^"), "ALEX");
    }

    #[test]
    fn intimacy_words_are_hints_on_whole_words() {
        let scene = |text: &str| ScriptScene {
            body: vec![text.to_string()],
            ..ScriptScene::default()
        };
        assert_eq!(intimacy_hints(&scene("They kiss.")), ["kiss"]);
        assert_eq!(intimacy_hints(&scene("She kisses him.")), ["kiss"]);
        assert!(intimacy_hints(&scene("The sextant is on the shelf.")).is_empty());
        assert_eq!(intimacy_hints(&scene("He begins to undress.")), ["undress"]);
    }

    #[test]
    fn a_byte_order_mark_does_not_hide_the_first_heading() {
        let (format, scenes) = read_script(
            "\u{feff}INT. ROOM - DAY #1#\n\nA lamp.\n".as_bytes(),
            "a.txt",
        )
        .unwrap();
        assert_eq!(format, Format::Fountain);
        assert_eq!(scenes[0].number.as_deref(), Some("1"));
    }

    #[test]
    fn binary_and_empty_files_are_refused() {
        assert_eq!(read_script(b"  \n", "a.fountain"), Err(ScriptError::Empty));
        assert_eq!(
            read_script(&[0xff, 0xfe, 0x00, 0x01], "a.fountain"),
            Err(ScriptError::NotText)
        );
        assert_eq!(
            read_script(b"INT. ROOM - DAY\n\0\0", "a.fountain"),
            Err(ScriptError::NotText)
        );
        let big = vec![b'a'; MAX_SCRIPT_BYTES + 1];
        assert_eq!(read_script(&big, "a.fountain"), Err(ScriptError::TooLarge));
        assert_eq!(
            read_script(b"Just a note.\n", "a.fountain"),
            Err(ScriptError::NoScenes)
        );
    }
}
