//! Script import (issue #15): the Fountain and Final Draft samples read into scenes as a
//! coordinator would check them; nothing saved before confirming and all of it after; a Pink
//! revision that changes one flagged scene asks for exactly that review; malformed files get a
//! clear message and save nothing.

use closedset::vocab::body::{IntimacyKind, NudityLevel};
use closedset::vocab::breakdown::{Breakdown, PerformerPart};
use reqwest::StatusCode;

use crate::support::{Client, TestApp, build};

const WHITE: &[u8] = include_bytes!("../fixtures/scripts/still_water.fountain");
const PINK: &[u8] = include_bytes!("../fixtures/scripts/still_water_pink.fountain");
const FDX: &[u8] = include_bytes!("../fixtures/scripts/still_water.fdx");

struct Film {
    app: TestApp,
    production: i64,
    mara: i64,
    theo: i64,
}

/// A production with a coordinator, a performer account and two cast members.
async fn film() -> Film {
    let app = TestApp::spawn().await;
    let pat = app.user("pat@example.test", "Pat Producer").await;
    let production = app.production("Still Water", pat).await;
    let cory = app.user("cory@example.test", "Cory Coordinator").await;
    app.add_member(production, cory, "coordinator").await;
    let alex = app.user("alex@example.test", "Alex Rivera").await;
    app.add_member(production, alex, "performer").await;
    let mara = build::cast(&app, production, 1, "Alex Rivera")
        .playing("Mara")
        .linked_to(alex)
        .await;
    let theo = build::cast(&app, production, 2, "Sam Lindqvist")
        .playing("Theo Brandt")
        .await;
    Film {
        app,
        production,
        mara,
        theo,
    }
}

impl Film {
    fn path(&self, rest: &str) -> String {
        format!("/productions/{}{rest}", self.production)
    }

    async fn count(&self, table: &str) -> i64 {
        self.app.rows_of(table, self.production).await
    }

    /// Uploads a file; returns the page (a redirect to the preview when it was read).
    async fn upload(
        &self,
        client: &mut Client,
        name: &str,
        bytes: &[u8],
        colour: &str,
    ) -> crate::support::Page {
        client
            .upload(
                &self.path("/scenes/import"),
                &[("colour", colour), ("revised_on", "2026-03-01")],
                name,
                bytes,
                true,
            )
            .await
    }

    /// Uploads and confirms a draft; returns the preview's body.
    async fn import(&self, client: &mut Client, name: &str, bytes: &[u8], colour: &str) -> String {
        let page = self.upload(client, name, bytes, colour).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let preview_path = page.location().to_string();
        let preview = client.get(&preview_path).await;
        assert_eq!(preview.status, StatusCode::OK);
        let saved = client.post(&preview_path, &[]).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        assert_eq!(saved.location(), self.path("/scenes"));
        preview.body
    }

    async fn scene_id(&self, number: &str) -> i64 {
        sqlx::query_scalar("select scene_id from scene where production_id = $1 and number = $2")
            .bind(self.production)
            .bind(number)
            .fetch_one(&self.app.pool)
            .await
            .unwrap()
    }
}

