//! Who may do what inside a production (DOMAIN §4), as one table. Every handler asks
//! `Member::may(Action)`, which answers 404 where this table says no, so a record's existence
//! never leaks; nothing is allowed unless a row below grants it. Whether a performer's
//! "own" records are theirs (their rider, their profile, a scene they are in) is the
//! handler's second check: this table says which kind of person may ask at all.

use crate::vocab::Role;

/// Something a member asks to do or see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Change the production's own settings (title, zone, notice period, reporting line).
    ChangeSettings,
    /// Invite people, change roles, remove members, revoke invitations.
    ManageMembers,
    /// See who is in the production.
    SeeMembers,
    /// Make a password reset link for a member, to hand over in person, when the server sends
    /// no e-mail.
    IssueResetLinks,
    /// See the cast list and a cast member's record.
    SeeCast,
    /// Read cast members' dates of birth and their representatives' contacts; everyone else
    /// who sees the cast gets an "under 18 on a shoot date" marker instead (R5).
    ReadCastPersonal,
    /// Add and change cast members, and invite performers.
    EditCast,
    /// Add, change, omit scenes and their breakdowns.
    EditScenes,
    /// Add and change shoot days, strips and rehearsals.
    EditSchedule,
    /// Draft, change and deliver riders.
    DraftRiders,
    /// Read riders: every one for staff; a performer only their own (checked by the handler).
    ReadRiders,
    /// Record a withdrawal a performer told the coordinator in person or by phone (never a
    /// signature: nobody signs on a performer's behalf).
    RecordWithdrawalForPerformer,
    /// See what each performer agreed to for a scene (the signed scope, never the rider
    /// text): everyone planning the shot; a performer only their own (checked by the handler).
    SeeSignedScope,
    /// Mark a scene shot on its shoot day.
    MarkShot,
    /// Undo a shot mark made in error.
    UndoShot,
    /// See which doubles stand in for whom.
    SeeDoubles,
    /// Assign a double to stand in for a performer.
    AssignDoubles,
    /// Log and edit conversations and their follow-ups.
    KeepConversations,
    /// Read conversation logs: the coordinator, or a performer who was part of one.
    ReadConversations,
    /// Read boundary profiles: the coordinator, or the performer whose profile it is.
    ReadBoundaries,
    /// See who viewed one's own records (performers).
    SeeWhoViewedMyRecords,
    /// Press hold on set (R10): a performer in the scene, or the coordinator.
    Pause,
    /// Resolve a hold, reconfirm and close per performer (R11).
    RecordOnSet,
    /// Read the daily IC report.
    SeeDailyReport,
    /// Read post-production reviews and the footage-use list.
    SeeFootageUse,
    /// Record a post-production review.
    RecordPostReview,
    /// The IC budget: lines, settings, export.
    ManageBudget,
    SeeChoreography,
    ReadBeats,
    EditChoreography,
    RecordBeatRehearsal,
    SendCrewBriefing,
}

impl Action {
    /// Every action, for the table's own test and for pages that list permissions.
    pub const ALL: [Action; 32] = [
        Action::ChangeSettings,
        Action::ManageMembers,
        Action::SeeMembers,
        Action::IssueResetLinks,
        Action::SeeCast,
        Action::ReadCastPersonal,
        Action::EditCast,
        Action::EditScenes,
        Action::EditSchedule,
        Action::DraftRiders,
        Action::ReadRiders,
        Action::RecordWithdrawalForPerformer,
        Action::SeeSignedScope,
        Action::MarkShot,
        Action::UndoShot,
        Action::SeeDoubles,
        Action::AssignDoubles,
        Action::KeepConversations,
        Action::ReadConversations,
        Action::ReadBoundaries,
        Action::SeeWhoViewedMyRecords,
        Action::Pause,
        Action::RecordOnSet,
        Action::SeeDailyReport,
        Action::SeeFootageUse,
        Action::RecordPostReview,
        Action::ManageBudget,
        Action::SeeChoreography,
        Action::ReadBeats,
        Action::EditChoreography,
        Action::RecordBeatRehearsal,
        Action::SendCrewBriefing,
    ];
}

