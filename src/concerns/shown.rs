//! How a concern is shown wherever it appears: where it stands (`Status`, with a `shown!` impl
//! giving each row its label) and when things happened, on the production's clocks.

use std::borrow::Borrow;

use time::OffsetDateTime;

use crate::productions::Member;

/// Where a concern stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Status {
    Open,
    InProgress,
    Resolved,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Open, Status::InProgress, Status::Resolved];

    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::InProgress => "in_progress",
            Status::Resolved => "resolved",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Status::Open => "Open",
            Status::InProgress => "In progress",
            Status::Resolved => "Resolved",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// The label of a stored status, for templates.
pub(super) fn status_label(s: &str) -> &'static str {
    Status::parse(s).map_or("", |s| s.label())
}

/// When something happened, on the production's clocks as every other page gives times:
/// "Mon 3 May 2027, 07:00".
pub(super) fn when(member: &Member, at: impl Borrow<OffsetDateTime>) -> String {
    member.production.zone.moment(*at.borrow())
}

/// Gives each listed row that has a stored `status` its label, for templates.
macro_rules! shown {
    ($($row:ident),*) => {$(
        impl $row {
            fn status_label(&self) -> &'static str {
                $crate::concerns::shown::status_label(&self.status)
            }
        }
    )*};
}
pub(super) use shown;
