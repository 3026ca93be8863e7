//! Demo IC budget: prep, rehearsal, shoot, post and garment lines at a typical day rate, with
//! the shoot over budget (an extra day on set) so the topsheet has something to flag.

use sqlx::PgPool;

use crate::vocab::money::exponent;

/// (category, description, quantity in hundredths, unit rate and actual in hundredths of the
/// currency's main unit). Sized for pounds, dollars or euros.
const LINES: [(&str, &str, i64, i64, i64); 8] = [
    (
        "prep",
        "IC prep: script breakdown and one-to-one conversations",
        400,
        65_000,
        260_000,
    ),
    (
        "prep",
        "IC prep: modesty garment fittings with costume",
        100,
        65_000,
        0,
    ),
    ("rehearsal", "IC rehearsal days", 300, 65_000, 130_000),
    (
        "shoot",
        "IC on set, flagged shoot days",
        500,
        65_000,
        390_000,
    ),
    ("post", "IC review of the edit", 200, 65_000, 0),
    (
        "garments",
        "Modesty garments: pouches, strapless thongs, silicone barriers",
        100,
        42_000,
        38_540,
    ),
    (
        "garments",
        "Robes and warm layers for the closed set",
        600,
        3_500,
        21_000,
    ),
    (
        "other",
        "Closed-set monitor hoods and screens",
        100,
        18_000,
        0,
    ),
];

/// The IC day rate the demo sets, in hundredths of the main unit.
const DAY_RATE: i64 = 65_000;

/// Hundredths of the main unit in the currency's minor units (JPY has none).
fn minor(hundredths: i64, currency: &str) -> i64 {
    hundredths * 10i64.pow(exponent(currency)) / 100
}

/// Loads the budget; does nothing if the production already has budget lines.
pub async fn load(pool: &PgPool, production_id: i64) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    // Locks the production so two loaders cannot both find it without lines.
    let (currency, account_code): (String, String) = sqlx::query_as(
        "select currency, ic_account_code from production where production_id = $1 for update",
    )
    .bind(production_id)
    .fetch_one(&mut *tx)
    .await?;
    let budgeted: bool =
        sqlx::query_scalar("select exists (select 1 from budget_line where production_id = $1)")
            .bind(production_id)
            .fetch_one(&mut *tx)
            .await?;
    if budgeted {
        return Ok(());
    }
    for (category, description, quantity, rate, actual) in LINES {
        let rate = minor(rate, &currency);
        sqlx::query(
            "insert into budget_line (production_id, account_code, category, description,
                                      quantity_hundredths, unit_rate, planned, actual)
             values ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(production_id)
        .bind(&account_code)
        .bind(category)
        .bind(description)
        .bind(quantity)
        .bind(rate)
        .bind(crate::vocab::money::times(quantity, rate))
        .bind(minor(actual, &currency))
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "insert into budget_setting (production_id, ic_day_rate) values ($1, $2)
         on conflict (production_id) do nothing",
    )
    .bind(production_id)
    .bind(minor(DAY_RATE, &currency))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
