//! The dns lab's zone: a small subset of the master-file format of RFC 1035
//! (§5) that a student can edit — `$ORIGIN`, `$TTL`, BIND's `$GENERATE`, and
//! records `NAME [TTL] [IN] TYPE VALUE` of the types A, AAAA and CNAME.
//! Relative names are under the origin, `@` is the origin itself, `;` starts
//! a comment. Every mistake names its line.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::Path;

use hickory_proto::rr::rdata::{A, AAAA, CNAME};
use hickory_proto::rr::{Name, RData, Record, RecordType};

/// The zone the lab serves unless `--zone FILE` names another: two names with
/// an address each (IPv4 and IPv6 from the documentation ranges), an alias,
/// a record with a 2-second TTL to watch expire, and 40 records under one name
/// (more than fit in a 512-byte UDP answer).
pub const BUILTIN: &str = "\
; nettutor's dns lab zone. Format: NAME [TTL] [IN] TYPE VALUE
$ORIGIN lab.test.
$TTL 30
www     30  IN  A      192.0.2.10
www     30  IN  AAAA   2001:db8::10
web     30  IN  CNAME  www
short    2  IN  A      192.0.2.11
; 40 A records for one name: the full answer is longer than 512 bytes
$GENERATE 1-40 many 60 IN A 198.51.100.$
";

/// The most records a zone may hold (a student's file is read whole).
pub const MAX_RECORDS: usize = 1000;
/// The largest zone file read.
pub const MAX_FILE: u64 = 256 * 1024;

/// A zone: its origin and its records, in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    pub origin: Name,
    pub records: Vec<Record>,
}

/// What is wrong with a zone file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZoneError {
    #[error("zone line {line}: {message}")]
    Line { line: usize, message: String },
    #[error("zone file {path}: {message}")]
    File { path: String, message: String },
}

fn at(line: usize, message: impl Into<String>) -> ZoneError {
    ZoneError::Line {
        line,
        message: message.into(),
    }
}

/// How the lookup of one (name, type) went.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    /// The name is outside the zone: this server has no say (REFUSED).
    NotOurs,
    /// The name is in the zone but has no records (NXDOMAIN).
    NoSuchName,
    /// The records of the answer (maybe none: the name exists without that
    /// type), CNAMEs first, followed inside the zone.
    Found(Vec<Record>),
}

impl Zone {
    /// The built-in zone.
    pub fn builtin() -> Zone {
        // The built-in text is tested to parse.
        Zone::parse(BUILTIN).unwrap_or_else(|_| Zone {
            origin: Name::root(),
            records: Vec::new(),
        })
    }

    /// `builtin`, or the zone file at `path`.
    pub fn load(spec: &str) -> Result<Zone, ZoneError> {
        if spec == "builtin" {
            return Ok(Zone::builtin());
        }
        let path = Path::new(spec);
        let file_error = |message: String| ZoneError::File {
            path: spec.to_string(),
            message,
        };
        let meta = std::fs::metadata(path).map_err(|e| file_error(e.to_string()))?;
        if !meta.is_file() {
            return Err(file_error("not a regular file".into()));
        }
        if meta.len() > MAX_FILE {
            return Err(file_error(format!("larger than {MAX_FILE} bytes")));
        }
        let text = std::fs::read_to_string(path).map_err(|e| file_error(e.to_string()))?;
        Zone::parse(&text)
    }

