//! The command table (`redisCommandTable`): each command's arity, flags, key positions
//! and handler, found by name with a binary search; and the subcommand tables.

use super::args;
use super::{
    acl, bitmaps, blocking, client, cluster, command, config, counters, debug, function, geo,
    hashes, hello, hyperloglog, info, keys, lcs, lists, memory, monitor, multi, object, restore,
    scan, server, sets, sort, stream_groups, stream_info, stream_read, streams, string_set,
    strings, sync, zset_ops, zset_range, zsets,
};
use crate::node::Node;
use crate::reply::Reply;

/// The command writes to the keyspace.
pub const WRITE: u8 = 1;
/// The command only reads the keyspace.
pub const READONLY: u8 = 2;

type Handler = fn(&mut Node, u64, &[Vec<u8>]) -> Reply;

/// One row of the command table (`redisCommandTable`).
pub struct CommandSpec {
    pub name: &'static str,
    /// Redis arity: exact count if positive, minimum count if negative (name included).
    pub arity: i32,
    pub flags: u8,
    /// First key position (0 = no keys), last key (negative counts from the end), step.
    pub first_key: i32,
    pub last_key: i32,
    pub step: i32,
    pub(super) handler: Handler,
}

macro_rules! cmd {
    ($name:literal, $arity:expr, $flags:expr, $first:expr, $last:expr, $step:expr, $h:path) => {
        CommandSpec {
            name: $name,
            arity: $arity,
            flags: $flags,
            first_key: $first,
            last_key: $last,
            step: $step,
            handler: $h,
        }
    };
    // A handler written with `?` (returning `Result<Reply, Reply>`).
    ($name:literal, $arity:expr, $flags:expr, $first:expr, $last:expr, $step:expr, ? $h:path) => {
        CommandSpec {
            name: $name,
            arity: $arity,
            flags: $flags,
            first_key: $first,
            last_key: $last,
            step: $step,
            handler: |n, c, a| super::reply_of($h(n, c, a)),
        }
    };
}

