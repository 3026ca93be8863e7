//! R8 Closed set: flagged scenes are shot on a closed set of named essential people, and the
//! monitor list must be a subset of the closed-set list. (What the call sheet shows for them,
//! never content, is the call sheet's template.)

use std::collections::BTreeSet;

use crate::vocab::breakdown::{Breakdown, name_key};

/// The monitor-list names that are not on the closed set, as (field, message) pairs for the
/// breakdown form; each name once, tidied as the breakdown stores it.
pub fn monitor_problems(breakdown: &Breakdown) -> Vec<(String, String)> {
    let closed: BTreeSet<String> = breakdown.closed_set.iter().map(|n| name_key(n)).collect();
    let mut seen = BTreeSet::new();
    breakdown
        .monitor_list
        .iter()
        .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|n| !n.is_empty() && !closed.contains(&name_key(n)) && seen.insert(name_key(n)))
        .map(|name| {
            (
                "monitor_list".to_string(),
                format!(
                    "Monitor list must be a subset of the closed set: “{name}” is not on the \
                     closed-set list."
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::breakdown::empty_breakdown;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn everyone_at_the_monitors_must_be_on_the_closed_set() {
        let mut b = empty_breakdown();
        b.closed_set = names(&["Director Jo", "Sam Lee"]);
        b.monitor_list = names(&["  director JO "]);
        assert!(monitor_problems(&b).is_empty());
        b.closed_set.retain(|n| n != "Sam Lee");
        b.monitor_list.push("Sam  Lee".into());
        b.monitor_list.push("sam lee".into());
        assert_eq!(
            monitor_problems(&b),
            vec![(
                "monitor_list".to_string(),
                "Monitor list must be a subset of the closed set: “Sam Lee” is not on the \
                 closed-set list."
                    .to_string()
            )]
        );
    }
}
