/* explain.c - why a symbol does not have the value a fragment asked for,
 * in one line that names the failing part of the expression with the
 * current values ("depends on VIRTIO [=m]"). */
#include "kcmerge.h"

#include <string.h>

static request_lookup_fn lookup;

void explain_set_lookup(request_lookup_fn fn)
{
	lookup = fn;
}

static const char *tri_str(tristate t)
{
	return t == yes ? "y" : t == mod ? "m" : "n";
}

static bool is_const(struct symbol *sym)
{
	return sym->flags & SYMBOL_CONST;
}

static void sym_with_value(struct symbol *sym, struct buf *out)
{
	if (is_const(sym)) {
		buf_printf(out, "%s", sym->name);
		return;
	}
	buf_printf(out, "%s [=%s]", sym->name ? sym->name : "<choice>", sym_value_str(sym));
}

static void expr_print_prec(struct expr *e, enum expr_type parent, struct buf *out)
{
	static const char *const op[] = {
		[E_EQUAL] = "=", [E_UNEQUAL] = "!=", [E_LTH] = "<",
		[E_LEQ] = "<=", [E_GTH] = ">", [E_GEQ] = ">=",
	};
	bool paren;

	if (!e) {
		buf_printf(out, "y");
		return;
	}
	switch (e->type) {
	case E_SYMBOL:
		sym_with_value(e->left.sym, out);
		break;
	case E_NOT:
		buf_printf(out, "!");
		expr_print_prec(e->left.expr, E_NOT, out);
		break;
	case E_EQUAL:
	case E_UNEQUAL:
	case E_LTH:
	case E_LEQ:
	case E_GTH:
	case E_GEQ:
		sym_with_value(e->left.sym, out);
		buf_printf(out, "%s", op[e->type]);
		sym_with_value(e->right.sym, out);
		break;
	case E_AND:
	case E_OR:
		paren = parent == E_NOT || (parent == E_AND && e->type == E_OR);
		if (paren)
			buf_printf(out, "(");
		expr_print_prec(e->left.expr, e->type, out);
		buf_printf(out, e->type == E_AND ? " && " : " || ");
		expr_print_prec(e->right.expr, e->type, out);
		if (paren)
			buf_printf(out, ")");
		break;
	default:
		buf_printf(out, "<expr>");
		break;
	}
}

void expr_with_values(struct expr *e, struct buf *out)
{
	expr_print_prec(e, E_NONE, out);
}

struct property *sym_prompt(struct symbol *sym)
{
	struct property *prop;

	kc_for_each_prop(sym, prop, P_PROMPT)
		if (prop->text)
			return prop;
	return NULL;
}

struct symbol *choice_of(struct symbol *sym)
{
	struct property *prop;

	if (!sym_is_choice_value(sym))
		return NULL;
	prop = sym_get_choice_prop(sym);
	return prop ? prop_get_symbol(prop) : NULL;
}

/* The smallest part of e that keeps it below want: descend into the failing
 * operand of each &&; an || fails as a whole. */
static struct expr *failing_term(struct expr *e, tristate want)
{
	while (e && e->type == E_AND) {
		if (expr_calc_value(e->left.expr) < want)
			e = e->left.expr;
		else
			e = e->right.expr;
	}
	return e;
}

/* The first non-constant symbol of a term: the one to blame. */
static struct symbol *term_symbol(struct expr *e)
{
	struct symbol *s;

	if (!e)
		return NULL;
	switch (e->type) {
	case E_SYMBOL:
		return is_const(e->left.sym) ? NULL : e->left.sym;
	case E_NOT:
		return term_symbol(e->left.expr);
	case E_AND:
	case E_OR:
		s = term_symbol(e->left.expr);
		return s ? s : term_symbol(e->right.expr);
	case E_EQUAL:
	case E_UNEQUAL:
	case E_LTH:
	case E_LEQ:
	case E_GTH:
	case E_GEQ:
		if (!is_const(e->left.sym))
			return e->left.sym;
		return is_const(e->right.sym) ? NULL : e->right.sym;
	default:
		return NULL;
	}
}

/* " (CONFIG_X=n requested at f:3)" when a fragment asked for the blamed symbol. */
static void blame_origin(struct symbol *sym, struct buf *out)
{
	const struct request *r;

	if (!sym || !sym->name || !lookup)
		return;
	r = lookup(sym->name);
	if (r)
		buf_printf(out, " (%s requested at %s:%d)", r->text, r->file, r->line);
}

static bool expr_contains(struct expr *hay, struct expr *needle)
{
	if (!hay || !needle)
		return false;
	if (expr_eq(hay, needle))
		return true;
	switch (hay->type) {
	case E_AND:
	case E_OR:
		return expr_contains(hay->left.expr, needle) || expr_contains(hay->right.expr, needle);
	case E_NOT:
		return expr_contains(hay->left.expr, needle);
	default:
		return false;
	}
}

