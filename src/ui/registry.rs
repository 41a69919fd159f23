//! Every screen of the tutor, declared once.
//!
//! One line per screen names its [`Screen`] variant, its ui.toml name (the
//! tab title is `tab.NAME`, the home line `about.NAME`, the digit's help
//! `key.open.NAME`), the field and type of its panel, the digit that opens it
//! (screens without a tab have none) and the [`PanelId`] a lesson names it by.
//! From that line come the `Screen` enum and its lists, the app's `Panels`
//! (construction, lookup, typed access), the panel's own message variant in
//! [`PanelMsg`] and its dispatch, the digit bindings and the lesson-link
//! mapping. A new screen is its module plus one line here (and its ui.toml
//! strings; a lesson-linkable one also its `PanelId` and argument parser in
//! `lesson/`).

use super::keymap::{Binding, Key};
use super::msg::Msg;
use super::panel::{Ctx, Panel, PanelDyn, PanelInit};
use crate::lesson::PanelId;

use super::check::CheckPanel;
use super::glossary::GlossaryView;
use super::handshake::HandshakePanel;
use super::home::HomePanel;
use super::labs::LabsPanel;
use super::lan::LanPanel;
use super::lessons::LessonsView;
use super::osi::OsiPanel;
use super::quiz::QuizPanel;
use super::subnet::SubnetPanel;

macro_rules! screens {
    ($(
        $(#[$doc:meta])*
        $name:ident $key:literal => $field:ident: $ty:ty
            $(, tab $digit:literal)? $(, link $link:ident)?;
    )*) => {
        /// The sections: the tabs in tab order, then the screens without a tab.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Screen {
            $( $(#[$doc])* $name, )*
        }

        impl Screen {
            /// The tabs, in order (a digit opens each).
            pub const ALL: &'static [Screen] = &[ $( $( { let _ = $digit; Screen::$name }, )? )* ];

            /// Every screen, tabs first.
            pub const EVERY: &'static [Screen] = &[ $( Screen::$name, )* ];

            /// The name ui.toml keys are built from.
            pub fn name(self) -> &'static str {
                match self { $( Screen::$name => $key, )* }
            }

            /// The ui.toml key of the tab title.
            pub fn title_key(self) -> &'static str {
                match self { $( Screen::$name => concat!("tab.", $key), )* }
            }

            /// The ui.toml key of the one-line description on the home screen.
            pub fn about_key(self) -> &'static str {
                match self { $( Screen::$name => concat!("about.", $key), )* }
            }

            /// The screen a lesson's panel link opens.
            pub fn for_panel(panel: PanelId) -> Screen {
                match panel { $( $( PanelId::$link => Screen::$name, )? )* }
            }
        }

        /// A panel's own message, tagged with its screen: `Msg::Panel(PanelMsg::Osi(…))`.
        #[derive(Debug, Clone, PartialEq)]
        pub enum PanelMsg {
            $( $name(<$ty as Panel>::Msg), )*
        }

        impl PanelMsg {
            /// The screen whose panel handles it.
            pub fn screen(&self) -> Screen {
                match self { $( PanelMsg::$name(_) => Screen::$name, )* }
            }
        }

        /// A screen's own key table (its panel's `KEYS`).
        pub fn screen_keys(screen: Screen) -> &'static [Binding] {
            match screen { $( Screen::$name => <$ty as Panel>::KEYS, )* }
        }

        /// The keys that open each tab (their digit).
        pub const TAB_KEYS: &[Binding] = &[ $( $( Binding {
            keys: &[Key::Char($digit)],
            msg: Msg::Open(Screen::$name),
            help: concat!("key.open.", $key),
        }, )? )* ];

        /// Every screen's panel (the fields are the app's; others read them
        /// through the accessors).
        pub struct Panels {
            $( pub(in crate::ui) $field: $ty, )*
        }

        impl Panels {
            pub fn new(init: &PanelInit) -> Panels {
                Panels { $( $field: <$ty as Panel>::create(init), )* }
            }

            /// The one lookup from a screen to its panel.
            pub fn get(&self, screen: Screen) -> &dyn PanelDyn {
                match screen { $( Screen::$name => &self.$field, )* }
            }

            pub fn get_mut(&mut self, screen: Screen) -> &mut dyn PanelDyn {
                match screen { $( Screen::$name => &mut self.$field, )* }
            }

            /// Hands a panel its own message.
            pub fn update(&mut self, msg: PanelMsg, ctx: &mut Ctx) -> Option<Msg> {
                match msg { $( PanelMsg::$name(m) => Panel::update(&mut self.$field, m, ctx), )* }
            }

            $(
                /// The panel, typed (drawing, tests, the app's cross-screen needs).
                pub fn $field(&self) -> &$ty {
                    &self.$field
                }
            )*
        }

        /// Each panel, typed and read-only (`app.osi()`).
        impl super::app::App {
            $(
                pub fn $field(&self) -> &$ty {
                    self.panels().$field()
                }
            )*
        }

    };
}

screens! {
    Home "home" => home: HomePanel, tab '0';
    Lessons "lessons" => reader: LessonsView, tab '1', link Lessons;
    Osi "osi" => osi: OsiPanel, tab '2', link Osi;
    Lan "lan" => lan: LanPanel, tab '3', link Lan;
    Handshake "handshake" => handshake: HandshakePanel, tab '4', link Handshake;
    Subnet "subnet" => subnet: SubnetPanel, tab '5', link Subnet;
    Labs "labs" => labs: LabsPanel, tab '6', link Labs;
    Quiz "quiz" => quiz: QuizPanel, tab '7', link Quiz;
    Glossary "glossary" => glossary: GlossaryView, tab '8', link Glossary;
    /// The student's `nettutor check` reports (no tab: opened from Labs with `c`,
    /// by `nettutor check --open`, or by a lesson link).
    Check "check" => check: CheckPanel, link Check;
}

impl Screen {
    /// The digit that opens it.
    pub fn number(self) -> usize {
        Screen::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_panel_a_lesson_names_has_a_screen_and_back() {
        for &panel in PanelId::ALL {
            let screen = Screen::for_panel(panel);
            assert_eq!(screen.name(), panel.name(), "{panel:?} opens {screen:?}");
        }
    }

    #[test]
    fn every_screen_has_its_strings_in_both_languages() {
        for &screen in Screen::EVERY {
            for key in [screen.title_key(), screen.about_key()] {
                assert!(crate::i18n::has(key), "ui.toml lacks '{key}'");
            }
        }
        for b in TAB_KEYS {
            assert!(crate::i18n::has(b.help), "ui.toml lacks '{}'", b.help);
        }
    }

    #[test]
    fn tab_digits_follow_tab_order() {
        for (i, b) in TAB_KEYS.iter().enumerate() {
            let digit = char::from_digit(i as u32, 10);
            assert_eq!(b.keys.first(), digit.map(Key::Char).as_ref());
            assert_eq!(b.msg, Msg::Open(Screen::ALL[i]));
        }
    }
}
