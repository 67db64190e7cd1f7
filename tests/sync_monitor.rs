//! Clients that read a stream from `clusterlab serve`: SYNC (the RDB file, then the
//! replication stream) and MONITOR (a line per command), on real sockets.

#[path = "resp_client.rs"]
mod resp_client;

use clusterlab_core::Reply;
use resp_client::{Client, Value};

const BASE: u16 = 27501;
const PORT: u16 = 27601;

fn words(line: &str) -> Vec<Vec<u8>> {
    line.split(' ').map(|w| w.as_bytes().to_vec()).collect()
}

fn serving() -> clusterlab::serve::Serving {
    let mut console = clusterlab_tests::console(clusterlab_core::ClusterShape {
        base_port: BASE,
        ..clusterlab_core::ClusterShape::default()
    });
    console.run_line(&format!(".start {PORT}"));
    let serving = clusterlab_tests::serve(console, 1.0);
    let mut c = Client::connect(PORT).expect("serve");
    c.call(&words("CLUSTER ADDSLOTSRANGE 0 16383"))
        .expect("slots");
    // Writes are refused until the node sees its slots covered.
    for _ in 0..200 {
        if c.call(&words("SET {a}probe 1"))
            .is_ok_and(|v| !v.is_error())
        {
            c.call(&words("DEL {a}probe")).expect("DEL");
            return serving;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("the node never took writes");
}

fn command(v: Value) -> Vec<String> {
    let Value::Array(Some(items)) = v else {
        panic!("not a command: {v:?}");
    };
    items
        .into_iter()
        .map(|i| match i {
            Value::Bulk(Some(b)) => String::from_utf8_lossy(&b).into_owned(),
            other => panic!("not a bulk: {other:?}"),
        })
        .collect()
}

#[test]
fn sync_sends_the_rdb_file_then_the_stream_and_monitor_a_line_per_command() {
    let _serving = serving();
    let mut c = Client::connect(PORT).expect("serve");
    c.call(&words("SET {a}k 12")).expect("SET");
    c.call(&words("RPUSH {a}l x y")).expect("RPUSH");

    // SYNC: `$<length>`, the RDB file with both keys, no CRLF after it.
    let mut repl = Client::connect(PORT).expect("serve");
    repl.send_raw(b"SYNC\r\n").unwrap();
    let len_line = repl.read_line().unwrap();
    let len: usize = String::from_utf8_lossy(&len_line[1..]).parse().unwrap();
    let rdb = repl.read_exact_bytes(len).unwrap();
    assert!(rdb.starts_with(b"REDIS0010"));
    assert!(rdb.windows(4).any(|w| w == b"{a}k") && rdb.windows(4).any(|w| w == b"{a}l"));
    let crc = u64::from_le_bytes(rdb[rdb.len() - 8..].try_into().unwrap());
    assert_eq!(rdb[rdb.len() - 9], 0xff, "the end mark before the checksum");
    assert_ne!(crc, 0);

    // MONITOR on a third connection.
    let mut mon = Client::connect(PORT).expect("serve");
    assert_eq!(
        mon.call(&words("MONITOR")).unwrap(),
        Value::Status("OK".into())
    );

    c.call(&words("SET {a}n v EX 100")).expect("SET");
    c.call(&words("GET {a}n")).expect("GET");
    c.call(&words("CONFIG GET maxmemory")).expect("CONFIG");

    // The stream: SELECT first, then the write with its absolute expiry.
    assert_eq!(command(repl.read_reply().unwrap()), ["SELECT", "0"]);
    let set = command(repl.read_reply().unwrap());
    assert_eq!(set[..4], ["SET", "{a}n", "v", "PXAT"]);

    // The monitor: both commands, not the administrative CONFIG GET.
    for want in [r#""SET" "{a}n" "v" "EX" "100""#, r#""GET" "{a}n""#] {
        let Value::Status(line) = mon.read_reply().unwrap() else {
            panic!("a status line");
        };
        let (time, rest) = line.split_once(' ').unwrap();
        assert!(
            time.contains('.') && time.len() == 17,
            "seconds.micros: {time}"
        );
        assert!(rest.starts_with("[0 127.0.0.1:"), "{rest}");
        assert!(rest.ends_with(want), "{rest}");
    }
    c.call(&words("PING")).expect("PING");
    let Value::Status(line) = mon.read_reply().unwrap() else {
        panic!("a status line");
    };
    assert!(
        line.ends_with(r#""PING""#),
        "CONFIG GET was not shown: {line}"
    );

    // A second SYNC on the same connection is ignored; PSYNC elsewhere is a full resync.
    let mut p = Client::connect(PORT).expect("serve");
    p.send_raw(b"PSYNC ? -1\r\n").unwrap();
    let full = String::from_utf8_lossy(&p.read_line().unwrap()).into_owned();
    assert!(full.starts_with("+FULLRESYNC ") && full.len() == 12 + 40 + 1 + full[53..].len());
}

#[test]
fn the_world_hands_over_what_a_sync_client_is_pushed() {
    let mut console = clusterlab_tests::cluster(1, 3, 0, 5000);
    let w = console.world_mut();
    let a = w.connect(7001).expect("a");
    let b = w.connect(7001).expect("b");
    let sync = w.submit(a, words("SYNC"));
    assert!(matches!(
        sync,
        clusterlab_core::Submitted::Reply(Reply::Raw(_), _)
    ));
    // A key of a slot 7001 owns.
    let set = w.submit(b, words("SET {b}x 1"));
    assert!(
        matches!(set, clusterlab_core::Submitted::Reply(Reply::Status(_), _)),
        "{set:?}"
    );
    let pushed = w.take_pushes();
    assert_eq!(pushed.len(), 1, "{pushed:?}");
    assert_eq!(pushed[0].0, a);
    assert_eq!(
        pushed[0].1,
        b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$4\r\n{b}x\r\n$1\r\n1\r\n"
    );
}
