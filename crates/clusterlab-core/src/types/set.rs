//! Sets: an intset (sorted integers) while every member is a canonical integer and there
//! are at most `set-max-intset-entries`, else a hash table. Like Redis, a set never
//! converts back.

use super::{parse_canonical_i64, Dict, Limits};

type Bytes = Vec<u8>;

#[derive(Clone, Debug, PartialEq)]
pub enum SetValue {
    Intset(Vec<i64>),
    Table(Dict<()>),
}

impl Default for SetValue {
    fn default() -> Self {
        SetValue::Intset(Vec::new())
    }
}

impl SetValue {
    /// A set made of `members` (added in order, as SADD adds them).
    pub fn from_members<I: IntoIterator<Item = Bytes>>(members: I, limits: &Limits) -> Self {
        let mut s = SetValue::default();
        for m in members {
            s.add(m, limits);
        }
        s
    }

    pub fn encoding(&self) -> &'static str {
        match self {
            SetValue::Intset(_) => "intset",
            SetValue::Table(_) => "hashtable",
        }
    }

    pub fn len(&self) -> usize {
        match self {
            SetValue::Intset(v) => v.len(),
            SetValue::Table(d) => d.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn contains(&self, m: &[u8]) -> bool {
        match self {
            SetValue::Intset(v) => {
                parse_canonical_i64(m).is_some_and(|n| v.binary_search(&n).is_ok())
            }
            SetValue::Table(d) => d.contains(m),
        }
    }

    /// `setTypeAdd`: returns true when the member is new.
    pub fn add(&mut self, m: Bytes, limits: &Limits) -> bool {
        if let SetValue::Intset(v) = self {
            match parse_canonical_i64(&m) {
                Some(n) => {
                    let Err(at) = v.binary_search(&n) else {
                        return false;
                    };
                    v.insert(at, n);
                    // Redis caps the setting at 2^30 (an intset's own limit).
                    if v.len() > limits.intset_entries.min(1 << 30) {
                        self.convert();
                    }
                    return true;
                }
                None => self.convert(),
            }
        }
        match self {
            SetValue::Table(d) => d.insert(m, ()),
            SetValue::Intset(_) => unreachable!("converted above"),
        }
    }

    /// `setTypeRemove`: returns true when the member was there.
    pub fn remove(&mut self, m: &[u8]) -> bool {
        match self {
            SetValue::Intset(v) => match parse_canonical_i64(m).map(|n| v.binary_search(&n)) {
                Some(Ok(i)) => {
                    v.remove(i);
                    true
                }
                _ => false,
            },
            SetValue::Table(d) => d.remove(m).is_some(),
        }
    }

    /// The member at position `i` of the listed order (for random picks).
    pub fn at(&self, i: usize) -> Bytes {
        match self {
            SetValue::Intset(v) => v[i].to_string().into_bytes(),
            SetValue::Table(d) => d.at(i).0.clone(),
        }
    }

    /// Members in the order SMEMBERS lists them: ascending for an intset.
    pub fn iter(&self) -> Box<dyn Iterator<Item = Bytes> + '_> {
        match self {
            SetValue::Intset(v) => Box::new(v.iter().map(|n| n.to_string().into_bytes())),
            SetValue::Table(d) => Box::new(d.iter().map(|(k, _)| k.clone())),
        }
    }

    pub fn listed(&self) -> Vec<Bytes> {
        self.iter().collect()
    }

    fn convert(&mut self) {
        if let SetValue::Intset(v) = self {
            let mut d = Dict::default();
            for n in std::mem::take(v) {
                d.insert(n.to_string().into_bytes(), ());
            }
            *self = SetValue::Table(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_stay_sorted_until_a_string_arrives() {
        let lim = Limits::default();
        let mut s = SetValue::from_members([b"3".to_vec(), b"1".to_vec(), b"2".to_vec()], &lim);
        assert_eq!(s.encoding(), "intset");
        assert_eq!(
            s.listed(),
            vec![b"1".to_vec(), b"2".to_vec(), b"3".to_vec()]
        );
        assert!(!s.add(b"2".to_vec(), &lim));
        assert!(!s.contains(b"02"));
        assert!(s.add(b"a".to_vec(), &lim));
        assert_eq!(s.encoding(), "hashtable");
        assert!(s.remove(b"a"));
        assert_eq!(s.encoding(), "hashtable");
        assert!(s.contains(b"1"));
        let big = SetValue::from_members(
            (0..=lim.intset_entries).map(|i| i.to_string().into_bytes()),
            &lim,
        );
        assert_eq!(big.encoding(), "hashtable");
    }
}
