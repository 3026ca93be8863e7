//! A breakdown as each reader may see it: everything for producers, coordinators and directors;
//! for a performer, only their own part and the change lines about the scene or about them.
//! Boundary conflicts with it: every performer's for coordinators, a performer's own, nobody else.

use crate::access::Action;
use crate::cast::CastMember;
use crate::productions::Member;
use crate::rules::boundaries::Conflict;
use crate::rules::minors::is_restricted;
use crate::scenes::stored::SceneRow;
use crate::vocab::Role;
use crate::vocab::body::BodyArea;
use crate::vocab::boundary::Answer;
use crate::vocab::breakdown::Breakdown;
use crate::vocab::breakdown::empty_breakdown;

/// Whose eyes a breakdown is shown to.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Viewer {
    /// Producers, coordinators, directors: the whole breakdown.
    All,
    /// A performer: only their own part, never another's acts or areas.
    Performer {
        cast_member_id: i64,
        cast_number: i32,
    },
}

impl Viewer {
    pub(crate) fn of(member: &Member, scene: &SceneRow, cast: &[CastMember]) -> Viewer {
        if !member.is(Role::Performer) {
            return Viewer::All;
        }
        let cast_member_id = scene.my_cast_member_id.unwrap_or(-1);
        let cast_number = cast
            .iter()
            .find(|c| c.cast_member_id == cast_member_id)
            .map_or(-1, |c| c.cast_number);
        Viewer::Performer {
            cast_member_id,
            cast_number,
        }
    }
}

/// The change lines a viewer may read. A performer keeps the lines about the whole scene and
/// about themselves; lines naming another performer, and garment notes (which describe bodies),
/// are left out.
pub(crate) fn visible_changes(lines: &[String], viewer: Viewer) -> Vec<String> {
    let Viewer::Performer { cast_number, .. } = viewer else {
        return lines.to_vec();
    };
    let own = [
        format!("#{cast_number} "),
        format!("Added #{cast_number} "),
        format!("Removed #{cast_number} "),
    ];
    let general = [
        "Added kind:",
        "Removed kind:",
        "Stills:",
        "Closed set:",
        "Monitor list:",
    ];
    lines
        .iter()
        .filter(|l| {
            own.iter().any(|p| l.starts_with(p.as_str()))
                || general.iter().any(|p| l.starts_with(p))
        })
        .cloned()
        .collect()
}

/// One performer's part as shown.
pub struct PartView {
    pub label: String,
    pub nudity: &'static str,
    pub shown: String,
    pub touched: String,
    pub touching: String,
    pub acts: Vec<String>,
    /// Their own garments and barriers, line breaks kept; empty when none.
    pub garments: String,
}

/// A breakdown as one viewer may read it.
pub struct BreakdownView {
    pub kinds: String,
    pub parts: Vec<PartView>,
    /// The garments and barriers everyone in the scene uses, line breaks kept. `None` for
    /// performers: versions saved before parts had their own garments name other performers'
    /// items here, and a performer's own are in their part.
    pub garments: Option<String>,
    pub stills_allowed: bool,
    pub closed_set: Vec<String>,
    pub monitor_list: Vec<String>,
    pub restricted: bool,
    pub is_empty: bool,
    pub for_performer: bool,
}

fn area_list(areas: &[BodyArea]) -> String {
    if areas.is_empty() {
        return "none".into();
    }
    areas
        .iter()
        .map(|a| a.label())
        .collect::<Vec<_>>()
        .join(", ")
}

impl BreakdownView {
    pub(crate) fn new(b: &Breakdown, cast: &[CastMember], viewer: Viewer) -> BreakdownView {
        let b = b.normalised();
        let only = match viewer {
            Viewer::All => None,
            Viewer::Performer { cast_member_id, .. } => Some(cast_member_id),
        };
        let parts = b
            .performers
            .iter()
            .filter(|p| only.is_none_or(|id| id == p.cast_member_id))
            .map(|p| PartView {
                label: cast
                    .iter()
                    .find(|c| c.cast_member_id == p.cast_member_id)
                    .map_or_else(|| "A former cast member".to_string(), CastMember::label),
                nudity: p.nudity.label(),
                shown: area_list(&p.shown),
                touched: area_list(&p.touched),
                touching: area_list(&p.touching),
                acts: p.acts.clone(),
                garments: p.garments.clone(),
            })
            .collect();
        BreakdownView {
            is_empty: b == empty_breakdown(),
            restricted: is_restricted(&b),
            kinds: b
                .kinds
                .iter()
                .map(|k| k.label())
                .collect::<Vec<_>>()
                .join(", "),
            parts,
            garments: only.is_none().then(|| b.garments.clone()),
            stills_allowed: b.stills_allowed,
            closed_set: b.closed_set.clone(),
            monitor_list: b.monitor_list.clone(),
            for_performer: only.is_some(),
        }
    }
}

