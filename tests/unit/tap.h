/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tap.h - the smallest TAP producer: one "ok"/"not ok" line per check,
 * a plan at the end, exit status 1 if anything failed.
 */
#ifndef TAP_H
#define TAP_H

#include <stdio.h>
#include <string.h>

static int tap_run, tap_failed;

#define TAP_OK(cond, ...)                                                  \
	do {                                                               \
		int tap_c_ = !!(cond);                                     \
		tap_run++;                                                 \
		if (!tap_c_)                                               \
			tap_failed++;                                      \
		printf("%s %d - ", tap_c_ ? "ok" : "not ok", tap_run);     \
		printf(__VA_ARGS__);                                       \
		printf("\n");                                              \
		if (!tap_c_)                                               \
			printf("#   failed at %s:%d: %s\n", __FILE__,          \
			       __LINE__, #cond);                           \
	} while (0)

#define TAP_STREQ(got, want, ...)                                          \
	do {                                                               \
		const char *tap_g_ = (got), *tap_w_ = (want);              \
		TAP_OK(strcmp(tap_g_, tap_w_) == 0, __VA_ARGS__);          \
		if (strcmp(tap_g_, tap_w_) != 0)                           \
			printf("#   got:  '%s'\n#   want: '%s'\n", tap_g_,   \
			       tap_w_);                                    \
	} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_run);
	return tap_failed ? 1 : 0;
}

#endif /* TAP_H */
