/* fuzz_inventory.c - libFuzzer harness for nodepower's text parsers: the
 * inventory, the node-range expander (the first line as an expression)
 * and the credentials file.  Every accepted node must come out with a
 * name that is a valid node name and an address that fits. */
#define _POSIX_C_SOURCE 200809L /* strnlen */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../nodepower.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct np_inventory inv = { 0 };
	struct np_names names = { 0 };
	struct np_creds creds = { 0 };
	char err[512], expr[256];
	size_t n = 0;

	if (np_inventory_parse((const char *)data, size, "fuzz", &inv, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < inv.n; i++) {
			size_t len = strnlen(inv.nodes[i].name, NP_NAME_MAX);

			if (len == 0 || len >= NP_NAME_MAX || strnlen(inv.nodes[i].addr, NP_ADDR_MAX) >= NP_ADDR_MAX)
				abort();
			if (np_inventory_find(&inv, inv.nodes[i].name) != &inv.nodes[i])
				abort(); /* a duplicate got through */
		}
	}
	np_inventory_free(&inv);

	while (n < size && n < sizeof(expr) - 1 && data[n] != '\n' && data[n] != '\0') {
		expr[n] = (char)data[n];
		n++;
	}
	expr[n] = '\0';
	if (np_range_expand(expr, &names, err, sizeof(err)) == 0) {
		if (names.n == 0 || names.n > NP_MAX_NODES)
			abort();
		for (size_t i = 0; i < names.n; i++)
			if (np_names_find(&names, names.v[i]) != (long)i)
				abort();
	}
	np_names_free(&names);

	np_creds_parse((const char *)data, size, "fuzz", &creds, err, sizeof(err));
	np_creds_free(&creds);
	return 0;
}
