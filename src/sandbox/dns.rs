//! An authoritative DNS server for the sandbox, on a loopback UDP port.
//!
//! It answers from a fixed zone (A and CNAME records), chases CNAMEs inside the zone for address
//! queries, says NXDOMAIN for names it does not hold (it never forwards, so nothing leaves the
//! machine), and can be told to answer SERVFAIL or nothing at all for chosen names, so every DNS
//! outcome the probes classify can be produced for real.

use hickory_resolver::proto::op::{Message, ResponseCode};
use hickory_resolver::proto::rr::rdata::{A, CNAME};
use hickory_resolver::proto::rr::{Name, RData, Record, RecordType};
use std::collections::{HashMap, HashSet};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use tokio::net::UdpSocket;

/// A record of the zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rec {
    /// An IPv4 address.
    A(Ipv4Addr),
    /// An alias.
    Cname(String),
}

/// The zone the server answers from.
#[derive(Debug, Clone, Default)]
pub struct Zone {
    records: HashMap<String, Vec<Rec>>,
    servfail: HashSet<String>,
    silent: HashSet<String>,
}

fn key(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

impl Zone {
    /// Adds an A record.
    pub fn a(&mut self, name: &str, ip: Ipv4Addr) -> &mut Self {
        self.records.entry(key(name)).or_default().push(Rec::A(ip));
        self
    }

    /// Adds a CNAME record.
    pub fn cname(&mut self, name: &str, target: &str) -> &mut Self {
        self.records
            .entry(key(name))
            .or_default()
            .push(Rec::Cname(key(target)));
        self
    }

    /// Answers SERVFAIL for `name`.
    pub fn servfail(&mut self, name: &str) -> &mut Self {
        self.servfail.insert(key(name));
        self
    }

    /// Never answers for `name` (the client times out).
    pub fn silent(&mut self, name: &str) -> &mut Self {
        self.silent.insert(key(name));
        self
    }

    fn answer(&self, name: &str, qtype: RecordType, resp: &mut Message) {
        let mut current = key(name);
        for depth in 0..8 {
            let Some(recs) = self.records.get(&current) else {
                if depth == 0 {
                    resp.metadata.response_code = ResponseCode::NXDomain;
                }
                return;
            };
            let owner = Name::from_ascii(format!("{current}.")).unwrap_or_default();
            let cname = recs.iter().find_map(|r| match r {
                Rec::Cname(t) => Some(t.clone()),
                Rec::A(_) => None,
            });
            if let Some(target) = cname {
                let t = Name::from_ascii(format!("{target}.")).unwrap_or_default();
                resp.add_answer(Record::from_rdata(owner, 60, RData::CNAME(CNAME(t))));
                if qtype == RecordType::CNAME {
                    return;
                }
                current = target;
                continue;
            }
            if qtype == RecordType::A {
                for r in recs {
                    if let Rec::A(ip) = r {
                        resp.add_answer(Record::from_rdata(owner.clone(), 60, RData::A(A(*ip))));
                    }
                }
            }
            return;
        }
    }
}

/// A running DNS server; stops when dropped.
#[derive(Debug)]
pub struct DnsServer {
    /// Where it listens (UDP).
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the server on 127.0.0.1, ephemeral port.
///
/// # Errors
/// The port cannot be bound.
pub async fn start(zone: Zone) -> Result<DnsServer, String> {
    let sock = UdpSocket::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("cannot bind a loopback UDP port: {e}"))?;
    let addr = sock.local_addr().map_err(|e| e.to_string())?;
    let zone = Arc::new(zone);
    let task = tokio::spawn(async move {
        let mut buf = vec![0u8; 4096];
        loop {
            let Ok((n, peer)) = sock.recv_from(&mut buf).await else {
                continue;
            };
            let Ok(query) = Message::from_vec(&buf[..n]) else {
                continue;
            };
            let Some(q) = query.queries.first().cloned() else {
                continue;
            };
            let name = q.name().to_utf8();
            if zone.silent.contains(&key(&name)) {
                continue;
            }
            let mut resp = Message::response(query.metadata.id, query.metadata.op_code);
            resp.metadata.recursion_desired = query.metadata.recursion_desired;
            resp.metadata.recursion_available = true;
            resp.metadata.authoritative = true;
            resp.add_query(q.clone());
            if zone.servfail.contains(&key(&name)) {
                resp.metadata.response_code = ResponseCode::ServFail;
            } else {
                zone.answer(&name, q.query_type(), &mut resp);
            }
            if let Ok(bytes) = resp.to_vec() {
                let _ = sock.send_to(&bytes, peer).await;
            }
        }
    });
    Ok(DnsServer { addr, task })
}
