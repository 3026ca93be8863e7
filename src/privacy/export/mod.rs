//! A person's copy of their data (right of access): one zip with `data.json`, everything
//! Closed Set holds about the signed-in person in every production, and `texts/`, the same
//! words to read. Other performers' records never enter it: conversation notes are the
//! person's own, and a summary only of a conversation held with them alone.

use std::io::Write;

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use sqlx::PgConnection;
use time::OffsetDateTime;

use crate::auth::CurrentUser;
use crate::error::{AppError, Result};
use crate::vault::{Encrypted, Field, Vault};
use crate::web::AppState;
use rows::{CastRow, ConcernRow, ConversationRow, EventRow, ProfileRow, RiderRow, ViewRow};

mod rows;

fn at(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn opt_at(t: Option<OffsetDateTime>) -> Value {
    t.map_or(Value::Null, |t| Value::String(at(t)))
}

async fn open_text(
    vault: &Vault,
    conn: &mut PgConnection,
    field: Field,
    sealed: Option<Encrypted<String>>,
    clear: String,
) -> Result<String> {
    Ok(vault.reveal(conn, &field, sealed.as_ref(), clear).await?)
}

/// Everything about `user_id`, as JSON, with the readable texts beside it (path, text).
pub async fn gather(
    vault: &Vault,
    conn: &mut PgConnection,
    user_id: i64,
) -> Result<(Value, Vec<(String, String)>)> {
    let mut texts = Vec::new();
    let account: (String, String, OffsetDateTime, bool) = sqlx::query_as(
        "select name, email, created_at,
                exists (select 1 from user_totp t where t.user_id = u.user_id
                        and t.confirmed_at is not null)
         from app_user u where user_id = $1",
    )
    .bind(user_id)
    .fetch_one(&mut *conn)
    .await?;
    let memberships: Vec<(i64, String, String, OffsetDateTime)> = sqlx::query_as(
        "select p.production_id, p.title, m.role, m.created_at
         from member m join production p using (production_id)
         where m.user_id = $1 order by p.production_id",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;
    let passkeys: Vec<(String, OffsetDateTime, Option<OffsetDateTime>)> = sqlx::query_as(
        "select name, created_at, last_used_at from passkey where user_id = $1
         order by passkey_id",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;
    let sessions: Vec<(String, String, OffsetDateTime, OffsetDateTime)> = sqlx::query_as(
        "select user_agent, client_addr, signed_in_at, last_seen_at from user_session
         where user_id = $1 order by signed_in_at",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;
    let cast: Vec<CastRow> = sqlx::query_as(
        "select c.cast_member_id, c.production_id, p.title, c.cast_number, c.name,
                c.character_name, c.date_of_birth, c.union_name, c.representative
         from cast_member c join production p using (production_id)
         where c.user_id = $1 order by c.production_id",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;
    let ids: Vec<i64> = cast.iter().map(|c| c.cast_member_id).collect();
    let profiles: Vec<ProfileRow> = sqlx::query_as(
        "select boundary_profile_version_id, cast_member_id, version, entries, notes,
                entries_sealed, notes_sealed, created_at
         from boundary_profile_version where cast_member_id = any($1)
         order by cast_member_id, version",
    )
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    let conversations: Vec<ConversationRow> = sqlx::query_as(
        "select v.conversation_id, vp.cast_member_id, v.version, v.kind, v.held_at, v.summary,
                v.summary_sealed, vp.note, vp.note_sealed,
                array(select o.cast_member_id from conversation_version_performer o
                      where o.conversation_version_id = v.conversation_version_id
                      order by o.cast_member_id) as performers
         from conversation_version_performer vp
         join conversation_version v using (conversation_version_id)
         where vp.cast_member_id = any($1)
         order by v.conversation_id, v.version",
    )
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    let riders: Vec<RiderRow> = sqlx::query_as(
        "select rider_id, cast_member_id, status, body, body_sealed, body_sha256, delivered_at,
                signed_at, revoked_at
         from rider where cast_member_id = any($1) and status <> 'drafted'
         order by rider_id",
    )
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    let rider_ids: Vec<i64> = riders.iter().map(|r| r.rider_id).collect();
    let events: Vec<EventRow> = sqlx::query_as(
        "select e.rider_id, e.seq, e.event, e.occurred_at, e.details, e.entry_hash,
                k.client_addr, k.user_agent
         from consent_event e
         left join consent_event_client k on k.consent_event_id = e.consent_event_id
         where e.rider_id = any($1) order by e.production_id, e.seq",
    )
    .bind(&rider_ids)
    .fetch_all(&mut *conn)
    .await?;
    let views: Vec<ViewRow> = sqlx::query_as(
        "select v.cast_member_id, u.name as viewer, v.record_kind, v.record_id, v.viewed_at
         from record_view v left join app_user u on u.user_id = v.viewer_user_id
         where v.cast_member_id = any($1) order by v.viewed_at",
    )
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    let notices: Vec<(i64, String, String, OffsetDateTime, Option<OffsetDateTime>)> =
        sqlx::query_as(
            "select production_id, message, link, created_at, read_at from notification
             where user_id = $1 order by created_at",
        )
        .bind(user_id)
        .fetch_all(&mut *conn)
        .await?;
    let concerns: Vec<ConcernRow> = sqlx::query_as(
        "select concern_id, production_id, body, body_sealed, anonymous, status, created_at
         from concern where raised_by = $1 order by created_at",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;

    let mut cast_json = Vec::new();
    for c in &cast {
        let mut versions = Vec::new();
        for p in profiles
            .iter()
            .filter(|p| p.cast_member_id == c.cast_member_id)
        {
            let entries = open_text(
                vault,
                conn,
                Field::new(
                    "boundary_profile_version",
                    "entries_sealed",
                    p.boundary_profile_version_id,
                ),
                p.entries_sealed.clone(),
                p.entries.to_string(),
            )
            .await?;
            let notes = open_text(
                vault,
                conn,
                Field::new(
                    "boundary_profile_version",
                    "notes_sealed",
                    p.boundary_profile_version_id,
                ),
                p.notes_sealed.clone(),
                p.notes.clone(),
            )
            .await?;
            let entries: Value = serde_json::from_str(&entries).unwrap_or(Value::Array(vec![]));
            texts.push((
                format!(
                    "texts/production-{}/boundary-profile-v{}.txt",
                    c.production_id, p.version
                ),
                format!(
                    "Boundary profile, version {} ({})\n\n{}\n\nNotes:\n{notes}\n",
                    p.version,
                    at(p.created_at),
                    serde_json::to_string_pretty(&entries).unwrap_or_default()
                ),
            ));
            versions.push(json!({
                "version": p.version, "saved_at": at(p.created_at),
                "entries": entries, "notes": notes,
            }));
        }
        let mut talks = Vec::new();
        let mut solo_so_far = (0_i64, true, 0_i32);
        for v in conversations
            .iter()
            .filter(|v| v.cast_member_id == c.cast_member_id)
        {
            if solo_so_far.0 != v.conversation_id {
                solo_so_far = (v.conversation_id, true, 0);
            }
            // A summary is theirs only while every version so far was with them alone.
            solo_so_far.1 &= v.version == solo_so_far.2 + 1 && v.performers == [c.cast_member_id];
            solo_so_far.2 = v.version;
            let summary = if solo_so_far.1 {
                Some(
                    open_text(
                        vault,
                        conn,
                        Field::new(
                            "conversation_version",
                            "summary_sealed",
                            format!("{}/{}", v.conversation_id, v.version),
                        ),
                        v.summary_sealed.clone(),
                        v.summary.clone(),
                    )
                    .await?,
                )
            } else {
                None
            };
            let note = open_text(
                vault,
                conn,
                Field::new(
                    "conversation_version_performer",
                    "note_sealed",
                    format!("{}/{}/{}", v.conversation_id, v.version, c.cast_member_id),
                ),
                v.note_sealed.clone(),
                v.note.clone(),
            )
            .await?;
            texts.push((
                format!(
                    "texts/production-{}/conversation-{}-v{}.txt",
                    c.production_id, v.conversation_id, v.version
                ),
                format!(
                    "Conversation ({}), held {}\n\nSummary:\n{}\n\nYour note:\n{note}\n",
                    v.kind,
                    at(v.held_at),
                    summary
                        .as_deref()
                        .unwrap_or("(shared with others: not included)")
                ),
            ));
            talks.push(json!({
                "conversation_id": v.conversation_id, "version": v.version, "kind": v.kind,
                "held_at": at(v.held_at), "summary": summary, "your_note": note,
            }));
        }
        let mut rider_json = Vec::new();
        for r in riders
            .iter()
            .filter(|r| r.cast_member_id == c.cast_member_id)
        {
            let text = open_text(
                vault,
                conn,
                Field::new("rider", "body_sealed", r.rider_id),
                r.body_sealed.clone(),
                r.body.clone(),
            )
            .await?;
            texts.push((
                format!(
                    "texts/production-{}/rider-{}.txt",
                    c.production_id, r.rider_id
                ),
                text.clone(),
            ));
            let log: Vec<Value> = events
                .iter()
                .filter(|e| e.rider_id == r.rider_id)
                .map(|e| {
                    json!({
                        "seq": e.seq, "event": e.event, "occurred_at": at(e.occurred_at),
                        "details": serde_json::from_str::<Value>(&e.details)
                            .unwrap_or(Value::Null),
                        "entry_hash": e.entry_hash,
                        "client_addr": e.client_addr, "user_agent": e.user_agent,
                    })
                })
                .collect();
            rider_json.push(json!({
                "rider_id": r.rider_id, "status": r.status, "text": text,
                "text_sha256": r.body_sha256, "delivered_at": opt_at(r.delivered_at),
                "signed_at": opt_at(r.signed_at), "withdrawn_at": opt_at(r.revoked_at),
                "consent_log": log,
                "certificate": format!(
                    "/productions/{}/riders/{}/certificate", c.production_id, r.rider_id),
                "receipt": format!(
                    "/productions/{}/riders/{}/receipt.json", c.production_id, r.rider_id),
            }));
        }
        let viewed: Vec<Value> = views
            .iter()
            .filter(|v| v.cast_member_id == c.cast_member_id)
            .map(|v| {
                json!({
                    "viewer": v.viewer, "record": v.record_kind, "record_id": v.record_id,
                    "viewed_at": at(v.viewed_at),
                })
            })
            .collect();
        cast_json.push(json!({
            "production_id": c.production_id, "production": c.title,
            "cast_number": c.cast_number, "name": c.name, "character": c.character_name,
            "date_of_birth": c.date_of_birth.map(|d| d.to_string()),
            "union": c.union_name, "representative": c.representative,
            "boundary_profile_versions": versions, "conversations": talks,
            "riders": rider_json, "who_viewed_your_records": viewed,
        }));
    }
    let mut concern_json = Vec::new();
    for k in concerns {
        let body = open_text(
            vault,
            conn,
            Field::new("concern", "body_sealed", k.concern_id),
            k.body_sealed,
            k.body,
        )
        .await?;
        texts.push((
            format!(
                "texts/production-{}/concern-{}.txt",
                k.production_id, k.concern_id
            ),
            body.clone(),
        ));
        concern_json.push(json!({
            "concern_id": k.concern_id, "production_id": k.production_id, "text": body,
            "anonymous": k.anonymous, "status": k.status, "raised_at": at(k.created_at),
        }));
    }
    let data = json!({
        "format": "closedset-personal-export/1",
        "exported_at": at(OffsetDateTime::now_utc()),
        "account": {
            "user_id": user_id, "name": account.0, "email": account.1,
            "created_at": at(account.2), "two_step_sign_in": account.3,
            "passkeys": passkeys.iter().map(|(n, c, u)| json!({
                "name": n, "added_at": at(*c), "last_used_at": opt_at(*u)})).collect::<Vec<_>>(),
            "sessions": sessions.iter().map(|(ua, addr, s, l)| json!({
                "browser": ua, "address": addr, "signed_in_at": at(*s),
                "last_seen_at": at(*l)})).collect::<Vec<_>>(),
        },
        "memberships": memberships.iter().map(|(id, title, role, since)| json!({
            "production_id": id, "production": title, "role": role,
            "since": at(*since)})).collect::<Vec<_>>(),
        "cast_records": cast_json,
        "concerns_you_raised": concern_json,
        "notices": notices.iter().map(|(p, m, l, c, r)| json!({
            "production_id": p, "message": m, "link": l, "sent_at": at(*c),
            "read_at": opt_at(*r)})).collect::<Vec<_>>(),
    });
    Ok((data, texts))
}

const README: &str = "Your data from Closed Set\n\n\
data.json holds everything Closed Set keeps about you, in every production you are in: your \
account, your memberships, your cast records, every version of your boundary profile, the \
conversations you were part of (your own notes; a summary only of a conversation held with you \
alone), your riders with their texts and consent log entries, who viewed your records, the \
concerns you raised and your notices. texts/ holds the same words to read.\n\n\
Each rider's certificate and receipt can be downloaded from the addresses named in data.json; \
a receipt proves its entries against the signed consent log with nothing of ours running.\n";

/// `GET /account/export`: the signed-in person's data, as one zip.
pub(super) async fn download(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<Response> {
    let mut conn = state.pool.acquire().await?;
    let (data, texts) = gather(&state.vault, &mut conn, user.user_id).await?;
    drop(conn);
    let zipped = tokio::task::spawn_blocking(move || zip_up(&data, &texts))
        .await
        .map_err(|e| AppError::Other(e.into()))?
        .map_err(AppError::Other)?;
    let mut response = zipped.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"closedset-my-data.zip\""),
    );
    Ok(response)
}

fn zip_up(data: &Value, texts: &[(String, String)]) -> anyhow::Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("closedset-my-data/README.txt", options)?;
    zip.write_all(README.as_bytes())?;
    zip.start_file("closedset-my-data/data.json", options)?;
    zip.write_all(serde_json::to_string_pretty(data)?.as_bytes())?;
    for (path, text) in texts {
        zip.start_file(format!("closedset-my-data/{path}"), options)?;
        zip.write_all(text.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}
