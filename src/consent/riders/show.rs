//! One rider's page: its text, the scenes it covers and where it stands; for a draft, the form
//! that changes it and what it asks beyond what the performer already signed (R2).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use crate::access::Action;
use crate::consent::boundaries::access_log::{self, RecordKind};
use crate::consent::boundaries::conflicts_for_rider;
use crate::consent::rider_text::{Block, Reading, own_garments};
use crate::error::{AppError, Result};
use crate::productions::Member;
use crate::rules::expanding::needs_new_rider;
use crate::vocab::RiderStatus;
use crate::vocab::breakdown::{Breakdown, read_breakdown};
use crate::vocab::scope::Scope;
use crate::web::AppState;
use crate::web::FormBody;
use crate::web::ids::Ids;
use crate::web::{Ctx, FieldErrors, Flash, render_form};

use super::form::{CandidateView, DraftForm};
use super::lifecycle::{self, Covered, RiderRow};
use super::notice::{self, Notice};
use super::reading::{CoveredView, is_own, maybe_time, readable};

/// R2 on the draft page: what the draft asks beyond what the performer already signed.
struct Beyond {
    scene: String,
    /// `None`: nothing signed for this scene yet.
    lines: Option<Vec<String>>,
}

#[derive(Template)]
#[template(path = "consent/rider_show.html")]
pub(super) struct ShowPage {
    ctx: Ctx,
    member: Member,
    rider: RiderRow,
    status: &'static str,
    covered: Vec<CoveredView>,
    /// The rider as the performer reads it, parsed from exactly the text that is hashed.
    reading: Reading,
    /// When it reached the performer against the next call, in plain words.
    notice: String,
    own: bool,
    can_edit: bool,
    candidates: Vec<CandidateView>,
    beyond: Vec<Beyond>,
    form: DraftForm,
    errors: FieldErrors,
    delivered: String,
    signed: String,
    revoked: String,
    /// The coordinator may record a withdrawal the performer told them.
    record_for_performer: bool,
    /// What this rider asks that the performer's boundary profile says No or "ask first" to,
    /// in words; loaded only for the coordinator and the performer themself (DOMAIN §4).
    conflicts: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct SignedScope {
    scene_id: i64,
    scope: String,
    /// The breakdown of the version that was signed: its garments are not in the scope.
    breakdown: String,
}

/// A garment change between what was signed and what is asked, in words: a change to what a
/// performer wears is a change to what they agreed to, so it needs their signature again.
fn garment_changes(signed: &Breakdown, asked: &Breakdown, cast_member_id: i64) -> Vec<String> {
    let (signed, asked) = (signed.normalised(), asked.normalised());
    let mut out = Vec::new();
    let (was, now) = (
        own_garments(&signed, cast_member_id),
        own_garments(&asked, cast_member_id),
    );
    if was != now {
        out.push(format!("their garments and barriers “{was}” → “{now}”"));
    }
    if signed.garments != asked.garments {
        out.push(format!(
            "shared garments and barriers “{}” → “{}”",
            signed.garments, asked.garments
        ));
    }
    out
}

impl ShowPage {
    /// The rider page as it stands, its draft form filled from the rider.
    pub(super) async fn load(
        state: &AppState,
        ctx: Ctx,
        member: Member,
        rider: RiderRow,
    ) -> Result<ShowPage> {
        let production_id = member.production.production_id;
        let mut conn = state.pool.acquire().await?;
        let covered = lifecycle::covered(&mut conn, rider.rider_id).await?;
        let can_edit = rider.is_draft() && member.can(Action::DraftRiders);
        let (candidates, beyond) = if can_edit {
            let candidates =
                lifecycle::candidates(&mut conn, production_id, rider.cast_member_id).await?;
            let signed: Vec<SignedScope> = sqlx::query_as(
                "select rs.scene_id, rs.scope::text as scope, v.breakdown::text as breakdown
                 from rider_scene rs join rider r using (rider_id)
                 join scene_version v on v.scene_version_id = rs.scene_version_id
                 where r.cast_member_id = $1 and r.status = 'signed' and r.revoked_at is null
                   and rs.superseded_at is null and rs.rider_id <> $2
                 order by r.rider_id desc",
            )
            .bind(rider.cast_member_id)
            .bind(rider.rider_id)
            .fetch_all(&mut *conn)
            .await?;
            let beyond = covered
                .iter()
                .map(|c| {
                    let signed_here = signed.iter().find(|s| s.scene_id == c.scene_id);
                    let agreed: Option<Scope> =
                        signed_here.and_then(|s| serde_json::from_str(&s.scope).ok());
                    Beyond {
                        scene: c.number.clone(),
                        lines: match (agreed, signed_here, &c.scope) {
                            (Some(agreed), Some(signed_here), Some(asked)) => {
                                let mut lines: Vec<String> = needs_new_rider(asked, &agreed)
                                    .iter()
                                    .map(ToString::to_string)
                                    .collect();
                                lines.extend(garment_changes(
                                    &read_breakdown(&signed_here.breakdown),
                                    &c.breakdown,
                                    c.wearer(rider.cast_member_id),
                                ));
                                Some(lines)
                            }
                            _ => None,
                        },
                    }
                })
                .collect();
            (candidates.iter().map(CandidateView::of).collect(), beyond)
        } else {
            (Vec::new(), Vec::new())
        };
        let text = if rider.is_draft() {
            lifecycle::render_text(&member.production, &rider, &covered)
        } else {
            rider.body.clone()
        };
        let next_call: Option<time::OffsetDateTime> =
            sqlx::query_scalar(&format!("select {}", super::next_call_sql("$1")))
                .bind(rider.rider_id)
                .fetch_one(&mut *conn)
                .await?;
        let notice = notice::words(
            &member.production.zone,
            &Notice {
                own: is_own(&member, &rider),
                performer: &rider.performer_name,
                notice_hours: member.production.notice_hours,
                delivered: rider.delivered_at,
                next_call,
            },
        );
        let stale = rider.status == RiderStatus::Signed && covered.iter().any(Covered::is_stale);
        let conflicts = if member.can(Action::DraftRiders) || is_own(&member, &rider) {
            conflicts_for_rider(Some(&state.vault), &mut conn, production_id, rider.rider_id)
                .await?
                .iter()
                .map(ToString::to_string)
                .collect()
        } else {
            Vec::new()
        };
        let production = &member.production;
        Ok(ShowPage {
            status: rider.status.label(stale),
            own: is_own(&member, &rider),
            record_for_performer: member.can(Action::RecordWithdrawalForPerformer),
            conflicts,
            form: DraftForm::of(&rider, &covered),
            delivered: maybe_time(production, rider.delivered_at),
            signed: maybe_time(production, rider.signed_at),
            revoked: maybe_time(production, rider.revoked_at),
            covered: covered.iter().map(CoveredView::of).collect(),
            ctx,
            reading: Reading::of(&text),
            notice,
            can_edit,
            candidates,
            beyond,
            errors: FieldErrors::default(),
            rider,
            member,
        })
    }

