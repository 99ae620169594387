//! ヘルプ: the user guide (README's user part, embedded in the core).

use zaitaku_core::help::{self, Guide};

/// Answered while locked (see `LOCK_SCREEN`): the guide is the README that
/// is public with the program, built in; it reads no database and holds no
/// office or patient data, so someone at the lock screen can read how to
/// sign in. Saving it as a PDF still needs a sign-in: the save dialog shows
/// the computer's folders and file names.
#[tauri::command(async)]
pub fn help_guide() -> &'static Guide {
    help::guide()
}
