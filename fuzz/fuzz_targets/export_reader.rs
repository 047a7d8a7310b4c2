//! The export reader: a damaged, truncated or hostile file gets a clear
//! error, never a panic, and is accepted only whole, every table matching
//! the manifest. Whatever rows it read, the writer writes them again into a
//! file the reader accepts, with the same values.
#![no_main]

use std::collections::BTreeMap;

use hearth_store::export::{TABLES, Table, Value};
use hearth_store::export_file::{Reader, Record, TableSum, Writer};
use libfuzzer_sys::fuzz_target;

type Tables = Vec<(&'static Table, Vec<Vec<Value>>)>;

fuzz_target!(|data: &[u8]| {
    let (tables, whole) = read(data);
    if let Ok(sums) = whole {
        assert_eq!(sums.len(), TABLES.len(), "accepted without every table");
        for table in TABLES {
            assert_eq!(sums[table.name].rows, rows(&tables, table).len() as u64);
        }
    }

    let (again, whole) = read(&write(&tables));
    assert!(whole.is_ok(), "a written export is refused: {whole:?}");
    for table in TABLES {
        assert_eq!(rows(&again, table), rows(&tables, table), "{}", table.name);
    }
});

/// The tables and rows read until the end or the first error, and the sums
/// if the file was accepted.
fn read(data: &[u8]) -> (Tables, Result<BTreeMap<String, TableSum>, String>) {
    let mut tables = Tables::new();
    let mut reader = match Reader::new(data) {
        Ok(reader) => reader,
        Err(e) => return (tables, Err(e)),
    };
    loop {
        match reader.next_record() {
            Ok(Some(Record::Table(t))) => tables.push((t, Vec::new())),
            Ok(Some(Record::Row(row))) => match tables.last_mut() {
                Some((_, rows)) => rows.push(row),
                None => panic!("a row before any table was read"),
            },
            Ok(None) => return (tables, Ok(reader.sums().clone())),
            Err(e) => return (tables, Err(e)),
        }
    }
}

fn rows<'a>(tables: &'a Tables, table: &Table) -> &'a [Vec<Value>] {
    tables
        .iter()
        .find(|(t, _)| t.name == table.name)
        .map_or(&[], |(_, rows)| rows)
}

/// A whole export holding `tables`, the others empty.
fn write(tables: &Tables) -> Vec<u8> {
    let mut writer = Writer::new(Vec::new(), 1, 0, None).expect("writing to memory");
    for table in TABLES {
        writer.table(table).expect("writing to memory");
        for row in rows(tables, table) {
            writer.row(row).expect("writing to memory");
        }
    }
    writer.finish().expect("writing to memory").0
}
