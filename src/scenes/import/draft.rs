//! A draft as the production would store it: each script scene given a canonical number,
//! heading and length, its characters matched to the cast list, and the whole compared with
//! the scenes stored now. The preview shows it; confirming saves exactly it.

use std::collections::HashSet;

use crate::cast::CastMember;
use crate::error::Result;
use crate::scenes::heading::{IntExt, TimeOfDay};
use crate::scenes::heading_text;
use crate::scenes::number::SceneNumber;
use crate::script::compare::{self, Comparison, Drafted, Known, SceneChange};
use crate::script::{ScriptScene, intimacy_hints};

/// The longest set name and synopsis kept from a script; the scene form takes no more.
const MAX_SET_CHARS: usize = 200;
const MAX_SYNOPSIS_CHARS: usize = 2000;

/// A script scene in the production's terms.
#[derive(Clone, Debug)]
pub struct DraftScene {
    pub number: SceneNumber,
    pub int_ext: IntExt,
    pub time_of_day: TimeOfDay,
    pub set_name: String,
    pub eighths: u32,
    pub omitted: bool,
    pub synopsis: String,
    pub body: Vec<String>,
    /// Speaking characters matched to the cast: `(character, cast member)`.
    pub cast: Vec<(String, Option<CastMember>)>,
    /// What the heading said that had to be read as something else ("CONTINUOUS" as DAY).
    pub notes: Vec<String>,
    /// Intimacy words in the text: a suggestion to flag, never a decision.
    pub hints: Vec<&'static str>,
}

