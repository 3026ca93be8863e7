//! The stripboard a week at a time: which week to show, the days around it with their strips,
//! the unscheduled pool, and the banners (meal, company move) between strips.

use sqlx::PgPool;
use time::{Date, Duration, Weekday};

use super::NUMBERED_DAYS;
use super::board::{DayRow, PlacedRow};
use crate::error::Result;

/// The Monday of `date`'s week: the canonical `?week=` of the board.
pub fn monday_of(date: Date) -> Date {
    date - Duration::days(i64::from(date.weekday().number_days_from_monday()))
}

/// The week a board opens on: the week of the next shoot day from `today`, else of the last
/// one, else this week, so the board never opens on an empty week when days exist. With
/// `performer`, only days they are called count.
pub async fn default_week(
    pool: &PgPool,
    production_id: i64,
    today: Date,
    performer: Option<i64>,
) -> Result<Date> {
    let (next, last): (Option<Date>, Option<Date>) = sqlx::query_as(
        "select min(d.shoot_date) filter (where d.shoot_date >= $2), max(d.shoot_date)
         from shoot_day d where d.production_id = $1
           and ($3::bigint is null or exists (
                   select 1 from shoot_day_scene ds
                   join scene_cast sc on sc.scene_id = ds.scene_id
                   join cast_member cm using (cast_member_id)
                   where ds.shoot_day_id = d.shoot_day_id and cm.user_id = $3))",
    )
    .bind(production_id)
    .bind(today)
    .bind(performer)
    .fetch_one(pool)
    .await?;
    Ok(monday_of(next.or(last).unwrap_or(today)))
}

/// The Mondays of every week holding a shoot day, for the jump list; with `performer`, only
/// weeks with a day they are called.
pub async fn weeks_with_days(
    pool: &PgPool,
    production_id: i64,
    performer: Option<i64>,
) -> Result<Vec<Date>> {
    Ok(sqlx::query_scalar(
        "select distinct (d.shoot_date - (extract(isodow from d.shoot_date)::int - 1))::date
                as monday
         from shoot_day d where d.production_id = $1
           and ($2::bigint is null or exists (
                   select 1 from shoot_day_scene ds
                   join scene_cast sc on sc.scene_id = ds.scene_id
                   join cast_member cm using (cast_member_id)
                   where ds.shoot_day_id = d.shoot_day_id and cm.user_id = $2))
         order by monday",
    )
    .bind(production_id)
    .bind(performer)
    .fetch_all(pool)
    .await?)
}

/// Days from `from` up to (not including) `until`, numbered within the whole schedule.
pub async fn days_between(
    pool: &PgPool,
    production_id: i64,
    from: Date,
    until: Date,
) -> Result<Vec<DayRow>> {
    Ok(sqlx::query_as(&format!(
        "{NUMBERED_DAYS} where shoot_date >= $2 and shoot_date < $3 order by day_number"
    ))
    .bind(production_id)
    .bind(from)
    .bind(until)
    .fetch_all(pool)
    .await?)
}

/// What `load_placed` selects for one strip; `{from}` and `{where}` complete it.
const STRIP_COLUMNS: &str = "s.scene_id, s.number, s.int_ext, s.set_name, s.time_of_day,
    s.eighths, coalesce(v.flagged, false) as flagged,
    array(select cm.cast_number from scene_cast sc join cast_member cm using (cast_member_id)
          where sc.scene_id = s.scene_id order by cm.cast_number) as cast_numbers,
    array(select jsonb_array_elements_text(
              case when jsonb_typeof(v.breakdown -> 'closed_set') = 'array'
                   then v.breakdown -> 'closed_set' else '[]'::jsonb end)) as closed_set,
    s.revision_colour";

/// Strips on the days between `from` and `until`, in running order; with `performer`, only
/// the scenes that user is cast in.
pub async fn placed_between(
    pool: &PgPool,
    production_id: i64,
    from: Date,
    until: Date,
    performer: Option<i64>,
) -> Result<Vec<PlacedRow>> {
    Ok(sqlx::query_as(&format!(
        "select ds.shoot_day_id, ds.position, {STRIP_COLUMNS}
         from shoot_day_scene ds
         join shoot_day d on d.shoot_day_id = ds.shoot_day_id
         join scene s on s.scene_id = ds.scene_id
         left join scene_version v on v.scene_version_id = s.current_version_id
         where ds.production_id = $1 and d.shoot_date >= $2 and d.shoot_date < $3
           and ($4::bigint is null or exists (
                   select 1 from scene_cast sc join cast_member cm using (cast_member_id)
                   where sc.scene_id = s.scene_id and cm.user_id = $4))
         order by ds.shoot_day_id, ds.position"
    ))
    .bind(production_id)
    .bind(from)
    .bind(until)
    .bind(performer)
    .fetch_all(pool)
    .await?)
}

