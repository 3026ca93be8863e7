//! The test harness: one throwaway PostgreSQL cluster per test run (or `DATABASE_URL`),
//! a fresh database per test, and the real server on a loopback port, connected as a role that
//! owns nothing (the owner's pool is there for tests that tamper).

pub mod build;
pub mod crawl;
pub mod fuzzing;
pub mod languages;
pub mod mail;
pub mod old_rider;
pub mod raw;
pub mod sealed;
pub mod upload;

use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use closedset::auth::password::Password;
use closedset::db::{self, Durability, EmbeddedPostgres};
use closedset::{AppState, Config};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection, PgPool};

/// Where test databases are made.
enum Server {
    Embedded(EmbeddedPostgres),
    External(Box<PgConnectOptions>),
}

/// The role the server under test connects as on an external server (`DATABASE_URL`): its own
/// name, so that a real deployment's role on the same server is never touched. It owns nothing
/// and is granted only on test databases, so a fixed password is no secret worth keeping.
const EXTERNAL_APP_ROLE: &str = "closedset_test_app";
const EXTERNAL_APP_PASSWORD: &str = "closedset-test-app";

impl Server {
    /// As the owner: the role that ran the migrations.
    fn options(&self, database: &str) -> PgConnectOptions {
        match self {
            Server::Embedded(cluster) => cluster.connect_options(database),
            Server::External(options) => (**options).clone().database(database),
        }
    }

    /// As the application's role, which owns nothing.
    fn app_options(&self, database: &str) -> PgConnectOptions {
        match self {
            Server::Embedded(_) => self.options(database).username(db::APPLICATION_ROLE),
            Server::External(_) => self
                .options(database)
                .username(EXTERNAL_APP_ROLE)
                .password(EXTERNAL_APP_PASSWORD),
        }
    }
}

/// The server, the migrated template database, and whether the tests connect as an
/// application role (false only when an external server would not let us create one).
struct Harness {
    server: Server,
    template: String,
    app_role: bool,
}

impl Harness {
    fn app_options(&self, database: &str) -> PgConnectOptions {
        if self.app_role {
            self.server.app_options(database)
        } else {
            self.server.options(database)
        }
    }
}

static HARNESS: OnceLock<Harness> = OnceLock::new();
static NEXT_DB: AtomicU32 = AtomicU32::new(0);

/// Starts the cluster (once per run), builds the migrated template database and grants the
/// application's role on it; every test database is a copy, grants included.
fn harness() -> &'static Harness {
    HARNESS.get_or_init(|| {
        // Runs on its own thread: the caller is inside a test's async runtime.
        std::thread::spawn(|| {
            let server = match std::env::var("DATABASE_URL") {
                Ok(url) if !url.trim().is_empty() => Server::External(Box::new(
                    PgConnectOptions::from_str(&url).expect("DATABASE_URL is a PostgreSQL URL"),
                )),
                _ => {
                    // A temporary directory, never ./data; the cluster's watchdog removes it
                    // when the test process exits.
                    let dir = tempfile::Builder::new()
                        .prefix("closedset-test-")
                        .tempdir()
                        .expect("creating a temporary directory")
                        .keep();
                    Server::Embedded(
                        EmbeddedPostgres::start(&dir, Durability::Throwaway, true)
                            .expect("starting the test cluster"),
                    )
                }
            };
            let template = format!("cs_template_{}", std::process::id());
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let app_role = runtime.block_on(async {
                let mut admin = server.options("postgres").connect().await.unwrap();
                sqlx::query(&format!("create database {template}"))
                    .execute(&mut admin)
                    .await
                    .unwrap();
                let app_role = match &server {
                    Server::Embedded(_) => {
                        db::create_application_role(&mut admin, db::APPLICATION_ROLE)
                            .await
                            .unwrap();
                        Some(db::APPLICATION_ROLE)
                    }
                    Server::External(_) => match external_app_role(&mut admin).await {
                        Ok(()) => Some(EXTERNAL_APP_ROLE),
                        Err(err) => {
                            eprintln!(
                                "tests: could not create the database role {EXTERNAL_APP_ROLE} \
                                 ({err:#}); the server under test connects as DATABASE_URL's \
                                 role, which owns the tables"
                            );
                            None
                        }
                    },
                };
                let mut owner = server.options(&template).connect().await.unwrap();
                db::MIGRATOR.run(&mut owner).await.unwrap();
                if let Some(role) = app_role {
                    db::grant_application_role(&mut owner, role).await.unwrap();
                }
                owner.close().await.unwrap();
                admin.close().await.unwrap();
                let mut app_role = app_role.is_some();
                if app_role && let Server::External(_) = server {
                    // The server's authentication rules may still turn the role away.
                    match server.app_options(&template).connect().await {
                        Ok(conn) => conn.close().await.unwrap(),
                        Err(err) => {
                            eprintln!(
                                "tests: the database role {EXTERNAL_APP_ROLE} cannot connect \
                                 ({err}); the server under test connects as DATABASE_URL's \
                                 role, which owns the tables"
                            );
                            app_role = false;
                        }
                    }
                }
                app_role
            });
            Harness {
                server,
                template,
                app_role,
            }
        })
        .join()
        .expect("test database set-up")
    })
}

