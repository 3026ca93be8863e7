//! R13 Concerns: any member can raise a concern, optionally anonymous, routed only to the
//! recipients they choose from those offered (the production's coordinators and producers,
//! never themselves) and never automatically to anyone, such as a person named in it.

/// The recipients to send to: every ticked id, each once, if all of them were offered and at
/// least one was ticked; `None` otherwise (nothing is sent and the form asks again).
pub fn recipients(offered: &[i64], ticked: &[i64]) -> Option<Vec<i64>> {
    let chosen: Vec<i64> = offered
        .iter()
        .copied()
        .filter(|id| ticked.contains(id))
        .collect();
    let mut distinct = ticked.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    (!chosen.is_empty() && chosen.len() == distinct.len()).then_some(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_concern_goes_only_to_people_chosen_from_those_offered() {
        let offered = [3, 5, 8];
        assert_eq!(recipients(&offered, &[5]), Some(vec![5]));
        assert_eq!(recipients(&offered, &[8, 3, 3]), Some(vec![3, 8]));
        // Nobody chosen, or anyone not offered (a person named in the text, another
        // production's user): nothing is sent.
        assert_eq!(recipients(&offered, &[]), None);
        assert_eq!(recipients(&offered, &[5, 42]), None);
    }
}
