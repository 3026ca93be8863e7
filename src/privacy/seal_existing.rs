//! Seals the sensitive text written before encryption (or by a loader that does not seal, such
//! as the demo): once, at start-up, after the migrations. A migration cannot do it, as the key
//! is outside the database. Only rows with clear text and no sealed value are touched, so
//! running it again changes nothing.

use sqlx::{PgConnection, PgPool};

use crate::vault::{Field, Scope, Vault};

/// How many values of each kind were sealed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Sealed {
    pub values: u64,
}

fn person(production: i64, cast_member: i64) -> Scope {
    Scope::Person {
        production,
        cast_member,
    }
}

/// A summary's key: the one performer's when it was with them alone, else the production's.
fn summary_scope(production: i64, performers: &[i64]) -> Scope {
    match performers {
        [one] => person(production, *one),
        _ => Scope::Production(production),
    }
}

async fn seal_text(
    vault: &Vault,
    tx: &mut PgConnection,
    scope: Scope,
    field: Field,
    text: String,
    update: &str,
    key: &[i64],
) -> sqlx::Result<()> {
    let sealed = vault.seal(tx, scope, &field, &text).await?;
    let mut query = sqlx::query(update).bind(&sealed);
    for k in key {
        query = query.bind(k);
    }
    query.execute(&mut *tx).await?;
    Ok(())
}

/// Seals every clear value still in the database, in one transaction.
pub async fn seal_existing(pool: &PgPool, vault: &Vault) -> sqlx::Result<Sealed> {
    let mut tx = pool.begin().await?;
    let mut count = 0u64;

    let rows: Vec<(i64, i64, Option<i64>, String)> = sqlx::query_as(
        "select concern_id, production_id, raised_by, body from concern
         where body_sealed is null and body <> '' for update",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (id, production, raised_by, body) in rows {
        let scope = match raised_by {
            Some(user) => Scope::Member { production, user },
            None => Scope::Production(production),
        };
        let field = Field::new("concern", "body_sealed", id);
        seal_text(
            vault,
            &mut tx,
            scope,
            field,
            body,
            "update concern set body = '', body_sealed = $1 where concern_id = $2",
            &[id],
        )
        .await?;
        count += 1;
    }

    let rows: Vec<(i64, i64, String)> = sqlx::query_as(
        "select f.concern_follow_up_id, c.production_id, f.note
         from concern_follow_up f join concern c using (concern_id)
         where f.note_sealed is null and f.note <> '' for update of f",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (id, production, note) in rows {
        seal_text(
            vault,
            &mut tx,
            Scope::Production(production),
            Field::new("concern_follow_up", "note_sealed", id),
            note,
            "update concern_follow_up set note = '', note_sealed = $1
             where concern_follow_up_id = $2",
            &[id],
        )
        .await?;
        count += 1;
    }

    let rows: Vec<(i64, i64, String)> = sqlx::query_as(
        "select follow_up_id, production_id, body from follow_up
         where body_sealed is null and body <> '' for update",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (id, production, body) in rows {
        seal_text(
            vault,
            &mut tx,
            Scope::Production(production),
            Field::new("follow_up", "body_sealed", id),
            body,
            "update follow_up set body = '', body_sealed = $1 where follow_up_id = $2",
            &[id],
        )
        .await?;
        count += 1;
    }

    let rows: Vec<(i64, i64, String, Vec<i64>)> = sqlx::query_as(
        "select k.conversation_id, k.production_id, k.summary,
                array(select cp.cast_member_id from conversation_performer cp
                      where cp.conversation_id = k.conversation_id)
         from conversation k
         where k.summary_sealed is null and k.summary <> '' for update",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (id, production, summary, performers) in rows {
        seal_text(
            vault,
            &mut tx,
            summary_scope(production, &performers),
            Field::new("conversation", "summary_sealed", id),
            summary,
            "update conversation set summary = '', summary_sealed = $1 where conversation_id = $2",
            &[id],
        )
        .await?;
        count += 1;
    }

    let rows: Vec<(i64, i64, i64, i32, String, Vec<i64>)> = sqlx::query_as(
        "select v.conversation_version_id, v.conversation_id, v.production_id, v.version,
                v.summary,
                array(select vp.cast_member_id from conversation_version_performer vp
                      where vp.conversation_version_id = v.conversation_version_id)
         from conversation_version v
         where v.summary_sealed is null and v.summary <> ''",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (id, conversation, production, version, summary, performers) in rows {
        seal_text(
            vault,
            &mut tx,
            summary_scope(production, &performers),
            Field::new(
                "conversation_version",
                "summary_sealed",
                format!("{conversation}/{version}"),
            ),
            summary,
            "update conversation_version set summary = '', summary_sealed = $1
             where conversation_version_id = $2",
            &[id],
        )
        .await?;
        count += 1;
    }

    let rows: Vec<(i64, i64, i64, i32, i64, String)> = sqlx::query_as(
        "select vp.conversation_version_id, vp.cast_member_id, v.conversation_id, v.version,
                vp.production_id, vp.note
         from conversation_version_performer vp
         join conversation_version v using (conversation_version_id)
         where vp.note_sealed is null and vp.note <> ''",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (version_id, cast_member, conversation, version, production, note) in rows {
        seal_text(
            vault,
            &mut tx,
            person(production, cast_member),
            Field::new(
                "conversation_version_performer",
                "note_sealed",
                format!("{conversation}/{version}/{cast_member}"),
            ),
            note,
            "update conversation_version_performer set note = '', note_sealed = $1
             where conversation_version_id = $2 and cast_member_id = $3",
            &[version_id, cast_member],
        )
        .await?;
        count += 1;
    }

    let rows: Vec<(i64, i64, i64, serde_json::Value, String)> = sqlx::query_as(
        "select boundary_profile_version_id, production_id, cast_member_id, entries, notes
         from boundary_profile_version
         where entries_sealed is null and notes_sealed is null
           and (entries <> '[]'::jsonb or notes <> '')
         for update",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (id, production, cast_member, entries, notes) in rows {
        crate::consent::boundaries::sealed::seal(
            vault,
            &mut tx,
            production,
            cast_member,
            id,
            &entries,
            &notes,
        )
        .await?;
        count += 1;
    }

    let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(
        "select rider_id, production_id, cast_member_id, body from rider
         where body_sealed is null and body <> '' and body_sha256 is not null for update",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (id, production, cast_member, body) in rows {
        seal_text(
            vault,
            &mut tx,
            person(production, cast_member),
            Field::new("rider", "body_sealed", id),
            body,
            "update rider set body = '', body_sealed = $1 where rider_id = $2",
            &[id],
        )
        .await?;
        count += 1;
    }

    let rows: Vec<(i64, Vec<u8>)> = sqlx::query_as(
        "select user_id, secret from user_totp
         where secret_sealed is null and secret is not null for update",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (user, secret) in rows {
        let sealed = vault
            .seal(
                &mut tx,
                Scope::Account(user),
                &Field::new("user_totp", "secret_sealed", user),
                &secret,
            )
            .await?;
        sqlx::query("update user_totp set secret = null, secret_sealed = $2 where user_id = $1")
            .bind(user)
            .bind(&sealed)
            .execute(&mut *tx)
            .await?;
        count += 1;
    }

    tx.commit().await?;
    Ok(Sealed { values: count })
}
