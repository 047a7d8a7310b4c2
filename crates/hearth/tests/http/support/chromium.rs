//! Headless Chromium driven through chromedriver (WebDriver), for the tests
//! that must see pages as a person does: scripts, layout, focus, images.
//!
//! Needs Debian's `chromium` and `chromium-driver` (scripts/test installs
//! them) and axe-core from `tests/http/axe` (`npm ci` there; scripts/test
//! does it). Screenshots land in `target/tmp/browser-artifacts/`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tokio::sync::{Semaphore, SemaphorePermit};

/// How long a step waits for a page or an element: generous, because a
/// loaded 2-core machine runs many browser tests at once.
const PAGE_WAIT: Duration = Duration::from_secs(30);

/// Two browsers at a time: each is heavy, and the machine may have two cores.
static BROWSERS: Semaphore = Semaphore::const_new(2);

/// Where chromedriver's Chromium lives (Debian's `/usr/bin/chromium` is a
/// shell wrapper around it).
fn chromium_binary() -> &'static str {
    ["/usr/lib/chromium/chromium", "/usr/bin/chromium"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("Chromium is missing: sudo apt-get install chromium chromium-driver")
}

/// The directory where a test's screenshots are kept.
pub fn artifacts_dir(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("browser-artifacts")
        .join(test);
    std::fs::create_dir_all(&dir).expect("artifacts dir");
    dir
}

/// One headless Chromium session with its own chromedriver and profile.
pub struct Chromium {
    pub client: Client,
    driver: Child,
    artifacts: PathBuf,
    _profile: tempfile::TempDir,
    _permit: SemaphorePermit<'static>,
}

/// Options for a session.
#[derive(Clone, Copy)]
pub struct Options {
    pub javascript: bool,
    pub width: u32,
    pub height: u32,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            javascript: true,
            width: 1280,
            height: 900,
        }
    }
}

/// Starts chromedriver on a free port: the process and the port. Now and
/// then one exits before it listens (several start at once on a busy
/// machine); another is started then, a few times at most.
fn start_driver() -> (Child, String) {
    for _ in 0..3 {
        let mut driver = Command::new("chromedriver")
            .arg("--port=0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is missing: sudo apt-get install chromium-driver");
        let stdout = driver.stdout.take().expect("chromedriver stdout");
        let port = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find_map(|line| {
                line.split("started successfully on port ")
                    .nth(1)
                    .map(|p| p.trim_end_matches('.').to_owned())
            });
        match port {
            Some(port) => return (driver, port),
            None => {
                let status = driver.wait();
                eprintln!("chromedriver stopped before it listened ({status:?}); starting another");
            }
        }
    }
    panic!("chromedriver did not start");
}

