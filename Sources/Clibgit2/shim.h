#ifndef LADDER_CLIBGIT2_SHIM_H
#define LADDER_CLIBGIT2_SHIM_H

#include <git2.h>

/// Variadic git_libgit2_opts is not importable into Swift; these wrappers are.
static inline int ladder_git_set_search_path(int level, const char *path) {
    return git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, path);
}

static inline int ladder_git_enable_strict_object_creation(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, enabled);
}

static inline int ladder_git_set_owner_validation(int enabled) {
    return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, enabled);
}

/// Whether every object read is re-hashed to check it. git itself does not do this on reads
/// (`git fsck` does); Ladder turns it off for speed.
static inline int ladder_git_enable_strict_hash_verification(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, enabled);
}

/// The largest object of `type` libgit2 keeps in its object cache once read (0: none).
static inline int ladder_git_set_cache_object_limit(git_object_t type, size_t size) {
    return git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, type, size);
}

/// Parses a CA bundle file and makes it the certificates TLS connections verify against.
static inline int ladder_git_set_ssl_cert_file(const char *file) {
    return git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, (const char *)0);
}

#endif
