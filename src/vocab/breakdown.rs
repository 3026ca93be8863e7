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
    /// Modesty garments and barriers, free text.
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
            garments: self
                .garments
                .lines()
                .map(str::trim_end)
                .collect::<Vec<_>>()
                .join("\n")
                .trim()
                .to_string(),
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
    /// part (nudity, areas shown, touched and touching, acts), the garments and whether stills
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
            "Garments and barriers: “{}” → “{}”",
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
mod tests {
    use super::*;

    fn sample() -> Breakdown {
        Breakdown {
            kinds: vec![
                IntimacyKind::SimulatedSex,
                IntimacyKind::Kiss,
                IntimacyKind::Nudity,
            ],
            performers: vec![
                PerformerPart {
                    cast_member_id: 7,
                    nudity: NudityLevel::PartialUpper,
                    shown: vec![BodyArea::UpperBack, BodyArea::Breasts],
                    touched: vec![BodyArea::Neck, BodyArea::Face],
                    touching: vec![BodyArea::Hands],
                    acts: vec![
                        "Kiss on the mouth".into(),
                        "  ".into(),
                        "Straddles B".into(),
                    ],
                },
                PerformerPart {
                    cast_member_id: 3,
                    nudity: NudityLevel::Implied,
                    shown: vec![],
                    touched: vec![BodyArea::Chest],
                    touching: vec![BodyArea::Neck, BodyArea::Hands],
                    acts: vec!["Lies under A".into()],
                },
            ],
            garments: "Modesty patch for B\r\nBarrier cushion  ".into(),
            stills_allowed: false,
            closed_set: vec!["Sam Lee".into(), "Ana Ruiz".into(), "Director Jo".into()],
            monitor_list: vec!["Director Jo".into()],
        }
    }

    fn reordered() -> Breakdown {
        let mut b = sample();
        b.kinds.reverse();
        b.kinds.push(IntimacyKind::Kiss);
        b.performers.reverse();
        b.performers[1].shown.reverse();
        b.performers[1].acts = vec![" Straddles   B ".into(), "Kiss on the mouth".into()];
        b.performers[0].touching.reverse();
        b.garments = "  Modesty patch for B   \nBarrier cushion\n".into();
        b.closed_set = vec![
            " Director Jo".into(),
            "Sam Lee ".into(),
            "Ana Ruiz".into(),
            "ana ruiz".into(),
        ];
        b.monitor_list = vec!["director jo".into(), "Director Jo".into()];
        b
    }

    #[test]
    fn hash_is_stable_under_reordering_and_whitespace() {
        let a = sample();
        let b = reordered();
        assert_eq!(a.canonical(), b.canonical());
        assert_eq!(a.content_hash(), b.content_hash());
        assert_eq!(a.content_hash().len(), 64);
        assert!(
            a.content_hash()
                .bytes()
                .all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
        );
        assert!(diff(&a, &b, |id| format!("Cast id {id}")).is_empty());
    }