/// The commands the simulation serves, as in Redis 7.0's command table.
pub static COMMANDS: &[CommandSpec] = &[
    cmd!("acl", -2, 0, 0, 0, 0, acl::acl),
    cmd!("append", 3, WRITE, 1, 1, 1, strings::append),
    cmd!("asking", 1, 0, 0, 0, 0, server::asking),
    cmd!("auth", -2, 0, 0, 0, 0, hello::auth),
    cmd!("bitcount", -2, READONLY, 1, 1, 1, ?bitmaps::bitcount),
    cmd!("bitfield", -2, WRITE, 1, 1, 1, ?bitmaps::bitfield),
    cmd!("bitfield_ro", -2, READONLY, 1, 1, 1, ?bitmaps::bitfield_ro),
    cmd!("bitop", -4, WRITE, 2, -1, 1, ?bitmaps::bitop),
    cmd!("bitpos", -3, READONLY, 1, 1, 1, ?bitmaps::bitpos),
    cmd!("blmove", 6, WRITE, 1, 2, 1, ?blocking::blmove),
    cmd!("blmpop", -5, WRITE, 0, 0, 0, ?blocking::blmpop),
    cmd!("blpop", -3, WRITE, 1, -2, 1, ?blocking::blpop),
    cmd!("brpop", -3, WRITE, 1, -2, 1, ?blocking::brpop),
    cmd!("brpoplpush", 4, WRITE, 1, 2, 1, ?blocking::brpoplpush),
    cmd!("bzmpop", -5, WRITE, 0, 0, 0, ?blocking::bzmpop),
    cmd!("bzpopmax", -3, WRITE, 1, -2, 1, ?blocking::bzpopmax),
    cmd!("bzpopmin", -3, WRITE, 1, -2, 1, ?blocking::bzpopmin),
    cmd!("client", -2, 0, 0, 0, 0, client::client),
    cmd!("cluster", -2, 0, 0, 0, 0, cluster::cluster),
    cmd!("command", -1, 0, 0, 0, 0, command::command),
    cmd!("config", -2, 0, 0, 0, 0, config::config),
    cmd!("copy", -3, WRITE, 1, 2, 1, keys::copy),
    cmd!("dbsize", 1, READONLY, 0, 0, 0, server::dbsize),
    cmd!("debug", -2, 0, 0, 0, 0, debug::debug),
    cmd!("decr", 2, WRITE, 1, 1, 1, counters::decr),
    cmd!("decrby", 3, WRITE, 1, 1, 1, counters::decrby),
    cmd!("del", -2, WRITE, 1, -1, 1, keys::del),
    cmd!("discard", 1, 0, 0, 0, 0, multi::discard),
    cmd!("dump", 2, READONLY, 1, 1, 1, restore::dump),
    cmd!("echo", 2, 0, 0, 0, 0, server::echo),
    cmd!("exec", 1, 0, 0, 0, 0, multi::exec),
    cmd!("exists", -2, READONLY, 1, -1, 1, keys::exists),
    cmd!("expire", -3, WRITE, 1, 1, 1, keys::expire),
    cmd!("expireat", -3, WRITE, 1, 1, 1, keys::expireat),
    cmd!("expiretime", 2, READONLY, 1, 1, 1, keys::expiretime),
    cmd!("failover", -1, 0, 0, 0, 0, sync::failover),
    cmd!("flushall", -1, WRITE, 0, 0, 0, server::flushall),
    cmd!("flushdb", -1, WRITE, 0, 0, 0, server::flushall),
    cmd!("function", -2, 0, 0, 0, 0, function::function),
    cmd!("geoadd", -5, WRITE, 1, 1, 1, ?geo::geoadd),
    cmd!("geodist", -4, READONLY, 1, 1, 1, ?geo::geodist),
    cmd!("geohash", -2, READONLY, 1, 1, 1, ?geo::geohash),
    cmd!("geopos", -2, READONLY, 1, 1, 1, ?geo::geopos),
    cmd!("georadius", -6, WRITE, 1, 1, 1, ?geo::georadius),
    cmd!("georadius_ro", -6, READONLY, 1, 1, 1, ?geo::georadius_ro),
    cmd!(
        "georadiusbymember",
        -5,
        WRITE,
        1,
        1,
        1,
        ?geo::georadiusbymember
    ),
    cmd!(
        "georadiusbymember_ro",
        -5,
        READONLY,
        1,
        1,
        1,
        ?geo::georadiusbymember_ro
    ),
    cmd!("geosearch", -7, READONLY, 1, 1, 1, ?geo::geosearch),
    cmd!("geosearchstore", -8, WRITE, 1, 2, 1, ?geo::geosearchstore),
    cmd!("get", 2, READONLY, 1, 1, 1, strings::get),
    cmd!("getbit", 3, READONLY, 1, 1, 1, ?bitmaps::getbit),
    cmd!("getdel", 2, WRITE, 1, 1, 1, strings::getdel),
    cmd!("getex", -2, WRITE, 1, 1, 1, string_set::getex),
    cmd!("getrange", 4, READONLY, 1, 1, 1, strings::getrange),
    cmd!("getset", 3, WRITE, 1, 1, 1, strings::getset),
    cmd!("hdel", -3, WRITE, 1, 1, 1, ?hashes::hdel),
    cmd!("hello", -1, 0, 0, 0, 0, hello::hello),
    cmd!("hexists", 3, READONLY, 1, 1, 1, ?hashes::hexists),
    cmd!("hget", 3, READONLY, 1, 1, 1, ?hashes::hget),
    cmd!("hgetall", 2, READONLY, 1, 1, 1, ?hashes::hgetall),
    cmd!("hincrby", 4, WRITE, 1, 1, 1, ?hashes::hincrby),
    cmd!("hincrbyfloat", 4, WRITE, 1, 1, 1, ?hashes::hincrbyfloat),
    cmd!("hkeys", 2, READONLY, 1, 1, 1, ?hashes::hkeys),
    cmd!("hlen", 2, READONLY, 1, 1, 1, ?hashes::hlen),
    cmd!("hmget", -3, READONLY, 1, 1, 1, ?hashes::hmget),
    cmd!("hmset", -4, WRITE, 1, 1, 1, ?hashes::hmset),
    cmd!("hrandfield", -2, READONLY, 1, 1, 1, ?hashes::hrandfield),
    cmd!("hscan", -3, READONLY, 1, 1, 1, scan::hscan),
    cmd!("hset", -4, WRITE, 1, 1, 1, ?hashes::hset),
    cmd!("hsetnx", 4, WRITE, 1, 1, 1, ?hashes::hsetnx),
    cmd!("hstrlen", 3, READONLY, 1, 1, 1, ?hashes::hstrlen),
    cmd!("hvals", 2, READONLY, 1, 1, 1, ?hashes::hvals),
    cmd!("incr", 2, WRITE, 1, 1, 1, counters::incr),
    cmd!("incrby", 3, WRITE, 1, 1, 1, counters::incrby),
    cmd!("incrbyfloat", 3, WRITE, 1, 1, 1, counters::incrbyfloat),
    cmd!("info", -1, 0, 0, 0, 0, info::info),
    cmd!("keys", 2, READONLY, 0, 0, 0, keys::keys),
    cmd!("lcs", -3, READONLY, 1, 2, 1, ?lcs::lcs),
    cmd!("lindex", 3, READONLY, 1, 1, 1, ?lists::lindex),
    cmd!("linsert", 5, WRITE, 1, 1, 1, ?lists::linsert),
    cmd!("llen", 2, READONLY, 1, 1, 1, ?lists::llen),
    cmd!("lmove", 5, WRITE, 1, 2, 1, ?lists::lmove),
    cmd!("lmpop", -4, WRITE, 0, 0, 0, ?lists::lmpop),
    cmd!("lpop", -2, WRITE, 1, 1, 1, ?lists::lpop),
    cmd!("lpos", -3, READONLY, 1, 1, 1, ?lists::lpos),
    cmd!("lpush", -3, WRITE, 1, 1, 1, ?lists::lpush),
    cmd!("lpushx", -3, WRITE, 1, 1, 1, ?lists::lpushx),
    cmd!("lrange", 4, READONLY, 1, 1, 1, ?lists::lrange),
    cmd!("lrem", 4, WRITE, 1, 1, 1, ?lists::lrem),
    cmd!("lset", 4, WRITE, 1, 1, 1, ?lists::lset),
    cmd!("ltrim", 4, WRITE, 1, 1, 1, ?lists::ltrim),
    cmd!("memory", -2, 0, 0, 0, 0, memory::memory),
    cmd!("mget", -2, READONLY, 1, -1, 1, strings::mget),
    cmd!("migrate", -6, WRITE, 3, 3, 1, server::wait_unused),
    cmd!("monitor", 1, 0, 0, 0, 0, monitor::monitor),
    cmd!("move", 3, WRITE, 1, 1, 1, keys::move_),
    cmd!("mset", -3, WRITE, 1, -1, 2, strings::mset),
    cmd!("msetnx", -3, WRITE, 1, -1, 2, strings::msetnx),
    cmd!("multi", 1, 0, 0, 0, 0, multi::multi),
    cmd!("object", -2, READONLY, 0, 0, 0, object::object),
    cmd!("persist", 2, WRITE, 1, 1, 1, keys::persist),
    cmd!("pexpire", -3, WRITE, 1, 1, 1, keys::pexpire),
    cmd!("pexpireat", -3, WRITE, 1, 1, 1, keys::pexpireat),
    cmd!("pexpiretime", 2, READONLY, 1, 1, 1, keys::pexpiretime),
    cmd!("pfadd", -2, WRITE, 1, 1, 1, ?hyperloglog::pfadd),
    cmd!("pfcount", -2, READONLY, 1, -1, 1, ?hyperloglog::pfcount),
    cmd!("pfdebug", 3, WRITE, 2, 2, 1, ?hyperloglog::pfdebug),
    cmd!("pfmerge", -2, WRITE, 1, -1, 1, ?hyperloglog::pfmerge),
    cmd!("pfselftest", 1, 0, 0, 0, 0, ?hyperloglog::pfselftest),
    cmd!("ping", -1, 0, 0, 0, 0, server::ping),
    cmd!("psetex", 4, WRITE, 1, 1, 1, string_set::psetex),
    cmd!("psync", -3, 0, 0, 0, 0, sync::sync),
    cmd!("pttl", 2, READONLY, 1, 1, 1, keys::pttl),
    cmd!("randomkey", 1, READONLY, 0, 0, 0, keys::randomkey),
    cmd!("readonly", 1, 0, 0, 0, 0, server::readonly),
    cmd!("readwrite", 1, 0, 0, 0, 0, server::readwrite),
    cmd!("rename", 3, WRITE, 1, 2, 1, keys::rename),
    cmd!("renamenx", 3, WRITE, 1, 2, 1, keys::renamenx),
    cmd!("replicaof", 3, 0, 0, 0, 0, sync::replicaof),
    cmd!("restore", -4, WRITE, 1, 1, 1, restore::restore),
    cmd!("role", 1, 0, 0, 0, 0, server::role),
    cmd!("rpop", -2, WRITE, 1, 1, 1, ?lists::rpop),
    cmd!("rpoplpush", 3, WRITE, 1, 2, 1, ?lists::rpoplpush),
    cmd!("rpush", -3, WRITE, 1, 1, 1, ?lists::rpush),
    cmd!("rpushx", -3, WRITE, 1, 1, 1, ?lists::rpushx),
    cmd!("sadd", -3, WRITE, 1, 1, 1, ?sets::sadd),
    cmd!("scan", -2, READONLY, 0, 0, 0, scan::scan),
    cmd!("scard", 2, READONLY, 1, 1, 1, ?sets::scard),
    cmd!("sdiff", -2, READONLY, 1, -1, 1, ?sets::sdiff),
    cmd!("sdiffstore", -3, WRITE, 1, -1, 1, ?sets::sdiffstore),
    cmd!("select", 2, 0, 0, 0, 0, server::select),
    cmd!("set", -3, WRITE, 1, 1, 1, string_set::set),
    cmd!("setbit", 4, WRITE, 1, 1, 1, ?bitmaps::setbit),
    cmd!("setex", 4, WRITE, 1, 1, 1, string_set::setex),
    cmd!("setnx", 3, WRITE, 1, 1, 1, string_set::setnx),
    cmd!("setrange", 4, WRITE, 1, 1, 1, strings::setrange),
    cmd!("sinter", -2, READONLY, 1, -1, 1, ?sets::sinter),
    cmd!("sintercard", -3, READONLY, 0, 0, 0, ?sets::sintercard),
    cmd!("sinterstore", -3, WRITE, 1, -1, 1, ?sets::sinterstore),
    cmd!("sismember", 3, READONLY, 1, 1, 1, ?sets::sismember),
    cmd!("slaveof", 3, 0, 0, 0, 0, sync::replicaof),
    cmd!("smembers", 2, READONLY, 1, 1, 1, ?sets::smembers),
    cmd!("smismember", -3, READONLY, 1, 1, 1, ?sets::smismember),
    cmd!("smove", 4, WRITE, 1, 2, 1, ?sets::smove),
    cmd!("sort", -2, WRITE, 1, 1, 1, ?sort::sort),
    cmd!("sort_ro", -2, READONLY, 1, 1, 1, ?sort::sort_ro),
    cmd!("spop", -2, WRITE, 1, 1, 1, ?sets::spop),
    cmd!("srandmember", -2, READONLY, 1, 1, 1, ?sets::srandmember),
    cmd!("srem", -3, WRITE, 1, 1, 1, ?sets::srem),
    cmd!("sscan", -3, READONLY, 1, 1, 1, scan::sscan),
    cmd!("strlen", 2, READONLY, 1, 1, 1, strings::strlen),
    cmd!("substr", 4, READONLY, 1, 1, 1, strings::getrange),
    cmd!("sunion", -2, READONLY, 1, -1, 1, ?sets::sunion),
    cmd!("sunionstore", -3, WRITE, 1, -1, 1, ?sets::sunionstore),
    cmd!("swapdb", 3, WRITE, 0, 0, 0, keys::swapdb),
    cmd!("sync", 1, 0, 0, 0, 0, sync::sync),
    cmd!("time", 1, 0, 0, 0, 0, server::time),
    cmd!("touch", -2, READONLY, 1, -1, 1, object::touch),
    cmd!("ttl", 2, READONLY, 1, 1, 1, keys::ttl),
    cmd!("type", 2, READONLY, 1, 1, 1, keys::type_),
    cmd!("unlink", -2, WRITE, 1, -1, 1, keys::del),
    cmd!("unwatch", 1, 0, 0, 0, 0, multi::unwatch),
    cmd!("wait", 3, 0, 0, 0, 0, server::wait_unused),
    cmd!("watch", -2, 0, 1, -1, 1, multi::watch),
    cmd!("xack", -4, WRITE, 1, 1, 1, ?stream_groups::xack),
    cmd!("xadd", -5, WRITE, 1, 1, 1, ?streams::xadd),
    cmd!("xautoclaim", -6, WRITE, 1, 1, 1, ?stream_groups::xautoclaim),
    cmd!("xclaim", -6, WRITE, 1, 1, 1, ?stream_groups::xclaim),
    cmd!("xdel", -3, WRITE, 1, 1, 1, ?streams::xdel),
    cmd!("xgroup", -2, WRITE, 0, 0, 0, ?stream_groups::xgroup),
    cmd!("xinfo", -2, READONLY, 0, 0, 0, ?stream_info::xinfo),
    cmd!("xlen", 2, READONLY, 1, 1, 1, ?streams::xlen),
    cmd!("xpending", -3, READONLY, 1, 1, 1, ?stream_groups::xpending),
    cmd!("xrange", -4, READONLY, 1, 1, 1, ?streams::xrange),
    cmd!("xread", -4, READONLY, 0, 0, 0, ?stream_read::xread),
    cmd!("xreadgroup", -7, WRITE, 0, 0, 0, ?stream_read::xreadgroup),
    cmd!("xrevrange", -4, READONLY, 1, 1, 1, ?streams::xrevrange),
    cmd!("xsetid", -3, WRITE, 1, 1, 1, ?streams::xsetid),
    cmd!("xtrim", -4, WRITE, 1, 1, 1, ?streams::xtrim),
    cmd!("zadd", -4, WRITE, 1, 1, 1, ?zsets::zadd),
    cmd!("zcard", 2, READONLY, 1, 1, 1, ?zsets::zcard),
    cmd!("zcount", 4, READONLY, 1, 1, 1, ?zset_range::zcount),
    cmd!("zdiff", -3, READONLY, 0, 0, 0, ?zset_ops::zdiff),
    cmd!("zdiffstore", -4, WRITE, 1, 1, 1, ?zset_ops::zdiffstore),
    cmd!("zincrby", 4, WRITE, 1, 1, 1, ?zsets::zincrby),
    cmd!("zinter", -3, READONLY, 0, 0, 0, ?zset_ops::zinter),
    cmd!("zintercard", -3, READONLY, 0, 0, 0, ?zset_ops::zintercard),
    cmd!("zinterstore", -4, WRITE, 1, 1, 1, ?zset_ops::zinterstore),
    cmd!("zlexcount", 4, READONLY, 1, 1, 1, ?zset_range::zlexcount),
    cmd!("zmpop", -4, WRITE, 0, 0, 0, ?zsets::zmpop),
    cmd!("zmscore", -3, READONLY, 1, 1, 1, ?zsets::zmscore),
    cmd!("zpopmax", -2, WRITE, 1, 1, 1, ?zsets::zpopmax),
    cmd!("zpopmin", -2, WRITE, 1, 1, 1, ?zsets::zpopmin),
    cmd!("zrandmember", -2, READONLY, 1, 1, 1, ?zsets::zrandmember),
    cmd!("zrange", -4, READONLY, 1, 1, 1, ?zset_range::zrange),
    cmd!(
        "zrangebylex",
        -4,
        READONLY,
        1,
        1,
        1,
        ?zset_range::zrangebylex
    ),
    cmd!(
        "zrangebyscore",
        -4,
        READONLY,
        1,
        1,
        1,
        ?zset_range::zrangebyscore
    ),
    cmd!("zrangestore", -5, WRITE, 1, 2, 1, ?zset_range::zrangestore),
    cmd!("zrank", 3, READONLY, 1, 1, 1, ?zsets::zrank),
    cmd!("zrem", -3, WRITE, 1, 1, 1, ?zsets::zrem),
    cmd!(
        "zremrangebylex",
        4,
        WRITE,
        1,
        1,
        1,
        ?zset_range::zremrangebylex
    ),
    cmd!(
        "zremrangebyrank",
        4,
        WRITE,
        1,
        1,
        1,
        ?zset_range::zremrangebyrank
    ),
    cmd!(
        "zremrangebyscore",
        4,
        WRITE,
        1,
        1,
        1,
        ?zset_range::zremrangebyscore
    ),
    cmd!("zrevrange", -4, READONLY, 1, 1, 1, ?zset_range::zrevrange),
    cmd!(
        "zrevrangebylex",
        -4,
        READONLY,
        1,
        1,
        1,
        ?zset_range::zrevrangebylex
    ),
    cmd!(
        "zrevrangebyscore",
        -4,
        READONLY,
        1,
        1,
        1,
        ?zset_range::zrevrangebyscore
    ),
    cmd!("zrevrank", 3, READONLY, 1, 1, 1, ?zsets::zrevrank),
    cmd!("zscan", -3, READONLY, 1, 1, 1, scan::zscan),
    cmd!("zscore", 3, READONLY, 1, 1, 1, ?zsets::zscore),
    cmd!("zunion", -3, READONLY, 0, 0, 0, ?zset_ops::zunion),
    cmd!("zunionstore", -4, WRITE, 1, 1, 1, ?zset_ops::zunionstore),
];

