//! Every kind of bad input, with the exact message: it must name the problem and
//! the column where it is.

use ipnet::IpNet;
use nettutor::i18n::Lang;
use nettutor::net::subnet::{
    AddressRange, SplitPlan, SubnetError, parse_host_counts, parse_input, parse_panel_arg,
    plan_vlsm,
};

fn input_error(text: &str) -> String {
    match parse_input(text) {
        Ok(ok) => panic!("{text:?} should be rejected, parsed as {ok:?}"),
        Err(e) => e.to_string(),
    }
}

fn arg_error(text: &str) -> String {
    match parse_panel_arg(text) {
        Ok(ok) => panic!("{text:?} should be rejected, parsed as {ok:?}"),
        Err(e) => e.to_string(),
    }
}

const INPUT_ERRORS: &[(&str, &str)] = &[
    ("", "empty input: type an address such as 192.168.21.36/24"),
    (
        "   ",
        "empty input: type an address such as 192.168.21.36/24",
    ),
    (
        "-1.2.3.4",
        "'-1.2.3.4' at column 1 looks like an option (it starts with '-'), not an address",
    ),
    ("/24", "no address before the '/' at column 1"),
    (
        "192.168.1.a",
        "unexpected character 'a' at column 11: an IPv4 address has only digits and dots",
    ),
    (
        "1.2.3",
        "'1.2.3' has 3 octets, an IPv4 address has exactly 4 (column 6)",
    ),
    (
        "1.2.3.4.5",
        "'1.2.3.4.5' has 5 octets, an IPv4 address has exactly 4 (column 9)",
    ),
    (
        "1..2.3",
        "octet 2 is empty at column 3 (two dots in a row, or a dot at an end)",
    ),
    (
        "1.2.3.4.",
        "octet 5 is empty at column 9 (two dots in a row, or a dot at an end)",
    ),
    (
        "256.1.1.1/8",
        "octet 1 is 256 at column 1, out of range: an octet is 0–255",
    ),
    (
        "1.2.3.99999999999999999999",
        "octet 4 is 99999999999999999999 at column 7, out of range: an octet is 0–255",
    ),
    (
        "010.1.1.1",
        "octet 1 '010' at column 1 has a leading zero, which is ambiguous: some parsers read it as octal (8), others as decimal (10); write it without the zero",
    ),
    (
        "1.2.3.09",
        "octet 4 '09' at column 7 has a leading zero, which is ambiguous: some parsers treat a leading zero as octal (where '09' is not even valid), others as decimal (9); write it without the zero",
    ),
    (
        "1.2.3.4/33",
        "prefix /33 at column 9 is too long: an IPv4 prefix is 0–32",
    ),
    (
        "1.2.3.4/999999",
        "prefix /999999 at column 9 is too long: an IPv4 prefix is 0–32",
    ),
    (
        "::1/129",
        "prefix /129 at column 5 is too long: an IPv6 prefix is 0–128",
    ),
    (
        "1.2.3.4/",
        "nothing after the '/' at column 8: give a prefix length (/24) or a mask (/255.255.255.0)",
    ),
    (
        "1.2.3.4/abc",
        "'abc' at column 9 is neither a prefix length (0–32) nor a dotted mask",
    ),
    (
        "1.2.3.4/24/8",
        "'24/8' at column 9 is neither a prefix length (0–32) nor a dotted mask",
    ),
    (
        "1.2.3.4 255.0.255.0",
        "mask 255.0.255.0 is not contiguous: bit 17 (column 15) is a 1 after the 0 at bit 9; a mask is all ones, then all zeros",
    ),
    (
        "1.2.3.4/255.255.255.1",
        "mask 255.255.255.1 is not contiguous: bit 32 (column 21) is a 1 after the 0 at bit 25; a mask is all ones, then all zeros",
    ),
    (
        "1.2.3.4 0.0.0.255",
        "mask 0.0.0.255 at column 9 is inverted (zeros, then ones): that is a wildcard; the mask is 255.255.255.0",
    ),
    (
        "1.2.3.4 255.255.256.0",
        "octet 3 is 256 at column 17, out of range: an octet is 0–255",
    ),
    (
        "::1 255.255.255.0",
        "a dotted mask at column 5 cannot go with an IPv6 address: write a prefix length such as /64",
    ),
    (
        "1::2::3",
        "'::' appears a second time at column 5: it may compress only one run of zero groups",
    ),
    (
        "12345::1/64",
        "group 1 '12345' at column 1 has more than 4 hex digits (a group is 16 bits)",
    ),
    (
        "1:2:3:4:5:6:7:8:9",
        "'1:2:3:4:5:6:7:8:9' has 9 groups (column 1): an IPv6 address has 8, or at most 7 next to '::'",
    ),
    (
        "1:2:3:4:5:6:7::8",
        "'1:2:3:4:5:6:7::8' has 8 groups (column 1): an IPv6 address has 8, or at most 7 next to '::'",
    ),
    (
        "1:2:3",
        "'1:2:3' has 3 groups (column 1): an IPv6 address has 8, or at most 7 next to '::'",
    ),
    (
        ":1::2",
        "a lone ':' at column 1: a group is missing there (only '::' may stand for zero groups)",
    ),
    (
        "1:2:3:4:5:6:7:",
        "a lone ':' at column 14: a group is missing there (only '::' may stand for zero groups)",
    ),
    (
        "fe80::1%eth0/64",
        "'%eth0' at column 8 is a zone index (it names an interface), not part of an address; remove it",
    ),
    (
        "::g",
        "unexpected character 'g' at column 3: an IPv6 address has only hex digits, ':' and (in an IPv4 tail) '.'",
    ),
    (
        "::ffff:192.0.2.256",
        "octet 4 is 256 at column 16, out of range: an octet is 0–255",
    ),
    (
        "1.2.3.4:80",
        "'1.2.3.4:80' is not a valid IPv6 address (near column 1)",
    ),
    (
        "1.2.3.4/24 extra",
        "unexpected 'extra' at column 12: give an address, then at most one prefix or mask",
    ),
    (
        "1.2.3.4 255.255.255.0 x",
        "unexpected 'x' at column 23: give an address, then at most one prefix or mask",
    ),
];

