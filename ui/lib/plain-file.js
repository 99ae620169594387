// The one notice for every file the office saves out of the app (CSV,
// Excel, PDF, the plain copy): unlike the database and its backups, such
// a file is not encrypted. The Rust side saves them all into one folder
// (commands/files.rs, ドキュメント › 在宅医療相談室デスク 書き出し).

export const plainFileNotice = 'このファイルは暗号化されていません。使い終わったら削除し、USBメモリやメールで持ち出さないでください';

/** 「<what>：<path>」 and the notice, as a saved file is reported. */
export function savedFileMessage(what, path) {
  return `${what}：${path}　${plainFileNotice}。`;
}
