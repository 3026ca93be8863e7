//! Who is using a private data directory: the lock a live Closed Set process (or its watchdog)
//! holds on it, and the PostgreSQL postmaster its `postmaster.pid` names.
//!
//! The lock is an advisory `flock` on `closedset.lock` beside the cluster. The kernel drops it
//! when the last process holding it exits, however it exits, so a lock that is free means no
//! Closed Set process is left on this directory, and whatever PostgreSQL still runs there was
//! left behind by one that died.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

/// The lock on a data directory, held for as long as this value (or a copy of its descriptor
/// handed to the watchdog) lives.
#[derive(Debug)]
pub struct DataDirLock {
    file: File,
}

/// What trying the lock found.
#[derive(Debug)]
pub enum Claim {
    /// It is ours now.
    Taken(DataDirLock),
    /// Another process holds it; the pid it wrote, when it wrote one that still runs.
    Held { by: Option<u32> },
}

impl DataDirLock {
    /// Tries to take the lock on `data_dir` without waiting; on success writes our pid into it,
    /// for the message another process shows.
    pub fn try_take(data_dir: &Path) -> std::io::Result<Claim> {
        let path = lock_path(data_dir);
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)?;
        if !try_flock(&file)? {
            let mut text = String::new();
            let _ = file.read_to_string(&mut text);
            let by = text.trim().parse::<u32>().ok().filter(|pid| is_alive(*pid));
            return Ok(Claim::Held { by });
        }
        file.set_len(0)?;
        file.rewind()?;
        write!(file, "{}", std::process::id())?;
        Ok(Claim::Taken(DataDirLock { file }))
    }

    /// A second descriptor on the same lock, for a child process: the lock stays held until
    /// both are closed.
    pub fn share(&self) -> std::io::Result<File> {
        self.file.try_clone()
    }
}

fn lock_path(data_dir: &Path) -> PathBuf {
    data_dir.join("closedset.lock")
}

/// `flock(LOCK_EX | LOCK_NB)`: true when taken, false when another open file holds it.
#[allow(unsafe_code)]
fn try_flock(file: &File) -> std::io::Result<bool> {
    // SAFETY: flock reads only the descriptor, which `file` keeps open for the whole call.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc == 0 {
        return Ok(true);
    }
    let err = std::io::Error::last_os_error();
    if err.raw_os_error() == Some(libc::EWOULDBLOCK) {
        Ok(false)
    } else {
        Err(err)
    }
}

/// The pid on the first line of `pgdata/postmaster.pid`, if the file is there.
pub fn recorded_pid(pgdata: &Path) -> Option<u32> {
    std::fs::read_to_string(pgdata.join("postmaster.pid"))
        .ok()?
        .lines()
        .next()?
        .trim()
        .parse()
        .ok()
}

/// Running, not merely a zombie waiting for its parent to collect it.
pub fn is_alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit(')')
            .next()
            .is_some_and(|rest| !rest.trim_start().starts_with('Z'))
    })
}

/// What `/proc` says a process is: its command line, arguments separated by spaces.
pub fn command_line(pid: u32) -> String {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|bytes| {
            String::from_utf8_lossy(&bytes)
                .replace('\0', " ")
                .trim()
                .to_string()
        })
        .unwrap_or_default()
}

/// Whether `pid` runs the `postgres` program (a postmaster or one of its processes).
pub fn is_postgres(pid: u32) -> bool {
    let cmdline = command_line(pid);
    // A postmaster keeps its command line; its children rewrite theirs as "postgres: …".
    let program = cmdline.split(' ').next().unwrap_or("");
    Path::new(program.trim_end_matches(':'))
        .file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name == "postgres" || name == "postmaster")
}

/// Whether `pid` is a PostgreSQL postmaster serving `pgdata`: its program is `postgres` and it
/// works in that directory (the postmaster changes into its data directory) or names it on its
/// command line. Anything else is never ours to stop.
pub fn is_postmaster_of(pid: u32, pgdata: &Path) -> bool {
    if !is_alive(pid) || !is_postgres(pid) {
        return false;
    }
    let works_there = std::fs::read_link(format!("/proc/{pid}/cwd")).is_ok_and(|cwd| cwd == pgdata);
    works_there || command_line(pid).contains(&*pgdata.to_string_lossy())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_is_taken_once_and_names_its_holder() {
        let dir = tempfile_dir();
        let Claim::Taken(lock) = DataDirLock::try_take(&dir).unwrap() else {
            panic!("a fresh directory is free");
        };
        match DataDirLock::try_take(&dir).unwrap() {
            Claim::Held { by } => assert_eq!(by, Some(std::process::id())),
            Claim::Taken(_) => panic!("taken twice"),
        }
        drop(lock);
        assert!(matches!(
            DataDirLock::try_take(&dir).unwrap(),
            Claim::Taken(_)
        ));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_process_that_is_not_postgres_is_never_a_postmaster() {
        let me = std::process::id();
        assert!(is_alive(me));
        assert!(!is_postgres(me));
        assert!(!is_postmaster_of(me, Path::new("/")));
        assert!(!is_alive(u32::MAX));
    }

    fn tempfile_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("closedset-lock-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
