use super::*;
use crate::vocab::body::{BodyArea, NudityLevel};
use crate::vocab::breakdown::empty_breakdown;

fn part(id: i64, garments: &str) -> PerformerPart {
    PerformerPart {
        cast_member_id: id,
        nudity: NudityLevel::PartialUpper,
        shown: vec![BodyArea::UpperBack, BodyArea::Breasts],
        touched: vec![BodyArea::Shoulders],
        touching: vec![],
        acts: vec!["Lie together under a sheet".into()],
        garments: garments.into(),
    }
}

const HASH: &str = "3f2a9c0d1e2b3f2a9c0d1e2b3f2a9c0d1e2b3f2a9c0d1e2b3f2a9c0d1e2b3f2a";

fn content<'a>(part: &'a PerformerPart, shared: &'a str, closed: &'a [String]) -> RiderContent<'a> {
    RiderContent {
        production_title: "Night Swim",
        performer_name: "Alex Rivera",
        cast_number: 1,
        character: "Marion",
        scenes: vec![RiderScene {
            number: "5A",
            heading: "INT. LAKE HOUSE — NIGHT",
            version: 2,
            content_hash: HASH,
            part,
            shared_garments: shared,
            closed_set: closed,
        }],
        uses: Uses {
            in_picture: true,
            trailers: false,
            stills: false,
        },
        double_allowed: false,
        notice_hours: 48,
    }
}

#[test]
fn the_text_speaks_to_the_performer_scene_by_scene() {
    let p = part(1, "Flesh-tone strapless bra cover\nRobe between takes");
    let closed = vec!["Dana Okafor".to_string(), "Morgan Ellis".to_string()];
    let text = render(&content(&p, "Barrier cushion", &closed));
    assert!(
        text.starts_with("Your intimacy rider — Night Swim\n================================\n\n")
    );
    assert!(
        text.contains("between you, Alex Rivera (cast #1, playing Marion), and the production")
    );
    assert!(
        text.contains(
            "\n\nScene 5A — INT. LAKE HOUSE — NIGHT\n----------------------------------\n"
        )
    );
    assert!(text.contains("As in version 2 of the scene's breakdown (3f2a9c0d1e2b)."));
    assert!(text.contains(
        "\nYou will be partly nude: your upper body, including your breasts, will be seen.\n"
    ));
    assert!(
        text.contains(
            "These areas of your body will be shown on camera:\n- Breasts\n- Upper back\n"
        )
    );
    assert!(text.contains("You will be touched by another performer on:\n- Shoulders\n"));
    assert!(text.contains("\nYou will not touch another performer.\n"));
    assert!(text.contains(
        "You will be asked to simulate these acts, and only these:\n- Lie together under a sheet\n"
    ));
    assert!(text.contains(
        "Your modesty garments and barriers:\n- Flesh-tone strapless bra cover\n- Robe between takes\n"
    ));
    assert!(text.contains("Shared by everyone in the scene:\n- Barrier cushion\n"));
    assert!(text.contains("The closed set is only these people:\n- Dana Okafor\n- Morgan Ellis\n"));
    assert!(text.contains("- will not be used in trailers or marketing\n"));
    assert!(text.contains("\nNo double will stand in for you.\n"));
    assert!(text.contains("- You may withdraw your consent at any time before a scene is shot.\n"));
    assert!(text.contains("- You do not have to give a reason.\n"));
    assert!(text.contains("needs a new rider and your new signature"));
    assert!(text.contains("at least 48 hours before the call time"));
    // Nothing in the third person, nothing from the old form.
    for old in [
        "INTIMACY RIDER",
        "Performer:",
        "Body areas shown",
        ": yes",
        ": no\n",
    ] {
        assert!(!text.contains(old), "still says {old:?}");
    }
}

