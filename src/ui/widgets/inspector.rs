//! The packet inspector: field tree, hex dump and ASCII column (built by the
//! OSI & encapsulation issue).
