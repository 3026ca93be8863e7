//! Fountain (fountain.io), the plain-text screenplay format: scene headings (with `#12A#`
//! numbers), OMITTED scenes, character cues and dialogue, `=` synopses, `===` page breaks;
//! notes, boneyard and sections are left out.

use super::paging::{ACTION_WIDTH, DIALOGUE_WIDTH, Row, eighths, lines_for};
use super::{ScriptScene, cue_name, split_heading, tidy};

/// The longest synopsis taken from a scene's first line of action.
const SYNOPSIS_CHARS: usize = 120;

pub(super) fn parse(text: &str) -> Vec<ScriptScene> {
    let text = strip_hidden(&text.replace("\r\n", "\n").replace('\r', "\n"));
    let lines: Vec<&str> = skip_title_page(&text);
    let mut scenes: Vec<ScriptScene> = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    let mut prev_blank = true;
    let mut in_dialogue = false;
    for (i, raw) in lines.iter().enumerate() {
        let line = raw.trim();
        let current = scenes.len().checked_sub(1);
        let next_blank = lines.get(i + 1).is_none_or(|l| l.trim().is_empty());
        if line.is_empty() {
            if !prev_blank {
                rows.push(Row::Lines {
                    scene: current,
                    count: 1,
                });
            }
            prev_blank = true;
            in_dialogue = false;
            continue;
        }
        if line.len() >= 3 && line.chars().all(|c| c == '=') {
            rows.push(Row::PageBreak);
            prev_blank = true;
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        if let Some(synopsis) = line.strip_prefix('=') {
            if let Some(scene) = scenes.last_mut()
                && scene.synopsis.is_empty()
            {
                scene.synopsis = tidy(synopsis);
            }
            continue;
        }
        if prev_blank && let Some(scene) = heading(line) {
            scenes.push(scene);
            rows.push(Row::Lines {
                scene: Some(scenes.len() - 1),
                count: 1,
            });
            prev_blank = false;
            continue;
        }
        let Some(scene) = scenes.last_mut() else {
            rows.push(Row::Lines {
                scene: None,
                count: lines_for(line, ACTION_WIDTH),
            });
            prev_blank = false;
            continue;
        };
        let is_cue = prev_blank && !next_blank && is_character_cue(line);
        let width = if in_dialogue || is_cue {
            DIALOGUE_WIDTH
        } else {
            ACTION_WIDTH
        };
        if is_cue {
            let name = cue_name(line.trim_start_matches('@'));
            if !name.is_empty() && !scene.characters.contains(&name) {
                scene.characters.push(name);
            }
            in_dialogue = true;
        } else if !in_dialogue && scene.synopsis.is_empty() && !scene.omitted {
            scene.synopsis = first_words(&tidy(line.trim_start_matches('!')));
        }
        scene.body.push(tidy(line));
        rows.push(Row::Lines {
            scene: Some(scenes.len() - 1),
            count: lines_for(line, width),
        });
        prev_blank = false;
    }
    let lengths = eighths(&rows, scenes.len());
    for (scene, length) in scenes.iter_mut().zip(lengths) {
        scene.eighths = length;
    }
    scenes
}

/// A scene heading (or an OMITTED line) as a new scene, with its `#number#` when written.
fn heading(line: &str) -> Option<ScriptScene> {
    if line.starts_with("..") || line.starts_with('!') {
        return None;
    }
    let (text, number) = match line.trim_end().strip_suffix('#') {
        Some(before) => match before.rfind('#') {
            Some(at) => (&before[..at], Some(before[at + 1..].trim().to_string())),
            None => (line, None),
        },
        None => (line, None),
    };
    let forced = text.strip_prefix('.');
    let text = forced.unwrap_or(text).trim();
    if text.to_uppercase().starts_with("OMITTED") {
        return Some(ScriptScene {
            number,
            omitted: true,
            ..ScriptScene::default()
        });
    }
    let (int_ext, set_name, time_of_day) = match split_heading(text) {
        Some(parts) => parts,
        None if forced.is_some() => (String::new(), tidy(&text.to_uppercase()), String::new()),
        None => return None,
    };
    Some(ScriptScene {
        number: number.filter(|n| !n.is_empty()),
        int_ext,
        set_name,
        time_of_day,
        ..ScriptScene::default()
    })
}

/// A character cue: in capitals (letters present, extension aside), not a transition.
fn is_character_cue(line: &str) -> bool {
    if line.starts_with('@') {
        return true;
    }
    if line.starts_with('!') || line.ends_with("TO:") || line.starts_with('>') {
        return false;
    }
    let name = line.split('(').next().unwrap_or(line);
    name.chars().any(char::is_alphabetic) && !name.chars().any(char::is_lowercase)
}

/// Leaves out the boneyard (`/* … */`) and notes (`[[ … ]]`), which are never printed.
fn strip_hidden(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let next = [("/*", "*/"), ("[[", "]]")]
            .iter()
            .filter_map(|(open, close)| rest.find(open).map(|at| (at, *open, *close)))
            .min_by_key(|(at, _, _)| *at);
        let Some((at, open, close)) = next else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..at]);
        match rest[at + open.len()..].find(close) {
            Some(end) => rest = &rest[at + open.len() + end + close.len()..],
            None => return out,
        }
    }
}

