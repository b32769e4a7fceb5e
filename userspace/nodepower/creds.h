/* creds.h - loading credentials (the file, the environment). */
#ifndef NODEPOWER_CREDS_H
#define NODEPOWER_CREDS_H

#include "nodepower.h"

/* Open PATH, refuse it unless only its owner (root or EUID) can read or
 * write it, and parse it into C. */
int np_creds_load(const char *path, uid_t euid, struct np_creds *c, char *err, size_t errlen);
/* NODEPOWER_USER and NODEPOWER_PASSWORD become credentials "default"
 * (nothing when NODEPOWER_PASSWORD is unset). */
int np_creds_from_env(struct np_creds *c, char *err, size_t errlen);

#endif
