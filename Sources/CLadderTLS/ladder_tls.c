#define _GNU_SOURCE
#include "ladder_tls.h"

#include <dlfcn.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>

struct mbedtls_x509_crt;
typedef int (*parse_file_function)(struct mbedtls_x509_crt *chain, const char *path);

static atomic_int deferring = 0;
static atomic_int deferred_count = 0;
static char deferred_path[4096];

void ladder_tls_defer_certificates(int defer) {
    atomic_store(&deferring, defer ? 1 : 0);
}

const char *ladder_tls_deferred_bundle(void) {
    return atomic_load(&deferred_count) > 0 && deferred_path[0] != '\0' ? deferred_path : NULL;
}

int ladder_tls_deferred_count(void) {
    return atomic_load(&deferred_count);
}

/// Same signature as mbedTLS's; see ladder_tls.h for why Ladder defines it.
int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path) {
    if (atomic_load(&deferring) && path != NULL && strlen(path) < sizeof deferred_path) {
        strcpy(deferred_path, path);
        atomic_fetch_add(&deferred_count, 1);
        return 0;
    }
    parse_file_function real = (parse_file_function)dlsym(RTLD_NEXT, "mbedtls_x509_crt_parse_file");
    if (real == NULL) {
        return -1;
    }
    return real(chain, path);
}
