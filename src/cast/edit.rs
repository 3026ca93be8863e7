//! A cast member's page: editing their details under the minors rule (R5), and the invitation
//! that links them to an account (`invite` handles the form; this page shows it).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use sqlx::PgPool;
use time::Date;
use tower_sessions::Session;

use super::forms::{CastForm, InviteForm, number_taken};
use super::record::{CastMember, one, under_18_on_a_shoot_date};
use crate::access::Action;
use crate::error::{OnConstraint, Result, Violated};
use crate::productions::Member;
use crate::rules::minors::{self, CastAge};
use crate::web::AppState;
use crate::web::ids::Ids;
use crate::web::{Ctx, FieldErrors, Flash, FormBody, render_with_status};

#[derive(Template)]
#[template(path = "cast/edit.html")]
pub(super) struct EditPage {
    ctx: Ctx,
    member: Member,
    cast: CastMember,
    /// The linked account's name, if any.
    account: Option<String>,
    form: CastForm,
    errors: FieldErrors,
    invite: InviteForm,
    invite_errors: FieldErrors,
    /// The invitation link, shown once right after it is made.
    new_link: Option<String>,
    can_edit: bool,
    /// Whether the page shows the date of birth and the representative (DOMAIN §4).
    can_read_personal: bool,
    /// Under 18 on a shoot date (R5), shown to everyone who sees the cast.
    under_18: bool,
}

impl EditPage {
    /// The page for `cast` with its saved values in the form and the linked account's name.
    pub(super) async fn load(
        pool: &PgPool,
        ctx: Ctx,
        member: Member,
        cast: CastMember,
    ) -> Result<EditPage> {
        let account: Option<String> = match cast.user_id {
            Some(user_id) => {
                sqlx::query_scalar("select name from app_user where user_id = $1")
                    .bind(user_id)
                    .fetch_optional(pool)
                    .await?
            }
            None => None,
        };
        let can_edit = member.can(Action::EditCast);
        let under_18 = under_18_on_a_shoot_date(
            pool,
            member.production.production_id,
            Some(cast.cast_member_id),
            member.production.zone.today(),
        )
        .await?
        .contains(&cast.cast_member_id);
        // The form carries the date of birth, so only those who edit are given it.
        let form = if can_edit {
            CastForm::from_cast(&cast)
        } else {
            CastForm::default()
        };
        Ok(EditPage {
            ctx,
            can_read_personal: member.can(Action::ReadCastPersonal),
            cast: cast.seen_by(&member),
            member,
            form,
            account,
            under_18,
            errors: FieldErrors::default(),
            invite: InviteForm::default(),
            invite_errors: FieldErrors::default(),
            new_link: None,
            can_edit,
        })
    }

    /// The cast form as typed, with what to fix.
    fn with_form(self, form: CastForm, errors: FieldErrors) -> EditPage {
        EditPage {
            form,
            errors,
            ..self
        }
    }

    /// The invitation form as typed, with what to fix.
    pub(super) fn with_invite(self, invite: InviteForm, invite_errors: FieldErrors) -> EditPage {
        EditPage {
            invite,
            invite_errors,
            ..self
        }
    }

    /// The invitation link made on the page before, shown this once.
    fn with_link(self, new_link: Option<String>) -> EditPage {
        EditPage { new_link, ..self }
    }

    /// 200, or 422 when either form has something to fix.
    pub(super) fn respond(self) -> Result<Response> {
        let status = if self.errors.is_empty() && self.invite_errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        render_with_status(status, &self)
    }
}

