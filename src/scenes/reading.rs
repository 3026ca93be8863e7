//! A breakdown as each reader may see it: everything for producers, coordinators and directors;
//! for a performer, only their own part and the change lines about the scene or about them.

use crate::cast::CastMember;
use crate::productions::Member;
use crate::rules::minors::is_restricted;
use crate::scenes::stored::SceneRow;
use crate::vocab::Role;
use crate::vocab::body::BodyArea;
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
}

/// A breakdown as one viewer may read it.
pub struct BreakdownView {
    pub kinds: String,
    pub parts: Vec<PartView>,
    /// `None` for performers: garment notes describe other performers' bodies too.
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

#[cfg(test)]
mod tests {
    use super::*;

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
