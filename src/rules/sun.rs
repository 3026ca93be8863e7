//! Sunrise and sunset for a call sheet, computed here (no network): NOAA's general solar
//! position equations (the fractional-year series for the equation of time and declination),
//! with the standard −0.833° altitude for refraction and the sun's radius. Good to a minute
//! or so between the polar circles; beyond them, a day may have no sunrise or no sunset.

use std::f64::consts::PI;

use time::{Date, Duration, OffsetDateTime, Time};

/// The sun over one local date at one place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SunDay {
    /// Both instants, in UTC.
    RiseAndSet {
        rise: OffsetDateTime,
        set: OffsetDateTime,
    },
    /// The sun stays above the horizon all day (midnight sun).
    AlwaysUp,
    /// The sun stays below the horizon all day (polar night).
    AlwaysDown,
}

/// Latitude and longitude in degrees, as typed into the location form; `None` when outside the
/// Earth's ranges (latitude −90..90, longitude −180..180).
pub fn valid_coordinates(latitude: f64, longitude: f64) -> bool {
    latitude.is_finite()
        && longitude.is_finite()
        && (-90.0..=90.0).contains(&latitude)
        && (-180.0..=180.0).contains(&longitude)
}

/// Sunrise and sunset on `date` at `latitude`, `longitude` (degrees, north and east positive).
/// `date` is the local date of the place; the instants may fall on the neighbouring UTC date.
pub fn sun_day(date: Date, latitude: f64, longitude: f64) -> SunDay {
    // First pass at local solar noon, then each event again at its own first estimate: the
    // declination moves enough over half a day to matter by a minute.
    let noon_minutes = 720.0 - 4.0 * longitude;
    let rise = event(date, latitude, longitude, noon_minutes, Event::Rise);
    let set = event(date, latitude, longitude, noon_minutes, Event::Set);
    match (rise, set) {
        (Ok(rise), Ok(set)) => {
            let rise = event(date, latitude, longitude, rise, Event::Rise);
            let set = event(date, latitude, longitude, set, Event::Set);
            match (rise, set) {
                (Ok(rise), Ok(set)) => SunDay::RiseAndSet {
                    rise: at_minutes(date, rise),
                    set: at_minutes(date, set),
                },
                (Err(polar), _) | (_, Err(polar)) => polar,
            }
        }
        (Err(polar), _) | (_, Err(polar)) => polar,
    }
}

#[derive(Clone, Copy)]
enum Event {
    Rise,
    Set,
}

/// The event's minutes after 00:00 UTC of `date`, with the sun's position taken at
/// `around_minutes`; or which polar case holds.
fn event(
    date: Date,
    latitude: f64,
    longitude: f64,
    around_minutes: f64,
    which: Event,
) -> Result<f64, SunDay> {
    let days_in_year = if time::util::is_leap_year(date.year()) {
        366.0
    } else {
        365.0
    };
    let gamma = 2.0 * PI / days_in_year
        * (f64::from(date.ordinal()) - 1.0 + (around_minutes / 60.0 - 12.0) / 24.0);
    let equation_of_time = 229.18
        * (0.000_075 + 0.001_868 * gamma.cos()
            - 0.032_077 * gamma.sin()
            - 0.014_615 * (2.0 * gamma).cos()
            - 0.040_849 * (2.0 * gamma).sin());
    let declination = 0.006_918 - 0.399_912 * gamma.cos() + 0.070_257 * gamma.sin()
        - 0.006_758 * (2.0 * gamma).cos()
        + 0.000_907 * (2.0 * gamma).sin()
        - 0.002_697 * (3.0 * gamma).cos()
        + 0.001_48 * (3.0 * gamma).sin();
    let phi = latitude.to_radians();
    let cos_hour_angle = (90.833_f64.to_radians().cos()) / (phi.cos() * declination.cos())
        - phi.tan() * declination.tan();
    if cos_hour_angle > 1.0 {
        return Err(SunDay::AlwaysDown);
    }
    if cos_hour_angle < -1.0 {
        return Err(SunDay::AlwaysUp);
    }
    let hour_angle = cos_hour_angle.acos().to_degrees();
    Ok(match which {
        Event::Rise => 720.0 - 4.0 * (longitude + hour_angle) - equation_of_time,
        Event::Set => 720.0 - 4.0 * (longitude - hour_angle) - equation_of_time,
    })
}

fn at_minutes(date: Date, minutes: f64) -> OffsetDateTime {
    // Rounded to the second; a call sheet shows minutes.
    #[allow(clippy::cast_possible_truncation)]
    let seconds = (minutes * 60.0).round() as i64;
    date.with_time(Time::MIDNIGHT).assume_utc() + Duration::seconds(seconds)
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;

    fn within_two_minutes(got: OffsetDateTime, want: OffsetDateTime) {
        let off = (got - want).abs();
        assert!(off <= Duration::minutes(2), "got {got}, want {want}");
    }

    fn rise_and_set(day: SunDay) -> (OffsetDateTime, OffsetDateTime) {
        match day {
            SunDay::RiseAndSet { rise, set } => (rise, set),
            other => panic!("expected a sunrise and a sunset, got {other:?}"),
        }
    }

    // Reference times from the Met Office / timeanddate.com tables, in UTC.
    #[test]
    fn london_on_the_solstices() {
        let (rise, set) = rise_and_set(sun_day(date!(2027 - 06 - 21), 51.5074, -0.1278));
        within_two_minutes(rise, datetime!(2027-06-21 03:43 UTC));
        within_two_minutes(set, datetime!(2027-06-21 20:21 UTC));
        let (rise, set) = rise_and_set(sun_day(date!(2027 - 12 - 21), 51.5074, -0.1278));
        within_two_minutes(rise, datetime!(2027-12-21 08:04 UTC));
        within_two_minutes(set, datetime!(2027-12-21 15:54 UTC));
    }

    #[test]
    fn sydney_sunrise_falls_on_the_utc_day_before() {
        // Sydney, 1 January 2027: 05:47 and 20:09 AEDT (UTC+11), so sunrise is on 31 Dec UTC.
        let (rise, set) = rise_and_set(sun_day(date!(2027 - 01 - 01), -33.8688, 151.2093));
        within_two_minutes(rise, datetime!(2026-12-31 18:47 UTC));
        within_two_minutes(set, datetime!(2027-01-01 09:09 UTC));
    }

    #[test]
    fn beyond_the_polar_circle_the_sun_may_not_rise_or_set() {
        // Tromsø, 69.65° N.
        assert_eq!(
            sun_day(date!(2027 - 06 - 21), 69.6492, 18.9553),
            SunDay::AlwaysUp
        );
        assert_eq!(
            sun_day(date!(2027 - 12 - 21), 69.6492, 18.9553),
            SunDay::AlwaysDown
        );
        // McMurdo in the southern summer.
        assert_eq!(
            sun_day(date!(2027 - 12 - 21), -77.85, 166.67),
            SunDay::AlwaysUp
        );
    }

    #[test]
    fn coordinates_must_be_on_the_earth() {
        assert!(valid_coordinates(51.5, -0.12));
        assert!(valid_coordinates(-90.0, 180.0));
        assert!(!valid_coordinates(90.5, 0.0));
        assert!(!valid_coordinates(0.0, -180.5));
        assert!(!valid_coordinates(f64::NAN, 0.0));
    }
}
