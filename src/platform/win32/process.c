/*
 * process.c - what the process asks of the system that is not a file:
 * CPUs, a clock, sleep, random bytes, user ids, the test hooks.
 */
#include "internal.h"

int hln_ncpus(void)
{
	DWORD_PTR proc, sys;
	if (GetProcessAffinityMask(GetCurrentProcess(), &proc, &sys) && proc)
		return __builtin_popcountll((unsigned long long)proc);
	SYSTEM_INFO si;
	GetSystemInfo(&si);
	return si.dwNumberOfProcessors > 0 ? (int)si.dwNumberOfProcessors : 1;
}

uint64_t hln_now_ns(void)
{
	static LARGE_INTEGER freq;
	LARGE_INTEGER c;
	if (!freq.QuadPart)
		QueryPerformanceFrequency(&freq); /* never fails since XP */
	QueryPerformanceCounter(&c);
	uint64_t f = (uint64_t)freq.QuadPart, t = (uint64_t)c.QuadPart;
	/* In two parts, so that t * 1e9 cannot overflow. */
	return t / f * 1000000000u + t % f * 1000000000u / f;
}

int hln_usage(struct hln_usage *u)
{
	FILETIME created, ended, kernel, user;
	if (!GetProcessTimes(GetCurrentProcess(), &created, &ended, &kernel,
			     &user))
		return -win_errno(GetLastError());
	/* 100 ns units; Windows does not count context switches per process */
	uint64_t k =
		(uint64_t)kernel.dwHighDateTime << 32 | kernel.dwLowDateTime;
	uint64_t t = (uint64_t)user.dwHighDateTime << 32 | user.dwLowDateTime;
	u->cpu_ns = (k + t) * 100;
	u->waits = u->preempted = 0;
	u->switches = 0;
	return 0;
}

void hln_sleep_ms(unsigned ms) { Sleep(ms); }

/*
 * RtlGenRandom (advapi32's SystemFunction036) links statically with no
 * library beyond the default ones; BCryptGenRandom would need -lbcrypt.
 */
int hln_random(void *buf, size_t len)
{
	HLN_FAILPOINT("random");
	char *p = buf;
	while (len > 0) {
		ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
		if (!RtlGenRandom(p, chunk))
			return -EIO;
		p += chunk;
		len -= chunk;
	}
	return 0;
}
/* Windows has SIDs, not user ids. */
uint32_t hln_euid(void) { return (uint32_t)-1; }

#ifdef HLN_FAILPOINTS
/* The test hooks are POSIX shell commands; Windows has no /bin/sh. */
int hln_run_shell(const char *cmd)
{
	(void)cmd;
	return -ENOSYS;
}
#endif
