use super::*;

fn sample() -> Breakdown {
    Breakdown {
        kinds: vec![
            IntimacyKind::SimulatedSex,
            IntimacyKind::Kiss,
            IntimacyKind::Nudity,
        ],
        performers: vec![
            PerformerPart {
                cast_member_id: 7,
                nudity: NudityLevel::PartialUpper,
                shown: vec![BodyArea::UpperBack, BodyArea::Breasts],
                touched: vec![BodyArea::Neck, BodyArea::Face],
                touching: vec![BodyArea::Hands],
                acts: vec![
                    "Kiss on the mouth".into(),
                    "  ".into(),
                    "Straddles B".into(),
                ],
                garments: String::new(),
            },
            PerformerPart {
                cast_member_id: 3,
                nudity: NudityLevel::Implied,
                shown: vec![],
                touched: vec![BodyArea::Chest],
                touching: vec![BodyArea::Neck, BodyArea::Hands],
                acts: vec!["Lies under A".into()],
                garments: String::new(),
            },
        ],
        garments: "Modesty patch for B\r\nBarrier cushion  ".into(),
        stills_allowed: false,
        closed_set: vec!["Sam Lee".into(), "Ana Ruiz".into(), "Director Jo".into()],
        monitor_list: vec!["Director Jo".into()],
    }
}

fn reordered() -> Breakdown {
    let mut b = sample();
    b.kinds.reverse();
    b.kinds.push(IntimacyKind::Kiss);
    b.performers.reverse();
    b.performers[1].shown.reverse();
    b.performers[1].acts = vec![" Straddles   B ".into(), "Kiss on the mouth".into()];
    b.performers[0].touching.reverse();
    b.garments = "  Modesty patch for B   \nBarrier cushion\n".into();
    b.closed_set = vec![
        " Director Jo".into(),
        "Sam Lee ".into(),
        "Ana Ruiz".into(),
        "ana ruiz".into(),
    ];
    b.monitor_list = vec!["director jo".into(), "Director Jo".into()];
    b
}

#[test]
fn hash_is_stable_under_reordering_and_whitespace() {
    let a = sample();
    let b = reordered();
    assert_eq!(a.canonical(), b.canonical());
    assert_eq!(a.content_hash(), b.content_hash());
    assert_eq!(a.content_hash().len(), 64);
    assert!(
        a.content_hash()
            .bytes()
            .all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
    );
    assert!(diff(&a, &b, |id| format!("Cast id {id}")).is_empty());
}