/// Looks a command up by name, case-insensitively (the table is sorted by name).
pub fn lookup(name: &[u8]) -> Option<&'static CommandSpec> {
    let lower = |b: &u8| b.to_ascii_lowercase();
    COMMANDS
        .binary_search_by(|c| c.name.bytes().cmp(name.iter().map(lower)))
        .ok()
        .map(|i| &COMMANDS[i])
}

/// Names of every command, for completion and hints.
pub fn command_names() -> impl Iterator<Item = &'static str> {
    COMMANDS.iter().map(|c| c.name)
}

/// The subcommand table (name, arity) of a container command (`cluster`, `client`,
/// `command`, `config`, `function`), as `processCommand` checks it.
pub fn subcommands(command: &str) -> Option<&'static [(&'static str, i32)]> {
    Some(match command {
        "acl" => acl::SUBCOMMANDS,
        "client" => client::SUBCOMMANDS,
        "cluster" => cluster::SUBCOMMANDS,
        "command" => command::SUBCOMMANDS,
        "config" => config::SUBCOMMANDS,
        "function" => function::SUBCOMMANDS,
        "memory" => memory::SUBCOMMANDS,
        "object" => object::SUBCOMMANDS,
        "xgroup" => stream_groups::XGROUP_SUBCOMMANDS,
        "xinfo" => stream_info::XINFO_SUBCOMMANDS,
        _ => return None,
    })
}

