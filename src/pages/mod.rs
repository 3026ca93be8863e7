//! Screens that combine several areas: each role's first page, the scene list and scene page,
//! the stripboard and shoot days, the call sheet, the home page, and the public page that checks
//! a consent receipt.

mod board_week;
mod call_sheet;
mod call_sheet_build;
mod call_sheet_details;
mod call_sheet_publish;
pub mod dashboard;
mod day_fields;
mod day_out_of_days;
mod day_scenes;
mod home;
mod locations;
mod rehearsals;
mod scene;
mod scene_list;
pub mod shoot_days;
pub mod status;
mod strip_moves;
mod strip_palette;
mod stripboard;
mod verify;

use axum::Router;
use axum::routing::{get, post};

use crate::web::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        // Public: anyone holding a receipt may check it, signed in or not.
        .route("/verify", get(verify::verify_page).post(verify::verify))
        .merge(dashboard::router())
        .merge(scene::router())
        .route(
            "/productions/{production_id}/scenes",
            get(scene_list::list_page),
        )
        .route(
            "/productions/{production_id}/status",
            get(status::status_words),
        )
        .route(
            "/productions/{production_id}/schedule",
            get(stripboard::board_page).post(stripboard::create_day),
        )
        .route(
            "/productions/{production_id}/locations",
            get(locations::list).post(locations::create),
        )
        .route(
            "/productions/{production_id}/locations/{location_id}",
            get(locations::show).post(locations::update),
        )
        .route(
            "/productions/{production_id}/schedule/palette",
            get(strip_palette::page).post(strip_palette::save),
        )
        .route(
            "/productions/{production_id}/schedule/day-out-of-days",
            get(day_out_of_days::page),
        )
        .route(
            "/productions/{production_id}/schedule/day-out-of-days.csv",
            get(day_out_of_days::csv),
        )
        .route(
            "/productions/{production_id}/schedule/strips/{scene_id}/move",
            post(strip_moves::move_strip),
        )
        .route(
            "/productions/{production_id}/schedule/{shoot_day_id}/banners",
            post(strip_moves::add_banner),
        )
        .route(
            "/productions/{production_id}/schedule/banners/{board_banner_id}/delete",
            post(strip_moves::delete_banner),
        )
        .route(
            "/productions/{production_id}/schedule/rehearsals",
            post(rehearsals::create),
        )
        .route(
            "/productions/{production_id}/schedule/rehearsals/{rehearsal_id}",
            get(rehearsals::show),
        )
        .route(
            "/productions/{production_id}/schedule/rehearsals/{rehearsal_id}/delete",
            post(rehearsals::delete),
        )
        .route(
            "/productions/{production_id}/schedule/{shoot_day_id}",
            get(shoot_days::day_page).post(shoot_days::update_day),
        )
        .route(
            "/productions/{production_id}/schedule/{shoot_day_id}/delete",
            post(shoot_days::delete_day),
        )
        .route(
            "/productions/{production_id}/schedule/{shoot_day_id}/scenes",
            post(day_scenes::add_scene),
        )
        .route(
            "/productions/{production_id}/schedule/{shoot_day_id}/scenes/{scene_id}/up",
            post(day_scenes::move_up),
        )
        .route(
            "/productions/{production_id}/schedule/{shoot_day_id}/scenes/{scene_id}/down",
            post(day_scenes::move_down),
        )
        .route(
            "/productions/{production_id}/schedule/{shoot_day_id}/scenes/{scene_id}/remove",
            post(day_scenes::remove_scene),
        )
        .route(
            "/productions/{production_id}/schedule/{shoot_day_id}/call-sheet",
            get(call_sheet::call_sheet),
        )
        .route(
            "/productions/{production_id}/schedule/{shoot_day_id}/call-sheet/publish",
            post(call_sheet_publish::publish),
        )
        // A recipient's personal copy: the link alone opens it, as calendar feeds do.
        .route("/call-sheets/{token}", get(call_sheet_publish::open))
        .route(
            "/call-sheets/{token}/confirm",
            post(call_sheet_publish::confirm),
        )
        .route(
            "/productions/{production_id}/schedule/{shoot_day_id}/call-sheet/details",
            get(call_sheet_details::show).post(call_sheet_details::save),
        )
}
