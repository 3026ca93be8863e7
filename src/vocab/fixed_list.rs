//! The fixed lists of the domain (body areas, kinds of intimacy, headings, revision colours):
//! one macro gives each its database values, words in each language, English labels, serde form and lenient parsing.

/// A value that is none of a fixed list's; shown next to a select field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("“{value}” is not a known {what}. Choose one from the list.")]
pub struct UnknownValue {
    /// What was being chosen, e.g. "time of day".
    pub what: &'static str,
    /// The text received.
    pub value: String,
}

/// Declares a fixed list with database values (also the serde form), labels and lenient parsing.
macro_rules! fixed_list {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal, $family:literal {
            $( $(#[$vmeta:meta])* $variant:ident => $db:literal, $label:literal $(, $alias:literal)* ; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $db)] $variant, )+
        }

        impl $name {
            /// Every value, in the order a form lists them.
            pub const fn all() -> &'static [$name] {
                &[$($name::$variant),+]
            }

            /// The lower-case database value.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $db,)+
                }
            }

            /// The English text, which parsing also accepts (a script says "INT.").
            pub const fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label,)+
                }
            }

            /// The prefix of the messages that word each value (`<family>-<value>`).
            pub const FAMILY: &'static str = $family;

            /// The text people read, in `lang`.
            pub fn word(self, lang: crate::i18n::Lang) -> String {
                lang.t_of($family, self.as_str())
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.label())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = UnknownValue;

            /// Accepts the database value, the label or a script spelling, ignoring case.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let text = s.trim();
                $(
                    if text.eq_ignore_ascii_case($db)
                        || text.eq_ignore_ascii_case($label)
                        $(|| text.eq_ignore_ascii_case($alias))*
                    {
                        return Ok($name::$variant);
                    }
                )+
                Err(UnknownValue { what: $what, value: text.to_string() })
            }
        }
    };
}

pub(crate) use fixed_list;
