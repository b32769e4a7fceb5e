/* qmp_json.h - the few QMP replies nodepower reads, from one line of JSON. */
#ifndef NODEPOWER_QMP_JSON_H
#define NODEPOWER_QMP_JSON_H

#include <stddef.h>

enum qmp_kind { QMP_GREETING, QMP_RETURN, QMP_ERROR, QMP_EVENT };

struct qmp_reply {
	enum qmp_kind kind;
	char status[32]; /* return {"status": "..."} (query-status) */
	char text[200];  /* error desc, or a return that is a string (HMP output) */
};

/* Parse one QMP message (a JSON object on one line, LEN bytes).  Pure and
 * bounded: nesting deeper than 32 levels, strings longer than the line,
 * bad escapes and trailing garbage are errors.  0 or -1. */
int qmp_parse_line(const char *line, size_t len, struct qmp_reply *out);

#endif
