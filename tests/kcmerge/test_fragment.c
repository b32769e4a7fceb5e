/* Unit tests of kcmerge's fragment reader (userspace/kcmerge/fragment.c):
 * text in, requests out, no Kconfig tree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fragment.h"
#include "../unit/tap.h"

static enum line_kind parse(const char *line, struct request *r, char *err)
{
	return fragment_parse_line(line, r, err, 256);
}

static int read_text(struct request_list *l, const char *text, char *err)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc = fragment_read(l, "frag.config", f, err, 256);

	fclose(f);
	return rc;
}

static void free_req(struct request *r)
{
	free(r->name);
	free(r->value);
	free(r->text);
}

int main(void)
{
	struct request r;
	struct request_list l = { 0 };
	char err[256] = "";

	TAP_OK(parse("CONFIG_NET=y\n", &r, err) == LINE_REQUEST, "CONFIG_NET=y is a request");
	TAP_STREQ(r.name, "NET", "its name has no prefix");
	TAP_STREQ(r.value, "y", "its value is y");
	free_req(&r);

	TAP_OK(parse("# CONFIG_BLOCK is not set", &r, err) == LINE_REQUEST, "'is not set' is a request");
	TAP_STREQ(r.value, "n", "for n");
	TAP_STREQ(r.text, "CONFIG_BLOCK=n", "spelled CONFIG_BLOCK=n in messages");
	free_req(&r);

	TAP_OK(parse("# CONFIG_BLOCK is not set, really", &r, err) == LINE_NONE, "other comments are comments");
	TAP_OK(parse("   ", &r, err) == LINE_NONE, "blank lines are nothing");

	TAP_OK(parse("CONFIG_CMDLINE=\"a \\\"b\\\" \\\\c\"", &r, err) == LINE_REQUEST, "a quoted string");
	TAP_STREQ(r.value, "a \"b\" \\c", "escapes are undone");
	TAP_OK(r.quoted, "and it is marked quoted");
	free_req(&r);

	TAP_OK(parse("CONFIG_X=\"open", &r, err) == LINE_ERROR, "an unterminated string is an error");
	TAP_OK(parse("CONFIG_X=\"a\" b", &r, err) == LINE_ERROR, "text after the string is an error");
	TAP_OK(parse("CONFIG_NET y", &r, err) == LINE_ERROR, "a missing = is an error");
	TAP_OK(strstr(err, "malformed line 'CONFIG_NET y'") != NULL, "naming the line");
	TAP_OK(parse("NET=y", &r, err) == LINE_ERROR, "a missing prefix is an error");
	TAP_OK(parse("CONFIG_X=", &r, err) == LINE_ERROR, "an empty value is an error");
	TAP_OK(parse("CONFIG_X=a b", &r, err) == LINE_ERROR, "an unquoted value with a space is an error");
	TAP_OK(parse("# kcmerge: builtin", &r, err) == LINE_BUILTIN, "the builtin annotation");
	TAP_OK(parse("# kcmerge: bultin", &r, err) == LINE_ERROR, "a misspelt annotation is an error");

	TAP_OK(read_text(&l, "# Help: x\nCONFIG_A=y\n\n# kcmerge: builtin\nCONFIG_B=y\nCONFIG_A=m\n", err) == 0,
	       "a fragment reads");
	TAP_OK(l.n == 3, "three requests");
	TAP_OK(l.req[0].line == 2 && l.req[1].line == 5 && l.req[2].line == 6, "with their line numbers");
	TAP_OK(!l.req[0].builtin && l.req[1].builtin && !l.req[2].builtin, "the annotation marks the next line only");
	TAP_OK(request_find(&l, "A") == &l.req[2], "the last request wins");
	TAP_OK(request_conflicts(&l, err, sizeof(err)) == 1, "two values for A conflict");
	TAP_STREQ(err, "frag.config:6: CONFIG_A=m conflicts with frag.config:2: CONFIG_A=y", "naming both lines");
	request_list_free(&l);

	TAP_OK(read_text(&l, "CONFIG_A=y\nCONFIG_A=y\n", err) == 0 && request_conflicts(&l, err, sizeof(err)) == 0,
	       "the same value twice is no conflict");
	request_list_free(&l);

	TAP_OK(read_text(&l, "CONFIG_A=y\nbogus\n", err) == -1, "a bad line fails the fragment");
	TAP_STREQ(err, "frag.config:2: malformed line 'bogus' (want CONFIG_NAME=value or # CONFIG_NAME is not set)",
		  "with file:line");
	request_list_free(&l);

	TAP_OK(read_text(&l, "# kcmerge: builtin\nCONFIG_A=m\n", err) == -1, "builtin on a value other than y fails");
	request_list_free(&l);
	TAP_OK(read_text(&l, "CONFIG_A=y\n# kcmerge: builtin\n", err) == -1, "a dangling annotation fails");
	TAP_STREQ(err, "frag.config:2: '# kcmerge: builtin' is not followed by a CONFIG_ line", "naming its line");
	request_list_free(&l);
	return tap_done();
}
