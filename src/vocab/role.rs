//! The four roles a person can hold in a production (DOMAIN §2).

use serde::Deserialize;

/// A person's role in one production.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type, Deserialize, serde::Serialize)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Producer,
    Coordinator,
    Director,
    Performer,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Producer,
        Role::Coordinator,
        Role::Director,
        Role::Performer,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Producer => "producer",
            Role::Coordinator => "coordinator",
            Role::Director => "director",
            Role::Performer => "performer",
        }
    }

    /// The role as people read it, in `lang`.
    pub fn word(&self, lang: crate::i18n::Lang) -> String {
        lang.t_of("role", self.as_str())
    }

    pub fn label(&self) -> &'static str {
        match self {
            Role::Producer => "Producer",
            Role::Coordinator => "Intimacy coordinator",
            Role::Director => "Director / 1st AD",
            Role::Performer => "Performer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}