/// What the coordinator checks by eye on the saved scenes: number, heading parts, eighths,
/// omitted, colour, cast numbers.
async fn saved_scenes(
    f: &Film,
) -> Vec<(String, String, String, String, i32, bool, String, Vec<i32>)> {
    sqlx::query_as(
        "select s.number, s.int_ext, s.set_name, s.time_of_day, s.eighths, s.omitted,
                s.revision_colour,
                array(select c.cast_number from scene_cast sc join cast_member c using (cast_member_id)
                      where sc.scene_id = s.scene_id order by c.cast_number)
         from scene s where s.production_id = $1 order by s.sort_key collate \"C\"",
    )
    .bind(f.production)
    .fetch_all(&f.app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_fountain_script_is_previewed_then_saved_whole() {
    let f = film().await;
    let mut cory = f.app.signed_in("cory@example.test").await;
    let form = cory.get(&f.path("/scenes/import")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("enctype=\"multipart/form-data\""));

    let page = f
        .upload(&mut cory, "still_water.fountain", WHITE, "white")
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    // Read and shown, not saved.
    assert_eq!(f.count("scene").await, 0);
    let preview = cory.get(page.location()).await;
    assert_eq!(preview.status, StatusCode::OK);
    for expected in [
        "INT. LAKE HOUSE BEDROOM – NIGHT",
        "EXT. JETTY – DUSK",
        "12A",
        "OMITTED",
        "The heading says CONTINUOUS: read as DAY.",
        "MARA (#1 Alex Rivera)",
        "THEO (#2 Sam Lindqvist)",
        "WAITER <em>(not on the cast list)</em>",
        "Suggested for a breakdown — you decide",
        "(mentions kiss, undress, unbutton)",
        "(mentions topless)",
        "6 new, 0 changed",
    ] {
        assert!(
            preview.body.contains(expected),
            "{expected}\n{}",
            preview.body
        );
    }

    let saved = cory.post(page.location(), &[]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let scenes = saved_scenes(&f).await;
    let numbers: Vec<&str> = scenes.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(numbers, ["10", "11", "12", "12A", "13", "14"]);
    let twelve = &scenes[2];
    assert_eq!(
        (twelve.1.as_str(), twelve.2.as_str(), twelve.3.as_str()),
        ("int", "LAKE HOUSE BEDROOM", "night")
    );
    assert_eq!(twelve.7, [1]);
    assert_eq!(scenes[0].7, [1, 2]);
    assert!(scenes[4].5, "13 is omitted and keeps its number");
    assert!(scenes.iter().all(|s| s.6 == "white" && s.4 >= 1));
    // The script's own page break ends page one after scene 11: 10 and 11 share its 8 eighths.
    assert_eq!(scenes[0].4 + scenes[1].4, 8, "{scenes:?}");

    let list = cory.get(&f.path("/scenes")).await;
    assert!(list.body.contains("INT. LAKE HOUSE BEDROOM – NIGHT"));
    let synopsis: String = sqlx::query_scalar("select synopsis from scene where scene_id = $1")
        .bind(f.scene_id("12").await)
        .fetch_one(&f.app.pool)
        .await
        .unwrap();
    assert_eq!(synopsis, "Mara and Theo undress and kiss on the bed.");
    // The same draft confirmed twice saves once.
    let again = cory.post(page.location(), &[]).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(f.count("scene").await, 6);
    assert_eq!(f.count("script_revision").await, 1);
}

#[tokio::test]
async fn a_final_draft_script_reads_as_the_fountain_one_with_its_own_lengths() {
    let f = film().await;
    let mut cory = f.app.signed_in("cory@example.test").await;
    f.import(&mut cory, "still_water.fdx", FDX, "white").await;
    let scenes = saved_scenes(&f).await;
    let summary: Vec<(&str, i32, bool)> = scenes.iter().map(|s| (s.0.as_str(), s.4, s.5)).collect();
    assert_eq!(
        summary,
        [
            ("10", 2, false),
            ("11", 2, false),
            ("12", 9, false),
            ("12A", summary[3].1, false),
            ("13", 1, true),
            ("14", 3, false)
        ]
    );
    assert_eq!(scenes[2].7, [1]);
    assert_eq!(scenes[5].7, [2]);
    let synopsis: String = sqlx::query_scalar("select synopsis from scene where scene_id = $1")
        .bind(f.scene_id("10").await)
        .fetch_one(&f.app.pool)
        .await
        .unwrap();
    assert_eq!(synopsis, "Mara and Theo arrive at the house.");
}

fn nudity(cast: &[i64]) -> Breakdown {
    Breakdown {
        kinds: vec![IntimacyKind::Nudity],
        performers: cast
            .iter()
            .map(|&cast_member_id| PerformerPart {
                cast_member_id,
                nudity: NudityLevel::PartialUpper,
                shown: vec![],
                touched: vec![],
                touching: vec![],
                acts: vec!["Lying side by side".into()],
                garments: String::new(),
            })
            .collect(),
        garments: String::new(),
        stills_allowed: false,
        closed_set: vec![],
        monitor_list: vec![],
    }
}

#[tokio::test]
async fn a_pink_revision_changing_one_flagged_scene_asks_for_exactly_that_review() {
    let f = film().await;
    let mut cory = f.app.signed_in("cory@example.test").await;
    f.import(&mut cory, "still_water.fountain", WHITE, "white")
        .await;
    let twelve = f.scene_id("12").await;
    let fourteen = f.scene_id("14").await;
    build::breakdown(
        &f.app,
        f.production,
        twelve,
        &nudity(&[f.mara, f.theo]),
        None,
    )
    .await;
    build::breakdown(&f.app, f.production, fourteen, &nudity(&[f.mara]), None).await;
    let versions_before = f.count("scene_version").await;

    // The upload form offers the next colour after White.
    let form = cory.get(&f.path("/scenes/import")).await;
    assert!(
        form.body.contains("<option value=\"blue\" selected>"),
        "{}",
        form.body
    );
    let page = f
        .upload(&mut cory, "still_water_pink.fountain", PINK, "pink")
        .await;
    let preview = cory.get(page.location()).await;
    assert!(
        preview
            .body
            .contains("0 new, 1 changed, 0 newly omitted, 5 unchanged"),
        "{}",
        preview.body
    );
    assert_eq!(
        preview
            .body
            .matches("<br><strong class=\"status-blocked\">Review the breakdown")
            .count(),
        1
    );
    assert!(preview.body.contains("<span class=\"line-mark\">*</span> They kiss. She lies back on the bed; he lies beside her and rests a hand on her waist."));
    assert!(
        preview
            .body
            .contains("<del>They kiss. She lies back on the bed; he lies beside her.</del>")
    );
    // Nothing changes before the coordinator confirms.
    let colour: String =
        sqlx::query_scalar("select revision_colour from scene where scene_id = $1")
            .bind(twelve)
            .fetch_one(&f.app.pool)
            .await
            .unwrap();
    assert_eq!(colour, "white");

    let saved = cory.post(page.location(), &[]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let review: Vec<(String, String)> = sqlx::query_as(
        "select number, revision_colour from scene
         where production_id = $1 and script_review_revision_id is not null",
    )
    .bind(f.production)
    .fetch_all(&f.app.pool)
    .await
    .unwrap();
    assert_eq!(review, [("12".to_string(), "pink".to_string())]);
    let colours: Vec<String> = saved_scenes(&f).await.into_iter().map(|s| s.6).collect();
    assert_eq!(colours.iter().filter(|c| *c == "pink").count(), 1);
    // A script revision never changes a breakdown by itself.
    assert_eq!(f.count("scene_version").await, versions_before);

    // The coordinator's first page asks for the review; the scene page offers it.
    let queue = cory.get(&f.path("")).await;
    assert!(
        queue
            .body
            .contains("its script changed in the Pink draft of 2026-03-01"),
        "{}",
        queue.body
    );
    assert_eq!(queue.body.matches("its script changed in the").count(), 1);
    let scene_page = cory.get(&f.path(&format!("/scenes/{twelve}"))).await;
    assert!(scene_page.body.contains("The breakdown still holds"));
    assert!(scene_page.body.contains("<dt>Revision</dt><dd>Pink</dd>"));
    let list = cory.get(&f.path("/scenes")).await;
    assert!(list.body.contains("<td data-label=\"Revision\">Pink</td>"));

    // The coordinator says the breakdown still holds: the queue item goes.
    let done = cory
        .post(&f.path(&format!("/scenes/{twelve}/script-review")), &[])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let waiting: i64 = sqlx::query_scalar(
        "select count(*) from scene where production_id = $1 and script_review_revision_id is not null",
    )
    .bind(f.production)
    .fetch_one(&f.app.pool)
    .await
    .unwrap();
    assert_eq!(waiting, 0);
    let queue = cory.get(&f.path("")).await;
    assert!(!queue.body.contains("its script changed in the"));
}

#[tokio::test]
async fn malformed_scripts_get_a_clear_message_and_save_nothing() {
    let f = film().await;
    let mut cory = f.app.signed_in("cory@example.test").await;
    let truncated = &FDX[..FDX.len() / 2];
    let laughs = br#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<FinalDraft><Content><Paragraph Type="Action"><Text>&lol9;</Text></Paragraph></Content></FinalDraft>"#;
    let dtd = br#"<?xml version="1.0"?><!DOCTYPE FinalDraft SYSTEM "http://example.test/fd.dtd"><FinalDraft><Content/></FinalDraft>"#;
    let binary: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 256) as u8).collect();
    let cases: [(&str, &[u8], &str); 6] = [
        ("cut.fdx", truncated, "damaged or cut short"),
        ("laughs.fdx", laughs, "declares a document type (DTD)"),
        ("dtd.fdx", dtd, "declares a document type (DTD)"),
        ("script.pdf", &binary, "This file is not text."),
        ("empty.fountain", b"", "the one sent was empty"),
        (
            "notes.txt",
            b"Call Sam about the lake.\n",
            "No scene headings were found.",
        ),
    ];
    for (name, bytes, message) in cases {
        let page = f.upload(&mut cory, name, bytes, "white").await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}: {}",
            page.body
        );
        assert!(page.body.contains(message), "{name}: {}", page.body);
        assert!(
            page.body
                .contains("class=\"field-error\" id=\"script-error\""),
            "{name}"
        );
        // What was typed is kept.
        assert!(page.body.contains("value=\"2026-03-01\""), "{name}");
    }
    // 20 MB: refused before it is read, as too large.
    let huge = vec![b'a'; 20 * 1024 * 1024];
    let page = f.upload(&mut cory, "huge.fountain", &huge, "white").await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(page.body.contains("a script file may be up to 2 MB"));
    assert_eq!(f.count("script_import").await, 0);
    assert_eq!(f.count("scene").await, 0);
    assert_eq!(f.count("script_revision").await, 0);
}

