//! 私の意志表示帳: the stock ledger screen.

use zaitaku_core::booklets::{
    self, Change, Channel, ChannelInput, Edition, EditionInput, Entry, EntryInput, Screen,
};
use zaitaku_core::csv::FileFormat;
use zaitaku_core::period::Period;

use super::now;

command! {
    fn booklet_screen(period: Period) -> Screen:
        read |conn| booklets::screen(conn, period, now().date());

    fn add_booklet_entry(entry: EntryInput) -> Entry:
        write |conn, actor| booklets::add_entry(conn, &entry, actor.name(), now());

    fn correct_booklet_entry(id: String, entry: EntryInput) -> Entry:
        write |conn, actor| booklets::correct_entry(conn, &id, &entry, actor.name(), now());

    fn void_booklet_entry(id: String, reason: String) -> Entry:
        write |conn, actor| booklets::void_entry(conn, &id, &reason, actor.name(), now());

    fn booklet_entry_history(id: String) -> Vec<Change>:
        read |conn| booklets::history(conn, &id);

    fn save_booklet_edition(edition: EditionInput) -> Edition:
        write |conn, _| booklets::save_edition(conn, &edition, now());

    fn save_booklet_channels(channels: Vec<ChannelInput>) -> Vec<Channel>:
        write |conn, _| booklets::save_channels(conn, &channels);

    /// Writes the CSV into the export folder (files::export_dir) and returns its path.
    fn export_booklets_csv(period: Period, format: FileFormat = "csv") -> String:
        export |conn, dir| booklets::export_to_folder(conn, period, dir, now(), format);
}
