//! Raising a concern: the form with the reporting line and the coordinators and producers it can
//! be sent to, and the send, which notifies each chosen recipient without the text or the raiser.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use sqlx::PgPool;
use tower_sessions::Session;

use super::reporting::{self, ReportingLine};
use crate::error::Result;
use crate::notifications;
use crate::productions::Member;
use crate::rules::concerns::recipients;
use crate::vault::{Field, Scope};
use crate::vocab::Role;
use crate::web::AppState;
use crate::web::{Ctx, FieldErrors, Flash, render_form};
use crate::web::{FormBody, Len};

/// A producer or coordinator a concern can be sent to.
#[derive(sqlx::FromRow, Clone)]
struct Eligible {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
}

/// Everyone the member may choose: the production's coordinators and producers except
/// themselves. Nobody is ticked in advance.
async fn eligible(pool: &PgPool, member: &Member) -> Result<Vec<Eligible>> {
    Ok(sqlx::query_as(
        "select u.user_id, u.name, m.role
         from member m join app_user u using (user_id)
         where m.production_id = $1 and m.role in ('coordinator', 'producer') and m.user_id <> $2
         order by m.role, u.name, u.user_id",
    )
    .bind(member.production.production_id)
    .bind(member.user.user_id)
    .fetch_all(pool)
    .await?)
}

#[derive(Default)]
struct ConcernForm {
    body: String,
    anonymous: bool,
    /// The ticked recipients, each once.
    recipients: Vec<i64>,
    /// A recipient value that is not an id at all: the form was not the one offered.
    tampered: bool,
    too_long: FieldErrors,
}

impl ConcernForm {
    fn read(body: &FormBody) -> Self {
        let ids = body.ids("recipients");
        let mut r = body.reader();
        ConcernForm {
            body: r.text("body", Len::Long),
            anonymous: body.has("anonymous"),
            tampered: ids.is_none(),
            recipients: ids.unwrap_or_default(),
            too_long: r.finish(),
        }
    }

    fn chose(&self, user_id: &i64) -> bool {
        self.recipients.contains(user_id)
    }

    /// The body, and the chosen recipients, each of whom must be on the offered list.
    fn parse(&self, offered: &[Eligible]) -> std::result::Result<(String, Vec<i64>), FieldErrors> {
        let mut errors = self.too_long.clone();
        let body = self.body.trim().to_string();
        if body.is_empty() {
            errors.add("body", "Describe the concern.");
        } else if body.chars().count() > 10_000 {
            errors.add("body", "Keep it under 10,000 characters.");
        }
        let offered: Vec<i64> = offered.iter().map(|e| e.user_id).collect();
        let chosen = recipients(&offered, &self.recipients).filter(|_| !self.tampered);
        if chosen.is_none() {
            errors.add(
                "recipients",
                "Choose at least one person to send it to, from the list.",
            );
        }
        match chosen {
            Some(chosen) if errors.is_empty() => Ok((body, chosen)),
            _ => Err(errors),
        }
    }
}

#[derive(Template)]
#[template(path = "concerns/new.html")]
struct NewPage {
    ctx: Ctx,
    member: Member,
    line: ReportingLine,
    offered: Vec<Eligible>,
    form: ConcernForm,
    errors: FieldErrors,
}

impl NewPage {
    /// The empty form with the reporting line, offering `offered` as recipients.
    async fn new(
        pool: &PgPool,
        ctx: Ctx,
        member: Member,
        offered: Vec<Eligible>,
    ) -> Result<NewPage> {
        let line = reporting::load(
            pool,
            member.production.production_id,
            &member.production.agreement,
        )
        .await?;
        Ok(NewPage {
            ctx,
            member,
            line,
            offered,
            form: ConcernForm::default(),
            errors: FieldErrors::default(),
        })
    }

    /// The form as it was sent, with the errors that refused it.
    fn with_form(self, form: ConcernForm, errors: FieldErrors) -> NewPage {
        NewPage {
            form,
            errors,
            ..self
        }
    }

    /// The page, as 422 when the form was refused.
    fn respond(&self) -> Result<Response> {
        render_form(self, !self.errors.is_empty())
    }
}

pub(super) async fn new_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
) -> Result<Response> {
    let offered = eligible(&state.pool, &member).await?;
    NewPage::new(&state.pool, ctx, member, offered)
        .await?
        .respond()
}

pub(super) async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    body: FormBody,
) -> Result<Response> {
    let form = ConcernForm::read(&body);
    let offered = eligible(&state.pool, &member).await?;
    let (text, recipients) = match form.parse(&offered) {
        Ok(parsed) => parsed,
        Err(errors) => {
            return NewPage::new(&state.pool, ctx, member, offered)
                .await?
                .with_form(form, errors)
                .respond();
        }
    };
    let production_id = member.production.production_id;
    let mut tx = state.pool.begin().await?;
    // The text is sealed under the raiser's own key in this production (`crate::vault`).
    let concern_id: i64 = sqlx::query_scalar(
        "insert into concern (production_id, raised_by, anonymous, body)
         values ($1, $2, $3, '') returning concern_id",
    )
    .bind(production_id)
    .bind(member.user.user_id)
    .bind(form.anonymous)
    .fetch_one(&mut *tx)
    .await?;
    let sealed = state
        .vault
        .seal(
            &mut tx,
            Scope::Member {
                production: production_id,
                user: member.user.user_id,
            },
            &Field::new("concern", "body_sealed", concern_id),
            &text,
        )
        .await?;
    sqlx::query("update concern set body_sealed = $2 where concern_id = $1")
        .bind(concern_id)
        .bind(&sealed)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "insert into concern_recipient (concern_id, user_id)
         select $1, unnest($2::bigint[])",
    )
    .bind(concern_id)
    .bind(&recipients)
    .execute(&mut *tx)
    .await?;
    // Neither the text nor who raised it: notices are e-mailed and shown live.
    notifications::notify(
        &mut tx,
        production_id,
        &recipients,
        notifications::kind::CONCERN_RAISED,
        "A concern has been sent to you",
        &format!("/productions/{production_id}/concerns/{concern_id}"),
    )
    .await?;
    tx.commit().await?;
    Flash::success(
        &session,
        if form.anonymous {
            "Your concern is sent. The people you chose cannot see who raised it."
        } else {
            "Your concern is sent to the people you chose."
        },
    )
    .await?;
    Ok(Redirect::to(&format!("{}/concerns/{concern_id}", member.base())).into_response())
}
