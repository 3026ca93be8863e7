//! R10 and R11 on set: when a hold can be pressed (the shoot day, and through the night after
//! it), when reconfirmations and closures are logged (from the shoot date on), and what R11
//! asks of a performer whose rider is valid: reconfirmed on the day, nothing asked that they
//! took back.

use time::{Date, Duration, OffsetDateTime, Time};

use super::facts::{Double, Performer, Problem, Reason, Rider, Scene};
use crate::vocab::scope::Narrowing;

/// How late after midnight a shoot day still counts for pausing: night shoots run past it.
const NIGHT_RUNS_UNTIL: Time = time::macros::time!(06:00);

/// R10: pausing is open on the shoot date itself (production clocks) and in the small hours
/// after it, until 06:00, so a night shoot running past midnight can still be paused. Never the
/// day before: nothing is shot before the day's call.
/// `now_local` is now on the production's clocks (`Zone::local`).
pub fn pause_open(shoot_date: Date, now_local: OffsetDateTime) -> bool {
    let today = now_local.date();
    today == shoot_date
        || (today == shoot_date + Duration::days(1) && now_local.time() < NIGHT_RUNS_UNTIL)
}

/// R11: reconfirmations and closures are recorded from the shoot date on (a closure is often
/// written up after wrap, or the next morning), never before the day.
pub fn recording_open(shoot_date: Date, today: Date) -> bool {
    today >= shoot_date
}

/// R11 for a performer whose rider is valid: nothing they took back is asked of them, and on
/// the shoot day they were reconfirmed. Answers whether their rider (as narrowed) allows stills.
pub(super) fn on_the_day(
    scene: &Scene,
    performer: &Performer,
    rider: &Rider,
    doubles: &[Double],
) -> Result<bool, Reason> {
    // Whoever stands in answers: the performer, or their double.
    let who = match doubles
        .iter()
        .find(|d| d.double.cast_member_id == rider.cast_member_id)
    {
        Some(d) if rider.cast_member_id != performer.cast_member_id => {
            format!("{} (double for {})", d.double.label, performer.label)
        }
        _ => performer.label.clone(),
    };
    let mut narrowing = Narrowing::default();
    for n in scene
        .narrowed
        .iter()
        .filter(|n| n.rider_id == rider.rider_id)
    {
        narrowing.add(&n.narrowing);
    }
    let lost = narrowing.blocking(&rider.scope);
    if !lost.is_empty() {
        return Err(Reason {
            cast_member_id: performer.cast_member_id,
            who,
            problem: Problem::Narrowed(lost),
        });
    }
    if let Some(reconfirmed) = &scene.reconfirmed
        && !reconfirmed.contains(&rider.cast_member_id)
    {
        return Err(Reason {
            cast_member_id: performer.cast_member_id,
            who,
            problem: Problem::NotReconfirmed,
        });
    }
    Ok(narrowing.apply(&rider.scope).uses.stills)
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;

    #[test]
    fn pausing_is_open_on_the_day_and_through_the_night_after() {
        let day = date!(2026 - 11 - 24);
        assert!(pause_open(day, datetime!(2026-11-24 00:00 UTC)));
        assert!(pause_open(day, datetime!(2026-11-24 23:59 UTC)));
        assert!(pause_open(day, datetime!(2026-11-25 05:59 UTC)));
        assert!(!pause_open(day, datetime!(2026-11-25 06:00 UTC)));
        assert!(!pause_open(day, datetime!(2026-11-23 23:59 UTC)));
        assert!(!pause_open(day, datetime!(2026-11-26 01:00 UTC)));
    }

    #[test]
    fn recording_opens_on_the_day_and_stays_open() {
        let day = date!(2026 - 11 - 24);
        assert!(!recording_open(day, date!(2026 - 11 - 23)));
        assert!(recording_open(day, day));
        assert!(recording_open(day, date!(2026 - 12 - 01)));
    }
}
