//! The fuzz test's machinery: the malformed values, a visitor's session, sending a request
//! and judging the answer, staging the demo, and scanning the database for stored values
//! outside their range.

use std::collections::HashSet;

use closedset::consent::riders::lifecycle::{self, Terms};
use closedset::vocab::scope::Uses;

use super::crawl;
use super::raw::{self, Reply};
use super::{TestApp, build, urlencode};

/// A value typed into a field, or a field left out or sent twice.
#[derive(Clone, Copy, Debug)]
pub enum Mutation {
    Value(&'static str),
    Long,
    Missing,
    Duplicated,
    /// Percent-encoded bytes that are not UTF-8, sent as they are.
    NotUtf8,
}

pub const NUL: &str = "a\0b";
/// Typed with combining accents; kept in NFC it reads "Zoé Müller".
const DECOMPOSED: &str = "Zoe\u{301} Mu\u{308}ller";
const PADDED: &str = "  padded  ";

pub const MUTATIONS: [Mutation; 16] = [
    Mutation::Value(NUL),
    Mutation::Value("bell\u{7}tab\u{1b}"),
    Mutation::Long,
    Mutation::Value(DECOMPOSED),
    Mutation::Value(PADDED),
    Mutation::Value("abc"),
    Mutation::Value("1.0"),
    Mutation::Value("-1"),
    Mutation::Value("2147483648"),
    Mutation::Value("9223372036854775808"),
    Mutation::Value("0000-01-01"),
    Mutation::Value("-0001-01-01"),
    Mutation::Value("9999-12-31"),
    Mutation::Missing,
    Mutation::Duplicated,
    Mutation::NotUtf8,
];

/// Someone using the app: a demo account, or nobody signed in.
pub struct Visitor {
    pub name: &'static str,
    pub cookie: String,
    pub csrf: String,
}

fn find_csrf(body: &str) -> Option<String> {
    let marker = "name=\"csrf\" value=\"";
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find('"')? + start;
    Some(body[start..end].to_string())
}

pub struct Fuzz {
    pub app: TestApp,
    pub patterns: Vec<String>,
    pub findings: Vec<String>,
    pub requests: usize,
}

impl Fuzz {
    /// Sends one request and notes what is wrong with any answer: a 5xx, or a refusal that is
    /// not one of our HTML pages.
    pub async fn send(
        &mut self,
        who: &Visitor,
        method: &str,
        target: &str,
        body: Vec<u8>,
        extra: &[(&str, &str)],
    ) -> Option<Reply> {
        self.requests += 1;
        let mut headers = vec![("cookie", who.cookie.as_str())];
        if method == "POST" {
            headers.push(("content-type", "application/x-www-form-urlencoded"));
        }
        headers.extend_from_slice(extra);
        let shown = shorten(target);
        match raw::send(self.app.addr, method, target, &headers, body).await {
            Err(err) => {
                self.findings
                    .push(format!("{} {method} {shown}: {err}", who.name));
                None
            }
            Ok(reply) => {
                if reply.status >= 500 {
                    self.findings.push(format!(
                        "{} {method} {shown}: {} {}",
                        who.name,
                        reply.status,
                        shorten(&reply.body)
                    ));
                } else if reply.status == 414 && target.len() > 65_000 {
                    // hyper refuses a URI longer than `http::Uri` holds (64 KiB) before any
                    // service sees it: nothing of ours can answer it.
                } else if reply.status >= 400 && !reply.is_html_page() {
                    self.findings.push(format!(
                        "{} {method} {shown}: {} answered as {:?}, not a page: {:?}",
                        who.name,
                        reply.status,
                        reply.content_type,
                        shorten(&reply.body)
                    ));
                }
                Some(reply)
            }
        }
    }

    /// Sends, and notes an answer whose status is not one of `expected`.
    pub async fn expect(
        &mut self,
        who: &Visitor,
        method: &str,
        target: &str,
        body: Vec<u8>,
        expected: &[u16],
        why: &str,
    ) {
        if let Some(reply) = self.send(who, method, target, body, &[]).await
            && !expected.contains(&reply.status)
        {
            self.findings.push(format!(
                "{} {method} {}: {why}: expected {expected:?}, got {}",
                who.name,
                shorten(target),
                reply.status
            ));
        }
    }

    pub async fn visitor(&mut self, name: &'static str, email: Option<&str>) -> Visitor {
        let mut who = Visitor {
            name,
            cookie: String::new(),
            csrf: String::new(),
        };
        let page = self.send(&who, "GET", "/signin", vec![], &[]).await;
        let page = page.unwrap_or_else(|| panic!("{:?}", self.findings));
        who.cookie = page.cookie.expect("the sign-in page starts a session");
        who.csrf = find_csrf(&page.body).expect("the sign-in form's token");
        if let Some(email) = email {
            let body = crawl::encode(&[
                ("email".into(), email.into()),
                ("password".into(), closedset::demo::DEMO_PASSWORD.into()),
                ("csrf".into(), who.csrf.clone()),
            ]);
            let signed = self
                .send(&who, "POST", "/signin", body.into_bytes(), &[])
                .await
                .unwrap();
            assert_eq!(signed.status, 303, "{email} signs in");
            who.cookie = signed.cookie.expect("a new session at sign-in");
            let home = self.send(&who, "GET", "/", vec![], &[]).await.unwrap();
            who.csrf = find_csrf(&home.body).expect("a token on the home page");
        }
        who
    }

