//! The facts clearance decides on, as plain data: the scene as it stands, its performers, their
//! riders and doubles, the day's call; and the answer, cleared or blocked with reasons. What
//! `consent::status` gathers from the database and every rule of this folder reads.

use time::{Date, Duration, OffsetDateTime};

use crate::vocab::scope::{Narrowing, Scope, ScopeItem, words};

/// A performer the current breakdown asks something of.
#[derive(Clone, Debug)]
pub struct Performer {
    pub cast_member_id: i64,
    /// How screens name them: "#1 Alex Rivera".
    pub label: String,
    pub date_of_birth: Option<Date>,
}

/// One rider as the consent events left it.
#[derive(Clone, Debug)]
pub struct Rider {
    pub rider_id: i64,
    pub cast_member_id: i64,
    /// The scene version this rider covers for the scene being decided.
    pub covers_version_id: i64,
    /// What the current version asks of this performer differs from what that version asked
    /// (`rules::staleness`): only then does a newer version make the rider stale.
    pub part_changed: bool,
    pub delivered_at: Option<OffsetDateTime>,
    pub signed_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
    pub superseded: bool,
    pub scope: Scope,
}

/// A double standing in for a performer in this scene (R4).
#[derive(Clone, Debug)]
pub struct Double {
    pub original_cast_member_id: i64,
    pub double: Performer,
}

/// The scene as it stands.
#[derive(Clone, Debug)]
pub struct Scene {
    /// Nudity or simulated sex: only flagged scenes need riders to clear (R1).
    pub flagged: bool,
    pub current_version_id: i64,
    /// Already marked shot on this day: revocation no longer affects it (R3).
    pub shot: bool,
    /// Whether the breakdown asks for stills at all.
    pub stills_requested: bool,
    pub performers: Vec<Performer>,
    /// R11: the cast members the coordinator reconfirmed on this shoot day (when a double stands
    /// in, the double is the one reconfirmed). `None` while the check does not apply: before
    /// the shoot date, and for unscheduled scenes.
    pub reconfirmed: Option<Vec<i64>>,
    /// R11: what performers took back when reconfirming, per rider. Applies from the moment it
    /// is recorded, on every day, like a revocation in part.
    pub narrowed: Vec<Narrowed>,
}

/// A narrowing of one rider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Narrowed {
    pub rider_id: i64,
    pub narrowing: Narrowing,
}

/// The shoot day's call.
#[derive(Clone, Copy, Debug)]
pub struct Call {
    pub date: Date,
    pub call_at: OffsetDateTime,
    pub notice: Duration,
}

/// Why a scene is blocked, for one performer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    NoRider,
    NotDelivered,
    NotSigned,
    /// Signed for an earlier version of the breakdown.
    Stale,
    Revoked,
    LateDelivery {
        delivered_at: OffsetDateTime,
        deadline: OffsetDateTime,
    },
    UnderAge,
    /// A double's signed rider goes beyond what the original performer had agreed.
    DoubleWider(Vec<ScopeItem>),
    /// R11: on the shoot day, not yet reconfirmed by the coordinator before the first take.
    NotReconfirmed,
    /// R11: took back, at a reconfirmation, items the scene asks for (a revocation in part).
    Narrowed(Vec<ScopeItem>),
    /// The signed rider does not agree to being in the picture: nothing can be filmed.
    NotInPicture,
    /// R2: a beat of the choreography asks more than the signed rider allows. The items stay
    /// off the sentence: producers read reasons and never the choreography's content.
    BeatBeyond {
        beat_no: usize,
        items: Vec<ScopeItem>,
    },
}

impl Problem {
    /// A short word for badges and CSV.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::NoRider => "missing",
            Problem::NotDelivered => "not delivered",
            Problem::NotSigned => "unsigned",
            Problem::Stale => "stale",
            Problem::Revoked => "revoked",
            Problem::LateDelivery { .. } => "late delivery",
            Problem::UnderAge => "under 18",
            Problem::DoubleWider(_) => "double wider",
            Problem::NotReconfirmed => "not reconfirmed",
            Problem::Narrowed(_) => "narrowed",
            Problem::NotInPicture => "not in picture",
            Problem::BeatBeyond { .. } => "beat beyond rider",
        }
    }
}

/// One performer and what stops the scene for them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    pub cast_member_id: i64,
    pub who: String,
    pub problem: Problem,
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let who = &self.who;
        match &self.problem {
            Problem::NoRider => write!(f, "{who}: no rider drafted"),
            Problem::NotDelivered => write!(f, "{who}: rider not delivered yet"),
            Problem::NotSigned => write!(f, "{who}: rider delivered but not signed"),
            Problem::Stale => write!(
                f,
                "{who}: signed rider is stale (the breakdown changed since); a new rider must be signed"
            ),
            Problem::Revoked => write!(f, "{who}: consent revoked"),
            Problem::LateDelivery { deadline, .. } => write!(
                f,
                "{who}: rider delivered after the notice deadline ({} UTC)",
                deadline.date()
            ),
            Problem::UnderAge => write!(f, "{who}: under 18 on the shoot date (R5)"),
            Problem::DoubleWider(beyond) => write!(
                f,
                "{who}: the double's rider goes beyond the original agreement ({})",
                words(beyond)
            ),
            Problem::NotReconfirmed => write!(
                f,
                "{who}: not reconfirmed on the day; the coordinator reconfirms before the first take"
            ),
            Problem::Narrowed(items) => write!(
                f,
                "{who}: consent narrowed on the day, no longer agreed: {}",
                words(items)
            ),
            Problem::NotInPicture => write!(
                f,
                "{who}: the signed rider does not agree to being in the picture"
            ),
            Problem::BeatBeyond { beat_no, .. } => write!(
                f,
                "{who}: beat {beat_no} of the choreography asks more than the signed rider allows; \
                 change the beat or sign a new rider"
            ),
        }
    }
}

/// The decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Clearance {
    /// No nudity or simulated sex: riders are not required to shoot.
    NotFlagged,
    /// Marked shot on this day; later events do not change that.
    Shot,
    Cleared {
        /// R9: every performer's signed rider allows stills.
        stills_allowed: bool,
    },
    Blocked(Vec<Reason>),
}

impl Clearance {
    pub fn is_blocked(&self) -> bool {
        matches!(self, Clearance::Blocked(_))
    }
}