/// The lines after the title page (`Title: …` and the other keys, up to the first blank line).
fn skip_title_page(text: &str) -> Vec<&str> {
    let lines: Vec<&str> = text.lines().collect();
    let first = lines.iter().position(|l| !l.trim().is_empty()).unwrap_or(0);
    let is_key = |l: &str| {
        l.split_once(':').is_some_and(|(key, _)| {
            !key.is_empty()
                && key.len() < 20
                && key.chars().all(|c| c.is_alphabetic() || c == ' ')
                && !key.chars().all(|c| c.is_uppercase() || c == ' ')
        })
    };
    if lines.get(first).is_some_and(|l| is_key(l)) {
        let end = lines[first..]
            .iter()
            .position(|l| l.trim().is_empty())
            .map_or(lines.len(), |p| first + p);
        lines[end..].to_vec()
    } else {
        lines
    }
}

/// A synopsis from a line of action: its first words, cut at a word.
fn first_words(line: &str) -> String {
    if line.chars().count() <= SYNOPSIS_CHARS {
        return line.to_string();
    }
    let cut: String = line.chars().take(SYNOPSIS_CHARS).collect();
    match cut.rfind(' ') {
        Some(at) => format!("{}…", &cut[..at]),
        None => format!("{cut}…"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "Title: Test\nAuthor: Someone\n\nINT. KITCHEN - DAY #1#\n\n= Breakfast.\n\nMara pours coffee.\n\nMARA (V.O.)\nMorning.\n\n.OMITTED #2#\n\n===\n\nEXT. JETTY - NIGHT #2A#\n\nTheo waits. /* a cut line */\n\n@McCLANE\nYippee.\n\n[[a note]]\n\nCUT TO:\n";

    #[test]
    fn reads_numbers_headings_and_omitted_scenes() {
        let scenes = parse(SAMPLE);
        let numbers: Vec<_> = scenes.iter().map(|s| s.number.clone().unwrap()).collect();
        assert_eq!(numbers, ["1", "2", "2A"]);
        assert_eq!(scenes[0].int_ext, "INT.");
        assert_eq!(scenes[0].set_name, "KITCHEN");
        assert_eq!(scenes[0].time_of_day, "DAY");
        assert_eq!(scenes[0].synopsis, "Breakfast.");
        assert_eq!(scenes[0].characters, ["MARA"]);
        assert!(scenes[1].omitted);
        assert_eq!(scenes[2].characters, ["MCCLANE"]);
        assert_eq!(scenes[2].synopsis, "Theo waits.");
        assert!(
            !scenes[2]
                .body
                .iter()
                .any(|l| l.contains("note") || l.contains("cut line"))
        );
        assert!(scenes[2].body.contains(&"CUT TO:".to_string()));
    }

    #[test]
    fn title_pages_and_transitions_are_not_scenes_or_characters() {
        let scenes = parse(SAMPLE);
        assert!(
            scenes
                .iter()
                .all(|s| !s.characters.contains(&"CUT TO:".into()))
        );
        assert_eq!(scenes.len(), 3);
    }

    #[test]
    fn unnumbered_headings_need_a_blank_line_before() {
        let scenes = parse("INT. ROOM - DAY\n\nA lamp.\nEXT. ROAD - DAY\n\nINT. CAR - NIGHT\n");
        assert_eq!(scenes.len(), 2);
        assert_eq!(scenes[1].set_name, "CAR");
        assert_eq!(scenes[0].number, None);
    }
}
