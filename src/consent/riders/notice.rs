//! The notice period in plain words on a rider's page: when it reached the performer and how
//! that stands against the next call of a day still to be shot (`next_call_sql`). A day already
//! shot is never mentioned: there is nothing left to act on.

use time::macros::format_description;
use time::{Duration, OffsetDateTime};

use crate::clock::Zone;

/// What the sentence is about.
pub(super) struct Notice<'a> {
    /// The performer reads it ("you"); staff read it about the performer.
    pub own: bool,
    pub performer: &'a str,
    pub notice_hours: i32,
    pub delivered: Option<OffsetDateTime>,
    /// The earliest call of a shoot day with one of the rider's scenes not yet shot.
    pub next_call: Option<OffsetDateTime>,
}

/// "Thursday 3 December at 07:00", in the production's zone.
fn when(zone: &Zone, instant: OffsetDateTime) -> String {
    let format =
        format_description!("[weekday] [day padding:none] [month repr:long] at [hour]:[minute]");
    zone.local(instant).format(&format).unwrap_or_default()
}

/// The sentence under the rider's status.
pub(super) fn words(zone: &Zone, n: &Notice<'_>) -> String {
    let hours = n.notice_hours;
    let notice = Duration::hours(i64::from(hours));
    let (own, who) = (n.own, n.performer);
    match (n.delivered, n.next_call) {
        (Some(delivered), Some(call)) if delivered <= call - notice => {
            let (d, c) = (when(zone, delivered), when(zone, call));
            if own {
                format!(
                    "This rider reached you on {d} — at least {hours} hours before your call on \
                     {c}, as the production's rules require."
                )
            } else {
                format!(
                    "Delivered on {d} — at least {hours} hours before the call on {c}, as the \
                     production's rules require."
                )
            }
        }
        (Some(delivered), Some(call)) => {
            let (d, c) = (when(zone, delivered), when(zone, call));
            if own {
                format!(
                    "This rider reached you on {d}, less than {hours} hours before your call on \
                     {c}. The production's rules ask for {hours} hours' notice, so it cannot be \
                     used for that day."
                )
            } else {
                format!(
                    "Delivered on {d}, less than {hours} hours before the call on {c}: it cannot \
                     clear its scenes that day."
                )
            }
        }
        (Some(delivered), None) => {
            let d = when(zone, delivered);
            if own {
                format!(
                    "This rider reached you on {d}. The production must give you at least \
                     {hours} hours' notice before the call of any day its scenes are shot."
                )
            } else {
                format!("Delivered on {d}. None of its scenes is on a shoot day still to come.")
            }
        }
        (None, Some(call)) => format!(
            "Not delivered yet. To count for the call on {}, it must reach {who} by {}.",
            when(zone, call),
            when(zone, call - notice)
        ),
        (None, None) => format!(
            "Not delivered yet. It must reach {who} at least {hours} hours before the call of \
             the shoot day."
        ),
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn notice(own: bool, delivered: Option<OffsetDateTime>) -> Notice<'static> {
        Notice {
            own,
            performer: "Alex Rivera",
            notice_hours: 48,
            delivered,
            next_call: Some(datetime!(2026-12-03 07:00 UTC)),
        }
    }

    #[test]
    fn in_time_says_so_in_plain_words() {
        let zone = Zone::parse("Europe/London").unwrap();
        let on_time = notice(true, Some(datetime!(2026-11-30 10:00 UTC)));
        assert_eq!(
            words(&zone, &on_time),
            "This rider reached you on Monday 30 November at 10:00 — at least 48 hours before \
             your call on Thursday 3 December at 07:00, as the production's rules require."
        );
        let staff = notice(false, on_time.delivered);
        assert!(words(&zone, &staff).starts_with("Delivered on Monday 30 November at 10:00 — "));
    }

    #[test]
    fn late_or_unscheduled_is_never_alarming_to_the_performer() {
        let zone = Zone::parse("Europe/London").unwrap();
        let late = notice(true, Some(datetime!(2026-12-02 09:00 UTC)));
        let text = words(&zone, &late);
        assert!(text.contains("less than 48 hours before your call on Thursday 3 December"));
        assert!(text.contains("so it cannot be used for that day"));
        assert!(!text.contains("not met"));
        let shot = Notice {
            next_call: None,
            ..notice(true, late.delivered)
        };
        let text = words(&zone, &shot);
        assert!(text.starts_with("This rider reached you on Wednesday 2 December at 09:00."));
        assert!(!text.contains("less than") && !text.contains("not met"));
    }

    #[test]
    fn a_draft_says_when_it_must_be_delivered() {
        let zone = Zone::parse("Europe/London").unwrap();
        assert_eq!(
            words(&zone, &notice(false, None)),
            "Not delivered yet. To count for the call on Thursday 3 December at 07:00, it must \
             reach Alex Rivera by Tuesday 1 December at 07:00."
        );
    }
}
