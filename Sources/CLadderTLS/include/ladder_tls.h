#ifndef LADDER_TLS_H
#define LADDER_TLS_H

/// Deferred loading of the system's CA bundle.
///
/// Debian's libgit2 1.5 is built against mbedTLS and parses the whole system CA bundle
/// (/etc/ssl/certs/ca-certificates.crt, ~140 certificates) inside git_libgit2_init: about 52
/// million instructions, 12-15 ms, on every start of every command, although only an https
/// remote ever needs it. While deferral is on, Ladder's definition of mbedtls_x509_crt_parse_file
/// (which the executable exports, so it takes precedence over libmbedx509's for libgit2's call)
/// records the bundle's path instead of parsing it; ladder_tls_load_certificates() parses it for
/// real before the first network operation. A TLS connection made without loading fails
/// certificate verification: the failure mode is a refusal, never an unchecked connection.

/// Turns deferral on (1) or off (0); on only around git_libgit2_init.
void ladder_tls_defer_certificates(int defer);

/// The CA bundle path whose parsing was deferred, or NULL if none was.
const char *ladder_tls_deferred_bundle(void);

/// How many parses were deferred (tests use it to tell that the interposition is active).
int ladder_tls_deferred_count(void);

#endif
