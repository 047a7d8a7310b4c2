//! Writing the search index: documents numbered by kind and id, the text
//! each kind is found by, and building the whole index again from the
//! content, in batches, when a migration or an import asks for it.

use hearth_core::search::{index_text, name_key};
use hearth_store::{ProfileDetails, Result};

use crate::args;
use crate::conn::{Conn, Dialect, value};
use crate::value::ReadRows;

/// What a document of the index is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Doc {
    Topic(i64),
    Reply(i64),
    Space(i64),
    Person(i64),
}

/// The bits of a document's number that hold the id of what it indexes;
/// the bits above hold its kind, so that each kind is one range of numbers,
/// which both engines search within without reading the others' matches.
pub(super) const ID_BITS: u32 = 40;

/// The kinds of documents, as their numbers hold them.
pub(super) const TOPIC: i64 = 0;
pub(super) const REPLY: i64 = 1;
pub(super) const SPACE: i64 = 2;
pub(super) const PERSON: i64 = 3;

impl Doc {
    fn number(self) -> i64 {
        let (kind, id) = match self {
            Doc::Topic(id) => (TOPIC, id),
            Doc::Reply(id) => (REPLY, id),
            Doc::Space(id) => (SPACE, id),
            Doc::Person(id) => (PERSON, id),
        };
        (kind << ID_BITS) | id
    }
}

/// SQL for the kind of document number `doc` (0 a topic, 1 a reply, 2 a
/// space, 3 a person).
pub(super) fn kind_of(doc: &str) -> String {
    format!("({doc} >> {ID_BITS})")
}

/// SQL for the id in document number `doc`.
pub(super) fn id_of(doc: &str) -> String {
    format!("({doc} & {})", (1i64 << ID_BITS) - 1)
}

/// Writes one document of the index, replacing what it held.
pub(crate) async fn index(c: &mut dyn Conn, doc: Doc, title: &str, body: &str) -> Result<()> {
    let (title, body) = (index_text(title), index_text(body));
    let doc = doc.number();
    match c.dialect() {
        Dialect::Sqlite => {
            c.execute("DELETE FROM search_index WHERE rowid = $1", args![doc])
                .await?;
            c.execute(
                "INSERT INTO search_index (rowid, title, body) VALUES ($1, $2, $3)",
                args![doc, &title, &body],
            )
            .await?;
        }
        Dialect::Postgres => {
            c.execute(
                "INSERT INTO search_index (doc, vector)
                 VALUES ($1, setweight(to_tsvector('english', $2), 'A')
                             || setweight(to_tsvector('english', $3), 'B'))
                 ON CONFLICT (doc) DO UPDATE SET vector = excluded.vector",
                args![doc, &title, &body],
            )
            .await?;
        }
    }
    Ok(())
}

/// The text a space is found by: its name, then its description and slug.
pub(crate) fn space_text(name: &str, description: &str, slug: &str) -> (String, String) {
    (name.to_owned(), format!("{description} {slug}"))
}

/// The text a person is found by: their display name and username, then
/// what their profile says (`about`: title, department, location and the
/// about text, one after another).
pub(crate) fn person_text(display_name: &str, username: &str, about: &str) -> (String, String) {
    (format!("{display_name} {username}"), about.to_owned())
}

/// What a profile says, as [`person_text`] takes it.
pub(crate) fn profile_text(d: &ProfileDetails) -> String {
    format!("{} {} {} {}", d.title, d.department, d.location, d.about_md)
}

/// A document of one kind, from its id.
type DocOf = fn(i64) -> Doc;

/// Where the index is built from, kind by kind: each row is an id and
/// four texts, read in id order from after `$1`.
const SOURCES: &[(DocOf, &str)] = &[
    (
        Doc::Topic,
        "SELECT id, title, body_md, '', '' FROM topics WHERE id > $1 ORDER BY id LIMIT 500",
    ),
    (
        Doc::Reply,
        "SELECT id, '', body_md, '', '' FROM replies WHERE id > $1 ORDER BY id LIMIT 500",
    ),
    (
        Doc::Space,
        "SELECT id, name, description, slug, '' FROM spaces
         WHERE id > $1 AND kind = 'community' ORDER BY id LIMIT 500",
    ),
    (
        Doc::Person,
        "SELECT id, display_name, username,
                COALESCE(title, '') || ' ' || COALESCE(department, '') || ' '
                || COALESCE(location, ''),
                COALESCE(about_md, '')
         FROM users WHERE id > $1 ORDER BY id LIMIT 500",
    ),
];

/// The four texts a source reads.
type Texts = (String, String, String, String);

/// Writes the document of `doc`'s kind from the texts its source read; a
/// person's directory key is written with it.
async fn rebuild_document(c: &mut dyn Conn, doc: Doc, (a, b, x, y): Texts) -> Result<()> {
    let (title, body) = match doc {
        Doc::Topic(_) | Doc::Reply(_) => (a, b),
        Doc::Space(_) => space_text(&a, &b, &x),
        Doc::Person(id) => {
            let key = name_key(&[&a, &b, &x]);
            c.execute(
                "UPDATE users SET name_key = $2 WHERE id = $1",
                args![id, &key],
            )
            .await?;
            person_text(&a, &b, &format!("{x} {y}"))
        }
    };
    index(c, doc, &title, &body).await
}

/// The steps of building the index again: one per kind of document.
pub(crate) const REBUILD_STEPS: usize = SOURCES.len();

/// How many documents building the index again writes.
pub(crate) async fn rebuild_total(c: &mut dyn Conn) -> Result<i64> {
    value(
        c,
        "SELECT (SELECT count(*) FROM topics) + (SELECT count(*) FROM replies)
              + (SELECT count(*) FROM spaces WHERE kind = 'community')
              + (SELECT count(*) FROM users)",
        &[],
    )
    .await
}

/// Writes the next batch of step `step`'s documents, from after id `after`:
/// the last id written and how many, or `None` when the step is done.
pub(crate) async fn rebuild_batch(
    c: &mut dyn Conn,
    step: usize,
    after: i64,
) -> Result<Option<(i64, i64)>> {
    let (doc, sql) = SOURCES[step];
    let rows = c.query(sql, args![after]).await?.read(|r| {
        let id: i64 = r.get()?;
        Ok((id, (r.get()?, r.get()?, r.get()?, r.get()?)))
    })?;
    let written = rows.len() as i64;
    let mut last = None;
    for (id, texts) in rows {
        rebuild_document(c, doc(id), texts).await?;
        last = Some(id);
    }
    Ok(last.map(|id| (id, written)))
}