/// The table: whether someone in `role` may do `action` at all.
pub fn may(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match action {
        ChangeSettings | ManageMembers | ManageBudget => role == Producer,
        SeeMembers | SeeCast => matches!(role, Producer | Coordinator | Director),
        EditCast | EditScenes | IssueResetLinks => matches!(role, Producer | Coordinator),
        // Directors need "under 18 on the day", never the date or the agent (DOMAIN §4). A
        // performer's own record is shown on no page yet; that page will add them with its
        // own-record check.
        ReadCastPersonal => matches!(role, Producer | Coordinator),
        EditSchedule => matches!(role, Producer | Coordinator | Director),
        DraftRiders
        | AssignDoubles
        | KeepConversations
        | RecordOnSet
        | RecordPostReview
        | RecordWithdrawalForPerformer
        | UndoShot => role == Coordinator,
        // Directors see the scope through the scene pages, never the rider text (DOMAIN §4).
        ReadRiders => matches!(role, Producer | Coordinator | Performer),
        SeeSignedScope => true,
        MarkShot => matches!(role, Coordinator | Director),
        SeeDoubles | SeeDailyReport | SeeFootageUse => matches!(role, Producer | Coordinator),
        // Boundaries and conversation notes: never producers or directors (DOMAIN §4).
        ReadConversations | ReadBoundaries => matches!(role, Coordinator | Performer),
        SeeWhoViewedMyRecords => role == Performer,
        Pause => matches!(role, Coordinator | Performer),
        // Producers see that choreography exists and was rehearsed; beats are for the people
        // who make and perform them (a performer reads only the beats they are in).
        SeeChoreography => true,
        ReadBeats => matches!(role, Coordinator | Director | Performer),
        EditChoreography => matches!(role, Coordinator | Director),
        RecordBeatRehearsal => role == Coordinator,
        SendCrewBriefing => matches!(role, Producer | Coordinator),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table as people read it: one row per action, a column per role
    /// (producer, coordinator, director, performer), `y` where it is allowed.
    const EXPECTED: &str = "
        ChangeSettings          y . . .
        ManageMembers           y . . .
        SeeMembers              y y y .
        IssueResetLinks         y y . .
        SeeCast                 y y y .
        ReadCastPersonal        y y . .
        EditCast                y y . .
        EditScenes              y y . .
        EditSchedule            y y y .
        DraftRiders             . y . .
        ReadRiders              y y . y
        RecordWithdrawalForPerformer . y . .
        SeeSignedScope          y y y y
        MarkShot                . y y .
        UndoShot                . y . .
        SeeDoubles              y y . .
        AssignDoubles           . y . .
        KeepConversations       . y . .
        ReadConversations       . y . y
        ReadBoundaries          . y . y
        SeeWhoViewedMyRecords   . . . y
        Pause                   . y . y
        RecordOnSet             . y . .
        SeeDailyReport          y y . .
        SeeFootageUse           y y . .
        RecordPostReview        . y . .
        ManageBudget            y . . .
        SeeChoreography         y y y y
        ReadBeats               . y y y
        EditChoreography        . y y .
        RecordBeatRehearsal     . y . .
        SendCrewBriefing        y y . .
    ";

    #[test]
    fn every_cell_of_the_access_table_is_as_domain_section_4_says() {
        let roles = [
            Role::Producer,
            Role::Coordinator,
            Role::Director,
            Role::Performer,
        ];
        let rows: Vec<&str> = EXPECTED
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(rows.len(), Action::ALL.len(), "one row per action");
        for (row, action) in rows.iter().zip(Action::ALL) {
            let mut cells = row.split_whitespace();
            assert_eq!(cells.next(), Some(format!("{action:?}").as_str()));
            for (role, cell) in roles.iter().zip(cells) {
                assert_eq!(
                    may(*role, action),
                    cell == "y",
                    "{role:?} may {action:?}: the table says {cell}"
                );
            }
        }
    }

    #[test]
    fn producers_and_directors_never_read_boundaries_or_conversation_notes() {
        for role in [Role::Producer, Role::Director] {
            assert!(!may(role, Action::ReadBoundaries));
            assert!(!may(role, Action::ReadConversations));
        }
        assert!(!may(Role::Director, Action::ManageBudget));
        assert!(!may(Role::Director, Action::ReadCastPersonal));
        assert!(!may(Role::Coordinator, Action::ManageBudget));
    }
}
