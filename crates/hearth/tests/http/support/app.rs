//! `spawn_app`: the real router on 127.0.0.1:0 over a fresh store.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hearth::config::Storage;
use hearth_app::users::UserInput;
use hearth_app::{AppConfig, Ctx, ManualClock};
use hearth_store::User;
use hearth_web::{AppState, WebConfig};
use secrecy::SecretString;
use tokio::sync::oneshot;

use super::postgres::TestDatabase;

/// Which engine a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Keeps a test's database alive, and removes it afterwards.
pub enum DbGuard {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres(#[allow(dead_code)] TestDatabase),
}

/// A running server and the verbs tests use on it.
pub struct TestApp {
    pub base: String,
    pub ctx: Ctx,
    /// Where its data lives, for other nodes and commands on the same store.
    pub storage: Storage,
    pub clock: Arc<ManualClock>,
    web_config: Arc<WebConfig>,
    stop: Option<oneshot::Sender<()>>,
    _db: DbGuard,
}

/// The password every test user gets.
pub const PASSWORD: &str = "a long test password";

/// A fixed start time: 2026-01-01T00:00:00Z.
pub const T0: i64 = 1_767_225_600_000;

/// Opens a fresh store of the given engine.
pub async fn fresh_storage(backend: Backend) -> (Storage, DbGuard) {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            (Storage::Sqlite(dir.path().to_owned()), DbGuard::Sqlite(dir))
        }
        Backend::Postgres => {
            let db = TestDatabase::create().await;
            (
                Storage::Postgres(SecretString::from(db.url.clone()), 8, None),
                DbGuard::Postgres(db),
            )
        }
    }
}

/// Starts the app with default settings.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_, _| {}).await
}

/// Starts the app after `configure` adjusts its settings.
pub async fn spawn_app_with(
    backend: Backend,
    configure: impl FnOnce(&mut AppConfig, &mut WebConfig),
) -> TestApp {
    spawn_app_routes(backend, configure, axum::Router::new()).await
}

