//! Drafting a new rider: the page where a coordinator chooses a performer and the scenes it
//! covers, and the post that creates the draft (or shows the form again with what was wrong).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use crate::access::Action;
use crate::cast::{CastMember, cast_list};
use crate::error::Result;
use crate::productions::Member;
use crate::web::AppState;
use crate::web::FormBody;
use crate::web::ids::Params;
use crate::web::{Ctx, FieldErrors, Flash, render_form};

use super::form::{CandidateView, DraftForm};
use super::lifecycle;

#[derive(Template)]
#[template(path = "consent/rider_new.html")]
struct NewPage {
    ctx: Ctx,
    member: Member,
    cast: Vec<CastMember>,
    chosen: Option<CastMember>,
    candidates: Vec<CandidateView>,
    form: DraftForm,
    errors: FieldErrors,
}

impl NewPage {
    fn is_chosen(&self, cast_member_id: &i64) -> bool {
        self.form.cast_member_id == cast_member_id.to_string()
    }
}

#[derive(Deserialize)]
pub(super) struct NewQuery {
    cast_member_id: Option<String>,
}

impl NewPage {
    /// The page for this form: the cast to choose from and, once a performer is chosen, the
    /// scenes a rider for them can cover.
    async fn load(state: &AppState, ctx: Ctx, member: Member, form: DraftForm) -> Result<NewPage> {
        let cast = cast_list(&state.pool, member.production.production_id).await?;
        let chosen = cast
            .iter()
            .find(|c| c.cast_member_id.to_string() == form.cast_member_id)
            .cloned();
        let candidates = match &chosen {
            Some(c) => {
                let mut conn = state.pool.acquire().await?;
                lifecycle::candidates(&mut conn, member.production.production_id, c.cast_member_id)
                    .await?
                    .iter()
                    .map(CandidateView::of)
                    .collect()
            }
            None => Vec::new(),
        };
        Ok(NewPage {
            ctx,
            member,
            cast,
            chosen,
            candidates,
            form,
            errors: FieldErrors::default(),
        })
    }

    /// The form came back refused: show these messages beside its fields.
    fn with_errors(self, errors: FieldErrors) -> NewPage {
        NewPage { errors, ..self }
    }

    /// 200, or 422 when the form has errors.
    fn respond(&self) -> Result<Response> {
        render_form(self, !self.errors.is_empty())
    }
}

pub(super) async fn new_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Params(query): Params<NewQuery>,
) -> Result<Response> {
    member.may(Action::DraftRiders)?;
    let form = DraftForm::fresh(query.cast_member_id.unwrap_or_default());
    NewPage::load(&state, ctx, member, form).await?.respond()
}

pub(super) async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::DraftRiders)?;
    let form = DraftForm::read(&body);
    let mut errors = FieldErrors::default();
    let Ok(cast_member_id) = form.cast_member_id.trim().parse::<i64>() else {
        errors.add("cast_member_id", "Choose a performer from the cast list.");
        return NewPage::load(&state, ctx, member, form)
            .await?
            .with_errors(errors)
            .respond();
    };
    let production_id = member.production.production_id;
    let mut tx = state.pool.begin().await?;
    let drafted = lifecycle::draft(
        &mut tx,
        production_id,
        cast_member_id,
        &form.scene_ids(),
        form.terms(),
        member.user.user_id,
    )
    .await?;
    match drafted {
        Ok(rider_id) => {
            tx.commit().await?;
            Flash::success(
                &session,
                "Rider drafted. Check it, then deliver it to start the notice clock.",
            )
            .await?;
            Ok(Redirect::to(&lifecycle::rider_link(production_id, rider_id)).into_response())
        }
        Err(refused) => {
            drop(tx);
            errors.add(refused.field, refused.message);
            NewPage::load(&state, ctx, member, form)
                .await?
                .with_errors(errors)
                .respond()
        }
    }
}
