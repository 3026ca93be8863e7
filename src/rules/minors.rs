//! R5, the minors rule, as a pure function: who is under 18 on which date.
//! Used when a breakdown gains nudity or simulated sex and when a scene is scheduled.

use time::{Date, Month};

/// The rule as people read it, quoted in every refusal.
pub const RULE: &str = "R5 Minors: a cast member under 18 on a shoot date cannot be in a scene \
                        with nudity or simulated sex.";

/// A cast member's age facts.
#[derive(Clone, Debug)]
pub struct CastAge {
    pub cast_member_id: i64,
    pub cast_number: i32,
    pub name: String,
    pub date_of_birth: Option<Date>,
}

/// One cast member who would be under 18 on one date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MinorConflict {
    pub cast_member_id: i64,
    pub cast_number: i32,
    pub name: String,
    pub date: Date,
}

impl std::fmt::Display for MinorConflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} (#{}) is under 18 on {}",
            self.name,
            self.cast_number,
            crate::clock::format_date(self.date)
        )
    }
}

/// The day someone turns 18. A 29 February birthday turns on 1 March in common years.
pub fn eighteenth_birthday(dob: Date) -> Date {
    let year = dob.year() + 18;
    Date::from_calendar_date(year, dob.month(), dob.day())
        .or_else(|_| Date::from_calendar_date(year, Month::March, 1))
        .expect("1 March exists every year")
}

/// Under 18 on `date`; someone with no date of birth on record is treated as an adult,
/// because the cast list is where ages are declared.
pub fn is_minor_on(dob: Option<Date>, date: Date) -> bool {
    dob.is_some_and(|dob| date < eighteenth_birthday(dob))
}

/// Every (cast member, date) pair that breaks R5. With no scheduled dates, today counts.
pub fn minor_conflicts(cast: &[CastAge], dates: &[Date], today: Date) -> Vec<MinorConflict> {
    let today = [today];
    let dates = if dates.is_empty() { &today[..] } else { dates };
    let mut conflicts = Vec::new();
    for member in cast {
        // The first date they are under 18 is enough to name.
        if let Some(date) = dates
            .iter()
            .copied()
            .filter(|d| is_minor_on(member.date_of_birth, *d))
            .min()
        {
            conflicts.push(MinorConflict {
                cast_member_id: member.cast_member_id,
                cast_number: member.cast_number,
                name: member.name.clone(),
                date,
            });
        }
    }
    conflicts
}

/// The refusal shown beside the form: the rule, who, when, and that nothing was saved.
pub fn refusal(conflicts: &[MinorConflict]) -> String {
    let who: Vec<String> = conflicts.iter().map(ToString::to_string).collect();
    format!("{RULE} {}. Nothing was saved.", who.join("; "))
}

/// Whether the breakdown closes the scene to anyone under 18 (R5).
pub fn is_restricted(b: &crate::vocab::breakdown::Breakdown) -> bool {
    let nudity: Vec<_> = b.performers.iter().map(|p| p.nudity).collect();
    crate::vocab::body::restricted_for_minors(&b.kinds, &nudity)
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn jo(dob: Date) -> CastAge {
        CastAge {
            cast_member_id: 3,
            cast_number: 3,
            name: "Jo Mercer".into(),
            date_of_birth: Some(dob),
        }
    }

    #[test]
    fn the_eighteenth_birthday_itself_is_adult() {
        let dob = date!(2009 - 06 - 01);
        assert!(is_minor_on(Some(dob), date!(2027 - 05 - 31)));
        assert!(!is_minor_on(Some(dob), date!(2027 - 06 - 01)));
    }

    #[test]
    fn leap_day_birthdays_turn_18_on_the_first_of_march() {
        let dob = date!(2008 - 02 - 29);
        assert_eq!(eighteenth_birthday(dob), date!(2026 - 03 - 01));
        assert!(is_minor_on(Some(dob), date!(2026 - 02 - 28)));
    }

    #[test]
    fn unknown_dates_of_birth_are_not_minors() {
        assert!(!is_minor_on(None, date!(2027 - 01 - 01)));
    }

    #[test]
    fn conflicts_use_shoot_dates_or_today_and_name_the_earliest() {
        let cast = [jo(date!(2009 - 06 - 01))];
        let c = minor_conflicts(
            &cast,
            &[date!(2027 - 06 - 02), date!(2027 - 05 - 20)],
            date!(2026 - 11 - 21),
        );
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].date, date!(2027 - 05 - 20));
        assert!(minor_conflicts(&cast, &[date!(2027 - 06 - 02)], date!(2026 - 11 - 21)).is_empty());
        assert_eq!(minor_conflicts(&cast, &[], date!(2026 - 11 - 21)).len(), 1);
        let text = refusal(&c);
        assert!(text.starts_with("R5 Minors"));
        assert!(text.contains("Jo Mercer (#3) is under 18 on Thu 20 May 2027"));
    }
}
