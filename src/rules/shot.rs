//! Shot is a fact of the day, not a switch (DOMAIN §3): a scene is marked shot only on its shoot
//! day (or the small hours after it, for a night shoot), after the day's call, and only while
//! it is cleared. Takes marked shot are out of a later withdrawal's reach (R3), so the mark
//! must never be a way around one.

use time::{Date, OffsetDateTime};

use super::facts::Clearance;
use super::on_set::pause_open;

/// Why a shot mark is refused, in words for the person who pressed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotYet {
    NotTheDay,
    BeforeCall,
    NotCleared,
}

impl std::fmt::Display for NotYet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            NotYet::NotTheDay => "A scene can be marked shot only on its shoot day.",
            NotYet::BeforeCall => "A scene can be marked shot only after the day's call.",
            NotYet::NotCleared => {
                "This scene is not cleared to shoot, so it cannot be marked shot. \
                 Nothing was recorded."
            }
        })
    }
}

/// Whether a scene may be marked shot now. `now_local` is now on the production's clocks;
/// `clearance` is R1's answer for that day as it stands (a hold or a withdrawal blocks it).
pub fn may_mark_shot(
    shoot_date: Date,
    call_at: OffsetDateTime,
    now_local: OffsetDateTime,
    clearance: &Clearance,
) -> Result<(), NotYet> {
    if !pause_open(shoot_date, now_local) {
        return Err(NotYet::NotTheDay);
    }
    if now_local < call_at {
        return Err(NotYet::BeforeCall);
    }
    match clearance {
        Clearance::Cleared { .. } | Clearance::NotFlagged => Ok(()),
        Clearance::Blocked(_) | Clearance::Shot => Err(NotYet::NotCleared),
    }
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;

    const CLEARED: Clearance = Clearance::Cleared {
        stills_allowed: false,
    };

    #[test]
    fn a_scene_is_marked_shot_on_its_day_after_call_while_cleared() {
        let day = date!(2027 - 05 - 04);
        let call = datetime!(2027-05-04 07:00 UTC);
        assert_eq!(
            may_mark_shot(day, call, datetime!(2027-05-04 11:00 UTC), &CLEARED),
            Ok(())
        );
        // A night shoot after midnight still counts as its day.
        assert_eq!(
            may_mark_shot(day, call, datetime!(2027-05-05 02:00 UTC), &CLEARED),
            Ok(())
        );
    }

    #[test]
    fn a_day_ahead_before_call_or_a_blocked_scene_cannot_be_marked_shot() {
        let day = date!(2027 - 05 - 04);
        let call = datetime!(2027-05-04 07:00 UTC);
        assert_eq!(
            may_mark_shot(day, call, datetime!(2027-04-24 11:00 UTC), &CLEARED),
            Err(NotYet::NotTheDay)
        );
        assert_eq!(
            may_mark_shot(day, call, datetime!(2027-05-04 06:59 UTC), &CLEARED),
            Err(NotYet::BeforeCall)
        );
        assert_eq!(
            may_mark_shot(
                day,
                call,
                datetime!(2027-05-04 11:00 UTC),
                &Clearance::Blocked(vec![])
            ),
            Err(NotYet::NotCleared)
        );
    }
}
