//! Hashes: a listpack (field/value pairs in insertion order) while small, a hash table
//! once a field or value outgrows `hash-max-listpack-value` or the count passes
//! `hash-max-listpack-entries`. Like Redis, a hash never converts back.

use super::{Dict, Limits};

type Bytes = Vec<u8>;

#[derive(Clone, Debug, PartialEq)]
pub enum Hash {
    Listpack(Vec<(Bytes, Bytes)>),
    Table(Dict<Bytes>),
}

impl Default for Hash {
    fn default() -> Self {
        Hash::Listpack(Vec::new())
    }
}

impl Hash {
    pub fn encoding(&self) -> &'static str {
        match self {
            Hash::Listpack(_) => "listpack",
            Hash::Table(_) => "hashtable",
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Hash::Listpack(p) => p.len(),
            Hash::Table(d) => d.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, field: &[u8]) -> Option<&Bytes> {
        match self {
            Hash::Listpack(p) => p.iter().find(|(f, _)| f == field).map(|(_, v)| v),
            Hash::Table(d) => d.get(field),
        }
    }

    pub fn contains(&self, field: &[u8]) -> bool {
        self.get(field).is_some()
    }

    /// `hashTypeTryConversion`: converts before a write whose arguments include one too
    /// long for a listpack.
    pub fn prepare_for<'a>(&mut self, args: impl IntoIterator<Item = &'a Bytes>, limits: &Limits) {
        if matches!(self, Hash::Listpack(_))
            && args.into_iter().any(|a| a.len() > limits.hash_value)
        {
            self.convert();
        }
    }

    /// `hashTypeSet`: sets a field (an existing one keeps its place); returns true when
    /// the field is new.
    pub fn set(&mut self, field: Bytes, value: Bytes, limits: &Limits) -> bool {
        if field.len() > limits.hash_value || value.len() > limits.hash_value {
            self.convert();
        }
        match self {
            Hash::Listpack(p) => {
                let new = match p.iter_mut().find(|(f, _)| *f == field) {
                    Some(entry) => {
                        entry.1 = value;
                        false
                    }
                    None => {
                        p.push((field, value));
                        true
                    }
                };
                // Checked after an update too (the limit may have been lowered since).
                if p.len() > limits.hash_entries {
                    self.convert();
                }
                new
            }
            Hash::Table(d) => d.insert(field, value),
        }
    }

    /// Removes a field; returns true when it was there.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        match self {
            Hash::Listpack(p) => match p.iter().position(|(f, _)| f == field) {
                Some(i) => {
                    p.remove(i);
                    true
                }
                None => false,
            },
            Hash::Table(d) => d.remove(field).is_some(),
        }
    }

    /// The pair at position `i` in iteration order (for random picks).
    pub fn at(&self, i: usize) -> (&Bytes, &Bytes) {
        match self {
            Hash::Listpack(p) => (&p[i].0, &p[i].1),
            Hash::Table(d) => d.at(i),
        }
    }

    /// Field/value pairs in the order HGETALL shows them.
    pub fn iter(&self) -> Box<dyn Iterator<Item = (&Bytes, &Bytes)> + '_> {
        match self {
            Hash::Listpack(p) => Box::new(p.iter().map(|(f, v)| (f, v))),
            Hash::Table(d) => Box::new(d.iter()),
        }
    }

    fn convert(&mut self) {
        if let Hash::Listpack(p) = self {
            let mut d = Dict::default();
            for (f, v) in std::mem::take(p) {
                d.insert(f, v);
            }
            *self = Hash::Table(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_once_and_for_all() {
        let lim = Limits::default();
        let mut h = Hash::default();
        assert!(h.set(b"f".to_vec(), b"v".to_vec(), &lim));
        assert_eq!(h.encoding(), "listpack");
        assert!(!h.set(b"f".to_vec(), vec![b'x'; 65], &lim));
        assert_eq!(h.encoding(), "hashtable");
        assert!(h.remove(b"f"));
        assert_eq!(h.encoding(), "hashtable");
        let mut big = Hash::default();
        for i in 0..=lim.hash_entries {
            big.set(i.to_string().into_bytes(), vec![], &lim);
        }
        assert_eq!(big.encoding(), "hashtable");
        assert_eq!(big.len(), lim.hash_entries + 1);
    }
}