#[tokio::test]
async fn uploads_need_the_form_token_and_the_right_role() {
    let f = film().await;
    let mut cory = f.app.signed_in("cory@example.test").await;
    let path = f.path("/scenes/import");
    let fields = [("colour", "white"), ("revised_on", "2026-03-01")];
    let forged = cory
        .upload(&path, &fields, "a.fountain", WHITE, false)
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // A NUL in a text field is refused before the handler; in the file, it is the import's
    // own message.
    let nul = cory
        .upload(
            &path,
            &[("colour", "white\0"), ("revised_on", "2026-03-01")],
            "a.fountain",
            WHITE,
            true,
        )
        .await;
    assert_eq!(nul.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bad = cory
        .upload(
            &path,
            &[("colour", "mauve"), ("revised_on", "3026-13-01")],
            "a.fountain",
            WHITE,
            true,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Choose the revision colour"));
    assert!(bad.body.contains("id=\"revised_on-error\""));
    // A malformed multipart body is unreadable, not a server error.
    let token = cory.csrf().await;
    let broken = cory
        .send_multipart(
            &path,
            format!("--x\r\nname=csrf\r\n\r\n{token}").into_bytes(),
        )
        .await;
    assert!(broken.status.is_client_error(), "{}", broken.status);

    // Sent as an ordinary form, without the file: the form again, asking for the file.
    let plain = cory.post(&path, &fields).await;
    assert_eq!(plain.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(plain.body.contains("Choose the script file"));
    // A NUL in the file's name cannot be a header a browser sends: refused, never a 5xx.
    let odd = cory
        .upload(&path, &fields, "still\0water.fountain", WHITE, true)
        .await;
    assert!(odd.status.is_client_error(), "{}", odd.status);
    assert_eq!(f.count("script_import").await, 0);

    let mut alex = f.app.signed_in("alex@example.test").await;
    let page = alex.get(&path).await;
    assert!(page.status.is_client_error());
    let sent = alex.upload(&path, &fields, "a.fountain", WHITE, true).await;
    assert!(sent.status.is_client_error());
    // Another member cannot open or confirm the coordinator's preview.
    let upload = f.upload(&mut cory, "a.fountain", WHITE, "white").await;
    let preview = upload.location().to_string();
    let mut pat = f.app.signed_in("pat@example.test").await;
    assert_eq!(pat.get(&preview).await.status, StatusCode::NOT_FOUND);
    assert_eq!(pat.post(&preview, &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(f.count("scene").await, 0);
}