    /// Parse a zone file's text.
    pub fn parse(text: &str) -> Result<Zone, ZoneError> {
        let mut origin = Name::from_ascii("lab.test.").map_err(|e| at(0, e.to_string()))?;
        let mut default_ttl = 3600u32;
        let mut records = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let content = raw.split(';').next().unwrap_or("");
            let words: Vec<&str> = content.split_whitespace().collect();
            let Some(first) = words.first() else {
                continue;
            };
            match first.to_ascii_uppercase().as_str() {
                "$ORIGIN" => {
                    let [_, name] = words[..] else {
                        return Err(at(line, "$ORIGIN takes one name"));
                    };
                    origin = Name::from_ascii(name).map_err(|e| at(line, e.to_string()))?;
                    if !origin.is_fqdn() {
                        return Err(at(line, "$ORIGIN must end with a dot"));
                    }
                }
                "$TTL" => {
                    let [_, ttl] = words[..] else {
                        return Err(at(line, "$TTL takes one number of seconds"));
                    };
                    default_ttl = parse_ttl(ttl).ok_or_else(|| at(line, "bad $TTL"))?;
                }
                "$GENERATE" => {
                    let Some((range, template)) = words.get(1).zip(words.get(2..)) else {
                        return Err(at(line, "$GENERATE takes a range and a record"));
                    };
                    let (from, to) = range
                        .split_once('-')
                        .and_then(|(a, b)| Some((a.parse::<u32>().ok()?, b.parse::<u32>().ok()?)))
                        .filter(|(a, b)| a <= b && b - a < MAX_RECORDS as u32)
                        .ok_or_else(|| at(line, "$GENERATE range must be FROM-TO, e.g. 1-40"))?;
                    for n in from..=to {
                        let expanded: Vec<String> = template
                            .iter()
                            .map(|w| w.replace('$', &n.to_string()))
                            .collect();
                        let words: Vec<&str> = expanded.iter().map(String::as_str).collect();
                        records.push(record(&words, &origin, default_ttl, line)?);
                        if records.len() > MAX_RECORDS {
                            return Err(at(line, format!("more than {MAX_RECORDS} records")));
                        }
                    }
                }
                d if d.starts_with('$') => {
                    return Err(at(line, format!("unknown directive {first}")));
                }
                _ => {
                    records.push(record(&words, &origin, default_ttl, line)?);
                    if records.len() > MAX_RECORDS {
                        return Err(at(line, format!("more than {MAX_RECORDS} records")));
                    }
                }
            }
        }
        Ok(Zone { origin, records })
    }

    /// The records of `name` and `rtype`, following CNAMEs inside the zone.
    pub fn lookup(&self, name: &Name, rtype: RecordType) -> Lookup {
        let name = name.to_lowercase();
        if !self.origin.zone_of(&name) {
            return Lookup::NotOurs;
        }
        let mut answer = Vec::new();
        let mut current = name.clone();
        // A chain of at most 8 aliases (a loop ends there too).
        for _ in 0..8 {
            let here: Vec<&Record> = self
                .records
                .iter()
                .filter(|r| r.name().to_lowercase() == current)
                .collect();
            if here.is_empty() {
                return if answer.is_empty() {
                    Lookup::NoSuchName
                } else {
                    Lookup::Found(answer)
                };
            }
            let wanted: Vec<Record> = here
                .iter()
                .filter(|r| r.record_type() == rtype)
                .map(|r| (*r).clone())
                .collect();
            if !wanted.is_empty() || rtype == RecordType::CNAME {
                answer.extend(wanted);
                return Lookup::Found(answer);
            }
            match here.iter().find_map(|r| match r.data() {
                RData::CNAME(target) => Some((r, target.0.clone())),
                _ => None,
            }) {
                Some((alias, target)) => {
                    answer.push((*alias).clone());
                    current = target.to_lowercase();
                }
                None => return Lookup::Found(answer),
            }
        }
        Lookup::Found(answer)
    }
}

fn parse_ttl(word: &str) -> Option<u32> {
    word.parse::<u32>().ok().filter(|t| *t <= 604_800)
}

/// `name` under `origin` unless it ends with a dot; `@` is the origin.
fn absolute(name: &str, origin: &Name, line: usize) -> Result<Name, ZoneError> {
    if name == "@" {
        return Ok(origin.clone());
    }
    let parsed = Name::from_ascii(name).map_err(|e| at(line, format!("bad name {name}: {e}")))?;
    if parsed.is_fqdn() {
        Ok(parsed)
    } else {
        parsed
            .append_domain(origin)
            .map_err(|e| at(line, format!("bad name {name}: {e}")))
    }
}