/// Creates (or resets the password of) the tests' application role on an external server.
async fn external_app_role(admin: &mut PgConnection) -> anyhow::Result<()> {
    db::create_application_role(admin, EXTERNAL_APP_ROLE).await?;
    for statement in [
        format!("alter role {EXTERNAL_APP_ROLE} password '{EXTERNAL_APP_PASSWORD}'"),
        // Lets the owner end the role's connections (`drop_database`); the owner gains no
        // right it did not have.
        format!("grant {EXTERNAL_APP_ROLE} to current_user"),
    ] {
        sqlx::query(&statement).execute(&mut *admin).await?;
    }
    Ok(())
}

/// True when the tests connect as the tables' owner because no application role could be
/// made; tests that prove what the application's role cannot do have nothing to prove then.
pub fn runs_as_owner() -> bool {
    !harness().app_role
}

/// A fresh, migrated database of its own.
pub struct TestDatabase {
    pub name: String,
    /// As the application's role, like the server under test.
    pub pool: PgPool,
    /// As the tables' owner; connects only when used.
    pub owner_pool: PgPool,
}

pub async fn fresh_database() -> TestDatabase {
    let harness = harness();
    let name = format!(
        "cs_t_{}_{}",
        std::process::id(),
        NEXT_DB.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = harness.server.options("postgres").connect().await.unwrap();
    sqlx::query(&format!(
        "create database {name} template {}",
        harness.template
    ))
    .execute(&mut admin)
    .await
    .unwrap();
    admin.close().await.unwrap();
    let pool = db::pool_options()
        .max_connections(5)
        .connect_with(harness.app_options(&name))
        .await
        .unwrap();
    let owner_pool = db::pool_options()
        .max_connections(2)
        .connect_lazy_with(harness.server.options(&name));
    TestDatabase {
        name,
        pool,
        owner_pool,
    }
}

/// An empty database, not migrated, for running the real binary's first start against.
pub async fn empty_database() -> String {
    let harness = harness();
    let name = format!(
        "cs_e_{}_{}",
        std::process::id(),
        NEXT_DB.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = harness.server.options("postgres").connect().await.unwrap();
    sqlx::query(&format!("create database {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    admin.close().await.unwrap();
    name
}

/// The test database's consent-log signing key: made from its name, so every instance serving
/// one database signs alike and tests can hand the verifier key to the real binary.
pub fn log_key(db_name: &str) -> closedset::ledger::LogKey {
    use sha2::Digest;
    let seed: [u8; 32] = sha2::Sha256::digest(db_name.as_bytes()).into();
    closedset::ledger::LogKey::from_seed("closedset.test", seed).unwrap()
}

/// The test database's vault: its master key made from its name, held in memory, so every
/// instance serving one database opens what another sealed.
pub fn vault(db_name: &str) -> closedset::vault::Vault {
    use sha2::Digest;
    let secret: [u8; 32] = sha2::Sha256::digest(format!("vault {db_name}").as_bytes()).into();
    closedset::vault::Vault::new(closedset::vault::MasterKeys::from_secret(1, secret))
}

/// A `DATABASE_URL` for a test database as the tables' owner. The real binary run with only
/// this migrates and serves as the owner, as a deployment without separate roles does.
pub fn database_url(name: &str) -> String {
    match &harness().server {
        Server::Embedded(cluster) => format!(
            "postgres://closedset@localhost/{name}?host={}",
            cluster.socket_dir().display()
        ),
        Server::External(_) => external_url(name, None),
    }
}

/// A `DATABASE_URL` for a test database as the application's role (the owner's when
/// `runs_as_owner`).
pub fn app_database_url(name: &str) -> String {
    let harness = harness();
    match &harness.server {
        _ if !harness.app_role => database_url(name),
        Server::Embedded(cluster) => format!(
            "postgres://{}@localhost/{name}?host={}",
            db::APPLICATION_ROLE,
            cluster.socket_dir().display()
        ),
        Server::External(_) => external_url(
            name,
            Some(&format!("{EXTERNAL_APP_ROLE}:{EXTERNAL_APP_PASSWORD}")),
        ),
    }
}

/// The real `closedset` binary set up as a deployment with separate roles: it migrates as the
/// owner and runs as the application's role.
pub fn closedset_binary(name: &str) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_closedset"));
    command
        .env(
            "CLOSEDSET_VAULT_KEY",
            std::env::temp_dir().join(format!("closedset-vault-{name}.key")),
        )
        .env("DATABASE_URL", app_database_url(name))
        .env("CLOSEDSET_MIGRATION_DATABASE_URL", database_url(name));
    command
}

/// `DATABASE_URL` with another database and, when given, other credentials (`user:password`).
fn external_url(name: &str, credentials: Option<&str>) -> String {
    let url = std::env::var("DATABASE_URL").unwrap();
    let (base, query) = url
        .split_once('?')
        .map_or((url.as_str(), None), |(b, q)| (b, Some(q)));
    let authority_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_end..]
        .find('/')
        .map_or(base.len(), |i| i + authority_end);
    let authority = &base[authority_end..path_start];
    let host = match credentials {
        Some(credentials) => format!(
            "{credentials}@{}",
            authority
                .rsplit_once('@')
                .map_or(authority, |(_, host)| host)
        ),
        None => authority.to_string(),
    };
    let mut out = format!("{}{host}/{name}", &base[..authority_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// A loopback port nobody listens on, for running the real binary.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Polls `url` until it answers 2xx; false after 90 seconds.
pub async fn wait_ready(url: &str) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(90);
    while std::time::Instant::now() < deadline {
        if let Ok(r) = reqwest::get(url).await
            && r.status().is_success()
        {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    false
}

/// Drops a test database while the app still points at it (to simulate an outage).
pub async fn drop_database(name: &str) {
    let mut admin = harness()
        .server
        .options("postgres")
        .connect()
        .await
        .unwrap();
    sqlx::query(&format!("drop database {name} with (force)"))
        .execute(&mut admin)
        .await
        .unwrap();
}

// ---------------------------------------------------------------- query counting

/// Counts the SQL statements each request runs. sqlx logs every statement as a `debug` event
/// with target `sqlx::query`; the app's `TraceLayer` wraps each request in a `request` span whose
/// `id` field is the `x-request-id` the response carries back. So a test reads that header and
/// asks `TestApp::query_count` how many statements ran under that id.
mod counting {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};

    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id};
    use tracing::{Event, Metadata, Subscriber};
    use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
    use tracing_subscriber::registry::LookupSpan;

    /// Per request id, the summary sqlx gives of each statement, in order.
    static STATEMENTS: OnceLock<Mutex<HashMap<String, Vec<String>>>> = OnceLock::new();

    fn statements() -> &'static Mutex<HashMap<String, Vec<String>>> {
        STATEMENTS.get_or_init(Default::default)
    }

    /// The request id held in a `request` span's extensions.
    struct RequestId(String);

    struct IdVisitor(Option<String>);

    /// sqlx's `summary` field: the statement's first words.
    struct SummaryVisitor(String);

    impl Visit for SummaryVisitor {
        fn record_str(&mut self, field: &Field, value: &str) {
            if field.name() == "summary" {
                self.0 = value.to_string();
            }
        }
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            if field.name() == "summary" {
                self.0 = format!("{value:?}");
            }
        }
    }

    impl Visit for IdVisitor {
        fn record_str(&mut self, field: &Field, value: &str) {
            if field.name() == "id" {
                self.0 = Some(value.to_string());
            }
        }
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            if field.name() == "id" {
                self.0 = Some(format!("{value:?}").trim_matches('"').to_string());
            }
        }
    }

    struct QueryCounter;

    impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for QueryCounter {
        fn enabled(&self, metadata: &Metadata<'_>, _: Context<'_, S>) -> bool {
            // Only the request spans and sqlx's statement events matter here.
            metadata.name() == "request" || metadata.target() == "sqlx::query"
        }

        fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
            if attrs.metadata().name() != "request" {
                return;
            }
            let mut visitor = IdVisitor(None);
            attrs.record(&mut visitor);
            if let (Some(request_id), Some(span)) = (visitor.0, ctx.span(id)) {
                span.extensions_mut().insert(RequestId(request_id));
            }
        }

        fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
            if event.metadata().target() != "sqlx::query" {
                return;
            }
            let Some(scope) = ctx.event_scope(event) else {
                return;
            };
            for span in scope {
                if let Some(RequestId(id)) = span.extensions().get::<RequestId>() {
                    let mut summary = SummaryVisitor(String::new());
                    event.record(&mut summary);
                    statements()
                        .lock()
                        .unwrap()
                        .entry(id.clone())
                        .or_default()
                        .push(summary.0);
                    return;
                }
            }
        }
    }

    /// Installs the counter as the process's subscriber, once.
    pub fn install() {
        static INSTALLED: OnceLock<()> = OnceLock::new();
        INSTALLED.get_or_init(|| {
            let subscriber = tracing_subscriber::registry().with(QueryCounter);
            // Another subscriber may already be set by a test; then counts stay empty.
            let _ = tracing::subscriber::set_global_default(subscriber);
        });
    }

    pub fn statements_of(request_id: &str) -> Vec<String> {
        statements()
            .lock()
            .unwrap()
            .get(request_id)
            .cloned()
            .unwrap_or_default()
    }
}

