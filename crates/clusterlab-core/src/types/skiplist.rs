//! The ordered half of a sorted set: a skiplist with spans, as Redis keeps it, so that
//! insertion, removal, rank and "the n-th element" all cost O(log n). Nodes live in an
//! arena; levels come from the list's own deterministic generator (p = 1/4, at most 32).

type Bytes = Vec<u8>;

const NIL: u32 = u32::MAX;
const HEAD: u32 = 0;
const MAX_LEVEL: usize = 32;

#[derive(Clone, Copy, Debug)]
struct Level {
    forward: u32,
    span: u32,
}

#[derive(Clone, Debug)]
struct SkipNode {
    score: f64,
    member: Bytes,
    backward: u32,
    levels: Vec<Level>,
}

/// Whether (score, member) `a` sorts before `b`: by score, then by member bytes.
fn before(a: (f64, &[u8]), b: (f64, &[u8])) -> bool {
    a.0 < b.0 || (a.0 == b.0 && a.1 < b.1)
}

#[derive(Clone, Debug)]
pub struct SkipList {
    nodes: Vec<SkipNode>,
    free: Vec<u32>,
    tail: u32,
    len: usize,
    level: usize,
    seed: u64,
}

impl Default for SkipList {
    fn default() -> Self {
        let head = SkipNode {
            score: 0.0,
            member: Vec::new(),
            backward: NIL,
            levels: vec![
                Level {
                    forward: NIL,
                    span: 0
                };
                MAX_LEVEL
            ],
        };
        SkipList {
            nodes: vec![head],
            free: Vec::new(),
            tail: NIL,
            len: 0,
            level: 1,
            seed: 0x9E37_79B9_7F4A_7C15,
        }
    }
}

impl SkipList {
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.len
    }

    fn key(&self, x: u32) -> (f64, &[u8]) {
        let n = &self.nodes[x as usize];
        (n.score, &n.member)
    }

    fn forward(&self, x: u32, i: usize) -> u32 {
        self.nodes[x as usize].levels[i].forward
    }

    fn span(&self, x: u32, i: usize) -> u32 {
        self.nodes[x as usize].levels[i].span
    }

    fn level_mut(&mut self, x: u32, i: usize) -> &mut Level {
        &mut self.nodes[x as usize].levels[i]
    }

    fn random_level(&mut self) -> usize {
        let mut level = 1;
        loop {
            // xorshift64*: deterministic, and independent of the node's RNG stream.
            self.seed ^= self.seed >> 12;
            self.seed ^= self.seed << 25;
            self.seed ^= self.seed >> 27;
            let r = self.seed.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 32;
            if level < MAX_LEVEL && (r & 0xFFFF) < 0x4000 {
                level += 1;
            } else {
                return level;
            }
        }
    }

    /// Inserts an element that is not in the list.
    pub fn insert(&mut self, score: f64, member: Bytes) {
        let mut update = [HEAD; MAX_LEVEL];
        let mut rank = [0u32; MAX_LEVEL];
        let mut x = HEAD;
        for i in (0..self.level).rev() {
            rank[i] = if i == self.level - 1 { 0 } else { rank[i + 1] };
            loop {
                let f = self.forward(x, i);
                if f == NIL || !before(self.key(f), (score, &member)) {
                    break;
                }
                rank[i] += self.span(x, i);
                x = f;
            }
            update[i] = x;
        }
        let level = self.random_level();
        if level > self.level {
            for i in self.level..level {
                rank[i] = 0;
                update[i] = HEAD;
                self.level_mut(HEAD, i).span = self.len as u32;
            }
            self.level = level;
        }
        let node = SkipNode {
            score,
            member,
            backward: if update[0] == HEAD { NIL } else { update[0] },
            levels: vec![
                Level {
                    forward: NIL,
                    span: 0
                };
                level
            ],
        };
        let x = match self.free.pop() {
            Some(slot) => {
                self.nodes[slot as usize] = node;
                slot
            }
            None => {
                self.nodes.push(node);
                (self.nodes.len() - 1) as u32
            }
        };
        for i in 0..level {
            let prev = *self.level_mut(update[i], i);
            *self.level_mut(x, i) = Level {
                forward: prev.forward,
                span: prev.span - (rank[0] - rank[i]),
            };
            *self.level_mut(update[i], i) = Level {
                forward: x,
                span: rank[0] - rank[i] + 1,
            };
        }
        for (i, &u) in update.iter().enumerate().take(self.level).skip(level) {
            self.level_mut(u, i).span += 1;
        }
        match self.forward(x, 0) {
            NIL => self.tail = x,
            f => self.nodes[f as usize].backward = x,
        }
        self.len += 1;
    }

    /// Removes an element; returns false when it is not in the list.
    pub fn remove(&mut self, score: f64, member: &[u8]) -> bool {
        let mut update = [HEAD; MAX_LEVEL];
        let mut x = HEAD;
        for i in (0..self.level).rev() {
            loop {
                let f = self.forward(x, i);
                if f == NIL || !before(self.key(f), (score, member)) {
                    break;
                }
                x = f;
            }
            update[i] = x;
        }
        let x = self.forward(x, 0);
        if x == NIL || self.key(x) != (score, member) {
            return false;
        }
        for (i, &u) in update.iter().enumerate().take(self.level) {
            if self.forward(u, i) == x {
                let gone = self.nodes[x as usize].levels[i];
                *self.level_mut(u, i) = Level {
                    forward: gone.forward,
                    span: self.span(u, i) + gone.span - 1,
                };
            } else {
                self.level_mut(u, i).span -= 1;
            }
        }
        let back = self.nodes[x as usize].backward;
        match self.forward(x, 0) {
            NIL => self.tail = back,
            f => self.nodes[f as usize].backward = back,
        }
        while self.level > 1 && self.forward(HEAD, self.level - 1) == NIL {
            self.level -= 1;
        }
        self.nodes[x as usize].member = Vec::new();
        self.free.push(x);
        self.len -= 1;
        true
    }

    /// How many leading elements satisfy `pred`, which must hold for a prefix of the
    /// list (a lower bound on scores or on members).
    pub fn count_while(&self, pred: impl Fn(f64, &[u8]) -> bool) -> usize {
        let mut x = HEAD;
        let mut n = 0usize;
        for i in (0..self.level).rev() {
            loop {
                let f = self.forward(x, i);
                if f == NIL {
                    break;
                }
                let (s, m) = self.key(f);
                if !pred(s, m) {
                    break;
                }
                n += self.span(x, i) as usize;
                x = f;
            }
        }
        n
    }

    /// The 0-based rank of an element in the list.
    pub fn rank(&self, score: f64, member: &[u8]) -> usize {
        self.count_while(|s, m| before((s, m), (score, member)))
    }

    fn node_at(&self, rank: usize) -> u32 {
        if rank >= self.len {
            return NIL;
        }
        let target = rank + 1;
        let mut x = HEAD;
        let mut traversed = 0usize;
        for i in (0..self.level).rev() {
            loop {
                let f = self.forward(x, i);
                if f == NIL || traversed + self.span(x, i) as usize > target {
                    break;
                }
                traversed += self.span(x, i) as usize;
                x = f;
            }
            if traversed == target {
                return x;
            }
        }
        NIL
    }

    /// The element at a 0-based rank.
    pub fn get(&self, rank: usize) -> Option<(f64, &Bytes)> {
        match self.node_at(rank) {
            NIL => None,
            x => Some((self.nodes[x as usize].score, &self.nodes[x as usize].member)),
        }
    }

    /// Elements from `rank` on, forwards, or backwards (towards rank 0) when `rev`.
    pub fn iter_from(&self, rank: usize, rev: bool) -> Iter<'_> {
        Iter {
            list: self,
            at: self.node_at(rank),
            rev,
        }
    }
}

