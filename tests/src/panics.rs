//! Panics planted by tests stay off the test output.
//!
//! Some tests make code panic on purpose (a fuzz target that must be able to
//! fail, the C boundary turning a panic into a status). With `--nocapture`
//! the default hook would print each of them with a backtrace hint, so a
//! passing run would look like a failing one. Such panics start their
//! message with [`PLANTED`]; [`quiet_planted`] installs a hook that skips
//! them and prints every other panic as before.

/// The message every panic planted by a test starts with.
pub const PLANTED: &str = "planted by a test";

/// Installs, once per process, a panic hook that is silent for messages
/// starting with [`PLANTED`] and hands every other panic to the hook that
/// was installed before.
///
/// ```
/// use dosera_conformance::panics::{quiet_planted, PLANTED};
/// quiet_planted();
/// let caught = std::panic::catch_unwind(|| panic!("{PLANTED}: on purpose"));
/// assert!(caught.is_err());
/// ```
pub fn quiet_planted() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let text = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str));
            if !text.is_some_and(|t| t.starts_with(PLANTED)) {
                previous(info);
            }
        }));
    });
}
