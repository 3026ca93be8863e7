//! A production's strip palette: which tint each INT/EXT × DAY/NIGHT strip wears. Tints are
//! named swatches of the stylesheet, each checked here to keep dark text at AA contrast, and
//! every strip also says INT/EXT and DAY/NIGHT in words, so colour is never the only signal.

use sqlx::PgPool;

use crate::error::Result;

/// A swatch: its name as stored, its label, its CSS class and its colour (for the check).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Swatch {
    pub name: &'static str,
    pub label: &'static str,
    pub class: &'static str,
    pub hex: &'static str,
}

pub const SWATCHES: [Swatch; 8] = [
    swatch("white", "White", "swatch-white", "#ffffff"),
    swatch("yellow", "Yellow", "swatch-yellow", "#fff3a8"),
    swatch("blue", "Blue", "swatch-blue", "#c9dcff"),
    swatch("green", "Green", "swatch-green", "#c4ecc4"),
    swatch("pink", "Pink", "swatch-pink", "#ffd1dc"),
    swatch("orange", "Orange", "swatch-orange", "#ffd8a8"),
    swatch("lavender", "Lavender", "swatch-lavender", "#e3d7ff"),
    swatch("grey", "Grey", "swatch-grey", "#e0e0e0"),
];

const fn swatch(
    name: &'static str,
    label: &'static str,
    class: &'static str,
    hex: &'static str,
) -> Swatch {
    Swatch {
        name,
        label,
        class,
        hex,
    }
}

/// The strip text colour (`--ink` in the stylesheet).
pub const STRIP_INK: &str = "#1b1b1f";

pub fn swatch_named(name: &str) -> Option<Swatch> {
    SWATCHES.into_iter().find(|s| s.name == name)
}

/// The four strip kinds, as `strip_class` names them, with their labels and stored columns.
pub const STRIP_KINDS: [(&str, &str, &str); 4] = [
    ("strip-int-day", "INT · DAY", "strip_int_day"),
    ("strip-ext-day", "EXT · DAY", "strip_ext_day"),
    (
        "strip-int-night",
        "INT · NIGHT (dawn, dusk)",
        "strip_int_night",
    ),
    (
        "strip-ext-night",
        "EXT · NIGHT (dawn, dusk)",
        "strip_ext_night",
    ),
];

/// The stripboard convention: INT/DAY white, EXT/DAY yellow, INT/NIGHT blue, EXT/NIGHT green.
const HOUSE: [&str; 4] = ["white", "yellow", "blue", "green"];

/// A production's choice of swatch per strip kind, in `STRIP_KINDS` order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Palette(pub [Swatch; 4]);

impl Default for Palette {
    fn default() -> Self {
        Palette(HOUSE.map(|name| swatch_named(name).unwrap_or(SWATCHES[0])))
    }
}

impl Palette {
    /// From the stored names; a missing or unknown one keeps the house colour.
    pub fn from_names(names: [Option<String>; 4]) -> Palette {
        let house = Palette::default();
        let mut chosen = house.0;
        for (slot, name) in chosen.iter_mut().zip(names) {
            if let Some(swatch) = name.as_deref().and_then(swatch_named) {
                *slot = swatch;
            }
        }
        Palette(chosen)
    }

    /// The swatch class for a strip of `strip_class`.
    pub fn class_for(&self, strip_class: &str) -> &'static str {
        STRIP_KINDS
            .iter()
            .position(|(class, _, _)| *class == strip_class)
            .map_or("swatch-white", |i| self.0[i].class)
    }

    pub fn swatch_for(&self, column: &str) -> Swatch {
        STRIP_KINDS
            .iter()
            .position(|(_, _, c)| *c == column)
            .map_or(SWATCHES[0], |i| self.0[i])
    }
}

pub async fn load(pool: &PgPool, production_id: i64) -> Result<Palette> {
    let names: (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    ) = sqlx::query_as(
        "select strip_int_day, strip_ext_day, strip_int_night, strip_ext_night
             from production where production_id = $1",
    )
    .bind(production_id)
    .fetch_one(pool)
    .await?;
    Ok(Palette::from_names([names.0, names.1, names.2, names.3]))
}

/// WCAG 2 contrast ratio between two `#rrggbb` colours.
pub fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

fn luminance(hex: &str) -> f64 {
    let channel = |i: usize| {
        let v = f64::from(u8::from_str_radix(hex.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0))
            / 255.0;
        if v <= 0.039_28 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_swatch_keeps_strip_text_at_aa_contrast() {
        for s in SWATCHES {
            assert!(contrast(s.hex, STRIP_INK) >= 4.5, "{} is too dark", s.name);
        }
        assert!((contrast("#ffffff", "#000000") - 21.0).abs() < 0.01);
    }

    #[test]
    fn stored_names_choose_swatches_and_unknown_ones_keep_the_house_colour() {
        let palette = Palette::from_names([
            Some("pink".into()),
            None,
            Some("magenta".into()),
            Some("grey".into()),
        ]);
        assert_eq!(palette.class_for("strip-int-day"), "swatch-pink");
        assert_eq!(palette.class_for("strip-ext-day"), "swatch-yellow");
        assert_eq!(palette.class_for("strip-int-night"), "swatch-blue");
        assert_eq!(palette.class_for("strip-ext-night"), "swatch-grey");
    }
}