/// A warning that a performer's boundary profile says No, or "ask me first", to something the
/// breakdown asks of them: one paragraph, in the words its reader is shown.
pub struct ConflictWarning {
    /// "#2 Sam Cast's boundary profile says No to: …. Discuss this with them before …".
    pub text: String,
    /// The profile the warning is about, to read it in full.
    pub profile_href: String,
    pub profile_link: String,
}

/// The warnings `member` may read, from `conflicts` (cast member id, conflicts) of one scene.
/// Boundary profiles are the performer's and the coordinators' only (DOMAIN §4): a coordinator
/// reads every performer's, a performer their own, anyone else nothing, not even that one exists.
pub(crate) fn conflict_warnings(
    member: &Member,
    conflicts: &[(i64, Vec<Conflict>)],
    cast: &[CastMember],
) -> Vec<ConflictWarning> {
    if !member.can(Action::ReadBoundaries) {
        return Vec::new();
    }
    conflicts
        .iter()
        .filter(|(_, found)| !found.is_empty())
        .filter_map(|(id, found)| {
            let person = cast.iter().find(|c| c.cast_member_id == *id)?;
            let own = person.user_id == Some(member.user.user_id);
            if member.is(Role::Performer) && !own {
                return None;
            }
            Some(ConflictWarning {
                text: warning_text(&person.label(), own, found),
                profile_href: format!("{}/boundaries/{id}", member.base()),
                profile_link: if own {
                    "Your boundary profile".to_string()
                } else {
                    format!("Boundary profile of {}", person.label())
                },
            })
        })
        .collect()
}

/// "#2 Sam Cast's boundary profile says No to: A; B. It asks to be asked first about: C.
/// Discuss this with them before a rider is delivered." In the second person for the performer.
fn warning_text(label: &str, own: bool, found: &[Conflict]) -> String {
    let listed = |answer: Answer| -> Vec<String> {
        found
            .iter()
            .filter(|c| c.answer == answer)
            .map(Conflict::without_answer)
            .collect()
    };
    let (no, ask) = (listed(Answer::No), listed(Answer::Ask));
    let mut text = if own {
        "Your boundary profile".to_string()
    } else {
        format!("{label}’s boundary profile")
    };
    match (no.is_empty(), ask.is_empty()) {
        (false, true) => text.push_str(&format!(" says No to: {}.", no.join("; "))),
        (true, false) => text.push_str(&format!(
            " asks to be asked first about: {}.",
            ask.join("; ")
        )),
        _ => text.push_str(&format!(
            " says No to: {}. It asks to be asked first about: {}.",
            no.join("; "),
            ask.join("; ")
        )),
    }
    text.push_str(if own {
        " Your intimacy coordinator will talk this through with you before a rider is delivered; \
         you do not have to agree to it."
    } else {
        " Discuss this with them before a rider is delivered."
    });
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conflict_warning_names_the_performer_for_others_and_says_you_to_the_performer() {
        use crate::rules::boundaries::Asked;
        use crate::vocab::boundary::Contact;
        let found = [
            Conflict {
                area: BodyArea::Breasts,
                contact: Contact::SeenUnclothed,
                answer: Answer::No,
                asked: Asked::Shown,
            },
            Conflict {
                area: BodyArea::Mouth,
                contact: Contact::Kissed,
                answer: Answer::Ask,
                asked: Asked::Kiss,
            },
        ];
        assert_eq!(
            warning_text("#2 Sam Cast", false, &found[..1]),
            "#2 Sam Cast’s boundary profile says No to: Breasts seen unclothed on camera \
             (the breakdown asks: Breasts shown). Discuss this with them before a rider is \
             delivered."
        );
        assert_eq!(
            warning_text("#2 Sam Cast", true, &found),
            "Your boundary profile says No to: Breasts seen unclothed on camera (the breakdown \
             asks: Breasts shown). It asks to be asked first about: Mouth kissed by a scene \
             partner (the breakdown asks: a kiss). Your intimacy coordinator will talk this \
             through with you before a rider is delivered; you do not have to agree to it."
        );
    }

    #[test]
    fn performers_read_only_general_and_own_change_lines() {
        let lines: Vec<String> = [
            "Added kind: Nudity",
            "#1 Alex Rivera: added act “Kiss”",
            "#12 Someone: added act “Secret”",
            "Added #2 Sam (nudity: Implied)",
            "Garments and barriers: “” → “Patch for Sam”",
            "Closed set: added Morgan",
            "Removed #1 Alex Rivera",
        ]
        .map(String::from)
        .to_vec();
        let seen = visible_changes(
            &lines,
            Viewer::Performer {
                cast_member_id: 5,
                cast_number: 1,
            },
        );
        assert_eq!(
            seen,
            [
                "Added kind: Nudity",
                "#1 Alex Rivera: added act “Kiss”",
                "Closed set: added Morgan",
                "Removed #1 Alex Rivera",
            ]
        );
        assert_eq!(visible_changes(&lines, Viewer::All).len(), lines.len());
    }
}
