//! E-mail notices through an SMTP relay, after the change they announce has committed, and
//! each person's choice of which notices reach them by e-mail.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::PgPool;
use tokio::sync::mpsc;
use tower_sessions::Session;

use crate::auth::CurrentUser;
use crate::config::{Config, SmtpRelay};
use crate::error::Result;
use crate::web::AppState;
use crate::web::{Ctx, Flash, FormBody, render};

/// The groups of notices a person chooses e-mail for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    Revocation,
    Pause,
    Delivery,
    Concern,
    Other,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::Revocation,
        Category::Pause,
        Category::Delivery,
        Category::Concern,
        Category::Other,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Category::Revocation => "revocation",
            Category::Pause => "pause",
            Category::Delivery => "delivery",
            Category::Concern => "concern",
            Category::Other => "other",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Category::Revocation => "A performer withdraws consent",
            Category::Pause => "A scene is paused or held on the day",
            Category::Delivery => "A rider is delivered to you to read",
            Category::Concern => "Concerns sent to you, and changes to concerns you raised",
            Category::Other => "Everything else (for example a rider was signed)",
        }
    }

    /// The group a notification's `kind` (one of `notifications::kind`) belongs to. Any other
    /// kind starting with `pause` or `hold` is a pause notice too, so a new on-the-day notice
    /// cannot slip out of the group coordinators must always hear of.
    pub fn of(kind: &str) -> Category {
        use super::kind::*;
        match kind {
            // A narrowing on the day is a revocation in part.
            CONSENT_REVOKED | CONSENT_NARROWED => Category::Revocation,
            RIDER_DELIVERED | RIDER_CARRIED_FORWARD => Category::Delivery,
            SCENE_PAUSED | PAUSE_RESOLVED => Category::Pause,
            CONCERN_RAISED | CONCERN_STATUS => Category::Concern,
            k if k.starts_with("pause") || k.starts_with("hold") => Category::Pause,
            k if k.starts_with("concern") => Category::Concern,
            _ => Category::Other,
        }
    }

    /// A coordinator must hear of these wherever they are: they cannot turn the e-mail off.
    pub fn locked_for_coordinators(&self) -> bool {
        matches!(self, Category::Revocation | Category::Pause)
    }

    fn field(&self) -> String {
        format!("mail_{}", self.as_str())
    }
}

/// What the listener hands to the e-mail sender.
#[derive(Clone, Copy, Debug)]
pub enum MailJob {
    Notification(i64),
    /// After (re)connecting: send what was announced while nobody listened.
    Sweep,
}

/// Sends one e-mail per new notice, one at a time, for as long as the process runs, through
/// the relay as configured (plain, STARTTLS required, or TLS, with or without a login). A
/// failed send (a relay that does not offer the TLS asked for, a refused login) is logged and
/// not retried: the notice is still in the app.
pub async fn worker(
    pool: PgPool,
    config: Arc<Config>,
    relay: SmtpRelay,
    mut jobs: mpsc::UnboundedReceiver<MailJob>,
) {
    // The URL was checked at start-up; a failure here would be lettre changing its mind.
    let transport = match relay.transport() {
        Ok(transport) => transport,
        Err(err) => {
            tracing::error!(error = %err, relay = ?relay, "e-mail relay unusable; no e-mail is sent");
            return;
        }
    };
    while let Some(job) = jobs.recv().await {
        let ids: Vec<i64> = match job {
            MailJob::Notification(id) => vec![id],
            MailJob::Sweep => match sqlx::query_scalar(
                "select notification_id from notification
                 where mailed_at is null and created_at > now() - interval '15 minutes'
                 order by notification_id limit 500",
            )
            .fetch_all(&pool)
            .await
            {
                Ok(ids) => ids,
                Err(err) => {
                    tracing::warn!(error = %err, "e-mail sweep failed");
                    continue;
                }
            },
        };
        for id in ids {
            if let Err(err) = send_one(&pool, &config, &transport, id).await {
                tracing::warn!(error = %err, notification_id = id, "e-mail notice not sent");
            }
        }
    }
}

#[derive(sqlx::FromRow)]
struct Claimed {
    kind: String,
    message: String,
    link: String,
    email: String,
    name: String,
    production: String,
    is_coordinator: bool,
    declined: Vec<String>,
}

async fn send_one(
    pool: &PgPool,
    config: &Config,
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    notification_id: i64,
) -> anyhow::Result<()> {
    // Whoever marks it first sends it: several processes hear the same announcement.
    let claimed: Option<Claimed> = sqlx::query_as(
        "with claimed as (
             update notification set mailed_at = now()
             where notification_id = $1 and mailed_at is null
             returning user_id, production_id, kind, message, link)
         select c.kind, c.message, c.link, u.email, u.name, p.title as production,
                exists (select 1 from member m
                        where m.production_id = c.production_id and m.user_id = c.user_id
                          and m.role = 'coordinator') as is_coordinator,
                array(select mp.category from mail_preference mp
                      where mp.user_id = c.user_id and not mp.by_email) as declined
         from claimed c join app_user u using (user_id) join production p using (production_id)",
    )
    .bind(notification_id)
    .fetch_optional(pool)
    .await?;
    let Some(n) = claimed else {
        return Ok(());
    };
    let category = Category::of(&n.kind);
    // Only members hold notices (see `notify`): a removed member's are deleted unsent.
    let wanted = (n.is_coordinator && category.locked_for_coordinators())
        || !n.declined.iter().any(|d| d == category.as_str());
    if !wanted {
        return Ok(());
    }
    let message = compose(config, &n)?;
    transport.send(message).await?;
    tracing::info!(notification_id, "e-mail notice sent");
    Ok(())
}