/* "depends on X [=n]", or "visible if X [=n] (menu "Foo")" when the term
 * comes from an enclosing menu's `visible if`. */
static void explain_prompt(struct symbol *sym, struct property *prompt, tristate want, struct buf *out)
{
	struct expr *term = failing_term(prompt->visible.expr, want);
	struct menu *m;

	for (m = prompt->menu ? prompt->menu->parent : NULL; m; m = m->parent) {
		if (m->visibility && expr_contains(m->visibility, term) &&
		    !expr_contains(sym->dir_dep.expr, term)) {
			buf_printf(out, "visible if ");
			expr_with_values(term, out);
			buf_printf(out, " (menu \"%s\")", menu_get_prompt(m));
			blame_origin(term_symbol(term), out);
			return;
		}
	}
	buf_printf(out, "depends on ");
	expr_with_values(term, out);
	blame_origin(term_symbol(term), out);
}

/* The selectors (first symbol of each `A && cond` term of rev_dep) whose
 * term is above `above`. */
static int list_selectors(struct expr *e, tristate above, struct buf *out, int shown)
{
	if (!e)
		return shown;
	if (e->type == E_OR) {
		shown = list_selectors(e->left.expr, above, out, shown);
		return list_selectors(e->right.expr, above, out, shown);
	}
	if (expr_calc_value(e) <= above)
		return shown;
	if (shown < 3) {
		struct symbol *s = term_symbol(e);

		buf_printf(out, shown ? ", " : "");
		if (s)
			sym_with_value(s, out);
		else
			expr_with_values(e, out);
		if (!shown)
			blame_origin(s, out);
	}
	return shown + 1;
}

static void explain_selected(struct symbol *sym, tristate above, struct buf *out)
{
	struct buf sel = { 0 };
	int n;

	n = list_selectors(sym->rev_dep.expr, above, &sel, 0);
	buf_printf(out, "selected by %s", sel.s ? sel.s : "?");
	if (n > 3)
		buf_printf(out, " and %d more", n - 3);
	buf_free(&sel);
}

static void explain_default(struct symbol *sym, struct buf *out)
{
	struct property *prop;

	if (sym->implied.tri > no && (sym->type == S_BOOLEAN || sym->type == S_TRISTATE)) {
		struct buf imp = { 0 };

		list_selectors(sym->implied.expr, no, &imp, 0);
		buf_printf(out, "implied by %s", imp.s ? imp.s : "?");
		buf_free(&imp);
		return;
	}
	kc_for_each_prop(sym, prop, P_DEFAULT) {
		if (expr_calc_value(prop->visible.expr) == no)
			continue;
		buf_printf(out, "default ");
		expr_with_values(prop->expr, out);
		if (prop->visible.expr) {
			buf_printf(out, " if ");
			expr_with_values(prop->visible.expr, out);
		}
		return;
	}
	buf_printf(out, "no default applies");
}

static void explain_too_low(struct symbol *sym, tristate want, struct buf *out)
{
	struct symbol *cs = choice_of(sym);
	struct property *prompt = sym_prompt(sym);

	if (cs) {
		struct symbol *chosen;
		struct property *cprompt = sym_prompt(cs);

		sym_calc_value(cs);
		if (cs->curr.tri < want && cprompt) {
			explain_prompt(cs, cprompt, want, out);
			return;
		}
		chosen = sym_get_choice_value(cs);
		if (chosen && chosen != sym && cs->curr.tri == yes) {
			buf_printf(out, "choice \"%s\" chose %s instead",
				   cprompt ? cprompt->text : "?", chosen->name);
			blame_origin(chosen, out);
			return;
		}
	}
	if (!prompt) {
		buf_printf(out, "no prompt, so only select or default sets it: ");
		if (sym->rev_dep.tri > no)
			explain_selected(sym, no, out);
		else if (sym->rev_dep.expr)
			buf_printf(out, "nothing that selects it is set");
		else
			explain_default(sym, out);
		return;
	}
	if (sym->visible < want) {
		explain_prompt(sym, prompt, want, out);
		return;
	}
	buf_printf(out, "the tree's Kconfig computed this value (see: kcmerge why CONFIG_%s)", sym->name);
}

static void explain_too_high(struct symbol *sym, tristate want, struct buf *out)
{
	struct symbol *cs = choice_of(sym);
	struct property *prompt = sym_prompt(sym);

	if (cs && sym_get_choice_value(cs) == sym) {
		struct property *cprompt = sym_prompt(cs);

		buf_printf(out, "choice \"%s\" needs one member =y and no other member was requested",
			   cprompt ? cprompt->text : "?");
		return;
	}
	if (sym->rev_dep.tri > want) {
		explain_selected(sym, want, out);
		return;
	}
	if (!prompt) {
		buf_printf(out, "no prompt, so the default applies: ");
		explain_default(sym, out);
		return;
	}
	if (sym->visible == no) {
		buf_printf(out, "its prompt is hidden (");
		explain_prompt(sym, prompt, yes, out);
		buf_printf(out, "), so the default applies: ");
		explain_default(sym, out);
		return;
	}
	if (sym->implied.tri > want) {
		explain_default(sym, out);
		return;
	}
	buf_printf(out, "the tree's Kconfig computed this value (see: kcmerge why CONFIG_%s)", sym->name);
}

