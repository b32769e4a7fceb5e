/* nodepower.h - the shared model of nodepower: nodes, requests, the
 * backend interface, and the pure parsers (ranges, inventory, credentials)
 * that the tool, the unit tests and the fuzzer share. */
#ifndef NODEPOWER_H
#define NODEPOWER_H

#include <stddef.h>
#include <sys/types.h>

#define NP_NAME_MAX 64     /* node and credential names, with the NUL */
#define NP_ADDR_MAX 256    /* a BMC host name or a QMP socket path */
#define NP_MAX_NODES 4096  /* one expression, one inventory */
#define NP_USER_MAX 17     /* IPMI 2.0: 16 bytes of user name */
#define NP_PASSWORD_MAX 21 /* IPMI 2.0: 20 bytes of password */
#define NP_MSG_MAX 256     /* one result message */

/* ------------------------------------------------------------ names */
struct np_names {
	char (*v)[NP_NAME_MAX];
	size_t n, cap;
	size_t *index, nindex; /* hash of the names: slot = position + 1, 0 free */
};

void np_names_free(struct np_names *l);
/* Append NAME unless it is there already; -1 when the list is full. */
int np_names_add(struct np_names *l, const char *name);
long np_names_find(const struct np_names *l, const char *name);

/* Expand a cluster range expression: "node[01-16]", "node[1,3,5-7]",
 * "rack[1-2]-n[1-4]", "a,b,c[1-3]".  Names are appended to OUT in order,
 * duplicates dropped.  Returns 0, or -1 with a message in ERR. */
int np_range_expand(const char *expr, struct np_names *out, char *err, size_t errlen);

/* ------------------------------------------------------------ inventory */
enum np_backend_kind { NP_BACKEND_IPMI, NP_BACKEND_QMP };

struct np_node {
	char name[NP_NAME_MAX];
	enum np_backend_kind backend;
	char addr[NP_ADDR_MAX];
	unsigned port;          /* 0: the backend's default (IPMI: 623) */
	unsigned cipher;        /* IPMI cipher suite (default 3) */
	unsigned workarounds;   /* IPMI: FreeIPMI workaround flags */
	char cred[NP_NAME_MAX]; /* key into the credentials (default "default") */
	int line;               /* where the inventory defined it */
};

struct np_inventory {
	struct np_node *nodes;
	size_t n, cap;
	struct np_names names; /* names[i] is nodes[i].name, for lookups */
};

void np_inventory_free(struct np_inventory *inv);
/* Parse an inventory held in memory (TEXT, LEN bytes; need not end in a
 * NUL).  FILE names it in errors: "FILE:LINE: ...".  0 or -1. */
int np_inventory_parse(const char *text, size_t len, const char *file, struct np_inventory *inv,
		       char *err, size_t errlen);
const struct np_node *np_inventory_find(const struct np_inventory *inv, const char *name);

/* ------------------------------------------------------------ credentials */
struct np_cred {
	char name[NP_NAME_MAX];
	char user[NP_USER_MAX];
	char password[NP_PASSWORD_MAX];
};

struct np_creds {
	struct np_cred *v;
	size_t n, cap;
};

/* Wipe the passwords and free. */
void np_creds_free(struct np_creds *c);
/* A credentials file may be read only when no one but its owner can read
 * or write it, and its owner is root or EUID.  0, or -1 with the reason. */
int np_creds_check_mode(mode_t mode, uid_t owner, uid_t euid, const char *file, char *err, size_t errlen);
/* Lines "NAME USER PASSWORD" (the password is the rest of the line).
 * Errors name the file and line, never a password. */
int np_creds_parse(const char *text, size_t len, const char *file, struct np_creds *c, char *err,
		   size_t errlen);
const struct np_cred *np_creds_find(const struct np_creds *c, const char *name);

/* ------------------------------------------------------------ requests */
enum np_op { NP_OP_ON, NP_OP_OFF, NP_OP_SOFT, NP_OP_RESET, NP_OP_CYCLE, NP_OP_STATUS, NP_OP_BOOTDEV };
enum np_bootdev { NP_BOOT_PXE, NP_BOOT_DISK, NP_BOOT_DEFAULT };

struct np_request {
	enum np_op op;
	enum np_bootdev dev; /* bootdev */
	int persistent;      /* bootdev --persistent */
	int netboot;         /* cycle --netboot: one-shot PXE, then cycle */
};

const char *np_op_name(enum np_op op);
const char *np_bootdev_name(enum np_bootdev dev);

/* ------------------------------------------------------------ backends */
/* Results of backend calls. */
#define NP_OK 0
#define NP_EFAIL (-1)       /* the controller refused or answered an error */
#define NP_ETIMEOUT (-2)    /* no answer in time */
#define NP_ENOTRUNNING (-3) /* QMP: no QEMU at the socket (the node is off) */

/* One small interface per power controller.  A session is opened per
 * node in a child process of the fan-out; every call writes a one-line
 * reason into ERR when it fails, never a secret. */
struct np_backend {
	const char *name;
	int (*open)(const struct np_node *node, const struct np_cred *cred, unsigned timeout_ms, void **sess,
		    char *err, size_t errlen);
	/* NP_OP_ON, OFF, SOFT, RESET or CYCLE */
	int (*power)(void *sess, enum np_op op, char *err, size_t errlen);
	/* *on = 1 when the node is powered */
	int (*status)(void *sess, int *on, char *err, size_t errlen);
	/* *note: a short remark for the result line ("" or e.g. "persists") */
	int (*bootdev)(void *sess, enum np_bootdev dev, int persistent, const char **note, char *err,
		       size_t errlen);
	void (*close)(void *sess);
};

extern const struct np_backend np_backend_ipmi;
extern const struct np_backend np_backend_qmp;

/* Run REQ on one node through BACKEND (open, the calls, close).  MSG gets
 * the result ("on", "ok", or the failure).  NP_OK or an NP_E* code. */
int np_node_run(const struct np_backend *backend, const struct np_node *node, const struct np_cred *cred,
		const struct np_request *req, unsigned timeout_ms, char *msg, size_t msglen);

/* ------------------------------------------------------------ fan-out */
enum np_outcome { NP_RESULT_OK, NP_RESULT_FAILED, NP_RESULT_TIMEOUT };

struct np_result {
	enum np_outcome outcome;
	char msg[NP_MSG_MAX];
	double secs;
};

/* A job runs in a child process: it returns NP_OK or an NP_E* code and
 * writes its message into MSG. */
typedef int (*np_job_fn)(size_t idx, void *ctx, char *msg, size_t msglen);
typedef void (*np_done_fn)(size_t idx, const struct np_result *res, void *ctx);

/* Run N jobs, at most MAX_INFLIGHT at once, each killed after TIMEOUT_MS.
 * DONE is called in the parent as each job ends (in completion order).
 * RES[i] holds job i's result.  Returns the number of jobs that did not
 * succeed, or -1 if the fan-out itself failed (fork, pipe). */
int np_fanout(size_t n, size_t max_inflight, unsigned timeout_ms, np_job_fn job, np_done_fn done, void *ctx,
	      struct np_result *res);

/* Small string helpers shared by the parsers. */
size_t np_strlcpy(char *dst, const char *src, size_t size);

#endif
