//! In-app notifications: who is told what (a revocation, a rider to read), the list of a person's
//! notifications across productions, and the unread count every page header shows.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sqlx::PgConnection;
use time::OffsetDateTime;

use crate::auth::CurrentUser;
use crate::error::Result;
use crate::vocab::Role;
use crate::web::AppState;
use crate::web::{Ctx, FormBody, Len, render};

pub mod kind;
pub mod mail;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/notifications", get(list_page))
        .route("/notifications/read", post(mark_read))
        .route(
            "/account/notifications",
            get(mail::preferences_page).post(mail::save_preferences),
        )
}

/// Tells each of `user_ids` something, inside the caller's transaction, so a notice exists
/// exactly when the change it announces does. Messages name people and scenes, never the
/// content of a rider or a boundary (they are also e-mailed).
///
/// Only current members of the production are told: a notice is part of the production, and
/// removing a member deletes theirs (`productions::roles::remove_member`). The member rows are
/// key-share locked, so a removal running at the same moment waits for this transaction and
/// then deletes what it wrote; no reader needs to check membership again.
///
/// Each new notice is also announced with `pg_notify` on `live::CHANNEL`, which PostgreSQL
/// delivers on commit to every server process: open pages get it live, and one process
/// e-mails it (see `mail`). Callers need do nothing more.
pub async fn notify(
    tx: &mut PgConnection,
    production_id: i64,
    user_ids: &[i64],
    kind: &str,
    message: &str,
    link: &str,
) -> Result<()> {
    sqlx::query(
        "with inserted as (
             insert into notification (production_id, user_id, kind, message, link)
             select $1, m.user_id, $3, $4, $5 from member m
             where m.production_id = $1 and m.user_id = any($2::bigint[])
             for key share of m
             returning notification_id, user_id)
         select pg_notify('closedset_notification',
                          json_build_object('user_id', user_id,
                                            'notification_id', notification_id)::text)
         from inserted",
    )
    .bind(production_id)
    .bind(user_ids)
    .bind(kind)
    .bind(message)
    .bind(link)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Tells every member of the production holding one of `roles`; announced live like `notify`.
pub async fn notify_roles(
    tx: &mut PgConnection,
    production_id: i64,
    roles: &[Role],
    kind: &str,
    message: &str,
    link: &str,
) -> Result<()> {
    let roles: Vec<&str> = roles.iter().map(Role::as_str).collect();
    sqlx::query(
        "with inserted as (
             insert into notification (production_id, user_id, kind, message, link)
             select $1, user_id, $3, $4, $5 from member
             where production_id = $1 and role = any($2::text[])
             for key share
             returning notification_id, user_id)
         select pg_notify('closedset_notification',
                          json_build_object('user_id', user_id,
                                            'notification_id', notification_id)::text)
         from inserted",
    )
    .bind(production_id)
    .bind(&roles)
    .bind(kind)
    .bind(message)
    .bind(link)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct NotificationRow {
    notification_id: i64,
    production_title: String,
    message: String,
    link: String,
    created_at: OffsetDateTime,
    read_at: Option<OffsetDateTime>,
}

impl NotificationRow {
    fn when(&self) -> String {
        let format = time::macros::format_description!(
            "[day padding:none] [month repr:short] [year], [hour]:[minute] UTC"
        );
        self.created_at.format(&format).unwrap_or_default()
    }
    fn unread(&self) -> bool {
        self.read_at.is_none()
    }
}

#[derive(Template)]
#[template(path = "notifications/list.html")]
struct ListPage {
    ctx: Ctx,
    notifications: Vec<NotificationRow>,
    newest_unread: Option<i64>,
}

/// The most recent notifications kept on the page; older ones stay in the table.
const SHOWN: i64 = 200;

async fn list_page(
    State(state): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
) -> Result<Response> {
    let notifications: Vec<NotificationRow> = sqlx::query_as(
        "select n.notification_id, p.title as production_title, n.message, n.link,
                n.created_at, n.read_at
         from notification n join production p using (production_id)
         where n.user_id = $1
         order by n.created_at desc, n.notification_id desc
         limit $2",
    )
    .bind(user.user_id)
    .bind(SHOWN)
    .fetch_all(&state.pool)
    .await?;
    let newest_unread = notifications
        .iter()
        .filter(|n| n.unread())
        .map(|n| n.notification_id)
        .max();
    render(&ListPage {
        ctx,
        notifications,
        newest_unread,
    })
}

struct ReadForm {
    /// The newest notification the page showed: anything that arrived after stays unread.
    /// `None` when the form sent no number, or one below zero (no notice has such an id): then
    /// nothing is marked.
    up_to: Option<i64>,
}

impl ReadForm {
    fn read(body: &FormBody) -> ReadForm {
        ReadForm {
            up_to: crate::rules::input_ranges::count(&body.reader().text("up_to", Len::Code)),
        }
    }
}

async fn mark_read(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    body: FormBody,
) -> Result<Response> {
    let Some(up_to) = ReadForm::read(&body).up_to else {
        return Ok(Redirect::to("/notifications").into_response());
    };
    sqlx::query(
        "update notification set read_at = now()
         where user_id = $1 and read_at is null and notification_id <= $2",
    )
    .bind(user.user_id)
    .bind(up_to)
    .execute(&state.pool)
    .await?;
    Ok(Redirect::to("/notifications").into_response())
}
