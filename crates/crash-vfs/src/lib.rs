//! A SQLite VFS for tests that cuts the power.
//!
//! It wraps the real unix VFS: reads, locks and shared memory go straight
//! through, so SQLite behaves as it does in production. Beside that it keeps,
//! per file, what an fsync has made durable and what was written since. At a
//! simulated power loss, [`Disk::crash_image`] writes each file out as a disk
//! might hold it afterwards: everything synced, plus a random selection of
//! the later writes, some of them torn at a sector boundary, in any order.
//! This is the idea of SQLite's own crash tests (test6.c).
//!
//! It can also make fsync fail with `EIO`: the writes since the last good
//! sync are then lost for good, as Linux may drop dirty pages after a failed
//! writeback, so only a reopened database can be trusted again.

use std::collections::HashMap;
use std::ffi::{CStr, c_char, c_int, c_void};
use std::path::{Path, PathBuf};
use std::ptr;
use std::sync::{Mutex, MutexGuard, OnceLock};

use rusqlite::ffi;

/// The bytes a torn write keeps are a whole number of these.
const SECTOR: usize = 512;

/// The simulated disk: what every file holds durably and what is in flight.
pub struct Disk {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    files: HashMap<PathBuf, Image>,
    /// How many of the next fsyncs of files in this directory fail with EIO
    /// (only there: tests in other directories run at the same time).
    failing_syncs: Option<(PathBuf, u32)>,
    /// How often each file was opened as a main database.
    db_opens: HashMap<PathBuf, u64>,
}

#[derive(Default)]
struct Image {
    durable: Vec<u8>,
    pending: Vec<Op>,
}

enum Op {
    Write { offset: usize, data: Vec<u8> },
    Truncate(usize),
}

impl Op {
    fn apply(&self, image: &mut Vec<u8>, keep: Option<usize>) {
        match self {
            Op::Write { offset, data } => {
                let data = &data[..keep.unwrap_or(data.len()).min(data.len())];
                if image.len() < offset + data.len() {
                    image.resize(offset + data.len(), 0);
                }
                image[*offset..offset + data.len()].copy_from_slice(data);
            }
            Op::Truncate(size) => image.resize(*size, 0),
        }
    }
}

impl Disk {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes the files under `dir` into `to` as they would be after a power
    /// loss now. `seed` picks which unsynced writes made it, deterministically.
    pub fn crash_image(&self, dir: &Path, to: &Path, seed: u64) -> std::io::Result<()> {
        let state = self.lock();
        let mut rng = Rng(seed | 1);
        for (path, file) in &state.files {
            let (Ok(rest), Some(name)) = (path.strip_prefix(dir), path.file_name()) else {
                continue;
            };
            if rest.components().count() != 1 {
                continue;
            }
            let mut image = file.durable.clone();
            for op in &file.pending {
                match rng.below(4) {
                    0 => {}
                    1 => {
                        let sectors = match op {
                            Op::Write { data, .. } => data.len() / SECTOR,
                            Op::Truncate(_) => 0,
                        };
                        if sectors > 0 {
                            op.apply(
                                &mut image,
                                Some(rng.below(sectors as u64) as usize * SECTOR),
                            );
                        }
                    }
                    _ => op.apply(&mut image, None),
                }
            }
            if !image.is_empty() {
                std::fs::write(to.join(name), image)?;
            }
        }
        Ok(())
    }

    /// Makes the next `n` fsyncs of files in `dir` fail with EIO.
    pub fn fail_next_syncs(&self, dir: &Path, n: u32) {
        self.lock().failing_syncs = Some((dir.to_owned(), n));
    }

    /// How often the database at `path` has been opened.
    pub fn opens_of(&self, path: &Path) -> u64 {
        let state = self.lock();
        state.db_opens.get(path).copied().unwrap_or(0)
    }
}

/// A small deterministic generator (xorshift64), enough to pick writes.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

