//! PostgreSQL failover: with a multi-host URL and
//! `target_session_attrs=read-write`, Hearth follows a promoted replica
//! without a restart, and loses nothing that was acknowledged.

use crate::cli::{create_admin, start_server};
use crate::crash::Thread;
use crate::readonly::until_written;
use crate::support::postgres::Cluster;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failover_is_followed_without_a_restart() {
    let primary = Cluster::dedicated_durable("failover-primary");
    primary.create_database("hearth").await;
    let replica = Cluster::replica_of(&primary, "failover-replica");
    let url = format!(
        "postgres://postgres@127.0.0.1:{},127.0.0.1:{}/hearth?target_session_attrs=read-write",
        primary.port, replica.port
    );
    let args = vec!["--database".to_owned(), url];
    let cwd = tempfile::tempdir().unwrap();
    assert!(create_admin(&args, cwd.path()).status.success());
    let (mut server, base) = start_server(&args, cwd.path());
    let thread = Thread::prepare(&base).await;
    let reply = |body: &'static str| thread.reply(body);
    assert_eq!(reply("before the failover").await.unwrap().status(), 201);
    replica
        .wait_for_count("hearth", "SELECT count(*) FROM replies", 1)
        .await;

    primary.kill9();
    replica.promote();
    // The pool finds the new primary by itself; until it has, writes are
    // refused as retryable, never half-written.
    until_written(|| reply("after the failover")).await;
    let topic = thread.topic_json().await;
    let bodies: Vec<_> = topic["replies"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["before the failover", "after the failover"]);
    let _ = server.kill();
    let _ = server.wait();
}