impl DraftScene {
    pub fn heading(&self) -> String {
        if self.omitted {
            return "OMITTED".into();
        }
        heading_text(
            self.int_ext.as_str(),
            &self.set_name,
            self.time_of_day.as_str(),
        )
    }
    pub fn pages(&self) -> String {
        crate::scenes::eighths::Eighths::new(self.eighths).to_string()
    }
    pub fn cast_ids(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self
            .cast
            .iter()
            .filter_map(|(_, c)| c.as_ref().map(|c| c.cast_member_id))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// A scene as stored now, for the comparison.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StoredScene {
    pub scene_id: i64,
    pub number: String,
    pub int_ext: String,
    pub set_name: String,
    pub time_of_day: String,
    pub omitted: bool,
    pub flagged: bool,
    pub body: Option<String>,
}

/// The stored scenes of a production with the text of the last draft that had each; `lock`
/// takes the rows for update, for the confirming transaction.
pub async fn stored_scenes(
    conn: &mut sqlx::PgConnection,
    production_id: i64,
    lock: bool,
) -> Result<Vec<StoredScene>> {
    let sql = format!(
        "select s.scene_id, s.number, s.int_ext, s.set_name, s.time_of_day, s.omitted,
                coalesce(v.flagged, false) as flagged,
                (select ss.body from scene_script ss where ss.scene_id = s.scene_id
                 order by ss.script_revision_id desc limit 1) as body
         from scene s left join scene_version v on v.scene_version_id = s.current_version_id
         where s.production_id = $1 order by s.sort_key collate \"C\"{}",
        if lock { " for update of s" } else { "" }
    );
    Ok(sqlx::query_as(&sql)
        .bind(production_id)
        .fetch_all(conn)
        .await?)
}

/// The draft in the production's terms, or the sentence that says why it cannot be.
pub fn canonical(scenes: &[ScriptScene], cast: &[CastMember]) -> Result<Vec<DraftScene>, String> {
    let unnumbered = scenes.iter().all(|s| s.number.is_none());
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(scenes.len());
    for (index, scene) in scenes.iter().enumerate() {
        let number = match (&scene.number, unnumbered) {
            (Some(text), _) => SceneNumber::parse(text).map_err(|_| {
                format!(
                    "The scene headed “{}” has the number “{text}”, which is not a scene \
                     number (12, 12A, A1). Correct it in the script and upload it again.",
                    describe(scene)
                )
            })?,
            (None, true) => SceneNumber::parse(&(index + 1).to_string())
                .map_err(|_| "This script has more scenes than numbers go.".to_string())?,
            (None, false) => {
                return Err(format!(
                    "The scene headed “{}” has no number while other scenes have one. Number \
                     every scene (or none) and upload the script again.",
                    describe(scene)
                ));
            }
        };
        if !seen.insert(number.as_str().to_string()) {
            return Err(format!(
                "Scene {number} appears twice in this script. Give the added scene a letter \
                 ({number}A) and upload it again."
            ));
        }
        out.push(draft_scene(number, scene, cast));
    }
    Ok(out)
}

fn describe(scene: &ScriptScene) -> String {
    format!("{} {} {}", scene.int_ext, scene.set_name, scene.time_of_day)
        .trim()
        .to_string()
}

fn draft_scene(number: SceneNumber, scene: &ScriptScene, cast: &[CastMember]) -> DraftScene {
    let mut notes = Vec::new();
    let int_ext = match scene.int_ext.parse::<IntExt>() {
        Ok(int_ext) => int_ext,
        Err(_) => {
            if !scene.omitted {
                notes.push("The heading does not say INT. or EXT.: read as INT.".to_string());
            }
            IntExt::Int
        }
    };
    let time_of_day = match scene.time_of_day.parse::<TimeOfDay>() {
        Ok(time) => time,
        Err(_) => {
            let said = scene.time_of_day.to_uppercase();
            let time = if said.contains("NIGHT") {
                TimeOfDay::Night
            } else if said.contains("DAWN") || said.contains("SUNRISE") {
                TimeOfDay::Dawn
            } else if said.contains("DUSK") || said.contains("SUNSET") || said.contains("EVENING") {
                TimeOfDay::Dusk
            } else {
                TimeOfDay::Day
            };
            if !scene.omitted {
                let said = if said.is_empty() {
                    "no time of day"
                } else {
                    &said
                };
                notes.push(format!(
                    "The heading says {said}: read as {}.",
                    time.label()
                ));
            }
            time
        }
    };
    let set_name = if scene.omitted {
        "OMITTED".to_string()
    } else if scene.set_name.is_empty() {
        notes.push("The heading names no set.".to_string());
        "UNNAMED SET".to_string()
    } else {
        scene.set_name.chars().take(MAX_SET_CHARS).collect()
    };
    let cast = scene
        .characters
        .iter()
        .map(|name| (name.clone(), match_cast(name, cast)))
        .collect();
    DraftScene {
        number,
        int_ext,
        time_of_day,
        set_name,
        eighths: scene.eighths.max(1),
        omitted: scene.omitted,
        synopsis: scene.synopsis.chars().take(MAX_SYNOPSIS_CHARS).collect(),
        body: scene.body.clone(),
        cast,
        notes,
        hints: if scene.omitted {
            Vec::new()
        } else {
            intimacy_hints(scene)
        },
    }
}

/// The cast member playing a speaking character: the character's name as the cast list writes
/// it, whole or by its first word ("MARA" plays "Mara Quinn").
fn match_cast(character: &str, cast: &[CastMember]) -> Option<CastMember> {
    let wanted = character.to_uppercase();
    let named = |c: &&CastMember| c.character_name.trim().to_uppercase() == wanted;
    let first = |c: &&CastMember| {
        c.character_name
            .split_whitespace()
            .next()
            .is_some_and(|w| w.to_uppercase() == wanted)
    };
    cast.iter()
        .find(named)
        .or_else(|| cast.iter().find(first))
        .cloned()
}

/// The draft compared with what is stored.
pub fn compare_with(stored: &[StoredScene], draft: &[DraftScene]) -> Comparison {
    let known: Vec<Known> = stored
        .iter()
        .map(|s| Known {
            number: s.number.clone(),
            heading: heading_text(&s.int_ext, &s.set_name, &s.time_of_day),
            omitted: s.omitted,
            flagged: s.flagged,
            body: s.body.as_ref().map(|b| {
                b.split('\n')
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect()
            }),
        })
        .collect();
    let drafted: Vec<(String, String)> = draft
        .iter()
        .map(|d| (d.number.as_str().to_string(), d.heading()))
        .collect();
    let scenes: Vec<ScriptScene> = draft
        .iter()
        .map(|d| ScriptScene {
            omitted: d.omitted,
            body: d.body.clone(),
            ..ScriptScene::default()
        })
        .collect();
    let view: Vec<Drafted> = drafted
        .iter()
        .zip(&scenes)
        .map(|((number, heading), scene)| Drafted {
            number: number.clone(),
            heading: heading.clone(),
            scene,
        })
        .collect();
    compare::compare(&known, &view)
}

/// One row of the preview: the draft scene and what the comparison says of it.
pub struct PreviewRow {
    pub scene: DraftScene,
    pub change: SceneChange,
}

impl PreviewRow {
    pub fn status(&self) -> &'static str {
        match self.change.kind {
            compare::Kind::New => "New",
            compare::Kind::Changed => "Changed",
            compare::Kind::Omitted => "Omitted",
            compare::Kind::Unchanged => "Unchanged",
        }
    }
    pub fn what(&self) -> String {
        self.change.what.join(", ")
    }
    pub fn hints(&self) -> String {
        self.scene.hints.join(", ")
    }
    /// Marked lines as a revised page prints them: `*` for new or rewritten, struck for cut.
    pub fn marked(&self) -> Vec<(&'static str, &str)> {
        self.change
            .lines
            .iter()
            .map(|l| {
                let mark = match l.mark {
                    compare::Mark::Same => "same",
                    compare::Mark::Changed => "changed",
                    compare::Mark::Cut => "cut",
                };
                (mark, l.text.as_str())
            })
            .collect()
    }
}