#[test]
fn every_input_error_names_problem_and_column() {
    let mut failures = Vec::new();
    for (input, expected) in INPUT_ERRORS {
        let got = input_error(input);
        if got != *expected {
            failures.push(format!("{input:?}\n   got {got}\n  want {expected}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn panel_arg_errors() {
    assert_eq!(
        arg_error("1.2.3.4/24 same=1.2.3.5/24"),
        "same= takes a single address without a prefix or mask: '1.2.3.5/24' (column 24)"
    );
    assert_eq!(
        arg_error("1.2.3.4/24 same=::1"),
        "1.2.3.4 and ::1 are different IP versions (IPv4 and IPv6)"
    );
    assert_eq!(
        arg_error("1.2.3.4/24 colour=red"),
        "unknown option 'colour' at column 12 (use same=, gateway=, split=, count=, vlsm=)"
    );
    assert_eq!(
        arg_error("1.2.3.4/24 gateway="),
        "'gateway=' at column 12 needs a value"
    );
    assert_eq!(
        arg_error("1.2.3.4/24 split=20"),
        "cannot split /24 into /20: the new prefix must be between 24 and 32"
    );
    assert_eq!(
        arg_error("1.2.3.4/24 split=x"),
        "cannot split /24 into /x: the new prefix must be between 24 and 32"
    );
    assert_eq!(
        arg_error("1.2.3.4/24 vlsm=100,100,60"),
        "the subnets need 320 addresses but 1.2.3.0/24 has only 256: request 3 does not fit"
    );
    assert_eq!(
        arg_error("1.2.3.4/24 same=1.2.3.256"),
        "octet 4 is 256 at column 23, out of range: an octet is 0–255"
    );
    assert_eq!(
        arg_error(""),
        "empty input: type an address such as 192.168.21.36/24"
    );
}

#[test]
fn split_count_vlsm_and_range_errors() {
    let net: IpNet = "10.0.0.0/30".parse().unwrap();
    assert_eq!(
        SplitPlan::by_count(net, 0).unwrap_err().to_string(),
        "the number of subnets must be at least 1"
    );
    assert_eq!(
        SplitPlan::by_count(net, 5).unwrap_err().to_string(),
        "5 equal subnets do not fit in a /30: they need 3 more prefix bits, only 2 are left"
    );
    assert_eq!(
        SplitPlan::by_prefix(net, 33).unwrap_err().to_string(),
        "cannot split /30 into /33: the new prefix must be between 30 and 32"
    );
    assert_eq!(
        parse_host_counts("50,,2", 0).unwrap_err().to_string(),
        "'' at column 4 is not a host count (a whole number such as 50)"
    );
    assert_eq!(
        parse_host_counts("50,0", 0).unwrap_err().to_string(),
        "request 2 at column 4 asks for 0 hosts; each subnet needs at least 1"
    );
    assert_eq!(
        plan_vlsm(net, &[3]).unwrap_err().to_string(),
        "the subnets need 8 addresses but 10.0.0.0/30 has only 4: request 1 does not fit"
    );
    assert_eq!(
        AddressRange::parse("10.0.0.1").unwrap_err().to_string(),
        "'10.0.0.1' is not a range: write A-B, e.g. 192.168.1.10-192.168.1.20"
    );
    assert_eq!(
        AddressRange::parse("10.0.0.9-10.0.0.1")
            .unwrap_err()
            .to_string(),
        "the range starts at 10.0.0.9, above its end 10.0.0.1"
    );
    assert_eq!(
        AddressRange::parse("10.0.0.1-::1").unwrap_err().to_string(),
        "10.0.0.1 and ::1 are different IP versions (IPv4 and IPv6)"
    );
}

#[test]
fn messages_are_one_line_in_both_languages_with_every_placeholder_filled() {
    let mut errors: Vec<SubnetError> = INPUT_ERRORS
        .iter()
        .map(|(input, _)| parse_input(input).unwrap_err())
        .collect();
    errors.push(SubnetError::CountZero);
    errors.push(SplitPlan::by_count("10.0.0.0/30".parse().unwrap(), 9).unwrap_err());
    errors.push(parse_panel_arg("1.2.3.4/24 vlsm=300").unwrap_err());
    errors.push(parse_panel_arg("1.2.3.4/24 x=1").unwrap_err());
    errors.push(AddressRange::parse("nonsense").unwrap_err());
    for err in &errors {
        for lang in Lang::ALL {
            let message = err.message(lang);
            assert!(!message.contains('\n'), "{message}");
            assert!(!message.contains('{'), "unfilled placeholder: {message}");
            assert!(
                !message.starts_with("subnet.err."),
                "missing text: {message}"
            );
            if let Some(column) = err.column() {
                assert!(message.contains(&column.to_string()), "{message}");
            }
        }
    }
    assert_eq!(
        parse_input("010.1.1.1").unwrap_err().message(Lang::Zh),
        "第 1 个字节段“010”（第 1 列）有前导零，含义不明确：有的解析器按八进制读成 8，有的按十进制读成 10；请去掉前导零"
    );
}
