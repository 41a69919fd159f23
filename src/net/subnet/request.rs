//! A whole subnet request: the input plus the optional questions about it, as a
//! lesson's panel argument writes it:
//! `192.168.21.36/24 same=192.168.21.99 gateway=192.168.21.1 split=26 vlsm=50,20,10,2`.

use std::net::IpAddr;

use super::error::SubnetError;
use super::facts::SubnetFacts;
use super::parse::{SubnetInput, Token, parse_host, parse_words, tokens};
use super::same::{GatewayCheck, SameNetworkCheck};
use super::split::SplitPlan;
use super::vlsm::{VlsmPlan, parse_host_counts, plan_vlsm};

/// Everything a subnet panel or report is asked to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubnetRequest {
    pub input: SubnetInput,
    /// A second host for the same-network check.
    pub same: Option<IpAddr>,
    /// A gateway to check (is it on A's network?).
    pub gateway: Option<IpAddr>,
    /// Split into subnets of this prefix length.
    pub split: Option<u8>,
    /// Split into this many equal subnets (rounded up to a power of two).
    pub count: Option<u128>,
    /// Host counts for a VLSM plan.
    pub vlsm: Option<Vec<u64>>,
}

impl SubnetRequest {
    /// A request for the input alone.
    pub fn new(input: SubnetInput) -> SubnetRequest {
        SubnetRequest {
            input,
            same: None,
            gateway: None,
            split: None,
            count: None,
            vlsm: None,
        }
    }

    pub fn facts(&self) -> SubnetFacts {
        SubnetFacts::from_input(&self.input)
    }

    /// The same-network check, when a second host was given.
    pub fn same_network(&self) -> Option<Result<SameNetworkCheck, SubnetError>> {
        let b = self.same?;
        Some(SameNetworkCheck::new(&self.facts(), b, self.gateway))
    }

    /// The gateway check on its own (when no second host was given).
    pub fn gateway_check(&self) -> Option<Result<GatewayCheck, SubnetError>> {
        let g = self.gateway?;
        Some(GatewayCheck::new(&self.facts(), g))
    }

    /// The split, by prefix (`split=`) or else by count (`count=`).
    pub fn split_plan(&self) -> Option<Result<SplitPlan, SubnetError>> {
        let network = self.input.network();
        match (self.split, self.count) {
            (Some(prefix), _) => Some(SplitPlan::by_prefix(network, prefix)),
            (None, Some(count)) => Some(SplitPlan::by_count(network, count)),
            (None, None) => None,
        }
    }

    pub fn vlsm_plan(&self) -> Option<Result<VlsmPlan, SubnetError>> {
        let hosts = self.vlsm.as_ref()?;
        Some(plan_vlsm(self.input.network(), hosts))
    }

    /// Run every check the request asks for; the first failure is the error.
    pub fn validate(&self) -> Result<(), SubnetError> {
        if let Some(r) = self.same_network() {
            r?;
        }
        if let Some(r) = self.gateway_check() {
            r?;
        }
        if let Some(r) = self.split_plan() {
            r?;
        }
        if let Some(r) = self.vlsm_plan() {
            r?;
        }
        Ok(())
    }
}

/// Parse a subnet panel argument (the lesson `arg` convention): the input as typed
/// (`192.168.21.36/24`, `192.168.21.36 255.255.255.0`, …) followed by optional
/// `same=HOST`, `gateway=IP`, `split=PREFIX`, `count=N`, `vlsm=N,N,…`. Every part
/// is checked, including that the split and VLSM plan fit the network.
pub fn parse_panel_arg(arg: &str) -> Result<SubnetRequest, SubnetError> {
    let words = tokens(arg);
    let first_option = words
        .iter()
        .position(|w| w.text.contains('='))
        .unwrap_or(words.len());
    let input = parse_words(&words[..first_option])?;
    let mut request = SubnetRequest::new(input);
    for word in &words[first_option..] {
        apply_option(&mut request, word)?;
    }
    request.validate()?;
    Ok(request)
}

fn apply_option(request: &mut SubnetRequest, word: &Token<'_>) -> Result<(), SubnetError> {
    let (key, value) = word.text.split_once('=').unwrap_or((word.text, ""));
    let value_offset = word.offset + key.chars().count() + 1;
    let known = ["same", "gateway", "split", "count", "vlsm"];
    if !known.contains(&key) {
        return Err(SubnetError::UnknownKey {
            key: key.to_string(),
            column: word.offset + 1,
        });
    }
    if value.is_empty() {
        return Err(SubnetError::MissingValue {
            key: key.to_string(),
            column: word.offset + 1,
        });
    }
    match key {
        "same" => request.same = Some(parse_host(value, value_offset, "same=")?),
        "gateway" => request.gateway = Some(parse_host(value, value_offset, "gateway=")?),
        "split" => request.split = Some(parse_split_prefix(value, &request.input)?),
        "count" => {
            request.count = Some(
                value
                    .parse::<u128>()
                    .map_err(|_| SubnetError::VlsmBadCount {
                        text: value.to_string(),
                        column: value_offset + 1,
                    })?,
            );
        }
        _ => request.vlsm = Some(parse_host_counts(value, value_offset)?),
    }
    Ok(())
}

/// `26` or `/26` → 26; anything else is a split-prefix error for this network.
pub fn parse_split_prefix(text: &str, input: &SubnetInput) -> Result<u8, SubnetError> {
    let digits = text.strip_prefix('/').unwrap_or(text);
    digits
        .parse::<u8>()
        .ok()
        .filter(|_| digits.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| SubnetError::SplitPrefix {
            prefix: input.prefix,
            new: text.to_string(),
            max: input.family().bits(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lesson_arg_with_every_option() {
        let r = parse_panel_arg(
            "192.168.21.36 255.255.255.0 same=192.168.21.99 gateway=192.168.21.1 split=26 vlsm=50,20,10,2",
        )
        .unwrap();
        assert_eq!(r.input.prefix, 24);
        assert_eq!(r.same, Some("192.168.21.99".parse().unwrap()));
        assert_eq!(r.gateway, Some("192.168.21.1".parse().unwrap()));
        assert_eq!(r.split, Some(26));
        assert_eq!(r.vlsm, Some(vec![50, 20, 10, 2]));
    }

    #[test]
    fn lesson_arg_errors_point_into_the_arg() {
        assert_eq!(
            parse_panel_arg("10.0.0.1/8 same=10.0.0.256"),
            Err(SubnetError::OctetOutOfRange {
                index: 4,
                text: "256".into(),
                column: 24
            })
        );
        assert_eq!(
            parse_panel_arg("10.0.0.1/8 colour=red"),
            Err(SubnetError::UnknownKey {
                key: "colour".into(),
                column: 12
            })
        );
        assert!(matches!(
            parse_panel_arg("10.0.0.1/24 split=20"),
            Err(SubnetError::SplitPrefix { .. })
        ));
        assert!(matches!(
            parse_panel_arg("10.0.0.1/24 vlsm=200,100"),
            Err(SubnetError::VlsmDoesNotFit { .. })
        ));
    }
}
