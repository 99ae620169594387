use zaitaku_core::office::{self, Office, OfficeInput};

use super::now;

command! {
    fn get_office() -> Office:
        read |conn| office::load(conn);

    fn save_office(office: OfficeInput) -> Office:
        write |conn, _| office::save(conn, &office, now());
}
