//! An IP address as text, stored inline (Redis keeps `char ip[NET_IP_STR_LEN]`), so that
//! copying it into every gossip entry costs no allocation.

use std::fmt;
use std::ops::Deref;

/// `NET_IP_STR_LEN`: room for any IPv6 address in text.
pub const IP_TEXT_LEN: usize = 46;

/// An IP address in text form, at most 46 bytes (longer input is cut); empty when unknown.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IpText {
    len: u8,
    buf: [u8; IP_TEXT_LEN],
}

impl IpText {
    pub const EMPTY: IpText = IpText {
        len: 0,
        buf: [0; IP_TEXT_LEN],
    };

    pub fn new(text: &str) -> IpText {
        let mut end = text.len().min(IP_TEXT_LEN);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let mut buf = [0; IP_TEXT_LEN];
        buf[..end].copy_from_slice(&text.as_bytes()[..end]);
        IpText {
            len: end as u8,
            buf,
        }
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..usize::from(self.len)]).unwrap_or("")
    }

    pub fn clear(&mut self) {
        *self = IpText::EMPTY;
    }
}

impl Default for IpText {
    fn default() -> Self {
        IpText::EMPTY
    }
}

impl Deref for IpText {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for IpText {
    fn from(s: &str) -> Self {
        IpText::new(s)
    }
}

impl From<String> for IpText {
    fn from(s: String) -> Self {
        IpText::new(&s)
    }
}

impl From<IpText> for Vec<u8> {
    fn from(ip: IpText) -> Self {
        ip.as_bytes().to_vec()
    }
}

impl PartialEq<str> for IpText {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for IpText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for IpText {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl fmt::Display for IpText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for IpText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_compares_with_str() {
        let ip = IpText::new("127.0.0.1");
        assert_eq!(ip, "127.0.0.1");
        assert_eq!(ip.to_string(), "127.0.0.1");
        assert!(IpText::default().is_empty());
        assert_eq!(IpText::new(&"x".repeat(60)).len(), 46);
    }
}
