//! The database's own checks (migration 0019) behind the forms: what slips past is refused,
//! naming the constraint.

use time::{Duration, OffsetDateTime};

use super::film;
use crate::support::build;

#[tokio::test]
async fn the_database_refuses_what_slipped_past_a_form() {
    let f = film().await;
    let attempts = [
        (
            "insert into shoot_day (production_id, shoot_date, call_at) values ($1, '0001-01-01', now())",
            "shoot_day_date_range",
        ),
        (
            "insert into shoot_day (production_id, shoot_date, call_at)
             values ($1, '2030-01-01', '0001-01-01 01:31:15+00')",
            "shoot_day_call_at_range",
        ),
        (
            "update cast_member set date_of_birth = '1800-01-01' where production_id = $1",
            "cast_member_date_of_birth_range",
        ),
        (
            "update scene set synopsis = repeat('x', 20001) where production_id = $1",
            "scene_synopsis_length",
        ),
        (
            "insert into budget_setting (production_id, ic_day_rate) values ($1, 2147483648000)",
            "budget_setting_rate_range",
        ),
        (
            "insert into budget_line (production_id, account_code, category, description,
                                      quantity_hundredths, unit_rate, planned)
             values ($1, '2950', 'shoot', 'IC', 100, 65000, 1000000000001)",
            "budget_line_planned_range",
        ),
    ];
    for (sql, constraint) in attempts {
        let error = sqlx::query(sql)
            .bind(f.production)
            .execute(&f.app.pool)
            .await
            .expect_err(constraint);
        let refused = error
            .as_database_error()
            .and_then(|e| e.constraint())
            .map(str::to_string);
        assert_eq!(refused.as_deref(), Some(constraint), "{sql}");
    }
    // The same rows within range are stored.
    let tomorrow = (OffsetDateTime::now_utc() + Duration::days(1)).date();
    build::shoot_day(&f.app, f.production, tomorrow).await;
    assert_eq!(f.count("shoot_day").await, 1);
}
