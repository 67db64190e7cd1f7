use clusterlab_core::{console::Console, ClusterShape};
fn main() {
    let t = std::time::Instant::now();
    let mut c = match Console::new(ClusterShape::default()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    eprintln!("{}", c.create_log());
    eprintln!("created in {:?}, sim {}", t.elapsed(), c.world().now());
    for line in std::env::args().skip(1) {
        let o = c.run_line(&line);
        print!(
            "{}> {line}\n{}",
            c.prompt(),
            String::from_utf8_lossy(&o.text)
        );
    }
}