/// Starts the app with `extra` routes inside its layers.
pub async fn spawn_app_routes(
    backend: Backend,
    configure: impl FnOnce(&mut AppConfig, &mut WebConfig),
    extra: axum::Router<AppState>,
) -> TestApp {
    let (storage, guard) = fresh_storage(backend).await;
    let store = hearth::storage::open(&storage)
        .await
        .expect("open the store");
    let clock = Arc::new(ManualClock::new(T0));
    let mut app_config = AppConfig {
        weak_password_hashing: true,
        ..AppConfig::default()
    };
    let mut web_config = WebConfig::default();
    configure(&mut app_config, &mut web_config);
    let ctx = Ctx::new(store, clock.clone(), app_config).expect("start the work threads");
    let state = AppState::new(ctx.clone(), web_config);
    let web_config = Arc::clone(&state.config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr: SocketAddr = listener.local_addr().expect("local addr");
    let (stop, stopped) = oneshot::channel::<()>();
    let router = hearth_web::router_with(state.clone(), extra);
    tokio::spawn(hearth::serve::serve(
        listener,
        state,
        router,
        Duration::from_secs(5),
        async move {
            let _ = stopped.await;
        },
    ));
    TestApp {
        base: format!("http://{addr}"),
        ctx,
        storage,
        clock,
        web_config,
        stop: Some(stop),
        _db: guard,
    }
}

/// Another node serving the same database, stopped when dropped.
pub struct Node {
    pub base: String,
    _stop: oneshot::Sender<()>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl TestApp {
    /// Creates an account directly through the use cases.
    pub async fn create_user(&self, username: &str, admin: bool) -> User {
        let input = UserInput {
            username: username.into(),
            display_name: format!("{username} Tester"),
            email: format!("{username}@example.org"),
            password: PASSWORD.into(),
        };
        hearth_app::users::create_by_operator(&self.ctx, &input, admin)
            .await
            .expect("create user")
    }

    /// A browser with its own cookie jar.
    pub fn browser(&self) -> super::Browser {
        super::Browser::new(&self.base)
    }

    /// A browser signed in as `username`.
    pub async fn signed_in(&self, username: &str) -> super::Browser {
        let b = self.browser();
        let resp = b.sign_in(username, PASSWORD).await;
        assert_eq!(resp.status(), 303, "sign-in of {username} failed");
        b
    }

    /// An API bearer token for `username`.
    pub async fn token(&self, username: &str) -> String {
        let resp = reqwest::Client::new()
            .post(self.url("/api/v1/tokens"))
            .json(&serde_json::json!({"username": username, "password": PASSWORD}))
            .send()
            .await
            .expect("request a token");
        assert_eq!(resp.status(), 201);
        let body: serde_json::Value = resp.json().await.expect("token json");
        body["token"].as_str().expect("token").to_owned()
    }

    /// An API client sending `token`.
    pub fn api(&self, token: &str) -> Api {
        Api::new(&self.base, token)
    }

    /// Changes the database behind Hearth's back, as an attacker or a broken
    /// disk would.
    pub async fn tamper(&self, sql: &str) {
        match &self._db {
            DbGuard::Sqlite(dir) => {
                let c = rusqlite::Connection::open(dir.path().join("hearth.db")).expect("open");
                c.execute_batch(sql).expect("tamper");
            }
            DbGuard::Postgres(db) => {
                let (client, conn) = tokio_postgres::connect(&db.url, tokio_postgres::NoTls)
                    .await
                    .expect("connect");
                tokio::spawn(conn);
                client.batch_execute(sql).await.expect("tamper");
            }
        }
    }

    /// Reads one number straight from the database (`NULL` as 0).
    pub async fn count(&self, sql: &str) -> i64 {
        match &self._db {
            DbGuard::Sqlite(dir) => {
                let c = rusqlite::Connection::open(dir.path().join("hearth.db")).expect("open");
                c.query_row(sql, [], |r| r.get::<_, Option<i64>>(0))
                    .expect("count")
                    .unwrap_or(0)
            }
            DbGuard::Postgres(db) => {
                let (client, conn) = tokio_postgres::connect(&db.url, tokio_postgres::NoTls)
                    .await
                    .expect("connect");
                tokio::spawn(conn);
                let row = client.query_one(sql, &[]).await.expect("count");
                row.get::<_, Option<i64>>(0).unwrap_or(0)
            }
        }
    }

    /// A URL to the cluster's maintenance database and this test's database
    /// name (PostgreSQL only).
    pub fn postgres_admin_url(&self) -> (String, String) {
        match &self._db {
            DbGuard::Postgres(db) => (
                super::postgres::cluster().url("postgres"),
                db.name().to_owned(),
            ),
            DbGuard::Sqlite(_) => panic!("not a PostgreSQL test"),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A second node over the same database, with the same settings: its
    /// own store connections, work threads and listening socket.
    pub async fn second_node(&self) -> Node {
        let store = hearth::storage::open(&self.storage)
            .await
            .expect("open the store again");
        let ctx = Ctx::new(store, self.clock.clone(), (*self.ctx.config).clone())
            .expect("start the work threads");
        let state = AppState::new(ctx, (*self.web_config).clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr: SocketAddr = listener.local_addr().expect("local addr");
        let (stop, stopped) = oneshot::channel::<()>();
        let router = hearth_web::router(state.clone());
        tokio::spawn(hearth::serve::serve(
            listener,
            state,
            router,
            Duration::from_secs(5),
            async move {
                let _ = stopped.await;
            },
        ));
        Node {
            base: format!("http://{addr}"),
            _stop: stop,
        }
    }
}

/// A JSON API client with a bearer token.
pub struct Api {
    base: String,
    token: String,
    client: reqwest::Client,
}

impl Api {
    /// A client of the server at `base`.
    pub fn new(base: &str, token: &str) -> Api {
        Api {
            base: base.to_owned(),
            token: token.to_owned(),
            client: reqwest::Client::new(),
        }
    }

    /// `username` signs in to the server at `base` with the tests' password.
    pub async fn sign_in(base: &str, username: &str) -> Api {
        let api = Api::new(base, "");
        let (status, token) = api
            .post(
                "/api/v1/tokens",
                serde_json::json!({"username": username, "password": PASSWORD}),
            )
            .await;
        assert_eq!(status, 201, "{username} cannot sign in: {token}");
        Api::new(base, token["token"].as_str().expect("token"))
    }

    pub async fn get(&self, path: &str) -> (u16, serde_json::Value) {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("GET");
        read(r).await
    }

    pub async fn post(&self, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .expect("POST");
        read(r).await
    }

    pub async fn put_json(&self, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        let r = self
            .client
            .put(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .expect("PUT");
        read(r).await
    }

    pub async fn patch(&self, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        let r = self
            .client
            .patch(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .expect("PATCH");
        read(r).await
    }

    pub async fn delete(&self, path: &str) -> (u16, serde_json::Value) {
        let r = self
            .client
            .delete(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("DELETE");
        read(r).await
    }

    /// POSTs raw bytes with a content type.
    pub async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> (u16, serde_json::Value) {
        self.raw(reqwest::Method::POST, path, content_type, body)
            .await
    }

    /// PUTs raw bytes with a content type.
    pub async fn put_raw(
        &self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> (u16, serde_json::Value) {
        self.raw(reqwest::Method::PUT, path, content_type, body)
            .await
    }

    async fn raw(
        &self,
        method: reqwest::Method,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> (u16, serde_json::Value) {
        let r = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("raw request");
        read(r).await
    }

    /// GETs bytes: the status, the content type and the body.
    pub async fn get_bytes(&self, path: &str) -> (u16, String, Vec<u8>) {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("GET");
        let status = r.status().as_u16();
        let content_type = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        (
            status,
            content_type,
            r.bytes().await.expect("body").to_vec(),
        )
    }
}

async fn read(r: reqwest::Response) -> (u16, serde_json::Value) {
    let status = r.status().as_u16();
    let text = r.text().await.expect("body");
    let json = if text.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"))
    };
    (status, json)
}

/// Runs `sql` on a test's database behind Hearth's back.
pub async fn execute_sql(storage: &Storage, sql: &str) {
    match storage {
        Storage::Sqlite(dir) => {
            let c = rusqlite::Connection::open(dir.join("hearth.db")).unwrap();
            c.execute_batch(sql).unwrap();
        }
        Storage::Postgres(url, ..) => {
            postgres_client(url).await.batch_execute(sql).await.unwrap();
        }
    }
}

/// The one number `sql` answers on a test's database.
pub async fn query_number(storage: &Storage, sql: &str) -> i64 {
    match storage {
        Storage::Sqlite(dir) => {
            let c = rusqlite::Connection::open(dir.join("hearth.db")).unwrap();
            c.query_row(sql, [], |r| r.get(0)).unwrap()
        }
        Storage::Postgres(url, ..) => postgres_client(url)
            .await
            .query_one(sql, &[])
            .await
            .unwrap()
            .get(0),
    }
}

/// What the node at `base` says at `/metrics` (open to loopback clients).
pub async fn metrics_of(base: &str) -> String {
    reqwest::get(format!("{base}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// A client of a test's PostgreSQL database.
pub async fn postgres_client(url: &secrecy::SecretString) -> tokio_postgres::Client {
    use secrecy::ExposeSecret;
    let (client, conn) = tokio_postgres::connect(url.expose_secret(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    client
}
