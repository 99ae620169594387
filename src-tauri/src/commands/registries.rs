//! 名簿: 往診登録医 (もの忘れ相談医), 療養支援ベッド, 関係機関.

use serde::Serialize;
use zaitaku_core::csv::FileFormat;
use zaitaku_core::registries::organisations::{
    self, Organisation, OrganisationFilter, OrganisationInput,
};
use zaitaku_core::registries::{
    self, BedFilter, BedUpdateInput, Doctor, DoctorFilter, DoctorInput, Export, SupportBed,
    SupportBedInput,
};

use super::now;

#[derive(Serialize)]
pub struct RegistryOptions {
    /// Suggestions for the 関係機関 種別 field.
    organisation_kinds: Vec<&'static str>,
}

#[tauri::command(async)]
pub fn registry_options() -> RegistryOptions {
    RegistryOptions {
        organisation_kinds: organisations::SUGGESTED_KINDS.to_vec(),
    }
}

command! {
    fn list_doctors(#[parse_filter] filter: DoctorFilter) -> Vec<Doctor>:
        read |conn| registries::doctors(conn, &filter, now().date());

    fn save_doctor(doctor: DoctorInput) -> Doctor:
        write |conn, _| registries::save_doctor(conn, &doctor, now());

    fn list_support_beds(#[parse_filter] filter: BedFilter) -> Vec<SupportBed>:
        read |conn| registries::beds(conn, &filter);

    fn save_support_bed(bed: SupportBedInput) -> SupportBed:
        write |conn, _| registries::save_bed(conn, &bed, now());

    fn add_support_bed_update(id: String, update: BedUpdateInput) -> SupportBed:
        write |conn, _| registries::add_bed_update(conn, &id, &update, now());

    fn search_organisations(#[parse_filter] filter: OrganisationFilter) -> Vec<Organisation>:
        read |conn| organisations::search(conn, &filter);

    fn save_registry_organisation(organisation: OrganisationInput) -> Organisation:
        write |conn, _| organisations::save(conn, &organisation, now());

    /// Writes the chosen list as CSV into the Downloads folder; returns the path.
    fn export_registry_csv(export: Export, format: FileFormat = "csv") -> String:
        export |conn, dir| registries::export_to_folder(conn, &export, dir, now(), format);
}
