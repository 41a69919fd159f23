//! Live socket labs on loopback. Each lab: parameters in, a stream of events out
//! (over a channel), a final report. No terminal code here.

pub mod capture;
