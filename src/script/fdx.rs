//! Final Draft's FDX, read with roxmltree with document types refused (so no entity of the
//! file's own can expand: no "billion laughs") and a cap on nodes. Scene headings carry their
//! `Number`, a `SceneProperties` `Length` in eighths and a `Summary` where Final Draft wrote them;
//! `StartsNewPage` marks the script's own page breaks.

use roxmltree::{Document, Node, ParsingOptions};

use super::paging::{ACTION_WIDTH, DIALOGUE_WIDTH, Row, eighths, lines_for};
use super::{ScriptError, ScriptScene, cue_name, split_heading, tidy};

/// More nodes than a long script's XML holds: past this the file is refused.
const MAX_NODES: u32 = 400_000;

pub(super) fn parse(text: &str) -> Result<Vec<ScriptScene>, ScriptError> {
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::DtdDetected => ScriptError::Dtd,
        roxmltree::Error::EntityReferenceLoop(_) | roxmltree::Error::UnknownEntityReference(..) => {
            ScriptError::Dtd
        }
        other => ScriptError::BrokenXml(other.to_string()),
    })?;
    let root = doc.root_element();
    if !root.has_tag_name("FinalDraft") {
        return Err(ScriptError::NotFinalDraft);
    }
    let content = root
        .children()
        .find(|n| n.has_tag_name("Content"))
        .ok_or(ScriptError::NotFinalDraft)?;

    let mut scenes: Vec<ScriptScene> = Vec::new();
    // Lengths Final Draft wrote itself, by scene index; counted lines for the rest.
    let mut written: Vec<Option<u32>> = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    for paragraph in content.children().filter(|n| n.has_tag_name("Paragraph")) {
        if paragraph.attribute("StartsNewPage") == Some("Yes") {
            rows.push(Row::PageBreak);
        }
        let kind = paragraph.attribute("Type").unwrap_or("Action");
        let line = tidy(&paragraph_text(paragraph));
        if kind == "Scene Heading" {
            let properties = paragraph
                .children()
                .find(|n| n.has_tag_name("SceneProperties"));
            let mut scene = scene_from_heading(&line);
            scene.number = paragraph
                .attribute("Number")
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string);
            if let Some(summary) = properties.and_then(summary_text) {
                scene.synopsis = summary;
            }
            written.push(
                properties
                    .and_then(|p| p.attribute("Length"))
                    .and_then(parse_eighths),
            );
            scenes.push(scene);
            rows.push(Row::Lines {
                scene: Some(scenes.len() - 1),
                count: 2,
            });
            continue;
        }
        let Some(scene) = scenes.last_mut() else {
            rows.push(Row::Lines {
                scene: None,
                count: lines_for(&line, ACTION_WIDTH) + 1,
            });
            continue;
        };
        if line.is_empty() {
            continue;
        }
        let width = match kind {
            "Character" => {
                let name = cue_name(&line);
                if !name.is_empty() && !scene.characters.contains(&name) {
                    scene.characters.push(name);
                }
                DIALOGUE_WIDTH
            }
            "Dialogue" | "Parenthetical" => DIALOGUE_WIDTH,
            _ => {
                if scene.synopsis.is_empty() && kind == "Action" && !scene.omitted {
                    scene.synopsis = line.chars().take(120).collect();
                }
                ACTION_WIDTH
            }
        };
        scene.body.push(line.clone());
        // Dialogue follows its cue without a blank line; other elements have one before.
        let blank = u32::from(!matches!(kind, "Dialogue" | "Parenthetical"));
        rows.push(Row::Lines {
            scene: Some(scenes.len() - 1),
            count: lines_for(&line, width) + blank,
        });
    }
    let counted = eighths(&rows, scenes.len());
    for ((scene, counted), written) in scenes.iter_mut().zip(counted).zip(written) {
        scene.eighths = written.filter(|e| *e > 0).unwrap_or(counted);
    }
    Ok(scenes)
}

fn scene_from_heading(line: &str) -> ScriptScene {
    if line.to_uppercase().starts_with("OMITTED") {
        return ScriptScene {
            omitted: true,
            ..ScriptScene::default()
        };
    }
    match split_heading(line) {
        Some((int_ext, set_name, time_of_day)) => ScriptScene {
            int_ext,
            set_name,
            time_of_day,
            ..ScriptScene::default()
        },
        None => ScriptScene {
            set_name: line.to_uppercase(),
            ..ScriptScene::default()
        },
    }
}

