//! Changing a member's role and removing a member, under the rule that a production always keeps
//! at least one producer, however two producers' changes interleave.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::member::Member;
use crate::access::Action;
use crate::audit;
use crate::error::{AppError, Result};
use crate::vocab::Role;
use crate::web::AppState;
use crate::web::ids::Ids;
use crate::web::{Flash, FormBody, Len};

struct RoleForm {
    role: String,
}

impl RoleForm {
    fn read(body: &FormBody) -> RoleForm {
        let mut r = body.reader();
        RoleForm {
            role: r.text("role", Len::Code),
        }
    }
}

/// Starts the transaction for a change to who produces the production: the production row is
/// locked, so two such changes (two producers demoting each other at the same moment) run one
/// after the other, and the second sees the first's result when it counts producers. Answers
/// 404 when the acting producer lost that role while waiting.
async fn lock_producers(
    state: &AppState,
    member: &Member,
) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
    let mut tx = state.pool.begin().await?;
    sqlx::query("select production_id from production where production_id = $1 for update")
        .bind(member.production.production_id)
        .execute(&mut *tx)
        .await?;
    let still_producer: bool = sqlx::query_scalar(
        "select exists (select 1 from member where member_id = $1 and role = 'producer')",
    )
    .bind(member.member_id)
    .fetch_one(&mut *tx)
    .await?;
    if !still_producer {
        return Err(AppError::NotFound);
    }
    Ok(tx)
}

/// The role of a member of the caller's production, or 404.
async fn target_role(
    tx: &mut sqlx::PgConnection,
    production_id: i64,
    member_id: i64,
) -> Result<Role> {
    sqlx::query_scalar("select role from member where member_id = $1 and production_id = $2")
        .bind(member_id)
        .bind(production_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)
}

async fn producer_count(tx: &mut sqlx::PgConnection, production_id: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "select count(*) from member where production_id = $1 and role = 'producer'",
    )
    .bind(production_id)
    .fetch_one(&mut *tx)
    .await?)
}

pub(super) async fn change_role(
    State(state): State<AppState>,
    member: Member,
    session: Session,
    Ids((_, member_id)): Ids<(i64, i64)>,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::ManageMembers)?;
    let form = RoleForm::read(&body);
    let Some(role) = Role::parse(&form.role) else {
        return Err(AppError::NotFound);
    };
    let production_id = member.production.production_id;
    let mut tx = lock_producers(&state, &member).await?;
    let current = target_role(&mut tx, production_id, member_id).await?;
    if current == Role::Producer
        && role != Role::Producer
        && producer_count(&mut tx, production_id).await? <= 1
    {
        drop(tx);
        Flash::info(
            &session,
            "A production needs at least one producer; the role is unchanged.",
        )
        .await?;
    } else {
        let subject: i64 = sqlx::query_scalar(
            "update member set role = $2, updated_at = now() where member_id = $1
             returning user_id",
        )
        .bind(member_id)
        .bind(role)
        .fetch_one(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            audit::Action::RoleChanged,
            audit::Entry {
                production_id: Some(production_id),
                actor_user_id: Some(member.user.user_id),
                subject_user_id: Some(subject),
                detail: role.as_str(),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Flash::success(&session, format!("The role is now {}.", role.label())).await?;
    }
    Ok(Redirect::to(&format!("{}/members", member.base())).into_response())
}

pub(super) async fn remove_member(
    State(state): State<AppState>,
    member: Member,
    session: Session,
    Ids((_, member_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    member.may(Action::ManageMembers)?;
    let production_id = member.production.production_id;
    let mut tx = lock_producers(&state, &member).await?;
    let current = target_role(&mut tx, production_id, member_id).await?;
    if current == Role::Producer && producer_count(&mut tx, production_id).await? <= 1 {
        drop(tx);
        Flash::info(
            &session,
            "A production needs at least one producer; nobody was removed.",
        )
        .await?;
    } else {
        // Access is checked against this table on every request, so removal is immediate.
        // Their notices of this production go with it: the header's count and the live stream
        // must not keep telling them about a production they can no longer open. The member row
        // goes first, so a notice being written at the same moment (`notify` key-share locks the
        // row) either lands before this and is deleted, or finds no member and is not written.
        let user_id: i64 =
            sqlx::query_scalar("delete from member where member_id = $1 returning user_id")
                .bind(member_id)
                .fetch_one(&mut *tx)
                .await?;
        sqlx::query("delete from notification where production_id = $1 and user_id = $2")
            .bind(production_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            audit::Action::MemberRemoved,
            audit::Entry {
                production_id: Some(production_id),
                actor_user_id: Some(member.user.user_id),
                subject_user_id: Some(user_id),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Flash::success(
            &session,
            "The member is removed and can no longer see the production.",
        )
        .await?;
    }
    let target = if member_id == member.member_id {
        "/".to_string()
    } else {
        format!("{}/members", member.base())
    };
    Ok(Redirect::to(&target).into_response())
}
