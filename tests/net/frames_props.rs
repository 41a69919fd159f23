//! Properties: any message up to the MTU encapsulates and dissects back to itself
//! (TCP/UDP × IPv4/IPv6), and no byte string makes the dissector panic.

use nettutor::net::frame::{ChecksumStatus, LayerKind, dissect};
use nettutor::net::osi::{
    Endpoints, IpVersion, Transport, dissect_with_fcs, encapsulate, max_message_len,
};
use proptest::prelude::*;

fn combos() -> impl Strategy<Value = (Transport, IpVersion)> {
    prop_oneof![
        Just((Transport::Tcp, IpVersion::V4)),
        Just((Transport::Tcp, IpVersion::V6)),
        Just((Transport::Udp, IpVersion::V4)),
        Just((Transport::Udp, IpVersion::V6)),
    ]
}

fn message_and_combo() -> impl Strategy<Value = (Vec<u8>, Transport, IpVersion)> {
    combos().prop_flat_map(|(t, ip)| {
        proptest::collection::vec(any::<u8>(), 0..=max_message_len(t, ip))
            .prop_map(move |m| (m, t, ip))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_message_up_to_the_mtu_encapsulates_and_dissects_back(
        (message, transport, ip) in message_and_combo()
    ) {
        let e = encapsulate(&message, transport, ip, &Endpoints::default()).unwrap();
        let d = dissect(&e.frame);
        prop_assert!(!d.is_malformed());
        prop_assert!(d.bad_checksums().is_empty());
        let expected_kinds = [
            LayerKind::Ethernet,
            if ip == IpVersion::V4 { LayerKind::Ipv4 } else { LayerKind::Ipv6 },
            if transport == Transport::Tcp { LayerKind::Tcp } else { LayerKind::Udp },
        ];
        let kinds: Vec<_> = d.layers.iter().map(|l| l.kind).take(3).collect();
        prop_assert_eq!(&kinds[..], &expected_kinds[..]);
        let data = match d.layer(LayerKind::Payload) {
            Some(layer) => e.frame[layer.bytes.clone()].to_vec(),
            None => Vec::new(),
        };
        prop_assert_eq!(&data, &message);
        // The sending and receiving sides carry the same bytes, mirrored.
        prop_assert_eq!(e.steps.len(), 10);
        for i in 0..5 {
            prop_assert_eq!(&e.steps[i].bytes, &e.steps[9 - i].bytes);
        }
        // On the wire: at least 64 bytes with FCS, and the FCS checks out.
        let link = &e.steps[3].bytes;
        prop_assert!(link.len() >= 64);
        let with_fcs = dissect_with_fcs(link);
        prop_assert_eq!(
            with_fcs.field("eth.fcs").unwrap().checksum,
            Some(ChecksumStatus::Correct)
        );
    }

    #[test]
    fn one_byte_more_than_the_mtu_is_refused((transport, ip) in combos()) {
        let message = vec![b'x'; max_message_len(transport, ip) + 1];
        prop_assert!(encapsulate(&message, transport, ip, &Endpoints::default()).is_err());
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_fields_stay_in_bounds(
        bytes in proptest::collection::vec(any::<u8>(), 0..200),
        ethertype in prop_oneof![Just([8u8, 0]), Just([8, 6]), Just([0x86, 0xdd]), any::<[u8; 2]>()],
        version in any::<u8>(),
    ) {
        let mut frame = bytes;
        if frame.len() >= 15 {
            frame[12..14].copy_from_slice(&ethertype);
            frame[14] = version;
        }
        let d = dissect(&frame);
        for layer in &d.layers {
            prop_assert!(layer.bytes.end <= frame.len());
            for field in layer.fields.iter().flat_map(|f| f.walk()) {
                prop_assert!(field.bytes.end <= frame.len(), "{} {:?}", field.id, field.bytes);
            }
        }
    }
}

mod inspector_render {
    use nettutor::i18n::Lang;
    use nettutor::ui::panel::RenderCtx;
    use nettutor::ui::theme::Theme;
    use nettutor::ui::widgets::inspector::Inspector;
    use proptest::prelude::*;
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(150))]

        /// Any bytes, any size, any selection, either view, either language: the
        /// inspector draws without panicking and stays inside its area.
        #[test]
        fn any_frame_renders_at_any_size(
            bytes in proptest::collection::vec(any::<u8>(), 0..300),
            w in 0u16..200,
            h in 0u16..60,
            moves in 0usize..80,
            bits in any::<bool>(),
            zh in any::<bool>(),
        ) {
            let theme = Theme::named("dark").unwrap();
            let lang = if zh { Lang::Zh } else { Lang::En };
            let ctx = RenderCtx { lang, theme: &theme, present: false };
            let mut inspector = Inspector::of_frame(&bytes);
            for _ in 0..moves {
                inspector.select_next();
            }
            inspector.set_bits(bits);
            let outer = Rect::new(0, 0, w + 2, h + 2);
            let mut buf = Buffer::empty(outer);
            inspector.render(Rect::new(1, 1, w, h), &mut buf, &ctx);
            // Nothing drawn on the one-cell frame around the area.
            for x in 0..outer.width {
                prop_assert_eq!(buf[(x, 0)].symbol(), " ");
                prop_assert_eq!(buf[(x, outer.height - 1)].symbol(), " ");
            }
            for y in 0..outer.height {
                prop_assert_eq!(buf[(0, y)].symbol(), " ");
                prop_assert_eq!(buf[(outer.width - 1, y)].symbol(), " ");
            }
        }
    }
}

