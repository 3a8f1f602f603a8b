//! The password policy (NIST SP 800-63B, OWASP ASVS V6): 12 to 128 characters, no composition
//! rules, common passwords refused. A password is never printed, not even in `Debug`.

use std::collections::HashSet;
use std::fmt;
use std::sync::OnceLock;

/// Why a new password was refused. Each variant names the rule, so the portal can say which.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Fewer than [`NewPassword::MIN_CHARS`] characters.
    #[error("must be at least {min} characters long", min = NewPassword::MIN_CHARS)]
    TooShort,
    /// More than [`NewPassword::MAX_CHARS`] characters.
    #[error("must be at most {max} characters long", max = NewPassword::MAX_CHARS)]
    TooLong,
    /// On the bundled list of commonly used passwords.
    #[error("is too common: it appears on lists of passwords that attackers try first")]
    TooCommon,
}

/// A password that satisfies the policy, ready to be hashed with [`crate::hash_password`].
///
/// Only passwords being *set* go through this type. A password typed at login is checked against
/// the stored hash as it is, so the policy can change without locking anyone out.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    /// The fewest characters (Unicode scalar values, not bytes) a password may have.
    pub const MIN_CHARS: usize = 12;
    /// The most characters a password may have: long enough for any passphrase, short enough
    /// that hashing it costs no more than hashing any other.
    pub const MAX_CHARS: usize = 128;

    /// Checks `candidate` against the policy. Characters of every kind count, spaces included;
    /// nothing is trimmed, because what the user typed is what they will type again.
    ///
    /// # Errors
    /// [`PasswordError`] naming the first rule the candidate breaks: length, then commonness.
    pub fn parse(candidate: &str) -> Result<Self, PasswordError> {
        let chars = candidate.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(PasswordError::TooShort);
        }
        if chars > Self::MAX_CHARS {
            return Err(PasswordError::TooLong);
        }
        if is_common(candidate) {
            return Err(PasswordError::TooCommon);
        }
        Ok(Self(candidate.to_owned()))
    }

    /// The password itself, for hashing. Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword([REDACTED])")
    }
}

const COMMON_PASSWORDS: &str = include_str!("../data/common-passwords.txt");

fn common_passwords() -> &'static HashSet<&'static str> {
    static LIST: OnceLock<HashSet<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| {
        COMMON_PASSWORDS
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .collect()
    })
}

/// True when `candidate`, ignoring case and white space, is on the bundled list. Spaces are
/// ignored because "Pass Word 1234" is no harder to guess than "password1234".
pub fn is_common(candidate: &str) -> bool {
    let folded: String = candidate
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    common_passwords().contains(folded.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_characters_are_enough_and_eleven_are_not() {
        assert_eq!(NewPassword::parse("tulip-ostrich").map(|_| ()), Ok(()));
        assert_eq!(NewPassword::parse("violet-otter").map(|_| ()), Ok(()));
        assert_eq!(NewPassword::parse("violet-otte"), Err(PasswordError::TooShort));
        assert_eq!(NewPassword::parse(""), Err(PasswordError::TooShort));
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        // Eleven two-byte characters: 22 bytes, still too short.
        assert_eq!(NewPassword::parse(&"é".repeat(11)), Err(PasswordError::TooShort));
        assert!(NewPassword::parse("ünïcödé-wörds").is_ok());
        // 128 four-byte characters are 512 bytes and still allowed; 129 are not.
        assert!(NewPassword::parse(&"🦀".repeat(128)).is_ok());
        assert_eq!(NewPassword::parse(&"🦀".repeat(129)), Err(PasswordError::TooLong));
    }

    #[test]
    fn one_hundred_and_twenty_eight_characters_are_the_most() {
        let longest = "correct horse battery staple, and a long tail of words ".repeat(3);
        let longest: String = longest.chars().take(128).collect();
        assert!(NewPassword::parse(&longest).is_ok());
        assert_eq!(NewPassword::parse(&format!("{longest}x")), Err(PasswordError::TooLong));
    }

    #[test]
    fn no_composition_rules_apply() {
        for ok in [
            "all lower case words",
            "ALLUPPERCASEWORDS",
            "9081726354546372",
            "!@£$%^&*()_+{}",
        ] {
            assert!(NewPassword::parse(ok).is_ok(), "{ok} should be accepted");
        }
    }

    #[test]
    fn common_passwords_are_refused_whatever_their_case_or_spacing() {
        for common in [
            "password1234",
            "Password1234",
            "PASSWORD1234!",
            "qwertyuiop123",
            "123456789012",
            "aaaaaaaaaaaa",
            "1qaz2wsx3edc",
            "iloveyou1234",
            "Liverpool1234",
            "correct horse battery staple",
            "Pass Word 1234",
        ] {
            assert_eq!(
                NewPassword::parse(common),
                Err(PasswordError::TooCommon),
                "{common} should be refused"
            );
        }
    }

    #[test]
    fn the_bundled_list_is_sorted_lower_case_unique_and_long_enough_to_matter() {
        let entries: Vec<&str> = COMMON_PASSWORDS.lines().filter(|line| !line.starts_with('#')).collect();
        assert!(entries.len() >= 2_000, "only {} entries", entries.len());
        assert!(
            entries.windows(2).all(|pair| pair[0] < pair[1]),
            "sorted, no duplicates"
        );
        for entry in &entries {
            assert_eq!(*entry, entry.to_lowercase(), "{entry} is not lower case");
            assert!(!entry.chars().any(char::is_whitespace), "{entry:?} holds white space");
            assert!(
                entry.chars().count() >= NewPassword::MIN_CHARS,
                "{entry} is too short to matter"
            );
        }
        assert_eq!(common_passwords().len(), entries.len());
    }

    #[test]
    fn debug_never_prints_the_password() {
        let password = NewPassword::parse("tulip-ostrich-lamp").map_err(|e| e.to_string());
        assert_eq!(format!("{password:?}"), "Ok(NewPassword([REDACTED]))");
    }

    #[test]
    fn errors_name_the_rule() {
        assert_eq!(
            PasswordError::TooShort.to_string(),
            "must be at least 12 characters long"
        );
        assert_eq!(
            PasswordError::TooLong.to_string(),
            "must be at most 128 characters long"
        );
        assert!(PasswordError::TooCommon.to_string().contains("too common"));
    }
}