/// One record line: `NAME [TTL] [IN] TYPE VALUE`.
fn record(
    words: &[&str],
    origin: &Name,
    default_ttl: u32,
    line: usize,
) -> Result<Record, ZoneError> {
    let mut rest = words.iter().copied();
    let name = rest.next().ok_or_else(|| at(line, "empty record"))?;
    let name = absolute(name, origin, line)?;
    let mut ttl = default_ttl;
    let mut word = rest.next();
    if let Some(t) = word.and_then(parse_ttl) {
        ttl = t;
        word = rest.next();
    }
    if word.is_some_and(|w| w.eq_ignore_ascii_case("IN")) {
        word = rest.next();
    }
    let kind = word
        .ok_or_else(|| at(line, "missing type (A, AAAA or CNAME)"))?
        .to_ascii_uppercase();
    if !["A", "AAAA", "CNAME"].contains(&kind.as_str()) {
        return Err(at(
            line,
            format!("type {kind} is not served by the lab (A, AAAA, CNAME)"),
        ));
    }
    let value = rest
        .next()
        .ok_or_else(|| at(line, format!("{kind} needs a value")))?;
    if let Some(extra) = rest.next() {
        return Err(at(line, format!("unexpected '{extra}' after the value")));
    }
    let rdata = match kind.as_str() {
        "A" => RData::A(A(value
            .parse::<Ipv4Addr>()
            .map_err(|_| at(line, format!("'{value}' is not an IPv4 address")))?)),
        "AAAA" => {
            RData::AAAA(AAAA(value.parse::<Ipv6Addr>().map_err(|_| {
                at(line, format!("'{value}' is not an IPv6 address"))
            })?))
        }
        "CNAME" => RData::CNAME(CNAME(absolute(value, origin, line)?)),
        other => {
            return Err(at(
                line,
                format!("type {other} is not served by the lab (A, AAAA, CNAME)"),
            ));
        }
    };
    Ok(Record::from_rdata(name, ttl, rdata))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> Name {
        Name::from_ascii(s).unwrap()
    }

    #[test]
    fn the_builtin_zone_parses_with_its_generated_records() {
        let zone = Zone::parse(BUILTIN).unwrap();
        assert_eq!(zone.origin, name("lab.test."));
        assert_eq!(zone.records.len(), 4 + 40);
        let Lookup::Found(many) = zone.lookup(&name("many.lab.test."), RecordType::A) else {
            panic!("many not found");
        };
        assert_eq!(many.len(), 40);
        assert_eq!(
            many[39].data(),
            &RData::A(A("198.51.100.40".parse().unwrap()))
        );
        assert_eq!(many[0].ttl(), 60);
    }

    #[test]
    fn lookups_follow_cnames_and_tell_missing_from_foreign() {
        let zone = Zone::builtin();
        let Lookup::Found(web) = zone.lookup(&name("WEB.lab.test."), RecordType::A) else {
            panic!("web not found");
        };
        assert_eq!(web.len(), 2);
        assert_eq!(web[0].record_type(), RecordType::CNAME);
        assert_eq!(web[1].data(), &RData::A(A("192.0.2.10".parse().unwrap())));
        assert_eq!(
            zone.lookup(&name("nosuch.lab.test."), RecordType::A),
            Lookup::NoSuchName
        );
        assert_eq!(
            zone.lookup(&name("example.com."), RecordType::A),
            Lookup::NotOurs
        );
        // The name exists, the type does not: an empty answer, not NXDOMAIN.
        assert_eq!(
            zone.lookup(&name("short.lab.test."), RecordType::AAAA),
            Lookup::Found(Vec::new())
        );
    }

    #[test]
    fn mistakes_name_their_line() {
        let err = Zone::parse("www A 192.0.2.1\nwww MX 10 mail\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "zone line 2: type MX is not served by the lab (A, AAAA, CNAME)"
        );
        let err = Zone::parse("a A 300.1.1.1").unwrap_err().to_string();
        assert!(err.contains("line 1") && err.contains("IPv4"), "{err}");
        let err = Zone::parse("$GENERATE 5-1 x A 1.2.3.$")
            .unwrap_err()
            .to_string();
        assert!(err.contains("FROM-TO"), "{err}");
        assert!(Zone::load("/nonexistent/zone").is_err());
        let relative = Zone::parse("$ORIGIN example.\n@ 5 IN A 192.0.2.1\nx CNAME @\n").unwrap();
        assert_eq!(
            relative.records[1].data(),
            &RData::CNAME(CNAME(name("example.")))
        );
        assert_eq!(relative.records[0].ttl(), 5);
    }
}
