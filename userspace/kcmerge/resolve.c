/* resolve.c - --resolve: raise (or lower) what a failed request needs,
 * transitively, one pass at a time until nothing changes.
 *
 * Greedy and deterministic: an `A || B` is met by the alternative with the
 * highest current value that can be met (the first in Kconfig order on a
 * tie); a symbol without a prompt is raised through what selects it.  Each
 * alternative is tried without side effects first (a dry run), so a failed
 * alternative leaves nothing behind.  Values are set as user values; the
 * tree's own Kconfig recomputes everything after each pass. */
#include "kcmerge.h"

#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 32
#define MAX_PASSES 64

struct ctx {
	const struct request *origin;
	const struct request_list *reqs;
	const char *path[MAX_DEPTH];
	int depth;
	bool dry;
	int changes;
	struct buf *why;	/* first reason for a failure */
};

static bool raise_expr(struct ctx *c, struct expr *e, tristate want);
static bool lower_expr(struct ctx *c, struct expr *e, tristate max);
static bool lower_sym(struct ctx *c, struct symbol *s, tristate max);

static const char *tri_str(tristate t)
{
	return t == yes ? "y" : t == mod ? "m" : "n";
}

static bool is_tri(struct symbol *s)
{
	return s->type == S_BOOLEAN || s->type == S_TRISTATE;
}

static void fail(struct ctx *c, const char *fmt, const char *a, const char *b)
{
	if (c->dry || c->why->len)
		return;
	buf_printf(c->why, fmt, a, b);
}

/* A request for s (other than the one being resolved) that forbids it. */
static bool forbidden(struct ctx *c, struct symbol *s, tristate val, bool raising)
{
	const struct request *r = s->name ? request_find(c->reqs, s->name) : NULL;
	char need[256];

	if (!r || r == c->origin || !is_tri(s))
		return false;
	if (raising ? request_tri(r) >= val : request_tri(r) <= val)
		return false;
	if (!c->dry && !c->why->len) {
		snprintf(need, sizeof(need), "CONFIG_%s=%s", s->name, tri_str(val));
		buf_printf(c->why, "needs %s, but %s is requested at %s:%d", need, r->text, r->file, r->line);
	}
	return true;
}

static void print_path(struct ctx *c)
{
	int i;

	for (i = 0; i < c->depth; i++)
		printf("%s%s", i ? " -> " : "", c->path[i]);
}

static bool set_user(struct ctx *c, struct symbol *s, tristate val)
{
	tristate old;

	if (c->dry)
		return true;
	sym_calc_value(s);
	old = sym_get_tristate_value(s);
	if (sym_has_value(s) && s->def[S_DEF_USER].tri == val && !choice_of(s))
		return true;
	if (choice_of(s) && val == yes) {
		if (!sym_set_tristate_value(s, yes))
			return true;	/* not settable yet: the next pass retries */
	} else {
		s->def[S_DEF_USER].tri = val;
		s->flags |= SYMBOL_DEF_USER;
		sym_clear_all_valid();
	}
	if (old == val)
		return true;
	c->changes++;
	printf("resolve: CONFIG_%s %s -> %s, for %s requested at %s:%d (", s->name, tri_str(old),
	       tri_str(val), c->origin->text, c->origin->file, c->origin->line);
	print_path(c);
	printf(")\n");
	return true;
}

static bool raise_sym(struct ctx *c, struct symbol *s, tristate want)
{
	struct property *prompt;
	struct symbol *cs;
	bool ok = false;

	sym_calc_value(s);
	if (s->type == S_BOOLEAN && want == mod)
		want = yes;
	if (!is_tri(s) || sym_get_tristate_value(s) >= want)
		return is_tri(s) || want == no;
	if (s->flags & SYMBOL_CONST) {
		fail(c, "needs %s%s, a constant", s->name, "");
		return false;
	}
	if (c->depth >= MAX_DEPTH || forbidden(c, s, want, true))
		return false;
	c->path[c->depth++] = s->name ? s->name : "<choice>";
	prompt = sym_prompt(s);
	cs = choice_of(s);
	if (cs && cs->visible < want && sym_prompt(cs)) {
		ok = raise_expr(c, sym_prompt(cs)->visible.expr, want);
	} else if (prompt) {
		if (s->visible >= want)
			ok = set_user(c, s, want);
		else
			ok = raise_expr(c, prompt->visible.expr, want);
	} else if (s->rev_dep.expr) {
		ok = raise_expr(c, s->rev_dep.expr, want);
	} else {
		struct property *prop;

		kc_for_each_prop(s, prop, P_DEFAULT) {
			if (expr_calc_value(prop->expr) >= want) {
				ok = raise_expr(c, prop->visible.expr, want) && raise_expr(c, s->dir_dep.expr, want);
				break;
			}
		}
		if (!ok)
			fail(c, "needs CONFIG_%s, which has no prompt and nothing selects it%s", s->name, "");
	}
	c->depth--;
	return ok;
}

/* The operands of an || chain, in Kconfig order. */
static int or_operands(struct expr *e, struct expr **out, int n, int max)
{
	if (e->type == E_OR) {
		n = or_operands(e->left.expr, out, n, max);
		return or_operands(e->right.expr, out, n, max);
	}
	if (n < max)
		out[n++] = e;
	return n;
}