impl CommandSpec {
    /// Positions of the key arguments of this very command: MIGRATE's keys follow KEYS
    /// (its key argument is then empty), every other command's are fixed.
    pub fn keys_of(&self, args: &[Vec<u8>]) -> Vec<usize> {
        // MEMORY USAGE's key follows the subcommand.
        if self.name == "memory" {
            return if args.len() >= 3 && args::is(&args[1], "usage") {
                vec![2]
            } else {
                Vec::new()
            };
        }
        // OBJECT's key is its subcommand's (`object|encoding` and the others).
        if self.name == "object" {
            let keyed = ["encoding", "freq", "idletime", "refcount"];
            if args.len() == 3 && keyed.iter().any(|s| args::is(&args[1], s)) {
                return vec![2];
            }
            return Vec::new();
        }
        if self.name == "sort" {
            return sort::keys(args);
        }
        // XGROUP's and XINFO's key follows the subcommand (none for HELP).
        if self.name == "xgroup" || self.name == "xinfo" {
            return if args.len() >= 3 && !args::is(&args[1], "help") {
                vec![2]
            } else {
                Vec::new()
            };
        }
        if self.name == "xread" || self.name == "xreadgroup" {
            return xread_keys(args);
        }
        // GEORADIUS's STORE or STOREDIST key (`georadiusGetKeys`: the last one given).
        if self.name == "georadius" || self.name == "georadiusbymember" {
            let mut keys = vec![1];
            let mut i = 5;
            while i + 1 < args.len() {
                if args::is(&args[i], "store") || args::is(&args[i], "storedist") {
                    keys.truncate(1);
                    keys.push(i + 1);
                    i += 1;
                }
                i += 1;
            }
            return keys;
        }
        if self.name == "migrate" {
            if let Some(k) = args.iter().skip(6).position(|a| args::is(a, "keys")) {
                return (6 + k + 1..args.len()).collect();
            }
        }
        if let Some(&(_, store, count_at, first)) =
            KEYNUM.iter().find(|(name, ..)| *name == self.name)
        {
            return keynum_keys(args, store, count_at, first);
        }
        self.key_positions(args.len())
    }