impl Chromium {
    /// Starts chromedriver on a free port and opens a session.
    pub async fn start(test: &str, options: Options) -> Self {
        let permit = BROWSERS.acquire().await.expect("browser permit");
        let (driver, port) = start_driver();
        let profile = tempfile::tempdir().expect("profile dir");
        let mut chrome = json!({
            "binary": chromium_binary(),
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--no-first-run",
                "--hide-scrollbars",
                format!("--window-size={},{}", options.width, options.height),
                format!("--user-data-dir={}", profile.path().display()),
            ],
        });
        if options.width < 800 {
            // Headless windows have a minimum width; emulate the device
            // instead so the page really lays out at `width` CSS pixels.
            chrome["mobileEmulation"] = json!({"deviceMetrics": {
                "width": options.width, "height": options.height, "pixelRatio": 1
            }});
        }
        if !options.javascript {
            chrome["prefs"] = json!({"profile.managed_default_content_settings.javascript": 2});
        }
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert("goog:chromeOptions".into(), chrome);
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("open a Chromium session");
        Self {
            client,
            driver,
            artifacts: artifacts_dir(test),
            _profile: profile,
            _permit: permit,
        }
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.expect("navigate");
    }

    pub async fn find(&self, css: &str) -> Element {
        let found = self
            .client
            .wait()
            .at_most(PAGE_WAIT)
            .for_element(Locator::Css(css))
            .await;
        match found {
            Ok(element) => element,
            Err(e) => panic!("no element {css} on {}: {e}", self.path().await),
        }
    }

    /// Whether an element matching `css` is on the page now.
    pub async fn has(&self, css: &str) -> bool {
        !self
            .client
            .find_all(Locator::Css(css))
            .await
            .expect("find_all")
            .is_empty()
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.expect("clear");
        field.send_keys(text).await.expect("type");
    }

    pub async fn select(&self, css: &str, value: &str) {
        self.find(css)
            .await
            .select_by_value(value)
            .await
            .expect("select");
    }

    /// Clicks `css` once the page has settled: a preview or suggestions
    /// box still filling in (`aria-busy`) would move what is below it
    /// between aiming and clicking.
    pub async fn click(&self, css: &str) {
        let settled = self
            .eventually("return !document.querySelector('[aria-busy=\"true\"]');")
            .await;
        assert_eq!(
            settled,
            Value::Bool(true),
            "the page never settled before clicking {css}"
        );
        self.find(css).await.click().await.expect("click");
    }

    /// Clicks what leads to another page (a submit button, a link) and waits
    /// until the old page is gone, so the next step reads the new one.
    pub async fn follow(&self, css: &str) {
        let old = self.find("html").await;
        self.click(css).await;
        let deadline = tokio::time::Instant::now() + PAGE_WAIT;
        while old.tag_name().await.is_ok() {
            assert!(
                tokio::time::Instant::now() < deadline,
                "clicking {css} did not lead anywhere from {}",
                self.path().await
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Presses and releases one key wherever the focus is.
    pub async fn press(&self, key: Key) {
        let keys = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: key.into() })
            .then(KeyAction::Up { value: key.into() });
        self.client
            .perform_actions(keys)
            .await
            .expect("press a key");
    }

    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.expect("text")
    }

    /// The current path and query.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("url");
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }

    pub async fn title(&self) -> String {
        self.client.title().await.expect("title")
    }

    pub async fn script(&self, js: &str) -> Value {
        self.client.execute(js, vec![]).await.expect("script")
    }

    /// Runs `js` until it returns something other than `null`, `false`, 0
    /// or "" (an image still loading, a script still working), for at most
    /// as long as a page may take; returns what it returned last.
    pub async fn eventually(&self, js: &str) -> Value {
        let deadline = tokio::time::Instant::now() + PAGE_WAIT;
        loop {
            let value = self.script(js).await;
            let falsy = match &value {
                Value::Null => true,
                Value::Bool(b) => !b,
                Value::Number(n) => n.as_f64() == Some(0.0),
                Value::String(s) => s.is_empty(),
                _ => false,
            };
            if !falsy || tokio::time::Instant::now() >= deadline {
                return value;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Saves a PNG of the viewport as `<name>.png` in the test's artifacts.
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(self.artifacts.join(format!("{name}.png")), png).expect("save screenshot");
    }

    /// Runs axe-core on the current page; returns its serious and critical
    /// violations, one line each.
    pub async fn accessibility_violations(&self) -> Vec<String> {
        let axe = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/http/axe/node_modules/axe-core/axe.min.js"),
        )
        .expect("axe-core is missing: run `npm ci` in crates/hearth/tests/http/axe");
        self.client.execute(&axe, vec![]).await.expect("inject axe");
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, {resultTypes: ['violations']})
                    .then(r => done(r.violations.map(v => ({
                        id: v.id, impact: v.impact,
                        nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))))
                    .catch(e => done([{id: 'axe-error', impact: 'critical', nodes: [String(e)]}]));",
                vec![],
            )
            .await
            .expect("run axe");
        result
            .as_array()
            .expect("violations")
            .iter()
            .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
            .map(|v| format!("{} ({}): {}", v["id"], v["impact"], v["nodes"]))
            .collect()
    }

    /// Fails the test if the current page has serious or critical
    /// accessibility violations; keeps a screenshot named `name` either way.
    pub async fn check_page(&self, name: &str) {
        self.screenshot(name).await;
        let violations = self.accessibility_violations().await;
        assert!(
            violations.is_empty(),
            "{name} ({}) has accessibility violations:\n{}",
            self.path().await,
            violations.join("\n")
        );
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        // A failed test still ends its chromedriver (which ends Chromium).
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
