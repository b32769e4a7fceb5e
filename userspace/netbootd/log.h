/* SPDX-License-Identifier: GPL-2.0 */
/*
 * log.h - one line per event on stderr (systemd's journal reads it), or
 * syslog.  Levels are syslog's (LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG).
 */
#ifndef NETBOOTD_LOG_H
#define NETBOOTD_LOG_H

#include <stddef.h>
#include <syslog.h>

#if defined(__GNUC__)
#define LOG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define LOG_PRINTF(a, b)
#endif

/* Lines above max_level (e.g. LOG_DEBUG when max is LOG_INFO) are skipped. */
/* use_syslog < 0 keeps the current destination (a reload changes only the level). */
void log_init(const char *ident, int use_syslog, int max_level);
void log_msg(int level, const char *fmt, ...) LOG_PRINTF(2, 3);

/*
 * A rejected packet: one line, "drop PROTO from PEER: reason".  Rate-limited
 * (a token bucket shared by all protocols) so a flood cannot fill the disk;
 * the number of suppressed lines is reported with the next line that passes.
 */
void log_drop(const char *proto, const char *peer, const char *fmt, ...) LOG_PRINTF(3, 4);

/* Drops seen (logged or suppressed) since start, for the counters dump. */
unsigned long log_drop_count(void);

#endif /* NETBOOTD_LOG_H */