/// Plain text: the notice's one line (names and scene numbers, never rider, boundary or
/// concern content) and a link to read the rest after signing in.
fn compose(config: &Config, n: &Claimed) -> anyhow::Result<Message> {
    let from: Mailbox = config.mail_from.parse()?;
    let to = Mailbox::new(Some(n.name.clone()), n.email.parse()?);
    let link = if n.link.is_empty() {
        format!("{}/notifications", config.base_url)
    } else {
        format!("{}{}", config.base_url, n.link)
    };
    let body = format!(
        "{message}\n\nProduction: {production}\n\nOpen it in Closed Set (you will be asked to sign \
         in):\n{link}\n\n-- \nYou get this e-mail because of your notification settings:\n\
         {base}/account/notifications\n",
        message = n.message,
        production = n.production,
        base = config.base_url,
    );
    Ok(Message::builder()
        .from(from)
        .to(to)
        .subject(format!("Closed Set: a notice for {}", n.production))
        .header(ContentType::TEXT_PLAIN)
        .body(body)?)
}

// ---------------------------------------------------------------- preferences

pub struct Choice {
    pub category: Category,
    pub field: String,
    pub by_email: bool,
    pub locked: bool,
}

#[derive(Template)]
#[template(path = "notifications/preferences.html")]
struct PreferencesPage {
    ctx: Ctx,
    choices: Vec<Choice>,
    coordinator: bool,
    mail_configured: bool,
}

#[derive(sqlx::FromRow)]
struct Prefs {
    coordinator: bool,
    declined: Vec<String>,
}

async fn load_prefs(pool: &PgPool, user_id: i64) -> Result<Prefs> {
    Ok(sqlx::query_as(
        "select exists (select 1 from member where user_id = $1 and role = 'coordinator')
                    as coordinator,
                array(select category from mail_preference
                      where user_id = $1 and not by_email) as declined",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await?)
}

/// `GET /account/notifications`: which notices come by e-mail.
pub async fn preferences_page(
    State(state): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
) -> Result<Response> {
    let prefs = load_prefs(&state.pool, user.user_id).await?;
    let choices = Category::ALL
        .into_iter()
        .map(|category| {
            let locked = prefs.coordinator && category.locked_for_coordinators();
            Choice {
                category,
                field: category.field(),
                by_email: locked || !prefs.declined.iter().any(|d| d == category.as_str()),
                locked,
            }
        })
        .collect();
    render(&PreferencesPage {
        ctx,
        choices,
        coordinator: prefs.coordinator,
        mail_configured: state.config.smtp.is_some(),
    })
}

/// The categories whose box was ticked.
struct PreferencesForm {
    ticked: Vec<Category>,
}

impl PreferencesForm {
    fn read(body: &FormBody) -> PreferencesForm {
        PreferencesForm {
            ticked: Category::ALL
                .into_iter()
                .filter(|c| body.has(&c.field()))
                .collect(),
        }
    }
}

/// `POST /account/notifications`: a ticked box means yes; a coordinator's revocation and
/// pause e-mails stay on whatever the form says.
pub async fn save_preferences(
    State(state): State<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    body: FormBody,
) -> Result<Response> {
    let form = PreferencesForm::read(&body);
    let prefs = load_prefs(&state.pool, user.user_id).await?;
    let (categories, wanted): (Vec<&str>, Vec<bool>) = Category::ALL
        .iter()
        .map(|c| {
            let locked = prefs.coordinator && c.locked_for_coordinators();
            (c.as_str(), locked || form.ticked.contains(c))
        })
        .unzip();
    sqlx::query(
        "insert into mail_preference (user_id, category, by_email)
         select $1, c, w from unnest($2::text[], $3::boolean[]) as t(c, w)
         on conflict (user_id, category)
         do update set by_email = excluded.by_email, updated_at = now()",
    )
    .bind(user.user_id)
    .bind(&categories)
    .bind(&wanted)
    .execute(&state.pool)
    .await?;
    Flash::success(&session, "Your e-mail choices are saved.").await?;
    Ok(Redirect::to("/account/notifications").into_response())
}

#[cfg(test)]
mod tests {
    use super::Category;

    #[test]
    fn kinds_fall_into_categories() {
        assert_eq!(Category::of("consent_revoked"), Category::Revocation);
        assert_eq!(Category::of("rider_delivered"), Category::Delivery);
        assert_eq!(Category::of("pause"), Category::Pause);
        assert_eq!(Category::of("hold_lifted"), Category::Pause);
        assert_eq!(Category::of("concern_raised"), Category::Concern);
        assert_eq!(Category::of("rider_signed"), Category::Other);
        assert!(Category::Revocation.locked_for_coordinators());
    }

    #[test]
    fn every_kind_sent_has_its_category() {
        use crate::notifications::kind;
        assert_eq!(Category::of(kind::CONSENT_REVOKED), Category::Revocation);
        // A narrowing on the day must reach coordinators like a revocation.
        assert_eq!(Category::of(kind::CONSENT_NARROWED), Category::Revocation);
        assert_eq!(Category::of(kind::SCENE_PAUSED), Category::Pause);
        assert_eq!(Category::of(kind::PAUSE_RESOLVED), Category::Pause);
        assert_eq!(Category::of(kind::RIDER_DELIVERED), Category::Delivery);
        assert_eq!(Category::of(kind::CONCERN_RAISED), Category::Concern);
        assert_eq!(Category::of(kind::CONCERN_STATUS), Category::Concern);
        assert_eq!(Category::of(kind::RIDER_SIGNED), Category::Other);
        assert!(!Category::Delivery.locked_for_coordinators());
    }
}
