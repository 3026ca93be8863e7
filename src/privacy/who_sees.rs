//! "Who can see it" on the data-protection page: each kind of record the production keeps, why,
//! and for each role what the one access table (`crate::access`) lets it read.

use crate::access::{self, Action};
use crate::vocab::Role;

/// One kind of record the production keeps, and the permission that reads it.
struct Kept {
    what: &'static str,
    why: &'static str,
    read_by: Action,
    /// What a performer sees of it, when the table lets performers read it at all.
    own: &'static str,
}

const KEPT: [Kept; 7] = [
    Kept {
        what: "Boundary profiles (sealed)",
        why: "So the coordinator plans every scene within what you said yes, no or ask first to.",
        read_by: Action::ReadBoundaries,
        own: "Their own",
    },
    Kept {
        what: "Conversation summaries, notes and follow-ups (sealed)",
        why: "The coordinator's record of what was discussed and what is left to do.",
        read_by: Action::ReadConversations,
        own: "Those they were part of; notes: their own",
    },
    Kept {
        what: "Rider texts, signatures and the consent log",
        why: "What you agreed to, proved: the log lets anyone check it was never changed.",
        read_by: Action::ReadRiders,
        own: "Their own",
    },
    Kept {
        what: "What each performer agreed to per scene (scope)",
        why: "So the shot is planned within it.",
        read_by: Action::SeeSignedScope,
        own: "Their own",
    },
    Kept {
        what: "Dates of birth and agents' contacts",
        why: "The minors rule (R5) and reaching representatives.",
        read_by: Action::ReadCastPersonal,
        own: "Their own",
    },
    Kept {
        what: "Who opened a performer's records",
        why: "So you can see who looked at your boundaries, riders and conversations.",
        read_by: Action::SeeWhoViewedMyRecords,
        own: "Their own",
    },
    Kept {
        what: "Budget lines",
        why: "The cost of intimacy coordination, beside other safety lines.",
        read_by: Action::ManageBudget,
        own: "",
    },
];

/// The roles in the order of DOMAIN §4's columns.
const COLUMNS: [Role; 4] = [
    Role::Producer,
    Role::Director,
    Role::Coordinator,
    Role::Performer,
];

pub(super) struct AccessRow {
    pub(super) what: &'static str,
    pub(super) why: &'static str,
    pub(super) cells: Vec<String>,
}

/// The "who can see it" table, made from `access::may` so it can never say other than the
/// application does.
pub(super) fn access_rows() -> Vec<AccessRow> {
    KEPT.iter()
        .map(|k| AccessRow {
            what: k.what,
            why: k.why,
            cells: COLUMNS
                .iter()
                .map(
                    |role| match (access::may(*role, k.read_by), *role == Role::Performer) {
                        (false, _) => "No".to_string(),
                        (true, true) => k.own.to_string(),
                        (true, false) => "Yes".to_string(),
                    },
                )
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_who_can_see_table_says_what_the_access_table_says() {
        let rows = access_rows();
        let boundaries = rows
            .iter()
            .find(|r| r.what.starts_with("Boundary"))
            .unwrap();
        // DOMAIN §4: never producers or directors; the coordinator; a performer their own.
        assert_eq!(boundaries.cells, ["No", "No", "Yes", "Their own"]);
        let budget = rows.iter().find(|r| r.what == "Budget lines").unwrap();
        assert_eq!(budget.cells, ["Yes", "No", "No", "No"]);
        for (row, kept) in rows.iter().zip(KEPT.iter()) {
            for (cell, role) in row.cells.iter().zip(COLUMNS) {
                assert_eq!(
                    cell != "No",
                    access::may(role, kept.read_by),
                    "{}",
                    row.what
                );
            }
        }
    }
}
