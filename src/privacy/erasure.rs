//! Erasure. One performer's personal data in a production, on a request a producer approved:
//! their data keys are destroyed (crypto-shredding: their boundary profiles, their notes, the
//! conversations with them alone, their rider texts and the concerns they raised no longer
//! open, anywhere, backups included once those age out) and their name is replaced by a
//! pseudonym. The whole production's, at the end of its retention: every key of the production
//! is destroyed and every cast name replaced.
//!
//! The consent ledger is not touched: it holds ids and hashes, so `ledger verify` and receipts
//! already given out still verify. The signing device (address, browser) of the person's
//! signatures, kept beside the ledger, is deleted; the salted hash the ledger holds then says
//! nothing.

use sqlx::PgConnection;

use crate::audit;
use crate::vault::Vault;

/// What a performer is called once erased.
pub fn pseudonym(cast_number: i32) -> String {
    format!("Erased performer #{cast_number}")
}

#[derive(sqlx::FromRow)]
struct Person {
    cast_number: i32,
    name: String,
    user_id: Option<i64>,
    user_name: Option<String>,
    user_email: Option<String>,
    erased: bool,
    /// Whether the account belongs to any other production, which still needs it.
    elsewhere: bool,
}

/// Erases one cast member's personal data in their production, in the caller's transaction.
/// Does nothing the second time.
pub async fn erase_person(
    vault: &Vault,
    tx: &mut PgConnection,
    production_id: i64,
    cast_member_id: i64,
    approved_by: Option<i64>,
) -> sqlx::Result<()> {
    let person: Option<Person> = sqlx::query_as(
        "select c.cast_number, c.name, c.user_id, u.name as user_name, u.email as user_email,
                c.erased_at is not null as erased,
                exists (select 1 from member m where m.user_id = c.user_id
                        and m.production_id <> c.production_id) as elsewhere
         from cast_member c left join app_user u on u.user_id = c.user_id
         where c.cast_member_id = $1 and c.production_id = $2
         for update of c",
    )
    .bind(cast_member_id)
    .bind(production_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(person) = person.filter(|p| !p.erased) else {
        return Ok(());
    };
    let alias = pseudonym(person.cast_number);

    vault
        .destroy(
            tx,
            &format!("production/{production_id}/cast/{cast_member_id}"),
        )
        .await?;
    if let Some(user) = person.user_id {
        vault
            .destroy(tx, &format!("production/{production_id}/user/{user}"))
            .await?;
    }
    // Where they signed from.
    sqlx::query(
        "delete from consent_event_client k using consent_event e, rider r
         where k.consent_event_id = e.consent_event_id and e.rider_id = r.rider_id
           and r.cast_member_id = $1",
    )
    .bind(cast_member_id)
    .execute(&mut *tx)
    .await?;
    // Their name in other people's notices of this production.
    for name in [Some(&person.name), person.user_name.as_ref()]
        .into_iter()
        .flatten()
    {
        sqlx::query(
            "update notification set message = replace(message, $2, $3)
             where production_id = $1 and strpos(message, $2) > 0",
        )
        .bind(production_id)
        .bind(name)
        .bind(&alias)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "update cast_member set name = $2, date_of_birth = null, union_name = '',
                                representative = '', erased_at = now(), updated_at = now()
         where cast_member_id = $1",
    )
    .bind(cast_member_id)
    .bind(&alias)
    .execute(&mut *tx)
    .await?;

    if let Some(user) = person.user_id {
        // Out of this production; their own notices of it go too.
        sqlx::query("delete from notification where production_id = $1 and user_id = $2")
            .bind(production_id)
            .bind(user)
            .execute(&mut *tx)
            .await?;
        sqlx::query("delete from member where production_id = $1 and user_id = $2")
            .bind(production_id)
            .bind(user)
            .execute(&mut *tx)
            .await?;
        if !person.elsewhere {
            erase_account(vault, tx, user, &alias, person.user_email.as_deref()).await?;
        }
    }
    sqlx::query(
        "update erasure_request set approved_by = coalesce(approved_by, $2),
                                    carried_out_at = now()
         where cast_member_id = $1 and carried_out_at is null",
    )
    .bind(cast_member_id)
    .bind(approved_by)
    .execute(&mut *tx)
    .await?;
    audit::record(
        tx,
        audit::Action::ErasureApproved,
        audit::Entry {
            production_id: Some(production_id),
            actor_user_id: approved_by,
            subject_user_id: person.user_id,
            subject_cast_member_id: Some(cast_member_id),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}

/// An account that belongs to no other production: its name and address replaced, its
/// sign-in taken away (password, second factor, passkeys, sessions), and what was kept about
/// its sign-ins and resets deleted. The row stays, as the ledger names its id.
async fn erase_account(
    vault: &Vault,
    tx: &mut PgConnection,
    user_id: i64,
    alias: &str,
    email: Option<&str>,
) -> sqlx::Result<()> {
    vault.destroy(tx, &format!("user/{user_id}")).await?;
    for statement in [
        "delete from user_totp where user_id = $1",
        "delete from recovery_code where user_id = $1",
        "delete from passkey where user_id = $1",
        "delete from user_session where user_id = $1",
        "delete from password_reset where user_id = $1",
        "delete from mail_preference where user_id = $1",
        "delete from notification where user_id = $1",
    ] {
        sqlx::query(statement)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    }
    if let Some(email) = email {
        for statement in [
            "delete from sign_in_failure where email = $1",
            "delete from password_reset_request where email = $1",
            "update invitation set email = 'erased@erased.invalid' where email = $1",
        ] {
            sqlx::query(statement).bind(email).execute(&mut *tx).await?;
        }
    }
    sqlx::query(
        "update app_user set name = $2, email = 'erased-' || user_id || '@erased.invalid',
                             password_hash = 'erased', updated_at = now()
         where user_id = $1",
    )
    .bind(user_id)
    .bind(alias)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Erases every performer of a production and destroys all of its keys: the end of retention.
pub async fn erase_production(
    vault: &Vault,
    tx: &mut PgConnection,
    production_id: i64,
    by: Option<i64>,
) -> sqlx::Result<()> {
    let cast: Vec<i64> = sqlx::query_scalar(
        "select cast_member_id from cast_member where production_id = $1 and erased_at is null",
    )
    .bind(production_id)
    .fetch_all(&mut *tx)
    .await?;
    for cast_member_id in cast {
        erase_person(vault, tx, production_id, cast_member_id, by).await?;
    }
    vault
        .destroy(tx, &format!("production/{production_id}"))
        .await?;
    sqlx::query("delete from consent_event_client where production_id = $1")
        .bind(production_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("update production set erased_at = now() where production_id = $1")
        .bind(production_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        tx,
        audit::Action::ProductionErased,
        audit::Entry {
            production_id: Some(production_id),
            actor_user_id: by,
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}
