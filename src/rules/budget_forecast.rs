//! R12, budget follows the schedule: IC days needed from the schedule, their cost, the topsheet
//! (planned, forecast, actual per category) and the warnings. Plain functions over plain data.

use std::collections::BTreeSet;

use time::Date;

use crate::clock::format_date;
use crate::vocab::money::{format_quantity, times};

/// What a budget line pays for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, sqlx::Type)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum Category {
    Prep,
    Rehearsal,
    Shoot,
    Post,
    Garments,
    Other,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Category::Prep,
        Category::Rehearsal,
        Category::Shoot,
        Category::Post,
        Category::Garments,
        Category::Other,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Category::Prep => "prep",
            Category::Rehearsal => "rehearsal",
            Category::Shoot => "shoot",
            Category::Post => "post",
            Category::Garments => "garments",
            Category::Other => "other",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Category::Prep => "Prep",
            Category::Rehearsal => "Rehearsal",
            Category::Shoot => "Shoot",
            Category::Post => "Post review",
            Category::Garments => "Modesty garments",
            Category::Other => "Other",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A budget line as stored; amounts in minor units of the production's currency.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct BudgetLine {
    pub budget_line_id: i64,
    pub account_code: String,
    pub category: Category,
    pub description: String,
    pub quantity_hundredths: i64,
    pub unit_rate: i64,
    pub planned: i64,
    pub actual: i64,
}

/// A production's forecast settings (the `budget_setting` row, or these defaults).
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Settings {
    /// IC prep per flagged scene, in hundredths of a day.
    pub prep_hundredths_per_scene: i32,
    /// IC review of the edit per flagged scene, in hundredths of a day.
    pub post_hundredths_per_scene: i32,
    /// The IC day rate in minor units; `None` uses the average rate of the category's lines.
    pub ic_day_rate: Option<i64>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            prep_hundredths_per_scene: 50,
            post_hundredths_per_scene: 100,
            ic_day_rate: None,
        }
    }
}

/// One scene placed on one shoot day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShootPlacement {
    pub shoot_day_id: i64,
    pub date: Date,
    pub unit: String,
    /// Current version flagged and the scene not omitted.
    pub flagged: bool,
}

/// One rehearsal, on its date in the production's zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RehearsalPlacement {
    pub date: Date,
    pub flagged: bool,
}

/// What the forecast reads from the schedule.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScheduleFacts {
    /// Scenes whose current version is flagged and that are not omitted.
    pub flagged_scenes: i64,
    pub shoot: Vec<ShootPlacement>,
    pub rehearsals: Vec<RehearsalPlacement>,
}

/// A shoot day with at least one flagged scene.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FlaggedDay {
    pub date: Date,
    pub unit: String,
    pub shoot_day_id: i64,
}

impl FlaggedDay {
    /// `Mon 3 May 2027`, with the unit when it is not the main one.
    pub fn label(&self) -> String {
        if self.unit == "Main unit" || self.unit.is_empty() {
            format_date(self.date)
        } else {
            format!("{} ({})", format_date(self.date), self.unit)
        }
    }
}

/// The forecast for one category.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CategoryForecast {
    pub category: Category,
    /// IC days needed, in hundredths; `None` for categories the schedule says nothing about.
    pub days: Option<i64>,
    /// The day rate used, in minor units (0 when none is known).
    pub rate: i64,
    pub amount: i64,
}

/// Something a producer should act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Warning {
    /// Fewer shoot IC days budgeted than shoot days with flagged scenes; the later days are named.
    ShootDaysNotCovered {
        budgeted_hundredths: i64,
        uncovered: Vec<FlaggedDay>,
    },
    /// Flagged scenes and no prep money planned.
    NoPrepBudgeted,
    /// Flagged scenes and prep per scene set to zero.
    NoPrepForecast,
    /// IC days needed and neither an IC day rate nor lines to average: forecast 0.
    NoRate { category: Category },
}

