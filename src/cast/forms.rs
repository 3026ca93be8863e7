//! The forms of the cast pages: a cast member as typed and as parsed (the list page adds with
//! it, the edit page saves with it), the invitation form, and the message for a taken number.

use time::Date;

use super::record::CastMember;
use crate::error::Result;
use crate::rules::input_ranges::birth_date;
use crate::web::AppState;
use crate::web::{FieldErrors, FormBody, Len};

#[derive(Clone, Debug, Default)]
pub(super) struct CastForm {
    pub(super) cast_number: String,
    pub(super) name: String,
    pub(super) character_name: String,
    pub(super) date_of_birth: String,
    pub(super) union_name: String,
    pub(super) representative: String,
    pub(super) too_long: FieldErrors,
}

impl CastForm {
    pub(super) fn read(body: &FormBody) -> CastForm {
        let mut r = body.reader();
        CastForm {
            cast_number: r.text("cast_number", Len::Code),
            name: r.text("name", Len::Line),
            character_name: r.text("character_name", Len::Line),
            date_of_birth: r.text("date_of_birth", Len::Code),
            union_name: r.text("union_name", Len::Line),
            representative: r.text("representative", Len::Line),
            too_long: r.finish(),
        }
    }

    pub(super) fn from_cast(c: &CastMember) -> CastForm {
        CastForm {
            cast_number: c.cast_number.to_string(),
            name: c.name.clone(),
            character_name: c.character_name.clone(),
            date_of_birth: c.date_of_birth.map(|d| d.to_string()).unwrap_or_default(),
            union_name: c.union_name.clone(),
            representative: c.representative.clone(),
            too_long: FieldErrors::default(),
        }
    }

    pub(super) fn parse(&self, today: Date) -> Result<CastInput, FieldErrors> {
        let mut errors = self.too_long.clone();
        let cast_number = match self
            .cast_number
            .trim()
            .trim_start_matches('#')
            .parse::<i32>()
        {
            Ok(n) if (1..=9999).contains(&n) => Some(n),
            _ => {
                errors.add(
                    "cast_number",
                    "Write the cast number as a whole number from 1 to 9999.",
                );
                None
            }
        };
        let name = self.name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            errors.add("name", "Write the performer's name.");
        } else if name.chars().count() > 200 {
            errors.add("name", "The name is at most 200 characters.");
        }
        let date_of_birth = match self.date_of_birth.trim() {
            "" => None,
            text => match Date::parse(
                text,
                time::macros::format_description!("[year]-[month]-[day]"),
            ) {
                Ok(d) => birth_date(d, today)
                    .map_err(|m| errors.add("date_of_birth", m))
                    .ok(),
                Err(_) => {
                    errors.add(
                        "date_of_birth",
                        "Write the date of birth as year-month-day, for example 1994-03-27.",
                    );
                    None
                }
            },
        };
        match (cast_number, errors.is_empty()) {
            (Some(cast_number), true) => Ok(CastInput {
                cast_number,
                name,
                character_name: self.character_name.trim().to_string(),
                date_of_birth,
                union_name: self.union_name.trim().to_string(),
                representative: self.representative.trim().to_string(),
            }),
            _ => Err(errors),
        }
    }
}

pub(super) struct CastInput {
    pub(super) cast_number: i32,
    pub(super) name: String,
    pub(super) character_name: String,
    pub(super) date_of_birth: Option<Date>,
    pub(super) union_name: String,
    pub(super) representative: String,
}

/// The form error for a taken cast number, naming who holds it.
pub(super) async fn number_taken(
    state: &AppState,
    production_id: i64,
    number: i32,
) -> Result<String> {
    let holder: Option<String> = sqlx::query_scalar(
        "select name from cast_member where production_id = $1 and cast_number = $2",
    )
    .bind(production_id)
    .bind(number)
    .fetch_optional(&state.pool)
    .await?;
    Ok(format!(
        "Cast #{number} is already taken by {}. Choose another number.",
        holder.unwrap_or_else(|| "someone else".into())
    ))
}

/// The e-mail address to invite a cast member's account with.
#[derive(Default)]
pub(super) struct InviteForm {
    pub(super) email: String,
    pub(super) too_long: FieldErrors,
}

impl InviteForm {
    pub(super) fn read(body: &FormBody) -> InviteForm {
        let mut r = body.reader();
        InviteForm {
            email: r.text("email", Len::Line),
            too_long: r.finish(),
        }
    }
}