#[test]
fn canonical_form_is_sorted_and_tidy() {
    let canonical = sample().canonical();
    assert!(canonical.starts_with(
        r#"{"kinds":["kiss","nudity","simulated_sex"],"performers":[{"cast_member_id":3,"#
    ));
    assert!(canonical.contains(r#""acts":["Kiss on the mouth","Straddles B"]"#));
    assert!(canonical.contains(r#""garments":"Modesty patch for B\nBarrier cushion""#));
    assert!(canonical.contains(r#""closed_set":["Ana Ruiz","Director Jo","Sam Lee"]"#));
}

#[test]
fn hash_changes_on_any_content_change() {
    let base = sample().content_hash();
    let changes: Vec<fn(&mut Breakdown)> = vec![
        |b| b.kinds.push(IntimacyKind::Striptease),
        |b| b.kinds.retain(|k| *k != IntimacyKind::Kiss),
        |b| b.performers[0].nudity = NudityLevel::FullFrontal,
        |b| b.performers[0].shown.push(BodyArea::Buttocks),
        |b| b.performers[0].touched.push(BodyArea::Thighs),
        |b| b.performers[1].touching.push(BodyArea::Feet),
        |b| b.performers[1].acts.push("Rolls over".into()),
        |b| b.performers[1].acts[0] = "Lies beside A".into(),
        |b| b.performers[1].cast_member_id = 4,
        |b| {
            b.performers.pop();
        },
        |b| b.garments.push_str(" and knee pads"),
        |b| b.stills_allowed = true,
        |b| b.closed_set.push("Kit Moss".into()),
        |b| b.closed_set[0] = "Sam Leigh".into(),
        |b| b.monitor_list.push("Sam Lee".into()),
    ];
    let mut hashes = BTreeSet::new();
    for (i, change) in changes.iter().enumerate() {
        let mut b = sample();
        change(&mut b);
        let hash = b.content_hash();
        assert_ne!(hash, base, "change {i} kept the hash");
        assert!(hashes.insert(hash), "change {i} collided");
    }
}

#[test]
fn a_performers_part_hash_moves_only_with_what_is_asked_of_them() {
    let b = sample();
    let first = b.performers[0].cast_member_id;
    let second = b.performers[1].cast_member_id;
    let before = (b.part_hash(first), b.part_hash(second));
    assert!(before.0.is_some() && before.0 != before.1);
    // Around them: the closed set, the monitors, another performer's part.
    let mut around = b.clone();
    around.closed_set.push("New Grip".into());
    around.monitor_list.clear();
    around.performers[1].acts.push("another act".into());
    assert_eq!(around.part_hash(first), before.0);
    assert_ne!(around.part_hash(second), before.1);
    // Their own part, the kinds, the garments or stills: theirs changes.
    for change in 0..4 {
        let mut theirs = b.clone();
        match change {
            0 => theirs.performers[0].acts.push("a new act".into()),
            1 => theirs.kinds.retain(|k| *k != IntimacyKind::Kiss),
            2 => theirs.garments.push_str("\nA robe"),
            _ => theirs.stills_allowed = !theirs.stills_allowed,
        }
        assert_ne!(theirs.part_hash(first), before.0, "change {change}");
    }
    assert_eq!(b.part_hash(999_999), None);
}

#[test]
fn a_sample_breakdown_is_whole() {
    assert_eq!(sample().validate(), Ok(()));
}

#[test]
fn other_validation_rules() {
    let mut b = sample();
    b.performers[1].cast_member_id = 7;
    let errors = b.validate().unwrap_err();
    assert_eq!(errors[0].0, "performers");

    let mut b = sample();
    b.kinds.retain(|k| *k != IntimacyKind::Nudity);
    assert_eq!(b.validate().unwrap_err()[0].0, "kinds");

    let mut b = sample();
    for p in &mut b.performers {
        p.nudity = NudityLevel::None;
    }
    assert_eq!(b.validate().unwrap_err()[0].0, "kinds");
}

#[test]
fn diff_lines() {
    let old = sample();
    let mut new = sample();
    new.kinds.push(IntimacyKind::Striptease);
    new.kinds.retain(|k| *k != IntimacyKind::Kiss);
    new.performers[1].nudity = NudityLevel::FullFrontal;
    new.performers[0].acts.push("Unbuttons shirt".into());
    new.performers[0].acts.retain(|a| a != "Straddles B");
    new.performers[0].shown.push(BodyArea::Buttocks);
    new.performers.push(PerformerPart {
        cast_member_id: 9,
        nudity: NudityLevel::None,
        shown: vec![],
        touched: vec![],
        touching: vec![BodyArea::Hands],
        acts: vec!["Holds the door".into()],
        garments: String::new(),
    });
    new.stills_allowed = true;
    new.closed_set.push("Kit Moss".into());
    new.closed_set.retain(|n| n != "Ana Ruiz");
    new.garments = "Modesty patch for B".into();
    let lines = diff(&old, &new, |id| format!("Cast id {id}"));
    assert_eq!(
        lines,
        [
            "Added kind: Striptease",
            "Removed kind: Kiss",
            "Cast id 3 nudity: Implied → Full frontal",
            "Cast id 7: added shown: Buttocks",
            "Cast id 7: added act “Unbuttons shirt”",
            "Cast id 7: removed act “Straddles B”",
            "Added Cast id 9 (nudity: None)",
            "Cast id 9: added act “Holds the door”",
            "Cast id 9: added touching: Hands",
            "Shared garments and barriers: “Modesty patch for B\nBarrier cushion” → “Modesty patch for B”",
            "Stills: not allowed → allowed",
            "Closed set: added Kit Moss",
            "Closed set: removed Ana Ruiz",
        ]
    );
    let removed = diff(&new, &old, |id| format!("#{id}"));
    assert!(removed.contains(&"Removed #9".to_string()));
    assert!(removed.contains(&"Stills: allowed → not allowed".to_string()));
}

/// A version saved before parts had their own garments, exactly as stored then.
const SAVED_BEFORE_PART_GARMENTS: &str = r#"{"kinds":["kiss","nudity"],"performers":[{"cast_member_id":3,"nudity":"implied","shown":[],"touched":["chest"],"touching":["hands"],"acts":["Lies under A"]},{"cast_member_id":7,"nudity":"partial_upper","shown":["breasts","upper_back"],"touched":["face"],"touching":[],"acts":["Kiss on the mouth"]}],"garments":"Barrier cushion","stills_allowed":false,"closed_set":["Ana Ruiz","Sam Lee"],"monitor_list":["Sam Lee"]}"#;

#[test]
fn a_version_saved_before_part_garments_keeps_its_canonical_form_and_hash() {
    let old = read_breakdown(SAVED_BEFORE_PART_GARMENTS);
    assert_eq!(old.performers.len(), 2, "the old version reads whole");
    assert!(old.performers.iter().all(|p| p.garments.is_empty()));
    assert_eq!(old.canonical(), SAVED_BEFORE_PART_GARMENTS);
    // sha256 of the stored text, computed outside this code.
    assert_eq!(
        old.content_hash(),
        "462f2ed6077905635592037f539c469bb61de3a286e4d58236015d81f8df45e1"
    );
    // Giving one performer garments changes the whole hash and only their part hash.
    let mut new = old.clone();
    new.performers[1].garments = "Nude strapless bra cover\nRobe between takes".into();
    assert_ne!(new.content_hash(), old.content_hash());
    assert_ne!(new.part_hash(7), old.part_hash(7));
    assert_eq!(new.part_hash(3), old.part_hash(3));
    assert!(
        new.canonical()
            .contains(r#""garments":"Nude strapless bra cover\nRobe between takes"}"#)
    );
}

#[test]
fn part_garments_keep_their_lines_and_ignore_trailing_space() {
    let mut a = sample();
    a.performers[0].garments = "  Nude bra cover  \r\nRobe\n\n".into();
    let mut b = sample();
    b.performers[0].garments = "Nude bra cover\nRobe".into();
    assert_eq!(a.content_hash(), b.content_hash());
    let part = &a.normalised().performers[1];
    assert_eq!(part.cast_member_id, 7);
    assert_eq!(part.garments, "Nude bra cover\nRobe");
}

#[test]
fn a_garment_change_is_a_change_line_for_that_performer() {
    let old = sample();
    let mut new = sample();
    new.performers[0].garments = "Nude bra cover".into();
    let lines = diff(&old, &new, |id| format!("#{id}"));
    assert_eq!(lines, ["#7: garments and barriers “” → “Nude bra cover”"]);
}