static DISK: OnceLock<Disk> = OnceLock::new();
/// The real VFS, as an address: raw pointers are not `Sync`.
static REAL: OnceLock<usize> = OnceLock::new();

/// Makes this VFS the process's default (once) and returns its disk. Every
/// SQLite database opened afterwards in this process goes through it.
pub fn install() -> &'static Disk {
    DISK.get_or_init(|| {
        // SAFETY: sqlite3_vfs_find returns the registered default VFS, which
        // lives for the whole process; the VFS we register is leaked, so it
        // does too, as sqlite3_vfs_register requires.
        unsafe {
            let real = ffi::sqlite3_vfs_find(ptr::null());
            assert!(!real.is_null(), "SQLite has no default VFS");
            REAL.get_or_init(|| real as usize);
            let mut vfs = *real;
            vfs.szOsFile = std::mem::size_of::<CrashFile>() as c_int;
            vfs.zName = c"hearth-crash".as_ptr();
            vfs.pNext = ptr::null_mut();
            vfs.xOpen = Some(x_open);
            vfs.xDelete = Some(x_delete);
            let rc = ffi::sqlite3_vfs_register(Box::into_raw(Box::new(vfs)), 1);
            assert_eq!(rc, ffi::SQLITE_OK, "register the crash VFS");
        }
        Disk {
            state: Mutex::new(State::default()),
        }
    })
}

fn disk() -> &'static Disk {
    DISK.get().unwrap_or_else(|| std::process::abort())
}

fn real_vfs() -> *mut ffi::sqlite3_vfs {
    *REAL.get().unwrap_or_else(|| std::process::abort()) as *mut ffi::sqlite3_vfs
}

/// What SQLite allocates for each open file: our header, then the real
/// VFS's file, which we allocate separately.
#[repr(C)]
struct CrashFile {
    base: ffi::sqlite3_file,
    real: *mut ffi::sqlite3_file,
    /// The tracked path; null for temporary files, which no crash keeps.
    path: *mut PathBuf,
}

fn real_layout() -> std::alloc::Layout {
    // SAFETY: real_vfs() points at the live default VFS.
    let size = unsafe { (*real_vfs()).szOsFile } as usize;
    std::alloc::Layout::from_size_align(size.max(1), 16).unwrap_or_else(|_| std::process::abort())
}

unsafe extern "C" fn x_open(
    _vfs: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    file: *mut ffi::sqlite3_file,
    flags: c_int,
    out_flags: *mut c_int,
) -> c_int {
    let me = file as *mut CrashFile;
    // SAFETY: SQLite gives us szOsFile bytes at `file`; the real file gets its
    // own zeroed allocation of the real VFS's size; `name` is a C string or null.
    unsafe {
        (*me).base.pMethods = ptr::null();
        let real = std::alloc::alloc_zeroed(real_layout()) as *mut ffi::sqlite3_file;
        if real.is_null() {
            return ffi::SQLITE_NOMEM;
        }
        let vfs = real_vfs();
        let Some(open) = (*vfs).xOpen else {
            return ffi::SQLITE_ERROR;
        };
        let rc = open(vfs, name, real, flags, out_flags);
        if rc != ffi::SQLITE_OK {
            std::alloc::dealloc(real as *mut u8, real_layout());
            return rc;
        }
        (*me).real = real;
        (*me).path = ptr::null_mut();
        if !name.is_null() {
            let path = PathBuf::from(CStr::from_ptr(name).to_string_lossy().into_owned());
            let mut state = disk().lock();
            if flags & ffi::SQLITE_OPEN_MAIN_DB != 0 {
                *state.db_opens.entry(path.clone()).or_default() += 1;
            }
            // A file that was there before we watched it is durable as it is.
            state.files.entry(path.clone()).or_insert_with(|| Image {
                durable: std::fs::read(&path).unwrap_or_default(),
                pending: Vec::new(),
            });
            (*me).path = Box::into_raw(Box::new(path));
        }
        (*me).base.pMethods = &METHODS;
        ffi::SQLITE_OK
    }
}

