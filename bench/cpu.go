package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// userHZ is the unit of /proc/<pid>/stat's CPU times: Linux reports them in USER_HZ,
// which is 100 on every architecture it runs on.
const userHZ = 100

// procStat is what the benchmark reads from /proc/<pid>/stat (Linux): the parent's pid
// and the CPU times (user and system) of the process and of its children it has waited for.
type procStat struct {
	ppid      int
	own, reap time.Duration
}

func readProcStat(pid int) (procStat, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procStat{}, err
	}
	// The command name, field 2, is in parentheses and may hold spaces: the fields are
	// counted after its closing parenthesis, where field 3 (state) starts.
	s := string(b)
	end := strings.LastIndexByte(s, ')')
	if end < 0 {
		return procStat{}, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	fields := strings.Fields(s[end+1:])
	const ppid, utime, stime, cutime, cstime = 4 - 3, 14 - 3, 15 - 3, 16 - 3, 17 - 3
	if len(fields) <= cstime {
		return procStat{}, fmt.Errorf("/proc/%d/stat: %d fields after the command name", pid, len(fields))
	}
	var n [5]int64
	for i, f := range []int{ppid, utime, stime, cutime, cstime} {
		if n[i], err = strconv.ParseInt(fields[f], 10, 64); err != nil {
			return procStat{}, fmt.Errorf("/proc/%d/stat field %d: %w", pid, f+3, err)
		}
	}
	ticks := func(t int64) time.Duration { return time.Duration(t) * time.Second / userHZ }
	return procStat{ppid: int(n[0]), own: ticks(n[1] + n[2]), reap: ticks(n[3] + n[4])}, nil
}

// pidCPU is the CPU time process pid has used so far.
func pidCPU(pid int) (time.Duration, error) {
	st, err := readProcStat(pid)
	return st.own, err
}

// treeCPU is the CPU time used so far by process pid and all its descendants, those
// running and those ended (PostgreSQL serves each connection from a process of its
// own, a child of the postmaster, which reaps it when it ends).
func treeCPU(pid int) (time.Duration, error) {
	root, err := readProcStat(pid)
	if err != nil {
		return 0, err
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, err
	}
	children := map[int][]int{}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, err := readProcStat(p); err == nil {
			children[st.ppid] = append(children[st.ppid], p)
		}
	}
	total := root.own + root.reap
	var add func(int)
	add = func(parent int) {
		for _, c := range children[parent] {
			// A process that ended since the scan has moved into its parent's reaped time.
			if st, err := readProcStat(c); err == nil {
				total += st.own + st.reap
			}
			add(c)
		}
	}
	add(pid)
	return total, nil
}

// selfCPU is the CPU time this process (worker, emulator and benchmark client) has used.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuMeter reads the Temporal server's CPU time (its database's included where that runs
// as processes of its own) and this process's, so a burst's cost can be taken as the
// difference of two readings.
type cpuMeter struct{ server func() (time.Duration, error) }

type cpuReading struct{ server, self time.Duration }

// read takes a reading; the server's time is 0 where /proc cannot tell it (not Linux),
// so the scenario's CPU figures read 0 there rather than failing its wall-clock ones.
func (m cpuMeter) read() cpuReading {
	srv, _ := m.server()
	return cpuReading{server: srv, self: selfCPU()}
}

func (r cpuReading) since(before cpuReading) cpuReading {
	return cpuReading{server: r.server - before.server, self: r.self - before.self}
}
