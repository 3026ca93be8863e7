//! Every sentence a rider says, in one table: the document is built from these phrases only, so
//! a rider can later be rendered per language from message files, one message per variant.
//! Clinical, desexualised words (DOMAIN §2), addressed to the performer ("You will …").

use crate::vocab::body::NudityLevel;

/// One thing a rider says, with what it names. Values are already on one line.
#[derive(Clone, Debug)]
pub enum Phrase<'a> {
    Title {
        production: &'a str,
    },
    /// Who the agreement is between, with the character when there is one.
    WhatThisIs {
        performer: &'a str,
        cast_number: i32,
        character: &'a str,
    },
    HowItWorks,
    SceneHeading {
        number: &'a str,
        heading: &'a str,
    },
    SceneVersion {
        version: i32,
        short_hash: &'a str,
    },
    Nudity(NudityLevel),
    ShownLead,
    NothingShown,
    TouchedLead,
    NotTouched,
    TouchingLead,
    NotTouching,
    ActsLead,
    NoActs,
    OwnGarmentsLead,
    SharedGarmentsLead,
    NoGarments,
    ClosedSetLead,
    NoClosedSet,
    FootageHeading,
    FootageLead,
    InPicture(bool),
    Trailers(bool),
    Stills(bool),
    Double(bool),
    RightsHeading,
    RightsLead,
    RightWithdraw,
    RightNoReason,
    RightMoreNeedsNewRider,
    RightNotice {
        hours: i32,
    },
}

/// The phrase in English.
pub fn english(phrase: &Phrase<'_>) -> String {
    match phrase {
        Phrase::Title { production } => format!("Your intimacy rider — {production}"),
        Phrase::WhatThisIs {
            performer,
            cast_number,
            character,
        } => {
            let playing = if character.is_empty() {
                String::new()
            } else {
                format!(", playing {character}")
            };
            format!(
                "This is the written agreement between you, {performer} (cast #{cast_number}{playing}), \
                 and the production. It says, scene by scene, what you will and will not be asked to do."
            )
        }
        Phrase::HowItWorks => "You agree only to what is written here, and only once you sign it. \
             Nothing else can be asked of you on the day."
            .to_string(),
        Phrase::SceneHeading { number, heading } => format!("Scene {number} — {heading}"),
        Phrase::SceneVersion {
            version,
            short_hash,
        } => format!("As in version {version} of the scene's breakdown ({short_hash})."),
        Phrase::Nudity(level) => match level {
            NudityLevel::None => "You will not be nude.",
            NudityLevel::Implied => {
                "Your nudity will be implied only: you will not be seen unclothed."
            }
            NudityLevel::PartialUpper => {
                "You will be partly nude: your upper body, including your breasts, will be seen."
            }
            NudityLevel::PartialLower => {
                "You will be partly nude: your lower body, including your buttocks, will be seen from behind."
            }
            NudityLevel::FullRear => "You will be fully nude, seen from behind only.",
            NudityLevel::FullFrontal => {
                "You will be fully nude, seen from the front, including your genitals."
            }
        }
        .to_string(),
        Phrase::ShownLead => "These areas of your body will be shown on camera:".to_string(),
        Phrase::NothingShown => "No area of your body will be shown on camera.".to_string(),
        Phrase::TouchedLead => "You will be touched by another performer on:".to_string(),
        Phrase::NotTouched => "You will not be touched by another performer.".to_string(),
        Phrase::TouchingLead => {
            "You will touch another performer with these areas of your body:".to_string()
        }
        Phrase::NotTouching => "You will not touch another performer.".to_string(),
        Phrase::ActsLead => "You will be asked to simulate these acts, and only these:".to_string(),
        Phrase::NoActs => "You will not be asked to simulate any act.".to_string(),
        Phrase::OwnGarmentsLead => "Your modesty garments and barriers:".to_string(),
        Phrase::SharedGarmentsLead => "Shared by everyone in the scene:".to_string(),
        Phrase::NoGarments => "No modesty garments or barriers are listed.".to_string(),
        Phrase::ClosedSetLead => "The closed set is only these people:".to_string(),
        Phrase::NoClosedSet => "Nobody is named on the closed set yet.".to_string(),
        Phrase::FootageHeading => "How the footage may be used".to_string(),
        Phrase::FootageLead => "Footage of you in these scenes:".to_string(),
        Phrase::InPicture(true) => "may be used in the picture".to_string(),
        Phrase::InPicture(false) => "will not be used in the picture".to_string(),
        Phrase::Trailers(true) => "may be used in trailers and marketing".to_string(),
        Phrase::Trailers(false) => "will not be used in trailers or marketing".to_string(),
        Phrase::Stills(true) => "may be used in stills".to_string(),
        Phrase::Stills(false) => "will not be used in stills".to_string(),
        Phrase::Double(true) => "A double may stand in for you.".to_string(),
        Phrase::Double(false) => "No double will stand in for you.".to_string(),
        Phrase::RightsHeading => "Your rights".to_string(),
        Phrase::RightsLead => "Whatever this rider says:".to_string(),
        Phrase::RightWithdraw => {
            "You may withdraw your consent at any time before a scene is shot.".to_string()
        }
        Phrase::RightNoReason => "You do not have to give a reason.".to_string(),
        Phrase::RightMoreNeedsNewRider => {
            "Anything more than this rider describes needs a new rider and your new signature."
                .to_string()
        }
        Phrase::RightNotice { hours } => format!(
            "This rider must reach you at least {hours} hours before the call time of the shoot day."
        ),
    }
}
