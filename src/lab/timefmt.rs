//! What the time servers do with untrusted input: parse a number as a number
//! (never `eval` it), and format a date with a client's format string taken from a
//! small fixed set of directives (never a general formatting engine).

/// Seconds of 9999-12-31 23:59:59 UTC: the largest timestamp accepted.
const MAX_SECS: i64 = 253_402_300_799;

/// A broken-down UTC time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcTime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// 0 = Sunday.
    pub weekday: u32,
    /// 1..=366.
    pub day_of_year: u32,
    pub unix: i64,
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar
/// (H. Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

impl UtcTime {
    /// Break down a Unix timestamp (seconds) as UTC.
    pub fn from_unix(unix: i64) -> UtcTime {
        let days = unix.div_euclid(86_400);
        let secs = unix.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        const BEFORE: [u32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
        let leap = u32::from(month > 2 && is_leap(year));
        UtcTime {
            year,
            month,
            day,
            hour: (secs / 3600) as u32,
            minute: (secs % 3600 / 60) as u32,
            second: (secs % 60) as u32,
            // 1970-01-01 was a Thursday (4).
            weekday: (days + 4).rem_euclid(7) as u32,
            day_of_year: BEFORE[(month - 1) as usize] + day + leap,
            unix,
        }
    }

    /// Now, from the system clock.
    pub fn now() -> UtcTime {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
        UtcTime::from_unix(secs)
    }

    /// `2023-11-14 22:13:20 UTC`.
    pub fn iso(&self) -> String {
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

/// Parse a Unix timestamp sent as text: optional `-`, digits, optional `.digits`.
/// Anything else is refused, whatever it looks like: this is the whole point.
pub fn parse_timestamp(text: &str) -> Result<i64, String> {
    let text = text.trim();
    if text.is_empty() || text.len() > 24 {
        return Err("not a number (expected e.g. 1700000000)".to_string());
    }
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = rest.split_once('.').unwrap_or((rest, ""));
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits_only(whole) || !digits_only(fraction) {
        return Err("not a number (expected e.g. 1700000000)".to_string());
    }
    let secs: i64 = whole
        .parse()
        .map_err(|_| "number out of range".to_string())?;
    let secs = if negative { -secs } else { secs };
    if secs.abs() > MAX_SECS {
        return Err("timestamp out of range (years 1..9999)".to_string());
    }
    Ok(secs)
}

/// The directives the UDP time server understands; nothing else is interpreted.
pub const DIRECTIVES: &str = "%Y %m %d %H %M %S %y %j %a %A %b %B %s %Z %%";

const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Format `time` with a client's `format`, allowing only [`DIRECTIVES`]; any other
/// `%x` is refused with a message listing the allowed ones. Other characters are
/// copied as they are (they are data, never code).
pub fn format_time(time: &UtcTime, format: &str) -> Result<String, String> {
    if format.len() > 200 {
        return Err("format too long (at most 200 bytes)".to_string());
    }
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let day = DAYS[time.weekday as usize % 7];
        let month = MONTHS[(time.month as usize + 11) % 12];
        match chars.next() {
            Some('Y') => out.push_str(&format!("{:04}", time.year)),
            Some('y') => out.push_str(&format!("{:02}", time.year.rem_euclid(100))),
            Some('m') => out.push_str(&format!("{:02}", time.month)),
            Some('d') => out.push_str(&format!("{:02}", time.day)),
            Some('H') => out.push_str(&format!("{:02}", time.hour)),
            Some('M') => out.push_str(&format!("{:02}", time.minute)),
            Some('S') => out.push_str(&format!("{:02}", time.second)),
            Some('j') => out.push_str(&format!("{:03}", time.day_of_year)),
            Some('a') => out.push_str(&day[..3]),
            Some('A') => out.push_str(day),
            Some('b') => out.push_str(&month[..3]),
            Some('B') => out.push_str(month),
            Some('s') => out.push_str(&time.unix.to_string()),
            Some('Z') => out.push_str("UTC"),
            Some('%') => out.push('%'),
            Some(other) => {
                return Err(format!(
                    "unknown directive %{other} (allowed: {DIRECTIVES})"
                ));
            }
            None => return Err(format!("lone % at the end (allowed: {DIRECTIVES})")),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(UtcTime::from_unix(0).iso(), "1970-01-01 00:00:00 UTC");
        assert_eq!(
            UtcTime::from_unix(1_700_000_000).iso(),
            "2023-11-14 22:13:20 UTC"
        );
        assert_eq!(UtcTime::from_unix(-1).iso(), "1969-12-31 23:59:59 UTC");
        assert_eq!(
            UtcTime::from_unix(951_782_400).iso(),
            "2000-02-29 00:00:00 UTC"
        );
        assert_eq!(
            UtcTime::from_unix(MAX_SECS).iso(),
            "9999-12-31 23:59:59 UTC"
        );
    }

    #[test]
    fn weekday_and_day_of_year() {
        let t = UtcTime::from_unix(1_700_000_000); // Tuesday 14 Nov 2023
        assert_eq!(
            format_time(&t, "%a %A %b %B %j").unwrap(),
            "Tue Tuesday Nov November 318"
        );
        let leap = UtcTime::from_unix(951_868_800); // 2000-03-01
        assert_eq!(format_time(&leap, "%j").unwrap(), "061");
    }

    #[test]
    fn code_is_refused_not_run() {
        for attack in [
            "__import__('os').system('rm -rf /')",
            "1+1",
            "1e9",
            "0x10",
            "inf",
            "",
            "12 34",
        ] {
            assert!(parse_timestamp(attack).is_err(), "{attack}");
        }
        assert_eq!(parse_timestamp(" 1700000000.75 ").unwrap(), 1_700_000_000);
        assert_eq!(parse_timestamp("-5").unwrap(), -5);
        assert!(parse_timestamp("99999999999999").is_err());
    }

    #[test]
    fn formats_only_known_directives() {
        let t = UtcTime::from_unix(1_700_000_000);
        assert_eq!(
            format_time(&t, "%Y-%m-%d %H:%M:%S %Z").unwrap(),
            "2023-11-14 22:13:20 UTC"
        );
        assert_eq!(
            format_time(&t, "{0.__class__} 100%%").unwrap(),
            "{0.__class__} 100%"
        );
        let err = format_time(&t, "%s%n").unwrap_err();
        assert!(err.contains("%n") && err.contains("allowed"), "{err}");
        assert!(format_time(&t, "%").is_err());
    }
}
