//! R6 First meeting: a rehearsal of a flagged scene cannot be scheduled for a performer until
//! the coordinator has logged a first one-to-one conversation with them. What R6 counts must be
//! true: a first one-to-one is with one performer, and is not dated after today.

use time::Date;

/// A performer called to a rehearsal, and whether a first one-to-one with them is logged.
#[derive(Clone, Debug)]
pub struct Called {
    pub cast_number: i32,
    pub name: String,
    pub met: bool,
}

/// DOMAIN R6: a rehearsal of a flagged scene needs a logged first one-to-one with every
/// performer called. Answers the refusal to show beside the performers, or `None`.
pub fn first_meeting_refusal(scene_flagged: bool, called: &[Called]) -> Option<String> {
    if !scene_flagged {
        return None;
    }
    let missing: Vec<String> = called
        .iter()
        .filter(|c| !c.met)
        .map(|c| format!("#{} {}", c.cast_number, c.name))
        .collect();
    let who = match missing.as_slice() {
        [] => return None,
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    Some(format!(
        "R6 First meeting: log a first one-to-one with {who} before scheduling a rehearsal \
         of this scene."
    ))
}

/// Why a first one-to-one cannot be logged as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FirstOneToOneRefusal {
    /// More than one performer named: a meeting with several is not one-to-one, and R6 would
    /// count it for each of them.
    NotOnePerformer,
    /// Dated after today on the production's clock: R6 would count a meeting that has not
    /// happened.
    NotYetHeld,
}

/// What stops a first one-to-one with `performers` performers, held on `held_on`, from being
/// logged `today` (both dates on the production's clock); empty when it can be.
pub fn first_one_to_one_refusals(
    performers: usize,
    held_on: Date,
    today: Date,
) -> Vec<FirstOneToOneRefusal> {
    let mut refusals = Vec::new();
    if performers > 1 {
        refusals.push(FirstOneToOneRefusal::NotOnePerformer);
    }
    if held_on > today {
        refusals.push(FirstOneToOneRefusal::NotYetHeld);
    }
    refusals
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn called(n: i32, name: &str, met: bool) -> Called {
        Called {
            cast_number: n,
            name: name.into(),
            met,
        }
    }

    #[test]
    fn r6_needs_a_first_one_to_one_with_everyone_called_to_a_flagged_rehearsal() {
        let alex = called(1, "Alex Rivera", true);
        let sam = called(2, "Sam Lindqvist", false);
        assert_eq!(
            first_meeting_refusal(true, &[alex.clone(), sam.clone()]).as_deref(),
            Some(
                "R6 First meeting: log a first one-to-one with #2 Sam Lindqvist before \
                 scheduling a rehearsal of this scene."
            )
        );
        let jo = called(3, "Jo Mercer", false);
        let both = first_meeting_refusal(true, &[sam.clone(), jo.clone()]).unwrap();
        assert!(both.contains("with #2 Sam Lindqvist and #3 Jo Mercer before"));
        // Unflagged scenes and performers already met are not held up.
        assert_eq!(first_meeting_refusal(false, &[sam]), None);
        assert_eq!(first_meeting_refusal(true, &[alex]), None);
        assert_eq!(first_meeting_refusal(true, &[]), None);
    }

    #[test]
    fn a_first_one_to_one_is_with_one_performer_and_already_held() {
        let today = date!(2027 - 04 - 20);
        assert_eq!(first_one_to_one_refusals(1, today, today), vec![]);
        assert_eq!(
            first_one_to_one_refusals(1, date!(2027 - 04 - 19), today),
            vec![]
        );
        assert_eq!(
            first_one_to_one_refusals(2, today, today),
            vec![FirstOneToOneRefusal::NotOnePerformer]
        );
        assert_eq!(
            first_one_to_one_refusals(3, date!(2027 - 04 - 21), today),
            vec![
                FirstOneToOneRefusal::NotOnePerformer,
                FirstOneToOneRefusal::NotYetHeld
            ]
        );
    }
}