    #[test]
    fn canonical_form_is_sorted_and_tidy() {
        let canonical = sample().canonical();
        assert!(canonical.starts_with(
            r#"{"kinds":["kiss","nudity","simulated_sex"],"performers":[{"cast_member_id":3,"#
        ));
        assert!(canonical.contains(r#""acts":["Kiss on the mouth","Straddles B"]"#));
        assert!(canonical.contains(r#""garments":"Modesty patch for B\nBarrier cushion""#));
        assert!(canonical.contains(r#""closed_set":["Ana Ruiz","Director Jo","Sam Lee"]"#));
    }

    #[test]
    fn hash_changes_on_any_content_change() {
        let base = sample().content_hash();
        let changes: Vec<fn(&mut Breakdown)> = vec![
            |b| b.kinds.push(IntimacyKind::Striptease),
            |b| b.kinds.retain(|k| *k != IntimacyKind::Kiss),
            |b| b.performers[0].nudity = NudityLevel::FullFrontal,
            |b| b.performers[0].shown.push(BodyArea::Buttocks),
            |b| b.performers[0].touched.push(BodyArea::Thighs),
            |b| b.performers[1].touching.push(BodyArea::Feet),
            |b| b.performers[1].acts.push("Rolls over".into()),
            |b| b.performers[1].acts[0] = "Lies beside A".into(),
            |b| b.performers[1].cast_member_id = 4,
            |b| {
                b.performers.pop();
            },
            |b| b.garments.push_str(" and knee pads"),
            |b| b.stills_allowed = true,
            |b| b.closed_set.push("Kit Moss".into()),
            |b| b.closed_set[0] = "Sam Leigh".into(),
            |b| b.monitor_list.push("Sam Lee".into()),
        ];
        let mut hashes = BTreeSet::new();
        for (i, change) in changes.iter().enumerate() {
            let mut b = sample();
            change(&mut b);
            let hash = b.content_hash();
            assert_ne!(hash, base, "change {i} kept the hash");
            assert!(hashes.insert(hash), "change {i} collided");
        }
    }

    #[test]
    fn a_performers_part_hash_moves_only_with_what_is_asked_of_them() {
        let b = sample();
        let first = b.performers[0].cast_member_id;
        let second = b.performers[1].cast_member_id;
        let before = (b.part_hash(first), b.part_hash(second));
        assert!(before.0.is_some() && before.0 != before.1);
        // Around them: the closed set, the monitors, another performer's part.
        let mut around = b.clone();
        around.closed_set.push("New Grip".into());
        around.monitor_list.clear();
        around.performers[1].acts.push("another act".into());
        assert_eq!(around.part_hash(first), before.0);
        assert_ne!(around.part_hash(second), before.1);
        // Their own part, the kinds, the garments or stills: theirs changes.
        for change in 0..4 {
            let mut theirs = b.clone();
            match change {
                0 => theirs.performers[0].acts.push("a new act".into()),
                1 => theirs.kinds.retain(|k| *k != IntimacyKind::Kiss),
                2 => theirs.garments.push_str("\nA robe"),
                _ => theirs.stills_allowed = !theirs.stills_allowed,
            }
            assert_ne!(theirs.part_hash(first), before.0, "change {change}");
        }
        assert_eq!(b.part_hash(999_999), None);
    }

    #[test]
    fn a_sample_breakdown_is_whole() {
        assert_eq!(sample().validate(), Ok(()));
    }

    #[test]
    fn other_validation_rules() {
        let mut b = sample();
        b.performers[1].cast_member_id = 7;
        let errors = b.validate().unwrap_err();
        assert_eq!(errors[0].0, "performers");

        let mut b = sample();
        b.kinds.retain(|k| *k != IntimacyKind::Nudity);
        assert_eq!(b.validate().unwrap_err()[0].0, "kinds");

        let mut b = sample();
        for p in &mut b.performers {
            p.nudity = NudityLevel::None;
        }
        assert_eq!(b.validate().unwrap_err()[0].0, "kinds");
    }

    #[test]
    fn diff_lines() {
        let old = sample();
        let mut new = sample();
        new.kinds.push(IntimacyKind::Striptease);
        new.kinds.retain(|k| *k != IntimacyKind::Kiss);
        new.performers[1].nudity = NudityLevel::FullFrontal;
        new.performers[0].acts.push("Unbuttons shirt".into());
        new.performers[0].acts.retain(|a| a != "Straddles B");
        new.performers[0].shown.push(BodyArea::Buttocks);
        new.performers.push(PerformerPart {
            cast_member_id: 9,
            nudity: NudityLevel::None,
            shown: vec![],
            touched: vec![],
            touching: vec![BodyArea::Hands],
            acts: vec!["Holds the door".into()],
        });
        new.stills_allowed = true;
        new.closed_set.push("Kit Moss".into());
        new.closed_set.retain(|n| n != "Ana Ruiz");
        new.garments = "Modesty patch for B".into();
        let lines = diff(&old, &new, |id| format!("Cast id {id}"));
        assert_eq!(
            lines,
            [
                "Added kind: Striptease",
                "Removed kind: Kiss",
                "Cast id 3 nudity: Implied → Full frontal",
                "Cast id 7: added shown: Buttocks",
                "Cast id 7: added act “Unbuttons shirt”",
                "Cast id 7: removed act “Straddles B”",
                "Added Cast id 9 (nudity: None)",
                "Cast id 9: added act “Holds the door”",
                "Cast id 9: added touching: Hands",
                "Garments and barriers: “Modesty patch for B\nBarrier cushion” → “Modesty patch for B”",
                "Stills: not allowed → allowed",
                "Closed set: added Kit Moss",
                "Closed set: removed Ana Ruiz",
            ]
        );
        let removed = diff(&new, &old, |id| format!("#{id}"));
        assert!(removed.contains(&"Removed #9".to_string()));
        assert!(removed.contains(&"Stills: allowed → not allowed".to_string()));
    }
}