unsafe extern "C" fn x_delete(
    _vfs: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    sync_dir: c_int,
) -> c_int {
    // SAFETY: `name` is the C string SQLite passes; the real VFS is live.
    unsafe {
        let path = PathBuf::from(CStr::from_ptr(name).to_string_lossy().into_owned());
        disk().lock().files.remove(&path);
        let vfs = real_vfs();
        match (*vfs).xDelete {
            Some(delete) => delete(vfs, name, sync_dir),
            None => ffi::SQLITE_ERROR,
        }
    }
}

/// The real file and our tracked path of a file SQLite hands back to us.
///
/// # Safety
/// `file` must be a `CrashFile` that `x_open` opened and that is not closed.
unsafe fn parts<'a>(
    file: *mut ffi::sqlite3_file,
) -> (
    *mut ffi::sqlite3_file,
    &'static ffi::sqlite3_io_methods,
    Option<&'a PathBuf>,
) {
    // SAFETY: guaranteed by the caller; the real file's methods outlive it.
    unsafe {
        let me = file as *mut CrashFile;
        let real = (*me).real;
        (real, &*(*real).pMethods, (*me).path.as_ref())
    }
}

/// Calls the real file's method `$m` with the remaining arguments.
macro_rules! forward {
    ($file:expr, $m:ident $(, $arg:expr)*) => {{
        // SAFETY: SQLite calls methods only on files x_open opened.
        let (real, methods, _) = unsafe { parts($file) };
        match methods.$m {
            // SAFETY: the real method on the real file, with SQLite's arguments.
            Some(f) => unsafe { f(real $(, $arg)*) },
            None => ffi::SQLITE_ERROR,
        }
    }};
}

unsafe extern "C" fn x_close(file: *mut ffi::sqlite3_file) -> c_int {
    let rc = forward!(file, xClose);
    // SAFETY: the file is being closed; we free what x_open allocated, once.
    unsafe {
        let me = file as *mut CrashFile;
        std::alloc::dealloc((*me).real as *mut u8, real_layout());
        if !(*me).path.is_null() {
            drop(Box::from_raw((*me).path));
        }
        (*me).path = ptr::null_mut();
    }
    rc
}

unsafe extern "C" fn x_read(
    file: *mut ffi::sqlite3_file,
    buf: *mut c_void,
    amount: c_int,
    offset: i64,
) -> c_int {
    forward!(file, xRead, buf, amount, offset)
}

unsafe extern "C" fn x_write(
    file: *mut ffi::sqlite3_file,
    buf: *const c_void,
    amount: c_int,
    offset: i64,
) -> c_int {
    // SAFETY: SQLite passes `amount` readable bytes at `buf`.
    unsafe {
        if let (_, _, Some(path)) = parts(file) {
            let data = std::slice::from_raw_parts(buf as *const u8, amount as usize).to_vec();
            if let Some(image) = disk().lock().files.get_mut(path) {
                image.pending.push(Op::Write {
                    offset: offset as usize,
                    data,
                });
            }
        }
    }
    forward!(file, xWrite, buf, amount, offset)
}

unsafe extern "C" fn x_truncate(file: *mut ffi::sqlite3_file, size: i64) -> c_int {
    // SAFETY: an open file.
    if let (_, _, Some(path)) = unsafe { parts(file) }
        && let Some(image) = disk().lock().files.get_mut(path)
    {
        image.pending.push(Op::Truncate(size as usize));
    }
    forward!(file, xTruncate, size)
}

