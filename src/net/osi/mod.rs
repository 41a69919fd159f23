//! OSI model and encapsulation.
