/* ipmi.c - the ipmi backend: IPMI v2.0 RMCP+ (lanplus) to a BMC through
 * FreeIPMI's libfreeipmi, in process: no ipmitool child, so the password
 * is never in an argv or an environment that ps can show, there is no
 * cipher-suite probe (the suite comes from the inventory, default 3), and
 * each failure comes back as a code (wrong password, timeout, ...). */
#include <stdio.h>
#include <string.h>

#include <freeipmi/freeipmi.h>

#include "nodepower.h"

/* inventory.c keeps FreeIPMI's flag values so that it stays pure. */
_Static_assert(IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_OPEN_SESSION_PRIVILEGE == 0x10, "workaround flags");
_Static_assert(IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_AUTHENTICATION_CAPABILITIES == 0x01, "workaround flags");
_Static_assert(IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_NO_CHECKSUM_CHECK == 0x40, "workaround flags");

#define IPMI_DEFAULT_PORT 623
/* FreeIPMI resends a packet after this long without an answer. */
#define RETRANSMIT_MS 500

struct ipmi_sess {
	ipmi_ctx_t ctx;
	char where[NP_ADDR_MAX + 16];
};

static int ctx_error(struct ipmi_sess *s, const char *what, char *err, size_t errlen)
{
	int e = ipmi_ctx_errnum(s->ctx);

	snprintf(err, errlen, "%s%s%s (BMC %s)", what, *what ? ": " : "", ipmi_ctx_errormsg(s->ctx), s->where);
	return e == IPMI_ERR_SESSION_TIMEOUT ? NP_ETIMEOUT : NP_EFAIL;
}

static int ipmi_open(const struct np_node *node, const struct np_cred *cred, unsigned timeout_ms, void **sessp,
		     char *err, size_t errlen)
{
	static struct ipmi_sess sess; /* one per worker process */
	struct ipmi_sess *s = &sess;
	char host[NP_ADDR_MAX + 16];
	int rc;

	if (!cred) {
		snprintf(err, errlen, "no credentials '%s' for %s", node->cred, node->name);
		return NP_EFAIL;
	}
	/* FreeIPMI takes a port as host:port. */
	snprintf(host, sizeof(host), "%s:%u", node->addr, node->port ? node->port & 0xffffu : IPMI_DEFAULT_PORT);
	np_strlcpy(s->where, host, sizeof(s->where));
	s->ctx = ipmi_ctx_create();
	if (!s->ctx) {
		snprintf(err, errlen, "cannot create a FreeIPMI context");
		return NP_EFAIL;
	}
	/* FreeIPMI's session timeout is the node's deadline; whichever fires
	 * first, the fan-out kills the worker at the deadline in any case
	 * (against a silent BMC FreeIPMI's open did not return in time here,
	 * with ipmi_sim stopped). */
	unsigned session_ms = timeout_ms;
	if (ipmi_ctx_open_outofband_2_0(s->ctx, host, cred->user, cred->password, NULL, 0, IPMI_PRIVILEGE_LEVEL_ADMIN,
					(uint8_t)node->cipher, session_ms,
					RETRANSMIT_MS < session_ms ? RETRANSMIT_MS : session_ms, node->workarounds,
					IPMI_FLAGS_DEFAULT) < 0) {
		rc = ctx_error(s, "", err, errlen);
		if (ipmi_ctx_errnum(s->ctx) == IPMI_ERR_PRIVILEGE_LEVEL_CANNOT_BE_OBTAINED && !node->workarounds)
			strncat(err, "; an ipmi_sim BMC needs workaround=opensesspriv", errlen - strlen(err) - 1);
		ipmi_ctx_destroy(s->ctx);
		return rc;
	}
	*sessp = s;
	return NP_OK;
}

static int ipmi_status(void *sess, int *on, char *err, size_t errlen)
{
	struct ipmi_sess *s = sess;
	fiid_obj_t rs = fiid_obj_create(tmpl_cmd_get_chassis_status_rs);
	uint64_t v = 0;
	int rc = NP_OK;

	if (!rs) {
		snprintf(err, errlen, "out of memory");
		return NP_EFAIL;
	}
	if (ipmi_cmd_get_chassis_status(s->ctx, rs) < 0)
		rc = ctx_error(s, "get chassis status", err, errlen);
	else if (FIID_OBJ_GET(rs, "current_power_state.power_is_on", &v) < 0) {
		snprintf(err, errlen, "get chassis status: no power state in the reply (BMC %s)", s->where);
		rc = NP_EFAIL;
	}
	fiid_obj_destroy(rs);
	*on = v != 0;
	return rc;
}

