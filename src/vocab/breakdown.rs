//! A scene's intimacy breakdown: its canonical form, content hash, validation and change lines.
//! Owns what counts as "the same breakdown", so a new scene version is made only for real changes.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::body::{BodyArea, IntimacyKind, NudityLevel};

/// What a scene asks of its performers, as the coordinator wrote it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breakdown {
    /// Kinds of intimacy in the scene.
    pub kinds: Vec<IntimacyKind>,
    /// One part per performer in the scene.
    pub performers: Vec<PerformerPart>,
    /// Modesty garments and barriers everyone in the scene uses (a barrier cushion), free text,
    /// one item per line. What one performer wears is in their own part.
    pub garments: String,
    /// Whether stills may be taken of the scene.
    pub stills_allowed: bool,
    /// Named essential people on the closed set.
    pub closed_set: Vec<String>,
    /// People who may watch the monitors: a subset of the closed set.
    pub monitor_list: Vec<String>,
}

/// What the breakdown asks of one performer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerformerPart {
    /// The cast member's id.
    pub cast_member_id: i64,
    /// Nudity level in clinical words.
    pub nudity: NudityLevel,
    /// Body areas seen on camera.
    pub shown: Vec<BodyArea>,
    /// Body areas touched by another performer.
    pub touched: Vec<BodyArea>,
    /// Body areas this performer touches another with.
    pub touching: Vec<BodyArea>,
    /// Simulated acts, one itemised line each.
    pub acts: Vec<String>,
    /// This performer's own modesty garments and barriers, free text, one item per line.
    /// Left out of the JSON when empty, so every version saved before the field existed keeps
    /// its canonical form and content hash.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub garments: String,
}

