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

#endif
