//! The shape of Redis's radix tree (`rax.c`), kept only to count its nodes as XINFO
//! STREAM's `radix-tree-nodes` does: insertion splits compressed nodes and removal
//! frees and recompresses them exactly as `raxGenericInsert` and `raxRemove` do.

#[derive(Clone, Debug, Default, PartialEq)]
struct RaxNode {
    key: bool,
    compressed: bool,
    /// A compressed node's string, or a branching node's child characters.
    chars: Vec<u8>,
    children: Vec<usize>,
}

/// Where a node hangs: the head, or a child slot of a parent.
#[derive(Clone, Copy)]
enum Link {
    Head,
    Child(usize, usize),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Rax {
    nodes: Vec<RaxNode>,
    free: Vec<usize>,
    head: usize,
    /// `rax->numnodes`.
    pub numnodes: usize,
}

impl Default for Rax {
    fn default() -> Self {
        Rax {
            nodes: vec![RaxNode::default()],
            free: Vec::new(),
            head: 0,
            numnodes: 1,
        }
    }
}

impl Rax {
    fn alloc(&mut self, n: RaxNode) -> usize {
        match self.free.pop() {
            Some(i) => {
                self.nodes[i] = n;
                i
            }
            None => {
                self.nodes.push(n);
                self.nodes.len() - 1
            }
        }
    }

    fn release(&mut self, i: usize) {
        self.nodes[i] = RaxNode::default();
        self.free.push(i);
    }

    fn set_link(&mut self, link: Link, to: usize) {
        match link {
            Link::Head => self.head = to,
            Link::Child(p, slot) => self.nodes[p].children[slot] = to,
        }
    }

    fn size(&self, i: usize) -> usize {
        self.nodes[i].chars.len()
    }

    /// `raxLowWalk`: how much of `s` matched, the node it stopped at, the link to it,
    /// the split position in a compressed node, and the nodes passed on the way.
    fn walk(&self, s: &[u8]) -> (usize, usize, Link, usize, Vec<usize>) {
        let (mut h, mut link, mut i, mut j) = (self.head, Link::Head, 0, 0);
        let mut stack = Vec::new();
        while self.size(h) > 0 && i < s.len() {
            let n = &self.nodes[h];
            if n.compressed {
                j = 0;
                while j < n.chars.len() && i < s.len() && n.chars[j] == s[i] {
                    j += 1;
                    i += 1;
                }
                if j != n.chars.len() {
                    break;
                }
                j = 0;
            } else {
                match n.chars.iter().position(|&c| c == s[i]) {
                    Some(p) => j = p,
                    None => break,
                }
                i += 1;
            }
            stack.push(h);
            link = Link::Child(h, j);
            h = n.children[j];
            j = 0;
        }
        (i, h, link, j, stack)
    }

    /// `raxInsert` of a key not yet present (a present one changes nothing).
    pub fn insert(&mut self, s: &[u8]) {
        let (mut i, mut h, link, j, _) = self.walk(s);
        let len = s.len();
        let compressed = self.nodes[h].compressed;
        if i == len && (!compressed || j == 0) {
            self.nodes[h].key = true;
            return;
        }
        if compressed && i != len {
            let old = std::mem::take(&mut self.nodes[h]);
            let next = old.children[0];
            let split = self.alloc(RaxNode {
                key: j == 0 && old.key,
                chars: vec![old.chars[j]],
                ..RaxNode::default()
            });
            if j == 0 {
                self.set_link(link, split);
            } else {
                let trimmed = self.alloc(RaxNode {
                    key: old.key,
                    compressed: j > 1,
                    chars: old.chars[..j].to_vec(),
                    children: vec![split],
                });
                self.set_link(link, trimmed);
                self.numnodes += 1;
            }
            let post = &old.chars[j + 1..];
            let postfix = if post.is_empty() {
                next
            } else {
                self.numnodes += 1;
                self.alloc(RaxNode {
                    key: false,
                    compressed: post.len() > 1,
                    chars: post.to_vec(),
                    children: vec![next],
                })
            };
            self.nodes[split].children = vec![postfix];
            self.release(h);
            h = split;
        } else if compressed {
            let old = std::mem::take(&mut self.nodes[h]);
            let postfix = self.alloc(RaxNode {
                key: true,
                compressed: old.chars.len() - j > 1,
                chars: old.chars[j..].to_vec(),
                children: old.children.clone(),
            });
            let trimmed = self.alloc(RaxNode {
                key: old.key,
                compressed: j > 1,
                chars: old.chars[..j].to_vec(),
                children: vec![postfix],
            });
            self.numnodes += 1;
            self.set_link(link, trimmed);
            self.release(h);
            return;
        }
        while i < len {
            let child = self.alloc(RaxNode::default());
            if self.size(h) == 0 && len - i > 1 {
                let n = &mut self.nodes[h];
                n.compressed = true;
                n.chars = s[i..].to_vec();
                n.children = vec![child];
                i = len;
            } else {
                let n = &mut self.nodes[h];
                let at = n
                    .chars
                    .iter()
                    .position(|&c| c > s[i])
                    .unwrap_or(n.chars.len());
                n.chars.insert(at, s[i]);
                n.children.insert(at, child);
                i += 1;
            }
            self.numnodes += 1;
            h = child;
        }
        self.nodes[h].key = true;
    }