static int ipmi_power(void *sess, enum np_op op, char *err, size_t errlen)
{
	struct ipmi_sess *s = sess;
	uint8_t ctl;
	int rc = NP_OK;

	switch (op) {
	case NP_OP_ON: ctl = IPMI_CHASSIS_CONTROL_POWER_UP; break;
	case NP_OP_OFF: ctl = IPMI_CHASSIS_CONTROL_POWER_DOWN; break;
	case NP_OP_SOFT: ctl = IPMI_CHASSIS_CONTROL_INITIATE_SOFT_SHUTDOWN; break;
	case NP_OP_RESET: ctl = IPMI_CHASSIS_CONTROL_HARD_RESET; break;
	case NP_OP_CYCLE: ctl = IPMI_CHASSIS_CONTROL_POWER_CYCLE; break;
	default:
		snprintf(err, errlen, "ipmi: no such power operation");
		return NP_EFAIL;
	}
	fiid_obj_t rs = fiid_obj_create(tmpl_cmd_chassis_control_rs);
	if (!rs) {
		snprintf(err, errlen, "out of memory");
		return NP_EFAIL;
	}
	if (ipmi_cmd_chassis_control(s->ctx, ctl, rs) < 0)
		rc = ctx_error(s, "chassis control", err, errlen);
	fiid_obj_destroy(rs);
	return rc;
}

static int ipmi_bootdev(void *sess, enum np_bootdev dev, int persistent, const char **note, char *err,
			size_t errlen)
{
	struct ipmi_sess *s = sess;
	uint8_t device = dev == NP_BOOT_PXE	? IPMI_SYSTEM_BOOT_OPTION_BOOT_FLAG_BOOT_DEVICE_FORCE_PXE
			 : dev == NP_BOOT_DISK	? IPMI_SYSTEM_BOOT_OPTION_BOOT_FLAG_BOOT_DEVICE_FORCE_HARD_DRIVE
						: IPMI_SYSTEM_BOOT_OPTION_BOOT_FLAG_BOOT_DEVICE_NO_OVERRIDE;
	fiid_obj_t rs = fiid_obj_create(tmpl_cmd_set_system_boot_options_rs);
	int rc = NP_OK;

	if (!rs) {
		snprintf(err, errlen, "out of memory");
		return NP_EFAIL;
	}
	/* Boot flags (parameter 5): valid, next boot only unless persistent,
	 * legacy BIOS boot, everything else left to the firmware. */
	if (ipmi_cmd_set_system_boot_options_boot_flags(
		    s->ctx, IPMI_SYSTEM_BOOT_OPTIONS_PARAMETER_VALID_UNLOCKED,
		    IPMI_SYSTEM_BOOT_OPTION_BOOT_FLAG_BOOT_TYPE_PC_COMPATIBLE,
		    persistent ? IPMI_SYSTEM_BOOT_OPTION_BOOT_FLAG_VALID_PERSISTENTLY
			       : IPMI_SYSTEM_BOOT_OPTION_BOOT_FLAG_VALID_FOR_NEXT_BOOT,
		    IPMI_SYSTEM_BOOT_OPTION_BOOT_FLAG_VALID, 0, 0, device, 0, 0,
		    IPMI_SYSTEM_BOOT_OPTION_BOOT_FLAG_CONSOLE_REDIRECTION_DEFAULT, 0, 0, 0,
		    IPMI_SYSTEM_BOOT_OPTION_BOOT_FLAG_FIRMWARE_BIOS_VERBOSITY_DEFAULT, 0, 0, 0, 0, rs) < 0)
		rc = ctx_error(s, "set boot flags", err, errlen);
	fiid_obj_destroy(rs);
	*note = persistent ? "persistent, if the BMC keeps it" : "next boot";
	return rc;
}

static void ipmi_close(void *sess)
{
	struct ipmi_sess *s = sess;

	ipmi_ctx_close(s->ctx);
	ipmi_ctx_destroy(s->ctx);
}

const struct np_backend np_backend_ipmi = {
	.name = "ipmi",
	.open = ipmi_open,
	.power = ipmi_power,
	.status = ipmi_status,
	.bootdev = ipmi_bootdev,
	.close = ipmi_close,
};
