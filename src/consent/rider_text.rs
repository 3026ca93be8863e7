//! The exact text of a rider: what the performer reads, signs and can later prove they signed.
//! Rendering is deterministic, so its SHA-256 identifies the text shown.

use sha2::{Digest, Sha256};

use crate::vocab::breakdown::PerformerPart;
use crate::vocab::scope::Uses;

/// One scene a rider covers, at one breakdown version.
#[derive(Clone, Debug)]
pub struct RiderScene<'a> {
    pub number: &'a str,
    pub heading: &'a str,
    pub version: i32,
    pub content_hash: &'a str,
    pub part: &'a PerformerPart,
    pub garments: &'a str,
    pub closed_set: &'a [String],
}

/// Everything the text says.
#[derive(Clone, Debug)]
pub struct RiderContent<'a> {
    pub production_title: &'a str,
    pub performer_name: &'a str,
    pub cast_number: i32,
    pub character: &'a str,
    pub scenes: Vec<RiderScene<'a>>,
    pub uses: Uses,
    pub double_allowed: bool,
    pub notice_hours: i32,
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn list<T: AsRef<str>>(items: &[T]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items
            .iter()
            .map(AsRef::as_ref)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Renders the rider text (plain text, `\n` line ends).
pub fn render(c: &RiderContent<'_>) -> String {
    let mut t = String::new();
    t.push_str("INTIMACY RIDER\n");
    t.push_str(&format!("Production: {}\n", c.production_title));
    t.push_str(&format!(
        "Performer: {} (cast #{})",
        c.performer_name, c.cast_number
    ));
    if !c.character.trim().is_empty() {
        t.push_str(&format!(", playing {}", c.character.trim()));
    }
    t.push('\n');
    for s in &c.scenes {
        let part = s.part.normalised();
        t.push('\n');
        t.push_str(&format!(
            "Scene {} — {} (breakdown version {}, {})\n",
            s.number,
            s.heading,
            s.version,
            &s.content_hash[..s.content_hash.len().min(12)]
        ));
        t.push_str(&format!("  Nudity: {}\n", part.nudity.label()));
        let labels = |areas: &[crate::vocab::body::BodyArea]| {
            list(&areas.iter().map(|a| a.label()).collect::<Vec<_>>())
        };
        t.push_str(&format!("  Body areas shown: {}\n", labels(&part.shown)));
        t.push_str(&format!(
            "  Body areas touched by others: {}\n",
            labels(&part.touched)
        ));
        t.push_str(&format!(
            "  Body areas touching others: {}\n",
            labels(&part.touching)
        ));
        t.push_str("  Simulated acts:\n");
        if part.acts.is_empty() {
            t.push_str("    none\n");
        }
        for act in &part.acts {
            t.push_str(&format!("    - {act}\n"));
        }
        let garments = s.garments.trim();
        t.push_str(&format!(
            "  Modesty garments and barriers: {}\n",
            if garments.is_empty() {
                "none listed"
            } else {
                garments
            }
        ));
        t.push_str(&format!("  Closed set: {}\n", list(s.closed_set)));
    }
    t.push_str("\nFootage use\n");
    t.push_str(&format!(
        "  In the picture: {}\n",
        yes_no(c.uses.in_picture)
    ));
    t.push_str(&format!(
        "  In trailers and marketing: {}\n",
        yes_no(c.uses.trailers)
    ));
    t.push_str(&format!("  In stills: {}\n", yes_no(c.uses.stills)));
    t.push_str(&format!(
        "A double may be used: {}\n",
        yes_no(c.double_allowed)
    ));
    t.push_str(&format!(
        "\nThis rider must reach you at least {} hours before the call time of the shoot day.\n\
         Anything more than it describes needs a new rider and a new signature.\n\
         You may withdraw your consent at any time before the scene is shot, without giving a reason.\n",
        c.notice_hours
    ));
    t
}

/// The SHA-256 of a rider text, lowercase hex.
pub fn text_hash(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::body::{BodyArea, NudityLevel};

    #[test]
    fn the_text_lists_the_scope_and_hashes_stably() {
        let part = PerformerPart {
            cast_member_id: 1,
            nudity: NudityLevel::PartialUpper,
            shown: vec![BodyArea::UpperBack, BodyArea::Breasts],
            touched: vec![BodyArea::Shoulders],
            touching: vec![],
            acts: vec!["Lie together under a sheet".into()],
        };
        let closed = vec!["Dana Okafor".to_string(), "Morgan Ellis".to_string()];
        let content = RiderContent {
            production_title: "Night Swim",
            performer_name: "Alex Rivera",
            cast_number: 1,
            character: "Marion",
            scenes: vec![RiderScene {
                number: "5A",
                heading: "INT. LAKE HOUSE — NIGHT",
                version: 2,
                content_hash: "3f2a9c0d1e2b3f2a9c0d1e2b3f2a9c0d1e2b3f2a9c0d1e2b3f2a9c0d1e2b3f2a",
                part: &part,
                garments: "Flesh-tone strapless bra cover; barrier cushion",
                closed_set: &closed,
            }],
            uses: Uses {
                in_picture: true,
                trailers: false,
                stills: false,
            },
            double_allowed: false,
            notice_hours: 48,
        };
        let text = render(&content);
        assert!(text.contains("Performer: Alex Rivera (cast #1), playing Marion"));
        assert!(
            text.contains("Scene 5A — INT. LAKE HOUSE — NIGHT (breakdown version 2, 3f2a9c0d1e2b)")
        );
        assert!(text.contains("Nudity: Partial upper (breasts)"));
        assert!(
            text.contains("Body areas shown: Upper back, Breasts")
                || text.contains("Body areas shown: Breasts, Upper back")
        );
        assert!(text.contains("    - Lie together under a sheet"));
        assert!(text.contains("In trailers and marketing: no"));
        assert!(text.contains("withdraw your consent at any time"));
        assert_eq!(text_hash(&text), text_hash(&render(&content)));
        assert_eq!(text_hash(&text).len(), 64);
    }
}
