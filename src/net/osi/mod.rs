//! The OSI reference model beside the TCP/IP model (facts shipped as data in
//! `assets/osi.toml`), and encapsulation of a message layer by layer.

mod encapsulation;

use std::sync::OnceLock;

use serde::Deserialize;

use crate::i18n::Text;

pub use encapsulation::{
    Direction, EncapError, EncapStep, Encapsulation, Endpoints, IpVersion, Pdu, Stage, Transport,
    dissect_with_fcs, encapsulate, max_message_len,
};

const OSI_TOML: &str = include_str!("../../../assets/osi.toml");

/// One OSI layer with the facts the panel shows.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OsiLayer {
    /// 1 (physical) … 7 (application).
    pub number: u8,
    pub name: Text,
    pub job: Text,
    /// What the unit of data is called at this layer.
    pub pdu: Text,
    pub protocols: Vec<String>,
    pub devices: Text,
    /// Id of the four-layer TCP/IP model layer this falls into.
    pub tcpip4: String,
    /// Id of the five-layer TCP/IP model layer this falls into.
    pub tcpip5: String,
}

/// A layer of one of the TCP/IP models.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TcpIpLayer {
    pub id: String,
    pub name: Text,
}

/// The whole model: OSI layers top to bottom, both TCP/IP models, the ARP correction.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OsiModel {
    pub layers: Vec<OsiLayer>,
    pub tcpip4: Vec<TcpIpLayer>,
    pub tcpip5: Vec<TcpIpLayer>,
    /// "ARP is not a network-layer protocol": where it really sits and why.
    pub arp_note: Text,
}

/// Why the OSI data file is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OsiDataError {
    #[error("osi.toml: {0}")]
    Parse(String),
    #[error("osi.toml: expected layers 7 down to 1 in order, found {found:?}")]
    LayerOrder { found: Vec<u8> },
    #[error("osi.toml: layer {layer} names unknown TCP/IP layer '{id}'")]
    UnknownTcpIp { layer: u8, id: String },
    #[error("osi.toml: layer {layer} has an empty text")]
    EmptyText { layer: u8 },
}

impl OsiModel {
    /// Parses and validates OSI data.
    pub fn parse(text: &str) -> Result<OsiModel, OsiDataError> {
        let model: OsiModel =
            toml::from_str(text).map_err(|e| OsiDataError::Parse(e.to_string()))?;
        let found: Vec<u8> = model.layers.iter().map(|l| l.number).collect();
        if found != [7, 6, 5, 4, 3, 2, 1] {
            return Err(OsiDataError::LayerOrder { found });
        }
        for layer in &model.layers {
            for (id, list) in [
                (&layer.tcpip4, &model.tcpip4),
                (&layer.tcpip5, &model.tcpip5),
            ] {
                if !list.iter().any(|t| &t.id == id) {
                    return Err(OsiDataError::UnknownTcpIp {
                        layer: layer.number,
                        id: id.clone(),
                    });
                }
            }
            let texts = [&layer.name, &layer.job, &layer.pdu, &layer.devices];
            if texts
                .iter()
                .any(|t| t.en.trim().is_empty() || t.zh.trim().is_empty())
            {
                return Err(OsiDataError::EmptyText {
                    layer: layer.number,
                });
            }
        }
        Ok(model)
    }

    /// The model shipped in the binary.
    pub fn builtin() -> &'static OsiModel {
        static MODEL: OnceLock<OsiModel> = OnceLock::new();
        MODEL.get_or_init(|| {
            // Checked by a unit test; an empty model renders as "no data" rather than panic.
            OsiModel::parse(OSI_TOML).unwrap_or(OsiModel {
                layers: Vec::new(),
                tcpip4: Vec::new(),
                tcpip5: Vec::new(),
                arp_note: Text::default(),
            })
        })
    }

    /// The OSI layer with this number (1–7).
    pub fn layer(&self, number: u8) -> Option<&OsiLayer> {
        self.layers.iter().find(|l| l.number == number)
    }

    /// The OSI layer numbers a TCP/IP layer spans, e.g. `link` → [2, 1].
    pub fn osi_span(&self, tcpip_id: &str, five_layer: bool) -> Vec<u8> {
        self.layers
            .iter()
            .filter(|l| {
                if five_layer {
                    l.tcpip5 == tcpip_id
                } else {
                    l.tcpip4 == tcpip_id
                }
            })
            .map(|l| l.number)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_model_is_valid_and_complete() {
        let model = OsiModel::parse(OSI_TOML).unwrap();
        assert_eq!(model.layers.len(), 7);
        assert_eq!(model.layer(2).unwrap().pdu.en, "frame");
        assert_eq!(model.layer(3).unwrap().pdu.en, "packet");
        assert_eq!(model.layer(1).unwrap().pdu.en, "bits");
        assert!(model.layer(4).unwrap().pdu.en.contains("segment"));
        assert!(model.layer(4).unwrap().pdu.en.contains("datagram"));
        // The four-layer model folds 5–7 into application and 1–2 into link.
        assert_eq!(model.osi_span("application", false), [7, 6, 5]);
        assert_eq!(model.osi_span("link", false), [2, 1]);
        assert_eq!(model.osi_span("physical", true), [1]);
    }

    #[test]
    fn arp_is_taught_at_the_link_layer_not_the_network_layer() {
        let model = OsiModel::builtin();
        let link = model.layer(2).unwrap();
        let network = model.layer(3).unwrap();
        assert!(link.protocols.iter().any(|p| p == "ARP"));
        assert!(!network.protocols.iter().any(|p| p.contains("ARP")));
        assert!(model.arp_note.en.contains("0x0806"));
        assert!(model.arp_note.zh.contains("0x0806"));
    }

    #[test]
    fn bad_data_is_rejected_with_a_clear_error() {
        let swapped = OSI_TOML.replacen("number = 7", "number = 8", 1);
        assert!(matches!(
            OsiModel::parse(&swapped),
            Err(OsiDataError::LayerOrder { .. })
        ));
        let unknown = OSI_TOML.replacen("tcpip4 = \"internet\"", "tcpip4 = \"web\"", 1);
        assert_eq!(
            OsiModel::parse(&unknown),
            Err(OsiDataError::UnknownTcpIp {
                layer: 3,
                id: "web".into()
            })
        );
        let extra = format!("{OSI_TOML}\nsurprise = 1\n");
        assert!(matches!(
            OsiModel::parse(&extra),
            Err(OsiDataError::Parse(_))
        ));
    }
}
