//! Locations as stored: where a shoot day is, its address and parking notes, the nearest
//! hospital, and its coordinates for sunrise and sunset on the call sheet.

use sqlx::PgPool;

use crate::error::Result;

#[derive(Clone, Debug, Default, sqlx::FromRow)]
pub struct Location {
    pub location_id: i64,
    pub name: String,
    pub address: String,
    pub parking: String,
    pub hospital_name: String,
    pub hospital_address: String,
    pub hospital_phone: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

impl Location {
    /// `51.50740, -0.12780`, or empty without coordinates.
    pub fn coordinates(&self) -> String {
        match (self.latitude, self.longitude) {
            (Some(lat), Some(lon)) => format!("{lat:.5}, {lon:.5}"),
            _ => String::new(),
        }
    }
}

const COLUMNS: &str = "location_id, name, address, parking, hospital_name, hospital_address,
                       hospital_phone, latitude, longitude";

/// The production's locations by name.
pub async fn all(pool: &PgPool, production_id: i64) -> Result<Vec<Location>> {
    Ok(sqlx::query_as(&format!(
        "select {COLUMNS} from location where production_id = $1 order by name, location_id"
    ))
    .bind(production_id)
    .fetch_all(pool)
    .await?)
}

/// One location of the production.
pub async fn one(pool: &PgPool, production_id: i64, location_id: i64) -> Result<Option<Location>> {
    Ok(sqlx::query_as(&format!(
        "select {COLUMNS} from location where production_id = $1 and location_id = $2"
    ))
    .bind(production_id)
    .bind(location_id)
    .fetch_optional(pool)
    .await?)
}

/// The location of a shoot day, if it has one.
pub async fn of_day(pool: &PgPool, shoot_day_id: i64) -> Result<Option<Location>> {
    Ok(sqlx::query_as(&format!(
        "select {COLUMNS} from location
         where location_id = (select location_id from shoot_day where shoot_day_id = $1)"
    ))
    .bind(shoot_day_id)
    .fetch_optional(pool)
    .await?)
}
