//! The parts of a scene heading and page colour: INT/EXT, time of day, script revision colour.
//! Owns their database values, labels, parsing and the stripboard colour class.

pub use crate::vocab::fixed_list::UnknownValue;
use crate::vocab::fixed_list::fixed_list;

fixed_list! {
    /// Whether a set is interior, exterior or both (`INT/EXT`, a car driving past a window).
    #[derive(PartialOrd, Ord)]
    IntExt, "interior or exterior", "int-ext" {
        /// Interior.
        Int => "int", "INT", "INT.", "I";
        /// Exterior.
        Ext => "ext", "EXT", "EXT.", "E";
        /// Both, in one scene.
        IntExt => "int_ext", "INT/EXT", "INT-EXT", "INT./EXT.", "INT.-EXT.", "I/E", "EXT/INT", "EXT./INT.", "E/I";
    }
}

fixed_list! {
    /// The time of day a scene is set in, as the heading says.
    #[derive(PartialOrd, Ord)]
    TimeOfDay, "time of day", "time-of-day" {
        /// Day.
        Day => "day", "DAY";
        /// Night.
        Night => "night", "NIGHT";
        /// Dawn.
        Dawn => "dawn", "DAWN";
        /// Dusk.
        Dusk => "dusk", "DUSK";
    }
}

fixed_list! {
    /// Script revision page colours in the usual order; after Tan the cycle restarts as "Double".
    #[derive(PartialOrd, Ord)]
    RevisionColour, "revision colour", "revision-colour" {
        /// First issue.
        White => "white", "White";
        /// First revision.
        Blue => "blue", "Blue";
        /// Second revision.
        Pink => "pink", "Pink";
        /// Third revision.
        Yellow => "yellow", "Yellow";
        /// Fourth revision.
        Green => "green", "Green";
        /// Fifth revision.
        Goldenrod => "goldenrod", "Goldenrod";
        /// Sixth revision.
        Buff => "buff", "Buff";
        /// Seventh revision.
        Salmon => "salmon", "Salmon";
        /// Eighth revision.
        Cherry => "cherry", "Cherry";
        /// Ninth revision.
        Tan => "tan", "Tan";
        /// Second cycle: white.
        DoubleWhite => "double_white", "Double White";
        /// Second cycle: blue.
        DoubleBlue => "double_blue", "Double Blue";
        /// Second cycle: pink.
        DoublePink => "double_pink", "Double Pink";
        /// Second cycle: yellow.
        DoubleYellow => "double_yellow", "Double Yellow";
        /// Second cycle: green.
        DoubleGreen => "double_green", "Double Green";
        /// Second cycle: goldenrod.
        DoubleGoldenrod => "double_goldenrod", "Double Goldenrod";
        /// Second cycle: buff.
        DoubleBuff => "double_buff", "Double Buff";
        /// Second cycle: salmon.
        DoubleSalmon => "double_salmon", "Double Salmon";
        /// Second cycle: cherry.
        DoubleCherry => "double_cherry", "Double Cherry";
        /// Second cycle: tan.
        DoubleTan => "double_tan", "Double Tan";
    }
}

impl RevisionColour {
    /// The colour of the next revision, or `None` after Double Tan.
    pub fn next(self) -> Option<RevisionColour> {
        let all = RevisionColour::all();
        let index = all.iter().position(|c| *c == self)?;
        all.get(index + 1).copied()
    }
}

