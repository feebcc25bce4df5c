//! For the unit tests: a fresh directory tree of files under the system's
//! temporary directory, one per test and process.

use std::fs;
use std::path::PathBuf;

/// Makes `<tmp>/book-tools-<name>-<pid>` anew, holding `files` (path, text).
pub fn tree(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("book-tools-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    for (path, text) in files {
        let p = dir.join(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    dir
}
