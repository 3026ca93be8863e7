//! The production's locations, for call sheets: a list with an add form, and each location's
//! edit form. Coordinates are optional but both or neither, on the Earth, so the call sheet
//! can compute sunrise and sunset.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use crate::access::Action;
use crate::error::{AppError, OnConstraint, Result, Violated};
use crate::productions::Member;
use crate::rules::sun::valid_coordinates;
use crate::schedule::locations::{self, Location};
use crate::web::ids::Ids;
use crate::web::{AppState, Ctx, FieldErrors, Flash, FormBody, Len, render_form};

/// The location form as typed.
#[derive(Default)]
pub(super) struct LocationForm {
    pub name: String,
    pub address: String,
    pub parking: String,
    pub hospital_name: String,
    pub hospital_address: String,
    pub hospital_phone: String,
    pub latitude: String,
    pub longitude: String,
}

impl LocationForm {
    fn read(body: &FormBody) -> (Self, FieldErrors) {
        let mut r = body.reader();
        let form = LocationForm {
            name: r.text("name", Len::Line),
            address: r.text("address", Len::Paragraph),
            parking: r.text("parking", Len::Paragraph),
            hospital_name: r.text("hospital_name", Len::Line),
            hospital_address: r.text("hospital_address", Len::Paragraph),
            hospital_phone: r.text("hospital_phone", Len::Code),
            latitude: r.text("latitude", Len::Code),
            longitude: r.text("longitude", Len::Code),
        };
        (form, r.finish())
    }

    fn of(location: &Location) -> Self {
        LocationForm {
            name: location.name.clone(),
            address: location.address.clone(),
            parking: location.parking.clone(),
            hospital_name: location.hospital_name.clone(),
            hospital_address: location.hospital_address.clone(),
            hospital_phone: location.hospital_phone.clone(),
            latitude: location.latitude.map(|v| v.to_string()).unwrap_or_default(),
            longitude: location
                .longitude
                .map(|v| v.to_string())
                .unwrap_or_default(),
        }
    }

    /// The coordinates, both or neither; messages beside the fields otherwise.
    fn coordinates(&self, errors: &mut FieldErrors) -> Option<(f64, f64)> {
        let (lat, lon) = (self.latitude.trim(), self.longitude.trim());
        if lat.is_empty() && lon.is_empty() {
            return None;
        }
        let read = |text: &str| text.replace(',', ".").parse::<f64>().ok();
        match (read(lat), read(lon)) {
            (Some(la), Some(lo)) if valid_coordinates(la, lo) => return Some((la, lo)),
            (la, lo) => {
                if !la.is_some_and(|v| valid_coordinates(v, 0.0)) {
                    errors.add(
                        "latitude",
                        "Enter the latitude in degrees from -90 to 90, north positive, for example 51.5074.",
                    );
                }
                if !lo.is_some_and(|v| valid_coordinates(0.0, v)) {
                    errors.add(
                        "longitude",
                        "Enter the longitude in degrees from -180 to 180, east positive, for example -0.1278.",
                    );
                }
            }
        }
        None
    }

    fn check(&self, errors: &mut FieldErrors) -> Option<(f64, f64)> {
        if self.name.trim().is_empty() {
            errors.add("name", "Enter the location's name.");
        } else if self.name.trim().chars().count() > 200 {
            errors.add("name", "Keep the name to 200 characters.");
        }
        self.coordinates(errors)
    }
}

#[derive(Template)]
#[template(path = "schedule/locations.html")]
struct LocationsPage {
    ctx: Ctx,
    member: Member,
    locations: Vec<Location>,
    form: LocationForm,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "schedule/location.html")]
struct LocationPage {
    ctx: Ctx,
    member: Member,
    location_id: i64,
    form: LocationForm,
    errors: FieldErrors,
}

const TAKEN: &str = "This production already has a location with this name.";

pub(super) async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
) -> Result<Response> {
    member.may(Action::EditSchedule)?;
    let locations = locations::all(&state.pool, member.production.production_id).await?;
    render_form(
        &LocationsPage {
            ctx,
            member,
            locations,
            form: LocationForm::default(),
            errors: FieldErrors::default(),
        },
        false,
    )
}

pub(super) async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::EditSchedule)?;
    let (form, mut errors) = LocationForm::read(&body);
    let coordinates = form.check(&mut errors);
    if errors.is_empty() {
        let inserted = sqlx::query(
            "insert into location (production_id, name, address, parking, hospital_name,
                                   hospital_address, hospital_phone, latitude, longitude)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(member.production.production_id)
        .bind(form.name.trim())
        .bind(form.address.trim())
        .bind(form.parking.trim())
        .bind(form.hospital_name.trim())
        .bind(form.hospital_address.trim())
        .bind(form.hospital_phone.trim())
        .bind(coordinates.map(|c| c.0))
        .bind(coordinates.map(|c| c.1))
        .execute(&state.pool)
        .await
        .on_constraint("location_name_key")?;
        match inserted {
            Ok(_) => {
                Flash::success(&session, format!("{} added.", form.name.trim())).await?;
                return Ok(Redirect::to(&format!("{}/locations", member.base())).into_response());
            }
            Err(Violated) => errors.add("name", TAKEN),
        }
    }
    let locations = locations::all(&state.pool, member.production.production_id).await?;
    render_form(
        &LocationsPage {
            ctx,
            member,
            locations,
            form,
            errors,
        },
        true,
    )
}

pub(super) async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Ids((_, location_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    member.may(Action::EditSchedule)?;
    let location = locations::one(&state.pool, member.production.production_id, location_id)
        .await?
        .ok_or(AppError::NotFound)?;
    render_form(
        &LocationPage {
            ctx,
            member,
            location_id,
            form: LocationForm::of(&location),
            errors: FieldErrors::default(),
        },
        false,
    )
}

pub(super) async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Ids((_, location_id)): Ids<(i64, i64)>,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::EditSchedule)?;
    locations::one(&state.pool, member.production.production_id, location_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (form, mut errors) = LocationForm::read(&body);
    let coordinates = form.check(&mut errors);
    if errors.is_empty() {
        let updated = sqlx::query(
            "update location set name = $3, address = $4, parking = $5, hospital_name = $6,
                    hospital_address = $7, hospital_phone = $8, latitude = $9, longitude = $10,
                    updated_at = now()
             where production_id = $1 and location_id = $2",
        )
        .bind(member.production.production_id)
        .bind(location_id)
        .bind(form.name.trim())
        .bind(form.address.trim())
        .bind(form.parking.trim())
        .bind(form.hospital_name.trim())
        .bind(form.hospital_address.trim())
        .bind(form.hospital_phone.trim())
        .bind(coordinates.map(|c| c.0))
        .bind(coordinates.map(|c| c.1))
        .execute(&state.pool)
        .await
        .on_constraint("location_name_key")?;
        match updated {
            Ok(_) => {
                Flash::success(&session, format!("{} saved.", form.name.trim())).await?;
                return Ok(Redirect::to(&format!("{}/locations", member.base())).into_response());
            }
            Err(Violated) => errors.add("name", TAKEN),
        }
    }
    render_form(
        &LocationPage {
            ctx,
            member,
            location_id,
            form,
            errors,
        },
        true,
    )
}
