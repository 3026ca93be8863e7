//! Boundary profiles as stored: the answers (JSON) and the notes sealed under the performer's
//! own key in the production, so erasing that key erases their profile and nobody else's.

use sqlx::PgConnection;

use crate::error::{AppError, Result};
use crate::vault::{Encrypted, Field, Scope, Vault};

const TABLE: &str = "boundary_profile_version";

/// A stored version's answers and notes, sealed or (written before encryption) clear.
pub(crate) struct StoredProfile<'a> {
    pub id: i64,
    pub entries: &'a serde_json::Value,
    pub entries_sealed: Option<&'a Encrypted<String>>,
    pub notes: &'a str,
    pub notes_sealed: Option<&'a Encrypted<String>>,
}

/// The answers and notes in clear. Without a vault (the demo loader), only clear rows open.
pub(crate) async fn open(
    vault: Option<&Vault>,
    conn: &mut PgConnection,
    stored: StoredProfile<'_>,
) -> Result<(serde_json::Value, String)> {
    let sealed = stored.entries_sealed.is_some() || stored.notes_sealed.is_some();
    let Some(vault) = vault.filter(|_| sealed) else {
        if sealed {
            return Err(AppError::Other(anyhow::anyhow!(
                "a sealed boundary profile was read without the vault"
            )));
        }
        return Ok((stored.entries.clone(), stored.notes.to_string()));
    };
    let entries = vault
        .reveal(
            conn,
            &Field::new(TABLE, "entries_sealed", stored.id),
            stored.entries_sealed,
            stored.entries.to_string(),
        )
        .await?;
    let notes = vault
        .reveal(
            conn,
            &Field::new(TABLE, "notes_sealed", stored.id),
            stored.notes_sealed,
            stored.notes.to_string(),
        )
        .await?;
    // An erased profile reads as no answers.
    let entries = serde_json::from_str(&entries).unwrap_or_else(|_| serde_json::json!([]));
    Ok((entries, notes))
}

/// Seals a just-inserted version's answers and notes and empties their clear columns.
pub(crate) async fn seal(
    vault: &Vault,
    conn: &mut PgConnection,
    production_id: i64,
    cast_member_id: i64,
    id: i64,
    entries: &serde_json::Value,
    notes: &str,
) -> sqlx::Result<()> {
    let scope = Scope::Person {
        production: production_id,
        cast_member: cast_member_id,
    };
    let entries = vault
        .seal(
            conn,
            scope,
            &Field::new(TABLE, "entries_sealed", id),
            &entries.to_string(),
        )
        .await?;
    let notes = vault
        .seal(
            conn,
            scope,
            &Field::new(TABLE, "notes_sealed", id),
            &notes.to_string(),
        )
        .await?;
    sqlx::query(
        "update boundary_profile_version
         set entries = '[]'::jsonb, notes = '', entries_sealed = $2, notes_sealed = $3
         where boundary_profile_version_id = $1",
    )
    .bind(id)
    .bind(&entries)
    .bind(&notes)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
