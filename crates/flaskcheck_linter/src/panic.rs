//! Panics inside the analysis are caught per file (and per rule) and reported as FC002. The
//! default panic hook would also print them to stderr in the middle of the output; this hook
//! stays quiet for panics the linter catches and keeps the default behaviour for all others.

use std::any::Any;
use std::cell::Cell;
use std::sync::Once;

thread_local! {
    static CATCHING: Cell<u32> = const { Cell::new(0) };
}

/// Installs the quiet hook once per process.
pub(crate) fn install_quiet_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if CATCHING.with(Cell::get) == 0 {
                default(info);
            }
        }));
    });
}

/// Runs `f` with panics on this thread treated as caught (no stderr output).
pub(crate) fn quietly<T>(f: impl FnOnce() -> T) -> T {
    struct Guard;
    impl Drop for Guard {
        fn drop(&mut self) {
            CATCHING.with(|c| c.set(c.get() - 1));
        }
    }
    CATCHING.with(|c| c.set(c.get() + 1));
    let _guard = Guard;
    f()
}

/// The text of a caught panic's payload.
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        (*message).to_string()
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        "panic with a non-text payload".to_string()
    }
}
