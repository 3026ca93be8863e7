//! The kinds of conversation the coordinator logs (DOMAIN §2), as stored in `conversation.kind`
//! and as pages name them.

/// A kind of conversation (DOMAIN §2); the database values of `conversation.kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    FirstOneToOne,
    ScenePreparation,
    RehearsalCheckIn,
    OnTheDayReconfirmation,
    Closure,
    Other,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::FirstOneToOne,
        Kind::ScenePreparation,
        Kind::RehearsalCheckIn,
        Kind::OnTheDayReconfirmation,
        Kind::Closure,
        Kind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::FirstOneToOne => "first_one_to_one",
            Kind::ScenePreparation => "scene_preparation",
            Kind::RehearsalCheckIn => "rehearsal_check_in",
            Kind::OnTheDayReconfirmation => "on_the_day_reconfirmation",
            Kind::Closure => "closure",
            Kind::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::FirstOneToOne => "First one-to-one",
            Kind::ScenePreparation => "Scene preparation",
            Kind::RehearsalCheckIn => "Rehearsal check-in",
            Kind::OnTheDayReconfirmation => "On-the-day reconfirmation",
            Kind::Closure => "Closure / step-out",
            Kind::Other => "Other",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == text.trim())
    }
}

/// The label of a stored kind; one no longer known reads as "Other".
pub(super) fn kind_label(db: &str) -> &'static str {
    Kind::parse(db).map_or("Other", Kind::label)
}