/// The CSS class that colours a scene's strip on the stripboard.
///
/// The conventional colours: INT/DAY white (`strip-int-day`), EXT/DAY yellow (`strip-ext-day`),
/// INT/NIGHT blue (`strip-int-night`), EXT/NIGHT green (`strip-ext-night`). INT/EXT counts as EXT,
/// because the exterior part drives weather, light and unit moves. Dawn and dusk count as night:
/// they are short light windows scheduled with the same care as night work, and stripboards usually
/// mark them apart from ordinary day scenes.
pub fn strip_class(int_ext: IntExt, time_of_day: TimeOfDay) -> &'static str {
    let night = !matches!(time_of_day, TimeOfDay::Day);
    match (int_ext, night) {
        (IntExt::Int, false) => "strip-int-day",
        (IntExt::Int, true) => "strip-int-night",
        (IntExt::Ext | IntExt::IntExt, false) => "strip-ext-day",
        (IntExt::Ext | IntExt::IntExt, true) => "strip-ext-night",
    }
}

#[cfg(test)]
mod tests {
    use std::fmt;
    use std::str::FromStr;

    use super::*;

    #[test]
    fn db_values_round_trip_and_match_serde() {
        fn check<T>(all: &[T], as_str: fn(T) -> &'static str)
        where
            T: Copy + PartialEq + fmt::Debug + FromStr + serde::Serialize,
            T::Err: fmt::Debug,
        {
            for value in all {
                let db = as_str(*value);
                assert_eq!(db.parse::<T>().unwrap(), *value);
                assert_eq!(serde_json::to_string(value).unwrap(), format!("\"{db}\""));
                assert_eq!(db, db.to_lowercase());
            }
        }
        check(IntExt::all(), IntExt::as_str);
        check(TimeOfDay::all(), TimeOfDay::as_str);
        check(RevisionColour::all(), RevisionColour::as_str);
    }

    #[test]
    fn parses_script_spellings() {
        for text in [
            "INT/EXT",
            "int-ext",
            "I/E",
            "INT./EXT.",
            "int_ext",
            "EXT/INT",
        ] {
            assert_eq!(text.parse::<IntExt>().unwrap(), IntExt::IntExt, "{text}");
        }
        assert_eq!("INT.".parse::<IntExt>().unwrap(), IntExt::Int);
        assert_eq!(" ext ".parse::<IntExt>().unwrap(), IntExt::Ext);
        assert_eq!("Night".parse::<TimeOfDay>().unwrap(), TimeOfDay::Night);
        assert_eq!(
            "Double White".parse::<RevisionColour>().unwrap(),
            RevisionColour::DoubleWhite
        );
        let error = "noon".parse::<TimeOfDay>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "“noon” is not a known time of day. Choose one from the list."
        );
    }

    #[test]
    fn revision_colours_follow_the_standard_sequence() {
        let labels: Vec<&str> = RevisionColour::all()[..10]
            .iter()
            .map(|c| c.label())
            .collect();
        assert_eq!(
            labels,
            [
                "White",
                "Blue",
                "Pink",
                "Yellow",
                "Green",
                "Goldenrod",
                "Buff",
                "Salmon",
                "Cherry",
                "Tan"
            ]
        );
        assert_eq!(RevisionColour::White.next(), Some(RevisionColour::Blue));
        assert_eq!(
            RevisionColour::Tan.next(),
            Some(RevisionColour::DoubleWhite)
        );
        assert_eq!(RevisionColour::DoubleTan.next(), None);
        assert!(RevisionColour::Pink < RevisionColour::Yellow);
    }

    #[test]
    fn strip_colours() {
        use TimeOfDay::*;
        assert_eq!(strip_class(IntExt::Int, Day), "strip-int-day");
        assert_eq!(strip_class(IntExt::Ext, Day), "strip-ext-day");
        assert_eq!(strip_class(IntExt::Int, Night), "strip-int-night");
        assert_eq!(strip_class(IntExt::Ext, Night), "strip-ext-night");
        assert_eq!(strip_class(IntExt::IntExt, Day), "strip-ext-day");
        assert_eq!(strip_class(IntExt::Int, Dawn), "strip-int-night");
        assert_eq!(strip_class(IntExt::Ext, Dusk), "strip-ext-night");
        assert_eq!(IntExt::IntExt.label(), "INT/EXT");
    }
}