impl Warning {
    /// The sentence shown to the producer.
    pub fn text(&self) -> String {
        match self {
            Warning::ShootDaysNotCovered {
                budgeted_hundredths,
                uncovered,
            } => {
                let dates: Vec<String> = uncovered.iter().map(FlaggedDay::label).collect();
                format!(
                    "{} shoot {} with flagged scenes {} no IC day budgeted ({} shoot {} budgeted): {}.",
                    uncovered.len(),
                    if uncovered.len() == 1 { "day" } else { "days" },
                    if uncovered.len() == 1 { "has" } else { "have" },
                    format_quantity(*budgeted_hundredths),
                    if *budgeted_hundredths == 100 {
                        "day"
                    } else {
                        "days"
                    },
                    dates.join(", ")
                )
            }
            Warning::NoPrepBudgeted => "Prep is zero: no IC prep is budgeted for this \
                production's flagged scenes. Breakdowns and one-to-one conversations happen \
                before rehearsal and need paid IC time."
                .to_string(),
            Warning::NoPrepForecast => "Prep per flagged scene is set to zero, so the \
                forecast has no IC prep days."
                .to_string(),
            Warning::NoRate { category } => format!(
                "No IC day rate is set and no {} line has a rate to average, so the {} \
                 forecast is 0. Set the IC day rate below.",
                category.label().to_lowercase(),
                category.label().to_lowercase()
            ),
        }
    }
}

/// IC days and money the schedule calls for, per category, with the warnings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forecast {
    /// In `Category::ALL` order.
    pub categories: Vec<CategoryForecast>,
    /// Shoot days with flagged scenes, in date order.
    pub flagged_shoot_days: Vec<FlaggedDay>,
    /// Distinct dates of rehearsals of flagged scenes, in order.
    pub rehearsal_dates: Vec<Date>,
    pub warnings: Vec<Warning>,
}

impl Forecast {
    pub fn category(&self, category: Category) -> &CategoryForecast {
        self.categories
            .iter()
            .find(|c| c.category == category)
            .expect("every category is forecast")
    }

    /// All IC days needed, in hundredths.
    pub fn ic_days(&self) -> i64 {
        self.categories.iter().filter_map(|c| c.days).sum()
    }

    pub fn total(&self) -> i64 {
        self.categories.iter().map(|c| c.amount).sum()
    }
}

/// Quantity-weighted average unit rate of the category's lines, rounded half up.
fn average_rate(lines: &[BudgetLine], category: Category) -> Option<i64> {
    let (cost, quantity) =
        lines
            .iter()
            .filter(|l| l.category == category)
            .fold((0i128, 0i128), |(c, q), l| {
                (
                    c + i128::from(l.quantity_hundredths) * i128::from(l.unit_rate),
                    q + i128::from(l.quantity_hundredths),
                )
            });
    (quantity > 0).then(|| i64::try_from((cost * 2 + quantity) / (quantity * 2)).unwrap_or(0))
}

/// R12. IC days needed:
/// - prep: `prep_hundredths_per_scene` per flagged scene (default half a day);
/// - rehearsal: one day per distinct date with a rehearsal of a flagged scene;
/// - shoot: one day per shoot day (date and unit) with at least one flagged scene, however many;
/// - post: `post_hundredths_per_scene` per flagged scene (default one day: the IC reviews the
///   cut of each intimate scene).
///
/// Money: days × the IC day rate, or, when none is set, the quantity-weighted average unit rate
/// of that category's lines (0 with a warning if there are none). Garments and other follow the
/// lines: each line's plan, or its actual once that is higher.
pub fn forecast(schedule: &ScheduleFacts, settings: &Settings, lines: &[BudgetLine]) -> Forecast {
    let flagged_shoot_days: Vec<FlaggedDay> = schedule
        .shoot
        .iter()
        .filter(|p| p.flagged)
        .map(|p| FlaggedDay {
            date: p.date,
            unit: p.unit.clone(),
            shoot_day_id: p.shoot_day_id,
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let rehearsal_dates: Vec<Date> = schedule
        .rehearsals
        .iter()
        .filter(|r| r.flagged)
        .map(|r| r.date)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let scenes = schedule.flagged_scenes.max(0);
    let mut warnings = Vec::new();
    let categories = Category::ALL
        .into_iter()
        .map(|category| {
            let days = match category {
                Category::Prep => scenes * i64::from(settings.prep_hundredths_per_scene),
                Category::Rehearsal => rehearsal_dates.len() as i64 * 100,
                Category::Shoot => flagged_shoot_days.len() as i64 * 100,
                Category::Post => scenes * i64::from(settings.post_hundredths_per_scene),
                Category::Garments | Category::Other => {
                    let amount = lines
                        .iter()
                        .filter(|l| l.category == category)
                        .map(|l| l.planned.max(l.actual))
                        .sum();
                    return CategoryForecast {
                        category,
                        days: None,
                        rate: 0,
                        amount,
                    };
                }
            };
            let rate = settings
                .ic_day_rate
                .or_else(|| average_rate(lines, category));
            if rate.is_none() && days > 0 {
                warnings.push(Warning::NoRate { category });
            }
            let rate = rate.unwrap_or(0);
            CategoryForecast {
                category,
                days: Some(days),
                rate,
                amount: times(days, rate),
            }
        })
        .collect();

    let budgeted = |category: Category| {
        lines
            .iter()
            .filter(|l| l.category == category)
            .fold((0, 0), |(q, p), l| {
                (q + l.quantity_hundredths, p + l.planned)
            })
    };
    let (shoot_quantity, _) = budgeted(Category::Shoot);
    let needed = flagged_shoot_days.len() as i64 * 100;
    if shoot_quantity < needed {
        // Budgeted days cover the schedule in date order; a part day does not cover a day on set.
        let covered = usize::try_from(shoot_quantity / 100).unwrap_or(0);
        warnings.insert(
            0,
            Warning::ShootDaysNotCovered {
                budgeted_hundredths: shoot_quantity,
                uncovered: flagged_shoot_days[covered..].to_vec(),
            },
        );
    }
    if scenes > 0 {
        let (_, prep_planned) = budgeted(Category::Prep);
        if prep_planned == 0 {
            warnings.push(Warning::NoPrepBudgeted);
        }
        if settings.prep_hundredths_per_scene == 0 {
            warnings.push(Warning::NoPrepForecast);
        }
    }
    Forecast {
        categories,
        flagged_shoot_days,
        rehearsal_dates,
        warnings,
    }
}

/// One row of the topsheet; `category` is `None` for the total.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopsheetRow {
    pub category: Option<Category>,
    pub planned: i64,
    pub forecast: i64,
    pub actual: i64,
}

impl TopsheetRow {
    pub fn label(&self) -> &'static str {
        self.category.map_or("Total", |c| c.label())
    }
    /// Actual − planned: positive is over budget.
    pub fn variance(&self) -> i64 {
        self.actual - self.planned
    }
    pub fn over_budget(&self) -> bool {
        self.actual > self.planned
    }
    pub fn forecast_over_plan(&self) -> bool {
        self.forecast > self.planned
    }
}