/// The running application under test.
pub struct TestApp {
    pub addr: SocketAddr,
    /// Connected as the application's role, as the server under test is: it owns nothing.
    pub pool: PgPool,
    /// Connected as the tables' owner, for tests that work behind the application's back
    /// (disabling a trigger, say). Connects only when used.
    pub owner_pool: PgPool,
    pub db_name: String,
}

pub const PASSWORD: &str = "quiet lantern orbit";

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// Spawns with a configuration changed by `adjust`.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        counting::install();
        let database = fresh_database().await;
        Self::serve(database, adjust).await
    }

    /// A second server process on the same database, as a deployment behind a load balancer
    /// would run: its own state, live listener and port.
    /// The verifier key of this test database's consent log.
    pub fn verifier(&self) -> closedset::ledger::VerifierKey {
        log_key(&self.db_name).verifier().clone()
    }

    /// `ledger verify` over this database, with its own verifier key.
    pub async fn verify_ledger(&self, only: Option<i64>) -> Vec<closedset::ledger::Report> {
        closedset::ledger::verify_all(&self.pool, only, &self.verifier())
            .await
            .unwrap()
    }

    pub async fn another_instance(&self) -> TestApp {
        self.another_instance_with(|_| {}).await
    }

    pub async fn another_instance_with(&self, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let database = TestDatabase {
            name: self.db_name.clone(),
            pool: self.pool.clone(),
            owner_pool: self.owner_pool.clone(),
        };
        Self::serve(database, adjust).await
    }

    async fn serve(database: TestDatabase, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let TestDatabase {
            name: db_name,
            pool,
            owner_pool,
        } = database;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut config = Config {
            base_url: format!("http://{addr}"),
            listen: addr,
            ..Config::default()
        };
        adjust(&mut config);
        let state = AppState::with_keys(pool.clone(), config, log_key(&db_name), vault(&db_name));
        let app = closedset::app(state.clone()).unwrap();
        // Notices committed after this reach the server's live streams and mailer.
        tokio::time::timeout(std::time::Duration::from_secs(10), state.live.ready())
            .await
            .expect("the live listener connects");
        tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .unwrap();
        });
        TestApp {
            addr,
            pool,
            owner_pool,
            db_name,
        }
    }

    /// How many SQL statements the request with this `x-request-id` ran, session and sign-in
    /// checks included.
    pub fn query_count(&self, request_id: &str) -> usize {
        counting::statements_of(request_id).len()
    }

    /// The statements themselves (sqlx's one-line summaries), for messages.
    pub fn queries(&self, request_id: &str) -> Vec<String> {
        counting::statements_of(request_id)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A browser-like client with its own cookie jar that does not follow redirects.
    pub fn client(&self) -> Client {
        Client {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: format!("http://{}", self.addr),
            csrf: None,
        }
    }

    /// How many rows of `table` belong to the production: what a refused save must leave as it was.
    pub async fn rows_of(&self, table: &str, production: i64) -> i64 {
        sqlx::query_scalar(&format!(
            "select count(*) from {table} where production_id = $1"
        ))
        .bind(production)
        .fetch_one(&self.pool)
        .await
        .unwrap()
    }

    /// Creates an account directly in the database.
    pub async fn user(&self, email: &str, name: &str) -> i64 {
        closedset::auth::create_user(&self.pool, email, name, &Password::new(PASSWORD), false)
            .await
            .unwrap()
    }

    pub async fn admin(&self, email: &str) -> i64 {
        closedset::auth::create_user(&self.pool, email, "Admin", &Password::new(PASSWORD), true)
            .await
            .unwrap()
    }

    /// Creates a production with `producer` as its producer.
    pub async fn production(&self, title: &str, producer: i64) -> i64 {
        let id: i64 = sqlx::query_scalar(
            "insert into production (title, kind, phase, time_zone, currency, agreement,
                                     notice_hours, ic_account_code, created_by)
             values ($1, 'feature', 'pre_production', 'Europe/London', 'GBP', 'equity_uk', 48,
                     '2950', $2) returning production_id",
        )
        .bind(title)
        .bind(producer)
        .fetch_one(&self.pool)
        .await
        .unwrap();
        self.add_member(id, producer, "producer").await;
        id
    }

    pub async fn add_member(&self, production_id: i64, user_id: i64, role: &str) -> i64 {
        sqlx::query_scalar(
            "insert into member (production_id, user_id, role) values ($1, $2, $3)
             returning member_id",
        )
        .bind(production_id)
        .bind(user_id)
        .bind(role)
        .fetch_one(&self.pool)
        .await
        .unwrap()
    }

    /// A client signed in as the account with this e-mail address.
    pub async fn signed_in(&self, email: &str) -> Client {
        self.signed_in_with(email, PASSWORD).await
    }

    /// A client signed in as one of the demo's accounts.
    pub async fn demo_signed_in(&self, email: &str) -> Client {
        self.signed_in_with(email, closedset::demo::DEMO_PASSWORD)
            .await
    }

    async fn signed_in_with(&self, email: &str, password: &str) -> Client {
        let mut client = self.client();
        let response = client.sign_in(email, password).await;
        assert_eq!(
            response.status,
            StatusCode::SEE_OTHER,
            "sign-in of {email} failed"
        );
        client
    }
}