/// A free-text block as compared: trailing spaces and surrounding blank lines dropped, the line
/// breaks kept (they separate items).
fn tidy_block(text: &str) -> String {
    text.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// Trims and collapses runs of whitespace to one space.
fn tidy(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A person's name as compared between lists: tidied and lower-cased.
pub fn name_key(name: &str) -> String {
    tidy(name).to_lowercase()
}

/// Sorted by database value (not declaration order, so adding a variant never changes a hash),
/// without duplicates.
fn sorted_areas(areas: &[BodyArea]) -> Vec<BodyArea> {
    let mut out = areas.to_vec();
    out.sort_by_key(|a| a.as_str());
    out.dedup();
    out
}

/// Tidied, without empty lines or duplicates, sorted: the order lines were typed in carries no
/// consent meaning, and re-ordering them must not ask performers to sign again.
fn sorted_lines(lines: &[String]) -> Vec<String> {
    let set: BTreeSet<String> = lines
        .iter()
        .map(|l| tidy(l))
        .filter(|l| !l.is_empty())
        .collect();
    set.into_iter().collect()
}

/// Tidied names, sorted case-insensitively, de-duplicated ignoring case (the first spelling in
/// that order is kept, so the result does not depend on input order).
fn sorted_names(names: &[String]) -> Vec<String> {
    let mut tidied: Vec<String> = names
        .iter()
        .map(|n| tidy(n))
        .filter(|n| !n.is_empty())
        .collect();
    tidied.sort_by(|a, b| a.to_lowercase().cmp(&b.to_lowercase()).then(a.cmp(b)));
    tidied.dedup_by(|later, kept| later.to_lowercase() == kept.to_lowercase());
    tidied
}

impl PerformerPart {
    /// The same part in canonical form (sorted sets, tidied act lines).
    pub fn normalised(&self) -> PerformerPart {
        PerformerPart {
            cast_member_id: self.cast_member_id,
            nudity: self.nudity,
            shown: sorted_areas(&self.shown),
            touched: sorted_areas(&self.touched),
            touching: sorted_areas(&self.touching),
            acts: sorted_lines(&self.acts),
            garments: tidy_block(&self.garments),
        }
    }
}

impl Breakdown {
    /// The same breakdown in canonical form: everything [`Breakdown::canonical`] serialises.
    pub fn normalised(&self) -> Breakdown {
        let mut kinds = self.kinds.clone();
        kinds.sort_by_key(|k| k.as_str());
        kinds.dedup();
        let mut performers: Vec<(PerformerPart, String)> = self
            .performers
            .iter()
            .map(|p| {
                let part = p.normalised();
                let json = serde_json::to_string(&part).unwrap_or_default();
                (part, json)
            })
            .collect();
        // By id; the JSON breaks ties so even an invalid duplicate id gives one stable order.
        performers.sort_by(|(a, a_json), (b, b_json)| {
            a.cast_member_id
                .cmp(&b.cast_member_id)
                .then_with(|| a_json.cmp(b_json))
        });
        Breakdown {
            kinds,
            performers: performers.into_iter().map(|(p, _)| p).collect(),
            garments: tidy_block(&self.garments),
            stills_allowed: self.stills_allowed,
            closed_set: sorted_names(&self.closed_set),
            monitor_list: sorted_names(&self.monitor_list),
        }
    }

    /// Deterministic JSON of the normalised breakdown; field order is the struct's, never a map's.
    pub fn canonical(&self) -> String {
        // Serialising plain structs, enums, strings, integers and bools cannot fail.
        serde_json::to_string(&self.normalised()).expect("breakdown serialises")
    }

    /// Lower-case hex SHA-256 of [`Breakdown::canonical`]: equal for equal content.
    pub fn content_hash(&self) -> String {
        hex::encode(Sha256::digest(self.canonical().as_bytes()))
    }

    /// SHA-256 of what this breakdown asks of one performer: the kinds of intimacy, their own
    /// part (nudity, areas shown, touched and touching, acts, their own garments), the shared
    /// garments and whether stills
    /// are taken. `None` when it asks nothing of them. Equal hashes mean a rider signed for one
    /// version still covers the other for that performer (DOMAIN §3, Stale).
    pub fn part_hash(&self, cast_member_id: i64) -> Option<String> {
        #[derive(Serialize)]
        struct AskedOf<'a> {
            kinds: &'a [IntimacyKind],
            part: &'a PerformerPart,
            garments: &'a str,
            stills_allowed: bool,
        }
        let whole = self.normalised();
        let part = whole
            .performers
            .iter()
            .find(|p| p.cast_member_id == cast_member_id)?;
        let canonical = serde_json::to_string(&AskedOf {
            kinds: &whole.kinds,
            part,
            garments: &whole.garments,
            stills_allowed: whole.stills_allowed,
        })
        .expect("plain data serialises");
        Some(hex::encode(Sha256::digest(canonical.as_bytes())))
    }

    /// Checks that the breakdown is whole before it is saved, as (field, message) pairs. The
    /// rules it must also meet (R8's monitor list) are `rules::closed_set`.
    pub fn validate(&self) -> Result<(), Vec<(String, String)>> {
        let mut errors = Vec::new();
        let mut seen = BTreeSet::new();
        for part in &self.performers {
            if !seen.insert(part.cast_member_id) {
                errors.push((
                    "performers".to_string(),
                    "A performer is listed twice: keep one part per performer.".to_string(),
                ));
            }
        }
        let nudity_listed = self.kinds.contains(&IntimacyKind::Nudity);
        let nudity_given = self.performers.iter().any(|p| p.nudity.is_nudity());
        if nudity_listed && !nudity_given {
            errors.push((
                "kinds".to_string(),
                "Nudity is listed, but no performer has a nudity level: set it for each performer concerned."
                    .to_string(),
            ));
        }
        if nudity_given && !nudity_listed {
            errors.push((
                "kinds".to_string(),
                "A performer has a nudity level, so tick Nudity among the kinds of intimacy."
                    .to_string(),
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Adds "added"/"removed" lines for two sorted lists.
fn list_changes<T: Ord + Clone>(
    out: &mut Vec<String>,
    old: &[T],
    new: &[T],
    line: impl Fn(&str, &T) -> String,
) {
    let old_set: BTreeSet<T> = old.iter().cloned().collect();
    let new_set: BTreeSet<T> = new.iter().cloned().collect();
    for item in new_set.difference(&old_set) {
        out.push(line("added", item));
    }
    for item in old_set.difference(&new_set) {
        out.push(line("removed", item));
    }
}

/// Human-readable lines saying what changed between two breakdowns, in a fixed order.
///
/// `name` turns a cast member id into the words to show (e.g. "#3 Alex Kim"); whitespace-only and
/// ordering differences produce no lines, matching [`Breakdown::content_hash`].
pub fn diff(old: &Breakdown, new: &Breakdown, name: impl Fn(i64) -> String) -> Vec<String> {
    let (old, new) = (old.normalised(), new.normalised());
    let mut out = Vec::new();

    list_changes(&mut out, &old.kinds, &new.kinds, |verb, k| {
        let verb = if verb == "added" { "Added" } else { "Removed" };
        format!("{verb} kind: {}", k.label())
    });

    for part in &new.performers {
        let who = name(part.cast_member_id);
        let Some(before) = old
            .performers
            .iter()
            .find(|p| p.cast_member_id == part.cast_member_id)
        else {
            out.push(format!("Added {who} (nudity: {})", part.nudity.label()));
            for act in &part.acts {
                out.push(format!("{who}: added act “{act}”"));
            }
            for (what, areas) in [
                ("shown", &part.shown),
                ("touched", &part.touched),
                ("touching", &part.touching),
            ] {
                for area in areas {
                    out.push(format!("{who}: added {what}: {}", area.label()));
                }
            }
            if !part.garments.is_empty() {
                out.push(format!("{who}: garments and barriers “{}”", part.garments));
            }
            continue;
        };
        if before.nudity != part.nudity {
            out.push(format!(
                "{who} nudity: {} → {}",
                before.nudity.label(),
                part.nudity.label()
            ));
        }
        for (what, was, now) in [
            ("shown", &before.shown, &part.shown),
            ("touched", &before.touched, &part.touched),
            ("touching", &before.touching, &part.touching),
        ] {
            list_changes(&mut out, was, now, |verb, area| {
                format!("{who}: {verb} {what}: {}", area.label())
            });
        }
        list_changes(&mut out, &before.acts, &part.acts, |verb, act| {
            format!("{who}: {verb} act “{act}”")
        });
        if before.garments != part.garments {
            out.push(format!(
                "{who}: garments and barriers “{}” → “{}”",
                before.garments, part.garments
            ));
        }
    }
    for part in &old.performers {
        if !new
            .performers
            .iter()
            .any(|p| p.cast_member_id == part.cast_member_id)
        {
            out.push(format!("Removed {}", name(part.cast_member_id)));
        }
    }

    if old.garments != new.garments {
        out.push(format!(
            "Shared garments and barriers: “{}” → “{}”",
            old.garments, new.garments
        ));
    }
    if old.stills_allowed != new.stills_allowed {
        let words = |allowed: bool| if allowed { "allowed" } else { "not allowed" };
        out.push(format!(
            "Stills: {} → {}",
            words(old.stills_allowed),
            words(new.stills_allowed)
        ));
    }
    for (label, was, now) in [
        ("Closed set", &old.closed_set, &new.closed_set),
        ("Monitor list", &old.monitor_list, &new.monitor_list),
    ] {
        let was_keys: BTreeSet<String> = was.iter().map(|n| name_key(n)).collect();
        let now_keys: BTreeSet<String> = now.iter().map(|n| name_key(n)).collect();
        for person in now.iter().filter(|n| !was_keys.contains(&name_key(n))) {
            out.push(format!("{label}: added {person}"));
        }
        for person in was.iter().filter(|n| !now_keys.contains(&name_key(n))) {
            out.push(format!("{label}: removed {person}"));
        }
    }
    out
}

/// A breakdown with nothing in it: what a scene has before its first version.
pub fn empty_breakdown() -> Breakdown {
    Breakdown {
        kinds: Vec::new(),
        performers: Vec::new(),
        garments: String::new(),
        stills_allowed: false,
        closed_set: Vec::new(),
        monitor_list: Vec::new(),
    }
}

/// A stored breakdown; anything unreadable (an empty `{}` from an import) reads as empty rather
/// than failing the page, because the versions themselves are never rewritten.
pub fn read_breakdown(json: &str) -> Breakdown {
    serde_json::from_str(json).unwrap_or_else(|_| empty_breakdown())
}

#[cfg(test)]
mod tests;