    /// A refused edit: the draft form as it was typed, with messages beside its fields.
    fn with_form(self, form: DraftForm, errors: FieldErrors) -> ShowPage {
        ShowPage {
            form,
            errors,
            ..self
        }
    }

    /// A refused signature: the messages beside the password field.
    pub(super) fn with_errors(self, errors: FieldErrors) -> ShowPage {
        ShowPage { errors, ..self }
    }

    /// 200, or 422 when the form has errors.
    pub(super) fn respond(&self) -> Result<Response> {
        render_form(self, !self.errors.is_empty())
    }
}

pub(super) async fn show_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Ids((_, rider_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    let mut rider = readable(&state, &member, rider_id).await?;
    let production_id = member.production.production_id;
    if is_own(&member, &rider) {
        // Only a first look at a delivered rider writes anything (the view event).
        if rider.status == RiderStatus::Delivered {
            let mut tx = state.pool.begin().await?;
            if lifecycle::mark_viewed(&mut tx, production_id, rider_id, member.user.user_id).await?
            {
                rider = lifecycle::load(&mut tx, production_id, rider_id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                lifecycle::open_body(&state.vault, &mut tx, &mut rider).await?;
            }
            tx.commit().await?;
        }
    } else {
        access_log::record(
            &state.pool,
            &member,
            &[rider.cast_member_id],
            RecordKind::Rider,
            Some(rider.rider_id),
        )
        .await?;
    }
    ShowPage::load(&state, ctx, member, rider).await?.respond()
}

pub(super) async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Ids((_, rider_id)): Ids<(i64, i64)>,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::DraftRiders)?;
    let rider = readable(&state, &member, rider_id).await?;
    let form = DraftForm::read(&body);
    let production_id = member.production.production_id;
    let mut tx = state.pool.begin().await?;
    let updated = lifecycle::update_draft(
        &mut tx,
        production_id,
        rider_id,
        &form.scene_ids(),
        form.terms(),
        member.user.user_id,
    )
    .await?;
    match updated {
        Ok(()) => {
            tx.commit().await?;
            Flash::success(&session, "Draft saved.").await?;
        }
        Err(refused) if refused.field.is_empty() => {
            drop(tx);
            Flash::info(&session, refused.message).await?;
        }
        Err(refused) => {
            drop(tx);
            let mut errors = FieldErrors::default();
            errors.add(refused.field, refused.message);
            return ShowPage::load(&state, ctx, member, rider)
                .await?
                .with_form(form, errors)
                .respond();
        }
    }
    Ok(Redirect::to(&lifecycle::rider_link(production_id, rider_id)).into_response())
}