/// The unscheduled pool: scenes (not omitted) on no shoot day, in script order. Their strips
/// carry `POOL` as their day.
pub async fn pool_strips(pool: &PgPool, production_id: i64) -> Result<Vec<PlacedRow>> {
    Ok(sqlx::query_as(&format!(
        "select 0::bigint as shoot_day_id, 0 as position, {STRIP_COLUMNS}
         from scene s
         left join scene_version v on v.scene_version_id = s.current_version_id
         where s.production_id = $1 and not s.omitted
           and not exists (select 1 from shoot_day_scene ds where ds.scene_id = s.scene_id)
         order by s.sort_key collate \"C\""
    ))
    .bind(production_id)
    .fetch_all(pool)
    .await?)
}

/// The day id pool strips carry, and what the move form sends for "Unscheduled".
pub const POOL: i64 = 0;

/// What a banner row in the board announces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BannerKind {
    Meal,
    CompanyMove,
    Note,
}

impl BannerKind {
    pub const ALL: [BannerKind; 3] = [BannerKind::Meal, BannerKind::CompanyMove, BannerKind::Note];

    pub fn as_str(self) -> &'static str {
        match self {
            BannerKind::Meal => "meal",
            BannerKind::CompanyMove => "company_move",
            BannerKind::Note => "note",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BannerKind::Meal => "Meal break",
            BannerKind::CompanyMove => "Company move",
            BannerKind::Note => "Note",
        }
    }

    pub fn parse(text: &str) -> Option<BannerKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// A banner as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct BannerRow {
    pub board_banner_id: i64,
    pub shoot_day_id: i64,
    pub after_position: i32,
    pub kind: String,
    pub label: String,
}

impl BannerRow {
    /// `Meal break — Lunch, 60 min`, `Company move — to Lake house`.
    pub fn text(&self) -> String {
        let kind = BannerKind::parse(&self.kind).map_or("Note", BannerKind::label);
        if self.label.is_empty() {
            kind.to_string()
        } else {
            format!("{kind} — {}", self.label)
        }
    }
}

/// Banners of the days between `from` and `until`, in running order.
pub async fn banners_between(
    pool: &PgPool,
    production_id: i64,
    from: Date,
    until: Date,
) -> Result<Vec<BannerRow>> {
    Ok(sqlx::query_as(
        "select b.board_banner_id, b.shoot_day_id, b.after_position, b.kind, b.label
         from board_banner b join shoot_day d using (shoot_day_id)
         where b.production_id = $1 and d.shoot_date >= $2 and d.shoot_date < $3
         order by b.shoot_day_id, b.after_position, b.board_banner_id",
    )
    .bind(production_id)
    .bind(from)
    .bind(until)
    .fetch_all(pool)
    .await?)
}

/// The weekdays of a week, for the board's heading: `Mon 3 May – Sun 9 May 2027`.
pub fn week_label(monday: Date) -> String {
    let sunday = monday + Duration::days(6);
    format!(
        "{} – {}",
        crate::clock::format_date(monday),
        crate::clock::format_date(sunday)
    )
}

/// Whether `date` is a Monday (a canonical `?week=`).
pub fn is_monday(date: Date) -> bool {
    date.weekday() == Weekday::Monday
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn every_day_of_a_week_belongs_to_its_monday() {
        for offset in 0..7 {
            assert_eq!(
                monday_of(date!(2027 - 05 - 03) + Duration::days(offset)),
                date!(2027 - 05 - 03)
            );
        }
        assert_eq!(monday_of(date!(2027 - 05 - 02)), date!(2027 - 04 - 26));
        assert!(is_monday(date!(2027 - 05 - 03)));
    }

    #[test]
    fn banners_say_what_they_are() {
        let banner = BannerRow {
            board_banner_id: 1,
            shoot_day_id: 1,
            after_position: 2,
            kind: "company_move".into(),
            label: "to the lake house".into(),
        };
        assert_eq!(banner.text(), "Company move — to the lake house");
        assert_eq!(BannerKind::parse("meal"), Some(BannerKind::Meal));
        assert_eq!(BannerKind::parse("lunch"), None);
    }
}
