//! The production's strip palette: which swatch each INT/EXT × DAY/NIGHT strip wears on the
//! stripboard. Everyone who plans the schedule may change it; the swatches are fixed tints that
//! keep strip text at AA contrast (`schedule::palette`).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use crate::access::Action;
use crate::error::Result;
use crate::productions::Member;
use crate::schedule::palette::{self, Palette, STRIP_KINDS, SWATCHES, Swatch};
use crate::web::{AppState, Ctx, FieldErrors, Flash, FormBody, Len, render_form};

#[derive(Template)]
#[template(path = "schedule/palette.html")]
struct PalettePage {
    ctx: Ctx,
    member: Member,
    /// What each select shows chosen: stored, or as typed when refused.
    chosen: [String; 4],
    errors: FieldErrors,
}

impl PalettePage {
    fn kinds(&self) -> Vec<(usize, &'static str, &'static str)> {
        STRIP_KINDS
            .iter()
            .enumerate()
            .map(|(i, (_, label, column))| (i, *label, *column))
            .collect()
    }

    fn swatches(&self) -> [Swatch; 8] {
        SWATCHES
    }

    fn is_chosen(&self, i: &usize, swatch: &Swatch) -> bool {
        self.chosen[*i] == swatch.name
    }
}

fn names(palette: &Palette) -> [String; 4] {
    palette.0.map(|s| s.name.to_string())
}

pub(super) async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
) -> Result<Response> {
    member.may(Action::EditSchedule)?;
    let palette = palette::load(&state.pool, member.production.production_id).await?;
    render_form(
        &PalettePage {
            ctx,
            member,
            chosen: names(&palette),
            errors: FieldErrors::default(),
        },
        false,
    )
}

pub(super) async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::EditSchedule)?;
    let mut r = body.reader();
    let typed: [String; 4] = STRIP_KINDS.map(|(_, _, column)| r.text(column, Len::Code));
    let mut errors = r.finish();
    for ((_, label, column), name) in STRIP_KINDS.iter().zip(&typed) {
        if palette::swatch_named(name.trim()).is_none() {
            errors.add(*column, format!("Choose a colour for {label} strips."));
        }
    }
    if !errors.is_empty() {
        return render_form(
            &PalettePage {
                ctx,
                member,
                chosen: typed,
                errors,
            },
            true,
        );
    }
    sqlx::query(
        "update production set strip_int_day = $2, strip_ext_day = $3, strip_int_night = $4,
                strip_ext_night = $5, updated_at = now()
         where production_id = $1",
    )
    .bind(member.production.production_id)
    .bind(typed[0].trim())
    .bind(typed[1].trim())
    .bind(typed[2].trim())
    .bind(typed[3].trim())
    .execute(&state.pool)
    .await?;
    Flash::success(&session, "Strip colours saved.").await?;
    Ok(Redirect::to(&format!("{}/schedule", member.base())).into_response())
}
