//! Riders on the web: coordinators draft from the breakdown and deliver; performers read, sign
//! with their password and withdraw consent with one action; the printable consent certificate,
//! the receipt and the exact text to keep.

mod certificate;
mod draft;
mod form;
pub mod lifecycle;
mod list;
mod notice;
mod onset;
mod reading;
mod receipt;
mod revoke;
mod show;
mod signing;

use axum::Router;
use axum::routing::{get, post};

use crate::web::AppState;

/// The SQL for a rider's next call: the earliest call of a shoot day on which one of its scenes
/// is placed and not yet marked shot. The notice deadline every page shows is this call minus
/// the production's notice, so the riders list, the coordinator's queue and the performer's
/// page give the same date, and a day already shot has no deadline left to alarm anyone about.
/// `rider` is the SQL expression of the rider's id. (Arrays, so the plan looks placements up by
/// scene id instead of scanning them once per rider.)
pub fn next_call_sql(rider: &str) -> String {
    format!(
        "(select min(d.call_at) from shoot_day d
          where d.shoot_day_id = any (array(
              select ds.shoot_day_id from shoot_day_scene ds
              where ds.shot_at is null and ds.scene_id = any (array(
                  select rs.scene_id from rider_scene rs where rs.rider_id = {rider})))))"
    )
}

/// Whether a rider is stale: a scene it covers has moved to a breakdown version it neither
/// signed nor was carried to (DOMAIN §3). `rider` is the SQL expression of the rider's id; one
/// text for every page that shows the word, so they can never disagree.
pub fn stale_sql(rider: &str) -> String {
    format!(
        "exists (select 1 from rider_scene rs join scene s on s.scene_id = rs.scene_id
                 where rs.rider_id = {rider}
                   and s.current_version_id is distinct from rs.scene_version_id
                   and s.current_version_id is distinct from rs.carried_to_version_id)"
    )
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/productions/{production_id}/riders",
            get(list::list_page).post(draft::create),
        )
        .route(
            "/productions/{production_id}/riders/new",
            get(draft::new_page),
        )
        .route(
            "/productions/{production_id}/riders/{rider_id}",
            get(show::show_page).post(show::update),
        )
        .route(
            "/productions/{production_id}/riders/{rider_id}/deliver",
            post(signing::deliver),
        )
        .route(
            "/productions/{production_id}/riders/{rider_id}/sign",
            post(signing::sign),
        )
        .route(
            "/productions/{production_id}/riders/{rider_id}/revoke",
            get(revoke::revoke_page).post(revoke::revoke),
        )
        .route(
            "/productions/{production_id}/riders/{rider_id}/withdraw-for-performer",
            post(revoke::withdraw_for_performer),
        )
        .route(
            "/productions/{production_id}/riders/{rider_id}/certificate",
            get(certificate::certificate),
        )
        .route(
            "/productions/{production_id}/riders/{rider_id}/receipt.json",
            get(receipt::receipt_file),
        )
        .route(
            "/productions/{production_id}/riders/{rider_id}/rider.txt",
            get(receipt::text_file),
        )
        .merge(onset::router())
}