/// The text of a paragraph's `Text` runs, joined.
fn paragraph_text(paragraph: Node) -> String {
    paragraph
        .children()
        .filter(|n| n.has_tag_name("Text"))
        .flat_map(|t| t.descendants().filter(|d| d.is_text()))
        .filter_map(|t| t.text())
        .collect()
}

fn summary_text(properties: Node) -> Option<String> {
    let summary = properties.children().find(|n| n.has_tag_name("Summary"))?;
    let text = summary
        .descendants()
        .filter(|n| n.has_tag_name("Paragraph"))
        .map(paragraph_text)
        .collect::<Vec<_>>()
        .join(" ");
    let text = tidy(&text);
    (!text.is_empty()).then_some(text)
}

/// Final Draft's `Length` ("1 3/8", "5/8", "2") in eighths.
fn parse_eighths(text: &str) -> Option<u32> {
    let mut total = 0u32;
    for part in text.split_whitespace() {
        match part.split_once('/') {
            Some((n, "8")) => total += n.parse::<u32>().ok()?,
            Some(_) => return None,
            None => total += part.parse::<u32>().ok()?.checked_mul(8)?,
        }
    }
    (total > 0).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_final_draft_paragraphs() {
        let fdx = r#"<?xml version="1.0" encoding="UTF-8" standalone="no" ?>
<FinalDraft DocumentType="Script" Template="No" Version="5"><Content>
<Paragraph Number="4" Type="Scene Heading"><SceneProperties Length="1 3/8" Page="2"><Summary><Paragraph><Text>Mara arrives.</Text></Paragraph></Summary></SceneProperties><Text>INT. HALL - DAY</Text></Paragraph>
<Paragraph Type="Action"><Text>Mara </Text><Text Style="Bold">enters</Text><Text>.</Text></Paragraph>
<Paragraph Type="Character"><Text>MARA (CONT'D)</Text></Paragraph>
<Paragraph Type="Dialogue"><Text>Hello.</Text></Paragraph>
<Paragraph Number="5" Type="Scene Heading"><Text>OMITTED</Text></Paragraph>
<Paragraph Number="5A" Type="Scene Heading" StartsNewPage="Yes"><Text>EXT. GARDEN - DUSK</Text></Paragraph>
<Paragraph Type="Action"><Text>Rain.</Text></Paragraph>
</Content></FinalDraft>"#;
        let scenes = parse(fdx).unwrap();
        assert_eq!(scenes.len(), 3);
        assert_eq!(scenes[0].number.as_deref(), Some("4"));
        assert_eq!(scenes[0].eighths, 11);
        assert_eq!(scenes[0].synopsis, "Mara arrives.");
        assert_eq!(scenes[0].body[0], "Mara enters.");
        assert_eq!(scenes[0].characters, ["MARA"]);
        assert!(scenes[1].omitted);
        assert_eq!(scenes[2].set_name, "GARDEN");
        assert_eq!(scenes[2].time_of_day, "DUSK");
        assert_eq!(scenes[2].synopsis, "Rain.");
    }

    #[test]
    fn refuses_dtds_entities_and_broken_files() {
        let laughs = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><FinalDraft><Content>&lol2;</Content></FinalDraft>"#;
        assert_eq!(parse(laughs), Err(ScriptError::Dtd));
        let cut = r#"<FinalDraft><Content><Paragraph Type="Scene Heading"><Text>INT. ROOM"#;
        assert!(matches!(parse(cut), Err(ScriptError::BrokenXml(_))));
        assert_eq!(
            parse("<html><body/></html>"),
            Err(ScriptError::NotFinalDraft)
        );
    }

    #[test]
    fn final_draft_lengths() {
        assert_eq!(parse_eighths("1 3/8"), Some(11));
        assert_eq!(parse_eighths("5/8"), Some(5));
        assert_eq!(parse_eighths("2"), Some(16));
        assert_eq!(parse_eighths("1/4"), None);
    }
}