    /// `raxRemove`: frees the nodes the key alone needed and recompresses the chain
    /// that is left.
    pub fn remove(&mut self, s: &[u8]) {
        let (i, mut h, _, j, mut stack) = self.walk(s);
        let n = &self.nodes[h];
        if i != s.len() || (n.compressed && j != 0) || !n.key {
            return;
        }
        self.nodes[h].key = false;
        let mut try_compress = false;
        if self.size(h) == 0 {
            let mut child = None;
            while h != self.head {
                child = Some(h);
                self.release(h);
                self.numnodes -= 1;
                let Some(p) = stack.pop() else { break };
                h = p;
                let n = &self.nodes[h];
                if n.key || (!n.compressed && n.chars.len() != 1) {
                    break;
                }
            }
            if let Some(child) = child {
                let n = &mut self.nodes[h];
                if n.compressed {
                    n.compressed = false;
                    n.chars.clear();
                    n.children.clear();
                } else if let Some(at) = n.children.iter().position(|&c| c == child) {
                    n.chars.remove(at);
                    n.children.remove(at);
                }
                try_compress = n.chars.len() == 1 && !n.key;
            }
        } else if self.size(h) == 1 {
            try_compress = true;
        }
        if try_compress {
            self.recompress(h, stack);
        }
    }

    fn compressible(&self, i: usize) -> bool {
        let n = &self.nodes[i];
        !n.key && (n.compressed || n.chars.len() == 1)
    }

    fn recompress(&mut self, mut h: usize, mut stack: Vec<usize>) {
        let parent = loop {
            match stack.pop() {
                Some(p) if self.compressible(p) => h = p,
                other => break other,
            }
        };
        let start = h;
        let mut nodes = 1;
        while self.size(h) != 0 {
            h = *self.nodes[h].children.last().unwrap_or(&h);
            if !self.compressible(h) {
                break;
            }
            nodes += 1;
        }
        if nodes == 1 {
            return;
        }
        self.numnodes += 1;
        let mut chars = Vec::new();
        h = start;
        while self.size(h) != 0 {
            let n = std::mem::take(&mut self.nodes[h]);
            chars.extend_from_slice(&n.chars);
            self.release(h);
            self.numnodes -= 1;
            h = *n.children.last().unwrap_or(&h);
            if !self.compressible(h) {
                break;
            }
        }
        let new = self.alloc(RaxNode {
            key: false,
            compressed: true,
            chars,
            children: vec![h],
        });
        match parent {
            None => self.head = new,
            Some(p) => {
                if let Some(slot) = self.nodes[p].children.iter().position(|&c| c == start) {
                    self.nodes[p].children[slot] = new;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_counts_follow_splits_and_recompression() {
        let mut r = Rax::default();
        r.insert(b"FOOBAR");
        assert_eq!(r.numnodes, 2);
        r.insert(b"FOOTER");
        // "FOO" -> [B|T] -> "AR" -> [], "ER" -> [].
        assert_eq!(r.numnodes, 6);
        r.remove(b"FOOTER");
        // Back to "FOOBAR" -> [].
        assert_eq!(r.numnodes, 2);
        r.remove(b"FOOBAR");
        assert_eq!(r.numnodes, 1);
    }
}
