//! Ledger arithmetic: stock is never stored but summed from the entries,
//! and no change may leave an edition below zero on any day.

use chrono::NaiveDate;
use rusqlite::{params, Connection, Transaction};

use super::ledger::Clean;
use super::{rows, EDITION_LABEL};
use crate::store::parse_iso;
use crate::{wareki, Error, Result};

/// Net change per day (receipts − issues) of one edition, oldest first,
/// from the non-voided entries, leaving out `except`.
fn daily_nets(
    conn: &Connection,
    edition_id: &str,
    except: Option<&str>,
) -> Result<Vec<(NaiveDate, i64)>> {
    let sql = "SELECT entry_date, sum(CASE kind WHEN 'receipt' THEN quantity ELSE -quantity END)
                 FROM booklet_entries
                WHERE edition_id = ?1 AND voided_at IS NULL AND id IS NOT coalesce(?2, '')
                GROUP BY entry_date ORDER BY entry_date";
    rows(conn, sql, params![edition_id, except], |r| {
        Ok((parse_iso(&r.get::<_, String>(0)?)?, r.get(1)?))
    })
}

/// The first day on which the running balance is below zero, with that
/// balance. Receipts of a day count before its issues.
pub fn first_shortfall(nets: &[(NaiveDate, i64)]) -> Option<(NaiveDate, i64)> {
    let mut balance = 0;
    for &(day, net) in nets {
        balance += net;
        if balance < 0 {
            return Some((day, balance));
        }
    }
    None
}

/// The most that can be issued on `day` without the balance going below
/// zero then or on any later day.
pub fn available_on(nets: &[(NaiveDate, i64)], day: NaiveDate) -> i64 {
    let through_day: i64 = nets.iter().filter(|(d, _)| *d <= day).map(|(_, n)| n).sum();
    let mut lowest = through_day;
    let mut balance = through_day;
    for (_, net) in nets.iter().filter(|(d, _)| *d > day) {
        balance += net;
        lowest = lowest.min(balance);
    }
    lowest.max(0)
}

/// Refuses an issue of `quantity` on `day` that the stock cannot cover.
pub(super) fn check_issue(tx: &Transaction, clean: &Clean, except: Option<&str>) -> Result<()> {
    let nets = daily_nets(tx, &clean.edition_id, except)?;
    let available = available_on(&nets, clean.date);
    if clean.quantity <= available {
        return Ok(());
    }
    let now: i64 = nets.iter().map(|(_, n)| n).sum();
    let message = if available == now.max(0) {
        format!(
            "在庫が足りません。「{}」の在庫は{}冊です（{}冊は配布できません）。",
            clean.edition_label, now, clean.quantity
        )
    } else {
        format!(
            "在庫が足りません。「{}」を{}に配布できるのは{}冊までです（いまの在庫は{}冊。その後の配布にも在庫が必要です）。",
            clean.edition_label,
            wareki::format_date(clean.date),
            available,
            now
        )
    };
    Err(Error::invalid("quantity", message))
}