static bool try_quietly(struct ctx *c, struct expr *e, tristate want, bool raising)
{
	struct buf none = { 0 };
	struct ctx d = *c;
	bool ok;

	d.dry = true;
	d.why = &none;
	ok = raising ? raise_expr(&d, e, want) : lower_expr(&d, e, want);
	buf_free(&none);
	return ok;
}

static bool raise_or(struct ctx *c, struct expr *e, tristate want)
{
	struct expr *alt[256];
	int n = or_operands(e, alt, 0, 256), i, pick = -1;
	tristate best = no;

	/* Prefer what is already (partly) set, then Kconfig order. */
	for (i = 0; i < n; i++) {
		tristate v = expr_calc_value(alt[i]);

		if ((pick < 0 || v > best) && try_quietly(c, alt[i], want, true)) {
			pick = i;
			best = v;
		}
	}
	if (pick < 0) {
		struct buf alts = { 0 };

		expr_with_values(e, &alts);
		fail(c, "no alternative of %s can be met%s", alts.s, "");
		buf_free(&alts);
		return false;
	}
	return raise_expr(c, alt[pick], want);
}

static struct symbol *const_value(struct symbol *s)
{
	if (s == &symbol_yes || s == &symbol_mod || s == &symbol_no)
		return s;
	return NULL;
}

static bool raise_expr(struct ctx *c, struct expr *e, tristate want)
{
	if (!e || expr_calc_value(e) >= want)
		return true;
	switch (e->type) {
	case E_SYMBOL:
		return raise_sym(c, e->left.sym, want);
	case E_AND:
		return raise_expr(c, e->left.expr, want) && raise_expr(c, e->right.expr, want);
	case E_OR:
		return raise_or(c, e, want);
	case E_NOT:
		return lower_expr(c, e->left.expr, EXPR_NOT(want));
	case E_EQUAL:
		if (const_value(e->right.sym) && is_tri(e->left.sym)) {
			tristate v = e->right.sym->curr.tri;

			sym_calc_value(e->left.sym);
			return v > e->left.sym->curr.tri ? raise_sym(c, e->left.sym, v) : lower_sym(c, e->left.sym, v);
		}
		break;
	case E_UNEQUAL:
		if (e->right.sym == &symbol_no && is_tri(e->left.sym))
			return raise_sym(c, e->left.sym, mod);
		break;
	default:
		break;
	}
	{
		struct buf t = { 0 };

		expr_with_values(e, &t);
		fail(c, "needs %s, a comparison kcmerge does not resolve%s", t.s, "");
		buf_free(&t);
	}
	return false;
}

static bool lower_sym(struct ctx *c, struct symbol *s, tristate max)
{
	struct property *prompt;
	bool ok = true;

	sym_calc_value(s);
	if (!is_tri(s) || sym_get_tristate_value(s) <= max)
		return true;
	if ((s->flags & SYMBOL_CONST) || c->depth >= MAX_DEPTH || forbidden(c, s, max, false))
		return false;
	c->path[c->depth++] = s->name ? s->name : "<choice>";
	if (s->rev_dep.tri > max) {
		struct expr *alt[256];
		int n = or_operands(s->rev_dep.expr, alt, 0, 256), i;

		for (i = 0; i < n && ok; i++)
			ok = lower_expr(c, alt[i], max);
	}
	prompt = sym_prompt(s);
	if (ok && prompt && s->visible > no && !choice_of(s))
		ok = set_user(c, s, max);
	else if (ok && !prompt && s->rev_dep.tri <= max && !c->dry) {
		fail(c, "needs CONFIG_%s lowered, but it has no prompt and its default sets it%s", s->name, "");
		ok = false;
	}
	c->depth--;
	return ok;
}

static bool lower_expr(struct ctx *c, struct expr *e, tristate max)
{
	if (!e || expr_calc_value(e) <= max)
		return true;
	switch (e->type) {
	case E_SYMBOL:
		return lower_sym(c, e->left.sym, max);
	case E_NOT:
		return raise_expr(c, e->left.expr, EXPR_NOT(max));
	case E_OR:
		return lower_expr(c, e->left.expr, max) && lower_expr(c, e->right.expr, max);
	case E_AND:
		/* select X if COND: turn the selector off rather than COND */
		if (try_quietly(c, e->left.expr, max, false))
			return lower_expr(c, e->left.expr, max);
		return lower_expr(c, e->right.expr, max);
	default:
		break;
	}
	fail(c, "needs a comparison lowered, which kcmerge does not resolve%s%s", "", "");
	return false;
}

int resolve_requests(const struct request_list *reqs, struct buf *why)
{
	int pass, total = 0;
	size_t i;

	for (pass = 0; pass < MAX_PASSES; pass++) {
		int changes = 0;

		for (i = 0; i < reqs->n; i++) {
			const struct request *r = &reqs->req[i];
			struct symbol *s = sym_find(r->name);
			struct ctx c = { .origin = r, .reqs = reqs, .why = &why[i] };

			if (request_find(reqs, r->name) != r || !s || request_landed(s, r))
				continue;
			buf_free(&why[i]);
			if (is_tri(s)) {
				tristate want = request_tri(r);

				if (sym_get_tristate_value(s) < want)
					raise_sym(&c, s, want);
				else
					lower_sym(&c, s, want);
			} else if (s->visible == no && sym_prompt(s)) {
				c.path[c.depth++] = s->name;
				raise_expr(&c, sym_prompt(s)->visible.expr, yes);
			}
			changes += c.changes;
		}
		tree_recalc();
		total += changes;
		if (!changes)
			break;
	}
	return total;
}