    pub fn pattern(&self, url: &str) -> Option<String> {
        let path = url.split('?').next().unwrap_or_default();
        crawl::pattern_of(path, &self.patterns).map(str::to_string)
    }
}

pub fn shorten(text: &str) -> String {
    let text = text.replace('\0', "\\0");
    if text.chars().count() > 160 {
        format!("{}…", text.chars().take(160).collect::<String>())
    } else {
        text
    }
}

/// The fields with one mutation applied to `name`; the text is the encoded body or query.
pub fn mutated(fields: &[(String, String)], name: &str, mutation: Mutation) -> String {
    let mut fields = fields.to_vec();
    let at = fields.iter().position(|(k, _)| k == name);
    let set = |fields: &mut Vec<(String, String)>, value: String| match at {
        Some(i) => fields[i].1 = value,
        None => fields.push((name.to_string(), value)),
    };
    let mut tail = String::new();
    match mutation {
        Mutation::Value(value) => set(&mut fields, value.to_string()),
        Mutation::Long => set(&mut fields, "x".repeat(100_000)),
        Mutation::Missing => fields.retain(|(k, _)| k != name),
        Mutation::Duplicated => {
            let first = at.map_or_else(|| "1".to_string(), |i| fields[i].1.clone());
            fields.push((name.to_string(), first));
            fields.push((name.to_string(), "2".to_string()));
        }
        Mutation::NotUtf8 => {
            fields.retain(|(k, _)| k != name);
            tail = format!("&{}=%FF%FEx", urlencode(name));
        }
    }
    format!("{}{tail}", crawl::encode(&fields))
}

/// Field names that differ only in their digits (`p3_nudity`, `p4_nudity`) or in the middle
/// of a dotted name (`kissed.face.note`, `kissed.neck.note`) are one kind of field: each kind
/// is tried once per form.
pub fn kinds_of(names: &[String]) -> Vec<String> {
    let mut seen = HashSet::new();
    names
        .iter()
        .filter(|n| *n != "csrf")
        .filter(|n| seen.insert(kind_of(n)))
        .cloned()
        .collect()
}

/// Values stored outside any range a person could mean, read from the whole database: dates
/// and instants outside 1900-2200, negative numbers, and text kept as the fuzz typed it.
pub async fn stored_out_of_range(app: &TestApp) -> Vec<String> {
    // Counts that may be negative, each with why.
    const SIGNED: [(&str, &str, &str); 0] = [];
    let columns: Vec<(String, String, String)> = sqlx::query_as(
        "select table_name::text, column_name::text, data_type::text
         from information_schema.columns c
         where table_schema = 'public'
           and exists (select 1 from information_schema.tables t
                       where t.table_schema = 'public' and t.table_name = c.table_name
                         and t.table_type = 'BASE TABLE')
           and data_type in ('date', 'timestamp with time zone', 'timestamp without time zone',
                             'smallint', 'integer', 'bigint', 'numeric',
                             'text', 'character varying', 'jsonb', 'json')
         order by 1, 2",
    )
    .fetch_all(&app.owner_pool)
    .await
    .unwrap();
    let mut found = Vec::new();
    for (table, column, kind) in columns {
        if matches!(
            kind.as_str(),
            "text" | "character varying" | "jsonb" | "json"
        ) {
            found.extend(stored_as_typed(app, &table, &column).await);
            continue;
        }
        let outside = if kind.starts_with("date") || kind.starts_with("timestamp") {
            format!("{column} < '1900-01-01' or {column} >= '2201-01-01'")
        } else if SIGNED.iter().any(|(t, c, _)| *t == table && *c == column) {
            continue;
        } else {
            format!("{column} < 0")
        };
        let sql = format!("select {column}::text from {table} where {outside} limit 3");
        let values: Vec<String> = sqlx::query_scalar(&sql)
            .fetch_all(&app.owner_pool)
            .await
            .unwrap();
        if !values.is_empty() {
            found.push(format!("stored {table}.{column} = {}", values.join(", ")));
        }
    }
    found
}

/// Text the fuzz typed that was kept as typed: its 100,000 characters, its padding, its
/// decomposed accents (forms keep text trimmed, capped and in NFC).
async fn stored_as_typed(app: &TestApp, table: &str, column: &str) -> Vec<String> {
    let sql = format!(
        "select count(*) filter (where length({column}::text) >= 100000),
                count(*) filter (where strpos({column}::text, $1) > 0),
                count(*) filter (where strpos({column}::text, $2) > 0)
         from {table}"
    );
    let (long, padded, decomposed): (i64, i64, i64) = sqlx::query_as(&sql)
        .bind(PADDED)
        .bind(DECOMPOSED)
        .fetch_one(&app.owner_pool)
        .await
        .unwrap();
    [
        (long, "100,000 characters"),
        (padded, "untrimmed spaces"),
        (decomposed, "decomposed accents (not NFC)"),
    ]
    .into_iter()
    .filter(|(count, _)| *count > 0)
    .map(|(count, what)| format!("stored {table}.{column} with {what} in {count} rows"))
    .collect()
}

fn kind_of(name: &str) -> String {
    let name = name.replace(|c: char| c.is_ascii_digit(), "#");
    let parts: Vec<&str> = name.split('.').collect();
    match parts.as_slice() {
        [one] => one.to_string(),
        [first, _] => format!("{first}.*"),
        [first, .., last] => format!("{first}.*.{last}"),
        [] => String::new(),
    }
}

/// Puts the demo in the states whose forms a walk would otherwise never meet, and returns the
/// pages where they are, for each demo account in `closedset::demo::PEOPLE` order: a rider
/// delivered to the first performer (sign, and withdraw for them), a draft for the second
/// (deliver), a shoot day today with their scene on it (pause and resolve), an omitted scene
/// (restore), a cast member on paper (invite), and the doubles page, which no page links to. Also the address of the pause button for the
/// first performer's scene today, to press once signed in.
pub async fn stage(app: &TestApp, production: i64) -> (Vec<Vec<String>>, String) {
    let pool = &app.pool;
    let user = |email: &'static str| async move {
        sqlx::query_scalar::<_, i64>("select user_id from app_user where email = $1")
            .bind(email)
            .fetch_one(pool)
            .await
            .unwrap()
    };
    let coordinator = user("coordinator@demo.test").await;
    let cast_and_scene = |email: &'static str| async move {
        sqlx::query_as::<_, (i64, i64)>(
            "select c.cast_member_id, max(s.scene_id)
             from cast_member c join app_user u using (user_id)
             join scene_cast sc using (cast_member_id) join scene s using (scene_id)
             where u.email = $1 and c.production_id = $2 and not s.omitted
               and s.current_version_id is not null
             group by c.cast_member_id",
        )
        .bind(email)
        .bind(production)
        .fetch_one(pool)
        .await
        .unwrap()
    };
    let (first, first_scene) = cast_and_scene("performer1@demo.test").await;
    let (second, second_scene) = cast_and_scene("performer2@demo.test").await;
    let delivered = build::rider(app, production, first, &[first_scene])
        .by(coordinator)
        .delivered()
        .await;
    let mut tx = pool.begin().await.unwrap();
    let terms = Terms {
        uses: Uses {
            in_picture: true,
            trailers: false,
            stills: false,
        },
        double_allowed: false,
    };
    let draft = lifecycle::draft(
        &mut tx,
        production,
        second,
        &[second_scene],
        terms,
        coordinator,
    )
    .await
    .unwrap()
    .unwrap_or_else(|refused| panic!("no draft: {}", refused.message));
    tx.commit().await.unwrap();
    let today: i64 = sqlx::query_scalar(
        // The demo always has a shoot day today; its call is moved an hour into the past.
        "update shoot_day set call_at = now() - interval '1 hour'
         where production_id = $1 and shoot_date = (now() at time zone 'Europe/London')::date
         returning shoot_day_id",
    )
    .bind(production)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query("delete from shoot_day_scene where scene_id = $1")
        .bind(first_scene)
        .execute(pool)
        .await
        .unwrap();
    build::place(app, today, first_scene).await;
    let omitted: i64 = sqlx::query_scalar(
        "update scene set omitted = true
         where scene_id = (select max(scene_id) from scene where production_id = $1
                           and scene_id not in ($2, $3)
                           and not exists (select 1 from shoot_day_scene d
                                           where d.scene_id = scene.scene_id))
         returning scene_id",
    )
    .bind(production)
    .bind(first_scene)
    .bind(second_scene)
    .fetch_one(pool)
    .await
    .unwrap();
    let on_paper: i64 = sqlx::query_scalar(
        "insert into cast_member (production_id, cast_number, name) values ($1, 99, 'Robin Paper')
         returning cast_member_id",
    )
    .bind(production)
    .fetch_one(pool)
    .await
    .unwrap();
    let base = format!("/productions/{production}");
    let on_set = format!("{base}/schedule/{today}/on-set");
    let mut starts: Vec<Vec<String>> = closedset::demo::PEOPLE
        .iter()
        .map(|_| vec!["/".to_string(), base.clone(), "/account".into()])
        .collect();
    // Everyone but the two performers not in today's scene may see today's on-set page.
    for start in &mut starts[..4] {
        start.push(on_set.clone());
    }
    starts[0].push(format!("{base}/scenes/{omitted}"));
    starts[0].push(format!("{base}/cast/{on_paper}"));
    starts[1].push(format!("{base}/scenes/{first_scene}/doubles"));
    starts[1].push(format!("{base}/riders/{draft}"));
    starts[1].push(format!("{base}/riders/{delivered}"));
    (starts, format!("{on_set}/scenes/{first_scene}/pause"))
}
