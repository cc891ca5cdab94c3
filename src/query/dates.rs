//! The dates of `--since/--until` (and the web API's `since`/`until`):
//! `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, one reading for every caller.

use crate::error::Error;

/// `--since`: `2023` and `2023-05` mean their first day.
pub(crate) fn since_date(s: &str) -> Result<jiff::civil::Date, Error> {
    partial_date(s, false)
}

/// `--until`: `2023` and `2023-05` mean their last day.
pub(crate) fn until_date(s: &str) -> Result<jiff::civil::Date, Error> {
    partial_date(s, true)
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; a year or a month stands for its
/// first day, or with `last` for its last day.
fn partial_date(s: &str, last: bool) -> Result<jiff::civil::Date, Error> {
    let bad = || Error::BadDate(s.to_string());
    let t = s.trim();
    if let Ok(d) = t.parse::<jiff::civil::Date>() {
        return Ok(d);
    }
    let mut parts = t.split('-');
    let year: i16 = parts.next().and_then(|y| y.parse().ok()).ok_or_else(bad)?;
    let month: Option<i8> = match parts.next() {
        Some(m) => Some(m.parse().map_err(|_| bad())?),
        None => None,
    };
    if parts.next().is_some() || t.len() < 4 {
        return Err(bad());
    }
    let first = jiff::civil::Date::new(year, month.unwrap_or(1), 1).map_err(|_| bad())?;
    if !last {
        return Ok(first);
    }
    match month {
        Some(_) => Ok(first.last_of_month()),
        None => jiff::civil::Date::new(year, 12, 31).map_err(|_| bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_and_months_are_dates() {
        let d = |s: &str| since_date(s).map(|d| d.to_string()).ok();
        let u = |s: &str| until_date(s).map(|d| d.to_string()).ok();
        assert_eq!(d("2023").as_deref(), Some("2023-01-01"));
        assert_eq!(d("2023-05").as_deref(), Some("2023-05-01"));
        assert_eq!(d("2023-05-07").as_deref(), Some("2023-05-07"));
        assert_eq!(u("2023").as_deref(), Some("2023-12-31"));
        assert_eq!(u("2024-02").as_deref(), Some("2024-02-29"));
        assert!(d("23").is_none() && d("2023-13").is_none() && d("May").is_none());
    }
}