pub struct Iter<'a> {
    list: &'a SkipList,
    at: u32,
    rev: bool,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (f64, &'a Bytes);

    fn next(&mut self) -> Option<Self::Item> {
        if self.at == NIL {
            return None;
        }
        let n = &self.list.nodes[self.at as usize];
        self.at = if self.rev {
            n.backward
        } else {
            n.levels[0].forward
        };
        Some((n.score, &n.member))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_and_positions_agree_with_a_sorted_vector() {
        let mut list = SkipList::default();
        let mut model: Vec<(i64, Bytes)> = Vec::new();
        let mut x: u64 = 7;
        for step in 0..3000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let score = ((x >> 33) % 50) as i64;
            let member = format!("m{}", (x >> 40) % 400).into_bytes();
            let present = model.iter().position(|(_, m)| *m == member);
            match present {
                Some(i) if step % 3 != 0 => {
                    let (s, m) = model.remove(i);
                    assert!(list.remove(s as f64, &m));
                }
                Some(_) => {}
                None => {
                    list.insert(score as f64, member.clone());
                    model.push((score, member));
                    crate::order::sort_by(&mut model, |a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
                }
            }
            assert_eq!(list.len(), model.len());
        }
        for (i, (s, m)) in model.iter().enumerate() {
            assert_eq!(list.rank(*s as f64, m), i);
            assert_eq!(list.get(i), Some((*s as f64, m)));
        }
        let forward: Vec<_> = list.iter_from(0, false).map(|(_, m)| m.clone()).collect();
        let expected: Vec<_> = model.iter().map(|(_, m)| m.clone()).collect();
        assert_eq!(forward, expected);
        let back: Vec<_> = list
            .iter_from(model.len() - 1, true)
            .map(|(_, m)| m.clone())
            .collect();
        assert_eq!(back, expected.into_iter().rev().collect::<Vec<_>>());
        assert_eq!(
            list.count_while(|s, _| s < 10.0),
            model.iter().filter(|(s, _)| *s < 10).count()
        );
        assert!(!list.remove(999.0, b"none"));
    }
}