    pub fn arity_ok(&self, argc: usize) -> bool {
        let argc = argc as i32;
        if self.arity > 0 {
            argc == self.arity
        } else {
            argc >= -self.arity
        }
    }

    /// Positions of the key arguments in `args` (MIGRATE's KEYS form needs the arguments:
    /// see [`CommandSpec::keys_of`]).
    pub fn key_positions(&self, argc: usize) -> Vec<usize> {
        if self.first_key <= 0 {
            return Vec::new();
        }
        let argc = argc as i32;
        let last = if self.last_key < 0 {
            argc + self.last_key
        } else {
            self.last_key
        };
        let mut out = Vec::new();
        let mut i = self.first_key;
        while i <= last && i < argc {
            out.push(i as usize);
            i += self.step.max(1);
        }
        out
    }
}

/// `xreadGetKeys`: the keys after the first STREAMS past the options, half of what
/// follows it (none when that is not an even, nonzero count).
fn xread_keys(args: &[Vec<u8>]) -> Vec<usize> {
    let mut i = 1;
    while i < args.len() {
        let a = &args[i];
        if args::is(a, "block") || args::is(a, "count") {
            i += 1;
        } else if args::is(a, "group") {
            i += 2;
        } else if args::is(a, "streams") {
            let n = args.len() - i - 1;
            if n == 0 || n % 2 != 0 {
                return Vec::new();
            }
            return (i + 1..i + 1 + n / 2).collect();
        } else if !args::is(a, "noack") {
            break;
        }
        i += 1;
    }
    Vec::new()
}

