//! Prints the output and trace hash of a fixed console session. `cargo xtask test` runs it
//! natively and as WebAssembly (wasm32-wasip1 under Node's WASI) and compares the two:
//! the simulation must give the same bytes on every target.

use clusterlab_core::{console::Console, ClusterShape};

const SESSION: &[&str] = &[
    "set mykey myvalue",
    "get mykey",
    "zadd z 0.1 a 1e20 b",
    "zrange z 0 -1 withscores",
    ".advance 12s",
    "cluster slots",
    "wait 1 500",
    "cluster nodes",
    ".trace-hash",
];

fn main() {
    for seed in [1u64, 2, 3] {
        let shape = ClusterShape {
            seed,
            ..ClusterShape::default()
        };
        let mut console = Console::new(shape).expect("the default cluster starts");
        println!("seed {seed}");
        for line in SESSION {
            let out = console.run_line(line);
            print!("{}", String::from_utf8_lossy(&out.text));
        }
    }
}