void explain_drop(struct symbol *sym, const char *want, bool quoted, struct buf *out)
{
	sym_calc_value(sym);
	if (sym->type == S_BOOLEAN || sym->type == S_TRISTATE) {
		tristate w = !strcmp(want, "y") ? yes : !strcmp(want, "m") ? mod : no;
		tristate got = sym_get_tristate_value(sym);

		buf_printf(out, "is %s: ", tri_str(got));
		if (got < w)
			explain_too_low(sym, w, out);
		else
			explain_too_high(sym, w, out);
		return;
	}
	if (!(sym->flags & SYMBOL_WRITE))
		buf_printf(out, "is not set: ");
	else
		buf_printf(out, "is \"%s\": ", sym_get_string_value(sym));
	if (!strcmp(want, "n") && !quoted) {
		struct property *prompt = sym_prompt(sym);

		if (prompt && sym->visible > no)
			buf_printf(out, "a visible %s always has a value", sym_type_name(sym->type));
		else
			explain_too_high(sym, no, out);
		return;
	}
	if (sym->visible == no) {
		explain_too_low(sym, yes, out);
		return;
	}
	buf_printf(out, "the tree's Kconfig computed this value (see: kcmerge why CONFIG_%s)", sym->name);
}

void explain_why(struct symbol *sym, struct buf *out)
{
	struct property *prop, *prompt = sym_prompt(sym);
	struct symbol *cs = choice_of(sym);
	const struct request *r = lookup ? lookup(sym->name) : NULL;

	sym_calc_value(sym);
	buf_printf(out, "CONFIG_%s=%s (%s", sym->name,
		   (sym->flags & SYMBOL_WRITE) || sym->type == S_BOOLEAN || sym->type == S_TRISTATE ?
		   sym_get_string_value(sym) : "<not set>", sym_type_name(sym->type));
	kc_for_each_prop(sym, prop, P_SYMBOL)
		if (prop->file)
			buf_printf(out, ", %s:%d", prop->file->name, prop->lineno);
	buf_printf(out, ")\n");
	if (r)
		buf_printf(out, "  requested: %s at %s:%d\n", r->text, r->file, r->line);
	if (prompt) {
		buf_printf(out, "  prompt: \"%s\", visible %s", prompt->text, tri_str(sym->visible));
		if (prompt->visible.expr) {
			buf_printf(out, " from ");
			expr_with_values(prompt->visible.expr, out);
		}
		buf_printf(out, "\n");
	} else {
		buf_printf(out, "  no prompt: only select or default set it\n");
	}
	if (sym->dir_dep.expr) {
		buf_printf(out, "  depends on [=%s]: ", tri_str(sym->dir_dep.tri));
		expr_with_values(sym->dir_dep.expr, out);
		buf_printf(out, "\n");
	}
	if (sym->rev_dep.expr) {
		buf_printf(out, "  selected by [=%s]: ", tri_str(sym->rev_dep.tri));
		expr_with_values(sym->rev_dep.expr, out);
		buf_printf(out, "\n");
	}
	if (sym->implied.expr) {
		buf_printf(out, "  implied by [=%s]: ", tri_str(sym->implied.tri));
		expr_with_values(sym->implied.expr, out);
		buf_printf(out, "\n");
	}
	if (cs) {
		struct symbol *chosen;
		struct property *cprompt = sym_prompt(cs);

		sym_calc_value(cs);
		chosen = sym_get_choice_value(cs);
		buf_printf(out, "  choice: \"%s\" [=%s], chosen: %s\n", cprompt ? cprompt->text : "?",
			   tri_str(cs->curr.tri), chosen && chosen->name ? chosen->name : "none");
	}
	kc_for_each_prop(sym, prop, P_DEFAULT) {
		buf_printf(out, "  default: ");
		expr_with_values(prop->expr, out);
		if (prop->visible.expr) {
			buf_printf(out, " if ");
			expr_with_values(prop->visible.expr, out);
		}
		buf_printf(out, "%s\n", expr_calc_value(prop->visible.expr) == no ? " (off)" : "");
	}
	prop = sym_get_range_prop(sym);
	if (prop) {
		buf_printf(out, "  range: ");
		sym_with_value(prop->expr->left.sym, out);
		buf_printf(out, " .. ");
		sym_with_value(prop->expr->right.sym, out);
		buf_printf(out, "\n");
	}
}
