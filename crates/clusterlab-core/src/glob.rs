//! Redis's glob patterns (`stringmatchlen`), for KEYS, COMMAND LIST and ACL key patterns.

/// Redis's `stringmatchlen` glob: `*`, `?`, `[abc]`, `[^a]`, `[a-z]`, `\x`.
pub fn glob_match(pattern: &[u8], s: &[u8]) -> bool {
    fn m(p: &[u8], s: &[u8], depth: usize) -> bool {
        if depth > 1000 {
            return false;
        }
        let (mut pi, mut si) = (0, 0);
        while pi < p.len() {
            match p[pi] {
                b'*' => {
                    while pi + 1 < p.len() && p[pi + 1] == b'*' {
                        pi += 1;
                    }
                    if pi + 1 == p.len() {
                        return true;
                    }
                    return (si..=s.len()).any(|k| m(&p[pi + 1..], &s[k..], depth + 1));
                }
                b'?' => {
                    if si >= s.len() {
                        return false;
                    }
                    si += 1;
                }
                b'[' => {
                    if si >= s.len() {
                        return false;
                    }
                    pi += 1;
                    let not = pi < p.len() && p[pi] == b'^';
                    if not {
                        pi += 1;
                    }
                    let mut matched = false;
                    while pi < p.len() && p[pi] != b']' {
                        if p[pi] == b'\\' && pi + 1 < p.len() {
                            pi += 1;
                            matched |= p[pi] == s[si];
                        } else if pi + 2 < p.len() && p[pi + 1] == b'-' {
                            let (a, b) = if p[pi] <= p[pi + 2] {
                                (p[pi], p[pi + 2])
                            } else {
                                (p[pi + 2], p[pi])
                            };
                            matched |= (a..=b).contains(&s[si]);
                            pi += 2;
                        } else {
                            matched |= p[pi] == s[si];
                        }
                        pi += 1;
                    }
                    if matched == not {
                        return false;
                    }
                    si += 1;
                }
                b'\\' if pi + 1 < p.len() => {
                    pi += 1;
                    if si >= s.len() || p[pi] != s[si] {
                        return false;
                    }
                    si += 1;
                }
                c => {
                    if si >= s.len() || c != s[si] {
                        return false;
                    }
                    si += 1;
                }
            }
            pi += 1;
        }
        si == s.len()
    }
    m(pattern, s, 0)
}