/// Totals per category (every category, in order) and overall.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Topsheet {
    pub rows: Vec<TopsheetRow>,
    pub total: TopsheetRow,
}

impl Topsheet {
    /// The largest figure anywhere, for scaling a chart.
    pub fn largest(&self) -> i64 {
        self.rows
            .iter()
            .flat_map(|r| [r.planned, r.forecast, r.actual])
            .max()
            .unwrap_or(0)
    }
}

pub fn topsheet(lines: &[BudgetLine], forecast: &Forecast) -> Topsheet {
    let rows: Vec<TopsheetRow> = Category::ALL
        .into_iter()
        .map(|category| {
            let (planned, actual) = lines
                .iter()
                .filter(|l| l.category == category)
                .fold((0, 0), |(p, a), l| (p + l.planned, a + l.actual));
            TopsheetRow {
                category: Some(category),
                planned,
                forecast: forecast.category(category).amount,
                actual,
            }
        })
        .collect();
    let total = TopsheetRow {
        category: None,
        planned: rows.iter().map(|r| r.planned).sum(),
        forecast: rows.iter().map(|r| r.forecast).sum(),
        actual: rows.iter().map(|r| r.actual).sum(),
    };
    Topsheet { rows, total }
}

/// The category forecasts spread over the lines, for exports: each line's share in proportion
/// to its planned amount (or quantity, or evenly, when those are all zero), by largest remainder
/// so a category's shares add up to its forecast exactly. Garments and other lines get their own
/// forecast. The second value lists forecasts of categories with no line at all.
pub fn line_forecasts(
    lines: &[BudgetLine],
    forecast: &Forecast,
) -> (Vec<i64>, Vec<(Category, i64)>) {
    let mut shares = vec![0i64; lines.len()];
    let mut unbudgeted = Vec::new();
    for cf in &forecast.categories {
        let indexes: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].category == cf.category)
            .collect();
        if indexes.is_empty() {
            if cf.amount != 0 || cf.days.is_some_and(|d| d > 0) {
                unbudgeted.push((cf.category, cf.amount));
            }
            continue;
        }
        if cf.days.is_none() {
            for &i in &indexes {
                shares[i] = lines[i].planned.max(lines[i].actual);
            }
            continue;
        }
        let weight = |i: usize, by: u8| match by {
            0 => lines[i].planned,
            1 => lines[i].quantity_hundredths,
            _ => 1,
        };
        let by = (0..2u8)
            .find(|&by| indexes.iter().map(|&i| weight(i, by)).sum::<i64>() > 0)
            .unwrap_or(2);
        let total_weight: i128 = indexes.iter().map(|&i| i128::from(weight(i, by))).sum();
        let amount = i128::from(cf.amount);
        let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(indexes.len());
        let mut given: i128 = 0;
        for &i in &indexes {
            let exact = amount * i128::from(weight(i, by));
            let share = exact / total_weight;
            shares[i] = i64::try_from(share).unwrap_or(0);
            given += share;
            remainders.push((exact % total_weight, i));
        }
        // Largest remainders first; among equals, the earlier line.
        remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for (_, i) in remainders
            .into_iter()
            .take(usize::try_from(amount - given).unwrap_or(0))
        {
            shares[i] += 1;
        }
    }
    (shares, unbudgeted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn line(category: Category, quantity: i64, rate: i64, planned: i64, actual: i64) -> BudgetLine {
        BudgetLine {
            budget_line_id: 0,
            account_code: "2950".into(),
            category,
            description: "IC".into(),
            quantity_hundredths: quantity,
            unit_rate: rate,
            planned,
            actual,
        }
    }

    fn shoot(id: i64, date: Date, flagged: bool) -> ShootPlacement {
        ShootPlacement {
            shoot_day_id: id,
            date,
            unit: "Main unit".into(),
            flagged,
        }
    }

    fn schedule() -> ScheduleFacts {
        ScheduleFacts {
            flagged_scenes: 3,
            shoot: vec![
                // Two flagged scenes on 3 May: one IC day.
                shoot(1, date!(2027 - 05 - 03), true),
                shoot(1, date!(2027 - 05 - 03), true),
                shoot(1, date!(2027 - 05 - 03), false),
                shoot(2, date!(2027 - 05 - 04), false),
                shoot(3, date!(2027 - 05 - 05), true),
            ],
            rehearsals: vec![
                RehearsalPlacement {
                    date: date!(2027 - 04 - 28),
                    flagged: true,
                },
                RehearsalPlacement {
                    date: date!(2027 - 04 - 28),
                    flagged: true,
                },
                RehearsalPlacement {
                    date: date!(2027 - 04 - 29),
                    flagged: false,
                },
            ],
        }
    }

    const RATE: i64 = 65_000;

    fn with_rate() -> Settings {
        Settings {
            ic_day_rate: Some(RATE),
            ..Settings::default()
        }
    }

    #[test]
    fn counts_ic_days_from_the_schedule() {
        let f = forecast(&schedule(), &with_rate(), &[]);
        assert_eq!(f.category(Category::Prep).days, Some(150));
        assert_eq!(f.category(Category::Rehearsal).days, Some(100));
        assert_eq!(f.category(Category::Shoot).days, Some(200));
        assert_eq!(f.category(Category::Post).days, Some(300));
        assert_eq!(f.category(Category::Garments).days, None);
        assert_eq!(f.ic_days(), 750);
        assert_eq!(f.category(Category::Prep).amount, 97_500);
        assert_eq!(f.category(Category::Shoot).amount, 130_000);
        assert_eq!(f.total(), 750 * RATE / 100);
        assert_eq!(f.rehearsal_dates, vec![date!(2027 - 04 - 28)]);
        assert_eq!(
            f.flagged_shoot_days
                .iter()
                .map(|d| d.date)
                .collect::<Vec<_>>(),
            vec![date!(2027 - 05 - 03), date!(2027 - 05 - 05)]
        );
    }

    #[test]
    fn a_second_unit_on_the_same_date_needs_its_own_ic_day() {
        let mut s = schedule();
        s.shoot.push(ShootPlacement {
            shoot_day_id: 9,
            date: date!(2027 - 05 - 03),
            unit: "Second unit".into(),
            flagged: true,
        });
        let f = forecast(&s, &with_rate(), &[]);
        assert_eq!(f.category(Category::Shoot).days, Some(300));
        assert_eq!(
            f.flagged_shoot_days[1].label(),
            "Mon 3 May 2027 (Second unit)"
        );
    }

    #[test]
    fn settings_change_prep_and_post() {
        let settings = Settings {
            prep_hundredths_per_scene: 100,
            post_hundredths_per_scene: 25,
            ic_day_rate: Some(1000),
        };
        let f = forecast(&schedule(), &settings, &[]);
        assert_eq!(f.category(Category::Prep).days, Some(300));
        assert_eq!(f.category(Category::Post).days, Some(75));
        assert_eq!(f.category(Category::Post).amount, 750);
    }

    #[test]
    fn without_a_day_rate_the_lines_average_or_warn() {
        let lines = [
            line(Category::Shoot, 200, 60_000, 120_000, 0),
            line(Category::Shoot, 100, 90_000, 90_000, 0),
            line(Category::Prep, 100, 50_000, 50_000, 0),
        ];
        let f = forecast(&schedule(), &Settings::default(), &lines);
        // (2 × 600 + 1 × 900) / 3 = 700 a day.
        assert_eq!(f.category(Category::Shoot).rate, 70_000);
        assert_eq!(f.category(Category::Shoot).amount, 140_000);
        assert_eq!(f.category(Category::Prep).amount, 75_000);
        assert_eq!(f.category(Category::Rehearsal).amount, 0);
        assert!(f.warnings.contains(&Warning::NoRate {
            category: Category::Rehearsal
        }));
        assert!(f.warnings.contains(&Warning::NoRate {
            category: Category::Post
        }));
        assert!(!f.warnings.contains(&Warning::NoRate {
            category: Category::Shoot
        }));
    }

    #[test]
    fn garments_follow_the_lines() {
        let lines = [
            line(Category::Garments, 100, 4000, 4000, 5500),
            line(Category::Garments, 100, 3000, 3000, 0),
        ];
        let f = forecast(&ScheduleFacts::default(), &Settings::default(), &lines);
        assert_eq!(f.category(Category::Garments).amount, 8500);
        assert!(f.warnings.is_empty());
    }

    #[test]
    fn warns_of_uncovered_shoot_days_and_zero_prep() {
        let lines = [line(Category::Shoot, 150, RATE, 97_500, 0)];
        let f = forecast(&schedule(), &with_rate(), &lines);
        let Warning::ShootDaysNotCovered {
            budgeted_hundredths,
            uncovered,
        } = &f.warnings[0]
        else {
            panic!("{:?}", f.warnings)
        };
        assert_eq!(*budgeted_hundredths, 150);
        assert_eq!(uncovered.len(), 1);
        assert_eq!(uncovered[0].date, date!(2027 - 05 - 05));
        assert_eq!(
            f.warnings[0].text(),
            "1 shoot day with flagged scenes has no IC day budgeted (1.5 shoot days budgeted): \
             Wed 5 May 2027."
        );
        assert!(f.warnings.contains(&Warning::NoPrepBudgeted));

        let covered = [
            line(Category::Shoot, 200, RATE, 130_000, 0),
            line(Category::Prep, 150, RATE, 97_500, 0),
        ];
        assert!(
            forecast(&schedule(), &with_rate(), &covered)
                .warnings
                .is_empty()
        );
    }

    #[test]
    fn zero_prep_setting_warns_but_only_with_flagged_scenes() {
        let settings = Settings {
            prep_hundredths_per_scene: 0,
            ..with_rate()
        };
        let f = forecast(&schedule(), &settings, &[]);
        assert!(f.warnings.contains(&Warning::NoPrepForecast));
        let quiet = forecast(&ScheduleFacts::default(), &settings, &[]);
        assert!(quiet.warnings.is_empty());
    }

    #[test]
    fn topsheet_totals_and_variance() {
        let lines = [
            line(Category::Shoot, 200, RATE, 130_000, 140_000),
            line(Category::Prep, 150, RATE, 97_500, 50_000),
            line(Category::Garments, 100, 4000, 4000, 0),
        ];
        let f = forecast(&schedule(), &with_rate(), &lines);
        let t = topsheet(&lines, &f);
        let shoot = &t.rows[2];
        assert_eq!(shoot.category, Some(Category::Shoot));
        assert_eq!(shoot.variance(), 10_000);
        assert!(shoot.over_budget());
        assert!(!t.rows[0].over_budget());
        assert_eq!(t.rows[0].variance(), -47_500);
        assert_eq!(t.total.planned, 231_500);
        assert_eq!(t.total.actual, 190_000);
        assert_eq!(t.total.forecast, f.total());
        assert_eq!(t.total.label(), "Total");
        assert_eq!(t.largest(), 195_000);
    }

    #[test]
    fn line_forecasts_add_up_to_the_category() {
        let lines = [
            line(Category::Shoot, 100, 100, 100, 0),
            line(Category::Shoot, 100, 100, 100, 0),
            line(Category::Shoot, 100, 100, 100, 0),
            line(Category::Garments, 100, 4000, 4000, 4500),
        ];
        let settings = Settings {
            ic_day_rate: Some(50),
            ..Settings::default()
        };
        // Two shoot days at 0.50: 100 shared by three lines.
        let f = forecast(&schedule(), &settings, &lines);
        let (shares, unbudgeted) = line_forecasts(&lines, &f);
        assert_eq!(shares, vec![34, 33, 33, 4500]);
        assert_eq!(
            unbudgeted,
            vec![
                (Category::Prep, 75),
                (Category::Rehearsal, 50),
                (Category::Post, 150)
            ]
        );
    }
}