/// Characters who speak but play no one on the cast list, once each.
pub fn unmatched(rows: &[PreviewRow]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (name, member) in rows.iter().flat_map(|r| &r.scene.cast) {
        if member.is_none() && !names.contains(name) {
            names.push(name.clone());
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cast(id: i64, character: &str) -> CastMember {
        CastMember {
            cast_member_id: id,
            cast_number: id as i32,
            name: format!("Performer {id}"),
            character_name: character.into(),
            date_of_birth: None,
            union_name: String::new(),
            representative: String::new(),
            user_id: None,
        }
    }

    #[test]
    fn characters_match_the_cast_by_whole_name_or_first_name() {
        let list = [cast(1, "Mara Quinn"), cast(2, "Theo")];
        assert_eq!(match_cast("MARA", &list).map(|c| c.cast_member_id), Some(1));
        assert_eq!(match_cast("THEO", &list).map(|c| c.cast_member_id), Some(2));
        assert!(match_cast("WAITER", &list).is_none());
    }

    #[test]
    fn numbers_must_be_readable_and_unique() {
        let scene = |n: Option<&str>| ScriptScene {
            number: n.map(str::to_string),
            int_ext: "INT.".into(),
            set_name: "ROOM".into(),
            time_of_day: "CONTINUOUS".into(),
            eighths: 3,
            ..ScriptScene::default()
        };
        let draft = canonical(&[scene(Some("12a")), scene(Some("13"))], &[]).unwrap();
        assert_eq!(draft[0].number.as_str(), "12A");
        assert_eq!(draft[0].heading(), "INT. ROOM – DAY");
        assert_eq!(
            draft[0].notes,
            ["The heading says CONTINUOUS: read as DAY."]
        );
        assert!(canonical(&[scene(Some("12")), scene(Some("12"))], &[]).is_err());
        assert!(canonical(&[scene(Some("12")), scene(None)], &[]).is_err());
        assert!(canonical(&[scene(Some("twelve"))], &[]).is_err());
        let unnumbered = canonical(&[scene(None), scene(None)], &[]).unwrap();
        assert_eq!(unnumbered[1].number.as_str(), "2");
    }
}