/// Commands whose key count is an argument: name, store-key position (0: none), position
/// of the count, position of the first counted key.
const KEYNUM: &[(&str, usize, usize, usize)] = &[
    ("blmpop", 0, 2, 3),
    ("bzmpop", 0, 2, 3),
    ("lmpop", 0, 1, 2),
    ("sintercard", 0, 1, 2),
    ("zdiff", 0, 1, 2),
    ("zdiffstore", 1, 2, 3),
    ("zinter", 0, 1, 2),
    ("zintercard", 0, 1, 2),
    ("zinterstore", 1, 2, 3),
    ("zmpop", 0, 1, 2),
    ("zunion", 0, 1, 2),
    ("zunionstore", 1, 2, 3),
];

/// The keys of a KEYNUM command: what the key specs find when the count parses and fits
/// (the store key first), else what `genericGetKeys` finds from the count's `atoi` (no
/// keys when it is below 1 or too large; the store key last).
fn keynum_keys(args: &[Vec<u8>], store: usize, count_at: usize, first: usize) -> Vec<usize> {
    let Some(count) = args.get(count_at) else {
        return Vec::new();
    };
    if let Ok(n) = args::parse_i64(count) {
        if n > 0 && (first as i64 + n - 1) < args.len() as i64 {
            let mut keys: Vec<usize> = (store > 0).then_some(store).into_iter().collect();
            keys.extend(first..first + n as usize);
            return keys;
        }
    }
    let n = atoi(count);
    if n < 1 || n > (args.len() as i64 - first as i64) {
        return Vec::new();
    }
    let mut keys: Vec<usize> = (first..first + n as usize).collect();
    if store > 0 {
        keys.push(store);
    }
    keys
}

/// C's `atoi`: leading spaces, a sign, then digits up to the first other byte.
fn atoi(text: &[u8]) -> i64 {
    let mut i = text
        .iter()
        .position(|b| !b" \t\n\r\x0b\x0c".contains(b))
        .unwrap_or(text.len());
    let negative = text.get(i) == Some(&b'-');
    if matches!(text.get(i), Some(b'-' | b'+')) {
        i += 1;
    }
    let mut n: i64 = 0;
    for &b in text[i..].iter().take_while(|b| b.is_ascii_digit()) {
        n = (n * 10 + i64::from(b - b'0')).min(i64::from(i32::MAX) + 1);
    }
    let n = if negative { -n } else { n };
    n.clamp(i64::from(i32::MIN), i64::from(i32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_for_lookup() {
        for pair in COMMANDS.windows(2) {
            assert!(
                pair[0].name < pair[1].name,
                "{} before {}",
                pair[0].name,
                pair[1].name
            );
        }
        assert_eq!(lookup(b"GeT").map(|c| c.name), Some("get"));
        assert_eq!(lookup(b"zscore").map(|c| c.name), Some("zscore"));
        assert!(lookup(b"nosuch").is_none() && lookup(b"").is_none());
    }
}
