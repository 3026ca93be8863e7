//! The production's data-protection page: what is kept and why, who can see it (from the one
//! access table), how long it is kept after wrap, how to export one's data or ask for erasure;
//! for producers, the erasure requests to approve and the audit trail of administrative actions.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use time::OffsetDateTime;
use tower_sessions::Session;

use super::erasure;
use super::who_sees::{AccessRow, access_rows};
use crate::access::Action;
use crate::audit;
use crate::consent::boundaries::own_cast_record;
use crate::error::{AppError, Result};
use crate::productions::Member;
use crate::rules::retention;
use crate::vocab::Role;
use crate::web::ids::Ids;
use crate::web::{AppState, Ctx, FieldErrors, Flash, FormBody, Len, render_form};

#[derive(sqlx::FromRow)]
struct PendingRow {
    erasure_request_id: i64,
    name: String,
    requested_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    action: String,
    actor: Option<String>,
    subject: Option<String>,
    detail: String,
    occurred_at: OffsetDateTime,
}

impl AuditRow {
    fn label(&self) -> &'static str {
        audit::Action::label(&self.action)
    }
}

#[derive(sqlx::FromRow)]
struct Retention {
    months: Option<i32>,
    wrapped_at: Option<OffsetDateTime>,
    erased_at: Option<OffsetDateTime>,
}

#[derive(Template)]
#[template(path = "privacy/data_protection.html")]
struct DataProtectionPage {
    ctx: Ctx,
    member: Member,
    columns: Vec<&'static str>,
    rows: Vec<AccessRow>,
    months: i32,
    is_default: bool,
    wrapped: Option<String>,
    due: Option<String>,
    is_due: bool,
    erased: bool,
    /// A performer's own erasure request: `None` none, `Some(false)` waiting, `Some(true)` done.
    own_request: Option<bool>,
    has_cast_record: bool,
    pending: Vec<PendingRow>,
    trail: Vec<AuditRow>,
    typed_months: String,
    /// The erasure request whose confirmation was refused, with what was typed.
    refused: Option<(i64, String)>,
    errors: FieldErrors,
}

impl DataProtectionPage {
    async fn new(state: &AppState, ctx: Ctx, member: Member) -> Result<DataProtectionPage> {
        let pool = &state.pool;
        let production_id = member.production.production_id;
        let kept: Retention = sqlx::query_as(
            "select s.months, p.wrapped_at, p.erased_at
             from production p left join retention_setting s using (production_id)
             where p.production_id = $1",
        )
        .bind(production_id)
        .fetch_one(pool)
        .await?;
        let months = kept
            .months
            .unwrap_or_else(|| retention::default_months(&member.production.agreement));
        let own = if member.is(Role::Performer) {
            own_cast_record(pool, &member).await?
        } else {
            None
        };
        let own_request = match &own {
            Some(cast) => sqlx::query_scalar(
                "select carried_out_at is not null from erasure_request where cast_member_id = $1",
            )
            .bind(cast.cast_member_id)
            .fetch_optional(pool)
            .await?,
            None => None,
        };
        let producer = member.can(Action::ChangeSettings);
        let (pending, trail) = if producer {
            let pending = sqlx::query_as(
                "select r.erasure_request_id, c.name, r.requested_at
                 from erasure_request r join cast_member c using (cast_member_id)
                 where r.production_id = $1 and r.carried_out_at is null
                 order by r.requested_at",
            )
            .bind(production_id)
            .fetch_all(pool)
            .await?;
            let trail = sqlx::query_as(
                "select a.action, actor.name as actor,
                        coalesce(c.name, subject.name) as subject, a.detail, a.occurred_at
                 from admin_audit a
                 left join app_user actor on actor.user_id = a.actor_user_id
                 left join app_user subject on subject.user_id = a.subject_user_id
                 left join cast_member c on c.cast_member_id = a.subject_cast_member_id
                 where a.production_id = $1 or a.production_id is null
                 order by a.occurred_at desc, a.admin_audit_id desc limit 200",
            )
            .bind(production_id)
            .fetch_all(pool)
            .await?;
            (pending, trail)
        } else {
            (Vec::new(), Vec::new())
        };
        let zone = &member.production.zone;
        let wrapped = kept.wrapped_at.map(|t| zone.moment(t));
        let due = retention::erasure_due(kept.wrapped_at, months).map(|t| zone.moment(t));
        Ok(DataProtectionPage {
            ctx,
            columns: vec!["Producer", "Director / 1st AD", "Coordinator", "Performer"],
            rows: access_rows(),
            months,
            is_default: kept.months.is_none(),
            wrapped,
            due,
            is_due: retention::is_due(kept.wrapped_at, months, OffsetDateTime::now_utc()),
            erased: kept.erased_at.is_some(),
            own_request,
            has_cast_record: own.is_some(),
            pending,
            trail,
            typed_months: months.to_string(),
            refused: None,
            errors: FieldErrors::default(),
            member,
        })
    }

    fn is_producer(&self) -> bool {
        self.member.can(Action::ChangeSettings)
    }

    /// What was typed in the confirmation of request `id`, when it was refused.
    fn typed_confirm(&self, id: &i64) -> &str {
        match &self.refused {
            Some((refused, typed)) if refused == id => typed,
            _ => "",
        }
    }

    fn refused_here(&self, id: &i64) -> bool {
        self.refused.as_ref().is_some_and(|(r, _)| r == id)
    }

    fn when(&self, at: &OffsetDateTime) -> String {
        self.member.production.zone.moment(*at)
    }
}

pub(super) async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
) -> Result<Response> {
    let page = DataProtectionPage::new(&state, ctx, member).await?;
    render_form(&page, false)
}

