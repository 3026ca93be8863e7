//! Each role's first page of a production: the producer's readiness view, the coordinator's
//! work queue, the performer's own scenes and riders, the director's consent overview.

mod coordinator;
mod director;
mod performer;
mod producer;

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

use time::{Duration, OffsetDateTime};

use crate::AppState;
use crate::error::Result;
use crate::productions::{Member, Role};
use crate::web::Ctx;

pub fn router() -> Router<AppState> {
    Router::new().route("/productions/{production_id}", get(home))
}

async fn home(State(state): State<AppState>, ctx: Ctx, member: Member) -> Result<Response> {
    match member.role {
        Role::Producer => producer::page(&state, ctx, member).await,
        Role::Coordinator => coordinator::page(&state, ctx, member).await,
        Role::Performer => performer::page(&state, ctx, member).await,
        Role::Director => director::page(&state, ctx, member).await,
    }
}

/// A length of time as people say it: "40 min", "2 h", "4 h 30 min", "1 day 5 h" (minutes
/// stop mattering once it is days). Negative lengths read as zero.
fn duration_words(length: Duration) -> String {
    let minutes = length.whole_minutes().max(0);
    let (days, hours, minutes) = (minutes / (24 * 60), minutes / 60 % 24, minutes % 60);
    match (days, hours, minutes) {
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, h, _) => format!("{d} day{} {h} h", if d == 1 { "" } else { "s" }),
    }
}

/// How long until a deadline: "in 2 days 5 h", "in 40 min", "deadline passed".
pub fn countdown(now: OffsetDateTime, deadline: OffsetDateTime) -> String {
    if deadline <= now {
        "deadline passed".into()
    } else {
        format!("in {}", duration_words(deadline - now))
    }
}

/// How long something lasted: "4 h 30 min".
pub fn span(from: OffsetDateTime, to: OffsetDateTime) -> String {
    duration_words(to - from)
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn countdowns_and_spans_read_like_people_speak() {
        let now = datetime!(2027-05-01 10:00 UTC);
        assert_eq!(
            countdown(now, datetime!(2027-05-03 15:30 UTC)),
            "in 2 days 5 h"
        );
        assert_eq!(
            countdown(now, datetime!(2027-05-02 11:00 UTC)),
            "in 1 day 1 h"
        );
        assert_eq!(
            countdown(now, datetime!(2027-05-01 13:20 UTC)),
            "in 3 h 20 min"
        );
        assert_eq!(countdown(now, datetime!(2027-05-01 13:00 UTC)), "in 3 h");
        assert_eq!(countdown(now, datetime!(2027-05-01 10:40 UTC)), "in 40 min");
        assert_eq!(countdown(now, now), "deadline passed");
        assert_eq!(span(now, datetime!(2027-05-01 14:30 UTC)), "4 h 30 min");
        assert_eq!(span(now, now - Duration::hours(1)), "0 min");
    }
}