/// What came back: status, headers, body.
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    /// The id the server gave this request (see `TestApp::query_count`).
    pub fn request_id(&self) -> &str {
        self.headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    csrf: Option<String>,
}

fn find_csrf(body: &str) -> Option<String> {
    let marker = "name=\"csrf\" value=\"";
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find('"')? + start;
    Some(body[start..end].to_string())
}

impl Client {
    async fn page(&mut self, response: reqwest::Response) -> Page {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.text().await.unwrap();
        if let Some(token) = find_csrf(&body) {
            self.csrf = Some(token);
        }
        Page {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        self.page(response).await
    }

    /// The session's CSRF token, read from a page as a browser would have it.
    pub async fn csrf(&mut self) -> String {
        if self.csrf.is_none() {
            let page = self.get("/signin").await;
            if page.status == StatusCode::SEE_OTHER {
                self.get("/").await;
            }
        }
        self.csrf.clone().expect("a page with a CSRF token")
    }

    /// Posts a form with the session's CSRF token, as the page's form would.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.csrf().await;
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf", &token));
        self.post_raw(path, &form, &[]).await
    }

    /// Posts exactly the given fields and headers.
    pub async fn post_raw(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let body: String = fields
            .iter()
            .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut request = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        self.page(response).await
    }

    pub async fn sign_in(&mut self, email: &str, password: &str) -> Page {
        let page = self
            .post("/signin", &[("email", email), ("password", password)])
            .await;
        // The token is rotated at sign-in; read the new one from the next page.
        self.csrf = None;
        page
    }

    /// The session cookie's value, if any.
    pub fn session_cookie(&self, page: &Page) -> Option<String> {
        page.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("closedset="))
            .map(|c| {
                c.split(';')
                    .next()
                    .unwrap()
                    .trim_start_matches("closedset=")
                    .to_string()
            })
    }
}

pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
