//! Values that cross into and out of SQL, whatever the engine: arguments
//! borrowed from the caller, and rows read column after column.

use hearth_store::export::Value;
use hearth_store::{Result, StoreError};

/// One argument of a statement, borrowed where it can be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Arg<'a> {
    /// SQL null.
    Null,
    /// An integer (every integer column is 64 bits wide).
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// Text.
    Text(&'a str),
    /// Bytes.
    Blob(&'a [u8]),
}

impl From<i64> for Arg<'_> {
    fn from(v: i64) -> Self {
        Arg::Int(v)
    }
}

impl From<bool> for Arg<'_> {
    fn from(v: bool) -> Self {
        Arg::Bool(v)
    }
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(v: &'a str) -> Self {
        Arg::Text(v)
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(v: &'a String) -> Self {
        Arg::Text(v)
    }
}

impl<'a> From<&'a [u8]> for Arg<'a> {
    fn from(v: &'a [u8]) -> Self {
        Arg::Blob(v)
    }
}

impl<'a> From<&'a Vec<u8>> for Arg<'a> {
    fn from(v: &'a Vec<u8>) -> Self {
        Arg::Blob(v)
    }
}

impl<'a, T: Into<Arg<'a>>> From<Option<T>> for Arg<'a> {
    fn from(v: Option<T>) -> Self {
        v.map_or(Arg::Null, Into::into)
    }
}

impl<'a> From<&'a Value> for Arg<'a> {
    fn from(v: &'a Value) -> Self {
        match v {
            Value::Null => Arg::Null,
            Value::Int(i) => Arg::Int(*i),
            Value::Text(t) => Arg::Text(t),
            Value::Bool(b) => Arg::Bool(*b),
            Value::Blob(b) => Arg::Blob(b),
        }
    }
}

macro_rules! id_args {
    ($($id:ident),*) => {$(
        impl From<hearth_core::ids::$id> for Arg<'_> {
            fn from(v: hearth_core::ids::$id) -> Self {
                Arg::Int(v.0)
            }
        }
    )*};
}
id_args!(
    UserId,
    SpaceId,
    TokenId,
    InviteId,
    TopicId,
    ReplyId,
    AttachmentId
);

/// The arguments of a statement: `args![a, b]` is `&[Arg::from(a), Arg::from(b)]`.
#[macro_export]
macro_rules! args {
    ($($a:expr),* $(,)?) => {
        &[$($crate::Arg::from($a)),*][..]
    };
}

/// A statement's arguments, numbered as they are added: `q.arg(x)` is the
/// placeholder (`$n`) of `x`, to write into the statement where it goes.
#[derive(Debug, Default, Clone)]
pub struct Args<'a>(Vec<Arg<'a>>);

impl<'a> Args<'a> {
    /// No arguments yet.
    pub fn new() -> Self {
        Self(Vec::new())
    }

    /// Adds an argument; its placeholder.
    pub fn arg(&mut self, a: impl Into<Arg<'a>>) -> String {
        self.0.push(a.into());
        format!("${}", self.0.len())
    }

    /// The arguments, in order.
    pub fn list(&self) -> &[Arg<'a>] {
        &self.0
    }
}

/// One row of a result: its values in the order of the select list.
#[derive(Debug, Clone, PartialEq)]
pub struct Row(pub Vec<Value>);

impl Row {
    /// A reader of the row's columns from the first.
    pub fn cursor(&mut self) -> Cursor<'_> {
        Cursor {
            values: &mut self.0,
            at: 0,
        }
    }

    /// The first column, for rows of one value.
    pub fn first<T: FromValue>(mut self) -> Result<T> {
        self.cursor().get()
    }

    /// Reads the row with a record reader.
    pub fn read<T>(mut self, read: impl FnOnce(&mut Cursor<'_>) -> Result<T>) -> Result<T> {
        read(&mut self.cursor())
    }
}

/// Reading many rows, or maybe one, with a record reader.
pub trait ReadRows {
    /// What reading gives.
    type Out<T>;
    /// Reads with `read`.
    fn read<T>(self, read: impl Fn(&mut Cursor<'_>) -> Result<T>) -> Result<Self::Out<T>>;
}

impl ReadRows for Vec<Row> {
    type Out<T> = Vec<T>;
    fn read<T>(self, read: impl Fn(&mut Cursor<'_>) -> Result<T>) -> Result<Vec<T>> {
        self.into_iter().map(|r| r.read(&read)).collect()
    }
}

impl ReadRows for Option<Row> {
    type Out<T> = Option<T>;
    fn read<T>(self, read: impl Fn(&mut Cursor<'_>) -> Result<T>) -> Result<Option<T>> {
        self.map(|r| r.read(&read)).transpose()
    }
}

/// Reads a row's columns one after another, each as the type its record
/// field wants: a record's reader names its columns in the same order as
/// its select list, with no offsets to count.
pub struct Cursor<'r> {
    values: &'r mut Vec<Value>,
    at: usize,
}

impl Cursor<'_> {
    /// The next column.
    pub fn get<T: FromValue>(&mut self) -> Result<T> {
        let value = self
            .values
            .get_mut(self.at)
            .map(|v| std::mem::replace(v, Value::Null))
            .ok_or_else(|| StoreError::Other(format!("row has no column {}", self.at)))?;
        self.at += 1;
        T::from_value(value)
    }

    /// The next column, read by the parser of a core type.
    pub fn parse<T, E: std::fmt::Display>(
        &mut self,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<T> {
        let text: String = self.get()?;
        parse(&text).map_err(|e| StoreError::Other(format!("unreadable row: {e}")))
    }
}

/// A Rust value read from one column.
pub trait FromValue: Sized {
    /// Converts, or says what the column held instead.
    fn from_value(v: Value) -> Result<Self>;
}

fn mismatch(want: &str, got: &Value) -> StoreError {
    StoreError::Other(format!("expected {want}, the column held {got:?}"))
}

impl FromValue for Value {
    fn from_value(v: Value) -> Result<Self> {
        Ok(v)
    }
}

impl FromValue for i64 {
    fn from_value(v: Value) -> Result<Self> {
        match v {
            Value::Int(i) => Ok(i),
            other => Err(mismatch("an integer", &other)),
        }
    }
}

impl FromValue for bool {
    fn from_value(v: Value) -> Result<Self> {
        match v {
            Value::Bool(b) => Ok(b),
            // SQLite keeps booleans as 0 and 1.
            Value::Int(i) => Ok(i != 0),
            other => Err(mismatch("a boolean", &other)),
        }
    }
}

impl FromValue for String {
    fn from_value(v: Value) -> Result<Self> {
        match v {
            Value::Text(t) => Ok(t),
            other => Err(mismatch("text", &other)),
        }
    }
}

impl FromValue for Vec<u8> {
    fn from_value(v: Value) -> Result<Self> {
        match v {
            Value::Blob(b) => Ok(b),
            other => Err(mismatch("bytes", &other)),
        }
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: Value) -> Result<Self> {
        match v {
            Value::Null => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

macro_rules! id_values {
    ($($id:ident),*) => {$(
        impl FromValue for hearth_core::ids::$id {
            fn from_value(v: Value) -> Result<Self> {
                i64::from_value(v).map(hearth_core::ids::$id)
            }
        }
    )*};
}
id_values!(
    UserId,
    SpaceId,
    TokenId,
    InviteId,
    TopicId,
    ReplyId,
    AttachmentId
);