unsafe extern "C" fn x_sync(file: *mut ffi::sqlite3_file, flags: c_int) -> c_int {
    // SAFETY: an open file.
    let path = unsafe { parts(file) }.2.cloned();
    {
        let mut state = disk().lock();
        let fails = match (&mut state.failing_syncs, &path) {
            (Some((dir, n)), Some(p)) if *n > 0 && p.starts_with(&*dir) => {
                *n -= 1;
                true
            }
            _ => false,
        };
        if fails {
            // The failed writeback's pages are gone; a later fsync will not
            // bring them back.
            if let Some(image) = path.as_ref().and_then(|p| state.files.get_mut(p)) {
                image.pending.clear();
            }
            return ffi::SQLITE_IOERR_FSYNC;
        }
    }
    let rc = forward!(file, xSync, flags);
    if rc == ffi::SQLITE_OK {
        let mut state = disk().lock();
        if let Some(image) = path.as_ref().and_then(|p| state.files.get_mut(p)) {
            for op in std::mem::take(&mut image.pending) {
                op.apply(&mut image.durable, None);
            }
        }
    }
    rc
}

unsafe extern "C" fn x_file_size(file: *mut ffi::sqlite3_file, size: *mut i64) -> c_int {
    forward!(file, xFileSize, size)
}

unsafe extern "C" fn x_lock(file: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    forward!(file, xLock, level)
}

unsafe extern "C" fn x_unlock(file: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    forward!(file, xUnlock, level)
}

unsafe extern "C" fn x_check_reserved_lock(file: *mut ffi::sqlite3_file, out: *mut c_int) -> c_int {
    forward!(file, xCheckReservedLock, out)
}

unsafe extern "C" fn x_file_control(
    file: *mut ffi::sqlite3_file,
    op: c_int,
    arg: *mut c_void,
) -> c_int {
    forward!(file, xFileControl, op, arg)
}

unsafe extern "C" fn x_sector_size(file: *mut ffi::sqlite3_file) -> c_int {
    forward!(file, xSectorSize)
}

unsafe extern "C" fn x_device_characteristics(file: *mut ffi::sqlite3_file) -> c_int {
    forward!(file, xDeviceCharacteristics)
}

unsafe extern "C" fn x_shm_map(
    file: *mut ffi::sqlite3_file,
    region: c_int,
    size: c_int,
    extend: c_int,
    out: *mut *mut c_void,
) -> c_int {
    forward!(file, xShmMap, region, size, extend, out)
}

unsafe extern "C" fn x_shm_lock(
    file: *mut ffi::sqlite3_file,
    offset: c_int,
    n: c_int,
    flags: c_int,
) -> c_int {
    forward!(file, xShmLock, offset, n, flags)
}

unsafe extern "C" fn x_shm_barrier(file: *mut ffi::sqlite3_file) {
    // SAFETY: an open file; the real barrier on the real file.
    unsafe {
        let (real, methods, _) = parts(file);
        if let Some(barrier) = methods.xShmBarrier {
            barrier(real);
        }
    }
}

unsafe extern "C" fn x_shm_unmap(file: *mut ffi::sqlite3_file, delete: c_int) -> c_int {
    forward!(file, xShmUnmap, delete)
}

/// Version 2: shared memory (for WAL), but no memory-mapped I/O, so every
/// write passes through `x_write`.
static METHODS: ffi::sqlite3_io_methods = ffi::sqlite3_io_methods {
    iVersion: 2,
    xClose: Some(x_close),
    xRead: Some(x_read),
    xWrite: Some(x_write),
    xTruncate: Some(x_truncate),
    xSync: Some(x_sync),
    xFileSize: Some(x_file_size),
    xLock: Some(x_lock),
    xUnlock: Some(x_unlock),
    xCheckReservedLock: Some(x_check_reserved_lock),
    xFileControl: Some(x_file_control),
    xSectorSize: Some(x_sector_size),
    xDeviceCharacteristics: Some(x_device_characteristics),
    xShmMap: Some(x_shm_map),
    xShmLock: Some(x_shm_lock),
    xShmBarrier: Some(x_shm_barrier),
    xShmUnmap: Some(x_shm_unmap),
    xFetch: None,
    xUnfetch: None,
};
