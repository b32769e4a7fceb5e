// SPDX-License-Identifier: GPL-2.0
/*
 * log.c - log lines to stderr or syslog; drop lines through a token bucket.
 */
#define _GNU_SOURCE
#include "log.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

/* Up to DROP_BURST lines at once, refilled at DROP_PER_SEC lines a second:
 * enough to diagnose one bad client, too few to flood the journal. */
#define DROP_BURST 20
#define DROP_PER_SEC 5

static int log_syslog;
static int log_max = LOG_INFO;
static double drop_tokens = DROP_BURST;
static uint64_t drop_last_ms;
static unsigned long drop_suppressed, drop_total;

void log_init(const char *ident, int use_syslog, int max_level)
{
	log_max = max_level;
	if (use_syslog < 0)
		return;
	log_syslog = use_syslog;
	if (use_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static void vlog(int level, const char *prefix, const char *fmt, va_list ap)
{
	char line[1024];
	int n = 0;

	if (level > log_max)
		return;
	if (prefix)
		n = snprintf(line, sizeof(line), "%s", prefix);
	if (n < 0 || (size_t)n >= sizeof(line))
		n = 0;
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	/* Network-supplied text may reach a line: never emit control bytes. */
	for (char *p = line; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
			*p = '?';
	if (log_syslog)
		syslog(level, "%s", line);
	else
		fprintf(stderr, "netbootd: %s\n", line);
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(level, NULL, fmt, ap);
	va_end(ap);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void log_drop(const char *proto, const char *peer, const char *fmt, ...)
{
	char prefix[160];
	uint64_t now = now_ms();
	va_list ap;

	drop_total++;
	drop_tokens += (double)(now - drop_last_ms) * DROP_PER_SEC / 1000.0;
	if (drop_tokens > DROP_BURST)
		drop_tokens = DROP_BURST;
	drop_last_ms = now;
	if (drop_tokens < 1.0) {
		drop_suppressed++;
		return;
	}
	drop_tokens -= 1.0;
	if (drop_suppressed) {
		log_msg(LOG_WARNING, "drop: %lu more rejected packets not logged",
			drop_suppressed);
		drop_suppressed = 0;
	}
	snprintf(prefix, sizeof(prefix), "drop %s from %s: ", proto, peer);
	va_start(ap, fmt);
	vlog(LOG_WARNING, prefix, fmt, ap);
	va_end(ap);
}

unsigned long log_drop_count(void)
{
	return drop_total;
}
