/* creds.c: gather credentials (argv, prompt, file, PPTP_PASSWORD, --credentials) into pt_cred, and wipe them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "creds.h"

#define PA_MAX_CREDS 1024

/* The front end's one table of secrets: filled once at start, wiped at exit. */
static pt_cred *creds;
static size_t ncreds;

const pt_cred *pa_creds_list(size_t *n)
{
	*n = ncreds;
	return ncreds ? creds : NULL;
}

void pa_creds_wipe(void)
{
	for (size_t i = 0; i < ncreds; i++)
		pt_cred_wipe(&creds[i]);
	if (creds)
		explicit_bzero(creds, PA_MAX_CREDS * sizeof *creds);
	free(creds);
	creds = NULL;
	ncreds = 0;
}

static pt_cred *cred_slot(void)
{
	if (!creds) {
		creds = calloc(PA_MAX_CREDS, sizeof *creds);
		if (!creds)
			return NULL;
	}
	if (ncreds >= PA_MAX_CREDS)
		return NULL;
	return &creds[ncreds];
}

static int add_password(const char *user, const char *pw, const char *from)
{
	pt_cred *c = cred_slot();

	if (!c) {
		fprintf(stderr, "pptp-analyze: %s: too many credentials\n", from);
		return -1;
	}
	if (pt_cred_from_password(c, user ? user : "", pw) != PT_OK) {
		fprintf(stderr, "pptp-analyze: %s: the password is not valid UTF-8 or is longer than 256 characters\n", from);
		pt_cred_wipe(c);
		return -1;
	}
	ncreds++;
	return 0;
}

static int add_hash(const char *user, const char *hex, const char *from)
{
	pt_cred *c = cred_slot();

	if (!c) {
		fprintf(stderr, "pptp-analyze: %s: too many credentials\n", from);
		return -1;
	}
	if (pt_cred_from_nt_hash_hex(c, user ? user : "", hex) != PT_OK) {
		fprintf(stderr, "pptp-analyze: %s: an NT hash is 32 hexadecimal digits\n", from);
		pt_cred_wipe(c);
		return -1;
	}
	ncreds++;
	return 0;
}

static void chomp(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = 0;
}

/* Ask on the terminal without echo. */
static int prompt(char *buf, size_t cap)
{
	FILE *tty = fopen("/dev/tty", "r+");
	struct termios old, quiet;
	int ok;

	if (!tty) {
		fprintf(stderr, "pptp-analyze: --password without a value needs a terminal (or use --password-file, PPTP_PASSWORD)\n");
		return -1;
	}
	fputs("Password: ", tty);
	fflush(tty);
	if (tcgetattr(fileno(tty), &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fileno(tty), TCSANOW, &quiet);
	}
	ok = fgets(buf, (int)cap, tty) != NULL;
	tcsetattr(fileno(tty), TCSANOW, &old);
	fputc('\n', tty);
	fclose(tty);
	if (!ok) {
		fprintf(stderr, "pptp-analyze: no password read\n");
		return -1;
	}
	chomp(buf);
	return 0;
}

static int read_first_line(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f) {
		fprintf(stderr, "pptp-analyze: %s: %s\n", path, strerror(errno));
		return -1;
	}
	ok = fgets(buf, (int)cap, f) != NULL;
	fclose(f);
	if (!ok) {
		fprintf(stderr, "pptp-analyze: %s: empty\n", path);
		return -1;
	}
	chomp(buf);
	return 0;
}

/* "user:password" or "user::nthash"; blank lines and # comments skipped. */
static int read_credentials(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	unsigned lineno = 0;
	int rc = 0;

	if (!f) {
		fprintf(stderr, "pptp-analyze: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, f)) {
		char *colon, where[300];
		lineno++;
		chomp(line);
		if (!line[0] || line[0] == '#')
			continue;
		snprintf(where, sizeof where, "%s:%u", path, lineno);
		colon = strchr(line, ':');
		if (!colon) {
			fprintf(stderr, "pptp-analyze: %s: expected user:password or user::nthash\n", where);
			rc = -1;
			break;
		}
		*colon = 0;
		if (colon[1] == ':')
			rc = add_hash(line, colon + 2, where);
		else
			rc = add_password(line, colon + 1, where);
		if (rc)
			break;
	}
	explicit_bzero(line, sizeof line);
	fclose(f);
	return rc;
}

int pa_creds_load(const pa_opts *o)
{
	char buf[1024];
	const char *env = getenv("PPTP_PASSWORD");
	int rc = 0;

	if (o->password) {
		fprintf(stderr, "pptp-analyze: warning: a password on the command line is visible to other users of this machine (ps); prefer --password alone, --password-file or PPTP_PASSWORD\n");
		rc = add_password(o->user, o->password, "--password");
		/* the copy in argv is no longer needed: blank it so it lingers less */
		explicit_bzero((char *)o->password, strlen(o->password));
	} else if (o->password_prompt) {
		rc = prompt(buf, sizeof buf);
		if (!rc)
			rc = add_password(o->user, buf, "--password");
	} else if (o->password_file) {
		rc = read_first_line(o->password_file, buf, sizeof buf);
		if (!rc)
			rc = add_password(o->user, buf, o->password_file);
	} else if (env && *env && !o->nt_hash && !o->credentials) {
		rc = add_password(o->user, env, "PPTP_PASSWORD");
	}
	explicit_bzero(buf, sizeof buf);
	if (!rc && o->nt_hash)
		rc = add_hash(o->user, o->nt_hash, "--nt-hash");
	if (!rc && o->credentials)
		rc = read_credentials(o->credentials);
	if (rc)
		pa_creds_wipe();
	return rc;
}