/// A producer sets how many months records are kept after wrap.
pub(super) async fn set_retention(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::ChangeSettings)?;
    let mut r = body.reader();
    let typed = r.text("months", Len::Code);
    let mut errors = r.finish();
    let months = typed
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|m| (1..=240).contains(m));
    if months.is_none() {
        errors.add("months", "Enter a whole number of months from 1 to 240.");
    }
    let Some(months) = months.filter(|_| errors.is_empty()) else {
        let page = DataProtectionPage::new(&state, ctx, member).await?;
        let page = DataProtectionPage {
            typed_months: typed,
            errors,
            ..page
        };
        return render_form(&page, true);
    };
    let production_id = member.production.production_id;
    let mut tx = state.pool.begin().await?;
    sqlx::query(
        "insert into retention_setting (production_id, months, updated_by)
         values ($1, $2, $3)
         on conflict (production_id) do update set months = excluded.months,
             updated_by = excluded.updated_by, updated_at = now()",
    )
    .bind(production_id)
    .bind(months)
    .bind(member.user.user_id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        audit::Action::RetentionChanged,
        audit::Entry {
            production_id: Some(production_id),
            actor_user_id: Some(member.user.user_id),
            detail: &format!("{months} months"),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Flash::success(
        &session,
        format!("Records are now kept {months} months after wrap."),
    )
    .await?;
    Ok(Redirect::to(&format!("{}/data-protection", member.base())).into_response())
}

/// A performer asks for their personal data in this production to be erased; a producer
/// approves it, which carries it out.
pub(super) async fn request_erasure(
    State(state): State<AppState>,
    member: Member,
    session: Session,
) -> Result<Response> {
    let cast = own_cast_record(&state.pool, &member)
        .await?
        .filter(|_| member.is(Role::Performer))
        .ok_or(AppError::NotFound)?;
    let production_id = member.production.production_id;
    let mut tx = state.pool.begin().await?;
    let asked = sqlx::query(
        "insert into erasure_request (production_id, cast_member_id, requested_by)
         values ($1, $2, $3) on conflict (cast_member_id) do nothing",
    )
    .bind(production_id)
    .bind(cast.cast_member_id)
    .bind(member.user.user_id)
    .execute(&mut *tx)
    .await?;
    if asked.rows_affected() == 1 {
        audit::record(
            &mut tx,
            audit::Action::ErasureRequested,
            audit::Entry {
                production_id: Some(production_id),
                actor_user_id: Some(member.user.user_id),
                subject_cast_member_id: Some(cast.cast_member_id),
                ..Default::default()
            },
        )
        .await?;
    }
    tx.commit().await?;
    Flash::success(
        &session,
        "Your request is sent to the producers. Once one approves it, your personal data in \
         this production is erased.",
    )
    .await?;
    Ok(Redirect::to(&format!("{}/data-protection", member.base())).into_response())
}

/// The word a producer types to confirm an erasure, which cannot be undone.
const CONFIRM: &str = "erase";

pub(super) async fn approve(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Ids((_, request_id)): Ids<(i64, i64)>,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::ChangeSettings)?;
    let mut r = body.reader();
    let typed = r.text("confirm", Len::Code);
    let mut errors = r.finish();
    if !typed.trim().eq_ignore_ascii_case(CONFIRM) {
        errors.add(
            "confirm",
            "Type erase to confirm: an erasure cannot be undone.",
        );
    }
    if !errors.is_empty() {
        let page = DataProtectionPage::new(&state, ctx, member).await?;
        if !page
            .pending
            .iter()
            .any(|p| p.erasure_request_id == request_id)
        {
            return Err(AppError::NotFound);
        }
        let page = DataProtectionPage {
            refused: Some((request_id, typed)),
            errors,
            ..page
        };
        return render_form(&page, true);
    }
    let production_id = member.production.production_id;
    let mut tx = state.pool.begin().await?;
    let cast: i64 = sqlx::query_scalar(
        "select cast_member_id from erasure_request
         where erasure_request_id = $1 and production_id = $2 and carried_out_at is null
         for update",
    )
    .bind(request_id)
    .bind(production_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    erasure::erase_person(
        &state.vault,
        &mut tx,
        production_id,
        cast,
        Some(member.user.user_id),
    )
    .await?;
    tx.commit().await?;
    Flash::success(
        &session,
        "Erased: their records no longer open and their name is replaced. The consent log still \
         verifies.",
    )
    .await?;
    Ok(Redirect::to(&format!("{}/data-protection", member.base())).into_response())
}

/// At the end of retention, a producer erases the production's personal data.
pub(super) async fn erase_production(
    State(state): State<AppState>,
    member: Member,
    session: Session,
) -> Result<Response> {
    member.may(Action::ChangeSettings)?;
    let production_id = member.production.production_id;
    let kept: Retention = sqlx::query_as(
        "select s.months, p.wrapped_at, p.erased_at
         from production p left join retention_setting s using (production_id)
         where p.production_id = $1",
    )
    .bind(production_id)
    .fetch_one(&state.pool)
    .await?;
    let months = kept
        .months
        .unwrap_or_else(|| retention::default_months(&member.production.agreement));
    if !retention::is_due(kept.wrapped_at, months, OffsetDateTime::now_utc()) {
        Flash::info(
            &session,
            "The retention period has not run out yet; nothing was erased.",
        )
        .await?;
    } else {
        let mut tx = state.pool.begin().await?;
        erasure::erase_production(
            &state.vault,
            &mut tx,
            production_id,
            Some(member.user.user_id),
        )
        .await?;
        tx.commit().await?;
        Flash::success(&session, "The production's personal data is erased.").await?;
    }
    Ok(Redirect::to(&format!("{}/data-protection", member.base())).into_response())
}
