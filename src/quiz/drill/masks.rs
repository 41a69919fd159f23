//! Mask ↔ prefix ↔ wildcard: one of the three is given, the other two asked.

use std::net::{IpAddr, Ipv4Addr};

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::i18n::Text;
use crate::net::subnet::SubnetFacts;

use super::Spec;
use super::field::{FieldId, Value};
use super::mistake::Mistake;
use super::problem::{Field, Problem};

/// Which of the three forms the problem gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MaskForm {
    Prefix,
    Mask,
    Wildcard,
}

pub fn generate(rng: &mut ChaCha8Rng) -> Spec {
    let given = *super::pick(rng, &[MaskForm::Prefix, MaskForm::Mask, MaskForm::Wildcard]);
    Spec::Mask {
        given,
        prefix: rng.random_range(8..=30),
    }
}

/// The mask and wildcard of /prefix, from the subnet calculator.
fn forms(prefix: u8) -> (IpAddr, IpAddr) {
    let f = SubnetFacts::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), prefix);
    (f.netmask, f.wildcard)
}

pub fn build(spec: &Spec, given: MaskForm, prefix: u8) -> Result<Problem, String> {
    if prefix > 32 {
        return Err(format!("/{prefix} is not an IPv4 prefix"));
    }
    let (mask, wildcard) = forms(prefix);
    let neighbours = [prefix.checked_sub(1), (prefix < 32).then_some(prefix + 1)];
    let mut mask_field = Field::new(FieldId::Mask, Value::Address(mask))
        .mistake(Mistake::WildcardAsMask, Some(Value::Address(wildcard)));
    let mut wildcard_field = Field::new(FieldId::Wildcard, Value::Address(wildcard))
        .mistake(Mistake::MaskAsWildcard, Some(Value::Address(mask)));
    for used in neighbours.into_iter().flatten() {
        let (m, w) = forms(used);
        mask_field = mask_field.mistake(
            Mistake::WrongPrefix { used, prefix },
            Some(Value::Address(m)),
        );
        wildcard_field = wildcard_field.mistake(
            Mistake::WrongPrefix { used, prefix },
            Some(Value::Address(w)),
        );
    }
    let prefix_field = Field::new(FieldId::Prefix, Value::Prefix(prefix))
        .mistake(Mistake::CountedZeros, Some(Value::Prefix(32 - prefix)));
    let (shown, fields) = match given {
        MaskForm::Prefix => (format!("/{prefix}"), vec![mask_field, wildcard_field]),
        MaskForm::Mask => (mask.to_string(), vec![prefix_field, wildcard_field]),
        MaskForm::Wildcard => (wildcard.to_string(), vec![prefix_field, mask_field]),
    };
    let (en, zh) = match given {
        MaskForm::Prefix => (
            format!("The prefix is {shown}. Give the mask and the wildcard."),
            format!("前缀是 {shown}。写出子网掩码和通配符掩码。"),
        ),
        MaskForm::Mask => (
            format!("The mask is {shown}. Give the prefix length and the wildcard."),
            format!("子网掩码是 {shown}。写出前缀长度和通配符掩码。"),
        ),
        MaskForm::Wildcard => (
            format!("The wildcard is {shown} (as in an ACL). Give the prefix length and the mask."),
            format!("通配符掩码是 {shown}（ACL 中的写法）。写出前缀长度和子网掩码。"),
        ),
    };
    Ok(Problem {
        spec: spec.clone(),
        prompt: Text::new(en, zh),
        detail: Vec::new(),
        fields,
    })
}
