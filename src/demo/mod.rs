//! The demo production: a feature film with a producer, a coordinator, a director and three
//! performers (one under 18), its cast, breakdowns, a two-week schedule and a shoot day on the day it is loaded, loaded idempotently.

pub mod budget;
mod choreography;
pub mod concerns;
pub mod large;
pub mod onset;
pub mod records;
pub mod riders;
pub mod scenes;
pub mod schedule;
pub mod today;

use sqlx::PgPool;

use crate::auth::password::Password;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "closedset-demo";
/// The demo production's title; its presence means the demo is loaded.
pub const DEMO_TITLE: &str = "Night Swim (demo)";

/// What `closedset demo` prints.
pub const ACCOUNTS_NOTICE: &str = "\
The demo production \"Night Swim (demo)\" is loaded. Sign in with any of these accounts,
all with the password closedset-demo:

  producer@demo.test      producer
  coordinator@demo.test   intimacy coordinator
  director@demo.test      director / 1st AD
  performer1@demo.test    performer
  performer2@demo.test    performer
  performer3@demo.test    performer (under 18)
";

/// Demo people: e-mail, name, role.
pub const PEOPLE: [(&str, &str, &str); 6] = [
    ("producer@demo.test", "Priya Shah", "producer"),
    ("coordinator@demo.test", "Morgan Ellis", "coordinator"),
    ("director@demo.test", "Dana Okafor", "director"),
    ("performer1@demo.test", "Alex Rivera", "performer"),
    ("performer2@demo.test", "Sam Lindqvist", "performer"),
    ("performer3@demo.test", "Jo Mercer", "performer"),
];

/// Loads the demo production; running it again changes nothing.
pub async fn load(pool: &PgPool) -> anyhow::Result<i64> {
    let password = Password::new(DEMO_PASSWORD);
    let mut users = Vec::new();
    for (email, name, _) in PEOPLE {
        users.push(crate::auth::upsert_demo_user(pool, email, name, &password, false).await?);
    }
    let mut tx = pool.begin().await?;
    // One loader at a time, so two demo commands racing cannot create two demo films.
    sqlx::query("select pg_advisory_xact_lock(727001)")
        .execute(&mut *tx)
        .await?;
    let existing: Option<i64> =
        sqlx::query_scalar("select production_id from production where title = $1")
            .bind(DEMO_TITLE)
            .fetch_optional(&mut *tx)
            .await?;
    let production_id = match existing {
        Some(id) => id,
        None => {
            sqlx::query_scalar(
                "insert into production (title, kind, phase, time_zone, currency, agreement,
                                         notice_hours, ic_account_code, created_by)
                 values ($1, 'feature', 'pre_production', 'Europe/London', 'GBP', 'equity_uk',
                         48, '2950', $2)
                 returning production_id",
            )
            .bind(DEMO_TITLE)
            .bind(users[0])
            .fetch_one(&mut *tx)
            .await?
        }
    };
    for ((_, _, role), user_id) in PEOPLE.iter().zip(&users) {
        sqlx::query(
            "insert into member (production_id, user_id, role) values ($1, $2, $3)
             on conflict (production_id, user_id) do nothing",
        )
        .bind(production_id)
        .bind(user_id)
        .bind(role)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    scenes::load(pool, production_id).await?;
    schedule::load(pool, production_id).await?;
    records::load(pool, production_id).await?;
    riders::load(pool, production_id).await?;
    budget::load(pool, production_id).await?;
    onset::load(pool, production_id).await?;
    concerns::load(pool, production_id).await?;
    choreography::load(pool, production_id).await?;
    // Last, and on every run: a visitor on any later day still finds a shoot day today.
    today::load(pool, production_id).await?;
    Ok(production_id)
}