/// After a change inside `tx`: refuses it if `edition_id` goes below zero
/// on any day.
pub(super) fn check_never_negative(
    tx: &Transaction,
    edition_id: &str,
    field: &str,
    what: &str,
) -> Result<()> {
    let nets = daily_nets(tx, edition_id, None)?;
    if let Some((day, balance)) = first_shortfall(&nets) {
        let label: String = tx.query_row(EDITION_LABEL, [edition_id], |r| r.get(0))?;
        return Err(Error::invalid(
            field,
            format!(
                "{what}と、{}の時点で「{label}」の在庫が{}冊足りなくなります（その後の配布がこの入庫分を使っています）。先にその配布を訂正するか取り消してください。",
                wareki::format_date(day),
                -balance
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::ledger::tests::{day, issue, now, receipt, setup};
    use super::super::*;
    use super::*;
    use crate::store::iso;
    use proptest::prelude::*;

    #[test]
    fn arithmetic_of_running_balances() {
        let nets = [
            (day(2025, 4, 1), 10),
            (day(2025, 5, 1), -4),
            (day(2025, 6, 1), -5),
        ];
        assert_eq!(first_shortfall(&nets), None);
        assert_eq!(available_on(&nets, day(2025, 6, 2)), 1);
        // On 4/15 ten are on hand, but 9 are needed later: only 1 is free.
        assert_eq!(available_on(&nets, day(2025, 4, 15)), 1);
        assert_eq!(available_on(&nets, day(2025, 3, 1)), 0);
        let short = [
            (day(2025, 4, 1), 3),
            (day(2025, 4, 2), -5),
            (day(2025, 4, 3), 10),
        ];
        assert_eq!(first_shortfall(&short), Some((day(2025, 4, 2), -2)));
    }

    #[test]
    fn reducing_a_receipt_below_what_was_issued_is_refused() {
        let (mut conn, ed, ch) = setup();
        let r = add_entry(&mut conn, &receipt(&ed, "2025-04-01", 100), "", now()).unwrap();
        add_entry(&mut conn, &issue(&ed, &ch, "2025-05-01", 60), "", now()).unwrap();
        let err = correct_entry(&mut conn, &r.id, &receipt(&ed, "2025-04-01", 50), "", now())
            .unwrap_err();
        assert_eq!(err.field(), Some("quantity"));
        assert!(err.to_string().contains("10冊足りなく"), "{err}");
        // Moving the receipt after the issue is refused too.
        let err = correct_entry(
            &mut conn,
            &r.id,
            &receipt(&ed, "2025-06-01", 100),
            "",
            now(),
        )
        .unwrap_err();
        assert_eq!(err.field(), Some("entry_date"));
        assert_eq!(stock(&conn, &ed).unwrap(), 40);
        assert_eq!(history(&conn, &r.id).unwrap().len(), 1);
    }

    #[test]
    fn voiding_a_receipt_that_issues_depend_on_is_refused() {
        let (mut conn, ed, ch) = setup();
        let r1 = add_entry(&mut conn, &receipt(&ed, "2025-04-01", 10), "", now()).unwrap();
        add_entry(&mut conn, &issue(&ed, &ch, "2025-04-02", 8), "", now()).unwrap();
        add_entry(&mut conn, &receipt(&ed, "2025-06-01", 100), "", now()).unwrap();
        // Stock now is 102, but on 4/2 the first receipt was all there was.
        let err = void_entry(&mut conn, &r1.id, "", "", now()).unwrap_err();
        assert!(matches!(err, Error::Conflict(_)), "{err:?}");
        assert!(err.to_string().contains("令和7年4月2日"), "{err}");
        assert!(!entry(&conn, &r1.id).unwrap().voided);
        assert_eq!(stock(&conn, &ed).unwrap(), 102);
    }

    #[derive(Debug, Clone)]
    enum Op {
        Receive(u8, i64),
        Issue(u8, i64),
        Void(usize),
        Correct(usize, u8, i64),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0u8..60, 1i64..50).prop_map(|(d, q)| Op::Receive(d, q)),
            (0u8..60, 1i64..30).prop_map(|(d, q)| Op::Issue(d, q)),
            (0usize..40).prop_map(Op::Void),
            (0usize..40, 0u8..60, 1i64..50).prop_map(|(i, d, q)| Op::Correct(i, d, q)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn ledger_never_goes_negative_and_stock_is_the_sum(ops in proptest::collection::vec(op(), 1..40)) {
            let (mut conn, ed, ch) = setup();
            let start = day(2025, 9, 1);
            let date = |d: u8| iso(start + chrono::Duration::days(i64::from(d)));
            let mut ids: Vec<String> = Vec::new();
            for op in ops {
                let result = match op {
                    Op::Receive(d, q) => add_entry(&mut conn, &receipt(&ed, &date(d), q), "", now()).map(|e| ids.push(e.id)),
                    Op::Issue(d, q) => add_entry(&mut conn, &issue(&ed, &ch, &date(d), q), "", now()).map(|e| ids.push(e.id)),
                    Op::Void(i) if !ids.is_empty() => void_entry(&mut conn, &ids[i % ids.len()], "", "", now()).map(|_| ()),
                    Op::Correct(i, d, q) if !ids.is_empty() => {
                        let id = &ids[i % ids.len()];
                        let old = entry(&conn, id).unwrap();
                        let input = match old.kind {
                            Kind::Receipt => receipt(&ed, &date(d), q),
                            Kind::Issue => issue(&ed, &ch, &date(d), q),
                        };
                        correct_entry(&mut conn, id, &input, "", now()).map(|_| ())
                    }
                    _ => Ok(()),
                };
                if let Err(e) = result {
                    prop_assert!(matches!(e, Error::Invalid { .. } | Error::Conflict(_)), "{e:?}");
                }
                let nets = daily_nets(&conn, &ed, None).unwrap();
                prop_assert_eq!(first_shortfall(&nets), None);
                let sum: i64 = conn.query_row(
                    "SELECT coalesce(sum(CASE kind WHEN 'receipt' THEN quantity ELSE -quantity END), 0)
                       FROM booklet_entries WHERE voided_at IS NULL", [], |r| r.get(0)).unwrap();
                let shown = stock(&conn, &ed).unwrap();
                prop_assert_eq!(shown, sum);
                prop_assert!(shown >= 0);
            }
        }
    }
}
