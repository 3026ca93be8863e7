//! The cast list page: everyone on the cast in cast-number order, and the form that adds a cast
//! member (a taken number is the database's `cast_member_number_key`, shown beside the field).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use sqlx::PgPool;
use tower_sessions::Session;

use super::forms::{CastForm, number_taken};
use std::collections::HashSet;

use super::record::{CastMember, cast_list, under_18_on_a_shoot_date};
use crate::access::Action;
use crate::error::{OnConstraint, Result, Violated};
use crate::productions::Member;
use crate::web::AppState;
use crate::web::{Ctx, FieldErrors, Flash, FormBody, render_form};

#[derive(Template)]
#[template(path = "cast/list.html")]
struct ListPage {
    ctx: Ctx,
    member: Member,
    cast: Vec<CastMember>,
    form: CastForm,
    errors: FieldErrors,
    can_edit: bool,
    /// Whether the page shows dates of birth and representatives (DOMAIN §4).
    can_read_personal: bool,
    /// Who is under 18 on a shoot date, marked for everyone who sees the cast.
    under_18: HashSet<i64>,
}

impl ListPage {
    /// The page with the cast list and an empty form.
    async fn load(pool: &PgPool, ctx: Ctx, member: Member) -> Result<ListPage> {
        let production_id = member.production.production_id;
        let cast = cast_list(pool, production_id)
            .await?
            .into_iter()
            .map(|c| c.seen_by(&member))
            .collect();
        let today = member.production.zone.today();
        let under_18 = under_18_on_a_shoot_date(pool, production_id, None, today).await?;
        Ok(ListPage {
            ctx,
            can_edit: member.can(Action::EditCast),
            can_read_personal: member.can(Action::ReadCastPersonal),
            member,
            cast,
            form: CastForm::default(),
            errors: FieldErrors::default(),
            under_18,
        })
    }

    fn is_under_18(&self, cast_member_id: &i64) -> bool {
        self.under_18.contains(cast_member_id)
    }

    /// The form as typed, with what to fix.
    fn with_form(self, form: CastForm, errors: FieldErrors) -> ListPage {
        ListPage {
            form,
            errors,
            ..self
        }
    }

    /// 200, or 422 when the form has something to fix.
    fn respond(self) -> Result<Response> {
        render_form(&self, !self.errors.is_empty())
    }
}

pub(super) async fn list_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
) -> Result<Response> {
    member.may(Action::SeeCast)?;
    ListPage::load(&state.pool, ctx, member).await?.respond()
}

pub(super) async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::EditCast)?;
    let form = CastForm::read(&body);
    let today = member.production.zone.today();
    let input = match form.parse(today) {
        Ok(input) => input,
        Err(errors) => {
            return ListPage::load(&state.pool, ctx, member)
                .await?
                .with_form(form, errors)
                .respond();
        }
    };
    let production_id = member.production.production_id;
    let inserted = sqlx::query(
        "insert into cast_member (production_id, cast_number, name, character_name, date_of_birth,
                                  union_name, representative)
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(production_id)
    .bind(input.cast_number)
    .bind(&input.name)
    .bind(&input.character_name)
    .bind(input.date_of_birth)
    .bind(&input.union_name)
    .bind(&input.representative)
    .execute(&state.pool)
    .await
    .on_constraint("cast_member_number_key")?;
    if let Err(Violated) = inserted {
        let mut errors = FieldErrors::default();
        errors.add(
            "cast_number",
            number_taken(&state, production_id, input.cast_number).await?,
        );
        return ListPage::load(&state.pool, ctx, member)
            .await?
            .with_form(form, errors)
            .respond();
    }
    Flash::success(
        &session,
        format!("#{} {} is on the cast list.", input.cast_number, input.name),
    )
    .await?;
    Ok(Redirect::to(&format!("{}/cast", member.base())).into_response())
}