pub(super) async fn edit_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Ids((_, cast_member_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    member.may(Action::SeeCast)?;
    let cast = one(&state, &member, cast_member_id).await?;
    let new_link: Option<String> = session
        .remove("cast_invitation_link")
        .await
        .map_err(crate::web::session_err)?;
    EditPage::load(&state.pool, ctx, member, cast)
        .await?
        .with_link(new_link)
        .respond()
}

#[derive(sqlx::FromRow)]
struct RestrictedScene {
    number: String,
    breakdown: String,
    dates: Vec<Date>,
}

pub(super) async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Ids((_, cast_member_id)): Ids<(i64, i64)>,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::EditCast)?;
    let cast = one(&state, &member, cast_member_id).await?;
    let form = CastForm::read(&body);
    let today = member.production.zone.today();
    let input = match form.parse(today) {
        Ok(input) => input,
        Err(errors) => {
            return EditPage::load(&state.pool, ctx, member, cast)
                .await?
                .with_form(form, errors)
                .respond();
        }
    };
    let production_id = member.production.production_id;
    let mut tx = state.pool.begin().await?;
    // The row lock keeps a concurrent breakdown save from slipping past the R5 check below.
    sqlx::query("select 1 from cast_member where cast_member_id = $1 for update")
        .bind(cast_member_id)
        .execute(&mut *tx)
        .await?;
    // R5: the scenes this person is in (by the cast list or the breakdown), with their dates.
    let scenes: Vec<RestrictedScene> = sqlx::query_as(
        "select s.number, v.breakdown::text as breakdown,
                array(select d.shoot_date from shoot_day_scene ds
                      join shoot_day d using (shoot_day_id)
                      where ds.scene_id = s.scene_id order by d.shoot_date) as dates
         from scene s join scene_version v on v.scene_version_id = s.current_version_id
         where s.production_id = $1
           and (exists (select 1 from scene_cast sc
                        where sc.scene_id = s.scene_id and sc.cast_member_id = $2)
                or v.breakdown -> 'performers'
                   @> jsonb_build_array(jsonb_build_object('cast_member_id', $2::bigint)))",
    )
    .bind(production_id)
    .bind(cast_member_id)
    .fetch_all(&mut *tx)
    .await?;
    let age = [CastAge {
        cast_member_id,
        cast_number: input.cast_number,
        name: input.name.clone(),
        date_of_birth: input.date_of_birth,
    }];
    let conflicts: Vec<(String, minors::MinorConflict)> = scenes
        .iter()
        .filter(|s| {
            crate::rules::minors::is_restricted(&crate::vocab::breakdown::read_breakdown(
                &s.breakdown,
            ))
        })
        .flat_map(|s| {
            minors::minor_conflicts(&age, &s.dates, today)
                .into_iter()
                .map(|c| (s.number.clone(), c))
        })
        .collect();
    if !conflicts.is_empty() {
        let numbers: Vec<String> = conflicts.iter().map(|(n, _)| n.clone()).collect();
        let only: Vec<minors::MinorConflict> =
            conflicts.into_iter().map(|(_, c)| c).take(1).collect();
        let mut errors = FieldErrors::default();
        errors.add(
            "date_of_birth",
            format!("{} (Scene {}.)", minors::refusal(&only), numbers.join(", ")),
        );
        drop(tx);
        return EditPage::load(&state.pool, ctx, member, cast)
            .await?
            .with_form(form, errors)
            .respond();
    }
    let updated = sqlx::query(
        "update cast_member set cast_number = $3, name = $4, character_name = $5,
                date_of_birth = $6, union_name = $7, representative = $8, updated_at = now()
         where cast_member_id = $1 and production_id = $2",
    )
    .bind(cast_member_id)
    .bind(production_id)
    .bind(input.cast_number)
    .bind(&input.name)
    .bind(&input.character_name)
    .bind(input.date_of_birth)
    .bind(&input.union_name)
    .bind(&input.representative)
    .execute(&mut *tx)
    .await
    .on_constraint("cast_member_number_key")?;
    match updated {
        Ok(_) => tx.commit().await?,
        Err(Violated) => {
            drop(tx);
            let mut errors = FieldErrors::default();
            errors.add(
                "cast_number",
                number_taken(&state, production_id, input.cast_number).await?,
            );
            return EditPage::load(&state.pool, ctx, member, cast)
                .await?
                .with_form(form, errors)
                .respond();
        }
    }
    Flash::success(
        &session,
        format!("#{} {} is saved.", input.cast_number, input.name),
    )
    .await?;
    Ok(Redirect::to(&format!("{}/cast", member.base())).into_response())
}
