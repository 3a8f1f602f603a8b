//! `string_enum!`: an enumeration spelled in SCREAMING_SNAKE_CASE on the wire and in storage.

/// Declares a fieldless enum with `as_str`, `ALL`, `Display`, `FromStr` and serde support, all
/// using the same spelling, so the API, the database and the audit log never disagree.
macro_rules! string_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        $vis enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The variants' spellings, comma-separated, for error messages.
            pub const EXPECTED: &'static str = concat!($($text, ", "),+);

            /// The wire and storage spelling.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::UnknownVariant;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err($crate::UnknownVariant {
                        value: other.chars().take(64).collect(),
                        expected: Self::EXPECTED.trim_end_matches(", "),
                    }),
                }
            }
        }
    };
}

pub(crate) use string_enum;