#[test]
fn the_text_is_deterministic_and_hashes_stably() {
    let p = part(1, "Robe");
    let closed = vec!["Dana Okafor".to_string()];
    let a = render(&content(&p, "", &closed));
    let mut reordered = p.clone();
    reordered.shown.reverse();
    let b = render(&content(&reordered, "", &closed));
    assert_eq!(a, b);
    assert_eq!(text_hash(&a), text_hash(&b));
    assert_eq!(text_hash(&a).len(), 64);
    assert!(a.ends_with("shoot day.\n") && !a.contains('\r') && !a.contains("\n\n\n"));
}

#[test]
fn a_rider_lists_its_performers_garments_and_the_shared_ones_never_anothers() {
    let mut breakdown = empty_breakdown();
    breakdown.performers = vec![part(1, "Nude strapless bra"), part(2, "Modesty pouch")];
    breakdown.garments = "Barrier cushion".into();
    assert_eq!(own_garments(&breakdown, 1), "Nude strapless bra");
    assert_eq!(own_garments(&breakdown, 3), "");
    let first = part(1, own_garments(&breakdown, 1));
    let closed = Vec::new();
    let text = render(&content(&first, &breakdown.garments, &closed));
    assert!(text.contains("- Nude strapless bra\n"));
    assert!(text.contains("- Barrier cushion\n"));
    assert!(!text.contains("Modesty pouch"));
    assert!(text.contains("\nNobody is named on the closed set yet.\n"));

    let bare = part(1, "");
    let text = render(&content(&bare, "", &closed));
    assert!(text.contains("\nNo modesty garments or barriers are listed.\n"));
    assert!(!text.contains("Your modesty garments and barriers:"));
}

#[test]
fn the_reading_view_is_parsed_back_from_the_exact_text() {
    let p = part(1, "Robe\n\n  \nBra cover");
    let closed = vec!["Dana Okafor".to_string()];
    let c = content(&p, "Barrier cushion", &closed);
    let text = render(&c);
    let Reading::Document(doc) = Reading::of(&text) else {
        panic!("the new form reads as a document");
    };
    assert_eq!(doc, document(&c));
    assert_eq!(doc.text(), text);
    assert!(matches!(&doc.blocks[0], Block::Title(t) if t == "Your intimacy rider — Night Swim"));
    assert!(
        doc.blocks
            .iter()
            .any(|b| matches!(b, Block::Heading(h) if h == "Your rights"))
    );
    assert!(
        doc.blocks
            .iter()
            .any(|b| matches!(b, Block::List(l) if l.items == ["Robe", "Bra cover"]))
    );
}

#[test]
fn typed_text_cannot_forge_structure() {
    let mut p = part(1, "- Robe\n===");
    p.acts = vec!["Kiss\n\nYour rights\n-----------".into()];
    let closed = vec!["Dana\nOkafor".to_string()];
    let mut c = content(&p, "", &closed);
    c.character = "Marion\n\nNo double will stand in for you.";
    let text = render(&c);
    let Reading::Document(doc) = Reading::of(&text) else {
        panic!("still a document");
    };
    let headings = doc
        .blocks
        .iter()
        .filter(|b| matches!(b, Block::Heading(_)))
        .count();
    assert_eq!(headings, 3, "the scene, the footage and the rights only");
    assert!(text.contains("\n- - Robe\n- ===\n"));
    assert!(text.contains("\n- Kiss Your rights -----------\n"));
    assert!(text.contains("\n- Dana Okafor\n"));
    assert!(text.contains("playing Marion No double will stand in for you.)"));
}

#[test]
fn an_old_plain_text_rider_reads_as_it_is() {
    let old = "INTIMACY RIDER\nProduction: Night Swim\nPerformer: Alex Rivera (cast #1)\n\n\
               Scene 5A — INT. LAKE HOUSE — NIGHT (breakdown version 2, 3f2a9c0d1e2b)\n  Nudity: None\n";
    assert_eq!(Reading::of(old), Reading::Plain(old.to_string()));
    // A text that merely looks close (no final line break) is shown as it is too.
    let p = part(1, "");
    let closed = Vec::new();
    let text = render(&content(&p, "", &closed));
    let cut = text.trim_end();
    assert_eq!(Reading::of(cut), Reading::Plain(cut.to_string()));
}
