//! Redis's glob patterns (`stringmatchlen`), for KEYS, COMMAND LIST and ACL key patterns.

/// Redis's `stringmatchlen` glob: `*`, `?`, `[abc]`, `[^a]`, `[a-z]`, `\x`.
pub fn glob_match(pattern: &[u8], s: &[u8]) -> bool {
    // `skip` is Redis's `skipLongerMatches`: once the rest of the pattern after a `*`
    // matches no suffix, no earlier `*` can help by matching more, so the whole search
    // stops (without it `a*a*a*…b` takes exponential time).
    fn m(p: &[u8], s: &[u8], depth: usize, skip: &mut bool) -> bool {
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
                    // The rest starts with something that needs a byte, so the empty
                    // suffix is not tried, as in Redis.
                    for k in si..s.len() {
                        if m(&p[pi + 1..], &s[k..], depth + 1, skip) {
                            return true;
                        }
                        if *skip {
                            return false;
                        }
                    }
                    *skip = true;
                    return false;
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
    m(pattern, s, 0, &mut false)
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn stars_match_and_nested_stars_give_up_early() {
        assert!(glob_match(b"a*b*c", b"axxbyyc"));
        assert!(glob_match(b"*", b""));
        assert!(!glob_match(b"a*b", b"a"));
        assert!(glob_match(b"h?llo*", b"hello world"));
        // Redis's regression test (unit/keyspace): without `skipLongerMatches` this
        // takes exponential time.
        let key = [b'a'; 56];
        assert!(!glob_match(
            b"a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b",
            &key
        ));
    }
}
