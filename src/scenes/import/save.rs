//! Confirming a previewed draft: in one transaction, the revision is recorded, new scenes are
//! added with their matched cast, stored scenes take the draft's heading, length and colour
//! where it changed them, every scene's text is kept for the next comparison, and flagged
//! scenes whose script changed are queued for the coordinator. A script never changes a
//! breakdown: the coordinator does, through the editor (which clears the queue item), or says
//! here that it still holds.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::draft::{DraftScene, canonical, compare_with, stored_scenes};
use super::pending;
use crate::access::Action;
use crate::cast::cast_list;
use crate::error::{AppError, OnConstraint, Result, Violated};
use crate::productions::Member;
use crate::scenes::heading::RevisionColour;
use crate::script::compare::Kind;
use crate::web::ids::Ids;
use crate::web::{AppState, Flash};

pub(super) async fn confirm(
    State(state): State<AppState>,
    member: Member,
    session: Session,
    Ids((_, import_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    member.may(Action::EditScenes)?;
    let production_id = member.production.production_id;
    let scenes_page = format!("{}/scenes", member.base());
    let cast = cast_list(&state.pool, production_id).await?;
    let mut tx = state.pool.begin().await?;
    let import = pending(&mut tx, &member, import_id, true).await?;
    if import.confirmed {
        Flash::info(
            &session,
            "This draft was already saved; nothing was saved twice.",
        )
        .await?;
        return Ok(Redirect::to(&scenes_page).into_response());
    }
    let stored = stored_scenes(&mut tx, production_id, true).await?;
    let Ok(draft) = canonical(&import.scenes, &cast) else {
        // The preview says why; nothing is saved.
        return Ok(
            Redirect::to(&format!("{}/scenes/import/{import_id}", member.base())).into_response(),
        );
    };
    let colour = import
        .colour
        .parse::<RevisionColour>()
        .map_err(|e| AppError::Other(e.into()))?;
    let comparison = compare_with(&stored, &draft);

    let revision_id: i64 = sqlx::query_scalar(
        "insert into script_revision (production_id, colour, revised_on, file_name, imported_by)
         values ($1, $2, $3, $4, $5) returning script_revision_id",
    )
    .bind(production_id)
    .bind(colour.as_str())
    .bind(import.revised_on)
    .bind(&import.file_name)
    .bind(member.user.user_id)
    .fetch_one(&mut *tx)
    .await?;

    let rows: Vec<(&DraftScene, Kind, bool)> = draft
        .iter()
        .zip(&comparison.scenes)
        .map(|(d, c)| (d, c.kind, c.review))
        .collect();
    let new: Vec<&DraftScene> = rows
        .iter()
        .filter(|(_, kind, _)| *kind == Kind::New)
        .map(|(d, _, _)| *d)
        .collect();
    if insert_new(&mut tx, production_id, colour, &new)
        .await?
        .is_err()
    {
        // A scene with one of the new numbers was added by hand since the check above.
        tx.rollback().await?;
        Flash::info(
            &session,
            "A scene with one of this draft's numbers was added while you were checking it. \
             Nothing was saved: check the draft again.",
        )
        .await?;
        return Ok(
            Redirect::to(&format!("{}/scenes/import/{import_id}", member.base())).into_response(),
        );
    }
    update_stored(&mut tx, production_id, colour, revision_id, &stored, &rows).await?;

    // The text of every scene the draft prints, for the next draft's comparison.
    let (numbers, bodies): (Vec<&str>, Vec<String>) = draft
        .iter()
        .filter(|d| !d.omitted)
        .map(|d| (d.number.as_str(), d.body.join("\n")))
        .unzip();
    sqlx::query(
        "insert into scene_script (scene_id, script_revision_id, production_id, body)
         select s.scene_id, $2, $1, u.body
         from unnest($3::text[], $4::text[]) as u(number, body)
         join scene s on s.production_id = $1 and s.number = u.number",
    )
    .bind(production_id)
    .bind(revision_id)
    .bind(&numbers)
    .bind(&bodies)
    .execute(&mut *tx)
    .await?;
    sqlx::query("update script_import set confirmed_revision_id = $2 where script_import_id = $1")
        .bind(import_id)
        .bind(revision_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;

    Flash::success(&session, summary(colour, &rows)).await?;
    Ok(Redirect::to(&scenes_page).into_response())
}

/// Adds the draft's new scenes, in the draft's colour, with the cast matched to them;
/// `Err(Violated)` when one of their numbers is taken.
async fn insert_new(
    tx: &mut sqlx::PgConnection,
    production_id: i64,
    colour: RevisionColour,
    new: &[&DraftScene],
) -> Result<Result<(), Violated>> {
    if new.is_empty() {
        return Ok(Ok(()));
    }
    let numbers: Vec<&str> = new.iter().map(|d| d.number.as_str()).collect();
    let sort_keys: Vec<String> = new.iter().map(|d| d.number.sort_key()).collect();
    let int_exts: Vec<&str> = new.iter().map(|d| d.int_ext.as_str()).collect();
    let sets: Vec<&str> = new.iter().map(|d| d.set_name.as_str()).collect();
    let times: Vec<&str> = new.iter().map(|d| d.time_of_day.as_str()).collect();
    let eighths: Vec<i32> = new.iter().map(|d| d.eighths as i32).collect();
    let synopses: Vec<&str> = new.iter().map(|d| d.synopsis.as_str()).collect();
    let omitted: Vec<bool> = new.iter().map(|d| d.omitted).collect();
    let inserted = sqlx::query(
        "insert into scene (production_id, number, sort_key, int_ext, set_name, time_of_day,
                            eighths, synopsis, revision_colour, omitted)
         select $1, u.number, u.sort_key, u.int_ext, u.set_name, u.time_of_day, u.eighths,
                u.synopsis, $10, u.omitted
         from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[],
                     $8::text[], $9::bool[])
              as u(number, sort_key, int_ext, set_name, time_of_day, eighths, synopsis, omitted)",
    )
    .bind(production_id)
    .bind(&numbers)
    .bind(&sort_keys)
    .bind(&int_exts)
    .bind(&sets)
    .bind(&times)
    .bind(&eighths)
    .bind(&synopses)
    .bind(&omitted)
    .bind(colour.as_str())
    .execute(&mut *tx)
    .await
    .on_constraint("scene_number_key")?;
    if let Err(violated) = inserted {
        return Ok(Err(violated));
    }
    // New scenes have no breakdown yet, so no minors rule (R5) can stand against their cast.
    let (cast_numbers, cast_ids): (Vec<&str>, Vec<i64>) = new
        .iter()
        .flat_map(|d| {
            d.cast_ids()
                .into_iter()
                .map(move |id| (d.number.as_str(), id))
        })
        .unzip();
    sqlx::query(
        "insert into scene_cast (scene_id, cast_member_id, production_id)
         select s.scene_id, u.cast_member_id, $1
         from unnest($2::text[], $3::bigint[]) as u(number, cast_member_id)
         join scene s on s.production_id = $1 and s.number = u.number
         join cast_member c on c.cast_member_id = u.cast_member_id and c.production_id = $1
         on conflict do nothing",
    )
    .bind(production_id)
    .bind(&cast_numbers)
    .bind(&cast_ids)
    .execute(&mut *tx)
    .await?;
    Ok(Ok(()))
}

/// Stored scenes take the draft's heading and length; revised ones its colour; omitted ones are
/// omitted; flagged ones whose script changed are queued for review. Their cast is left to the
/// coordinator (adding a performer to a flagged scene goes through the minors rule on the form).
async fn update_stored(
    tx: &mut sqlx::PgConnection,
    production_id: i64,
    colour: RevisionColour,
    revision_id: i64,
    stored: &[super::draft::StoredScene],
    rows: &[(&DraftScene, Kind, bool)],
) -> Result<()> {
    let mut ids = Vec::new();
    let (mut int_exts, mut sets, mut times) = (Vec::new(), Vec::new(), Vec::new());
    let (mut eighths, mut synopses, mut revised, mut omitted, mut review) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (d, kind, needs_review) in rows {
        let Some(s) = stored.iter().find(|s| s.number == d.number.as_str()) else {
            continue;
        };
        ids.push(s.scene_id);
        int_exts.push(d.int_ext.as_str());
        sets.push(d.set_name.as_str());
        times.push(d.time_of_day.as_str());
        eighths.push(d.eighths as i32);
        synopses.push(d.synopsis.as_str());
        revised.push(matches!(kind, Kind::Changed | Kind::Omitted));
        omitted.push(d.omitted);
        review.push(*needs_review);
    }
    sqlx::query(
        "update scene s set
            int_ext = case when u.omitted then s.int_ext else u.int_ext end,
            set_name = case when u.omitted then s.set_name else u.set_name end,
            time_of_day = case when u.omitted then s.time_of_day else u.time_of_day end,
            eighths = case when u.omitted then s.eighths else u.eighths end,
            synopsis = case when s.synopsis = '' then u.synopsis else s.synopsis end,
            revision_colour = case when u.revised then $2 else s.revision_colour end,
            omitted = u.omitted,
            script_review_revision_id =
                case when u.review then $3 else s.script_review_revision_id end,
            updated_at = now()
         from unnest($4::bigint[], $5::text[], $6::text[], $7::text[], $8::int[], $9::text[],
                     $10::bool[], $11::bool[], $12::bool[])
              as u(scene_id, int_ext, set_name, time_of_day, eighths, synopsis, revised,
                   omitted, review)
         where s.scene_id = u.scene_id and s.production_id = $1",
    )
    .bind(production_id)
    .bind(colour.as_str())
    .bind(revision_id)
    .bind(&ids)
    .bind(&int_exts)
    .bind(&sets)
    .bind(&times)
    .bind(&eighths)
    .bind(&synopses)
    .bind(&revised)
    .bind(&omitted)
    .bind(&review)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// What was saved, and what the coordinator should do next, in words.
fn summary(colour: RevisionColour, rows: &[(&DraftScene, Kind, bool)]) -> String {
    let count = |k: Kind| rows.iter().filter(|(_, kind, _)| *kind == k).count();
    let mut text = format!(
        "The {} draft is saved: {} new, {} changed, {} omitted, {} unchanged.",
        colour.label(),
        count(Kind::New),
        count(Kind::Changed),
        count(Kind::Omitted),
        count(Kind::Unchanged)
    );
    let review: Vec<&str> = rows
        .iter()
        .filter(|(_, _, r)| *r)
        .map(|(d, _, _)| d.number.as_str())
        .collect();
    if !review.is_empty() {
        text.push_str(&format!(
            " Flagged scenes whose script changed: {}. Review each breakdown.",
            review.join(", ")
        ));
    }
    let hinted: Vec<&str> = rows
        .iter()
        .filter(|(d, kind, _)| *kind == Kind::New && !d.hints.is_empty())
        .map(|(d, _, _)| d.number.as_str())
        .collect();
    if !hinted.is_empty() {
        text.push_str(&format!(
            " Scenes that mention intimacy: {}. Open each to decide whether it needs a breakdown.",
            hinted.join(", ")
        ));
    }
    text
}

/// The coordinator says a flagged scene's breakdown still holds after its script changed.
pub(super) async fn reviewed(
    State(state): State<AppState>,
    member: Member,
    session: Session,
    Ids((_, scene_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    member.may(Action::EditScenes)?;
    let number: Option<String> = sqlx::query_scalar(
        "update scene set script_review_revision_id = null
         where scene_id = $1 and production_id = $2 returning number",
    )
    .bind(scene_id)
    .bind(member.production.production_id)
    .fetch_optional(&state.pool)
    .await?;
    let number = number.ok_or(AppError::NotFound)?;
    Flash::success(
        &session,
        format!("Scene {number}: the breakdown is reviewed and still holds for the new draft."),
    )
    .await?;
    Ok(Redirect::to(&format!("{}/scenes/{scene_id}", member.base())).into_response())
}