/// A TCP segment whose checksum computes to 0x0000, stored as 0xffff (how
/// Linux's software checksum writes it): −0, the same number, so the
/// inspector calls it correct and says why; any other value is wrong.
#[test]
fn a_tcp_checksum_of_minus_zero_is_correct_and_explained() {
    for ip in [IpVersion::V4, IpVersion::V6] {
        let e = encapsulate(b"hello", Transport::Tcp, ip, &Endpoints::default()).unwrap();
        let mut frame = e.frame.clone();
        let tcp = dissect(&frame).layer(LayerKind::Tcp).unwrap().bytes.start;
        let (check, urgent) = (tcp + 16, tcp + 18);
        // The urgent pointer (ignored without URG) set to the checksum it
        // gives when zero makes the one's-complement sum all ones: the
        // checksum then computes to 0x0000.
        frame[urgent..urgent + 2].copy_from_slice(&[0, 0]);
        let stored = u16::from_be_bytes([frame[check], frame[check + 1]]);
        let right = dissect(&frame)
            .field("tcp.checksum")
            .and_then(|f| match f.checksum {
                Some(ChecksumStatus::Incorrect { expected }) => Some(expected as u16),
                _ => None,
            })
            .unwrap_or(stored);
        frame[check..check + 2].copy_from_slice(&[0, 0]);
        frame[urgent..urgent + 2].copy_from_slice(&right.to_be_bytes());
        let d = dissect(&frame);
        let field = d.field("tcp.checksum").unwrap();
        assert_eq!(field.checksum, Some(ChecksumStatus::Correct), "{ip:?}: +0");
        frame[check..check + 2].copy_from_slice(&[0xff, 0xff]);
        let d = dissect(&frame);
        let field = d.field("tcp.checksum").unwrap();
        assert_eq!(
            field.checksum,
            Some(ChecksumStatus::NegativeZero),
            "{ip:?}: −0"
        );
        assert!(d.bad_checksums().is_empty());
        let line = field.line(nettutor::i18n::Lang::En);
        assert!(line.contains("0xffff is −0, the same as 0x0000"), "{line}");
        frame[check..check + 2].copy_from_slice(&[0xff, 0xfe]);
        assert_eq!(dissect(&frame).bad_checksums().len(), 1, "{ip:?}: 0xfffe");
    }
}
