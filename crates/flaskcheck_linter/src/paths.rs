//! Lexical path helpers: absolute and relative paths computed without touching the file system,
//! so that a path means the same thing whether or not it exists and whatever links it crosses.

use std::path::{Component, Path, PathBuf};

/// `path` made absolute against `cwd`, with `.` and `..` components resolved lexically.
pub fn absolute(path: &Path, cwd: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    normalize(&joined)
}

/// Resolves `.` and `..` lexically (`a/./b/../c` → `a/c`).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `path` relative to `base` (both absolute and normalized), with `..` where `path` is outside
/// `base`. An empty result is `.`.
pub fn relative_to(path: &Path, base: &Path) -> PathBuf {
    let path_parts: Vec<Component<'_>> = path.components().collect();
    let base_parts: Vec<Component<'_>> = base.components().collect();
    let common = path_parts
        .iter()
        .zip(&base_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = PathBuf::new();
    for _ in common..base_parts.len() {
        out.push("..");
    }
    for part in &path_parts[common..] {
        out.push(part.as_os_str());
    }
    if out.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        out
    }
}

/// The path with `/` separators, as flaskcheck prints and stores paths on every platform.
pub fn to_slash(path: &Path) -> String {
    let text = path.to_string_lossy();
    let text = text.strip_prefix("./").unwrap_or(&text);
    text.replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_resolves_dots() {
        let cwd = Path::new("/home/me/project");
        assert_eq!(
            absolute(Path::new("./app/../lib/x.py"), cwd),
            Path::new("/home/me/project/lib/x.py")
        );
        assert_eq!(absolute(Path::new("/etc/x"), cwd), Path::new("/etc/x"));
    }

    #[test]
    fn relative_paths_climb_out_of_the_base() {
        let base = Path::new("/repo/app");
        assert_eq!(
            relative_to(Path::new("/repo/app/api/x.py"), base),
            Path::new("api/x.py")
        );
        assert_eq!(
            relative_to(Path::new("/repo/lib/y.py"), base),
            Path::new("../lib/y.py")
        );
        assert_eq!(relative_to(base, base), Path::new("."));
    }

    #[test]
    fn slashes() {
        assert_eq!(to_slash(Path::new("./a/b.py")), "a/b.py");
    }
}
