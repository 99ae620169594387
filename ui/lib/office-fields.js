// The 事業所 fields as 設定 and 初期設定 both ask for them (the core checks
// them with one rule, office::validate).
export const OFFICE_FIELDS = [
  { field: 'name', label: '事業所名', required: true, hint: '例：坂戸鶴ヶ島医師会 在宅医療相談室', wide: true },
  { field: 'postal_code', label: '郵便番号', hint: '例：350-0214', size: 10 },
  { field: 'contact_person', label: '担当者名', hint: 'チラシや報告書の問い合わせ先に載ります' },
  { field: 'address', label: '住所', wide: true },
  { field: 'phone', label: '電話番号', hint: '市外局番から。例：049-123-4567', type: 'tel', size: 16 },
  { field: 'fax', label: 'FAX番号', hint: '例：049-123-4568', type: 'tel', size: 16 },
];
