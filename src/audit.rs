//! The administrative audit trail: who added or removed a member, changed a role, rotated the
//! keys, or asked for and carried out an erasure. Append-only (the database refuses changes),
//! ids and words only, so erasing a person leaves it whole. Producers read it on the
//! production's data-protection page.

use sqlx::PgConnection;

/// What was done, as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    MemberAdded,
    RoleChanged,
    MemberRemoved,
    KeysRotated,
    ErasureRequested,
    ErasureApproved,
    ProductionErased,
    RetentionChanged,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::MemberAdded => "member_added",
            Action::RoleChanged => "role_changed",
            Action::MemberRemoved => "member_removed",
            Action::KeysRotated => "keys_rotated",
            Action::ErasureRequested => "erasure_requested",
            Action::ErasureApproved => "erasure_approved",
            Action::ProductionErased => "production_erased",
            Action::RetentionChanged => "retention_changed",
        }
    }

    /// The words a producer reads.
    pub fn label(word: &str) -> &'static str {
        match word {
            "member_added" => "Member added",
            "role_changed" => "Role changed",
            "member_removed" => "Member removed",
            "keys_rotated" => "Encryption keys rotated",
            "erasure_requested" => "Erasure requested",
            "erasure_approved" => "Erasure approved and carried out",
            "production_erased" => "Production's personal data erased",
            "retention_changed" => "Retention period changed",
            _ => "Other",
        }
    }
}

/// One entry: who did what, to whom (by id), in which production.
#[derive(Clone, Debug, Default)]
pub struct Entry<'a> {
    pub production_id: Option<i64>,
    pub actor_user_id: Option<i64>,
    pub subject_user_id: Option<i64>,
    pub subject_cast_member_id: Option<i64>,
    /// A short word or number (a role, a month count), never a name.
    pub detail: &'a str,
}

/// Appends an entry, in the caller's transaction.
pub async fn record(conn: &mut PgConnection, action: Action, entry: Entry<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "insert into admin_audit (production_id, actor_user_id, action, subject_user_id,
                                  subject_cast_member_id, detail)
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(entry.production_id)
    .bind(entry.actor_user_id)
    .bind(action.as_str())
    .bind(entry.subject_user_id)
    .bind(entry.subject_cast_member_id)
    .bind(entry.detail)
    .execute(conn)
    .await?;
    Ok(())
}
