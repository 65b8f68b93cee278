"""The closing line every benchmark prints: user + system CPU time, since on a shared machine wall time hides it."""
import resource

def cpu_time_line() -> str:
    "User + system CPU time of this process and its children: on a shared machine wall time hides it, and system time is CPU too."
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    u, k = s.ru_utime + c.ru_utime, s.ru_stime + c.ru_stime
    return f"# CPU time: user {u:.1f} s + system {k:.1f} s = {u + k:.1f} s (this process and its children)"
