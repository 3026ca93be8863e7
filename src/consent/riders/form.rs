//! The draft form a coordinator fills on the new-rider page and on a draft's own page: what it
//! holds as typed, and the scenes it offers with what the breakdown asks (the prefill).

use crate::vocab::scope::Uses;
use crate::web::{FormBody, Len};

use super::lifecycle::{Candidate, Covered, RiderRow, Terms};

/// What the draft form holds, kept as typed so a 422 shows it again.
#[derive(Clone, Debug, Default)]
pub(super) struct DraftForm {
    pub(super) cast_member_id: String,
    pub(super) scenes: Vec<String>,
    pub(super) in_picture: bool,
    pub(super) in_trailers: bool,
    pub(super) in_stills: bool,
    pub(super) double_allowed: bool,
}

impl DraftForm {
    pub(super) fn read(body: &FormBody) -> DraftForm {
        let mut r = body.reader();
        DraftForm {
            cast_member_id: r.text("cast_member_id", Len::Code),
            scenes: r.all("scenes", Len::Code),
            in_picture: body.has("in_picture"),
            in_trailers: body.has("in_trailers"),
            in_stills: body.has("in_stills"),
            double_allowed: body.has("double_allowed"),
        }
    }
    pub(super) fn of(rider: &RiderRow, covered: &[Covered]) -> DraftForm {
        DraftForm {
            cast_member_id: rider.cast_member_id.to_string(),
            scenes: covered.iter().map(|c| c.scene_id.to_string()).collect(),
            in_picture: rider.in_picture,
            in_trailers: rider.in_trailers,
            in_stills: rider.in_stills,
            double_allowed: rider.double_allowed,
        }
    }
    /// A new rider asks for use in the picture only, until the coordinator asks for more.
    pub(super) fn fresh(cast_member_id: String) -> DraftForm {
        DraftForm {
            cast_member_id,
            in_picture: true,
            ..DraftForm::default()
        }
    }
    pub(super) fn terms(&self) -> Terms {
        Terms {
            uses: Uses {
                in_picture: self.in_picture,
                trailers: self.in_trailers,
                stills: self.in_stills,
            },
            double_allowed: self.double_allowed,
        }
    }
    /// Chosen scene ids; anything unreadable becomes an id no scene has, refused as a choice.
    pub(super) fn scene_ids(&self) -> Vec<i64> {
        self.scenes
            .iter()
            .map(|s| s.trim().parse().unwrap_or(-1))
            .collect()
    }
    pub(super) fn has_scene(&self, scene_id: &i64) -> bool {
        self.scenes.contains(&scene_id.to_string())
    }
}

/// A scene offered on the draft form, with what the breakdown asks (the prefill).
pub(super) struct CandidateView {
    pub(super) scene_id: i64,
    pub(super) label: String,
    pub(super) nudity: &'static str,
    pub(super) areas: String,
    pub(super) acts: Vec<String>,
    pub(super) double_for: Option<String>,
}

impl CandidateView {
    pub(super) fn of(c: &Candidate) -> CandidateView {
        let part = c.part.normalised();
        let labels = |areas: &[crate::vocab::body::BodyArea]| {
            areas
                .iter()
                .map(|a| a.label())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut areas = Vec::new();
        for (what, list) in [
            ("shown", &part.shown),
            ("touched", &part.touched),
            ("touching", &part.touching),
        ] {
            if !list.is_empty() {
                areas.push(format!("{what}: {}", labels(list)));
            }
        }
        CandidateView {
            scene_id: c.scene_id,
            label: format!("Sc. {} — {} (version {})", c.number, c.heading, c.version),
            nudity: part.nudity.label(),
            areas: areas.join("; "),
            acts: part.acts,
            double_for: c.double_for.clone(),
        }
    }
}
