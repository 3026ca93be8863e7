//! The rows a person's export reads, one struct per query.

use serde_json::Value;
use time::OffsetDateTime;

use crate::vault::Encrypted;

#[derive(sqlx::FromRow)]
pub(super) struct CastRow {
    pub(super) cast_member_id: i64,
    pub(super) production_id: i64,
    pub(super) title: String,
    pub(super) cast_number: i32,
    pub(super) name: String,
    pub(super) character_name: String,
    pub(super) date_of_birth: Option<time::Date>,
    pub(super) union_name: String,
    pub(super) representative: String,
}

#[derive(sqlx::FromRow)]
pub(super) struct ProfileRow {
    pub(super) boundary_profile_version_id: i64,
    pub(super) cast_member_id: i64,
    pub(super) version: i32,
    pub(super) entries: Value,
    pub(super) notes: String,
    pub(super) entries_sealed: Option<Encrypted<String>>,
    pub(super) notes_sealed: Option<Encrypted<String>>,
    pub(super) created_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
pub(super) struct ConversationRow {
    pub(super) conversation_id: i64,
    pub(super) cast_member_id: i64,
    pub(super) version: i32,
    pub(super) kind: String,
    pub(super) held_at: OffsetDateTime,
    pub(super) summary: String,
    pub(super) summary_sealed: Option<Encrypted<String>>,
    pub(super) note: String,
    pub(super) note_sealed: Option<Encrypted<String>>,
    pub(super) performers: Vec<i64>,
}

#[derive(sqlx::FromRow)]
pub(super) struct RiderRow {
    pub(super) rider_id: i64,
    pub(super) cast_member_id: i64,
    pub(super) status: String,
    pub(super) body: String,
    pub(super) body_sealed: Option<Encrypted<String>>,
    pub(super) body_sha256: Option<String>,
    pub(super) delivered_at: Option<OffsetDateTime>,
    pub(super) signed_at: Option<OffsetDateTime>,
    pub(super) revoked_at: Option<OffsetDateTime>,
}

#[derive(sqlx::FromRow)]
pub(super) struct EventRow {
    pub(super) rider_id: i64,
    pub(super) seq: i64,
    pub(super) event: String,
    pub(super) occurred_at: OffsetDateTime,
    pub(super) details: String,
    pub(super) entry_hash: String,
    pub(super) client_addr: Option<String>,
    pub(super) user_agent: Option<String>,
}

#[derive(sqlx::FromRow)]
pub(super) struct ViewRow {
    pub(super) cast_member_id: i64,
    pub(super) viewer: Option<String>,
    pub(super) record_kind: String,
    pub(super) record_id: Option<i64>,
    pub(super) viewed_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
pub(super) struct ConcernRow {
    pub(super) concern_id: i64,
    pub(super) production_id: i64,
    pub(super) body: String,
    pub(super) body_sealed: Option<Encrypted<String>>,
    pub(super) anonymous: bool,
    pub(super) status: String,
    pub(super) created_at: OffsetDateTime,
}
